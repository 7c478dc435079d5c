// SPDX-License-Identifier: GPL-2.0
/*
 * Merging an update into a document, and the metadata that goes with it.
 *
 * null deletes a key, an object merges key by key, anything else (arrays
 * included) replaces the old value whole. An object left empty is removed,
 * so a section that loses its last key disappears, as AWS shows it.
 */
#include <string.h>

#include "shadow.h"
#include "shadow_internal.h"

static cJSON *timestamp_node(int64_t now)
{
	cJSON *obj = cJSON_CreateObject();

	if (obj && !cJSON_AddNumberToObject(obj, "timestamp", (double)now)) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

cJSON *shadow_metadata_for(const cJSON *value, int64_t now)
{
	const cJSON *child;
	cJSON *out;

	if (!cJSON_IsObject(value) && !cJSON_IsArray(value))
		return timestamp_node(now);
	out = cJSON_IsArray(value) ? cJSON_CreateArray() : cJSON_CreateObject();
	if (!out)
		return NULL;
	cJSON_ArrayForEach(child, value) {
		cJSON *m = shadow_metadata_for(child, now);

		if (!m || (cJSON_IsArray(value) ? !cJSON_AddItemToArray(out, m)
			   : !cJSON_AddItemToObject(out, child->string, m))) {
			cJSON_Delete(m);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

/* Set @key to @item (taken), keeping the key where it was. */
static int replace(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item) ? 0 : -1;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

/*
 * Merge @patch into @state, keeping @meta (its mirror) in step. Invariant:
 * wherever @state holds an object, @meta holds an object for it.
 */
static int merge_object(cJSON *state, cJSON *meta, const cJSON *patch,
			int64_t now)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, patch) {
		const char *key = p->string;
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(state, key);

		if (cJSON_IsNull(p)) {
			cJSON_DeleteItemFromObjectCaseSensitive(state, key);
			cJSON_DeleteItemFromObjectCaseSensitive(meta, key);
			continue;
		}
		if (!cJSON_IsObject(p)) {
			if (replace(state, key, cJSON_Duplicate(p, true)) ||
			    replace(meta, key, shadow_metadata_for(p, now)))
				return -1;
			continue;
		}
		if (!cJSON_IsObject(cur)) {
			if (replace(state, key, cJSON_CreateObject()) ||
			    replace(meta, key, cJSON_CreateObject()))
				return -1;
			cur = cJSON_GetObjectItemCaseSensitive(state, key);
		}
		if (merge_object(cur, cJSON_GetObjectItemCaseSensitive(meta, key),
				 p, now))
			return -1;
		if (!cur->child) {
			cJSON_DeleteItemFromObjectCaseSensitive(state, key);
			cJSON_DeleteItemFromObjectCaseSensitive(meta, key);
		}
	}
	return 0;
}

int shadow_merge_section(cJSON **state, cJSON **meta, const cJSON *patch,
			 int64_t now)
{
	if (!patch)
		return 0;
	if (cJSON_IsNull(patch)) {
		cJSON_Delete(*state);
		cJSON_Delete(*meta);
		*state = *meta = NULL;
		return 0;
	}
	if (!*state) {
		*state = cJSON_CreateObject();
		*meta = cJSON_CreateObject();
		if (!*state || !*meta)
			return -1;
	}
	if (merge_object(*state, *meta, patch, now))
		return -1;
	if (!(*state)->child) {
		cJSON_Delete(*state);
		cJSON_Delete(*meta);
		*state = *meta = NULL;
	}
	return 0;
}
