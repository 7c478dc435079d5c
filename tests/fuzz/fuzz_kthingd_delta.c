// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over kthingd's delta path: a payload arriving on
 * /update/delta is read by the engine, its state applied to a thing with
 * a relay, a dimmer and a sensor (shadow_apply.c), and the report built
 * (shadow_report.c). Checks: nothing is written outside a channel's
 * limits, and the report is always valid JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../agent/shadow/shadow.h"
#include "../../agent/kthingd/shadow_apply.h"
#include "../../agent/kthingd/shadow_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct kthing_channel channels[] = {
	{ .index = 0, .name = "relay", .kind = KTHING_KIND_ACTUATOR,
	  .type = KTHING_TYPE_BOOL, .min = 0, .max = 1 },
	{ .index = 1, .name = "dim", .kind = KTHING_KIND_ACTUATOR,
	  .type = KTHING_TYPE_INT, .exponent = -1, .min = -1000, .max = 1000 },
	{ .index = 2, .name = "temp", .kind = KTHING_KIND_SENSOR,
	  .type = KTHING_TYPE_INT, .exponent = -2, .min = -4000, .max = 12500 },
};

static int64_t values[3];

static const struct kthing_channel *find(void *arg, const char *name)
{
	(void)arg;
	for (size_t i = 0; i < 3; i++)
		if (strcmp(channels[i].name, name) == 0)
			return &channels[i];
	return NULL;
}

static int write_value(void *arg, const struct kthing_channel *ch, int64_t value,
		       int64_t *applied)
{
	(void)arg;
	if (ch->kind != KTHING_KIND_ACTUATOR || value < ch->min || value > ch->max)
		__builtin_trap();
	values[ch->index] = value;
	*applied = value;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shadow_target target = { .find = find, .write = write_value };
	struct shadow_apply_result res;
	struct shadow_response resp;
	struct shadow_report *rep;
	struct shadow_error err;
	char *json;
	cJSON *check;

	if (shadow_response_parse(data, size, SHADOW_SUFFIX_DELTA, &resp, &err) < 0)
		return 0;
	rep = shadow_report_new();
	if (rep && shadow_apply_desired(resp.state, &target, &res) == 0) {
		for (size_t i = 0; i < res.num_keys; i++) {
			const struct shadow_key_result *r = &res.keys[i];

			if (r->channel)
				shadow_report_value(rep, r->channel->name, r->channel->type,
						    values[r->channel->index],
						    r->channel->exponent);
			if (r->outcome != SHADOW_APPLIED)
				shadow_report_error(rep, r->key, r->error);
		}
		json = shadow_report_build(rep, resp.client_token);
		if (json) {
			check = cJSON_Parse(json);
			if (!check)
				__builtin_trap();
			cJSON_Delete(check);
			cJSON_free(json);
		}
	}
	shadow_apply_result_free(&res);
	shadow_report_free(rep);
	shadow_response_free(&resp);
	return 0;
}
