// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and checking the "rules" section. Everything that can be known
 * before a message arrives is checked here, so --check-config and a SIGHUP
 * reload refuse a bad rule instead of disabling it at run time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "../rules/rule.h"
#include "rules_config.h"

#define NAME_MAX_LEN	128	/* AWS: rule names are 1-128 of [a-zA-Z0-9_] */
#define KTHING_NAME_MAX	31

struct parse {
	const struct config *config;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parse *p, const char *path, const char *fmt, ...)
{
	char problem[CONFIG_ERROR_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s: %s", path, problem);
	return -1;
}

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

static int check_keys(struct parse *p, const cJSON *obj, const char *path,
		      const char *const *known)
{
	const cJSON *item, *other;

	cJSON_ArrayForEach(item, obj) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, item->string) != 0; k++)
			;
		if (!*k)
			return fail(p, path, "unknown key \"%s\"", item->string);
		for (other = item->next; other; other = other->next)
			if (strcmp(item->string, other->string) == 0)
				return fail(p, path, "\"%s\" given more than once",
					    item->string);
	}
	return 0;
}

/* A string member, required or not; *out is NULL when absent. */
static int get_string(struct parse *p, const cJSON *obj, const char *path, const char *key,
		      bool required, char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!item) {
		if (required)
			return fail(p, path, "\"%s\" is required", key);
		return 0;
	}
	if (!cJSON_IsString(item))
		return fail(p, path, "\"%s\" must be a string", key);
	if (!*item->valuestring)
		return fail(p, path, "\"%s\" must not be empty", key);
	*out = strdup(item->valuestring);
	if (!*out)
		return fail(p, path, "out of memory");
	return 0;
}

static int compile_template(struct parse *p, const char *path, const char *key,
			    const char *text, struct rule_template **out)
{
	struct rule_error e;

	*out = rule_template_compile(text, &e);
	if (!*out)
		return fail(p, path, "\"%s\": %s", key, e.message);
	return 0;
}

static int parse_set(struct parse *p, const cJSON *obj, const char *path,
		     struct rules_action *a)
{
	static const char *const keys[] = { "thing", "channel", "value", NULL };
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(obj, "value");
	struct rule_error e;
	char *text;

	if (check_keys(p, obj, path, keys) < 0 ||
	    get_string(p, obj, path, "thing", false, &a->thing) < 0 ||
	    get_string(p, obj, path, "channel", true, &a->channel) < 0)
		return -1;
	if (!a->thing) {
		/* One thing configured is the common device: it is meant. */
		if (p->config->num_things != 1)
			return fail(p, path, "\"thing\" is required when things[] does not "
				    "list exactly one thing");
		a->thing = strdup(p->config->things[0].kthing);
		if (!a->thing)
			return fail(p, path, "out of memory");
	}
	if (strlen(a->thing) > KTHING_NAME_MAX)
		return fail(p, path, "\"thing\" is longer than %d bytes", KTHING_NAME_MAX);
	if (strlen(a->channel) > KTHING_NAME_MAX)
		return fail(p, path, "\"channel\" is longer than %d bytes", KTHING_NAME_MAX);
	if (!value)
		return fail(p, path, "\"value\" is required");
	/* A string is an expression on the SELECT result; true or 2.5 a constant. */
	if (cJSON_IsString(value))
		text = strdup(value->valuestring);
	else if (cJSON_IsBool(value) || cJSON_IsNumber(value))
		text = cJSON_PrintUnformatted(value);
	else
		return fail(p, path, "\"value\" must be an expression (a string), a number, "
			    "true or false");
	if (!text)
		return fail(p, path, "out of memory");
	a->value = rule_expr_compile(text, &e);
	free(text);
	if (!a->value)
		return fail(p, path, "\"value\": %s", e.message);
	return 0;
}

static int parse_qos(struct parse *p, const cJSON *obj, const char *path, int *qos)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, "qos");

	*qos = 1;
	if (!item)
		return 0;
	if (!cJSON_IsNumber(item) || (item->valuedouble != 0 && item->valuedouble != 1))
		return fail(p, path, "\"qos\" must be 0 or 1");
	*qos = item->valueint;
	return 0;
}

static int parse_republish(struct parse *p, const cJSON *obj, const char *path,
			   struct rules_action *a)
{
	static const char *const keys[] = { "topic", "qos", NULL };
	const char *why;

	if (check_keys(p, obj, path, keys) < 0 ||
	    get_string(p, obj, path, "topic", true, &a->topic_text) < 0 ||
	    parse_qos(p, obj, path, &a->qos) < 0 ||
	    compile_template(p, path, "topic", a->topic_text, &a->topic) < 0)
		return -1;
	if (rule_template_is_constant(a->topic) &&
	    (why = rule_topic_name_invalid(a->topic_text)))
		return fail(p, path, "\"topic\" \"%s\": %s", a->topic_text, why);
	return 0;
}

static bool valid_shadow_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= 64 &&
	       strspn(name, "$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789:_-") == len;
}

static int parse_shadow(struct parse *p, const cJSON *obj, const char *path,
			struct rules_action *a)
{
	static const char *const keys[] = { "thing", "name", "qos", NULL };
	char *thing, *name;
	int rc;

	if (check_keys(p, obj, path, keys) < 0 ||
	    get_string(p, obj, path, "thing", false, &thing) < 0)
		return -1;
	if (get_string(p, obj, path, "name", false, &name) < 0 ||
	    parse_qos(p, obj, path, &a->qos) < 0) {
		free(thing);
		return -1;
	}
	rc = 0;
	if (thing && !config_valid_thing_name(thing))
		rc = fail(p, path, "\"thing\" \"%s\" is not a valid thing name "
			  "(1 to 128 of a-z A-Z 0-9 : _ -)", thing);
	else if (name && !valid_shadow_name(name))
		rc = fail(p, path, "\"name\" \"%s\" is not a valid shadow name "
			  "(1 to 64 of a-z A-Z 0-9 $ : _ -)", name);
	else if (asprintf(&a->topic_text, "$aws/things/%s/shadow%s%s/update",
			  thing ? thing : p->config->thing_name, name ? "/name/" : "",
			  name ? name : "") < 0)
		rc = fail(p, path, "out of memory");
	free(thing);
	free(name);
	return rc;
}

static int parse_log(struct parse *p, const cJSON *obj, const char *path,
		     struct rules_action *a)
{
	static const char *const keys[] = { "message", "level", NULL };
	enum log_level level = LOG_LEVEL_NOTICE;
	char *message, *name;

	if (check_keys(p, obj, path, keys) < 0 ||
	    get_string(p, obj, path, "level", false, &name) < 0)
		return -1;
	if (name && log_level_from_name(name, &level) < 0) {
		fail(p, path, "\"level\": unknown level \"%s\" "
		     "(error, warning, notice, info, debug)", name);
		free(name);
		return -1;
	}
	free(name);
	a->level = level;
	if (get_string(p, obj, path, "message", false, &message) < 0)
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
		return fail(p, path, "must be an object with one key: set, republish, "
			    "shadow or log");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(item->child->string, kinds[i].name) != 0)
			continue;
		snprintf(where, sizeof(where), "%s.%s", path, kinds[i].name);
		a->kind = kinds[i].kind;
		a->path = strdup(where);
		if (!a->path)
			return fail(p, where, "out of memory");
		if (!cJSON_IsObject(item->child))
			return fail(p, where, "must be an object");
		return kinds[i].parse(p, item->child, where, a);
	}
	return fail(p, path, "unknown action \"%s\" (set, republish, shadow or log)",
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
	bool reaches;
	int rc = 0;

	if (!tele)
		return fail(p, path, "out of memory");
	reaches = rule_topic_filters_intersect(from, tele);
	r->input = reaches ? RULES_INPUT_TELEMETRY : RULES_INPUT_BROKER;
	if (get_string(p, obj, path, "input", false, &input) < 0) {
		rc = -1;
	} else if (!input) {
		/* The default: telemetry when FROM can match it, else the broker. */
	} else if (strcmp(input, "broker") == 0) {
		r->input = RULES_INPUT_BROKER;
	} else if (strcmp(input, "telemetry") != 0) {
		rc = fail(p, path, "\"input\": \"%s\" is neither \"telemetry\" nor \"broker\"",
			  input);
	} else if (!reaches) {
		rc = fail(p, path, "\"input\" is telemetry, but FROM '%s' matches no telemetry "
			  "topic ('%s')", from, tele);
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
	char *sql;
	size_t i = 0;

	snprintf(path, sizeof(path), "rules[%zu]", index);
	if (!cJSON_IsObject(obj))
		return fail(p, path, "must be an object");
	if (check_keys(p, obj, path, keys) < 0 ||
	    get_string(p, obj, path, "name", true, &r->name) < 0)
		return -1;
	snprintf(where, sizeof(where), "%s.name", path);
	if (!valid_rule_name(r->name))
		return fail(p, where, "\"%.64s\" is not a valid rule name "
			    "(1 to 128 of a-z A-Z 0-9 _ -)", r->name);

	if (get_string(p, obj, path, "sql", true, &sql) < 0)
		return -1;
	r->rule = rule_compile(sql, &e);
	free(sql);
	snprintf(where, sizeof(where), "%s.sql", path);
	if (!r->rule)
		return fail(p, where, "rule \"%s\": %s", r->name, e.message);
	if (parse_input(p, obj, path, r) < 0)
		return -1;

	actions = cJSON_GetObjectItemCaseSensitive(obj, "actions");
	snprintf(where, sizeof(where), "%s.actions", path);
	if (!cJSON_IsArray(actions) || cJSON_GetArraySize(actions) < 1)
		return fail(p, where, "required: an array of one or more actions");
	if (cJSON_GetArraySize(actions) > RULES_MAX_ACTIONS)
		return fail(p, where, "more than %d actions", RULES_MAX_ACTIONS);
	r->actions = calloc(cJSON_GetArraySize(actions), sizeof(*r->actions));
	if (!r->actions)
		return fail(p, where, "out of memory");
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
			return fail(p, where, "out of memory");
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
		return fail(p, "rules", "out of memory");
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
			return fail(p, a->path, "publishes to '%s', which this rule's own FROM "
				    "'%s' matches: rule \"%s\" would trigger itself", filter,
				    rule_topic_filter(r->rule), r->name);
		for (size_t j = 0; j < n; j++) {
			if (j == i || !t[j * n + i])
				continue;
			a = rule_reaches(p, r, &rc->rules[j], filter, sizeof(filter));
			if (!a)
				continue;
			return fail(p, a->path, "publishes to '%s', which rule \"%s\" (rules[%zu]) "
				    "takes in, and its actions lead back to rule \"%s\": a loop",
				    filter, rc->rules[j].name, j, r->name);
		}
	}
	return 0;
}

/* ----------------------------------------------------------------------- */

int rules_config_parse(const cJSON *list, const struct config *config,
		       struct rules_config **out, char *err, size_t errlen)
{
	struct parse p = { .config = config, .err = err, .errlen = errlen };
	struct rules_config *rc;
	const cJSON *item;
	size_t i = 0, n;

	*out = NULL;
	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return fail(&p, "rules", "must be an array of rules");
	n = cJSON_GetArraySize(list);
	if (n == 0)
		return 0;
	if (n > RULES_MAX)
		return fail(&p, "rules", "more than %d rules", RULES_MAX);
	rc = calloc(1, sizeof(*rc));
	if (!rc || !(rc->rules = calloc(n, sizeof(*rc->rules)))) {
		free(rc);
		return fail(&p, "rules", "out of memory");
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
			fail(&p, where, "duplicate \"%s\" (also rules[%zu])",
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
