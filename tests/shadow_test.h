/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the shadow engine's cmocka tests. */
#ifndef KTHING_SHADOW_TEST_H
#define KTHING_SHADOW_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/shadow/shadow.h"

/* Fail unless @got and @want are the same JSON (key order ignored). */
static inline void assert_json_eq_at(const char *got, const char *want,
				     const char *file, int line)
{
	cJSON *g = cJSON_Parse(got ? got : "null");
	cJSON *w = cJSON_Parse(want);
	int same = g && w && cJSON_Compare(g, w, 1);

	if (!same)
		print_error("%s:%d: JSON differs\n   got: %s\n  want: %s\n", file, line,
			    got ? got : "(null)", want);
	cJSON_Delete(g);
	cJSON_Delete(w);
	if (!same)
		fail();
}
#define assert_json_eq(got, want) assert_json_eq_at(got, want, __FILE__, __LINE__)

/* Parse @json as an /update request with the default limits. */
static inline int parse_update(const char *json, struct shadow_request *req,
			       struct shadow_error *err)
{
	struct shadow_limits limits;

	shadow_limits_default(&limits);
	return shadow_request_parse(json, strlen(json), &limits, req, err);
}

/*
 * Apply @json to @doc at time @now; returns the error code (0 on success)
 * and keeps the responses in @res when given.
 */
static inline int apply(struct shadow_doc *doc, bool exists, const char *json,
			int64_t now, struct shadow_update_result *res)
{
	struct shadow_update_result local;
	struct shadow_limits limits;
	struct shadow_request req;
	struct shadow_error err;
	int ret;

	shadow_limits_default(&limits);
	if (parse_update(json, &req, &err))
		return err.code;
	ret = shadow_update(doc, exists, &req, now, &limits, res ? res : &local, &err);
	shadow_request_free(&req);
	if (ret)
		return err.code;
	if (!res)
		shadow_update_result_free(&local);
	return 0;
}

static inline void run_tap(void)
{
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
}

#endif /* KTHING_SHADOW_TEST_H */
