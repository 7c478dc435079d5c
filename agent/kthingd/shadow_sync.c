// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow sync's outer edge: kernel events, the broker connection, the
 * sensor reporting timer, reloads and the status document. The rest is in
 * the files shadow_sync_internal.h lists.
 */
#include <cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "counters.h"
#include "events.h"
#include "mqtt.h"
#include "shadow_sync.h"
#include "shadow_sync_internal.h"

void shadow_sync_event(void *arg, const struct kthing_event *ev, uint32_t value_type)
{
	struct shadow_sync *s = arg;
	struct device *d;

	(void)value_type;
	switch (ev->type) {
	case KTHING_EVENT_THING_ADDED:
		shadow_device_appeared(s, ev->thing_name);
		return;
	case KTHING_EVENT_THING_REMOVED:
		d = shadow_device_find(s, ev->thing_name);
		if (d)
			shadow_device_gone(d);
		return;
	case KTHING_EVENT_LOST:
		for (d = s->devices; d; d = d->next)
			if (d->k && (!ev->thing_name[0] || strcmp(d->kthing, ev->thing_name) == 0))
				shadow_device_check_all(d);
		shadow_pump_soon(s);
		return;
	case KTHING_EVENT_APPLIED:
		d = shadow_device_find(s, ev->thing_name);
		if (!d || !d->k || ev->channel_index >= KTHING_CHANNELS_MAX)
			return;
		for (struct shadow *sh = d->shadows; sh; sh = sh->next) {
			struct shadow_chan *c = &sh->chans[ev->channel_index];

			if (!c->member || (c->known && c->last == ev->value))
				continue;
			/* Another writer, or an input driving it: report, coalesced. */
			s->counters->shadow_hardware_changes++;
			c->check = true;
			shadow_pump_soon(s);
		}
		return;
	default:
		return;
	}
}

void shadow_sync_attached(void *arg, bool attached)
{
	struct shadow_sync *s = arg;

	if (attached) {
		shadow_things_scan(s);
		return;
	}
	for (struct device *d = s->devices; d; d = d->next)
		shadow_device_gone(d);
}

static void connected(void *arg, bool new_connection)
{
	struct shadow_sync *s = arg;

	for (struct device *d = s->devices; d; d = d->next)
		for (struct shadow *sh = d->shadows; sh; sh = sh->next)
			sh->subscribing = false;
	/* The response topics of shadows made while connected are granted. */
	if (!new_connection) {
		shadow_pump(s);
		return;
	}
	/* Responses to what was in flight went with the old connection. */
	shadow_requests_forget(s);
	s->backoff_until_ms = 0;
	for (struct device *d = s->devices; d; d = d->next)
		for (struct shadow *sh = d->shadows; sh; sh = sh->next)
			sh->need_get = true;
	shadow_pump(s);
}

static void sensor_fired(void *arg)
{
	struct shadow_sync *s = arg;
	uint32_t interval = s->config->shadow.sensor_interval_s;

	for (struct device *d = s->devices; d; d = d->next) {
		for (struct shadow *sh = d->shadows; sh && d->k; sh = sh->next) {
			for (unsigned int i = 0; i < kthing_num_channels(d->k) &&
					 i < KTHING_CHANNELS_MAX; i++) {
				const struct kthing_channel *ch = kthing_channel(d->k, i);

				if (sh->chans[i].member && ch && ch->kind == KTHING_KIND_SENSOR)
					sh->chans[i].check = true;
			}
		}
	}
	shadow_pump(s);
	if (interval)
		loop_timer_arm(s->loop, &s->sensor_timer, (uint64_t)interval * 1000);
}

struct shadow_sync *shadow_sync_new(struct loop *loop, struct mqtt *mqtt,
				    const struct config *config, struct counters *counters)
{
	struct shadow_sync *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->loop = loop;
	s->mqtt = mqtt;
	s->config = config;
	s->counters = counters;
	shadow_send_init(s);
	loop_timer_init(&s->sensor_timer, sensor_fired, s);
	if (mqtt_add_connect_hook(mqtt, connected, s) < 0) {
		free(s);
		return NULL;
	}
	shadow_sync_reconfigure(s);
	return s;
}

void shadow_sync_set_source(struct shadow_sync *s, struct event_source *src)
{
	s->src = src;
}

void shadow_sync_reconfigure(struct shadow_sync *s)
{
	uint32_t interval = s->config->shadow.sensor_interval_s;

	if (interval)
		loop_timer_arm(s->loop, &s->sensor_timer, (uint64_t)interval * 1000);
	else
		loop_timer_cancel(s->loop, &s->sensor_timer);
	/*
	 * Which things and channels take part may have changed: open every
	 * thing afresh, which also gets each shadow again.
	 */
	for (struct device *d = s->devices; d; d = d->next)
		shadow_device_gone(d);
	if (s->config->shadow.enabled && s->src && events_attached(s->src))
		shadow_things_scan(s);
}

void shadow_sync_free(struct shadow_sync *s)
{
	if (!s)
		return;
	loop_timer_cancel(s->loop, &s->pump_timer);
	loop_timer_cancel(s->loop, &s->timeout_timer);
	loop_timer_cancel(s->loop, &s->sensor_timer);
	shadow_things_free(s);
	free(s);
}

void shadow_sync_add_counters(cJSON *obj, const struct counters *c)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
#define FIELD(f) { #f, offsetof(struct counters, f) }
		FIELD(shadow_requests), FIELD(shadow_accepted), FIELD(shadow_rejected),
		FIELD(shadow_deltas), FIELD(shadow_stale_deltas), FIELD(shadow_applied),
		FIELD(shadow_refused), FIELD(shadow_hardware_changes), FIELD(shadow_conflicts),
		FIELD(shadow_throttled), FIELD(shadow_too_large), FIELD(shadow_bad_requests),
		FIELD(shadow_timeouts),
#undef FIELD
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const uint64_t *v = (const uint64_t *)((const char *)c + fields[i].offset);

		/* Exact up to 2^53, which no counter here reaches. */
		cJSON_AddNumberToObject(obj, fields[i].name, (double)*v);
	}
}

/* Where @sh stands, in words, for the status document. */
static const char *shadow_state(const struct shadow_sync *s, const struct shadow *sh)
{
	if (!sh->dev->k)
		return "thing gone";
	if (!mqtt_is_connected(s->mqtt))
		return "disconnected";
	if (s->silent)
		return "no shadow service answers";
	if (sh->need_get || sh->get_in_flight)
		return "getting";
	return "in step";
}

cJSON *shadow_sync_status(const struct shadow_sync *s)
{
	cJSON *list = cJSON_CreateArray();

	for (const struct device *d = s->devices; list && d; d = d->next) {
		for (const struct shadow *sh = d->shadows; sh; sh = sh->next) {
			cJSON *o = cJSON_CreateObject();

			if (!o)
				break;
			cJSON_AddStringToObject(o, "thing", d->thing);
			cJSON_AddStringToObject(o, "name", sh->name);
			cJSON_AddStringToObject(o, "kthing", d->kthing);
			cJSON_AddBoolToObject(o, "live", d->k != NULL);
			cJSON_AddStringToObject(o, "state", shadow_state(s, sh));
			cJSON_AddNumberToObject(o, "delta_version", (double)sh->versions.delta);
			cJSON_AddNumberToObject(o, "accepted_version",
						(double)sh->versions.accepted);
			cJSON_AddNumberToObject(o, "errors", cJSON_GetArraySize(sh->shown_errors));
			cJSON_AddItemToArray(list, o);
		}
	}
	return list;
}
