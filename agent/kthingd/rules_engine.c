// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../rules/rule.h"
#include "log.h"
#include "rules_engine.h"

/* AWS IoT's limit on a clientToken is 64 bytes. */
#define SHADOW_CLIENT_TOKEN	"kthingd-rules"

struct rule_state {
	char *name;
	struct rules_counters counters;
	/* The last failure, logged once rather than on every message. */
	char last_error[224];
};

struct rules_engine {
	struct rules_io io;
	const struct rules_config *rc;
	struct rule_state *states;	/* one per rule of @rc */
	size_t num_states;
	char *clientid;
	struct rules_counters totals;
};

/* What one run of a rule is working on. */
struct run {
	struct rules_engine *e;
	size_t index;				/* of the rule */
	const struct rules_rule *rule;
	const struct rule_context *ctx;
	cJSON *failures;			/* for the error action; NULL: none yet */
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct rules_engine *rules_engine_new(const struct rules_io *io)
{
	struct rules_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->io = *io;
	return e;
}

static void free_states(struct rule_state *states, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(states[i].name);
	free(states);
}

void rules_engine_free(struct rules_engine *e)
{
	if (!e)
		return;
	free_states(e->states, e->num_states);
	free(e->clientid);
	free(e);
}

int rules_engine_set(struct rules_engine *e, const struct rules_config *rc,
		     const char *clientid)
{
	size_t n = rc ? rc->num_rules : 0;
	struct rule_state *states = n ? calloc(n, sizeof(*states)) : NULL;
	char *id = clientid ? strdup(clientid) : NULL;

	if ((n && !states) || (clientid && !id))
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		states[i].name = strdup(rc->rules[i].name);
		if (!states[i].name)
			goto nomem;
		/* A rule keeps its counters and last error across a reload by its name. */
		for (size_t j = 0; j < e->num_states; j++) {
			if (strcmp(e->states[j].name, states[i].name) != 0)
				continue;
			states[i].counters = e->states[j].counters;
			memcpy(states[i].last_error, e->states[j].last_error,
			       sizeof(states[i].last_error));
		}
	}
	free_states(e->states, e->num_states);
	free(e->clientid);
	e->states = states;
	e->num_states = n;
	e->rc = rc;
	e->clientid = id;
	return 0;

nomem:
	free_states(states, n);
	free(id);
	return -ENOMEM;
}

/* --- actions ----------------------------------------------------------- */

/*
 * Whether a republish to @topic could start a loop: it reaches the FROM of
 * this rule, or of a rule whose actions lead back to this one.
 */
static const struct rules_rule *loops_back(const struct run *run, const char *topic)
{
	const struct rules_config *rc = run->e->rc;

	for (size_t j = 0; j < rc->num_rules; j++) {
		const struct rules_rule *r = &rc->rules[j];

		if (r->input == RULES_INPUT_BROKER && rule_matches_topic(r->rule, topic) &&
		    (j == run->index || rules_config_leads_to(rc, j, run->index)))
			return r;
	}
	return NULL;
}

static int act_set(struct run *run, const struct rules_action *a, const cJSON *result,
		   char *err, size_t errlen)
{
	cJSON *value = NULL;
	int rc;

	if (rule_expr_evaluate(a->value, result, run->ctx, &value) < 0) {
		snprintf(err, errlen, "the value could not be evaluated (out of memory "
			 "or beyond a bound)");
		return -1;
	}
	if (!value) {
		snprintf(err, errlen, "the value is Undefined");
		return -1;
	}
	rc = run->e->io.set(run->e->io.arg, a->thing, a->channel, value, err, errlen);
	cJSON_Delete(value);
	return rc < 0 ? -1 : 0;
}

static int publish(struct run *run, const char *topic, const cJSON *body, int qos,
		   char *err, size_t errlen)
{
	char *text = body ? cJSON_PrintUnformatted(body) : strdup("");
	int rc;

	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = run->e->io.publish(run->e->io.arg, topic, text, strlen(text), qos, err, errlen);
	free(text);
	return rc < 0 ? -1 : 0;
}

static int act_republish(struct run *run, const struct rules_action *a,
			 const cJSON *message, const cJSON *result, char *err, size_t errlen)
{
	char *topic = rule_template_render(a->topic, message, run->ctx);
	const struct rules_rule *to;
	const char *why;
	int rc = -1;

	if (!topic) {
		snprintf(err, errlen, "the topic could not be made (out of memory or too long)");
		return -1;
	}
	if ((why = rule_topic_name_invalid(topic)))
		snprintf(err, errlen, "topic \"%.64s\": %s", topic, why);
	else if ((to = loops_back(run, topic)))
		snprintf(err, errlen, "topic \"%.64s\" reaches rule \"%s\"%s: not published, "
			 "it would loop", topic, to->name,
			 to == run->rule ? " itself" : ", which leads back to this rule");
	else
		rc = publish(run, topic, result, a->qos, err, errlen);
	free(topic);
	return rc;
}

static int act_shadow(struct run *run, const struct rules_action *a, const cJSON *result,
		      char *err, size_t errlen)
{
	cJSON *doc, *state;
	int rc = -1;

	if (!cJSON_IsObject(result)) {
		snprintf(err, errlen, "the SELECT result is not a JSON object, which a "
			 "reported state must be");
		return -1;
	}
	doc = cJSON_CreateObject();
	state = cJSON_AddObjectToObject(doc, "state");
	if (state && cJSON_AddItemReferenceToObject(state, "reported", (cJSON *)result) &&
	    cJSON_AddStringToObject(doc, "clientToken", SHADOW_CLIENT_TOKEN))
		rc = publish(run, a->topic_text, doc, a->qos, err, errlen);
	else
		snprintf(err, errlen, "out of memory");
	cJSON_Delete(doc);
	return rc;
}

static int act_log(struct run *run, const struct rules_action *a, const cJSON *message,
		   const cJSON *result, char *err, size_t errlen)
{
	char *text;

	if (a->message)
		text = rule_template_render(a->message, message, run->ctx);
	else
		text = result ? cJSON_PrintUnformatted(result) : strdup("");
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	log_msg(a->level, "rule %s: %s", run->rule->name, text);
	free(text);
	return 0;
}

static const char *resource(const struct rules_action *a, char *buf, size_t size)
{
	switch (a->kind) {
	case RULES_ACTION_SET:
		snprintf(buf, size, "%s/%s", a->thing, a->channel);
		return buf;
	case RULES_ACTION_REPUBLISH:
	case RULES_ACTION_SHADOW:
		return a->topic_text;
	case RULES_ACTION_LOG:
		break;
	}
	return "log";
}

static int run_action(struct run *run, const struct rules_action *a, const cJSON *message,
		      const cJSON *result, char *err, size_t errlen)
{
	switch (a->kind) {
	case RULES_ACTION_SET:
		return act_set(run, a, result, err, errlen);
	case RULES_ACTION_REPUBLISH:
		return act_republish(run, a, message, result, err, errlen);
	case RULES_ACTION_SHADOW:
		return act_shadow(run, a, result, err, errlen);
	case RULES_ACTION_LOG:
		return act_log(run, a, message, result, err, errlen);
	}
	return -1;
}

/* Log a failure once, until the rule fails differently. */
static void report_failure(struct run *run, const char *what, const char *err)
{
	struct rule_state *st = &run->e->states[run->index];
	char line[sizeof(st->last_error)];

	snprintf(line, sizeof(line), "%s: %s", what, err);
	if (strcmp(line, st->last_error) != 0) {
		log_warning("rule %s: %s", run->rule->name, line);
		snprintf(st->last_error, sizeof(st->last_error), "%s", line);
	} else {
		log_debug("rule %s: %s", run->rule->name, line);
	}
}

/* Remember a failure for the error action, in AWS's error message shape. */
static void add_failure(struct run *run, const char *action, const char *res,
			const char *err)
{
	cJSON *f;

	if (!run->rule->error_action)
		return;
	if (!run->failures && !(run->failures = cJSON_CreateArray()))
		return;
	f = cJSON_CreateObject();
	if (!f)
		return;
	cJSON_AddStringToObject(f, "failedAction", action);
	cJSON_AddStringToObject(f, "failedResource", res);
	cJSON_AddStringToObject(f, "errorMessage", err);
	cJSON_AddItemToArray(run->failures, f);
}

/*
 * The error action gets a message like AWS's: the rule, the topic, the
 * client and the failures. Its templates and value see that message.
 */
static void run_error_action(struct run *run)
{
	const struct rules_action *a = run->rule->error_action;
	char err[256];
	cJSON *doc;

	if (!a || !run->failures)
		return;
	doc = cJSON_CreateObject();
	if (!doc)
		return;
	cJSON_AddStringToObject(doc, "ruleName", run->rule->name);
	cJSON_AddStringToObject(doc, "topic", run->ctx->topic);
	cJSON_AddStringToObject(doc, "clientId", run->ctx->clientid ? run->ctx->clientid
								    : "n/a");
	cJSON_AddItemToObject(doc, "failures", run->failures);
	run->failures = NULL;
	if (run_action(run, a, doc, doc, err, sizeof(err)) < 0)
		report_failure(run, a->path, err);
	cJSON_Delete(doc);
}

static void run_rule(struct rules_engine *e, size_t i, const cJSON *message,
		     const struct rule_context *ctx)
{
	const struct rules_rule *r = &e->rc->rules[i];
	struct rule_state *st = &e->states[i];
	struct run run = { .e = e, .index = i, .rule = r, .ctx = ctx };
	cJSON *result = NULL;
	bool failed = false;
	char err[256];
	int rc;

	rc = rule_evaluate(r->rule, message, ctx, &result);
	if (rc == RULE_NO_MATCH)
		return;
	st->counters.matched++;
	e->totals.matched++;
	if (rc == RULE_ERROR) {
		snprintf(err, sizeof(err), "out of memory or beyond a bound (docs/rules.md)");
		report_failure(&run, "evaluation failed", err);
		add_failure(&run, "evaluate", "sql", err);
		failed = true;
	}
	/* Every action runs, whatever the others did, as AWS runs them. */
	for (size_t k = 0; rc == RULE_MATCH && k < r->num_actions; k++) {
		const struct rules_action *a = &r->actions[k];
		char res[80];

		if (run_action(&run, a, message, result, err, sizeof(err)) == 0)
			continue;
		failed = true;
		report_failure(&run, a->path, err);
		add_failure(&run, rules_action_name(a->kind), resource(a, res, sizeof(res)), err);
	}
	cJSON_Delete(result);
	if (failed) {
		st->counters.failed++;
		e->totals.failed++;
		run_error_action(&run);
	} else {
		st->counters.acted++;
		e->totals.acted++;
		st->last_error[0] = '\0';
	}
	cJSON_Delete(run.failures);
}

void rules_engine_message(struct rules_engine *e, enum rules_input input,
			  const char *filter, const char *topic, const char *payload,
			  size_t len)
{
	/* clientid() is the publisher's: kthingd's for its telemetry, else unknown. */
	struct rule_context ctx = {
		.topic = topic,
		.clientid = input == RULES_INPUT_TELEMETRY ? e->clientid : NULL,
	};
	cJSON *message = NULL;
	bool parsed = false;

	if (!e->rc)
		return;
	for (size_t i = 0; i < e->rc->num_rules; i++) {
		const struct rules_rule *r = &e->rc->rules[i];

		if (r->input != input ||
		    (input == RULES_INPUT_BROKER && filter &&
		     strcmp(rule_topic_filter(r->rule), filter) != 0) ||
		    !rule_matches_topic(r->rule, topic))
			continue;
		/* Parsed once, for the first rule that wants it; NULL: not JSON. */
		if (!parsed) {
			message = len ? cJSON_ParseWithLength(payload, len) : NULL;
			ctx.timestamp_ms = wall_ms();
			parsed = true;
		}
		run_rule(e, i, message, &ctx);
	}
	cJSON_Delete(message);
}

/* --- counters and status ----------------------------------------------- */

const struct rules_counters *rules_engine_totals(const struct rules_engine *e)
{
	return &e->totals;
}

const struct rules_counters *rules_engine_rule_counters(const struct rules_engine *e,
							size_t i)
{
	return i < e->num_states ? &e->states[i].counters : NULL;
}

void rules_engine_add_counters(cJSON *counters, const struct rules_engine *e)
{
	if (!e)
		return;
	cJSON_AddNumberToObject(counters, "rules_matched", (double)e->totals.matched);
	cJSON_AddNumberToObject(counters, "rules_acted", (double)e->totals.acted);
	cJSON_AddNumberToObject(counters, "rules_failed", (double)e->totals.failed);
}

cJSON *rules_engine_status(const struct rules_engine *e)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; list && e && i < e->num_states; i++) {
		const struct rules_rule *r = &e->rc->rules[i];
		const struct rule_state *st = &e->states[i];
		cJSON *o = cJSON_CreateObject();

		if (!o)
			break;
		cJSON_AddStringToObject(o, "name", r->name);
		cJSON_AddStringToObject(o, "from", rule_topic_filter(r->rule));
		cJSON_AddStringToObject(o, "input", rules_input_name(r->input));
		cJSON_AddNumberToObject(o, "matched", (double)st->counters.matched);
		cJSON_AddNumberToObject(o, "acted", (double)st->counters.acted);
		cJSON_AddNumberToObject(o, "failed", (double)st->counters.failed);
		if (st->last_error[0])
			cJSON_AddStringToObject(o, "last_error", st->last_error);
		else
			cJSON_AddNullToObject(o, "last_error");
		cJSON_AddItemToArray(list, o);
	}
	return list;
}
