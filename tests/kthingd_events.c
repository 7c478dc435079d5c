// SPDX-License-Identifier: GPL-2.0
/* Event lines (events.source other than netlink): parsing and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/events.h"

static int parse(const char *line, struct kthing_event *ev, uint32_t *type, char *err)
{
	return events_parse_line(line, strlen(line), ev, type, err, 128);
}

static void test_sample(void **state)
{
	struct kthing_event ev;
	uint32_t type;
	char err[128];

	(void)state;
	assert_int_equal(parse("{\"event\":\"sample\",\"thing\":\"env\",\"id\":3,\"seq\":7,"
			       "\"channel\":\"temp\",\"index\":2,\"value\":-235,\"exponent\":-1}",
			       &ev, &type, err), 0);
	assert_int_equal(ev.type, KTHING_EVENT_SAMPLE);
	assert_string_equal(ev.thing_name, "env");
	assert_int_equal(ev.thing_id, 3);
	assert_int_equal(ev.seq, 7);
	assert_string_equal(ev.channel_name, "temp");
	assert_int_equal(ev.channel_index, 2);
	assert_int_equal(ev.value, -235);
	assert_int_equal(ev.exponent, -1);
	assert_int_equal(type, 0);
	assert_true(ev.timestamp_ns > 0);

	assert_int_equal(parse("{\"event\":\"sample\",\"thing\":\"env\",\"channel\":\"door\","
			       "\"value\":1,\"type\":\"bool\"}", &ev, &type, err), 0);
	assert_int_equal(type, KTHING_TYPE_BOOL);
	/* Without an index, channels are told apart by name. */
	assert_int_equal(ev.channel_index, UINT32_MAX);
}

static void test_other_events(void **state)
{
	struct kthing_event ev;
	uint32_t type;
	char err[128];

	(void)state;
	assert_int_equal(parse("{\"event\":\"thing-added\",\"thing\":\"a\",\"seq\":1,\"channels\":4}",
			       &ev, &type, err), 0);
	assert_int_equal(ev.type, KTHING_EVENT_THING_ADDED);
	assert_int_equal(ev.num_channels, 4);
	assert_int_equal(parse("{\"event\":\"thing-removed\",\"thing\":\"a\"}", &ev, &type, err), 0);
	assert_int_equal(ev.type, KTHING_EVENT_THING_REMOVED);
	assert_int_equal(parse("{\"event\":\"fault\",\"thing\":\"a\",\"channel\":\"t\",\"errno\":5}",
			       &ev, &type, err), 0);
	assert_int_equal(ev.type, KTHING_EVENT_FAULT);
	assert_int_equal(ev.error, 5);
	assert_int_equal(parse("{\"event\":\"applied\",\"thing\":\"a\",\"channel\":\"r\",\"value\":1,"
			       "\"source\":1}", &ev, &type, err), 0);
	assert_int_equal(ev.source, KTHING_SOURCE_IOCTL);
}

static void test_errors(void **state)
{
	static const struct {
		const char *line, *error;
	} cases[] = {
		{ "not json", "not a JSON object" },
		{ "[1]", "not a JSON object" },
		{ "{\"event\":\"boom\",\"thing\":\"a\"}",
		  "\"event\" must be one of thing-added, thing-removed, sample, applied, fault" },
		{ "{\"event\":\"sample\",\"thing\":\"a b\"}", "\"thing\" must be a valid thing name" },
		{ "{\"event\":\"sample\",\"thing\":\"a\",\"value\":1}",
		  "\"channel\" must be a valid channel name" },
		{ "{\"event\":\"sample\",\"thing\":\"a\",\"channel\":\"c\"}", "\"value\" is required" },
		{ "{\"event\":\"sample\",\"thing\":\"a\",\"channel\":\"c\",\"value\":2.5}",
		  "numbers must be integers" },
		{ "{\"event\":\"sample\",\"thing\":\"a\",\"channel\":\"c\",\"value\":1,\"exponent\":10}",
		  "\"exponent\" must be from -9 to 9" },
		{ "{\"event\":\"sample\",\"thing\":\"a\",\"channel\":\"c\",\"value\":1,\"type\":\"x\"}",
		  "\"type\" must be \"bool\" or \"int\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kthing_event ev;
		uint32_t type;
		char err[128] = "";

		assert_int_equal(parse(cases[i].line, &ev, &type, err), -1);
		assert_string_equal(err, cases[i].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_other_events),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("kthingd_events", tests, NULL, NULL);
}
