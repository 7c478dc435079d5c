// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling rules: every kind of parse error, with the position and what
 * was expected; the bounds that keep hostile rules from exhausting the
 * stack; and the forms that do compile.
 */
#include "rules_test.h"

struct error_case {
	const char *what;
	const char *sql;
	enum rule_error_kind kind;
	const char *message;	/* exact */
};

static const struct error_case error_cases[] = {
	{ "empty rule", "", RULE_ERR_UNEXPECTED,
	  "1:1: expected SELECT, found the end of the text" },
	{ "no SELECT", "FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:1: expected SELECT, found 'FROM'" },
	{ "nothing selected", "SELECT FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:8: expected '*' or an expression after SELECT, found 'FROM'" },
	{ "no FROM", "SELECT a 'a'", RULE_ERR_UNEXPECTED,
	  "1:10: expected FROM, found 'a'" },
	{ "topic filter not quoted", "SELECT a FROM a/b", RULE_ERR_UNEXPECTED,
	  "1:15: expected a topic filter in single quotes, found 'a'" },
	{ "topic filter in double quotes", "SELECT a FROM \"a/b\"",
	  RULE_ERR_UNEXPECTED,
	  "1:15: expected a topic filter in single quotes, found \"a/b\"" },
	{ "WHERE without a condition", "SELECT a FROM 'a' WHERE",
	  RULE_ERR_UNEXPECTED,
	  "1:24: expected an expression, found the end of the text" },
	{ "text after the rule", "SELECT a FROM 'a' b", RULE_ERR_UNEXPECTED,
	  "1:19: expected WHERE or the end of the rule, found 'b'" },
	{ "text after WHERE", "SELECT a FROM 'a' WHERE b c", RULE_ERR_UNEXPECTED,
	  "1:27: expected the end of the rule, found 'c'" },
	{ "unclosed parenthesis", "SELECT (a FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:11: expected ')', found 'FROM'" },
	{ "missing operand", "SELECT a + FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:12: expected an expression, found 'FROM'" },
	{ "reserved word as a key", "SELECT a FROM 'a' WHERE end = 1",
	  RULE_ERR_UNEXPECTED, "1:25: expected an expression, found 'end'" },
	{ "number after a dot", "SELECT a.0 FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:10: expected a key name after '.' (use get() for other keys), found '0'" },
	{ "unclosed index", "SELECT a[0 FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:12: expected ']', found 'FROM'" },
	{ "array items without a comma", "SELECT [1 2] FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:11: expected ',' or ']', found '2'" },
	{ "object key not quoted", "SELECT {a: 1} FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:9: expected a quoted key, found 'a'" },
	{ "object without a colon", "SELECT {'a' 1} FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:13: expected ':', found '1'" },
	{ "CASE without WHEN", "SELECT CASE a END FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:15: expected WHEN, found 'END'" },
	{ "CASE without END", "SELECT CASE WHEN a THEN 1 FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:27: expected WHEN, ELSE or END, found 'FROM'" },
	{ "WHEN without THEN", "SELECT CASE a WHEN 1 2 END FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:22: expected THEN, found '2'" },
	{ "cast without AS", "SELECT cast(a) FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:14: expected AS, found ')'" },
	{ "cast without a type", "SELECT cast(a AS) FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:17: expected a type after AS, found ')'" },
	{ "alias not a name", "SELECT a AS 'b' FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:13: expected a name after AS, found 'b'" },
	{ "arguments without a comma", "SELECT abs(1 2) FROM 'a'",
	  RULE_ERR_UNEXPECTED, "1:14: expected ',' or ')', found '2'" },
	{ "'*' not first", "SELECT a, * * FROM 'a'", RULE_ERR_UNEXPECTED,
	  "1:13: expected FROM, found '*'" },
	{ "long token shortened", "SELECT a FROM 'a' WHERE b c_very_long_name_of_many_letters",
	  RULE_ERR_UNEXPECTED,
	  "1:27: expected the end of the rule, found 'c_very_long_name_of_many...'" },
	{ "stray character", "SELECT a FROM 'a' WHERE a ! 1",
	  RULE_ERR_BAD_CHARACTER, "1:27: unexpected character '!'" },
	{ "control byte", "SELECT a\x01 FROM 'a'", RULE_ERR_BAD_CHARACTER,
	  "1:9: unexpected byte 0x01" },
	{ "position on a later line", "SELECT a\nFROM 'a'\nWHERE a # 1",
	  RULE_ERR_BAD_CHARACTER, "3:9: unexpected character '#'" },
	{ "unterminated string", "SELECT a FROM 'a/b", RULE_ERR_UNTERMINATED_STRING,
	  "1:15: string literal is not closed with '" },
	{ "unterminated double-quoted string", "SELECT \"abc FROM 'a'",
	  RULE_ERR_UNTERMINATED_STRING, "1:8: string literal is not closed with \"" },
	{ "backslash at the end", "SELECT 'abc\\", RULE_ERR_UNTERMINATED_STRING,
	  "1:8: string literal is not closed with '" },
	{ "unknown escape", "SELECT 'a\\qb' FROM 'a'", RULE_ERR_BAD_ESCAPE,
	  "1:10: unknown escape sequence in string literal (use \\\\, \\', \\\", \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX other than \\u0000)" },
	{ "short \\u escape", "SELECT '\\u12' FROM 'a'", RULE_ERR_BAD_ESCAPE,
	  "1:9: unknown escape sequence in string literal (use \\\\, \\', \\\", \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX other than \\u0000)" },
	{ "\\u0000", "SELECT '\\u0000' FROM 'a'", RULE_ERR_BAD_ESCAPE,
	  "1:9: unknown escape sequence in string literal (use \\\\, \\', \\\", \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX other than \\u0000)" },
	{ "lone surrogate", "SELECT '\\ud800' FROM 'a'", RULE_ERR_BAD_ESCAPE,
	  "1:9: unknown escape sequence in string literal (use \\\\, \\', \\\", \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX other than \\u0000)" },
	{ "number ending in a dot", "SELECT 1. FROM 'a'", RULE_ERR_BAD_NUMBER,
	  "1:8: malformed number '1.'" },
	{ "exponent without digits", "SELECT 2e FROM 'a'", RULE_ERR_BAD_NUMBER,
	  "1:8: malformed number '2e'" },
	{ "letters after digits", "SELECT 3abc FROM 'a'", RULE_ERR_BAD_NUMBER,
	  "1:8: malformed number '3abc'" },
	{ "two decimal points", "SELECT 1.2.3 FROM 'a'", RULE_ERR_BAD_NUMBER,
	  "1:8: malformed number '1.2.3'" },
	{ "number out of range", "SELECT 1e999 FROM 'a'", RULE_ERR_BAD_NUMBER,
	  "1:8: number '1e999' is out of range" },
	{ "unknown function", "SELECT md5(a) FROM 'a'", RULE_ERR_UNKNOWN_FUNCTION,
	  "1:8: unknown function 'md5'" },
	{ "too few arguments", "SELECT abs() FROM 'a'", RULE_ERR_ARGUMENT_COUNT,
	  "1:8: abs() takes 1 argument, not 0" },
	{ "too many arguments", "SELECT get(a, 1, 2) FROM 'a'",
	  RULE_ERR_ARGUMENT_COUNT, "1:8: get() takes 2 arguments, not 3" },
	{ "arguments to timestamp()", "SELECT timestamp(1) FROM 'a'",
	  RULE_ERR_ARGUMENT_COUNT, "1:8: timestamp() takes 0 arguments, not 1" },
	{ "too many for topic()", "SELECT topic(1, 2) FROM 'a'",
	  RULE_ERR_ARGUMENT_COUNT, "1:8: topic() takes 0 to 1 arguments, not 2" },
	{ "unknown cast type", "SELECT cast(a AS Float) FROM 'a'",
	  RULE_ERR_UNKNOWN_TYPE,
	  "1:18: cannot cast to 'Float' (types: String, Nvarchar, Text, Ntext, varchar, Int, Integer, Double, Decimal, Bool, Boolean)" },
	{ "empty topic filter", "SELECT a FROM ''", RULE_ERR_BAD_TOPIC_FILTER,
	  "1:15: a topic filter cannot be empty" },
	{ "'#' not last", "SELECT a FROM 'a/#/b'", RULE_ERR_BAD_TOPIC_FILTER,
	  "1:15: '#' must be the last level of a topic filter" },
	{ "'#' inside a level", "SELECT a FROM 'a/b#'", RULE_ERR_BAD_TOPIC_FILTER,
	  "1:15: '#' must be a whole level of a topic filter" },
	{ "'+' inside a level", "SELECT a FROM 'a/+b/c'", RULE_ERR_BAD_TOPIC_FILTER,
	  "1:15: '+' must be a whole level of a topic filter" },
};

static void test_error(void **state)
{
	const struct error_case *c = *state;
	struct rule_error err;
	struct rule *rule = rule_compile(c->sql, &err);

	assert_null(rule);
	assert_string_equal(err.message, c->message);
	assert_int_equal(err.kind, c->kind);
}

/* The same errors through the expression and template entry points. */
static void test_expression_errors(void **state)
{
	struct rule_error err;

	(void)state;
	assert_null(rule_expr_compile("", &err));
	assert_int_equal(err.kind, RULE_ERR_UNEXPECTED);
	assert_string_equal(err.message, "1:1: expected an expression, found the end of the text");
	assert_null(rule_expr_compile("a b", &err));
	assert_string_equal(err.message, "1:3: expected the end of the expression, found 'b'");
	assert_null(rule_expr_compile("nope(1)", &err));
	assert_int_equal(err.kind, RULE_ERR_UNKNOWN_FUNCTION);
	assert_int_equal(err.offset, 0);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	/* A NULL error pointer is allowed. */
	assert_null(rule_expr_compile("(", NULL));
}

/* @count copies of @unit between @prefix and @suffix. */
static char *repeat(const char *prefix, const char *unit, size_t count,
		    const char *suffix)
{
	size_t len = strlen(prefix) + strlen(unit) * count + strlen(suffix);
	char *s = malloc(len + 1), *p = s;

	assert_non_null(s);
	p = stpcpy(p, prefix);
	while (count--)
		p = stpcpy(p, unit);
	strcpy(p, suffix);
	return s;
}

struct depth_case {
	const char *what;
	const char *prefix, *unit, *suffix;
	size_t ok_count, bad_count;	/* compiles / is refused */
	enum rule_error_kind kind;
};

static const struct depth_case depth_cases[] = {
	{ "parentheses", "SELECT ", "(", "1", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "NOT", "SELECT ", "NOT ", "true", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "unary minus", "SELECT ", "-", "1", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "nested arrays", "SELECT ", "[", "1", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "nested objects", "SELECT ", "{'a':", "1", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "nested calls", "SELECT ", "abs(", "1", 60, 10000, RULE_ERR_TOO_DEEP },
	{ "nested CASE", "SELECT ", "CASE WHEN true THEN ", "1", 30, 1000,
	  RULE_ERR_TOO_DEEP },
	{ "a chain of AND", "SELECT true", " AND true", "", 250, 1000,
	  RULE_ERR_TOO_DEEP },
	{ "a chain of +", "SELECT 1", " + 1", "", 250, 10000, RULE_ERR_TOO_DEEP },
	{ "a long path", "SELECT a", ".b", "", 250, 10000, RULE_ERR_TOO_DEEP },
	{ "a long alias", "SELECT 1 AS a", ".b", "", 60, 1000, RULE_ERR_TOO_DEEP },
	{ "a long rule", "SELECT 1", " ", "", 100, RULE_MAX_LENGTH, RULE_ERR_TOO_LONG },
};

/* The rule with @count units, each closed again after the suffix. */
static char *nested_rule(const struct depth_case *c, size_t count)
{
	const char *close = !strcmp(c->unit, "(") || !strcmp(c->unit, "abs(") ? ")" :
			    !strcmp(c->unit, "[") ? "]" :
			    !strcmp(c->unit, "{'a':") ? "}" :
			    !strncmp(c->unit, "CASE", 4) ? " END" : "";
	char *closing = repeat(c->suffix, close, count, " FROM 'a'");
	char *rule = repeat(c->prefix, c->unit, count, closing);

	free(closing);
	return rule;
}

static void test_depth(void **state)
{
	const struct depth_case *c = *state;
	char *ok = nested_rule(c, c->ok_count), *bad = nested_rule(c, c->bad_count);
	struct rule_error err;
	struct rule *rule;
	cJSON *out;

	rule = rule_compile(ok, &err);
	if (!rule)
		fail_msg("%zu levels refused: %s", c->ok_count, err.message);
	/* What compiles also evaluates, however deep. */
	assert_int_equal(rule_evaluate(rule, NULL, &sample_ctx, &out), RULE_MATCH);
	cJSON_Delete(out);
	rule_free(rule);
	assert_null(rule_compile(bad, &err));
	assert_int_equal(err.kind, c->kind);
	free(ok);
	free(bad);
}

struct accept_case {
	const char *what;
	const char *sql;
	const char *filter;
};

static const struct accept_case accept_cases[] = {
	{ "lower-case keywords", "select * from 'a/b' where x = 1", "a/b" },
	{ "mixed-case keywords", "SeLeCt VaLuE x FrOm 'a'", "a" },
	{ "whitespace and newlines", "SELECT\n  a,\n\tb\nFROM\n  'a/#'", "a/#" },
	{ "every wildcard", "SELECT * FROM '+/x/+/#'", "+/x/+/#" },
	{ "a '$' topic", "SELECT * FROM '$aws/things/+/shadow/update'",
	  "$aws/things/+/shadow/update" },
	{ "escaped quote in the filter", "SELECT * FROM 'it\\'s'", "it's" },
	{ "keywords as keys after a dot", "SELECT a.end, a.select FROM 'a'", "a" },
	{ "a keyword as an alias", "SELECT 1 AS end FROM 'a'", "a" },
	{ "timestamp as a key and a function",
	  "SELECT timestamp, timestamp() AS now FROM 'a'", "a" },
	{ "cast as a key", "SELECT cast FROM 'a'", "a" },
	{ "!= is not AWS SQL, <> is", "SELECT * FROM 'a' WHERE a <> 1", "a" },
	{ "everything at once",
	  "SELECT *, CASE WHEN NOT isUndefined(x.y[0]) THEN cast(x.y[0] AS Decimal) * 1.8 + 32 ELSE -1 END AS f, [1, {'k': topic(2)}] AS l FROM 'dt/+/telemetry' WHERE (a >= 1 OR b < 2.5e1) AND NOT c = 'x' AND d % 2 <> 0",
	  "dt/+/telemetry" },
};

static void test_accept(void **state)
{
	const struct accept_case *c = *state;
	struct rule_error err;
	struct rule *rule = rule_compile(c->sql, &err);

	if (!rule)
		fail_msg("%s", err.message);
	assert_string_equal(rule_topic_filter(rule), c->filter);
	assert_int_equal(err.kind, RULE_ERR_NONE);
	rule_free(rule);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expression_errors),
	};
	int failed = 0;

	failed += run_rows("parse errors", test_error, error_cases,
			   sizeof(error_cases[0]),
			   sizeof(error_cases) / sizeof(error_cases[0]));
	failed += run_rows("bounds", test_depth, depth_cases,
			   sizeof(depth_cases[0]),
			   sizeof(depth_cases) / sizeof(depth_cases[0]));
	failed += run_rows("accepted rules", test_accept, accept_cases,
			   sizeof(accept_cases[0]),
			   sizeof(accept_cases) / sizeof(accept_cases[0]));
	failed += cmocka_run_group_tests_name("entry points", tests, NULL, NULL);
	return failed ? 1 : 0;
}
