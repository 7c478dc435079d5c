// SPDX-License-Identifier: GPL-2.0
/*
 * Which things have shadows and which shadow holds each channel: the
 * classic shadow holds a thing's actuators (and its sensors when they are
 * reported), except the channels things[].named_shadows gives to a named
 * shadow. A shadow is made, and its response topics subscribed, the first
 * time a channel of it is seen; it stays (waiting) while its thing is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "events.h"
#include "log.h"
#include "mqtt.h"
#include "shadow_sync_internal.h"

const char *shadow_label(const struct shadow *sh, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", sh->dev->thing, sh->name[0] ? "/" : "",
		 sh->name);
	return buf;
}

bool shadow_topic_of(const struct shadow *sh, enum shadow_op op, enum shadow_suffix suffix,
		     char *buf, size_t size)
{
	struct shadow_topic t = { .op = op, .suffix = suffix };

	snprintf(t.thing, sizeof(t.thing), "%s", sh->dev->thing);
	snprintf(t.name, sizeof(t.name), "%s", sh->name);
	return shadow_topic_format(&t, buf, size);
}

const struct kthing_channel *shadow_channel_find(struct shadow *sh, const char *name)
{
	const struct thing_config *tc = config_find_thing(sh->dev->sync->config,
							  sh->dev->kthing);
	const struct kthing_channel *ch = kthing_channel_find(sh->dev->k, name);

	if (!ch || strcmp(config_shadow_of(tc, ch->name), sh->name) != 0)
		return NULL;
	return ch;
}

bool shadow_chan_read(struct shadow *sh, unsigned int index, int64_t *value)
{
	struct kthing_reading reading;

	if (kthing_read(sh->dev->k, index, &reading) < 0 || reading.stale)
		return false;
	*value = reading.value;
	return true;
}

static void shadow_free(struct shadow *sh)
{
	cJSON_Delete(sh->shown_errors);
	cJSON_Delete(sh->pending_errors);
	cJSON_Delete(sh->pending_nulls);
	free(sh);
}

static struct shadow *find_shadow(struct device *d, const char *name, bool create)
{
	static const struct {
		enum shadow_op op;
		enum shadow_suffix suffix;
	} responses[] = {
		{ SHADOW_OP_GET, SHADOW_SUFFIX_ACCEPTED },
		{ SHADOW_OP_GET, SHADOW_SUFFIX_REJECTED },
		{ SHADOW_OP_UPDATE, SHADOW_SUFFIX_ACCEPTED },
		{ SHADOW_OP_UPDATE, SHADOW_SUFFIX_REJECTED },
		{ SHADOW_OP_UPDATE, SHADOW_SUFFIX_DELTA },
	};
	struct shadow *sh, **pp;
	char topic[256];

	for (pp = &d->shadows; (sh = *pp); pp = &sh->next)
		if (strcmp(sh->name, name) == 0)
			return sh;
	if (!create)
		return NULL;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NULL;
	sh->dev = d;
	snprintf(sh->name, sizeof(sh->name), "%s", name);
	sh->shown_errors = cJSON_CreateObject();
	sh->pending_errors = cJSON_CreateObject();
	sh->pending_nulls = cJSON_CreateObject();
	if (!sh->shown_errors || !sh->pending_errors || !sh->pending_nulls) {
		shadow_free(sh);
		return NULL;
	}
	*pp = sh;
	/*
	 * Explicit response topics, never a wildcard: subscribed for good.
	 * While connected they are granted later; nothing is published for
	 * the shadow until then (the connect hook runs again at that point,
	 * not as a new connection).
	 */
	sh->subscribing = mqtt_is_connected(d->sync->mqtt);
	for (size_t i = 0; i < sizeof(responses) / sizeof(responses[0]); i++)
		if (shadow_topic_of(sh, responses[i].op, responses[i].suffix, topic,
				    sizeof(topic)))
			mqtt_subscribe(d->sync->mqtt, topic, 1, shadow_on_message, sh);
	return sh;
}

struct device *shadow_device_find(struct shadow_sync *s, const char *kthing)
{
	for (struct device *d = s->devices; d; d = d->next)
		if (strcmp(d->kthing, kthing) == 0)
			return d;
	return NULL;
}

void shadow_device_gone(struct device *d)
{
	if (!d->k)
		return;
	log_info("thing %s gone: its shadows wait for it", d->kthing);
	shadow_requests_forget_device(d->sync, d);
	kthing_close(d->k);
	d->k = NULL;
}

/* Which things have shadows: as the relay decides which have telemetry. */
static bool wants_shadow(const struct shadow_sync *s, const char *kthing, const char **thing)
{
	const struct thing_config *tc = config_find_thing(s->config, kthing);

	if (!s->config->shadow.enabled)
		return false;
	if (tc) {
		*thing = tc->name;
		return tc->shadow;
	}
	*thing = kthing;
	if (!s->config->telemetry.all_things)
		return false;
	return config_valid_thing_name(kthing);
}

void shadow_device_appeared(struct shadow_sync *s, const char *kthing)
{
	const struct thing_config *tc = config_find_thing(s->config, kthing);
	bool sensors = s->config->shadow.sensor_interval_s > 0;
	struct device *d = shadow_device_find(s, kthing);
	unsigned int n, members = 0;
	const char *thing;
	int rc;

	if (!wants_shadow(s, kthing, &thing) || (d && d->k))
		return;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return;
		d->sync = s;
		snprintf(d->kthing, sizeof(d->kthing), "%s", kthing);
		d->next = s->devices;
		s->devices = d;
	}
	snprintf(d->thing, sizeof(d->thing), "%s", thing);
	rc = kthing_open(kthing, KTHING_OPEN_WRITE, &d->k);
	if (rc < 0) {
		log_error("thing %s: cannot open it for its shadow: %s", kthing, strerror(-rc));
		d->k = NULL;
		return;
	}
	for (struct shadow *sh = d->shadows; sh; sh = sh->next)
		memset(sh->chans, 0, sizeof(sh->chans));
	n = kthing_num_channels(d->k);
	for (unsigned int i = 0; i < n && i < KTHING_CHANNELS_MAX; i++) {
		const struct kthing_channel *ch = kthing_channel(d->k, i);
		struct shadow *sh;

		if (!ch || !(ch->kind == KTHING_KIND_ACTUATOR || sensors))
			continue;
		sh = find_shadow(d, config_shadow_of(tc, ch->name), true);
		if (sh)
			sh->chans[i].member = true;
		members++;
	}
	if (!members) {
		/* Nothing to keep in a shadow: do not hold the device open. */
		kthing_close(d->k);
		d->k = NULL;
		return;
	}
	for (struct shadow *sh = d->shadows; sh; sh = sh->next) {
		char label[256];

		sh->need_get = true;
		log_info("shadow %s: following thing %s", shadow_label(sh, label, sizeof(label)),
			 kthing);
	}
	shadow_pump(s);
}

void shadow_things_scan(struct shadow_sync *s)
{
	struct kthing_thing_summary *things = NULL;
	struct kthing_channel_state *channels = NULL;
	size_t num_things = 0, num_channels = 0;
	int rc;

	rc = events_snapshot(s->src, NULL, &things, &num_things, &channels, &num_channels);
	if (rc < 0) {
		if (rc != -EOPNOTSUPP && rc != -ENOTCONN)
			log_error("shadow: cannot list the things: %s", strerror(-rc));
		return;
	}
	for (size_t i = 0; i < num_things; i++)
		shadow_device_appeared(s, things[i].name);
	free(things);
	free(channels);
}

void shadow_device_check_all(struct device *d)
{
	for (struct shadow *sh = d->shadows; sh; sh = sh->next)
		for (unsigned int i = 0; i < KTHING_CHANNELS_MAX; i++)
			if (sh->chans[i].member)
				sh->chans[i].check = true;
}

void shadow_things_free(struct shadow_sync *s)
{
	while (s->devices) {
		struct device *d = s->devices;

		s->devices = d->next;
		while (d->shadows) {
			struct shadow *sh = d->shadows;

			d->shadows = sh->next;
			shadow_free(sh);
		}
		kthing_close(d->k);
		free(d);
	}
}
