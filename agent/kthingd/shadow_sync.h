/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeping each thing's Device Shadows in step with its actuators.
 *
 * Per live thing, the classic shadow holds its channels, except those that
 * things[].named_shadows puts in named shadows. For every shadow:
 *  - the explicit response topics (get/accepted|rejected,
 *    update/accepted|rejected, update/delta) are subscribed before anything
 *    is published;
 *  - on every (re)connection, and when the thing (re)appears, a get is
 *    published. 404: the shadow is created with the real state of the
 *    actuators. Otherwise state.delta is applied, and whatever the document
 *    reports differently from the hardware is reported again;
 *  - each /update/delta newer than the last one applied is applied
 *    (shadow_apply.h), the applied values and refusals reported
 *    (shadow_report.h);
 *  - actuator changes made by anyone else (APPLIED events) are reported,
 *    coalesced over shadow.coalesce_ms; desired is never touched for them.
 *
 * Requests carry a clientToken and at most SHADOW_MAX_IN_FLIGHT are
 * outstanding (shadow_requests.h). A response to one of ours settles it:
 * 409 leads to a fresh get, 429 to backing off, 413 and 400 to an error in
 * the log and a counter. When no shadow service answers (a broker without
 * one), requests are retried less and less often and the status says so.
 * What is reported is always read back from the device when the report is
 * built, so it never claims a value that was not applied.
 */
#ifndef KTHINGD_SHADOW_SYNC_H
#define KTHINGD_SHADOW_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <kthing.h>

struct cJSON;
struct config;
struct counters;
struct event_source;
struct loop;
struct mqtt;
struct shadow_sync;

struct shadow_sync *shadow_sync_new(struct loop *loop, struct mqtt *mqtt,
				    const struct config *config,
				    struct counters *counters);
void shadow_sync_free(struct shadow_sync *sync);

void shadow_sync_set_source(struct shadow_sync *sync, struct event_source *src);

/* The event source's callbacks (events_cb, events_attach_cb). */
void shadow_sync_event(void *sync, const struct kthing_event *ev, uint32_t value_type);
void shadow_sync_attached(void *sync, bool attached);

/* The configuration was reloaded in place. */
void shadow_sync_reconfigure(struct shadow_sync *sync);

/* Add the shadow_* counters to the status document's "counters". */
void shadow_sync_add_counters(struct cJSON *obj, const struct counters *c);

/* The "shadows" array of the status document. */
struct cJSON *shadow_sync_status(const struct shadow_sync *sync);

#endif
