// SPDX-License-Identifier: GPL-2.0
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "counters.h"
#include "events.h"
#include "log.h"
#include "loop.h"
#include "outbox.h"
#include "relay.h"
#include "telemetry.h"
#include "topic.h"

struct channel_slot {
	bool known;		/* name and type are set */
	char name[KTHING_NAME_SIZE];
	uint32_t type;		/* enum kthing_value_type, 0: unknown */
	bool pending;		/* a value waits to be published */
	int64_t value;
	int exponent;
};

struct thing_state {
	char kthing[KTHING_NAME_SIZE];
	char name[129];		/* MQTT thing name */
	bool relayed;		/* telemetry is published for it */
	uint32_t coalesce_ms;
	uint32_t batch_ms;
	bool live;
	uint32_t id;
	uint64_t seq;		/* latest kernel event */
	uint64_t telemetry_seq;	/* latest telemetry message */
	uint64_t lost;
	struct channel_slot channels[KTHING_CHANNELS_MAX];
	int64_t pending_ts_ms;
	struct loop_timer coalesce_timer;
	/* The batch window's samples, formatted and separated by commas. */
	char *batch;
	size_t batch_len, batch_size;
	size_t batch_envelope;	/* the longest a batch message is without samples */
	struct loop_timer batch_timer;
	struct relay *relay;
	struct thing_state *next;
};

struct relay {
	struct loop *loop;
	const struct config *config;
	struct counters *counters;
	struct outbox *outbox;
	struct event_source *src;
	struct thing_state *things;
	relay_tap_cb tap;
	void *tap_arg;
};

static void collect(struct thing_state *t);
static void publish_batch(struct thing_state *t);

static void coalesce_timer_fired(void *arg)
{
	collect(arg);
}

static void batch_timer_fired(void *arg)
{
	publish_batch(arg);
}

/* Apply the configuration's view of a thing: its MQTT name and options. */
static void configure_thing(struct relay *r, struct thing_state *t)
{
	const struct thing_config *tc = config_find_thing(r->config, t->kthing);
	const char *name = tc ? tc->name : t->kthing;

	snprintf(t->name, sizeof(t->name), "%s", name);
	t->relayed = tc ? tc->telemetry : r->config->telemetry.all_things;
	t->coalesce_ms = tc && tc->coalesce_ms >= 0 ? (uint32_t)tc->coalesce_ms
						    : r->config->telemetry.coalesce_ms;
	t->batch_ms = tc && tc->batch_ms >= 0 ? (uint32_t)tc->batch_ms
					      : r->config->telemetry.batch_ms;
	if (t->batch_ms) {
		/* Escaping grows a character sixfold at most. */
		char envelope[64 + 6 * sizeof(t->name)];
		int len = telemetry_format_batch(envelope, sizeof(envelope), t->name,
						 UINT64_MAX, "", 0);

		t->batch_envelope = len < 0 ? sizeof(envelope) : (size_t)len;
	}
	if (!tc && t->relayed && !config_valid_thing_name(name)) {
		log_warning("thing %s: not a valid MQTT thing name; give it one in things[]",
			    t->kthing);
		t->relayed = false;
	}
}

static struct thing_state *find_thing(struct relay *r, const char *kthing, bool create)
{
	struct thing_state *t;

	for (t = r->things; t; t = t->next)
		if (strcmp(t->kthing, kthing) == 0)
			return t;
	if (!create)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->kthing, sizeof(t->kthing), "%s", kthing);
	t->relay = r;
	loop_timer_init(&t->coalesce_timer, coalesce_timer_fired, t);
	loop_timer_init(&t->batch_timer, batch_timer_fired, t);
	configure_thing(r, t);
	t->next = r->things;
	r->things = t;
	return t;
}

/* Publish a formatted message, telemetry_seq + 1, and count it. */
static void publish(struct thing_state *t, const char *payload, size_t len)
{
	struct relay *r = t->relay;
	char topic[TOPIC_MAX_LEN + 1];

	if (topic_expand(r->config->telemetry.topic, t->name, topic, sizeof(topic)) < 0) {
		log_error("thing %s: telemetry topic too long", t->name);
		return;
	}
	t->telemetry_seq++;
	r->counters->telemetry_messages++;
	outbox_publish(r->outbox, topic, payload, len, r->config->telemetry.qos);
	if (r->tap)
		r->tap(r->tap_arg, topic, payload, len);
}

/* Count and say why values could not be formatted within max_payload. */
static void too_large(struct thing_state *t, int err)
{
	t->relay->counters->oversize++;
	log_error("thing %s: a telemetry message %s", t->name,
		  err == -ENOSPC ? "does not fit telemetry.max_payload"
				 : "has a value that cannot be printed");
}

/* A buffer for formatting @n values, at most @limit bytes. */
static char *format_buffer(struct thing_state *t, size_t n, size_t limit, size_t *size)
{
	/* Escaping can grow a character sixfold; numbers take 32 bytes at most. */
	size_t bound = 96 + 6 * strlen(t->name) +
		       n * (6 * KTHING_NAME_SIZE + KTHING_VALUE_STR_SIZE + 4);
	char *buf;

	*size = bound < limit ? bound : limit;
	buf = malloc(*size);
	if (!buf)
		t->relay->counters->dropped++;
	return buf;
}

/* Publish values[0..n), split in halves until each part fits. */
static void publish_values(struct thing_state *t, const struct telemetry_value *values,
			   size_t n)
{
	size_t size;
	char *buf;
	int len;

	buf = format_buffer(t, n, t->relay->config->telemetry.max_payload + 1, &size);
	if (!buf)
		return;
	len = telemetry_format(buf, size, t->name, t->telemetry_seq + 1, t->pending_ts_ms,
			       values, n);
	if (len == -ENOSPC && n > 1) {
		free(buf);
		publish_values(t, values, n / 2);
		publish_values(t, values + n / 2, n - n / 2);
		return;
	}
	if (len < 0)
		too_large(t, len);
	else
		publish(t, buf, (size_t)len);
	free(buf);
}

/* Publish the batch window's samples as one message. */
static void publish_batch(struct thing_state *t)
{
	size_t size = t->batch_envelope + t->batch_len + 1;
	char *buf;
	int len;

	loop_timer_cancel(t->relay->loop, &t->batch_timer);
	if (!t->batch_len)
		return;
	buf = malloc(size);
	len = buf ? telemetry_format_batch(buf, size, t->name, t->telemetry_seq + 1,
					   t->batch, t->batch_len)
		  : -ENOMEM;
	if (len >= 0)
		publish(t, buf, (size_t)len);
	else if (len == -ENOMEM)
		t->relay->counters->dropped++;
	else
		too_large(t, len);
	free(buf);
	/* Handed back between windows: an idle agent holds no batch. */
	free(t->batch);
	t->batch = NULL;
	t->batch_len = 0;
	t->batch_size = 0;
}

/* Make room for @len more bytes of samples; false when out of memory. */
static bool batch_reserve(struct thing_state *t, size_t len)
{
	size_t need = t->batch_len + len + 1, size = t->batch_size ? t->batch_size : 4096;
	char *batch;

	while (size < need)
		size *= 2;
	if (size == t->batch_size)
		return true;
	batch = realloc(t->batch, size);
	if (!batch)
		return false;
	t->batch = batch;
	t->batch_size = size;
	return true;
}

/*
 * Add values[0..n) to the batch as one sample, publishing the batch first
 * when the sample would not fit in the same message; a sample too large for
 * any message is split by channels, as publish_values() does.
 */
static void batch_values(struct thing_state *t, const struct telemetry_value *values,
			 size_t n)
{
	size_t max = t->relay->config->telemetry.max_payload;
	size_t room = max > t->batch_envelope ? max - t->batch_envelope : 0;
	size_t size;
	char *buf;
	int len;

	buf = format_buffer(t, n, room + 1, &size);
	if (!buf)
		return;
	len = telemetry_format_sample(buf, size, t->pending_ts_ms, values, n);
	if (len == -ENOSPC && n > 1) {
		free(buf);
		batch_values(t, values, n / 2);
		batch_values(t, values + n / 2, n - n / 2);
		return;
	}
	if (len < 0) {
		too_large(t, len);
		free(buf);
		return;
	}
	/* One more sample and its comma. */
	if (t->batch_len && t->batch_len + 1 + (size_t)len > room)
		publish_batch(t);
	if (!batch_reserve(t, (size_t)len + 1)) {
		t->relay->counters->dropped++;
		free(buf);
		return;
	}
	if (t->batch_len)
		t->batch[t->batch_len++] = ',';
	memcpy(t->batch + t->batch_len, buf, (size_t)len);
	t->batch_len += (size_t)len;
	free(buf);
	if (!t->batch_timer.armed)
		loop_timer_arm(t->relay->loop, &t->batch_timer, t->batch_ms);
}

/* Take the channels' pending values as one sample: published, or batched. */
static void collect(struct thing_state *t)
{
	struct telemetry_value values[KTHING_CHANNELS_MAX];
	size_t n = 0;

	loop_timer_cancel(t->relay->loop, &t->coalesce_timer);
	for (unsigned int i = 0; i < KTHING_CHANNELS_MAX; i++) {
		struct channel_slot *c = &t->channels[i];

		if (!c->pending)
			continue;
		c->pending = false;
		values[n].channel = c->name;
		values[n].value = c->value;
		values[n].exponent = c->exponent;
		values[n].boolean = c->type == KTHING_TYPE_BOOL;
		n++;
	}
	if (n == 0)
		return;
	if (t->batch_ms)
		batch_values(t, values, n);
	else
		publish_values(t, values, n);
}

/* Publish everything pending now. */
static void flush(struct thing_state *t)
{
	collect(t);
	publish_batch(t);
}

/* A channel's slot: by index when the source gives one, else by name. */
static struct channel_slot *slot_for(struct thing_state *t, uint32_t index, const char *name)
{
	struct channel_slot *free_slot = NULL;

	if (index < KTHING_CHANNELS_MAX)
		return &t->channels[index];
	for (unsigned int i = 0; i < KTHING_CHANNELS_MAX; i++) {
		if (t->channels[i].known && strcmp(t->channels[i].name, name) == 0)
			return &t->channels[i];
		if (!t->channels[i].known && !free_slot)
			free_slot = &t->channels[i];
	}
	return free_slot;
}

static void add_value(struct thing_state *t, struct channel_slot *c, const char *name,
		      uint32_t type, int64_t value, int exponent, uint64_t timestamp_ns)
{
	if (!c->known || strcmp(c->name, name) != 0) {
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->known = true;
		c->type = type;
	} else if (type) {
		c->type = type;
	}
	c->value = value;
	c->exponent = exponent;
	c->pending = true;
	t->pending_ts_ms = kthing_monotonic_to_epoch_ms(timestamp_ns);
}

/* The thing went away (or we no longer know it is there). */
static void thing_gone(struct thing_state *t)
{
	flush(t);
	t->live = false;
	t->id = 0;
	t->seq = 0;
	memset(t->channels, 0, sizeof(t->channels));
}

/*
 * Re-read every channel of @thing (every thing when NULL) and publish the
 * sensors' current values.
 */
static void resync(struct relay *r, const char *thing)
{
	struct kthing_thing_summary *things;
	struct kthing_channel_state *channels;
	size_t num_things, num_channels;
	int rc;

	rc = events_snapshot(r->src, thing, &things, &num_things, &channels, &num_channels);
	if (rc == -EOPNOTSUPP || rc == -ENOTCONN)
		return;
	if (rc == -ENODEV && thing) {
		struct thing_state *t = find_thing(r, thing, false);

		if (t)
			thing_gone(t);
		return;
	}
	if (rc < 0) {
		log_error("cannot read the things' current values: %s", strerror(-rc));
		return;
	}

	if (!thing)
		for (struct thing_state *t = r->things; t; t = t->next)
			if (t->live)
				t->live = false;	/* until the dump shows it */
	for (size_t i = 0; i < num_things; i++) {
		struct thing_state *t;

		if (thing && strcmp(things[i].name, thing) != 0)
			continue;
		t = find_thing(r, things[i].name, true);
		if (!t)
			continue;
		if (!t->live)
			log_info("thing %s (id %u, %u channels)%s%s", t->kthing, things[i].id,
				 things[i].num_channels, t->relayed ? " relayed as " : " not relayed",
				 t->relayed ? t->name : "");
		t->live = true;
		t->id = things[i].id;
		t->seq = things[i].seq;
	}
	for (size_t i = 0; i < num_channels; i++) {
		const struct kthing_channel_state *cs = &channels[i];
		struct thing_state *t = find_thing(r, cs->thing_name, false);
		struct channel_slot *c;

		if (!t || cs->channel.index >= KTHING_CHANNELS_MAX)
			continue;
		c = &t->channels[cs->channel.index];
		snprintf(c->name, sizeof(c->name), "%s", cs->channel.name);
		c->known = true;
		c->type = cs->channel.type;
		if (cs->channel.kind != KTHING_KIND_SENSOR || cs->reading.stale || !t->relayed)
			continue;
		add_value(t, c, cs->channel.name, cs->channel.type, cs->reading.value,
			  cs->reading.exponent, cs->reading.timestamp_ns);
	}
	for (struct thing_state *t = r->things; t; t = t->next) {
		if (thing && strcmp(t->kthing, thing) != 0)
			continue;
		if (t->live)
			collect(t);
		else if (!thing)
			thing_gone(t);
	}
	free(things);
	free(channels);
}

static void handle_lost(struct relay *r, const struct kthing_event *ev)
{
	uint64_t lost = ev->lost ? ev->lost : 1;
	struct thing_state *t = NULL;

	r->counters->lost += lost;
	if (ev->thing_name[0]) {
		t = find_thing(r, ev->thing_name, true);
		if (t)
			t->lost += lost;
		log_warning("thing %s: %llu event(s) lost; re-reading its channels",
			    ev->thing_name, (unsigned long long)ev->lost);
	} else {
		for (t = r->things; t; t = t->next)
			if (t->live)
				t->lost++;
		log_warning("kernel events lost (socket overflow); re-reading every channel");
	}
	r->counters->resyncs++;
	resync(r, ev->thing_name[0] ? ev->thing_name : NULL);
}

void relay_event(void *arg, const struct kthing_event *ev, uint32_t value_type)
{
	struct relay *r = arg;
	struct thing_state *t;
	struct channel_slot *c;

	if (ev->type == KTHING_EVENT_LOST) {
		handle_lost(r, ev);
		return;
	}
	r->counters->events++;
	t = find_thing(r, ev->thing_name, true);
	if (!t)
		return;
	/*
	 * After a resync, events still queued from before the dump are older
	 * than the values just published: relaying them would go back in time.
	 */
	if ((ev->type == KTHING_EVENT_SAMPLE || ev->type == KTHING_EVENT_APPLIED) &&
	    ev->seq && t->seq && ev->seq <= t->seq) {
		log_debug("thing %s: event %llu predates the last re-read", t->kthing,
			  (unsigned long long)ev->seq);
		return;
	}
	if (ev->seq)
		t->seq = ev->seq;
	if (ev->thing_id)
		t->id = ev->thing_id;

	switch (ev->type) {
	case KTHING_EVENT_THING_ADDED:
		log_info("thing %s added", ev->thing_name);
		t->live = true;
		resync(r, ev->thing_name);
		break;
	case KTHING_EVENT_THING_REMOVED:
		log_info("thing %s removed", ev->thing_name);
		thing_gone(t);
		break;
	case KTHING_EVENT_SAMPLE:
		r->counters->samples++;
		t->live = true;
		if (!t->relayed)
			break;
		c = slot_for(t, ev->channel_index, ev->channel_name);
		if (!c)
			break;
		add_value(t, c, ev->channel_name, value_type, ev->value, ev->exponent,
			  ev->timestamp_ns);
		if (t->coalesce_ms == 0)
			collect(t);
		else if (!t->coalesce_timer.armed)
			loop_timer_arm(r->loop, &t->coalesce_timer, t->coalesce_ms);
		break;
	case KTHING_EVENT_APPLIED:
		r->counters->samples++;
		t->live = true;
		break;
	case KTHING_EVENT_FAULT:
		log_warning("thing %s: channel %s failed: %s", ev->thing_name,
			    ev->channel_name, strerror(ev->error));
		break;
	case KTHING_EVENT_LOST:
		break;
	}
}

void relay_attached(void *arg, bool attached)
{
	struct relay *r = arg;

	if (attached) {
		resync(r, NULL);
		return;
	}
	for (struct thing_state *t = r->things; t; t = t->next)
		if (t->live)
			thing_gone(t);
}

struct relay *relay_new(struct loop *loop, const struct config *config,
			struct counters *counters, struct outbox *outbox)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->loop = loop;
	r->config = config;
	r->counters = counters;
	r->outbox = outbox;
	return r;
}

void relay_set_source(struct relay *relay, struct event_source *src)
{
	relay->src = src;
}

void relay_set_tap(struct relay *relay, relay_tap_cb tap, void *arg)
{
	relay->tap = tap;
	relay->tap_arg = arg;
}

void relay_reconfigure(struct relay *r, const struct config *config)
{
	r->config = config;
	for (struct thing_state *t = r->things; t; t = t->next) {
		flush(t);
		configure_thing(r, t);
	}
}

void relay_flush_all(struct relay *r)
{
	for (struct thing_state *t = r->things; t; t = t->next)
		flush(t);
}

void relay_free(struct relay *r)
{
	if (!r)
		return;
	while (r->things) {
		struct thing_state *t = r->things;

		r->things = t->next;
		loop_timer_cancel(r->loop, &t->coalesce_timer);
		loop_timer_cancel(r->loop, &t->batch_timer);
		free(t->batch);
		free(t);
	}
	free(r);
}

struct cJSON *relay_status(const struct relay *r)
{
	cJSON *list = cJSON_CreateArray();

	for (const struct thing_state *t = r->things; list && t; t = t->next) {
		cJSON *o = cJSON_CreateObject();

		if (!o)
			break;
		cJSON_AddStringToObject(o, "kthing", t->kthing);
		cJSON_AddStringToObject(o, "name", t->name);
		if (t->live)
			cJSON_AddNumberToObject(o, "id", t->id);
		else
			cJSON_AddNullToObject(o, "id");
		cJSON_AddNumberToObject(o, "seq", (double)t->seq);
		cJSON_AddNumberToObject(o, "telemetry_seq", (double)t->telemetry_seq);
		cJSON_AddNumberToObject(o, "lost", (double)t->lost);
		cJSON_AddBoolToObject(o, "relayed", t->relayed);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}
