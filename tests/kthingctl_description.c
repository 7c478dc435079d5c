// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl's thing-description parser: what it accepts, and for each
 * mistake, the JSON path and problem it names.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../agent/kthingctl/description.h"

static struct thing_desc desc;
static char err[512];

static int parse(const char *json)
{
	err[0] = '\0';
	return thing_desc_parse(json, strlen(json), &desc, err, sizeof(err));
}

static const char example[] =
	"{\n"
	"  \"name\": \"greenhouse\",\n"
	"  \"description\": \"relay, air sensor and SoC temperature\",\n"
	"  \"channels\": [\n"
	"    { \"name\": \"fan\", \"kind\": \"actuator\", \"backend\": \"gpio\",\n"
	"      \"gpio\": { \"line\": \"relay1\", \"active_low\": true },\n"
	"      \"initial\": false },\n"
	"    { \"name\": \"heater\", \"kind\": \"actuator\", \"backend\": \"gpio\",\n"
	"      \"gpio\": { \"chip\": \"kthing-sim\", \"offset\": 3 } },\n"
	"    { \"name\": \"temperature\", \"kind\": \"sensor\", \"backend\": \"iio\",\n"
	"      \"unit\": \"degC\", \"exponent\": -1, \"min\": -40, \"max\": \"125.0\",\n"
	"      \"iio\": { \"device\": \"kthing-sim-env\", \"channel\": \"temp\" },\n"
	"      \"sample_period_ms\": 500, \"deadband\": 0.2,\n"
	"      \"report_interval_ms\": 60000 },\n"
	"    { \"name\": \"soc\", \"kind\": \"sensor\", \"backend\": \"thermal\",\n"
	"      \"unit\": \"degC\", \"exponent\": -2, \"min\": 0, \"max\": 150,\n"
	"      \"thermal\": { \"zone\": \"kthing-sim\" }, \"events\": false },\n"
	"    { \"name\": \"setpoint\", \"kind\": \"actuator\", \"backend\": \"virtual\",\n"
	"      \"unit\": \"degC\", \"exponent\": -1, \"min\": 5, \"max\": 35,\n"
	"      \"initial\": 21.5 }\n"
	"  ]\n"
	"}\n";

static void accepts_example(void **state)
{
	const struct channel_desc *ch;

	(void)state;
	assert_int_equal(parse(example), 0);
	assert_string_equal(desc.name, "greenhouse");
	assert_int_equal(desc.num_channels, 5);

	ch = &desc.channels[0];
	assert_string_equal(ch->name, "fan");
	assert_int_equal(ch->kind, KTHING_KIND_ACTUATOR);
	assert_int_equal(ch->type, KTHING_TYPE_BOOL);
	assert_int_equal(ch->backend, KTHING_BACKEND_GPIO);
	assert_string_equal(ch->gpio_line_name, "relay1");
	assert_true(ch->active_low);
	assert_true(ch->has_initial);
	assert_int_equal(ch->initial, 0);
	assert_int_equal(ch->min, 0);
	assert_int_equal(ch->max, 1);
	assert_true(ch->events);

	ch = &desc.channels[1];
	assert_string_equal(ch->gpio_line_name, "");
	assert_string_equal(ch->gpio_chip, "kthing-sim");
	assert_int_equal(ch->gpio_offset, 3);
	assert_false(ch->has_initial);

	ch = &desc.channels[2];
	assert_int_equal(ch->type, KTHING_TYPE_INT);
	assert_int_equal(ch->exponent, -1);
	assert_int_equal(ch->min, -400);
	assert_int_equal(ch->max, 1250);
	assert_int_equal(ch->deadband, 2);
	assert_true(ch->has_sample_period);
	assert_int_equal(ch->sample_period_ms, 500);
	assert_int_equal(ch->report_interval_ms, 60000);
	assert_string_equal(ch->iio_device, "kthing-sim-env");
	assert_string_equal(ch->iio_channel, "temp");
	assert_int_equal(ch->iio_index, 0);

	ch = &desc.channels[3];
	assert_int_equal(ch->max, 15000);
	assert_string_equal(ch->thermal_zone, "kthing-sim");
	assert_false(ch->events);

	ch = &desc.channels[4];
	assert_int_equal(ch->backend, KTHING_BACKEND_VIRTUAL);
	assert_int_equal(ch->initial, 215);
}

struct bad_case {
	const char *json;
	const char *error;
};

#define THING(channels) "{\"name\":\"t\",\"channels\":[" channels "]}"
#define VIRT(extra) THING("{\"name\":\"v\",\"kind\":\"actuator\"," \
			  "\"backend\":\"virtual\",\"min\":0,\"max\":10" extra "}")

static const struct bad_case bad_cases[] = {
	{ "", "description: not valid JSON near line 1, column 1" },
	{ "{\n  \"name\": \"t\",\n  oops\n}", "description: not valid JSON near line 3, column 4" },
	{ "[]", "description: must be a JSON object" },
	{ "{} {}", "description: unexpected text after the document (line 1, column 4)" },
	{ "{\"channels\":[]}", "name: required" },
	{ "{\"name\":7}", "name: must be a string" },
	{ "{\"name\":\"a b\"}", "name: \"a b\" is not a valid name (1 to 31 of A-Z a-z 0-9 _ -)" },
	{ "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", "name: \"abcdefghijklmnopqrstuvwxyz0123456\" is not a valid name (1 to 31 of A-Z a-z 0-9 _ -)" },
	{ "{\"name\":\"t\"}", "channels: required" },
	{ "{\"name\":\"t\",\"channels\":{}}", "channels: must be an array" },
	{ "{\"name\":\"t\",\"channels\":[]}", "channels: a thing needs at least one channel" },
	{ "{\"name\":\"t\",\"chanels\":[]}", "description: unknown key \"chanels\"" },
	{ "{\"name\":\"t\",\"name\":\"u\"}", "description: duplicate key \"name\"" },
	{ THING("7"), "channels[0]: must be an object" },
	{ THING("{}"), "channels[0].name: required" },
	{ THING("{\"name\":\"x\"}"), "channels[0].kind: required (sensor or actuator)" },
	{ THING("{\"name\":\"x\",\"kind\":\"switch\"}"), "channels[0].kind: unknown value \"switch\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\"}"), "channels[0].backend: required (virtual, gpio, iio or thermal)" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"spi\"}"), "channels[0].backend: unknown value \"spi\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"virtual\"}"), "channels[0].backend: a virtual channel is an actuator (a value kept in the kernel)" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"iio\"}"), "channels[0].backend: iio channels are sensors only" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"thermal\"}"), "channels[0].backend: thermal channels are sensors only" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"type\":\"int\"}"), "channels[0].type: a gpio channel is a bool" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"type\":\"float\"}"), "channels[0].type: unknown value \"float\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\"}"), "channels[0].gpio: required for backend gpio" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{}}"), "channels[0].gpio: needs \"line\", or \"chip\" and \"offset\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\",\"chip\":\"c\"}}"), "channels[0].gpio: give either \"line\" or \"chip\" and \"offset\", not both" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"chip\":\"c\"}}"), "channels[0].gpio: needs \"line\", or \"chip\" and \"offset\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"chip\":\"c\",\"offset\":-1}}"), "channels[0].gpio.offset: must be an integer from 0 to 65535" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"chip\":\"c\",\"offset\":1.5}}"), "channels[0].gpio.offset: must be an integer from 0 to 65535" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"\"}}"), "channels[0].gpio.line: must not be empty" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\",\"pin\":3}}"), "channels[0].gpio: unknown key \"pin\"" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\",\"active_low\":1}}"), "channels[0].gpio.active_low: must be true or false" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\"},\"initial\":2}"), "channels[0].initial: value out of range 0..1" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\"},\"max\":2}"), "channels[0].max: a bool channel's limits are 0 and 1" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\"},\"exponent\":-1}"), "channels[0].exponent: a bool channel's exponent is 0" },
	{ THING("{\"name\":\"x\",\"kind\":\"actuator\",\"backend\":\"gpio\",\"gpio\":{\"line\":\"a\"},\"iio\":{}}"), "channels[0].iio: not for backend gpio" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"iio\",\"min\":0,\"max\":1}"), "channels[0].iio: required for backend iio" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"iio\",\"min\":0,\"max\":1,\"iio\":{\"channel\":\"temp\"}}"), "channels[0].iio.device: required" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"iio\",\"min\":0,\"max\":1,\"iio\":{\"device\":\"d\"}}"), "channels[0].iio.channel: required (temp, humidityrelative, pressure, ...)" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"iio\",\"min\":0,\"max\":1,\"iio\":{\"device\":\"d\",\"channel\":\"temp\",\"index\":\"0\"}}"), "channels[0].iio.index: must be a number" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"thermal\",\"min\":0,\"max\":1,\"thermal\":{}}"), "channels[0].thermal.zone: required" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"thermal\",\"min\":0,\"max\":1,\"thermal\":{\"zone\":\"z\"},\"sample_period_ms\":5}"), "channels[0].sample_period_ms: must be an integer from 10 to 86400000" },
	{ THING("{\"name\":\"x\",\"kind\":\"sensor\",\"backend\":\"thermal\",\"min\":0,\"max\":1,\"thermal\":{\"zone\":\"z\"},\"deadband\":-1}"), "channels[0].deadband: value out of range 0..9223372036854775807" },
	{ VIRT(""), NULL },
	{ THING("{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\"}"), "channels[0].min: required for an int channel" },
	{ THING("{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":0}"), "channels[0].max: required for an int channel" },
	{ THING("{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":5,\"max\":1}"), "channels[0].max: smaller than min" },
	{ THING("{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":\"x\",\"max\":1}"), "channels[0].min: not a decimal number" },
	{ THING("{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":[],\"max\":1}"), "channels[0].min: must be a number" },
	{ VIRT(",\"exponent\":10"), "channels[0].exponent: must be an integer from -9 to 9" },
	{ VIRT(",\"exponent\":2"), "channels[0].max: too many decimals (at most 0)" },
	{ VIRT(",\"initial\":11"), "channels[0].initial: value out of range 0..10" },
	{ VIRT(",\"initial\":0.5"), "channels[0].initial: too many decimals (at most 0)" },
	{ VIRT(",\"unit\":\"0123456789abcdef\""), "channels[0].unit: longer than 15 bytes" },
	{ VIRT(",\"sample_period_ms\":100"), "channels[0].sample_period_ms: only polled (iio, thermal) channels have one" },
	{ VIRT(",\"deadband\":1"), "channels[0].deadband: only polled (iio, thermal) channels have one" },
	{ VIRT(",\"report_interval_ms\":50"), "channels[0].report_interval_ms: must be 0 (off) or from 100 to 86400000" },
	{ VIRT(",\"events\":\"yes\""), "channels[0].events: must be true or false" },
	{ VIRT(",\"colour\":\"red\""), "channels[0]: unknown key \"colour\"" },
	{ THING("{\"name\":\"s\",\"kind\":\"sensor\",\"backend\":\"thermal\",\"min\":0,\"max\":1,\"thermal\":{\"zone\":\"z\"},\"initial\":1}"), "channels[0].initial: only actuators have one" },
	{ "{\"name\":\"t\",\"channels\":[{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":0,\"max\":1},"
	  "{\"name\":\"v\",\"kind\":\"actuator\",\"backend\":\"virtual\",\"min\":0,\"max\":1}]}",
	  "channels[1]: name \"v\" already used by channels[0]" },
};

/* One test per mistake, named after the error it must produce. */
static void refuses_mistake(void **state)
{
	const struct bad_case *c = *state;
	int ret = parse(c->json);

	if (!c->error) {
		if (ret)
			fail_msg("unexpected error \"%s\"", err);
		return;
	}
	if (ret != -EINVAL || strcmp(err, c->error))
		fail_msg("got %d \"%s\", expected \"%s\"", ret, err, c->error);
}

static void too_many_channels(void **state)
{
	char json[64 * 100 + 100];
	size_t len, i;

	(void)state;
	len = snprintf(json, sizeof(json), "{\"name\":\"t\",\"channels\":[");
	for (i = 0; i < KTHING_CHANNELS_MAX + 1; i++)
		len += snprintf(json + len, sizeof(json) - len,
				"%s{\"name\":\"c%zu\",\"kind\":\"actuator\","
				"\"backend\":\"virtual\",\"type\":\"bool\"}",
				i ? "," : "", i);
	snprintf(json + len, sizeof(json) - len, "]}");
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, "channels: more than 64 channels");

	/* Exactly the maximum is fine. */
	len = strlen(json);
	json[len - 2 - strlen(",{\"name\":\"c64\",\"kind\":\"actuator\","
			       "\"backend\":\"virtual\",\"type\":\"bool\"}")] = '\0';
	strcat(json, "]}");
	assert_int_equal(parse(json), 0);
	assert_int_equal(desc.num_channels, KTHING_CHANNELS_MAX);
}

static void not_nul_terminated(void **state)
{
	char json[sizeof(example)];

	(void)state;
	memcpy(json, example, sizeof(example));
	/* The length given wins over the NUL: the document is cut short. */
	assert_int_equal(thing_desc_parse(json, 40, &desc, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(strncmp(err, "description: not valid JSON", 27), 0);
}

/* The example in docs/thing-description.md is a valid description. */
static void documented_example(void **state)
{
	char self[PATH_MAX], path[PATH_MAX + 64], text[16384];
	const char *start, *end;
	size_t len;
	ssize_t n;
	FILE *f;

	(void)state;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	/* build/san/tests/NAME -> the source tree's docs/ */
	snprintf(path, sizeof(path), "%s/../../../docs/thing-description.md",
		 dirname(self));
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	start = strstr(text, "```json\n");
	assert_non_null(start);
	start += 8;
	end = strstr(start, "```");
	assert_non_null(end);
	if (thing_desc_parse(start, end - start, &desc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(desc.name, "greenhouse");
	assert_int_equal(desc.num_channels, 5);
	assert_string_equal(desc.channels[0].gpio_line_name, "RELAY1");
	assert_int_equal(desc.channels[1].max, 850);
	assert_int_equal(desc.channels[4].initial, 215);
}

#define NUM_BAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))

int main(void)
{
	struct CMUnitTest tests[4 + NUM_BAD] = {
		cmocka_unit_test(accepts_example),
		cmocka_unit_test(documented_example),
		cmocka_unit_test(too_many_channels),
		cmocka_unit_test(not_nul_terminated),
	};
	size_t i;

	for (i = 0; i < NUM_BAD; i++) {
		tests[4 + i] = (struct CMUnitTest)
			cmocka_unit_test_prestate(refuses_mistake,
						  (void *)&bad_cases[i]);
		tests[4 + i].name = bad_cases[i].error ? bad_cases[i].error :
				    "accepts a minimal virtual channel";
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("kthingctl_description", tests,
				       4 + NUM_BAD, NULL, NULL);
}
