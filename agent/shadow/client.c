// SPDX-License-Identifier: GPL-2.0
/* The device side: reading responses and tracking versions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shadow.h"

static bool read_u64(const cJSON *item, uint64_t *out)
{
	double v;

	if (!cJSON_IsNumber(item))
		return false;
	v = item->valuedouble;
	if (!(v >= 0) || v > (double)SHADOW_VERSION_MAX || floor(v) != v)
		return false;
	*out = (uint64_t)v;
	return true;
}

int shadow_response_parse(const void *payload, size_t len,
			  enum shadow_suffix suffix,
			  struct shadow_response *resp,
			  struct shadow_error *err)
{
	const cJSON *item;
	uint64_t ts;

	memset(resp, 0, sizeof(*resp));
	resp->root = cJSON_ParseWithLength(payload, len);
	if (!cJSON_IsObject(resp->root)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "response is not a JSON object");
		goto fail;
	}

	item = cJSON_GetObjectItemCaseSensitive(resp->root, "version");
	if (item) {
		if (!read_u64(item, &resp->version)) {
			shadow_error_set(err, SHADOW_BAD_REQUEST,
					 "response \"version\" is not a non-negative integer");
			goto fail;
		}
		resp->has_version = true;
	}
	item = cJSON_GetObjectItemCaseSensitive(resp->root, "timestamp");
	if (item && read_u64(item, &ts))
		resp->timestamp = (int64_t)ts;
	item = cJSON_GetObjectItemCaseSensitive(resp->root, "clientToken");
	if (cJSON_IsString(item) && strlen(item->valuestring) <= SHADOW_CLIENT_TOKEN_MAX)
		strcpy(resp->client_token, item->valuestring);

	resp->state = cJSON_GetObjectItemCaseSensitive(resp->root, "state");
	resp->metadata = cJSON_GetObjectItemCaseSensitive(resp->root, "metadata");
	if (resp->state && !cJSON_IsObject(resp->state) && !cJSON_IsNull(resp->state)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "response \"state\" is not an object");
		goto fail;
	}

	switch (suffix) {
	case SHADOW_SUFFIX_REJECTED:
		item = cJSON_GetObjectItemCaseSensitive(resp->root, "code");
		if (!cJSON_IsNumber(item)) {
			shadow_error_set(err, SHADOW_BAD_REQUEST,
					 "rejection has no numeric \"code\"");
			goto fail;
		}
		resp->code = item->valueint;
		item = cJSON_GetObjectItemCaseSensitive(resp->root, "message");
		if (cJSON_IsString(item))
			snprintf(resp->message, sizeof(resp->message), "%s",
				 item->valuestring);
		break;
	case SHADOW_SUFFIX_DELTA:
		if (!cJSON_IsObject(resp->state) || !resp->has_version) {
			shadow_error_set(err, SHADOW_BAD_REQUEST,
					 "delta lacks \"state\" or \"version\"");
			goto fail;
		}
		break;
	case SHADOW_SUFFIX_ACCEPTED:
	case SHADOW_SUFFIX_DOCUMENTS:
		if (!resp->has_version && suffix == SHADOW_SUFFIX_ACCEPTED) {
			shadow_error_set(err, SHADOW_BAD_REQUEST,
					 "accepted response lacks \"version\"");
			goto fail;
		}
		break;
	case SHADOW_SUFFIX_NONE:
		break;
	}
	return 0;

fail:
	shadow_response_free(resp);
	return -1;
}

void shadow_response_free(struct shadow_response *resp)
{
	cJSON_Delete(resp->root);
	memset(resp, 0, sizeof(*resp));
}

bool shadow_versions_take_delta(struct shadow_versions *v, uint64_t version)
{
	/*
	 * A delta is stale only against deltas: an accepted update with a
	 * higher version may be the device's own report, which does not
	 * carry the desired state a delta does.
	 */
	if (version <= v->delta)
		return false;
	v->delta = version;
	return true;
}

bool shadow_versions_take_accepted(struct shadow_versions *v, uint64_t version)
{
	if (version <= v->accepted)
		return false;
	v->accepted = version;
	return true;
}

void shadow_versions_reset(struct shadow_versions *v)
{
	memset(v, 0, sizeof(*v));
}
