// SPDX-License-Identifier: GPL-2.0
/*
 * Request parsing and the update path it feeds: any payload must either be
 * refused with a code AWS uses, or produce a document that survives being
 * stored and read back, and whose responses are valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/shadow/shadow.h"

static void check_json(const char *s)
{
	cJSON *j;

	if (!s)
		return;
	j = cJSON_Parse(s);
	if (!j)
		abort();
	cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shadow_update_result res;
	struct shadow_limits limits;
	struct shadow_request req;
	struct shadow_error err;
	struct shadow_doc doc, back;
	char *stored, *get;

	shadow_limits_default(&limits);
	if (shadow_request_parse(data, size, &limits, &req, &err)) {
		if (err.code != 400 && err.code != 413 && err.code != 415)
			abort();
		return 0;
	}
	shadow_doc_init(&doc);
	if (shadow_update(&doc, false, &req, 1000, &limits, &res, &err) == 0) {
		check_json(res.accepted);
		check_json(res.delta);
		check_json(res.documents);
		shadow_update_result_free(&res);
		if (shadow_doc_state_size(&doc) > limits.max_state_bytes)
			abort();
		stored = shadow_doc_serialize(&doc);
		if (!stored || shadow_doc_deserialize(&back, stored, doc.version))
			abort();
		get = shadow_build_get(&back, req.client_token, 1001);
		check_json(get);
		cJSON_free(get);
		cJSON_free(stored);
		shadow_doc_free(&back);
	} else if (err.code != 409 && err.code != 413) {
		abort();
	}
	shadow_doc_free(&doc);
	shadow_request_free(&req);
	return 0;
}
