// SPDX-License-Identifier: GPL-2.0
/*
 * A delta applied to a thing: every key checked and written through the
 * device (shadow_apply.h); a written channel is reported again, read back
 * from the device; a refused key leaves the hardware alone, its reason is
 * queued for reported.kthing_errors, and with shadow.null_invalid_desired
 * the desired key is queued to be set to null.
 */
#include <string.h>

#include "config.h"
#include "counters.h"
#include "log.h"
#include "shadow_apply.h"
#include "shadow_sync_internal.h"

static const struct kthing_channel *target_find(void *arg, const char *name)
{
	return shadow_channel_find(arg, name);
}

static int target_write(void *arg, const struct kthing_channel *ch, int64_t value,
			int64_t *applied)
{
	struct shadow *sh = arg;
	struct kthing_reading reading;
	int rc = kthing_write(sh->dev->k, ch->index, value, &reading);

	if (rc == 0)
		*applied = reading.value;
	return rc;
}

/* Queue @message (NULL: none) as @key's error, if the shadow shows otherwise. */
static void set_pending_error(struct shadow *sh, const char *key, const char *message)
{
	const cJSON *shown = cJSON_GetObjectItemCaseSensitive(sh->shown_errors, key);

	cJSON_DeleteItemFromObjectCaseSensitive(sh->pending_errors, key);
	if (message) {
		if (cJSON_IsString(shown) && strcmp(shown->valuestring, message) == 0)
			return;
		cJSON_AddStringToObject(sh->pending_errors, key, message);
	} else if (shown) {
		cJSON_AddNullToObject(sh->pending_errors, key);
	}
}

static void note_result(struct shadow *sh, const struct shadow_key_result *r)
{
	struct shadow_sync *s = sh->dev->sync;
	char label[256];

	if (r->channel)
		sh->chans[r->channel->index].force = true;
	if (r->outcome == SHADOW_APPLIED) {
		s->counters->shadow_applied++;
		log_info("shadow %s: %s applied", shadow_label(sh, label, sizeof(label)),
			 r->key);
		set_pending_error(sh, r->key, NULL);
		return;
	}
	s->counters->shadow_refused++;
	log_warning("shadow %s: desired %s refused: %s",
		    shadow_label(sh, label, sizeof(label)), r->key, r->error);
	set_pending_error(sh, r->key, r->error);
	if (s->config->shadow.null_invalid_desired)
		cJSON_AddNullToObject(sh->pending_nulls, r->key);
}

void shadow_apply_delta(struct shadow *sh, const cJSON *delta, const cJSON *whole)
{
	struct shadow_sync *s = sh->dev->sync;
	struct shadow_target target = {
		.find = target_find, .write = target_write, .arg = sh,
	};
	struct shadow_apply_result res;
	const cJSON *shown, *next;
	char label[256];

	if (delta && cJSON_IsObject(delta)) {
		s->counters->shadow_deltas++;
		if (shadow_apply_desired(delta, &target, &res) < 0) {
			log_error("shadow %s: out of memory applying a delta",
				  shadow_label(sh, label, sizeof(label)));
			shadow_apply_result_free(&res);
			return;
		}
		for (size_t i = 0; i < res.num_keys; i++)
			note_result(sh, &res.keys[i]);
		shadow_apply_result_free(&res);
	}
	/*
	 * An error shown for a key the delta no longer holds is over: desired
	 * was changed to match, or deleted. (When refused keys are nulled, the
	 * delta never holds them again; their errors stay until applied.)
	 */
	if (s->config->shadow.null_invalid_desired)
		return;
	for (shown = sh->shown_errors->child; shown; shown = next) {
		next = shown->next;
		if (!cJSON_GetObjectItemCaseSensitive(whole, shown->string) &&
		    !cJSON_GetObjectItemCaseSensitive(sh->pending_errors, shown->string))
			cJSON_AddNullToObject(sh->pending_errors, shown->string);
	}
}
