/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Applying a shadow's desired state (a delta) to a thing's actuators.
 *
 * Each key of the delta is checked on its own: it must name an actuator of
 * the shadow, and its value must suit the channel (true/false for a boolean,
 * a number within the limits and with no more decimals than the exponent
 * allows for an integer). A valid value is written; anything else is left
 * alone and described in words for the reported document. Nothing here
 * knows about MQTT: the channels are reached through struct shadow_target,
 * so the rules can be tested without a device.
 */
#ifndef KTHINGD_SHADOW_APPLY_H
#define KTHINGD_SHADOW_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>
#include <kthing.h>

/* The channels one shadow holds, and how to write them. */
struct shadow_target {
	/* The channel of this shadow called @name, or NULL. */
	const struct kthing_channel *(*find)(void *arg, const char *name);
	/* Write @value; *@applied gets what the kernel applied. -errno. */
	int (*write)(void *arg, const struct kthing_channel *ch, int64_t value,
		     int64_t *applied);
	void *arg;
};

enum shadow_outcome {
	SHADOW_APPLIED,		/* written */
	SHADOW_UNKNOWN,		/* no channel of this shadow has that name */
	SHADOW_READ_ONLY,	/* a sensor */
	SHADOW_INVALID,		/* wrong type, out of range, too precise */
	SHADOW_WRITE_FAILED,	/* valid, but the kernel refused the write */
};

struct shadow_key_result {
	char *key;				/* the desired key */
	const struct kthing_channel *channel;	/* NULL when unknown */
	enum shadow_outcome outcome;
	int64_t value;				/* APPLIED: what was applied */
	char error[112];			/* otherwise: why, in words */
};

struct shadow_apply_result {
	struct shadow_key_result *keys;
	size_t num_keys;
	size_t applied;
	size_t refused;
};

/*
 * Check and apply every key of @desired (an object). Returns 0, -EINVAL when
 * @desired is not an object, or -ENOMEM. Free @res with
 * shadow_apply_result_free() either way.
 */
int shadow_apply_desired(const cJSON *desired, const struct shadow_target *target,
			 struct shadow_apply_result *res);

void shadow_apply_result_free(struct shadow_apply_result *res);

/*
 * Convert a desired JSON value for @ch (exposed for tests). Returns 0 with
 * *@value set, or -1 with the problem in @err.
 */
int shadow_value_from_json(const cJSON *item, const struct kthing_channel *ch,
			   int64_t *value, char *err, size_t errlen);

#endif
