// SPDX-License-Identifier: GPL-2.0
/*
 * Applying an /update request to a document: the version check, the merge,
 * the size limit on the merged result, and the three responses an accepted
 * update produces.
 */
#include <string.h>

#include "shadow.h"
#include "shadow_internal.h"

void shadow_update_result_free(struct shadow_update_result *res)
{
	cJSON_free(res->accepted);
	cJSON_free(res->documents);
	cJSON_free(res->delta);
	memset(res, 0, sizeof(*res));
}

static int merge_request(struct shadow_doc *doc, const cJSON *state,
			 int64_t now)
{
	if (cJSON_IsNull(state)) {
		/* Empties the shadow; it still exists and keeps counting. */
		uint64_t version = doc->version;

		shadow_doc_free(doc);
		doc->version = version;
		return 0;
	}
	if (shadow_merge_section(&doc->desired, &doc->meta_desired,
				 cJSON_GetObjectItemCaseSensitive(state, "desired"), now) ||
	    shadow_merge_section(&doc->reported, &doc->meta_reported,
				 cJSON_GetObjectItemCaseSensitive(state, "reported"), now))
		return -1;
	return 0;
}

int shadow_update(struct shadow_doc *doc, bool exists,
		  const struct shadow_request *req, int64_t now,
		  const struct shadow_limits *limits,
		  struct shadow_update_result *res, struct shadow_error *err)
{
	const char *token = req->has_client_token ? req->client_token : NULL;
	struct shadow_doc next, previous;

	memset(res, 0, sizeof(*res));
	if (req->has_version && req->version != doc->version) {
		shadow_error_set(err, SHADOW_CONFLICT, "Version conflict");
		return -1;
	}
	if (doc->version >= SHADOW_VERSION_MAX) {
		shadow_error_set(err, SHADOW_CONFLICT, "Version conflict");
		return -1;
	}
	if (shadow_doc_copy(&next, doc))
		goto oom;
	if (merge_request(&next, req->state, now)) {
		shadow_doc_free(&next);
		goto oom;
	}
	if (shadow_doc_state_size(&next) > limits->max_state_bytes) {
		shadow_doc_free(&next);
		shadow_error_set(err, SHADOW_TOO_LARGE,
				 "The payload exceeds the maximum size allowed");
		return -1;
	}
	next.version = doc->version + 1;

	previous = *doc;
	if (!exists) {
		/* A shadow that did not exist had no state to show. */
		shadow_doc_init(&previous);
		previous.version = doc->version;
	}
	res->accepted = shadow_build_accepted(req->state, next.version, token, now);
	res->documents = shadow_build_documents(&previous, &next, token, now);
	res->delta = shadow_build_delta(&next, token, now);
	if (!res->accepted || !res->documents) {
		shadow_update_result_free(res);
		shadow_doc_free(&next);
		goto oom;
	}
	shadow_doc_free(doc);
	*doc = next;
	return 0;

oom:
	shadow_error_set(err, SHADOW_INTERNAL, "Internal service failure");
	return -1;
}
