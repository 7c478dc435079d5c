// SPDX-License-Identifier: GPL-2.0
/*
 * Merge and delta: the input is a sequence of /update payloads separated by
 * newlines, applied in turn to one shadow. After each accepted one the
 * document must keep its invariants: a version one higher, metadata
 * wherever there is state, no empty objects, no nulls, a delta made only
 * of desired keys that reported lacks or holds differently.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/shadow/shadow.h"

/* No null and no empty object anywhere in a stored section. */
static void check_clean(const cJSON *obj)
{
	const cJSON *c;

	if (cJSON_IsObject(obj) && !obj->child)
		abort();
	cJSON_ArrayForEach(c, obj) {
		if (cJSON_IsNull(c))
			abort();
		if (cJSON_IsObject(c))
			check_clean(c);
	}
}

/* Every key of @delta is in @desired, and differs from @reported. */
static void check_delta(const cJSON *delta, const cJSON *desired, const cJSON *reported)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, delta) {
		const cJSON *want = cJSON_GetObjectItemCaseSensitive(desired, d->string);
		const cJSON *have = cJSON_GetObjectItemCaseSensitive(reported, d->string);

		if (!want)
			abort();
		if (cJSON_IsObject(d) && cJSON_IsObject(want) && cJSON_IsObject(have))
			check_delta(d, want, have);
		else if (have && cJSON_Compare(want, have, 1))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shadow_limits limits;
	struct shadow_doc doc;
	bool exists = false;
	size_t start = 0;

	shadow_limits_default(&limits);
	limits.max_state_bytes = 1024;
	shadow_doc_init(&doc);
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		struct shadow_update_result res;
		struct shadow_request req;
		struct shadow_error err;
		uint64_t before = doc.version;

		if (shadow_request_parse(data + start, len, &limits, &req, &err) == 0) {
			if (shadow_update(&doc, exists, &req, 5, &limits, &res, &err) == 0) {
				cJSON *meta, *delta;

				exists = true;
				if (doc.version != before + 1 || !res.accepted || !res.documents)
					abort();
				if (!doc.desired != !doc.meta_desired ||
				    !doc.reported != !doc.meta_reported)
					abort();
				check_clean(doc.desired);
				check_clean(doc.reported);
				delta = shadow_doc_delta(&doc, &meta);
				if (!delta != !res.delta)
					abort();
				check_delta(delta, doc.desired, doc.reported);
				cJSON_Delete(delta);
				cJSON_Delete(meta);
				shadow_update_result_free(&res);
			} else if (doc.version != before) {
				abort();
			}
			shadow_request_free(&req);
		}
		start += len + 1;
	}
	shadow_doc_free(&doc);
	return 0;
}
