// SPDX-License-Identifier: GPL-2.0
/*
 * kthingd's shadow sync, without a device: which desired keys are applied
 * and how each refusal is worded (shadow_apply.c), and the exact reported
 * documents (shadow_report.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/config.h"
#include "../agent/kthingd/shadow_apply.h"
#include "../agent/kthingd/shadow_report.h"

/* A thing with a relay, a dimmer (0.0 .. 100.0) and a temperature sensor. */
static const struct kthing_channel channels[] = {
	{ .index = 0, .name = "relay", .kind = KTHING_KIND_ACTUATOR,
	  .type = KTHING_TYPE_BOOL, .min = 0, .max = 1 },
	{ .index = 1, .name = "dim", .kind = KTHING_KIND_ACTUATOR,
	  .type = KTHING_TYPE_INT, .exponent = -1, .min = 0, .max = 1000 },
	{ .index = 2, .name = "temp", .kind = KTHING_KIND_SENSOR,
	  .type = KTHING_TYPE_INT, .exponent = -1, .min = -400, .max = 1250 },
};

struct fake_device {
	int64_t values[3];
	unsigned int writes;
	int fail_with;		/* a write returns this when nonzero */
};

static const struct kthing_channel *fake_find(void *arg, const char *name)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if (strcmp(channels[i].name, name) == 0)
			return &channels[i];
	return NULL;
}

static int fake_write(void *arg, const struct kthing_channel *ch, int64_t value,
		      int64_t *applied)
{
	struct fake_device *dev = arg;

	if (dev->fail_with)
		return dev->fail_with;
	dev->writes++;
	dev->values[ch->index] = value;
	*applied = value;
	return 0;
}

/* Apply @json; the device and the result are left for the caller to check. */
static void apply(const char *json, struct fake_device *dev, struct shadow_apply_result *res)
{
	struct shadow_target target = { .find = fake_find, .write = fake_write, .arg = dev };
	cJSON *desired = cJSON_Parse(json);

	assert_non_null(desired);
	assert_int_equal(shadow_apply_desired(desired, &target, res), 0);
	cJSON_Delete(desired);
}

static void expect_refused(const char *json, enum shadow_outcome outcome, const char *error)
{
	struct fake_device dev = { .values = { 0, 215, 230 } };
	struct shadow_apply_result res;

	apply(json, &dev, &res);
	assert_int_equal(res.num_keys, 1);
	assert_int_equal(res.refused, 1);
	assert_int_equal(res.keys[0].outcome, outcome);
	assert_string_equal(res.keys[0].error, error);
	/* The hardware is left alone. */
	assert_int_equal(dev.writes, 0);
	assert_int_equal(dev.values[0], 0);
	assert_int_equal(dev.values[1], 215);
	shadow_apply_result_free(&res);
}

static void test_apply_valid(void **state)
{
	struct fake_device dev = { 0 };
	struct shadow_apply_result res;

	(void)state;
	apply("{\"relay\":true,\"dim\":23.5}", &dev, &res);
	assert_int_equal(res.num_keys, 2);
	assert_int_equal(res.applied, 2);
	assert_int_equal(res.refused, 0);
	assert_int_equal(dev.writes, 2);
	assert_int_equal(dev.values[0], 1);
	assert_int_equal(dev.values[1], 235);
	assert_int_equal(res.keys[1].outcome, SHADOW_APPLIED);
	assert_int_equal(res.keys[1].value, 235);
	assert_ptr_equal(res.keys[1].channel, &channels[1]);
	shadow_apply_result_free(&res);
}

static void test_apply_exact_decimals(void **state)
{
	struct fake_device dev = { 0 };
	struct shadow_apply_result res;

	(void)state;
	/* 0.1 and 99.9 are not exact doubles; they must still be 1 and 999. */
	apply("{\"dim\":0.1}", &dev, &res);
	assert_int_equal(dev.values[1], 1);
	shadow_apply_result_free(&res);
	apply("{\"dim\":99.9}", &dev, &res);
	assert_int_equal(dev.values[1], 999);
	shadow_apply_result_free(&res);
	apply("{\"dim\":100}", &dev, &res);
	assert_int_equal(dev.values[1], 1000);
	shadow_apply_result_free(&res);
}

static void test_bool_as_number(void **state)
{
	struct fake_device dev = { 0 };
	struct shadow_apply_result res;

	(void)state;
	apply("{\"relay\":1}", &dev, &res);
	assert_int_equal(res.applied, 1);
	assert_int_equal(dev.values[0], 1);
	shadow_apply_result_free(&res);
	apply("{\"relay\":false}", &dev, &res);
	assert_int_equal(res.applied, 1);
	assert_int_equal(dev.values[0], 0);
	shadow_apply_result_free(&res);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refused("{\"relay\":5}", SHADOW_INVALID, "must be true or false");
	expect_refused("{\"relay\":\"on\"}", SHADOW_INVALID, "must be true or false");
	expect_refused("{\"relay\":null}", SHADOW_INVALID, "must be true or false");
	expect_refused("{\"dim\":true}", SHADOW_INVALID, "must be a number");
	expect_refused("{\"dim\":\"23.5\"}", SHADOW_INVALID, "must be a number");
	expect_refused("{\"dim\":{\"v\":1}}", SHADOW_INVALID, "must be a number");
	expect_refused("{\"dim\":[1]}", SHADOW_INVALID, "must be a number");
	expect_refused("{\"dim\":100.1}", SHADOW_INVALID, "value out of range 0.0..100.0");
	expect_refused("{\"dim\":-0.1}", SHADOW_INVALID, "value out of range 0.0..100.0");
	expect_refused("{\"dim\":23.55}", SHADOW_INVALID, "too many decimals (at most 1)");
	expect_refused("{\"dim\":1e300}", SHADOW_INVALID, "value out of range 0.0..100.0");
	expect_refused("{\"temp\":20}", SHADOW_READ_ONLY, "read-only: a sensor");
	expect_refused("{\"fan\":true}", SHADOW_UNKNOWN, "no such actuator");
	expect_refused("{\"kthing_errors\":{}}", SHADOW_UNKNOWN, "no such actuator");
}

static void test_write_failure(void **state)
{
	struct fake_device dev = { .fail_with = -EIO };
	struct shadow_apply_result res;

	(void)state;
	apply("{\"relay\":true}", &dev, &res);
	assert_int_equal(res.refused, 1);
	assert_int_equal(res.keys[0].outcome, SHADOW_WRITE_FAILED);
	assert_string_equal(res.keys[0].error, "write failed: Input/output error");
	assert_ptr_equal(res.keys[0].channel, &channels[0]);
	shadow_apply_result_free(&res);
}

/* Good keys are applied even when others in the same delta are refused. */
static void test_mixed(void **state)
{
	struct fake_device dev = { 0 };
	struct shadow_apply_result res;

	(void)state;
	apply("{\"fan\":1,\"relay\":true,\"dim\":500,\"temp\":1}", &dev, &res);
	assert_int_equal(res.num_keys, 4);
	assert_int_equal(res.applied, 1);
	assert_int_equal(res.refused, 3);
	assert_string_equal(res.keys[0].key, "fan");
	assert_int_equal(res.keys[0].outcome, SHADOW_UNKNOWN);
	assert_null(res.keys[0].channel);
	assert_int_equal(res.keys[1].outcome, SHADOW_APPLIED);
	assert_int_equal(res.keys[2].outcome, SHADOW_INVALID);
	assert_int_equal(res.keys[3].outcome, SHADOW_READ_ONLY);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.values[1], 0);
	shadow_apply_result_free(&res);
}

static void test_not_an_object(void **state)
{
	struct shadow_target target = { .find = fake_find, .write = fake_write };
	struct shadow_apply_result res;
	cJSON *arr = cJSON_Parse("[1]");

	(void)state;
	assert_int_equal(shadow_apply_desired(arr, &target, &res), -EINVAL);
	assert_int_equal(shadow_apply_desired(NULL, &target, &res), -EINVAL);
	shadow_apply_result_free(&res);
	cJSON_Delete(arr);
}

static void expect_report(struct shadow_report *r, const char *token, const char *expected)
{
	char *json = shadow_report_build(r, token);

	assert_non_null(json);
	assert_string_equal(json, expected);
	cJSON_free(json);
}

static void test_report_exact_values(void **state)
{
	struct shadow_report *r = shadow_report_new();

	(void)state;
	assert_true(shadow_report_empty(r));
	assert_int_equal(shadow_report_value(r, "relay", KTHING_TYPE_BOOL, 1, 0), 0);
	assert_int_equal(shadow_report_value(r, "dim", KTHING_TYPE_INT, 235, -1), 0);
	assert_int_equal(shadow_report_value(r, "temp", KTHING_TYPE_INT, 23499999, -6), 0);
	assert_int_equal(shadow_report_value(r, "low", KTHING_TYPE_INT, -5, -2), 0);
	assert_int_equal(shadow_report_value(r, "big", KTHING_TYPE_INT, 7, 2), 0);
	assert_int_equal(shadow_report_value(r, "off", KTHING_TYPE_BOOL, 0, 0), 0);
	assert_false(shadow_report_empty(r));
	expect_report(r, "t1", "{\"state\":{\"reported\":{\"relay\":true,\"dim\":23.5,"
		      "\"temp\":23.499999,\"low\":-0.05,\"big\":700,\"off\":false}},"
		      "\"clientToken\":\"t1\"}");
	/* A value given again replaces the first: never a key twice. */
	assert_int_equal(shadow_report_value(r, "dim", KTHING_TYPE_INT, 230, -1), 0);
	expect_report(r, NULL, "{\"state\":{\"reported\":{\"relay\":true,\"dim\":23.0,"
		      "\"temp\":23.499999,\"low\":-0.05,\"big\":700,\"off\":false}}}");
	assert_int_equal(shadow_report_value(r, "bad", KTHING_TYPE_INT, 1, 42), -EINVAL);
	shadow_report_free(r);
}

static void test_report_errors(void **state)
{
	struct shadow_report *r = shadow_report_new();

	(void)state;
	assert_int_equal(shadow_report_value(r, "relay", KTHING_TYPE_BOOL, 0, 0), 0);
	assert_int_equal(shadow_report_error(r, "relay", "must be true or false"), 0);
	assert_int_equal(shadow_report_error(r, "fan", "no such actuator"), 0);
	assert_int_equal(shadow_report_error(r, "dim", NULL), 0);
	expect_report(r, "k-2", "{\"state\":{\"reported\":{\"relay\":false,"
		      "\"kthing_errors\":{\"relay\":\"must be true or false\","
		      "\"fan\":\"no such actuator\",\"dim\":null}}},\"clientToken\":\"k-2\"}");
	shadow_report_free(r);
}

static void test_report_clear_desired(void **state)
{
	struct shadow_report *r = shadow_report_new();

	(void)state;
	assert_int_equal(shadow_report_clear_desired(r, "fan"), 0);
	assert_false(shadow_report_empty(r));
	assert_int_equal(shadow_report_error(r, "fan", "no such actuator"), 0);
	expect_report(r, "x", "{\"state\":{\"desired\":{\"fan\":null},\"reported\":"
		      "{\"kthing_errors\":{\"fan\":\"no such actuator\"}}},\"clientToken\":\"x\"}");
	shadow_report_free(r);
}

/* Key names are escaped as JSON requires. */
static void test_report_escaping(void **state)
{
	struct shadow_report *r = shadow_report_new();

	(void)state;
	assert_int_equal(shadow_report_error(r, "a\"b", "no such actuator"), 0);
	expect_report(r, NULL, "{\"state\":{\"reported\":{\"kthing_errors\":"
		      "{\"a\\\"b\":\"no such actuator\"}}}}");
	shadow_report_free(r);
}

/* --- configuration: the shadow section and things[].named_shadows --- */

static int parse(const char *json, struct config *c, char *err, size_t errlen)
{
	struct config_overrides ov = { 0 };

	return config_parse(json, strlen(json), &ov, CONFIG_NO_FILE_CHECKS, c, err, errlen);
}

static void test_config_defaults(void **state)
{
	char err[CONFIG_ERROR_SIZE];
	struct config c;

	(void)state;
	assert_int_equal(parse("{\"things\":[{\"kthing\":\"lamp\"}]}", &c, err, sizeof(err)), 0);
	assert_true(c.shadow.enabled);
	assert_false(c.shadow.null_invalid_desired);
	assert_int_equal(c.shadow.coalesce_ms, 100);
	assert_int_equal(c.shadow.sensor_interval_s, 0);
	assert_true(c.things[0].shadow);
	assert_string_equal(config_shadow_of(&c.things[0], "relay"), "");
	assert_string_equal(config_shadow_of(NULL, "relay"), "");
	config_free(&c);
}

static void test_config_all_keys(void **state)
{
	char err[CONFIG_ERROR_SIZE];
	struct config c;

	(void)state;
	assert_int_equal(parse("{\"shadow\":{\"enabled\":true,\"null_invalid_desired\":true,"
			       "\"coalesce_ms\":0,\"sensor_interval_s\":30},"
			       "\"things\":[{\"kthing\":\"lamp\",\"shadow\":false},"
			       "{\"kthing\":\"gh\",\"named_shadows\":{\"fan\":\"climate\","
			       "\"vent\":\"$climate:2\"}}]}", &c, err, sizeof(err)), 0);
	assert_true(c.shadow.enabled);
	assert_true(c.shadow.null_invalid_desired);
	assert_int_equal(c.shadow.coalesce_ms, 0);
	assert_int_equal(c.shadow.sensor_interval_s, 30);
	assert_false(c.things[0].shadow);
	assert_true(c.things[1].shadow);
	assert_string_equal(config_shadow_of(&c.things[1], "fan"), "climate");
	assert_string_equal(config_shadow_of(&c.things[1], "vent"), "$climate:2");
	assert_string_equal(config_shadow_of(&c.things[1], "relay"), "");
	config_free(&c);
}

static void expect_config_error(const char *json, const char *error)
{
	char err[CONFIG_ERROR_SIZE];
	struct config c;

	assert_int_equal(parse(json, &c, err, sizeof(err)), -1);
	assert_string_equal(err, error);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("{\"shadow\":{\"enabled\":1}}",
			    "shadow.enabled: must be true or false");
	expect_config_error("{\"shadow\":{\"coalesce_ms\":60001}}",
			    "shadow.coalesce_ms: 60001 is out of range (0 to 60000)");
	expect_config_error("{\"shadow\":{\"sensor_interval_s\":-1}}",
			    "shadow.sensor_interval_s: -1 is out of range (0 to 86400)");
	expect_config_error("{\"shadow\":[]}", "shadow: must be an object");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"shadow\":\"yes\"}]}",
			    "things[0].shadow: must be true or false");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"named_shadows\":[]}]}",
			    "things[0].named_shadows: must be an object");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"named_shadows\":{\"fan\":1}}]}",
			    "things[0].named_shadows.fan: must be a string (a shadow name)");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"named_shadows\":"
			    "{\"fan\":\"a/b\"}}]}",
			    "things[0].named_shadows.fan: \"a/b\" is not a valid shadow name "
			    "(1 to 64 of a-z A-Z 0-9 $ : _ -)");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"named_shadows\":"
			    "{\"fan\":\"\"}}]}",
			    "things[0].named_shadows.fan: \"\" is not a valid shadow name "
			    "(1 to 64 of a-z A-Z 0-9 $ : _ -)");
	expect_config_error("{\"things\":[{\"kthing\":\"a\",\"named_shadows\":"
			    "{\"f.n\":\"x\"}}]}",
			    "things[0].named_shadows.f.n: not a channel name "
			    "(1 to 31 of a-z A-Z 0-9 _ -)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_valid),
		cmocka_unit_test(test_apply_exact_decimals),
		cmocka_unit_test(test_bool_as_number),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_report_exact_values),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_report_clear_desired),
		cmocka_unit_test(test_report_escaping),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_all_keys),
		cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
