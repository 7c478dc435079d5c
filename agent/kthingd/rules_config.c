// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and checking the "rules" section. Everything that can be known
 * before a message arrives is checked here, so --check-config and a SIGHUP
 * reload refuse a bad rule instead of disabling it at run time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_parse.h"
#include "log.h"
#include "../rules/rule.h"
#include "rules_config.h"

#define NAME_MAX_LEN	128	/* AWS: rule names are 1-128 of [a-zA-Z0-9_] */
#define KTHING_NAME_MAX	31

struct parse {
	struct config_parser cp;	/* where problems are reported */
	const struct config *config;	/* the other sections, parsed */
};

const char *rules_input_name(enum rules_input input)
{
	return input == RULES_INPUT_TELEMETRY ? "telemetry" : "broker";
}

const char *rules_action_name(enum rules_action_kind kind)
{
	static const char *const names[] = {
		[RULES_ACTION_SET] = "set",
		[RULES_ACTION_REPUBLISH] = "republish",
		[RULES_ACTION_SHADOW] = "shadow",
		[RULES_ACTION_LOG] = "log",
	};

	return names[kind];
}

/* The string member @key of @obj, which must be there. */
static int get_required_string(struct parse *p, const cJSON *obj, const char *path,
			       const char *key, char **out)
{
	if (config_require(&p->cp, obj, path, key) < 0)
		return -1;
	return config_get_string(&p->cp, obj, path, key, false, out);
}

static int compile_template(struct parse *p, const char *path, const char *key,
			    const char *text, struct rule_template **out)
{
	struct rule_error e;
	char where[160];

	*out = rule_template_compile(text, &e);
	if (*out)
		return 0;
	config_join(where, sizeof(where), path, key);
	return config_fail(&p->cp, where, "%s", e.message);
}

static int parse_set(struct parse *p, const cJSON *obj, const char *path,
		     struct rules_action *a)
{
	static const char *const keys[] = { "thing", "channel", "value", NULL };
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(obj, "value");
	char thing[160], channel[160], where[160];
	struct rule_error e;
	char *text;

	config_join(thing, sizeof(thing), path, "thing");
	config_join(channel, sizeof(channel), path, "channel");
	config_join(where, sizeof(where), path, "value");
	if (config_check_keys(&p->cp, obj, path, keys) < 0 ||
	    config_get_string(&p->cp, obj, path, "thing", false, &a->thing) < 0 ||
	    get_required_string(p, obj, path, "channel", &a->channel) < 0)
		return -1;
	if (!a->thing) {
		/* One thing configured is the common device: it is meant. */
		if (p->config->num_things != 1)
			return config_fail(&p->cp, thing, "required when things[] does not "
					   "list exactly one thing");
		a->thing = strdup(p->config->things[0].kthing);
		if (!a->thing)
			return config_fail(&p->cp, thing, "out of memory");
	}
	if (strlen(a->thing) > KTHING_NAME_MAX)
		return config_fail(&p->cp, thing, "longer than %d bytes", KTHING_NAME_MAX);
	if (strlen(a->channel) > KTHING_NAME_MAX)
		return config_fail(&p->cp, channel, "longer than %d bytes", KTHING_NAME_MAX);
	if (config_require(&p->cp, obj, path, "value") < 0)
		return -1;
	/* A string is an expression on the SELECT result; true or 2.5 a constant. */
	if (cJSON_IsString(value))
		text = strdup(value->valuestring);
	else if (cJSON_IsBool(value) || cJSON_IsNumber(value))
		text = cJSON_PrintUnformatted(value);
	else
		return config_fail(&p->cp, where, "must be an expression (a string), a number, "
				   "true or false");
	if (!text)
		return config_fail(&p->cp, where, "out of memory");
	a->value = rule_expr_compile(text, &e);
	free(text);
	if (!a->value)
		return config_fail(&p->cp, where, "%s", e.message);
	return 0;
}

static int parse_qos(struct parse *p, const cJSON *obj, const char *path, int *qos)
{
	int64_t v = 1;

	if (config_get_integer(&p->cp, obj, path, "qos", 0, 1, &v) < 0)
		return -1;
	*qos = (int)v;
	return 0;
}

static int parse_republish(struct parse *p, const cJSON *obj, const char *path,
			   struct rules_action *a)
{
	static const char *const keys[] = { "topic", "qos", NULL };
	char where[160];
	const char *why;

	if (config_check_keys(&p->cp, obj, path, keys) < 0 ||
	    get_required_string(p, obj, path, "topic", &a->topic_text) < 0 ||
	    parse_qos(p, obj, path, &a->qos) < 0 ||
	    compile_template(p, path, "topic", a->topic_text, &a->topic) < 0)
		return -1;
	config_join(where, sizeof(where), path, "topic");
	if (rule_template_is_constant(a->topic) &&
	    (why = rule_topic_name_invalid(a->topic_text)))
		return config_fail(&p->cp, where, "\"%s\": %s", a->topic_text, why);
	return 0;
}

static int parse_shadow(struct parse *p, const cJSON *obj, const char *path,
			struct rules_action *a)
{
	static const char *const keys[] = { "thing", "name", "qos", NULL };
	char *thing = NULL, *name = NULL;
	char where[160];
	int rc = -1;

	if (config_check_keys(&p->cp, obj, path, keys) < 0 ||
	    config_get_string(&p->cp, obj, path, "thing", false, &thing) < 0 ||
	    config_get_string(&p->cp, obj, path, "name", false, &name) < 0 ||
	    parse_qos(p, obj, path, &a->qos) < 0)
		goto out;
	config_join(where, sizeof(where), path, "thing");
	if (thing && config_check_thing_name(&p->cp, where, thing) < 0)
		goto out;
	config_join(where, sizeof(where), path, "name");
	if (name && config_check_shadow_name(&p->cp, where, name) < 0)
		goto out;
	if (asprintf(&a->topic_text, "$aws/things/%s/shadow%s%s/update",
		     thing ? thing : p->config->thing_name, name ? "/name/" : "",
		     name ? name : "") < 0)
		config_fail(&p->cp, path, "out of memory");
	else
		rc = 0;
out:
	free(thing);
	free(name);
	return rc;
}

static int parse_log(struct parse *p, const cJSON *obj, const char *path,
		     struct rules_action *a)
{
	static const char *const keys[] = { "message", "level", NULL };
	enum log_level level = LOG_LEVEL_NOTICE;
	char *message = NULL, *name = NULL;
	char where[160];

	if (config_check_keys(&p->cp, obj, path, keys) < 0 ||
	    config_get_string(&p->cp, obj, path, "level", false, &name) < 0)
		return -1;
	if (name && log_level_from_name(name, &level) < 0) {
		config_join(where, sizeof(where), path, "level");
		config_fail(&p->cp, where, "unknown level \"%s\" "
			    "(error, warning, notice, info, debug)", name);
		free(name);
		return -1;
	}
	free(name);
	a->level = level;
	if (config_get_string(&p->cp, obj, path, "message", false, &message) < 0)
		return -1;
	if (message && compile_template(p, path, "message", message, &a->message) < 0) {
		free(message);
		return -1;
	}
	free(message);
	return 0;
}

/* One action: an object with exactly one key naming what it does. */
static int parse_action(struct parse *p, const cJSON *item, const char *path,
			struct rules_action *a)
{
	static const struct {
		const char *name;
		enum rules_action_kind kind;
		int (*parse)(struct parse *, const cJSON *, const char *,
			     struct rules_action *);
	} kinds[] = {
		{ "set", RULES_ACTION_SET, parse_set },
		{ "republish", RULES_ACTION_REPUBLISH, parse_republish },
		{ "shadow", RULES_ACTION_SHADOW, parse_shadow },
		{ "log", RULES_ACTION_LOG, parse_log },
	};
	char where[160];

	if (!cJSON_IsObject(item) || cJSON_GetArraySize(item) != 1)
		return config_fail(&p->cp, path, "must be an object with one key: set, republish, "
				   "shadow or log");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(item->child->string, kinds[i].name) != 0)
			continue;
		snprintf(where, sizeof(where), "%s.%s", path, kinds[i].name);
		a->kind = kinds[i].kind;
		a->path = strdup(where);
		if (!a->path)
			return config_fail(&p->cp, where, "out of memory");
		if (!cJSON_IsObject(item->child))
			return config_fail(&p->cp, where, "must be an object");
		return kinds[i].parse(p, item->child, where, a);
	}
	return config_fail(&p->cp, path, "unknown action \"%s\" (set, republish, shadow or log)",
			   item->child->string);
}

static bool valid_rule_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= NAME_MAX_LEN &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-") == len;
}

/*
 * @topic as a filter with each level holding @mark read as '+'. Allocated;
 * NULL when out of memory.
 */
static char *levels_as_wildcards(const char *topic, const char *mark)
{
	char *out = malloc(strlen(topic) + 1), *o = out;
	const char *level = topic;

	if (!out)
		return NULL;
	for (;;) {
		const char *end = strchr(level, '/');
		size_t n = end ? (size_t)(end - level) : strlen(level);

		if (memmem(level, n, mark, strlen(mark))) {
			*o++ = '+';
		} else {
			memcpy(o, level, n);
			o += n;
		}
		if (!end)
			break;
		*o++ = '/';
		level = end + 1;
	}
	*o = '\0';
	return out;
}

/* The filter of every topic telemetry goes to: {thing} levels as '+'. */
static char *telemetry_filter(const char *tmpl)
{
	return levels_as_wildcards(tmpl, "{thing}");
}

static int parse_input(struct parse *p, const cJSON *obj, const char *path,
		       struct rules_rule *r)
{
	const char *from = rule_topic_filter(r->rule);
	char *tele = telemetry_filter(p->config->telemetry.topic);
	char *input = NULL;
	char where[96];
	bool reaches;
	int rc = 0;

	config_join(where, sizeof(where), path, "input");
	if (!tele)
		return config_fail(&p->cp, where, "out of memory");
	reaches = rule_topic_filters_intersect(from, tele);
	r->input = reaches ? RULES_INPUT_TELEMETRY : RULES_INPUT_BROKER;
	if (config_get_string(&p->cp, obj, path, "input", false, &input) < 0) {
		rc = -1;
	} else if (!input) {
		/* The default: telemetry when FROM can match it, else the broker. */
	} else if (strcmp(input, "broker") == 0) {
		r->input = RULES_INPUT_BROKER;
	} else if (strcmp(input, "telemetry") != 0) {
		rc = config_fail(&p->cp, where, "\"%s\" is neither \"telemetry\" nor "
				 "\"broker\"", input);
	} else if (!reaches) {
		rc = config_fail(&p->cp, where, "\"telemetry\", but FROM '%s' matches no "
				 "telemetry topic ('%s')", from, tele);
	}
	free(input);
	free(tele);
	return rc;
}

static int parse_rule(struct parse *p, const cJSON *obj, size_t index, struct rules_rule *r)
{
	static const char *const keys[] = {
		"name", "sql", "input", "actions", "error_action", NULL,
	};
	const cJSON *actions, *item;
	char path[64], where[96];
	struct rule_error e;
	char *sql = NULL;
	size_t i = 0;

	snprintf(path, sizeof(path), "rules[%zu]", index);
	if (!cJSON_IsObject(obj))
		return config_fail(&p->cp, path, "must be an object");
	if (config_check_keys(&p->cp, obj, path, keys) < 0 ||
	    get_required_string(p, obj, path, "name", &r->name) < 0)
		return -1;
	snprintf(where, sizeof(where), "%s.name", path);
	if (!valid_rule_name(r->name))
		return config_fail(&p->cp, where, "\"%.64s\" is not a valid rule name "
				   "(1 to 128 of a-z A-Z 0-9 _ -)", r->name);

	if (get_required_string(p, obj, path, "sql", &sql) < 0)
		return -1;
	r->rule = rule_compile(sql, &e);
	free(sql);
	snprintf(where, sizeof(where), "%s.sql", path);
	if (!r->rule)
		return config_fail(&p->cp, where, "rule \"%s\": %s", r->name, e.message);
	if (parse_input(p, obj, path, r) < 0)
		return -1;

	actions = cJSON_GetObjectItemCaseSensitive(obj, "actions");
	snprintf(where, sizeof(where), "%s.actions", path);
	if (!cJSON_IsArray(actions) || cJSON_GetArraySize(actions) < 1)
		return config_fail(&p->cp, where, "required: an array of one or more actions");
	if (cJSON_GetArraySize(actions) > RULES_MAX_ACTIONS)
		return config_fail(&p->cp, where, "more than %d actions", RULES_MAX_ACTIONS);
	r->actions = calloc(cJSON_GetArraySize(actions), sizeof(*r->actions));
	if (!r->actions)
		return config_fail(&p->cp, where, "out of memory");
	cJSON_ArrayForEach(item, actions) {
		snprintf(where, sizeof(where), "%s.actions[%zu]", path, i);
		r->num_actions = ++i;
		if (parse_action(p, item, where, &r->actions[i - 1]) < 0)
			return -1;
	}

	item = cJSON_GetObjectItemCaseSensitive(obj, "error_action");
	if (item) {
		snprintf(where, sizeof(where), "%s.error_action", path);
		r->error_action = calloc(1, sizeof(*r->error_action));
		if (!r->error_action)
			return config_fail(&p->cp, where, "out of memory");
		if (parse_action(p, item, where, r->error_action) < 0)
			return -1;
	}
	return 0;
}

/* --- the loop guard ---------------------------------------------------- */

/*
 * The filter of the topics a republish template can make: each level that
 * holds a ${...} becomes '+'. A substitution producing a '/' escapes this;
 * the engine checks every topic it makes against the rules that lead back.
 */
static char *template_filter(const char *text)
{
	char *flat = malloc(strlen(text) + 1), *f = flat, *out;
	const char *s = text;

	if (!flat)
		return NULL;
	/* Each ${...} becomes one \x01, skipping quoted '}' and nested braces. */
	while (*s) {
		int depth = 0;
		char quote = 0;

		if (s[0] != '$' || s[1] != '{') {
			*f++ = *s++;
			continue;
		}
		for (s += 2; *s; s++) {
			if (quote) {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == quote)
					quote = 0;
			} else if (*s == '\'' || *s == '"') {
				quote = *s;
			} else if (*s == '{') {
				depth++;
			} else if (*s == '}' && depth-- == 0) {
				s++;
				break;
			}
		}
		*f++ = '\x01';
	}
	*f = '\0';
	out = levels_as_wildcards(flat, "\x01");
	free(flat);
	return out;
}

/* The topics an action's publishing can cause, as a filter (NULL: none). */
static char *action_output(const struct parse *p, const struct rules_action *a)
{
	const struct thing_config *tc;
	char *out = NULL;

	switch (a->kind) {
	case RULES_ACTION_REPUBLISH:
		return template_filter(a->topic_text);
	case RULES_ACTION_SHADOW:
		/* The update, and accepted, rejected, delta and documents. */
		if (asprintf(&out, "%s/#", a->topic_text) < 0)
			return NULL;
		return out;
	case RULES_ACTION_SET:
		/* The shadow sync reports the actuator's new value. */
		if (!p->config->shadow.enabled)
			return NULL;
		tc = config_find_thing(p->config, a->thing);
		if (asprintf(&out, "$aws/things/%s/shadow/#", tc ? tc->name : a->thing) < 0)
			return NULL;
		return out;
	case RULES_ACTION_LOG:
		break;
	}
	return NULL;
}

/* Whether action @a of one rule can reach @to's FROM; the filter in @why. */
static bool action_reaches(const struct parse *p, const struct rules_action *a,
			   const struct rules_rule *to, char *why, size_t size)
{
	char *filter;
	bool hit;

	if (to->input != RULES_INPUT_BROKER)
		return false;
	filter = action_output(p, a);
	if (!filter)
		return false;
	hit = rule_topic_filters_intersect(filter, rule_topic_filter(to->rule));
	if (hit && why)
		snprintf(why, size, "%s", filter);
	free(filter);
	return hit;
}

static const struct rules_action *rule_reaches(const struct parse *p,
					       const struct rules_rule *from,
					       const struct rules_rule *to,
					       char *why, size_t size)
{
	for (size_t k = 0; k < from->num_actions; k++)
		if (action_reaches(p, &from->actions[k], to, why, size))
			return &from->actions[k];
	if (from->error_action && action_reaches(p, from->error_action, to, why, size))
		return from->error_action;
	return NULL;
}

static int loop_guard(struct parse *p, struct rules_config *rc)
{
	size_t n = rc->num_rules;
	bool *t;

	t = rc->leads_to = calloc(n * n, sizeof(*t));
	if (!t)
		return config_fail(&p->cp, "rules", "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			t[i * n + j] = rule_reaches(p, &rc->rules[i], &rc->rules[j], NULL, 0);
	/* The transitive closure (Warshall). */
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < n; i++)
			if (t[i * n + k])
				for (size_t j = 0; j < n; j++)
					t[i * n + j] |= t[k * n + j];

	for (size_t i = 0; i < n; i++) {
		const struct rules_rule *r = &rc->rules[i];
		const struct rules_action *a;
		char filter[300];

		if (!t[i * n + i])
			continue;
		a = rule_reaches(p, r, r, filter, sizeof(filter));
		if (a)
			return config_fail(&p->cp, a->path, "publishes to '%s', which this "
					   "rule's own FROM '%s' matches: rule \"%s\" would "
					   "trigger itself", filter, rule_topic_filter(r->rule),
					   r->name);
		for (size_t j = 0; j < n; j++) {
			if (j == i || !t[j * n + i])
				continue;
			a = rule_reaches(p, r, &rc->rules[j], filter, sizeof(filter));
			if (!a)
				continue;
			return config_fail(&p->cp, a->path, "publishes to '%s', which rule "
					   "\"%s\" (rules[%zu]) takes in, and its actions lead "
					   "back to rule \"%s\": a loop", filter,
					   rc->rules[j].name, j, r->name);
		}
	}
	return 0;
}

/* ----------------------------------------------------------------------- */

int rules_config_parse(const cJSON *list, const struct config *config,
		       struct rules_config **out, char *err, size_t errlen)
{
	struct parse p = { .cp = { .err = err, .errlen = errlen }, .config = config };
	struct rules_config *rc;
	const cJSON *item;
	size_t i = 0, n;

	*out = NULL;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return config_fail(&p.cp, "rules", "must be an array of rules");
	n = cJSON_GetArraySize(list);
	if (n == 0)
		return 0;
	if (n > RULES_MAX)
		return config_fail(&p.cp, "rules", "more than %d rules", RULES_MAX);
	rc = calloc(1, sizeof(*rc));
	if (!rc || !(rc->rules = calloc(n, sizeof(*rc->rules)))) {
		free(rc);
		return config_fail(&p.cp, "rules", "out of memory");
	}
	cJSON_ArrayForEach(item, list) {
		rc->num_rules = ++i;
		if (parse_rule(&p, item, i - 1, &rc->rules[i - 1]) < 0)
			goto fail;
		for (size_t j = 0; j + 1 < i; j++) {
			char where[64];

			if (strcmp(rc->rules[j].name, rc->rules[i - 1].name) != 0)
				continue;
			snprintf(where, sizeof(where), "rules[%zu].name", i - 1);
			config_fail(&p.cp, where, "duplicate \"%s\" (also rules[%zu])",
				    rc->rules[j].name, j);
			goto fail;
		}
	}
	if (loop_guard(&p, rc) < 0)
		goto fail;
	*out = rc;
	return 0;

fail:
	rules_config_free(rc);
	return -1;
}

bool rules_config_leads_to(const struct rules_config *rc, size_t from, size_t to)
{
	return rc->leads_to && rc->leads_to[from * rc->num_rules + to];
}

static void free_action(struct rules_action *a)
{
	free(a->path);
	free(a->thing);
	free(a->channel);
	rule_expr_free(a->value);
	rule_template_free(a->topic);
	free(a->topic_text);
	rule_template_free(a->message);
}

void rules_config_free(struct rules_config *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->num_rules; i++) {
		struct rules_rule *r = &rc->rules[i];

		free(r->name);
		rule_free(r->rule);
		for (size_t k = 0; k < r->num_actions; k++)
			free_action(&r->actions[k]);
		free(r->actions);
		if (r->error_action)
			free_action(r->error_action);
		free(r->error_action);
	}
	free(rc->rules);
	free(rc->leads_to);
	free(rc);
}
