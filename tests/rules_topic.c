// SPDX-License-Identifier: GPL-2.0
/*
 * MQTT topic filters: validation, matching (AWS's FROM examples and MQTT
 * 3.1.1 section 4.7), and the rule that wildcards at the first level do not
 * match topics starting with '$'.
 */
#include "rules_test.h"

struct match_case {
	const char *what;
	const char *filter, *topic;
	bool match;
};

static const struct match_case match_cases[] = {
	/* iot-sql-from */
	{ "exact topic", "topic/subtopic", "topic/subtopic", true },
	{ "exact topic, another name", "topic/subtopic", "topic/subtopic-2", false },
	{ "# below a level", "topic/#", "topic/subtopic", true },
	{ "# two levels below", "topic/#", "topic/subtopic-3/details", true },
	{ "# not another first level", "topic/#", "topic-2/subtopic-x", false },
	{ "+ one level", "topic/+", "topic/subtopic-2", true },
	{ "+ not two levels", "topic/+", "topic/subtopic-3/details", false },
	{ "+ not another first level", "topic/+", "topic-2/subtopic-x", false },
	/* topics.md: sensor/# and sensor/+/room1 */
	{ "# matches an empty last level", "sensor/#", "sensor/", true },
	{ "# is case sensitive", "sensor/#", "Sensor", false },
	{ "+ in the middle", "sensor/+/room1", "sensor/humidity/room1", true },
	{ "+ in the middle, other room", "sensor/+/room1", "sensor/temperature/room2", false },
	/* MQTT 3.1.1 4.7.1 */
	{ "# matches its parent level", "sport/tennis/player1/#", "sport/tennis/player1", true },
	{ "# matches everything", "#", "a/b/c", true },
	{ "+ matches an empty level", "sport/+", "sport/", true },
	{ "+ does not match the parent", "sport/+", "sport", false },
	{ "+ alone, one level", "+", "sport", true },
	{ "+ alone, not two levels", "+", "sport/", false },
	{ "+/+ with a leading slash", "+/+", "/finance", true },
	{ "/+ with a leading slash", "/+", "/finance", true },
	{ "+ not a leading slash topic", "+", "/finance", false },
	{ "+ and #", "+/tennis/#", "sport/tennis/player1/ranking", true },
	{ "filter longer than the topic", "a/b/c", "a/b", false },
	{ "topic longer than the filter", "a/b", "a/b/c", false },
	{ "prefix of a level", "a/b", "a/bc", false },
	{ "level longer than the topic's", "a/bc", "a/b", false },
	{ "empty levels are levels", "a//b", "a//b", true },
	{ "+ matches an empty middle level", "a/+/b", "a//b", true },
	/* MQTT 3.1.1 4.7.2: '$' topics */
	{ "# does not match $SYS", "#", "$SYS/broker/uptime", false },
	{ "+/# does not match $SYS", "+/monitor/Clients", "$SYS/monitor/Clients", false },
	{ "$SYS/# matches $SYS", "$SYS/#", "$SYS/broker/uptime", true },
	{ "$SYS/+ matches below $SYS", "$SYS/monitor/+", "$SYS/monitor/Clients", true },
	{ "# does not match $aws", "#", "$aws/things/t/shadow/update", false },
	{ "$aws/things/+/shadow/#", "$aws/things/+/shadow/#", "$aws/things/t/shadow/update/delta", true },
	{ "a '$' further down is ordinary", "a/+", "a/$b", true },
	/* topic names to publish to */
	{ "a topic with '+' matches nothing", "#", "a/+", false },
	{ "a topic with '#' matches nothing", "a/#", "a/#", false },
	{ "an empty topic matches nothing", "#", "", false },
};

struct intersect_case {
	const char *what;
	const char *a, *b;
	bool meet;
};

static const struct intersect_case intersect_cases[] = {
	{ "equal topics", "a/b", "a/b", true },
	{ "different topics", "a/b", "a/c", false },
	{ "+ meets a level", "a/+", "a/b", true },
	{ "+ meets +", "+/b", "a/+", true },
	{ "+ and a different last level", "+/b", "a/c", false },
	{ "# meets everything below", "a/#", "a/b/c/d", true },
	{ "# meets its parent", "a/#", "a", true },
	{ "# alone meets anything", "#", "x/y", true },
	{ "# under another first level", "a/#", "b/c", false },
	{ "more levels", "a/b", "a/b/c", false },
	{ "+ is one level only", "a/+", "a/b/c", false },
	{ "prefix of a level", "a/b", "a/bc", false },
	{ "# does not meet $ filters", "#", "$aws/things/t", false },
	{ "+ does not meet $ filters", "+/things/#", "$aws/things/t", false },
	{ "$ meets $", "$aws/+/t", "$aws/things/#", true },
	{ "a republish below its own filter", "my/iot/topic/republish", "my/#", true },
	{ "a republish beside its own filter", "my/iot/topic/republish", "my/iot/+", false },
	{ "empty levels", "a//b", "a/+/b", true },
};

static void test_intersect(void **state)
{
	const struct intersect_case *c = *state;

	assert_int_equal(rule_topic_filters_intersect(c->a, c->b), c->meet);
	assert_int_equal(rule_topic_filters_intersect(c->b, c->a), c->meet);
}

static void test_match(void **state)
{
	const struct match_case *c = *state;

	assert_null(rule_topic_filter_invalid(c->filter));
	assert_int_equal(rule_topic_matches(c->filter, c->topic), c->match);
	/* A topic name is a filter that only it matches. */
	if (!rule_topic_name_invalid(c->topic))
		assert_int_equal(rule_topic_filters_intersect(c->filter, c->topic),
				 c->match);
}

struct filter_case {
	const char *what;
	const char *filter;
	const char *why;	/* NULL: valid */
};

static const struct filter_case filter_cases[] = {
	{ "plain", "a/b/c", NULL },
	{ "# alone", "#", NULL },
	{ "+ alone", "+", NULL },
	{ "a single slash", "/", NULL },
	{ "wildcards at every level", "+/+/#", NULL },
	{ "empty", "", "a topic filter cannot be empty" },
	{ "# not last", "a/#/b", "'#' must be the last level of a topic filter" },
	{ "# then a slash", "#/", "'#' must be the last level of a topic filter" },
	{ "# inside a level", "a/b#", "'#' must be a whole level of a topic filter" },
	{ "# starting a level", "a/#b", "'#' must be a whole level of a topic filter" },
	{ "+ inside a level", "a+/b", "'+' must be a whole level of a topic filter" },
	{ "+ ending a level", "a/b+", "'+' must be a whole level of a topic filter" },
	{ "++", "++", "'+' must be a whole level of a topic filter" },
};

static void test_filter(void **state)
{
	const struct filter_case *c = *state;
	const char *why = rule_topic_filter_invalid(c->filter);

	if (c->why)
		assert_string_equal(why, c->why);
	else
		assert_null(why);
}

static void test_topic_names(void **state)
{
	char *huge = malloc(65537);

	(void)state;
	assert_null(rule_topic_name_invalid("a/b"));
	assert_null(rule_topic_name_invalid("$aws/things/t/shadow/get"));
	assert_string_equal(rule_topic_name_invalid(""), "a topic name cannot be empty");
	assert_string_equal(rule_topic_name_invalid("a/+"),
			    "a topic name cannot hold the wildcards '+' or '#'");
	assert_string_equal(rule_topic_name_invalid("#"),
			    "a topic name cannot hold the wildcards '+' or '#'");
	assert_non_null(huge);
	memset(huge, 'a', 65536);
	huge[65536] = '\0';
	assert_string_equal(rule_topic_name_invalid(huge),
			    "a topic name is at most 65535 bytes");
	assert_string_equal(rule_topic_filter_invalid(huge),
			    "a topic filter is at most 65535 bytes");
	huge[65535] = '\0';
	assert_null(rule_topic_name_invalid(huge));
	free(huge);
}

static void test_rule_from(void **state)
{
	struct rule *rule = rule_compile("SELECT * FROM 'dt/kthing/+/telemetry'", NULL);
	struct rule *all = rule_compile("SELECT * FROM '#'", NULL);

	(void)state;
	assert_non_null(rule);
	assert_non_null(all);
	assert_string_equal(rule_topic_filter(rule), "dt/kthing/+/telemetry");
	assert_true(rule_matches_topic(rule, "dt/kthing/greenhouse/telemetry"));
	assert_false(rule_matches_topic(rule, "dt/kthing/greenhouse/telemetry/x"));
	assert_false(rule_matches_topic(rule, "cmd/kthing/greenhouse/telemetry"));
	assert_true(rule_matches_topic(all, "dt/kthing/greenhouse/telemetry"));
	assert_false(rule_matches_topic(all, "$aws/things/greenhouse/shadow/update"));
	rule_free(rule);
	rule_free(all);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topic_names),
		cmocka_unit_test(test_rule_from),
	};
	int failed = 0;

	failed += run_rows("topic matching", test_match, match_cases,
			   sizeof(match_cases[0]),
			   sizeof(match_cases) / sizeof(match_cases[0]));
	failed += run_rows("filters that meet", test_intersect, intersect_cases,
			   sizeof(intersect_cases[0]),
			   sizeof(intersect_cases) / sizeof(intersect_cases[0]));
	failed += run_rows("topic filters", test_filter, filter_cases,
			   sizeof(filter_cases[0]),
			   sizeof(filter_cases) / sizeof(filter_cases[0]));
	failed += cmocka_run_group_tests_name("topic names and FROM", tests, NULL,
					      NULL);
	return failed ? 1 : 0;
}
