/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the engine's own files. */
#ifndef KTHING_SHADOW_INTERNAL_H
#define KTHING_SHADOW_INTERNAL_H

#include "shadow.h"

/*
 * Metadata for a value set at @now: {"timestamp": now} for a value or a
 * null, one per key for an object, one per element for an array.
 */
cJSON *shadow_metadata_for(const cJSON *value, int64_t now);

/* Merge the section @patch (object, or null to drop it) into @state/@meta. */
int shadow_merge_section(cJSON **state, cJSON **meta, const cJSON *patch,
			 int64_t now);

/* Add @key: @item to @obj, taking @item; fails (freeing it) when NULL. */
int shadow_add(cJSON *obj, const char *key, cJSON *item);
int shadow_add_number(cJSON *obj, const char *key, double value);
int shadow_add_token(cJSON *obj, const char *token);

/* {"desired": a, "reported": b} of copies of what is present; {} if neither. */
cJSON *shadow_sections(const cJSON *desired, const cJSON *reported);

/* Response builders used by shadow_update(). */
cJSON *shadow_doc_snapshot(const struct shadow_doc *doc);
char *shadow_build_accepted(const cJSON *req_state, uint64_t version,
			    const char *token, int64_t now);
char *shadow_build_delta(const struct shadow_doc *doc, const char *token,
			 int64_t now);
char *shadow_build_documents(const struct shadow_doc *previous,
			     const struct shadow_doc *current,
			     const char *token, int64_t now);

#endif /* KTHING_SHADOW_INTERNAL_H */
