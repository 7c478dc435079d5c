// SPDX-License-Identifier: GPL-2.0
/*
 * The delta between desired and reported: every desired key that reported
 * lacks or holds differently. Objects are compared key by key so the delta
 * carries the path to each differing leaf; arrays and values are compared
 * whole. Keys only in reported never appear.
 */
#include "shadow.h"

static cJSON *delta_object(const cJSON *desired, const cJSON *dmeta,
			   const cJSON *reported, cJSON *meta_out)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *d;

	if (!out)
		return NULL;
	cJSON_ArrayForEach(d, desired) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(reported, d->string);
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(dmeta, d->string);
		cJSON *sub = NULL, *sub_meta = NULL;

		if (cJSON_IsObject(d) && cJSON_IsObject(r)) {
			sub_meta = meta_out ? cJSON_CreateObject() : NULL;
			sub = delta_object(d, m, r, sub_meta);
			if (sub && !sub->child) {
				cJSON_Delete(sub);
				cJSON_Delete(sub_meta);
				continue;
			}
		} else if (r && cJSON_Compare(d, r, true)) {
			continue;
		} else {
			sub = cJSON_Duplicate(d, true);
			if (meta_out && m)
				sub_meta = cJSON_Duplicate(m, true);
		}
		if (!sub || !cJSON_AddItemToObject(out, d->string, sub)) {
			cJSON_Delete(sub);
			cJSON_Delete(sub_meta);
			cJSON_Delete(out);
			return NULL;
		}
		if (sub_meta && !cJSON_AddItemToObject(meta_out, d->string, sub_meta))
			cJSON_Delete(sub_meta);
	}
	return out;
}

cJSON *shadow_doc_delta(const struct shadow_doc *doc, cJSON **meta)
{
	cJSON *delta, *dmeta = NULL;

	if (meta)
		*meta = NULL;
	if (!doc->desired)
		return NULL;
	if (meta) {
		dmeta = cJSON_CreateObject();
		if (!dmeta)
			return NULL;
	}
	delta = delta_object(doc->desired, doc->meta_desired, doc->reported, dmeta);
	if (!delta || !delta->child) {
		cJSON_Delete(delta);
		cJSON_Delete(dmeta);
		return NULL;
	}
	if (meta)
		*meta = dmeta;
	return delta;
}
