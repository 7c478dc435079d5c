// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <cJSON.h>
#include <kthing.h>

#include "shadow_report.h"

struct shadow_report {
	cJSON *reported;
	cJSON *errors;		/* inside reported, made when first needed */
	cJSON *desired;		/* NULL until a desired key is cleared */
};

struct shadow_report *shadow_report_new(void)
{
	struct shadow_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->reported = cJSON_CreateObject();
	if (!r->reported) {
		free(r);
		return NULL;
	}
	return r;
}

void shadow_report_free(struct shadow_report *r)
{
	if (!r)
		return;
	cJSON_Delete(r->reported);
	cJSON_Delete(r->desired);
	free(r);
}

/* Replace @key in @obj, so a key is never sent twice. */
static int set_item(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return -ENOMEM;
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item) ? 0 : -ENOMEM;
	return cJSON_AddItemToObject(obj, key, item) ? 0 : -ENOMEM;
}

int shadow_report_value(struct shadow_report *r, const char *key, uint32_t type,
			int64_t value, int exponent)
{
	char num[KTHING_VALUE_STR_SIZE];

	if (type == KTHING_TYPE_BOOL)
		return set_item(r->reported, key, cJSON_CreateBool(value != 0));
	if (kthing_value_format(num, sizeof(num), value, exponent) < 0)
		return -EINVAL;
	/* Raw, so the exact decimal is sent rather than a double's rendering. */
	return set_item(r->reported, key, cJSON_CreateRaw(num));
}

int shadow_report_error(struct shadow_report *r, const char *key, const char *message)
{
	if (!r->errors) {
		r->errors = cJSON_CreateObject();
		if (!r->errors)
			return -ENOMEM;
		if (set_item(r->reported, SHADOW_ERRORS_KEY, r->errors) < 0) {
			r->errors = NULL;
			return -ENOMEM;
		}
	}
	return set_item(r->errors, key,
			message ? cJSON_CreateString(message) : cJSON_CreateNull());
}

int shadow_report_clear_desired(struct shadow_report *r, const char *key)
{
	if (!r->desired) {
		r->desired = cJSON_CreateObject();
		if (!r->desired)
			return -ENOMEM;
	}
	return set_item(r->desired, key, cJSON_CreateNull());
}

bool shadow_report_empty(const struct shadow_report *r)
{
	return !r->reported->child && !r->desired;
}

char *shadow_report_build(const struct shadow_report *r, const char *client_token)
{
	cJSON *root = cJSON_CreateObject(), *state;
	char *out = NULL;

	if (!root)
		return NULL;
	state = cJSON_AddObjectToObject(root, "state");
	if (!state)
		goto out;
	if (r->desired &&
	    !cJSON_AddItemReferenceToObject(state, "desired", r->desired))
		goto out;
	if (!cJSON_AddItemReferenceToObject(state, "reported", r->reported))
		goto out;
	if (client_token && !cJSON_AddStringToObject(root, "clientToken", client_token))
		goto out;
	out = cJSON_PrintUnformatted(root);
out:
	cJSON_Delete(root);
	return out;
}
