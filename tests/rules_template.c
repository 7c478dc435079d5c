// SPDX-License-Identifier: GPL-2.0
/*
 * Substitution templates (iot-substitution-templates): ${expression} parts
 * evaluated on the original message and converted to strings.
 */
#include "rules_test.h"

struct render_case {
	const char *what;
	const char *tmpl;
	const char *want;
};

static const struct render_case render_cases[] = {
	{ "the republish example", "${topic()}/republish",
	  "things/myThings/thingOne/republish" },
	{ "no substitution", "plain/topic", "plain/topic" },
	{ "empty template", "", "" },
	{ "only a substitution", "${i}", "5" },
	{ "several", "${topic(1)}/${s}/${i + 1}", "things/abc/6" },
	{ "adjacent", "${s}${s}", "abcabc" },
	{ "a Decimal", "t=${d}", "t=2.5" },
	{ "a Boolean", "${b}", "true" },
	{ "a String is not quoted", "'${s}'", "'abc'" },
	{ "an array as JSON", "${arr}", "[1,\"two\",{\"x\":3}]" },
	{ "an object as JSON", "${obj}", "{\"a\":1,\"b\":[1,2]}" },
	{ "Undefined is empty", "[${missing}]", "[]" },
	{ "Null is empty", "[${nul}]", "[]" },
	{ "division by zero is empty", "x${i / 0}y", "xy" },
	{ "a '}' inside a string", "${get({'}': 1}, '}')}", "1" },
	{ "an object literal inside", "${ {'a': s}.a }", "abc" },
	{ "spaces inside", "${ clientid() }", "cid-1" },
	{ "a lone '$' stays", "cost $5 ${i}", "cost $5 5" },
	{ "'$' then '{' apart stays", "$ {i}", "$ {i}" },
	{ "a '}' outside stays", "} ${i} }", "} 5 }" },
	{ "timestamp()", "${timestamp()}", "1481825251155" },
	{ "CASE in a template",
	  "${CASE WHEN i > 3 THEN 'on' ELSE 'off' END}", "on" },
	{ "string concatenation", "${'v' + i}", "v5" },
};

static void test_render(void **state)
{
	const struct render_case *c = *state;
	struct rule_error err;
	struct rule_template *tmpl = rule_template_compile(c->tmpl, &err);
	cJSON *payload = cJSON_Parse(SAMPLE_PAYLOAD);
	char *text;

	if (!tmpl)
		fail_msg("%s", err.message);
	text = rule_template_render(tmpl, payload, &sample_ctx);
	assert_non_null(text);
	assert_string_equal(text, c->want);
	free(text);
	cJSON_Delete(payload);
	rule_template_free(tmpl);
}

struct template_error_case {
	const char *what;
	const char *tmpl;
	enum rule_error_kind kind;
	const char *message;
};

static const struct template_error_case error_cases[] = {
	{ "unclosed", "a/${topic()", RULE_ERR_UNEXPECTED,
	  "1:12: expected '}' closing '${', found the end of the text" },
	{ "empty", "a/${}", RULE_ERR_UNEXPECTED,
	  "1:5: expected an expression, found '}'" },
	{ "two expressions", "${a b}", RULE_ERR_UNEXPECTED,
	  "1:5: expected '}' closing '${', found 'b'" },
	{ "unknown function", "x/${md5(a)}", RULE_ERR_UNKNOWN_FUNCTION,
	  "1:5: unknown function 'md5'" },
	{ "the second part's position", "${a}/${a +}", RULE_ERR_UNEXPECTED,
	  "1:11: expected an expression, found '}'" },
	{ "unterminated string", "${'a}", RULE_ERR_UNTERMINATED_STRING,
	  "1:3: string literal is not closed with '" },
};

static void test_error(void **state)
{
	const struct template_error_case *c = *state;
	struct rule_error err;

	assert_null(rule_template_compile(c->tmpl, &err));
	assert_int_equal(err.kind, c->kind);
	assert_string_equal(err.message, c->message);
}

static void test_constant(void **state)
{
	struct rule_template *plain = rule_template_compile("a/b", NULL);
	struct rule_template *subst = rule_template_compile("a/${i}", NULL);

	(void)state;
	assert_non_null(plain);
	assert_non_null(subst);
	assert_true(rule_template_is_constant(plain));
	assert_false(rule_template_is_constant(subst));
	rule_template_free(plain);
	rule_template_free(subst);
}

static void test_outlives_text(void **state)
{
	char *text = strdup("pre-${s}-post");
	struct rule_template *tmpl;
	cJSON *payload = cJSON_Parse(SAMPLE_PAYLOAD);
	char *out;

	(void)state;
	assert_non_null(text);
	tmpl = rule_template_compile(text, NULL);
	assert_non_null(tmpl);
	/* The template keeps its own copy of the text. */
	memset(text, 'x', strlen(text));
	free(text);
	out = rule_template_render(tmpl, payload, &sample_ctx);
	assert_string_equal(out, "pre-abc-post");
	free(out);
	cJSON_Delete(payload);
	rule_template_free(tmpl);
}

static void test_render_limit(void **state)
{
	struct rule_template *tmpl = rule_template_compile("${s}${s}", NULL);
	cJSON *payload = cJSON_CreateObject();
	char *big = malloc(RULE_MAX_STRING / 2 + 2), *out;

	(void)state;
	assert_non_null(tmpl);
	assert_non_null(big);
	memset(big, 'x', RULE_MAX_STRING / 2 + 1);
	big[RULE_MAX_STRING / 2 + 1] = '\0';
	cJSON_AddStringToObject(payload, "s", big);
	assert_null(rule_template_render(tmpl, payload, &sample_ctx));
	big[RULE_MAX_STRING / 2] = '\0';
	cJSON_ReplaceItemInObject(payload, "s", cJSON_CreateString(big));
	free(big);
	out = rule_template_render(tmpl, payload, &sample_ctx);
	assert_non_null(out);
	assert_int_equal(strlen(out), RULE_MAX_STRING);
	free(out);
	cJSON_Delete(payload);
	rule_template_free(tmpl);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_outlives_text),
		cmocka_unit_test(test_render_limit),
	};
	int failed = 0;

	failed += run_rows("rendering", test_render, render_cases,
			   sizeof(render_cases[0]),
			   sizeof(render_cases) / sizeof(render_cases[0]));
	failed += run_rows("template errors", test_error, error_cases,
			   sizeof(error_cases[0]),
			   sizeof(error_cases) / sizeof(error_cases[0]));
	failed += cmocka_run_group_tests_name("templates", tests, NULL, NULL);
	return failed ? 1 : 0;
}
