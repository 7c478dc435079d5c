// SPDX-License-Identifier: GPL-2.0
/*
 * The rule language's semantics, row by row from AWS's SQL reference
 * (iot-sql-operators, -functions, -data-types, -case, -select, -where,
 * -literals): Undefined and Null, coercions, Int against Decimal.
 */
#include "rules_test.h"

struct expr_case {
	const char *expr;
	const char *want;	/* unformatted JSON, or "undefined" */
};

/* Int and Decimal print alike when whole; "/ 4" tells them apart. */
static const struct expr_case expr_cases[] = {
	/* AND, OR, NOT: Booleans or "true"/"false" strings, else Undefined */
	{ "true AND true", "true" },
	{ "true AND false", "false" },
	{ "'TRUE' AND true", "true" },
	{ "t AND b", "true" },
	{ "f OR false", "false" },
	{ "false OR 'True'", "true" },
	{ "true AND 1", "undefined" },
	{ "false AND missing", "undefined" },
	{ "true OR missing", "undefined" },
	{ "'yes' OR true", "undefined" },
	{ "nul AND true", "undefined" },
	{ "NOT false", "true" },
	{ "NOT 'False'", "true" },
	{ "NOT 1", "undefined" },
	{ "NOT missing", "undefined" },
	{ "NOT nul", "undefined" },

	/* > >= < <=: both sides converted to Decimal */
	{ "i > 4", "true" },
	{ "i > 5", "false" },
	{ "i >= 5", "true" },
	{ "d < 3", "true" },
	{ "d <= 2.5", "true" },
	{ "n > 11", "true" },
	{ "n < '13'", "true" },
	{ "e < 1", "true" },
	{ "'1e3' > 999", "true" },
	{ "'1E-1' < 1", "true" },
	{ "s > 1", "undefined" },
	{ "'abc' < 'abd'", "undefined" },
	{ "'+1' > 0", "undefined" },
	{ "'.5' > 0", "undefined" },
	{ "' 1' > 0", "undefined" },
	{ "'1.' > 0", "undefined" },
	{ "b > 0", "undefined" },
	{ "nul < 1", "undefined" },
	{ "missing > 1", "undefined" },
	{ "arr > 1", "undefined" },
	{ "9223372036854775807 > 9223372036854775806", "true" },
	{ "9223372036854775807 < 9.3e18", "true" },
	{ "-9223372036854775807 > -9.3e18", "true" },

	/* = and <> */
	{ "i = 5", "true" },
	{ "i = 5.0", "true" },
	{ "d = 2.5", "true" },
	{ "1 = 1.5", "false" },
	{ "i = '5'", "false" },
	{ "i <> 'five'", "true" },
	{ "s = 'abc'", "true" },
	{ "s = 'ABC'", "false" },
	{ "s <> 'ABC'", "true" },
	{ "b = true", "true" },
	{ "b = 'true'", "false" },
	{ "nul = null", "true" },
	{ "nul <> null", "false" },
	{ "nul = 0", "false" },
	{ "nul = missing", "undefined" },
	{ "missing = missing", "undefined" },
	{ "missing <> 1", "undefined" },
	{ "arr = [1, 'two', {'x': 3}]", "true" },
	{ "arr = [1, {'x': 3}, 'two']", "false" },
	{ "arr <> [1, {'x': 3}, 'two']", "true" },
	{ "[1, 2] = [1.0, 2]", "true" },
	{ "[1, 2] = [1, 2, 3]", "false" },
	{ "obj = {'b': [1, 2], 'a': 1}", "true" },
	{ "obj = {'a': 1}", "false" },
	{ "{'a': 1} = {'a': 1.0}", "true" },
	{ "arr = obj", "false" },

	/* + concatenates when either side is a String */
	{ "i + 2", "7" },
	{ "i + d", "7.5" },
	{ "(d + d) / 4", "1.25" },
	{ "'a' + 1", "\"a1\"" },
	{ "1 + 'a'", "\"1a\"" },
	{ "n + 1", "\"121\"" },
	{ "s + d", "\"abc2.5\"" },
	{ "s + b", "\"abctrue\"" },
	{ "'x' + arr", "\"x[1,\\\"two\\\",{\\\"x\\\":3}]\"" },
	{ "s + nul", "undefined" },
	{ "s + missing", "undefined" },
	{ "b + 1", "undefined" },
	{ "nul + 1", "undefined" },
	{ "missing + 1", "undefined" },
	{ "arr + 1", "undefined" },

	/* - * / %: Int with Int is Int; strings read as Decimals */
	{ "i * 3", "15" },
	{ "i - 7", "-2" },
	{ "i / 2", "2" },
	{ "-7 / 2", "-3" },
	{ "d / 2", "1.25" },
	{ "i / 2.0", "2" },
	{ "i / 2.5", "2" },
	{ "neg % 3", "-1" },
	{ "7 % -3", "1" },
	{ "5.5 % 2", "1.5" },
	{ "n - 1", "11" },
	{ "(n - 1) / 2", "5.5" },
	{ "n * '2'", "24" },
	{ "nd * 2", "-3" },
	{ "'abc' - 1", "undefined" },
	{ "b * 2", "undefined" },
	{ "nul / 1", "undefined" },
	{ "i / 0", "undefined" },
	{ "d / 0", "undefined" },
	{ "1.5 / 0.0", "undefined" },
	{ "i % 0", "undefined" },
	{ "n / '0'", "undefined" },
	{ "9223372036854775807 + 1 > 9223372036854775807", "true" },
	{ "-9223372036854775807 - 2 < -9223372036854775807", "true" },
	{ "1e308 * 10", "undefined" },

	/* Ints of 16 digits and more keep every digit in JSON */
	{ "9007199254740993", "9007199254740993" },
	{ "-9223372036854775807 - 1", "-9223372036854775808" },
	{ "999999999999999", "999999999999999" },
	{ "1000000000000000", "1000000000000000" },
	{ "[9007199254740993][0] + 1", "9007199254740994" },
	{ "{'a': 9007199254740993}.a = 9007199254740993", "true" },
	{ "[12345678901234567] = [12345678901234567]", "true" },
	{ "1e17", "100000000000000000" },

	/* unary minus */
	{ "-i", "-5" },
	{ "-d", "-2.5" },
	{ "-n", "-12" },
	{ "- -3", "3" },
	{ "-s", "undefined" },
	{ "-missing", "undefined" },

	/* precedence and grouping */
	{ "2 + 3 * 4", "14" },
	{ "(2 + 3) * 4", "20" },
	{ "10 - 4 - 3", "3" },
	{ "2 * 3 % 4", "2" },
	{ "1 + 2 = 3", "true" },
	{ "NOT 1 = 2", "true" },
	{ "true OR false AND false", "true" },
	{ "NOT true AND false", "false" },
	{ "(temperature - 32) * 5 / 9", "undefined" },

	/* literals; whole numbers are Ints in SQL 2016-03-23 */
	{ "10.0 / 4", "2" },
	{ "1e2 / 3", "33" },
	{ "w / 4", "2" },
	{ "2.50", "2.5" },
	{ "'it\\'s'", "\"it's\"" },
	{ "\"double\"", "\"double\"" },
	{ "'\\u00e9\\n'", "\"é\\n\"" },
	{ "null", "null" },
	{ "NULL", "null" },
	{ "TRUE", "true" },
	{ "[]", "[]" },
	{ "{}", "{}" },
	{ "[missing, 1]", "[1]" },
	{ "{'a': missing, 'b': nul}", "{\"b\":null}" },
	{ "{'latitude': get(arr, 0), 'longitude': get(arr, 1)}",
	  "{\"latitude\":1,\"longitude\":\"two\"}" },

	/* JSON paths */
	{ "obj.a", "1" },
	{ "obj.b[1]", "2" },
	{ "arr[2].x", "3" },
	{ "arr[0]", "1" },
	{ "arr[3]", "undefined" },
	{ "arr[-1]", "undefined" },
	{ "arr['1']", "\"two\"" },
	{ "arr[1.6]", "{\"x\":3}" },
	{ "arr[b]", "undefined" },
	{ "obj.missing", "undefined" },
	{ "obj['a']", "undefined" },
	{ "s.x", "undefined" },
	{ "missing.x", "undefined" },
	{ "nul.x", "undefined" },
	{ "[1, 2, 3][1]", "2" },
	{ "{'a': s}.a", "\"abc\"" },
	{ "{'a': {'b': [7]}}.a.b[0]", "7" },

	/* CASE, simple and searched */
	{ "CASE i WHEN 5 THEN 'five' ELSE 'other' END", "\"five\"" },
	{ "case i when 4 then 'four' else 'other' end", "\"other\"" },
	{ "CASE i WHEN '5' THEN 'x' END", "undefined" },
	{ "CASE missing WHEN 1 THEN 'a' ELSE 'b' END", "undefined" },
	{ "CASE i WHEN 1 THEN 'a' WHEN 5 THEN 'b' WHEN 5 THEN 'c' END", "\"b\"" },
	{ "CASE d WHEN 2.5 THEN 'x' END", "\"x\"" },
	{ "CASE nul WHEN null THEN 'null' END", "\"null\"" },
	{ "CASE i WHEN missing THEN 1 ELSE 2 END", "2" },
	{ "CASE WHEN i > 4 THEN 'big' ELSE 'small' END", "\"big\"" },
	{ "CASE WHEN missing THEN 1 WHEN 'true' THEN 2 END", "2" },
	{ "CASE WHEN 1 THEN 1 END", "undefined" },
	{ "CASE WHEN i > 1 THEN CASE WHEN i > 4 THEN 'x' END END", "\"x\"" },

	/* functions */
	{ "abs(-5)", "5" },
	{ "abs(neg) / 2", "3" },
	{ "abs(-2.5)", "2.5" },
	{ "abs('-5.123')", "5.123" },
	{ "abs(b)", "undefined" },
	{ "abs(nul)", "undefined" },
	{ "abs(arr)", "undefined" },
	{ "abs('x')", "undefined" },
	{ "Round(1.2)", "1" },
	{ "round(1.5)", "2" },
	{ "round(1.7)", "2" },
	{ "round(-1.1)", "-1" },
	{ "round(-1.5)", "-2" },
	{ "round('2.5')", "3" },
	{ "round(i)", "5" },
	{ "round(b)", "undefined" },
	{ "floor(1.2)", "1" },
	{ "floor(-1.2)", "-2" },
	{ "floor(7.5) / 2", "3" },
	{ "floor('3.7')", "3" },
	{ "ceil(1.2)", "2" },
	{ "ceil(-1.2)", "-1" },
	{ "ceil(s)", "undefined" },
	{ "ceil(nul)", "undefined" },
	{ "isNull(5)", "false" },
	{ "isNull(Null)", "true" },
	{ "isNull(nul)", "true" },
	{ "isNull(missing)", "false" },
	{ "isUndefined(5)", "false" },
	{ "isUndefined(floor([1,2,3]))", "true" },
	{ "isUndefined(missing)", "true" },
	{ "isUndefined(nul)", "false" },
	{ "ISUNDEFINED(missing)", "true" },
	{ "topic()", "\"things/myThings/thingOne\"" },
	{ "topic(1)", "\"things\"" },
	{ "topic(3)", "\"thingOne\"" },
	{ "topic('2')", "\"myThings\"" },
	{ "topic(4)", "undefined" },
	{ "topic(0)", "undefined" },
	{ "topic(missing)", "undefined" },
	{ "timestamp()", "1481825251155" },
	{ "clientid()", "\"cid-1\"" },
	{ "get(['a', 'b', 'c'], 1)", "\"b\"" },
	{ "get({'a': 'b'}, 'a')", "\"b\"" },
	{ "get('abc', 1)", "\"b\"" },
	{ "get('h\\u00e9llo', 2)", "\"l\"" },
	{ "get('abc', 3)", "undefined" },
	{ "get(obj, 1)", "undefined" },
	{ "get(arr, '2').x", "3" },
	{ "get(get(obj, 'b'), 0)", "1" },
	{ "get(5, 0)", "undefined" },
	{ "mod(8, 3)", "2" },
	{ "mod(8, 0)", "undefined" },

	/* cast */
	{ "cast(true AS Int)", "1" },
	{ "cast(2.7 AS Int)", "2" },
	{ "cast(-2.7 AS Integer)", "-2" },
	{ "cast('5.9' AS Int)", "5" },
	{ "cast(nul AS Int)", "undefined" },
	{ "cast(arr AS Int)", "undefined" },
	{ "cast(s AS Int)", "undefined" },
	{ "cast(i AS String)", "\"5\"" },
	{ "cast(d AS varchar)", "\"2.5\"" },
	{ "cast(b AS Nvarchar)", "\"true\"" },
	{ "cast(s AS Text)", "\"abc\"" },
	{ "cast(arr AS Ntext)", "\"[1,\\\"two\\\",{\\\"x\\\":3}]\"" },
	{ "cast(nul AS String)", "undefined" },
	{ "cast(1.5e-7 AS String)", "\"1.5E-7\"" },
	{ "cast(12345678.9 AS String)", "\"12345678.9\"" },
	{ "cast(1e21 AS String)", "\"1E+21\"" },
	{ "cast(0.1 + 0.2 AS String)", "\"0.30000000000000004\"" },
	{ "cast(-9223372036854775807 - 1 AS String)", "\"-9223372036854775808\"" },
	{ "cast(5 AS Decimal) / 2", "2" },
	{ "cast('2.5' AS Decimal)", "2.5" },
	{ "cast('2.5' AS Double) / 2", "1.25" },
	{ "cast(true AS Decimal)", "1" },
	{ "cast(arr AS Decimal)", "undefined" },
	{ "cast(0 AS Boolean)", "false" },
	{ "cast(2.5 AS Bool)", "true" },
	{ "cast('TRUE' AS Boolean)", "true" },
	{ "cast('yes' AS Boolean)", "undefined" },
	{ "cast(nul AS Boolean)", "undefined" },
	{ "CAST(i AS int) + 1", "6" },
};

static void test_expr(void **state)
{
	const struct expr_case *c = *state;
	struct rule_error err;
	struct rule_expr *expr = rule_expr_compile(c->expr, &err);
	cJSON *payload = cJSON_Parse(SAMPLE_PAYLOAD), *value;
	char *text;

	assert_non_null(payload);
	if (!expr)
		fail_msg("%s: %s", c->expr, err.message);
	assert_int_equal(rule_expr_evaluate(expr, payload, &sample_ctx, &value), 0);
	text = json_text(value);
	if (strcmp(text, c->want))
		fail_msg("%s gave %s, want %s", c->expr, text, c->want);
	free(text);
	cJSON_Delete(value);
	cJSON_Delete(payload);
	rule_expr_free(expr);
}

struct rule_case {
	const char *what;
	const char *sql;
	const char *topic;
	const char *payload;	/* NULL: not JSON */
	int result;
	const char *want;	/* on RULE_MATCH: unformatted JSON or "undefined" */
};

static const struct rule_case rule_cases[] = {
	{ "SELECT * passes the payload",
	  "SELECT * FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"color\":\"red\",\"temperature\":50}" },
	{ "SELECT a key",
	  "SELECT color FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"color\":\"red\"}" },
	{ "AS renames",
	  "SELECT color AS my_color FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"my_color\":\"red\"}" },
	{ "several items, lower-case as",
	  "SELECT color as my_color, temperature as fahrenheit FROM 'topic/subtopic'",
	  "topic/subtopic", "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"my_color\":\"red\",\"fahrenheit\":50}" },
	{ "* with an added item",
	  "SELECT *, 15 as speed FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"color\":\"red\",\"temperature\":50,\"speed\":15}" },
	{ "SELECT VALUE gives a bare value",
	  "SELECT VALUE color FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH, "\"red\"" },
	{ "SELECT VALUE of an array",
	  "SELECT VALUE arr FROM 'topic'", "topic",
	  "{\"a\": {\"b\":\"c\"}, \"arr\":[1,2,3,4]}", RULE_MATCH, "[1,2,3,4]" },
	{ "SELECT VALUE of Undefined matches with no payload",
	  "SELECT VALUE missing FROM 'topic'", "topic", "{}", RULE_MATCH,
	  "undefined" },
	{ "nested path with AS",
	  "SELECT color.red as red_value FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"color\":{\"red\":255,\"green\":0,\"blue\":0}, \"temperature\":50}",
	  RULE_MATCH, "{\"red_value\":255}" },
	{ "Int arithmetic (the celsius example)",
	  "SELECT (temperature - 32) * 5 / 9 AS celsius FROM 'topic/subtopic'",
	  "topic/subtopic", "{\"color\":\"red\", \"temperature\":50}", RULE_MATCH,
	  "{\"celsius\":10}" },
	{ "WHERE false: no match (the WHERE example)",
	  "SELECT color AS my_color FROM 'topic/subtopic' WHERE temperature > 50 AND color <> 'red'",
	  "topic/subtopic", "{\"color\":\"red\", \"temperature\":40}",
	  RULE_NO_MATCH, NULL },
	{ "WHERE true (the reference example)",
	  "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50",
	  "topic/subtopic", "{\"color\":\"red\", \"temperature\":100}",
	  RULE_MATCH, "{\"rgb\":\"red\"}" },
	{ "WHERE Undefined: no match",
	  "SELECT * FROM 'a' WHERE missing > 1", "a", "{}", RULE_NO_MATCH, NULL },
	{ "WHERE a non-Boolean: no match",
	  "SELECT * FROM 'a' WHERE 1", "a", "{}", RULE_NO_MATCH, NULL },
	{ "WHERE the string 'true' matches",
	  "SELECT 1 AS one FROM 'a' WHERE 'true'", "a", "{}", RULE_MATCH,
	  "{\"one\":1}" },
	{ "WHERE cannot see SELECT aliases",
	  "SELECT 5 AS x FROM 'a' WHERE x = 5", "a", "{}", RULE_NO_MATCH, NULL },
	{ "CASE (the documented example)",
	  "SELECT CASE color WHEN 'green' THEN 'go' WHEN 'yellow' THEN 'caution' WHEN 'red' THEN 'stop' ELSE 'you are not at a stop light' END as instructions FROM 'topic/subtopic'",
	  "topic/subtopic", "{\"color\":\"yellow\"}", RULE_MATCH,
	  "{\"instructions\":\"caution\"}" },
	{ "NULL literal",
	  "SELECT NULL AS n FROM 'topic/subtopic'", "topic/subtopic", "{}",
	  RULE_MATCH, "{\"n\":null}" },
	{ "Null kept, Undefined left out",
	  "SELECT foo, bar FROM 'a'", "a", "{\"foo\":null}", RULE_MATCH,
	  "{\"foo\":null}" },
	{ "array literal",
	  "SELECT [lat,long] as lat_long FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"lat\": 47.696, \"long\": -122.332}", RULE_MATCH,
	  "{\"lat_long\":[47.696,-122.332]}" },
	{ "object literal",
	  "SELECT {'latitude': get(lat_long, 0),'longitude':get(lat_long, 1)} as lat_long FROM 'topic/subtopic'",
	  "topic/subtopic", "{\"lat_long\": [47.606,-122.332]}", RULE_MATCH,
	  "{\"lat_long\":{\"latitude\":47.606,\"longitude\":-122.332}}" },
	{ "dotted alias nests",
	  "SELECT foo.bar AS bar.baz FROM 'topic/subtopic'", "topic/subtopic",
	  "{\"foo\":{\"bar\":\"RED\",\"bar1\":\"GREEN\"}}", RULE_MATCH,
	  "{\"bar\":{\"baz\":\"RED\"}}" },
	{ "implicit names",
	  "SELECT obj.a, arr[0], topic(1), i + 1 FROM 'a/b'", "a/b",
	  "{\"obj\":{\"a\":1},\"arr\":[9],\"i\":1}", RULE_MATCH,
	  "{\"a\":1,\"arr\":9,\"topic\":\"a\",\"_4\":2}" },
	{ "a key named value",
	  "SELECT value FROM 'a'", "a", "{\"value\":3}", RULE_MATCH,
	  "{\"value\":3}" },
	{ "a key named value, with others",
	  "SELECT value, value AS v FROM 'a'", "a", "{\"value\":3}", RULE_MATCH,
	  "{\"value\":3,\"v\":3}" },
	{ "the later of two equal keys wins",
	  "SELECT 1 AS a, 2 AS a FROM 'x'", "x", "{}", RULE_MATCH, "{\"a\":2}" },
	{ "an Undefined item leaves * alone",
	  "SELECT *, missing AS color FROM 'x'", "x", "{\"color\":\"red\"}",
	  RULE_MATCH, "{\"color\":\"red\"}" },
	{ "an item replaces a key from *",
	  "SELECT *, 'blue' AS color FROM 'x'", "x", "{\"color\":\"red\"}",
	  RULE_MATCH, "{\"color\":\"blue\"}" },
	{ "* after an item",
	  "SELECT 1 AS one, * FROM 'x'", "x", "{\"two\":2,\"one\":0}",
	  RULE_MATCH, "{\"one\":0,\"two\":2}" },
	{ "* of a payload that is not an object",
	  "SELECT *, 1 AS one FROM 'x'", "x", "[1,2]", RULE_MATCH, "{\"one\":1}" },
	{ "a payload that is not JSON",
	  "SELECT *, topic() AS t, x FROM 'x'", "x", NULL, RULE_MATCH,
	  "{\"t\":\"x\"}" },
	{ "timestamp() added to * (the substitution example)",
	  "SELECT *, timestamp() AS timestamp FROM 'my/iot/topic'", "my/iot/topic",
	  "{\"deviceid\":\"iot123\",\"temp\":54.98}", RULE_MATCH,
	  "{\"deviceid\":\"iot123\",\"temp\":54.98,\"timestamp\":1481825251155}" },
	{ "the greenhouse rule fires",
	  "SELECT 1 AS fan FROM 'dt/kthing/+/telemetry' WHERE temperature >= 30",
	  "dt/kthing/greenhouse/telemetry", "{\"temperature\":30.5}", RULE_MATCH,
	  "{\"fan\":1}" },
	{ "the greenhouse rule stays quiet",
	  "SELECT 1 AS fan FROM 'dt/kthing/+/telemetry' WHERE temperature >= 30",
	  "dt/kthing/greenhouse/telemetry", "{\"temperature\":29.9}",
	  RULE_NO_MATCH, NULL },
	{ "keywords in any case, free layout",
	  "select\n\tvalue  temp\nfrom 'a'\nwhere\ttemp<>0", "a",
	  "{\"temp\":4}", RULE_MATCH, "4" },
};

static void test_rule(void **state)
{
	const struct rule_case *c = *state;
	struct rule_error err;
	struct rule *rule = rule_compile(c->sql, &err);
	cJSON *payload = c->payload ? cJSON_Parse(c->payload) : NULL, *out;
	struct rule_context ctx = sample_ctx;
	char *text;

	if (!rule)
		fail_msg("%s: %s", c->sql, err.message);
	assert_true(!c->payload || payload);
	assert_true(rule_matches_topic(rule, c->topic));
	ctx.topic = c->topic;
	assert_int_equal(rule_evaluate(rule, payload, &ctx, &out), c->result);
	if (c->result == RULE_MATCH) {
		text = json_text(out);
		if (strcmp(text, c->want))
			fail_msg("gave %s, want %s", text, c->want);
		free(text);
	} else {
		assert_null(out);
	}
	cJSON_Delete(out);
	cJSON_Delete(payload);
	rule_free(rule);
}

static void test_clientid_default(void **state)
{
	struct rule_context ctx = { .topic = "a" };
	struct rule_expr *expr = rule_expr_compile("clientid()", NULL);
	cJSON *value;

	(void)state;
	assert_non_null(expr);
	assert_int_equal(rule_expr_evaluate(expr, NULL, &ctx, &value), 0);
	assert_string_equal(cJSON_GetStringValue(value), "n/a");
	cJSON_Delete(value);
	rule_expr_free(expr);
}

/* A payload string of @len bytes of 'x' under key "s". */
static cJSON *long_string_payload(size_t len)
{
	char *s = malloc(len + 1);
	cJSON *payload = cJSON_CreateObject();

	assert_non_null(s);
	memset(s, 'x', len);
	s[len] = '\0';
	assert_non_null(cJSON_AddStringToObject(payload, "s", s));
	free(s);
	return payload;
}

/* @ok runs on a long string within the bounds, @big goes past them. */
static void check_bound(size_t string_len, const char *ok_sql,
			const char *big_sql)
{
	cJSON *payload = long_string_payload(string_len), *out;
	struct rule *ok = rule_compile(ok_sql, NULL);
	struct rule *big = rule_compile(big_sql, NULL);

	assert_non_null(ok);
	assert_non_null(big);
	assert_int_equal(rule_evaluate(ok, payload, &sample_ctx, &out), RULE_MATCH);
	cJSON_Delete(out);
	assert_int_equal(rule_evaluate(big, payload, &sample_ctx, &out), RULE_ERROR);
	assert_null(out);
	rule_free(ok);
	rule_free(big);
	cJSON_Delete(payload);
}

static void test_string_limit(void **state)
{
	(void)state;
	check_bound(RULE_MAX_STRING / 2 + 1, "SELECT s + 'y' AS a FROM 'x'",
		    "SELECT s + s AS a FROM 'x'");
}

static void test_result_limit(void **state)
{
	(void)state;
	check_bound(200 * 1024, "SELECT [s, s, s, s] AS a FROM 'x'",
		    "SELECT [s, s, s, s, s, s] AS a FROM 'x'");
}

static void test_rule_reused(void **state)
{
	struct rule *rule = rule_compile("SELECT VALUE t * 2 FROM '#' WHERE t > 0",
					 NULL);
	int i;

	(void)state;
	assert_non_null(rule);
	/* A compiled rule is immutable: many messages, same answers. */
	for (i = -3; i < 100; i++) {
		cJSON *payload = cJSON_CreateObject(), *out;

		cJSON_AddNumberToObject(payload, "t", i);
		assert_int_equal(rule_evaluate(rule, payload, &sample_ctx, &out),
				 i > 0 ? RULE_MATCH : RULE_NO_MATCH);
		if (i > 0)
			assert_int_equal((int)cJSON_GetNumberValue(out), 2 * i);
		cJSON_Delete(out);
		cJSON_Delete(payload);
	}
	rule_free(rule);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clientid_default),
		cmocka_unit_test(test_string_limit),
		cmocka_unit_test(test_result_limit),
		cmocka_unit_test(test_rule_reused),
	};
	int failed = 0;

	failed += run_rows("expressions", test_expr, expr_cases,
			   sizeof(expr_cases[0]),
			   sizeof(expr_cases) / sizeof(expr_cases[0]));
	failed += run_rows("rules", test_rule, rule_cases, sizeof(rule_cases[0]),
			   sizeof(rule_cases) / sizeof(rule_cases[0]));
	failed += cmocka_run_group_tests_name("limits and reuse", tests, NULL,
					      NULL);
	return failed ? 1 : 0;
}
