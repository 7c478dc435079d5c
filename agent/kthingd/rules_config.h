/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "rules" section of kthingd's configuration (docs/rules.md, "Rules in
 * kthingd"): each rule's SQL compiled, its actions checked and compiled, and
 * the loop guard run, when the configuration is loaded. A rule that does not
 * compile, or whose actions feed its own input, refuses the whole
 * configuration with "rules[i]....: problem".
 */
#ifndef KTHINGD_RULES_CONFIG_H
#define KTHINGD_RULES_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

struct config;
struct rule;
struct rule_expr;
struct rule_template;

/* The most rules one configuration holds (the loop guard is quadratic). */
#define RULES_MAX		256
#define RULES_MAX_ACTIONS	16

/* Where a rule's messages come from. */
enum rules_input {
	RULES_INPUT_TELEMETRY,	/* the telemetry kthingd makes, online or not */
	RULES_INPUT_BROKER,	/* messages on a filter subscribed for rules */
};

enum rules_action_kind {
	RULES_ACTION_SET,	/* write an actuator */
	RULES_ACTION_REPUBLISH,	/* publish the result (queued while offline) */
	RULES_ACTION_SHADOW,	/* report the result in a Device Shadow */
	RULES_ACTION_LOG,	/* write a line to the log */
};

struct rules_action {
	enum rules_action_kind kind;
	char *path;			/* "rules[0].actions[1]", for messages */
	/* set */
	char *thing;			/* the kernel's thing name */
	char *channel;
	struct rule_expr *value;	/* evaluated on the SELECT result */
	/* republish and shadow */
	struct rule_template *topic;	/* republish: ${...} template */
	char *topic_text;		/* as written; shadow: the update topic */
	int qos;
	/* log */
	struct rule_template *message;	/* NULL: the SELECT result */
	int level;			/* enum log_level */
};

struct rules_rule {
	char *name;
	struct rule *rule;
	enum rules_input input;
	struct rules_action *actions;
	size_t num_actions;
	struct rules_action *error_action;	/* NULL: none */
};

struct rules_config {
	struct rules_rule *rules;
	size_t num_rules;
	/*
	 * leads_to[i * num_rules + j]: what rule i publishes may reach rule j's
	 * FROM, directly or through other rules. No rule leads to itself (the
	 * configuration is refused); republishing checks each topic it makes
	 * at run time against the rules that lead back (substitutions can
	 * produce any topic).
	 */
	bool *leads_to;
};

/*
 * Parse @list (the "rules" value; NULL when absent) for @config, whose
 * other sections are parsed already. Returns 0 with *@out set (NULL for no
 * rules), or -1 with "rules[i]...: problem" in @err.
 */
int rules_config_parse(const cJSON *list, const struct config *config,
		       struct rules_config **out, char *err, size_t errlen);

void rules_config_free(struct rules_config *rc);

/* Whether what @from publishes may reach @to (see leads_to). */
bool rules_config_leads_to(const struct rules_config *rc, size_t from, size_t to);

const char *rules_input_name(enum rules_input input);
const char *rules_action_name(enum rules_action_kind kind);

#endif
