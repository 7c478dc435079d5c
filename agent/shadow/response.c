// SPDX-License-Identifier: GPL-2.0
/*
 * Responses in the shapes and key order AWS IoT publishes them:
 *   update/accepted  {state, metadata, version, timestamp, clientToken}
 *   update/delta     {version, timestamp, state, metadata, clientToken}
 *   update/documents {previous, current, timestamp, clientToken}
 *   get/accepted     {state{desired, reported, delta}, metadata, version,
 *                     timestamp, clientToken}
 *   delete/accepted  {version, timestamp, clientToken}
 *   any rejected     {code, message, timestamp, clientToken}
 * clientToken appears only when the request carried one.
 */
#include <string.h>

#include "shadow.h"
#include "shadow_internal.h"

int shadow_add(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return -1;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

int shadow_add_number(cJSON *obj, const char *key, double value)
{
	return cJSON_AddNumberToObject(obj, key, value) ? 0 : -1;
}

int shadow_add_token(cJSON *obj, const char *token)
{
	if (!token || !*token)
		return 0;
	return cJSON_AddStringToObject(obj, "clientToken", token) ? 0 : -1;
}

cJSON *shadow_sections(const cJSON *desired, const cJSON *reported)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj)
		return NULL;
	if ((desired && shadow_add(obj, "desired", cJSON_Duplicate(desired, true))) ||
	    (reported && shadow_add(obj, "reported", cJSON_Duplicate(reported, true)))) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

/* {state, metadata, version} of @doc, as "previous" and "current" carry. */
cJSON *shadow_doc_snapshot(const struct shadow_doc *doc)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj)
		return NULL;
	if (shadow_add(obj, "state", shadow_sections(doc->desired, doc->reported)) ||
	    shadow_add(obj, "metadata", shadow_sections(doc->meta_desired, doc->meta_reported)) ||
	    shadow_add_number(obj, "version", (double)doc->version)) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

static char *finish(cJSON *root, int failed)
{
	char *out = failed ? NULL : cJSON_PrintUnformatted(root);

	cJSON_Delete(root);
	return out;
}

char *shadow_build_error(const struct shadow_error *err, const char *token,
			 int64_t now)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	return finish(root, shadow_add_number(root, "code", err->code) ||
			    !cJSON_AddStringToObject(root, "message", err->message) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add_token(root, token));
}

char *shadow_build_get(const struct shadow_doc *doc, const char *token,
		       int64_t now)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *state, *delta;

	if (!root)
		return NULL;
	state = shadow_sections(doc->desired, doc->reported);
	if (shadow_add(root, "state", state))
		return finish(root, 1);
	delta = shadow_doc_delta(doc, NULL);
	return finish(root, (delta && shadow_add(state, "delta", delta)) ||
			    shadow_add(root, "metadata",
				       shadow_sections(doc->meta_desired, doc->meta_reported)) ||
			    shadow_add_number(root, "version", (double)doc->version) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add_token(root, token));
}

char *shadow_build_delete(uint64_t version, const char *token, int64_t now)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	return finish(root, shadow_add_number(root, "version", (double)version) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add_token(root, token));
}

char *shadow_build_accepted(const cJSON *req_state, uint64_t version,
			    const char *token, int64_t now)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *meta;
	const cJSON *s;

	if (!root)
		return NULL;
	if (cJSON_IsNull(req_state)) {
		meta = shadow_metadata_for(req_state, now);
	} else {
		meta = cJSON_CreateObject();
		cJSON_ArrayForEach(s, req_state)
			if (meta && shadow_add(meta, s->string,
					       shadow_metadata_for(s, now))) {
				cJSON_Delete(meta);
				meta = NULL;
			}
	}
	return finish(root, shadow_add(root, "state", cJSON_Duplicate(req_state, true)) ||
			    shadow_add(root, "metadata", meta) ||
			    shadow_add_number(root, "version", (double)version) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add_token(root, token));
}

char *shadow_build_delta(const struct shadow_doc *doc, const char *token,
			 int64_t now)
{
	cJSON *meta, *delta = shadow_doc_delta(doc, &meta);
	cJSON *root;

	if (!delta)
		return NULL;
	root = cJSON_CreateObject();
	if (!root) {
		cJSON_Delete(delta);
		cJSON_Delete(meta);
		return NULL;
	}
	return finish(root, shadow_add_number(root, "version", (double)doc->version) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add(root, "state", delta) ||
			    shadow_add(root, "metadata", meta) ||
			    shadow_add_token(root, token));
}

char *shadow_build_documents(const struct shadow_doc *previous,
			     const struct shadow_doc *current,
			     const char *token, int64_t now)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	return finish(root, shadow_add(root, "previous", shadow_doc_snapshot(previous)) ||
			    shadow_add(root, "current", shadow_doc_snapshot(current)) ||
			    shadow_add_number(root, "timestamp", (double)now) ||
			    shadow_add_token(root, token));
}
