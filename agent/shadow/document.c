// SPDX-License-Identifier: GPL-2.0
/* A stored shadow document: lifetime, stored form and size. */
#include <string.h>

#include "shadow.h"
#include "shadow_internal.h"

void shadow_doc_init(struct shadow_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void shadow_doc_free(struct shadow_doc *doc)
{
	cJSON_Delete(doc->desired);
	cJSON_Delete(doc->reported);
	cJSON_Delete(doc->meta_desired);
	cJSON_Delete(doc->meta_reported);
	shadow_doc_init(doc);
}

static int dup_into(cJSON **dst, const cJSON *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = cJSON_Duplicate(src, true);
	return *dst ? 0 : -1;
}

int shadow_doc_copy(struct shadow_doc *dst, const struct shadow_doc *src)
{
	shadow_doc_init(dst);
	dst->version = src->version;
	if (dup_into(&dst->desired, src->desired) ||
	    dup_into(&dst->reported, src->reported) ||
	    dup_into(&dst->meta_desired, src->meta_desired) ||
	    dup_into(&dst->meta_reported, src->meta_reported)) {
		shadow_doc_free(dst);
		return -1;
	}
	return 0;
}

char *shadow_doc_serialize(const struct shadow_doc *doc)
{
	cJSON *root = cJSON_CreateObject();
	char *out = NULL;

	if (!root)
		return NULL;
	if (cJSON_AddItemToObject(root, "state", shadow_sections(doc->desired, doc->reported)) &&
	    cJSON_AddItemToObject(root, "metadata",
				  shadow_sections(doc->meta_desired, doc->meta_reported)))
		out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

static int take(cJSON *parent, const char *key, cJSON **dst)
{
	cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(parent, key);

	if (item && !cJSON_IsObject(item)) {
		cJSON_Delete(item);
		return -1;
	}
	*dst = item;
	return 0;
}

int shadow_doc_deserialize(struct shadow_doc *doc, const char *json,
			   uint64_t version)
{
	cJSON *root = cJSON_Parse(json);
	cJSON *state, *meta;
	int ret = -1;

	shadow_doc_init(doc);
	doc->version = version;
	if (!root)
		return -1;
	state = cJSON_GetObjectItemCaseSensitive(root, "state");
	meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
	if (cJSON_IsObject(state) && cJSON_IsObject(meta) &&
	    !take(state, "desired", &doc->desired) &&
	    !take(state, "reported", &doc->reported) &&
	    !take(meta, "desired", &doc->meta_desired) &&
	    !take(meta, "reported", &doc->meta_reported))
		ret = 0;
	/* The metadata trees must exist exactly where the state does. */
	if (!ret && (!doc->desired != !doc->meta_desired ||
		     !doc->reported != !doc->meta_reported))
		ret = -1;
	cJSON_Delete(root);
	if (ret)
		shadow_doc_free(doc);
	return ret;
}

static size_t compact_size(const cJSON *item)
{
	char *s;
	size_t n;

	if (!item)
		return 0;
	s = cJSON_PrintUnformatted(item);
	if (!s)
		return SIZE_MAX;
	n = strlen(s);
	cJSON_free(s);
	return n;
}

size_t shadow_doc_state_size(const struct shadow_doc *doc)
{
	size_t d = compact_size(doc->desired), r = compact_size(doc->reported);

	return d > SIZE_MAX - r ? SIZE_MAX : d + r;
}
