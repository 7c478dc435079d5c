/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the configured rules: each message is matched against the rules
 * of its input, each rule that matches runs its actions in order, and when
 * one fails, its error action. Per-rule counters survive a reload for rules
 * that keep their name.
 *
 * Nothing here knows about MQTT or the device: the actions reach them
 * through struct rules_io, so the engine is tested and measured on the host.
 * Loop thread only.
 */
#ifndef KTHINGD_RULES_ENGINE_H
#define KTHINGD_RULES_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "rules_config.h"

struct rules_io {
	/*
	 * Publish @payload (@len bytes, maybe 0) on @topic: QoS 1 is queued
	 * while offline. 0, or -errno with the problem in @err.
	 */
	int (*publish)(void *arg, const char *topic, const char *payload, size_t len,
		       int qos, char *err, size_t errlen);
	/* Set @channel of the kernel's @thing to @value (JSON), validated
	 * against the channel. 0, or -1 with the problem in @err.
	 */
	int (*set)(void *arg, const char *thing, const char *channel, const cJSON *value,
		   char *err, size_t errlen);
	void *arg;
};

struct rules_counters {
	uint64_t matched;	/* WHERE was true */
	uint64_t acted;		/* matched, and every action succeeded */
	uint64_t failed;	/* matched, and an action (or the evaluation) failed */
};

struct rules_engine;

struct rules_engine *rules_engine_new(const struct rules_io *io);
void rules_engine_free(struct rules_engine *e);

/*
 * Run @rc (NULL: no rules) from now on; it stays owned by the caller and
 * must live until the next call. @clientid is what clientid() returns.
 * Counters follow rules by name. -ENOMEM leaves the engine as it was.
 */
int rules_engine_set(struct rules_engine *e, const struct rules_config *rc,
		     const char *clientid);

/*
 * A message: run every rule of @input whose FROM matches @topic; for the
 * broker, only those whose FROM is exactly @filter (the subscription it came
 * through), so overlapping filters do not run a rule twice.
 */
void rules_engine_message(struct rules_engine *e, enum rules_input input,
			  const char *filter, const char *topic, const char *payload,
			  size_t len);

/* The totals, over every rule run since the start. */
const struct rules_counters *rules_engine_totals(const struct rules_engine *e);
/* The counters of rule @i of the current configuration. */
const struct rules_counters *rules_engine_rule_counters(const struct rules_engine *e,
							size_t i);

/* Add rules_matched, rules_acted, rules_failed to the status "counters". */
void rules_engine_add_counters(cJSON *counters, const struct rules_engine *e);
/* The "rules" array of the status document. */
cJSON *rules_engine_status(const struct rules_engine *e);

#endif
