/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the rules tests: table rows become TAP lines. */
#ifndef KTHING_TESTS_RULES_TEST_H
#define KTHING_TESTS_RULES_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/rules/rule.h"

/* The message most expression tests run on. */
#define SAMPLE_PAYLOAD \
	"{\"i\":5,\"neg\":-7,\"d\":2.5,\"w\":10.0,\"s\":\"abc\",\"n\":\"12\"," \
	"\"nd\":\"-1.5\",\"t\":\"TRUE\",\"f\":\"false\",\"b\":true,\"nul\":null," \
	"\"e\":\"5E-12\",\"arr\":[1,\"two\",{\"x\":3}],\"obj\":{\"a\":1,\"b\":[1,2]}}"

static const struct rule_context sample_ctx = {
	.topic = "things/myThings/thingOne",
	.clientid = "cid-1",
	.timestamp_ms = 1481825251155,
};

/* JSON text of a value, "undefined" for NULL; the caller frees it. */
static inline char *json_text(const cJSON *json)
{
	return json ? cJSON_PrintUnformatted(json) : strdup("undefined");
}

/* Runs one cmocka test per row: @rows is an array of @count structs of
 * @size bytes whose first member is the row's name.
 */
static inline int run_rows(const char *group, void (*test)(void **),
			   const void *rows, size_t size, size_t count)
{
	struct CMUnitTest *tests = calloc(count, sizeof(*tests));
	size_t i;
	int failed;

	assert_non_null(tests);
	for (i = 0; i < count; i++) {
		const void *row = (const char *)rows + i * size;

		tests[i].name = *(const char *const *)row;
		tests[i].test_func = test;
		tests[i].initial_state = (void *)row;
	}
	failed = _cmocka_run_group_tests(group, tests, count, NULL, NULL);
	free(tests);
	return failed;
}

#endif
