// SPDX-License-Identifier: GPL-2.0
/*
 * Edge rules in kthingd: the "rules" configuration (every error names its
 * key path, a rule that does not compile names the rule and the position,
 * loops are refused), and the engine's actions against a recording
 * rules_io: set, republish with templates, shadow, log, the error action,
 * the run-time loop guard, counters and their survival across a reload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/config.h"
#include "../agent/kthingd/log.h"
#include "../agent/kthingd/rules_config.h"
#include "../agent/kthingd/rules_engine.h"

#define BASE	"{\"thing_name\":\"dev\",\"things\":[{\"kthing\":\"env\"}],"
#define BASE2	"{\"thing_name\":\"dev\",\"things\":[{\"kthing\":\"a\"},{\"kthing\":\"b\"}],"
#define TELE	"'dt/kthing/+/telemetry'"

struct error_case {
	const char *what;
	const char *json;
	const char *error;	/* the exact message */
};

static const struct error_case error_cases[] = {
	{ "rules not an array", BASE "\"rules\":{}}", "rules: must be an array of rules" },
	{ "a rule not an object", BASE "\"rules\":[1]}", "rules[0]: must be an object" },
	{ "unknown key in a rule", BASE "\"rules\":[{\"name\":\"r\",\"sqll\":\"x\"}]}",
	  "rules[0].sqll: unknown key" },
	{ "name required", BASE "\"rules\":[{\"sql\":\"SELECT * FROM 'a'\"}]}",
	  "rules[0].name: required" },
	{ "name not a string", BASE "\"rules\":[{\"name\":5}]}",
	  "rules[0].name: must be a string" },
	{ "invalid name", BASE "\"rules\":[{\"name\":\"a b\",\"sql\":\"SELECT * FROM 'a'\"}]}",
	  "rules[0].name: \"a b\" is not a valid rule name (1 to 128 of a-z A-Z 0-9 _ -)" },
	{ "sql required", BASE "\"rules\":[{\"name\":\"r\"}]}", "rules[0].sql: required" },
	{ "a rule that does not parse names the rule and the position",
	  BASE "\"rules\":[{\"name\":\"fan\",\"sql\":\"SELECT a FORM 'x'\","
	  "\"actions\":[{\"log\":{}}]}]}",
	  "rules[0].sql: rule \"fan\": 1:10: expected FROM, found 'FORM'" },
	{ "an unknown function", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT md5(a) FROM 'x'\","
	  "\"actions\":[{\"log\":{}}]}]}",
	  "rules[0].sql: rule \"r\": 1:8: unknown function 'md5'" },
	{ "actions required", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\"}]}",
	  "rules[0].actions: required: an array of one or more actions" },
	{ "actions empty", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[]}]}", "rules[0].actions: required: an array of one or more actions" },
	{ "an action with two kinds", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"log\":{},\"set\":{}}]}]}",
	  "rules[0].actions[0]: must be an object with one key: set, republish, shadow or log" },
	{ "an unknown action", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"lambda\":{}}]}]}",
	  "rules[0].actions[0]: unknown action \"lambda\" (set, republish, shadow or log)" },
	{ "an action not an object", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"log\":true}]}]}", "rules[0].actions[0].log: must be an object" },
	{ "set needs a channel", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"set\":{\"value\":1}}]}]}",
	  "rules[0].actions[0].set.channel: required" },
	{ "set needs a thing with two things", BASE2 "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"actions\":[{\"set\":{\"channel\":\"fan\",\"value\":1}}]}]}",
	  "rules[0].actions[0].set.thing: required when things[] does not list "
	  "exactly one thing" },
	{ "set needs a value", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"set\":{\"channel\":\"fan\"}}]}]}",
	  "rules[0].actions[0].set.value: required" },
	{ "set value of a wrong type", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"set\":{\"channel\":\"fan\",\"value\":[1]}}]}]}",
	  "rules[0].actions[0].set.value: must be an expression (a string), a number, "
	  "true or false" },
	{ "set value that does not parse", BASE "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"actions\":[{\"set\":{\"channel\":\"fan\",\"value\":\"a +\"}}]}]}",
	  "rules[0].actions[0].set.value: 1:4: expected an expression, found the end of the text" },
	{ "set channel too long", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"set\":{\"channel\":\"abcdefghijklmnopqrstuvwxyz0123456\",\"value\":1}}]}]}",
	  "rules[0].actions[0].set.channel: longer than 31 bytes" },
	{ "republish needs a topic", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"republish\":{}}]}]}",
	  "rules[0].actions[0].republish.topic: required" },
	{ "republish to a wildcard", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"republish\":{\"topic\":\"a/+/b\"}}]}]}",
	  "rules[0].actions[0].republish.topic: \"a/+/b\": a topic name cannot hold the "
	  "wildcards '+' or '#'" },
	{ "republish template that does not parse", BASE "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"actions\":[{\"republish\":{\"topic\":\"a/${b\"}}]}]}",
	  "rules[0].actions[0].republish.topic: 1:6: expected '}' closing '${', found the end of the text" },
	{ "republish qos 2", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"republish\":{\"topic\":\"a\",\"qos\":2}}]}]}",
	  "rules[0].actions[0].republish.qos: 2 is out of range (0 to 1)" },
	{ "republish unknown key", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"republish\":{\"topic\":\"a\",\"retain\":true}}]}]}",
	  "rules[0].actions[0].republish.retain: unknown key" },
	{ "shadow of an invalid thing", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"shadow\":{\"thing\":\"a/b\"}}]}]}",
	  "rules[0].actions[0].shadow.thing: \"a/b\" is not a valid thing name "
	  "(1 to 128 of a-z A-Z 0-9 : _ -)" },
	{ "shadow with an invalid name", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"shadow\":{\"name\":\"a b\"}}]}]}",
	  "rules[0].actions[0].shadow.name: \"a b\" is not a valid shadow name "
	  "(1 to 64 of a-z A-Z 0-9 $ : _ -)" },
	{ "log with an unknown level", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"log\":{\"level\":\"loud\"}}]}]}",
	  "rules[0].actions[0].log.level: unknown level \"loud\" "
	  "(error, warning, notice, info, debug)" },
	{ "an error action that is not an action", BASE "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"actions\":[{\"log\":{}}],\"error_action\":{}}]}",
	  "rules[0].error_action: must be an object with one key: set, republish, shadow or log" },
	{ "input neither telemetry nor broker", BASE "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"input\":\"mqtt\",\"actions\":[{\"log\":{}}]}]}",
	  "rules[0].input: \"mqtt\" is neither \"telemetry\" nor \"broker\"" },
	{ "telemetry input that telemetry never reaches", BASE "\"rules\":[{\"name\":\"r\","
	  "\"sql\":\"SELECT * FROM 'x'\",\"input\":\"telemetry\",\"actions\":[{\"log\":{}}]}]}",
	  "rules[0].input: \"telemetry\", but FROM 'x' matches no telemetry topic "
	  "('dt/kthing/+/telemetry')" },
	{ "duplicate rule names", BASE "\"rules\":[{\"name\":\"r\",\"sql\":\"SELECT * FROM 'x'\","
	  "\"actions\":[{\"log\":{}}]},{\"name\":\"r\",\"sql\":\"SELECT * FROM 'y'\","
	  "\"actions\":[{\"log\":{}}]}]}", "rules[1].name: duplicate \"r\" (also rules[0])" },
	{ "loop guard: a republish into the rule's own FROM",
	  BASE "\"rules\":[{\"name\":\"echo\",\"sql\":\"SELECT * FROM 'alerts/#'\","
	  "\"actions\":[{\"republish\":{\"topic\":\"alerts/${topic(2)}/again\"}}]}]}",
	  "rules[0].actions[0].republish: publishes to 'alerts/+/again', which this rule's own "
	  "FROM 'alerts/#' matches: rule \"echo\" would trigger itself" },
	{ "loop guard: two rules feeding each other",
	  BASE "\"rules\":[{\"name\":\"ping\",\"sql\":\"SELECT * FROM 'a/ping'\","
	  "\"actions\":[{\"republish\":{\"topic\":\"a/pong\"}}]},"
	  "{\"name\":\"pong\",\"sql\":\"SELECT * FROM 'a/pong'\","
	  "\"actions\":[{\"log\":{}},{\"republish\":{\"topic\":\"a/ping\"}}]}]}",
	  "rules[0].actions[0].republish: publishes to 'a/pong', which rule \"pong\" (rules[1]) "
	  "takes in, and its actions lead back to rule \"ping\": a loop" },
	{ "loop guard: the error action counts too",
	  BASE "\"rules\":[{\"name\":\"e\",\"sql\":\"SELECT * FROM 'err/in'\","
	  "\"actions\":[{\"log\":{}}],\"error_action\":{\"republish\":{\"topic\":\"err/${ruleName}\"}}}]}",
	  "rules[0].error_action.republish: publishes to 'err/+', which this rule's own FROM "
	  "'err/in' matches: rule \"e\" would trigger itself" },
	{ "loop guard: a shadow report read back by the rule",
	  BASE "\"rules\":[{\"name\":\"s\",\"sql\":\"SELECT state.reported AS r FROM "
	  "'$aws/things/dev/shadow/update/accepted'\",\"actions\":[{\"shadow\":{}}]}]}",
	  "rules[0].actions[0].shadow: publishes to '$aws/things/dev/shadow/update/#', which "
	  "this rule's own FROM '$aws/things/dev/shadow/update/accepted' matches: rule \"s\" "
	  "would trigger itself" },
	{ "loop guard: an actuator whose shadow report the rule reads",
	  BASE "\"shadow\":{\"enabled\":true},\"rules\":[{\"name\":\"t\",\"sql\":\"SELECT "
	  "NOT state.reported.fan AS v FROM '$aws/things/env/shadow/update/accepted'\","
	  "\"actions\":[{\"set\":{\"channel\":\"fan\",\"value\":\"v\"}}]}]}",
	  "rules[0].actions[0].set: publishes to '$aws/things/env/shadow/#', which this rule's "
	  "own FROM '$aws/things/env/shadow/update/accepted' matches: rule \"t\" would trigger "
	  "itself" },
};

static void test_error(void **state)
{
	const struct error_case *c = *state;
	char err[CONFIG_ERROR_SIZE] = "";
	struct config config;

	assert_int_equal(config_parse(c->json, strlen(c->json), NULL, CONFIG_NO_FILE_CHECKS,
				      &config, err, sizeof(err)), -1);
	assert_string_equal(err, c->error);
	assert_null(config.rules);
}

static struct config parse_ok(const char *json)
{
	char err[CONFIG_ERROR_SIZE] = "";
	struct config config;
	int rc = config_parse(json, strlen(json), NULL, CONFIG_NO_FILE_CHECKS, &config, err,
			      sizeof(err));

	if (rc < 0)
		fail_msg("%s", err);
	return config;
}

static void test_no_rules(void **state)
{
	struct config c = parse_ok(BASE "\"rules\":[]}");

	(void)state;
	assert_null(c.rules);
	config_free(&c);
	c = parse_ok("{\"thing_name\":\"dev\"}");
	assert_null(c.rules);
	config_free(&c);
}

static void test_defaults(void **state)
{
	struct config c = parse_ok(BASE "\"rules\":["
		"{\"name\":\"hot\",\"sql\":\"SELECT 1 AS fan FROM " TELE " WHERE values.t > 30\","
		"\"actions\":[{\"set\":{\"channel\":\"fan\",\"value\":\"fan\"}},"
		"{\"republish\":{\"topic\":\"alerts/${topic(3)}\"}},{\"shadow\":{\"name\":\"rules\"}},"
		"{\"log\":{}}]},"
		"{\"name\":\"cmd\",\"sql\":\"SELECT * FROM 'cmd/dev/#'\",\"actions\":["
		"{\"republish\":{\"topic\":\"out/x\",\"qos\":0}}]},"
		"{\"name\":\"tele_broker\",\"sql\":\"SELECT * FROM " TELE "\",\"input\":\"broker\","
		"\"actions\":[{\"log\":{\"level\":\"debug\",\"message\":\"${thing}\"}}]}]}");
	const struct rules_config *rc = c.rules;
	const struct rules_rule *r;

	(void)state;
	assert_non_null(rc);
	assert_int_equal(rc->num_rules, 3);
	r = &rc->rules[0];
	assert_string_equal(r->name, "hot");
	assert_int_equal(r->input, RULES_INPUT_TELEMETRY);
	assert_int_equal(r->num_actions, 4);
	assert_int_equal(r->actions[0].kind, RULES_ACTION_SET);
	assert_string_equal(r->actions[0].thing, "env");
	assert_string_equal(r->actions[0].channel, "fan");
	assert_int_equal(r->actions[1].kind, RULES_ACTION_REPUBLISH);
	assert_int_equal(r->actions[1].qos, 1);
	assert_string_equal(r->actions[2].topic_text, "$aws/things/dev/shadow/name/rules/update");
	assert_int_equal(r->actions[3].level, LOG_LEVEL_NOTICE);
	assert_null(r->error_action);
	assert_int_equal(rc->rules[1].input, RULES_INPUT_BROKER);
	assert_int_equal(rc->rules[1].actions[0].qos, 0);
	assert_int_equal(rc->rules[2].input, RULES_INPUT_BROKER);
	assert_int_equal(rc->rules[2].actions[0].level, LOG_LEVEL_DEBUG);
	/* Nothing leads anywhere: no loop to guard at run time either. */
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			assert_false(rules_config_leads_to(rc, i, j));
	config_free(&c);
}

static void test_chain_without_loop(void **state)
{
	/* a feeds b, b feeds c: allowed, and recorded for the run-time guard. */
	struct config c = parse_ok(BASE "\"rules\":["
		"{\"name\":\"a\",\"sql\":\"SELECT * FROM 'x/a'\",\"actions\":["
		"{\"republish\":{\"topic\":\"x/b\"}}]},"
		"{\"name\":\"b\",\"sql\":\"SELECT * FROM 'x/b'\",\"actions\":["
		"{\"republish\":{\"topic\":\"x/c\"}}]},"
		"{\"name\":\"c\",\"sql\":\"SELECT * FROM 'x/c'\",\"actions\":[{\"log\":{}}]}]}");

	(void)state;
	assert_true(rules_config_leads_to(c.rules, 0, 1));
	assert_true(rules_config_leads_to(c.rules, 0, 2));
	assert_true(rules_config_leads_to(c.rules, 1, 2));
	assert_false(rules_config_leads_to(c.rules, 2, 0));
	assert_false(rules_config_leads_to(c.rules, 1, 0));
	config_free(&c);
}

/* --- the engine against a recording rules_io --------------------------- */

struct call {
	char kind;		/* 'p'ublish, 's'et */
	char topic[128];
	char payload[512];
	int qos;
};

struct recorder {
	struct call calls[16];
	int n;
	bool fail_set;
};

static int rec_publish(void *arg, const char *topic, const char *payload, size_t len,
		       int qos, char *err, size_t errlen)
{
	struct recorder *r = arg;
	struct call *c = &r->calls[r->n++ % 16];

	(void)err;
	(void)errlen;
	c->kind = 'p';
	snprintf(c->topic, sizeof(c->topic), "%s", topic);
	snprintf(c->payload, sizeof(c->payload), "%.*s", (int)len, payload);
	c->qos = qos;
	return 0;
}

static int rec_set(void *arg, const char *thing, const char *channel, const cJSON *value,
		   char *err, size_t errlen)
{
	struct recorder *r = arg;
	struct call *c = &r->calls[r->n++ % 16];
	char *text = cJSON_PrintUnformatted(value);

	c->kind = 's';
	snprintf(c->topic, sizeof(c->topic), "%s/%s", thing, channel);
	snprintf(c->payload, sizeof(c->payload), "%s", text ? text : "?");
	free(text);
	if (r->fail_set) {
		snprintf(err, errlen, "%s/%s: write failed: out of range", thing, channel);
		return -1;
	}
	return 0;
}

struct fixture {
	struct config config;
	struct recorder rec;
	struct rules_engine *engine;
};

static struct fixture *start(const char *json)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct rules_io io = { .publish = rec_publish, .set = rec_set };

	assert_non_null(f);
	f->config = parse_ok(json);
	io.arg = &f->rec;
	f->engine = rules_engine_new(&io);
	assert_non_null(f->engine);
	assert_int_equal(rules_engine_set(f->engine, f->config.rules, "dev"), 0);
	return f;
}

static void stop(struct fixture *f)
{
	rules_engine_free(f->engine);
	config_free(&f->config);
	free(f);
}

static void telemetry(struct fixture *f, const char *topic, const char *payload)
{
	rules_engine_message(f->engine, RULES_INPUT_TELEMETRY, NULL, topic, payload,
			     strlen(payload));
}

#define HOT_RULE BASE "\"rules\":[{\"name\":\"hot\",\"sql\":\"SELECT values.temp AS t, " \
	"values.temp > 30 AS fan FROM " TELE " WHERE values.temp > 30\",\"actions\":["

static void test_set_on_threshold(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"set\":{\"channel\":\"fan\",\"value\":\"fan\"}}]}]}");
	const struct rules_counters *c;

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"thing\":\"env\",\"values\":{\"temp\":25.5}}");
	assert_int_equal(f->rec.n, 0);
	telemetry(f, "dt/kthing/env/telemetry", "{\"thing\":\"env\",\"values\":{\"temp\":31.5}}");
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.calls[0].kind, 's');
	assert_string_equal(f->rec.calls[0].topic, "env/fan");
	assert_string_equal(f->rec.calls[0].payload, "true");
	/* Another topic, or the broker's input, do not reach a telemetry rule. */
	telemetry(f, "dt/kthing/env/status", "{\"values\":{\"temp\":40}}");
	rules_engine_message(f->engine, RULES_INPUT_BROKER, TELE, "dt/kthing/env/telemetry",
			     "{\"values\":{\"temp\":40}}", 23);
	assert_int_equal(f->rec.n, 1);
	c = rules_engine_rule_counters(f->engine, 0);
	assert_int_equal(c->matched, 1);
	assert_int_equal(c->acted, 1);
	assert_int_equal(c->failed, 0);
	stop(f);
}

static void test_constant_value(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"set\":{\"thing\":\"other\",\"channel\":\"heater\","
				  "\"value\":false}},{\"set\":{\"channel\":\"sp\",\"value\":22.5}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":35}}");
	assert_int_equal(f->rec.n, 2);
	assert_string_equal(f->rec.calls[0].topic, "other/heater");
	assert_string_equal(f->rec.calls[0].payload, "false");
	assert_string_equal(f->rec.calls[1].topic, "env/sp");
	assert_string_equal(f->rec.calls[1].payload, "22.5");
	stop(f);
}

static void test_republish_template(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"republish\":{\"topic\":"
				  "\"alerts/${topic(3)}/${cast(values.temp AS Int)}\",\"qos\":0}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":31.5}}");
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(f->rec.calls[0].kind, 'p');
	assert_string_equal(f->rec.calls[0].topic, "alerts/env/31");
	assert_string_equal(f->rec.calls[0].payload, "{\"t\":31.5,\"fan\":true}");
	assert_int_equal(f->rec.calls[0].qos, 0);
	stop(f);
}

static void test_shadow_report(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"shadow\":{}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":31}}");
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.calls[0].topic, "$aws/things/dev/shadow/update");
	assert_string_equal(f->rec.calls[0].payload,
			    "{\"state\":{\"reported\":{\"t\":31,\"fan\":true}},"
			    "\"clientToken\":\"kthingd-rules\"}");
	assert_int_equal(f->rec.calls[0].qos, 1);
	stop(f);
}

static void test_shadow_needs_object(void **state)
{
	struct fixture *f = start(BASE "\"rules\":[{\"name\":\"v\",\"sql\":\"SELECT VALUE 5 FROM "
				  TELE "\",\"actions\":[{\"shadow\":{}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{}");
	assert_int_equal(f->rec.n, 0);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->failed, 1);
	stop(f);
}

static void test_error_action(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"set\":{\"channel\":\"fan\",\"value\":\"fan\"}},"
				  "{\"log\":{\"message\":\"hot ${values.temp}\"}}],"
				  "\"error_action\":{\"republish\":{\"topic\":\"errors/${ruleName}\"}}}]}");
	cJSON *doc, *failure;

	(void)state;
	f->rec.fail_set = true;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":31}}");
	/* The set failed, the log still ran, then the error action. */
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.calls[1].kind, 'p');
	assert_string_equal(f->rec.calls[1].topic, "errors/hot");
	doc = cJSON_Parse(f->rec.calls[1].payload);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "ruleName")->valuestring, "hot");
	assert_string_equal(cJSON_GetObjectItem(doc, "topic")->valuestring,
			    "dt/kthing/env/telemetry");
	assert_string_equal(cJSON_GetObjectItem(doc, "clientId")->valuestring, "dev");
	failure = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "failures"), 0);
	assert_string_equal(cJSON_GetObjectItem(failure, "failedAction")->valuestring, "set");
	assert_string_equal(cJSON_GetObjectItem(failure, "failedResource")->valuestring,
			    "env/fan");
	assert_string_equal(cJSON_GetObjectItem(failure, "errorMessage")->valuestring,
			    "env/fan: write failed: out of range");
	cJSON_Delete(doc);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->matched, 1);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->acted, 0);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->failed, 1);
	/* Succeeding again counts as acted. */
	f->rec.fail_set = false;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":32}}");
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->acted, 1);
	assert_int_equal(rules_engine_totals(f->engine)->matched, 2);
	stop(f);
}

static void test_undefined_value_fails(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"set\":{\"channel\":\"fan\",\"value\":\"missing\"}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":31}}");
	assert_int_equal(f->rec.n, 0);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->failed, 1);
	stop(f);
}

static void test_runtime_loop_guard(void **state)
{
	/*
	 * 'x/${sub}' looks like 'x/+' at load, which cannot reach 'x/y/z';
	 * a substitution holding a '/' does, and is stopped at run time.
	 */
	struct fixture *f = start(BASE "\"rules\":[{\"name\":\"l\",\"sql\":\"SELECT * FROM 'x/y/z'\","
				  "\"actions\":[{\"republish\":{\"topic\":\"x/${sub}\"}}]}]}");

	(void)state;
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "x/y/z", "x/y/z",
			     "{\"sub\":\"ok\"}", 12);
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.calls[0].topic, "x/ok");
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "x/y/z", "x/y/z",
			     "{\"sub\":\"y/z\"}", 13);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->acted, 1);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->failed, 1);
	stop(f);
}

static void test_broker_filter_dispatch(void **state)
{
	struct fixture *f = start(BASE "\"rules\":["
				  "{\"name\":\"all\",\"sql\":\"SELECT * FROM 'cmd/#'\","
				  "\"actions\":[{\"republish\":{\"topic\":\"out/all\"}}]},"
				  "{\"name\":\"one\",\"sql\":\"SELECT * FROM 'cmd/one'\","
				  "\"actions\":[{\"republish\":{\"topic\":\"out/one\"}}]}]}");

	(void)state;
	/* One message per matching subscription: each runs only its own rules. */
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "cmd/#", "cmd/one", "{}", 2);
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "cmd/one", "cmd/one", "{}", 2);
	assert_int_equal(f->rec.n, 2);
	assert_string_equal(f->rec.calls[0].topic, "out/all");
	assert_string_equal(f->rec.calls[1].topic, "out/one");
	/* A payload that is not JSON: * adds nothing, the rule still matches. */
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "cmd/#", "cmd/x", "not json", 8);
	assert_int_equal(f->rec.n, 3);
	assert_string_equal(f->rec.calls[2].payload, "{}");
	stop(f);
}

static void test_counters_survive_reload(void **state)
{
	struct fixture *f = start(HOT_RULE "{\"log\":{}}]},{\"name\":\"bad\",\"sql\":"
				  "\"SELECT * FROM 'a'\",\"actions\":[{\"set\":{\"channel\":\"x\","
				  "\"value\":\"nothing\"}}]}]}");
	struct config fresh;
	cJSON *status, *rule;

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":31}}");
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":32}}");
	rules_engine_message(f->engine, RULES_INPUT_BROKER, "a", "a", "{}", 2);
	fresh = parse_ok(BASE "\"rules\":[{\"name\":\"bad\",\"sql\":\"SELECT * FROM 'a'\","
			 "\"actions\":[{\"log\":{}}]},{\"name\":\"hot\",\"sql\":\"SELECT * FROM "
			 TELE " WHERE values.temp > 40\",\"actions\":[{\"log\":{}}]}]}");
	assert_int_equal(rules_engine_set(f->engine, fresh.rules, "dev"), 0);
	config_free(&f->config);
	f->config = fresh;
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->matched, 1);
	assert_int_equal(rules_engine_rule_counters(f->engine, 0)->failed, 1);
	assert_int_equal(rules_engine_rule_counters(f->engine, 1)->matched, 2);
	/* The reloaded rule's new WHERE applies. */
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":35}}");
	assert_int_equal(rules_engine_rule_counters(f->engine, 1)->matched, 2);

	status = rules_engine_status(f->engine);
	rule = cJSON_GetArrayItem(status, 1);
	assert_string_equal(cJSON_GetObjectItem(rule, "name")->valuestring, "hot");
	assert_string_equal(cJSON_GetObjectItem(rule, "input")->valuestring, "telemetry");
	assert_string_equal(cJSON_GetObjectItem(rule, "from")->valuestring,
			    "dt/kthing/+/telemetry");
	assert_int_equal(cJSON_GetObjectItem(rule, "matched")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(rule, "acted")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(rule, "failed")->valueint, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(rule, "last_error")));
	/* The failing rule kept its last error too. */
	rule = cJSON_GetArrayItem(status, 0);
	assert_string_equal(cJSON_GetObjectItem(rule, "last_error")->valuestring,
			    "rules[1].actions[0].set: the value is Undefined");
	cJSON_Delete(status);

	/* No rules at all: nothing runs, the status is an empty list. */
	assert_int_equal(rules_engine_set(f->engine, NULL, NULL), 0);
	telemetry(f, "dt/kthing/env/telemetry", "{\"values\":{\"temp\":50}}");
	status = rules_engine_status(f->engine);
	assert_int_equal(cJSON_GetArraySize(status), 0);
	cJSON_Delete(status);
	stop(f);
}

static void test_select_value_undefined(void **state)
{
	struct fixture *f = start(BASE "\"rules\":[{\"name\":\"v\",\"sql\":\"SELECT VALUE nothing "
				  "FROM " TELE "\",\"actions\":[{\"republish\":{\"topic\":\"o\"}}]}]}");

	(void)state;
	telemetry(f, "dt/kthing/env/telemetry", "{}");
	assert_int_equal(f->rec.n, 1);
	assert_string_equal(f->rec.calls[0].payload, "");
	stop(f);
}

int main(void)
{
	size_t n = sizeof(error_cases) / sizeof(error_cases[0]);
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_no_rules),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_chain_without_loop),
		cmocka_unit_test(test_set_on_threshold),
		cmocka_unit_test(test_constant_value),
		cmocka_unit_test(test_republish_template),
		cmocka_unit_test(test_shadow_report),
		cmocka_unit_test(test_shadow_needs_object),
		cmocka_unit_test(test_error_action),
		cmocka_unit_test(test_undefined_value_fails),
		cmocka_unit_test(test_runtime_loop_guard),
		cmocka_unit_test(test_broker_filter_dispatch),
		cmocka_unit_test(test_counters_survive_reload),
		cmocka_unit_test(test_select_value_undefined),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(n + nfixed, sizeof(*tests));
	int rc;

	if (!tests)
		return 1;
	/* Failures are logged as warnings: keep the TAP output readable. */
	log_set_level(LOG_LEVEL_ERROR);
	for (size_t i = 0; i < n; i++) {
		tests[i].name = error_cases[i].what;
		tests[i].test_func = test_error;
		tests[i].initial_state = (void *)&error_cases[i];
	}
	memcpy(tests + n, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("kthingd_rules", tests, n + nfixed, NULL, NULL);
	free(tests);
	return rc;
}
