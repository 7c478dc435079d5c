// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadow_apply.h"

int shadow_value_from_json(const cJSON *item, const struct kthing_channel *ch,
			   int64_t *value, char *err, size_t errlen)
{
	int rc;

	if (ch->type == KTHING_TYPE_BOOL) {
		if (cJSON_IsBool(item)) {
			*value = cJSON_IsTrue(item);
			return 0;
		}
		/* 0 and 1 are what many applications send for a switch. */
		if (cJSON_IsNumber(item) &&
		    (item->valuedouble == 0 || item->valuedouble == 1)) {
			*value = item->valuedouble == 1;
			return 0;
		}
		snprintf(err, errlen, "must be true or false");
		return -1;
	}
	if (!cJSON_IsNumber(item)) {
		snprintf(err, errlen, "must be a number");
		return -1;
	}
	rc = kthing_value_from_double(item->valuedouble, ch->exponent, ch->min, ch->max,
				      value);
	if (rc < 0) {
		kthing_value_strerror(err, errlen, rc, ch->exponent, ch->min, ch->max);
		return -1;
	}
	return 0;
}

static void apply_key(const cJSON *item, const struct shadow_target *target,
		      struct shadow_key_result *r)
{
	const struct kthing_channel *ch = target->find(target->arg, item->string);
	int64_t value, applied;
	char why[96];
	int rc;

	r->channel = ch;
	if (!ch) {
		r->outcome = SHADOW_UNKNOWN;
		snprintf(r->error, sizeof(r->error), "no such actuator");
		return;
	}
	if (ch->kind != KTHING_KIND_ACTUATOR) {
		r->outcome = SHADOW_READ_ONLY;
		snprintf(r->error, sizeof(r->error), "read-only: a sensor");
		return;
	}
	if (shadow_value_from_json(item, ch, &value, r->error, sizeof(r->error)) < 0) {
		r->outcome = SHADOW_INVALID;
		return;
	}
	rc = target->write(target->arg, ch, value, &applied);
	if (rc < 0) {
		r->outcome = SHADOW_WRITE_FAILED;
		snprintf(r->error, sizeof(r->error), "write failed: %s",
			 kthing_value_strerror(why, sizeof(why), rc, ch->exponent, ch->min,
					       ch->max));
		return;
	}
	r->outcome = SHADOW_APPLIED;
	r->value = applied;
}

int shadow_apply_desired(const cJSON *desired, const struct shadow_target *target,
			 struct shadow_apply_result *res)
{
	const cJSON *item;
	size_t n;

	memset(res, 0, sizeof(*res));
	if (!cJSON_IsObject(desired))
		return -EINVAL;
	n = (size_t)cJSON_GetArraySize(desired);
	if (n == 0)
		return 0;
	res->keys = calloc(n, sizeof(*res->keys));
	if (!res->keys)
		return -ENOMEM;
	cJSON_ArrayForEach(item, desired) {
		struct shadow_key_result *r = &res->keys[res->num_keys];

		r->key = strdup(item->string ? item->string : "");
		if (!r->key)
			return -ENOMEM;
		res->num_keys++;
		apply_key(item, target, r);
		if (r->outcome == SHADOW_APPLIED)
			res->applied++;
		else
			res->refused++;
	}
	return 0;
}

void shadow_apply_result_free(struct shadow_apply_result *res)
{
	for (size_t i = 0; i < res->num_keys; i++)
		free(res->keys[i].key);
	free(res->keys);
	memset(res, 0, sizeof(*res));
}
