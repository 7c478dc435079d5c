// SPDX-License-Identifier: GPL-2.0
/* Telemetry payloads (exact numbers) and topic templates. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/telemetry.h"
#include "../agent/kthingd/topic.h"

static void expect_payload(const struct telemetry_value *v, size_t n, const char *expected)
{
	char buf[1024];
	int len = telemetry_format(buf, sizeof(buf), "env", 7, 1764140000123LL, v, n);

	assert_int_equal(len, strlen(expected));
	assert_string_equal(buf, expected);
}

static void test_values_exact(void **state)
{
	static const struct {
		int64_t value;
		int exponent;
		const char *json;
	} cases[] = {
		{ 235, -1, "23.5" },
		{ 230, -1, "23.0" },
		{ -5, -2, "-0.05" },
		{ 7, 2, "700" },
		{ 0, 2, "0" },
		{ 0, 0, "0" },
		{ 1, -9, "0.000000001" },
		{ 101325, 0, "101325" },
		{ 23499999, -6, "23.499999" },
		{ INT64_MAX, 0, "9223372036854775807" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ INT64_MIN, -9, "-9223372036.854775808" },
		{ -1, 9, "-1000000000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct telemetry_value v = { "temp", cases[i].value, cases[i].exponent, false };
		char expected[256];

		snprintf(expected, sizeof(expected),
			 "{\"thing\":\"env\",\"seq\":7,\"ts\":1764140000123,\"values\":{\"temp\":%s}}",
			 cases[i].json);
		expect_payload(&v, 1, expected);
	}
}

static void test_booleans_and_several(void **state)
{
	const struct telemetry_value v[] = {
		{ "door", 1, 0, true },
		{ "relay", 0, 0, true },
		{ "humidity", 4512, -2, false },
	};

	(void)state;
	expect_payload(v, 3, "{\"thing\":\"env\",\"seq\":7,\"ts\":1764140000123,\"values\":"
		       "{\"door\":true,\"relay\":false,\"humidity\":45.12}}");
	expect_payload(v, 0, "{\"thing\":\"env\",\"seq\":7,\"ts\":1764140000123,\"values\":{}}");
}

static void test_escaping(void **state)
{
	const struct telemetry_value v = { "a\"b\\c\n", 1, 0, false };
	char buf[256];

	(void)state;
	assert_true(telemetry_format(buf, sizeof(buf), "t", 1, 0, &v, 1) > 0);
	assert_string_equal(buf, "{\"thing\":\"t\",\"seq\":1,\"ts\":0,\"values\":"
			    "{\"a\\\"b\\\\c\\u000a\":1}}");
}

static void test_size_limit(void **state)
{
	const struct telemetry_value v = { "temp", 235, -1, false };
	const char *full = "{\"thing\":\"env\",\"seq\":7,\"ts\":1764140000123,\"values\":{\"temp\":23.5}}";
	char buf[128];

	(void)state;
	/* Fits exactly with its NUL; one byte less does not. */
	assert_int_equal(telemetry_format(buf, strlen(full) + 1, "env", 7, 1764140000123LL, &v, 1),
			 strlen(full));
	assert_int_equal(telemetry_format(buf, strlen(full), "env", 7, 1764140000123LL, &v, 1),
			 -ENOSPC);
	/* An exponent no channel can have is refused, not printed wrongly. */
	struct telemetry_value bad = { "x", 1, 12, false };

	assert_int_equal(telemetry_format(buf, sizeof(buf), "env", 1, 0, &bad, 1), -EINVAL);
}

static void test_batch(void **state)
{
	const struct telemetry_value door = { "door", 1, 0, true };
	const struct telemetry_value temp = { "temp", 235, -1, false };
	const char *full = "{\"thing\":\"env\",\"seq\":8,\"samples\":["
			   "{\"ts\":1764140000123,\"values\":{\"door\":true}},"
			   "{\"ts\":1764140000124,\"values\":{\"temp\":23.5}}]}";
	char samples[256], buf[256];
	int a, b;

	(void)state;
	a = telemetry_format_sample(samples, sizeof(samples), 1764140000123LL, &door, 1);
	assert_int_equal(a, strlen("{\"ts\":1764140000123,\"values\":{\"door\":true}}"));
	samples[a] = ',';
	b = telemetry_format_sample(samples + a + 1, sizeof(samples) - a - 1,
				    1764140000124LL, &temp, 1);
	assert_true(b > 0);
	assert_int_equal(telemetry_format_batch(buf, sizeof(buf), "env", 8, samples, a + 1 + b),
			 strlen(full));
	assert_string_equal(buf, full);
	/* Exactly as long as it needs to be, and not one byte shorter. */
	assert_int_equal(telemetry_format_batch(buf, strlen(full), "env", 8, samples, a + 1 + b),
			 -ENOSPC);
	assert_int_equal(telemetry_format_sample(samples, (size_t)a, 1764140000123LL, &door, 1),
			 -ENOSPC);
	/* The envelope alone, with the longest sequence number. */
	assert_int_equal(telemetry_format_batch(buf, sizeof(buf), "env", UINT64_MAX, "", 0),
			 strlen("{\"thing\":\"env\",\"seq\":18446744073709551615,\"samples\":[]}"));
}

static void test_topic_expand(void **state)
{
	char out[TOPIC_MAX_LEN + 1];

	(void)state;
	assert_int_equal(topic_expand("dt/kthing/{thing}/telemetry", "env-1", out, sizeof(out)),
			 strlen("dt/kthing/env-1/telemetry"));
	assert_string_equal(out, "dt/kthing/env-1/telemetry");
	assert_int_equal(topic_expand("{thing}/{thing}", "a", out, sizeof(out)), 3);
	assert_string_equal(out, "a/a");
	assert_int_equal(topic_expand("fixed", "a", out, sizeof(out)), 5);
	assert_string_equal(out, "fixed");
	assert_int_equal(topic_expand("dt/{thing}", "abcdef", out, 8), -1);
}

static void test_topic_template_check(void **state)
{
	static const struct {
		const char *tmpl, *error;
	} cases[] = {
		{ "dt/kthing/{thing}/telemetry", NULL },
		{ "plain", NULL },
		{ "", "empty topic" },
		{ "$aws/things/{thing}/x", "topics starting with '$' are reserved" },
		{ "a/#", "wildcard '#' is not allowed in a topic name" },
		{ "a/}", "unmatched '}'" },
		{ "a/{x}", "unknown placeholder \"{x}\" (only {thing})" },
		{ "a/{thing", "unterminated placeholder \"{thing\"" },
		{ "{thing}/{thing}/x", "longer than 256 bytes with a 128-byte thing name" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		int rc = topic_template_check(cases[i].tmpl, err, sizeof(err));

		if (!cases[i].error) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, cases[i].error);
		}
	}
}

static void test_topic_matches(void **state)
{
	(void)state;
	assert_true(topic_matches("a/b", "a/b"));
	assert_false(topic_matches("a/b", "a/bc"));
	assert_false(topic_matches("a/b", "a"));
	assert_true(topic_matches("a/+/c", "a/b/c"));
	assert_false(topic_matches("a/+/c", "a/b/d"));
	assert_true(topic_matches("a/+", "a/"));
	assert_true(topic_matches("a/#", "a/b/c"));
	assert_true(topic_matches("a/#", "a"));
	assert_true(topic_matches("#", "a/b"));
	assert_false(topic_matches("#", "$aws/things/x"));
	assert_false(topic_matches("+/things/x", "$aws/things/x"));
	assert_true(topic_matches("$aws/things/+/shadow/update/delta",
				  "$aws/things/env/shadow/update/delta"));
	assert_false(topic_matches("$aws/things/+/shadow/update/delta",
				   "$aws/things/env/shadow/name/x/update/delta"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_exact),
		cmocka_unit_test(test_booleans_and_several),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_topic_expand),
		cmocka_unit_test(test_topic_template_check),
		cmocka_unit_test(test_topic_matches),
	};

	return cmocka_run_group_tests_name("kthingd_telemetry", tests, NULL, NULL);
}
