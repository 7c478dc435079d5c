/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay: kernel events in, telemetry out. It follows every thing (live
 * or gone) by its kernel name, keeps each thing's channel table from the
 * kernel's dumps, turns sensor samples into telemetry (at once, or coalesced
 * over a window: the latest value of each channel in one message), counts
 * lost events and resynchronises from a dump after a loss.
 *
 * Actuators are not relayed as telemetry: their state belongs to the shadow.
 */
#ifndef KTHINGD_RELAY_H
#define KTHINGD_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kthing.h>

struct cJSON;
struct config;
struct counters;
struct event_source;
struct loop;
struct outbox;
struct relay;

struct relay *relay_new(struct loop *loop, const struct config *config,
			struct counters *counters, struct outbox *outbox);
void relay_free(struct relay *relay);

void relay_set_source(struct relay *relay, struct event_source *src);

/* events_cb and events_attach_cb of the event source. */
void relay_event(void *relay, const struct kthing_event *ev, uint32_t value_type);
void relay_attached(void *relay, bool attached);

void relay_reconfigure(struct relay *relay, const struct config *config);

/*
 * Also hand each telemetry message to @tap (NULL: none), with the topic it is
 * published to, whether or not the broker is connected (the edge rules).
 */
typedef void (*relay_tap_cb)(void *arg, const char *topic, const char *payload, size_t len);
void relay_set_tap(struct relay *relay, relay_tap_cb tap, void *arg);

/* Publish what is being coalesced now (before shutting down). */
void relay_flush_all(struct relay *relay);

/* The "things" array of the status document. */
struct cJSON *relay_status(const struct relay *relay);

#endif
