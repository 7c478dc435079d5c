/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the shadow sync share (shadow_sync.h says what it does):
 *  - shadow_things.c: which things and channels have shadows, classic or
 *    named, and their life cycle; the response topics they subscribe;
 *  - shadow_send.c: the requests sent (get, update), their limit, backing
 *    off after 429 and when no shadow service answers;
 *  - shadow_responses.c: the responses and deltas received;
 *  - shadow_delta.c: a delta applied to the device, refusals noted;
 *  - shadow_sync.c: kernel events, the connection, status.
 * All of it runs on the event loop's thread.
 */
#ifndef KTHINGD_SHADOW_SYNC_INTERNAL_H
#define KTHINGD_SHADOW_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>
#include <kthing.h>

#include "../shadow/shadow.h"
#include "backoff.h"
#include "loop.h"
#include "shadow_requests.h"

struct config;
struct counters;
struct event_source;
struct mqtt;

/* A request with no response after this long is given up (and redone). */
#define SHADOW_REQUEST_TIMEOUT_MS	10000

struct shadow_chan {
	bool member;		/* reported in this shadow */
	bool force;		/* report it in the next update */
	bool check;		/* report it if it changed since last reported */
	bool known;		/* @last is what the shadow holds */
	int64_t last;
	double reported_ts;	/* when the shadow took it (epoch s), or 0 */
};

struct device;

struct shadow {
	struct device *dev;
	char name[SHADOW_NAME_MAX + 1];		/* "" for the classic shadow */
	struct shadow_versions versions;
	bool subscribing;	/* its response topics are not granted yet */
	bool need_get;
	bool get_in_flight;
	bool update_in_flight;
	struct shadow_chan chans[KTHING_CHANNELS_MAX];
	cJSON *shown_errors;	/* reported.kthing_errors as the shadow holds it */
	cJSON *pending_errors;	/* to send: key -> message, or null to clear */
	cJSON *pending_nulls;	/* desired keys to set to null */
	struct shadow *next;
};

struct device {
	struct shadow_sync *sync;
	char kthing[KTHING_NAME_SIZE];
	char thing[SHADOW_THING_NAME_MAX + 1];	/* the MQTT thing name */
	struct kthing *k;	/* NULL while the thing is gone */
	struct shadow *shadows;
	struct device *next;
};

struct shadow_sync {
	struct loop *loop;
	struct mqtt *mqtt;
	const struct config *config;
	struct counters *counters;
	struct event_source *src;
	struct device *devices;
	struct shadow_requests requests;
	struct backoff backoff;		/* after 429 and other refusals */
	struct backoff silence;		/* while no shadow service answers */
	bool silent;			/* a request went unanswered, none since */
	uint64_t backoff_until_ms;	/* no request before this */
	struct loop_timer pump_timer;	/* coalescing and backing off */
	struct loop_timer timeout_timer;
	struct loop_timer sensor_timer;
};

/* "thing" or "thing/name", for the log. */
const char *shadow_label(const struct shadow *sh, char *buf, size_t size);

/* shadow_things.c */
/* @sh's topic for @op and @suffix; false when it does not fit. */
bool shadow_topic_of(const struct shadow *sh, enum shadow_op op, enum shadow_suffix suffix,
		     char *buf, size_t size);
/* The channel @name of the thing when @sh holds it, else NULL. */
const struct kthing_channel *shadow_channel_find(struct shadow *sh, const char *name);
/* The current value of channel @index; false when it cannot be read. */
bool shadow_chan_read(struct shadow *sh, unsigned int index, int64_t *value);
struct device *shadow_device_find(struct shadow_sync *s, const char *kthing);
void shadow_device_appeared(struct shadow_sync *s, const char *kthing);
void shadow_device_gone(struct device *d);
/* Some events may have been missed: check every member against the shadow. */
void shadow_device_check_all(struct device *d);
/* Open every thing that has shadows (after attaching, or a reload). */
void shadow_things_scan(struct shadow_sync *s);
void shadow_things_free(struct shadow_sync *s);

/* shadow_send.c */
void shadow_send_init(struct shadow_sync *s);
/* Send what can be sent: gets first, then one update per shadow. */
void shadow_pump(struct shadow_sync *s);
/* The same, a little later: changes made by others are coalesced. */
void shadow_pump_soon(struct shadow_sync *s);
/* No request before a growing, jittered delay (429 and the like). */
void shadow_back_off(struct shadow_sync *s);
/* A response came: whatever silence there was is over. */
void shadow_service_answered(struct shadow_sync *s);
/* Request @r is settled. */
void shadow_request_done(struct shadow_sync *s, struct shadow_sent *r);
/* Forget every request in flight (the connection they went on is gone). */
void shadow_requests_forget(struct shadow_sync *s);
/* Forget the requests in flight for @d's shadows. */
void shadow_requests_forget_device(struct shadow_sync *s, const struct device *d);

/* shadow_responses.c: an mqtt_message_cb, @arg being the struct shadow. */
void shadow_on_message(void *arg, const char *topic, const void *payload, size_t len);
/* After a get: note which members the document holds as the device has them. */
void shadow_reconcile(struct shadow *sh, const cJSON *reported);

/* shadow_delta.c */
/*
 * Apply @delta (NULL for none), the part of @whole (the whole of desired
 * that differs from reported, as both get's state.delta and /update/delta
 * carry it) to act on.
 */
void shadow_apply_delta(struct shadow *sh, const cJSON *delta, const cJSON *whole);

#endif
