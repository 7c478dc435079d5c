// SPDX-License-Identifier: GPL-2.0
#include <cJSON.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../shadow/shadow.h"
#include "backoff.h"
#include "config.h"
#include "counters.h"
#include "events.h"
#include "log.h"
#include "loop.h"
#include "mqtt.h"
#include "shadow_apply.h"
#include "shadow_report.h"
#include "shadow_sync.h"

/* A request with no response after this long is given up (and redone). */
#define REQUEST_TIMEOUT_MS	10000

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

struct request {
	bool used;
	char token[SHADOW_CLIENT_TOKEN_MAX + 1];
	struct shadow *shadow;
	enum shadow_op op;
	uint64_t deadline_ms;
};

struct shadow_sync {
	struct loop *loop;
	struct mqtt *mqtt;
	const struct config *config;
	struct counters *counters;
	struct event_source *src;
	struct device *devices;
	struct request requests[SHADOW_MAX_IN_FLIGHT];
	unsigned int in_flight;
	char token_prefix[32];		/* "kthingd-<pid>-": ours */
	uint64_t next_token;
	struct backoff backoff;
	uint64_t backoff_until_ms;	/* no request before this (429) */
	struct loop_timer pump_timer;	/* coalescing and backing off */
	struct loop_timer timeout_timer;
	struct loop_timer sensor_timer;
};

static void pump(struct shadow_sync *s);

static const char *shadow_label(const struct shadow *sh, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", sh->dev->thing, sh->name[0] ? "/" : "",
		 sh->name);
	return buf;
}

static bool topic_of(const struct shadow *sh, enum shadow_op op, enum shadow_suffix suffix,
		     char *buf, size_t size)
{
	struct shadow_topic t = { .op = op, .suffix = suffix };

	snprintf(t.thing, sizeof(t.thing), "%s", sh->dev->thing);
	snprintf(t.name, sizeof(t.name), "%s", sh->name);
	return shadow_topic_format(&t, buf, size);
}

/* --- requests in flight ------------------------------------------------ */

static struct request *find_request(struct shadow_sync *s, const char *token)
{
	if (!*token)
		return NULL;
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++)
		if (s->requests[i].used && strcmp(s->requests[i].token, token) == 0)
			return &s->requests[i];
	return NULL;
}

static void release(struct shadow_sync *s, struct request *r)
{
	if (r->op == SHADOW_OP_GET)
		r->shadow->get_in_flight = false;
	else
		r->shadow->update_in_flight = false;
	r->used = false;
	s->in_flight--;
}

static void forget_requests(struct shadow_sync *s)
{
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++)
		if (s->requests[i].used)
			release(s, &s->requests[i]);
}

static void timeout_fired(void *arg)
{
	struct shadow_sync *s = arg;
	uint64_t now = loop_now_ms(), next = 0;
	char label[256];

	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++) {
		struct request *r = &s->requests[i];

		if (!r->used)
			continue;
		if (r->deadline_ms > now) {
			if (!next || r->deadline_ms < next)
				next = r->deadline_ms;
			continue;
		}
		log_warning("shadow %s: no response to %s %s; asking again",
			    shadow_label(r->shadow, label, sizeof(label)),
			    shadow_op_name(r->op), r->token);
		s->counters->shadow_timeouts++;
		r->shadow->need_get = true;
		release(s, r);
	}
	if (next)
		loop_timer_arm(s->loop, &s->timeout_timer, next - now);
	pump(s);
}

/* Publish @payload as a request of @sh; false when it could not be sent. */
static bool send_request(struct shadow_sync *s, struct shadow *sh, enum shadow_op op,
			 const char *token, const char *payload)
{
	char topic[256], label[256];
	struct request *r = NULL;
	int rc;

	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT && !r; i++)
		if (!s->requests[i].used)
			r = &s->requests[i];
	if (!r || !topic_of(sh, op, SHADOW_SUFFIX_NONE, topic, sizeof(topic)))
		return false;
	rc = mqtt_publish(s->mqtt, topic, payload, strlen(payload), 1, false, NULL, NULL, 0);
	if (rc < 0) {
		if (rc != -ENOTCONN)
			log_warning("shadow %s: cannot publish %s: %s",
				    shadow_label(sh, label, sizeof(label)), shadow_op_name(op),
				    strerror(-rc));
		return false;
	}
	log_debug("shadow %s: %s %s", shadow_label(sh, label, sizeof(label)),
		  shadow_op_name(op), payload);
	r->used = true;
	snprintf(r->token, sizeof(r->token), "%s", token);
	r->shadow = sh;
	r->op = op;
	r->deadline_ms = loop_now_ms() + REQUEST_TIMEOUT_MS;
	if (op == SHADOW_OP_GET)
		sh->get_in_flight = true;
	else
		sh->update_in_flight = true;
	s->in_flight++;
	s->counters->shadow_requests++;
	if (!s->timeout_timer.armed)
		loop_timer_arm(s->loop, &s->timeout_timer, REQUEST_TIMEOUT_MS);
	return true;
}

static void make_token(struct shadow_sync *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s%llu", s->token_prefix, (unsigned long long)++s->next_token);
}

static bool send_get(struct shadow_sync *s, struct shadow *sh)
{
	char token[SHADOW_CLIENT_TOKEN_MAX + 1], payload[128];

	make_token(s, token, sizeof(token));
	snprintf(payload, sizeof(payload), "{\"clientToken\":\"%s\"}", token);
	if (!send_request(s, sh, SHADOW_OP_GET, token, payload))
		return false;
	sh->need_get = false;
	return true;
}

/* --- reports ----------------------------------------------------------- */

static bool chan_read(struct shadow *sh, unsigned int index, int64_t *value)
{
	struct kthing_reading reading;

	if (kthing_read(sh->dev->k, index, &reading) < 0 || reading.stale)
		return false;
	*value = reading.value;
	return true;
}

/* Build the next update of @sh; NULL when there is nothing to say. */
static struct shadow_report *build_report(struct shadow *sh)
{
	struct shadow_report *rep = shadow_report_new();
	unsigned int n = kthing_num_channels(sh->dev->k);
	const cJSON *item;

	if (!rep)
		return NULL;
	for (unsigned int i = 0; i < n && i < KTHING_CHANNELS_MAX; i++) {
		struct shadow_chan *c = &sh->chans[i];
		const struct kthing_channel *ch = kthing_channel(sh->dev->k, i);
		int64_t value;

		if (!(c->force || c->check) || !ch || !chan_read(sh, i, &value))
			continue;
		if (c->force || !c->known || c->last != value)
			shadow_report_value(rep, ch->name, ch->type, value, ch->exponent);
		c->force = c->check = false;
		c->known = true;
		c->last = value;
	}
	cJSON_ArrayForEach(item, sh->pending_errors)
		shadow_report_error(rep, item->string,
				    cJSON_IsString(item) ? item->valuestring : NULL);
	cJSON_ArrayForEach(item, sh->pending_nulls)
		shadow_report_clear_desired(rep, item->string);
	if (shadow_report_empty(rep)) {
		shadow_report_free(rep);
		return NULL;
	}
	return rep;
}

/* The pending errors are being sent: they are what the shadow will show. */
static void commit_errors(struct shadow *sh)
{
	cJSON *item;

	while ((item = sh->pending_errors->child)) {
		cJSON_DetachItemViaPointer(sh->pending_errors, item);
		cJSON_DeleteItemFromObjectCaseSensitive(sh->shown_errors, item->string);
		if (cJSON_IsString(item))
			cJSON_AddItemToObject(sh->shown_errors, item->string, item);
		else
			cJSON_Delete(item);
	}
	while ((item = sh->pending_nulls->child))
		cJSON_Delete(cJSON_DetachItemViaPointer(sh->pending_nulls, item));
}

static bool send_update(struct shadow_sync *s, struct shadow *sh)
{
	char token[SHADOW_CLIENT_TOKEN_MAX + 1];
	struct shadow_report *rep = build_report(sh);
	char *payload;
	bool sent;

	if (!rep)
		return true;	/* nothing to report */
	make_token(s, token, sizeof(token));
	payload = shadow_report_build(rep, token);
	shadow_report_free(rep);
	if (!payload)
		return false;
	sent = send_request(s, sh, SHADOW_OP_UPDATE, token, payload);
	cJSON_free(payload);
	if (sent)
		commit_errors(sh);
	else
		sh->need_get = true;	/* the get finds out what to report */
	return sent;
}

/* Send what can be sent: gets first, then one update per shadow. */
static void pump(struct shadow_sync *s)
{
	uint64_t now = loop_now_ms();

	if (!mqtt_is_connected(s->mqtt))
		return;
	if (now < s->backoff_until_ms) {
		loop_timer_arm(s->loop, &s->pump_timer, s->backoff_until_ms - now);
		return;
	}
	for (struct device *d = s->devices; d; d = d->next) {
		for (struct shadow *sh = d->shadows; sh && d->k; sh = sh->next) {
			if (s->in_flight >= SHADOW_MAX_IN_FLIGHT)
				return;
			if (sh->need_get && !sh->get_in_flight && !sh->update_in_flight) {
				if (!send_get(s, sh))
					return;
				continue;
			}
			if (sh->need_get || sh->get_in_flight || sh->update_in_flight)
				continue;
			if (!send_update(s, sh))
				return;
		}
	}
}

static void pump_fired(void *arg)
{
	pump(arg);
}

/* Coalesce: changes made by others are reported together, a little later. */
static void pump_soon(struct shadow_sync *s)
{
	if (!s->pump_timer.armed)
		loop_timer_arm(s->loop, &s->pump_timer, s->config->shadow.coalesce_ms);
}

static void back_off(struct shadow_sync *s)
{
	uint32_t ms = backoff_next(&s->backoff);

	s->backoff_until_ms = loop_now_ms() + ms;
	loop_timer_arm(s->loop, &s->pump_timer, ms);
}

/* --- applying desired state -------------------------------------------- */

static const struct kthing_channel *target_find(void *arg, const char *name)
{
	struct shadow *sh = arg;
	const struct thing_config *tc = config_find_thing(sh->dev->sync->config,
							  sh->dev->kthing);
	const struct kthing_channel *ch = kthing_channel_find(sh->dev->k, name);

	if (!ch || strcmp(config_shadow_of(tc, ch->name), sh->name) != 0)
		return NULL;
	return ch;
}

static int target_write(void *arg, const struct kthing_channel *ch, int64_t value,
			int64_t *applied)
{
	struct shadow *sh = arg;
	struct kthing_reading reading;
	int rc = kthing_write(sh->dev->k, ch->index, value, &reading);

	if (rc == 0)
		*applied = reading.value;
	return rc;
}

static void set_pending_error(struct shadow *sh, const char *key, const char *message)
{
	const cJSON *shown = cJSON_GetObjectItemCaseSensitive(sh->shown_errors, key);

	cJSON_DeleteItemFromObjectCaseSensitive(sh->pending_errors, key);
	if (message) {
		if (cJSON_IsString(shown) && strcmp(shown->valuestring, message) == 0)
			return;
		cJSON_AddStringToObject(sh->pending_errors, key, message);
	} else if (shown) {
		cJSON_AddNullToObject(sh->pending_errors, key);
	}
}

/*
 * Apply @delta (NULL for none), the part of @whole (the whole of desired
 * that differs from reported, as both get's state.delta and /update/delta
 * carry it) to act on.
 */
static void apply_delta(struct shadow *sh, const cJSON *delta, const cJSON *whole)
{
	struct shadow_sync *s = sh->dev->sync;
	struct shadow_target target = {
		.find = target_find, .write = target_write, .arg = sh,
	};
	struct shadow_apply_result res;
	const cJSON *shown, *next;
	char label[256];

	if (delta && cJSON_IsObject(delta)) {
		s->counters->shadow_deltas++;
		if (shadow_apply_desired(delta, &target, &res) < 0) {
			log_error("shadow %s: out of memory applying a delta",
				  shadow_label(sh, label, sizeof(label)));
			shadow_apply_result_free(&res);
			return;
		}
		for (size_t i = 0; i < res.num_keys; i++) {
			struct shadow_key_result *r = &res.keys[i];

			if (r->channel)
				sh->chans[r->channel->index].force = true;
			if (r->outcome == SHADOW_APPLIED) {
				s->counters->shadow_applied++;
				log_info("shadow %s: %s applied",
					 shadow_label(sh, label, sizeof(label)), r->key);
				set_pending_error(sh, r->key, NULL);
				continue;
			}
			s->counters->shadow_refused++;
			log_warning("shadow %s: desired %s refused: %s",
				    shadow_label(sh, label, sizeof(label)), r->key, r->error);
			set_pending_error(sh, r->key, r->error);
			if (s->config->shadow.null_invalid_desired)
				cJSON_AddNullToObject(sh->pending_nulls, r->key);
		}
		shadow_apply_result_free(&res);
	}
	/*
	 * An error shown for a key the delta no longer holds is over: desired
	 * was changed to match, or deleted. (When refused keys are nulled, the
	 * delta never holds them again; their errors stay until applied.)
	 */
	if (s->config->shadow.null_invalid_desired)
		return;
	for (shown = sh->shown_errors->child; shown; shown = next) {
		next = shown->next;
		if (!cJSON_GetObjectItemCaseSensitive(whole, shown->string) &&
		    !cJSON_GetObjectItemCaseSensitive(sh->pending_errors, shown->string))
			cJSON_AddNullToObject(sh->pending_errors, shown->string);
	}
}

/*
 * After a get: report again every member whose value the document does not
 * hold as the hardware has it (changed while offline, or never reported).
 */
static void reconcile(struct shadow *sh, const cJSON *reported)
{
	unsigned int n = kthing_num_channels(sh->dev->k);
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(reported, SHADOW_ERRORS_KEY);
	const cJSON *item;

	for (unsigned int i = 0; i < n && i < KTHING_CHANNELS_MAX; i++) {
		const struct kthing_channel *ch = kthing_channel(sh->dev->k, i);
		struct shadow_chan *c = &sh->chans[i];
		const cJSON *doc;
		char err[96];
		int64_t real, held;

		if (!c->member || !ch)
			continue;
		c->known = false;
		c->reported_ts = 0;
		doc = cJSON_GetObjectItemCaseSensitive(reported, ch->name);
		if (!doc || !chan_read(sh, i, &real) ||
		    shadow_value_from_json(doc, ch, &held, err, sizeof(err)) < 0 ||
		    held != real ||
		    (ch->type == KTHING_TYPE_BOOL && !cJSON_IsBool(doc))) {
			c->force = true;
			continue;
		}
		c->known = true;
		c->last = real;
	}
	cJSON_Delete(sh->shown_errors);
	sh->shown_errors = cJSON_CreateObject();
	cJSON_ArrayForEach(item, errors)
		if (cJSON_IsString(item) && item->string)
			cJSON_AddStringToObject(sh->shown_errors, item->string,
						item->valuestring);
	cJSON_Delete(sh->pending_errors);
	sh->pending_errors = cJSON_CreateObject();
}

/* --- responses --------------------------------------------------------- */

static double leaf_timestamp(const cJSON *meta, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(meta, key);

	m = cJSON_GetObjectItemCaseSensitive(m, "timestamp");
	return cJSON_IsNumber(m) ? m->valuedouble : -1;
}

/*
 * The keys of a delta to apply. A channel reported after its desired value
 * was set changed on the device side since (another writer, an input):
 * applying the older desired value would undo that change, so it is left
 * until desired is set again. @meta is the delta's desired metadata.
 */
static cJSON *fresh_desired(struct shadow *sh, const cJSON *delta, const cJSON *meta)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *item;

	cJSON_ArrayForEach(item, delta) {
		const struct kthing_channel *ch = target_find(sh, item->string);
		double desired_ts = leaf_timestamp(meta, item->string);

		if (ch && desired_ts >= 0 && desired_ts < sh->chans[ch->index].reported_ts)
			continue;
		cJSON_AddItemToObject(out, item->string, cJSON_Duplicate(item, true));
	}
	return out;
}

/* Remember when the shadow took each channel's reported value. */
static void note_reported(struct shadow *sh, const cJSON *reported_meta)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, reported_meta) {
		const struct kthing_channel *ch = target_find(sh, item->string);
		double ts = leaf_timestamp(reported_meta, item->string);

		if (ch && ts >= 0)
			sh->chans[ch->index].reported_ts = ts;
	}
}

static void on_get_accepted(struct shadow *sh, const struct shadow_response *resp)
{
	struct shadow_sync *s = sh->dev->sync;
	const cJSON *reported = cJSON_GetObjectItemCaseSensitive(resp->state, "reported");
	const cJSON *delta = cJSON_GetObjectItemCaseSensitive(resp->state, "delta");
	cJSON *fresh = NULL;

	shadow_versions_take_accepted(&sh->versions, resp->version);
	reconcile(sh, reported);
	/* The get's delta counts as a delta of its version. */
	if (!shadow_versions_take_delta(&sh->versions, resp->version) && delta) {
		s->counters->shadow_stale_deltas++;
		delta = NULL;
	}
	note_reported(sh, cJSON_GetObjectItemCaseSensitive(resp->metadata, "reported"));
	if (delta)
		fresh = fresh_desired(sh, delta, cJSON_GetObjectItemCaseSensitive(resp->metadata,
										  "desired"));
	apply_delta(sh, fresh, delta);
	cJSON_Delete(fresh);
}

static void on_rejected(struct shadow *sh, struct request *r,
			const struct shadow_response *resp)
{
	struct shadow_sync *s = sh->dev->sync;
	char label[256];

	shadow_label(sh, label, sizeof(label));
	if (r->op == SHADOW_OP_GET && resp->code == SHADOW_NOT_FOUND) {
		/* Create it with the whole state of the device. */
		log_notice("shadow %s: none yet, creating it", label);
		shadow_versions_reset(&sh->versions);
		reconcile(sh, NULL);
		return;
	}
	s->counters->shadow_rejected++;
	switch (resp->code) {
	case SHADOW_CONFLICT:
		s->counters->shadow_conflicts++;
		log_info("shadow %s: version conflict; getting the document again", label);
		sh->need_get = true;
		break;
	case SHADOW_TOO_MANY_REQUESTS:
		s->counters->shadow_throttled++;
		log_warning("shadow %s: too many requests; backing off", label);
		sh->need_get = true;
		back_off(s);
		break;
	case SHADOW_TOO_LARGE:
		s->counters->shadow_too_large++;
		log_error("shadow %s: %s refused as too large: %s", label,
			  shadow_op_name(r->op), resp->message);
		break;
	case SHADOW_BAD_REQUEST:
		s->counters->shadow_bad_requests++;
		log_error("shadow %s: %s refused as invalid (a bug in kthingd): %s", label,
			  shadow_op_name(r->op), resp->message);
		break;
	default:
		log_warning("shadow %s: %s refused with %d: %s; retrying later", label,
			    shadow_op_name(r->op), resp->code, resp->message);
		sh->need_get = true;
		back_off(s);
		break;
	}
}

static void on_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct shadow *sh = arg;
	struct shadow_sync *s = sh->dev->sync;
	struct shadow_response resp;
	struct shadow_error err;
	struct shadow_topic t;
	struct request *r;
	cJSON *fresh;
	char label[256];

	if (!shadow_topic_parse(topic, &t) || t.suffix == SHADOW_SUFFIX_NONE ||
	    t.suffix == SHADOW_SUFFIX_DOCUMENTS)
		return;
	shadow_label(sh, label, sizeof(label));
	if (shadow_response_parse(payload, len, t.suffix, &resp, &err) < 0) {
		log_warning("shadow %s: unreadable response on %s: %s", label, topic,
			    err.message);
		return;
	}
	r = find_request(s, resp.client_token);
	if (r && (r->shadow != sh || r->op != t.op))
		r = NULL;
	if (!sh->dev->k) {
		if (r)
			release(s, r);
		goto out;
	}
	switch (t.suffix) {
	case SHADOW_SUFFIX_DELTA:
		if (resp.has_version &&
		    !shadow_versions_take_delta(&sh->versions, resp.version)) {
			s->counters->shadow_stale_deltas++;
			log_debug("shadow %s: delta %llu ignored, not newer", label,
				  (unsigned long long)resp.version);
			break;
		}
		/*
		 * A delta our own report caused (it carries our token) holds
		 * no new desired state: the device just reported something
		 * else than desired, e.g. a change made on the hardware side.
		 */
		if (!strncmp(resp.client_token, s->token_prefix, strlen(s->token_prefix)))
			break;
		fresh = fresh_desired(sh, resp.state, resp.metadata);
		apply_delta(sh, fresh, resp.state);
		cJSON_Delete(fresh);
		break;
	case SHADOW_SUFFIX_ACCEPTED:
		if (t.op == SHADOW_OP_UPDATE && resp.has_version)
			shadow_versions_take_accepted(&sh->versions, resp.version);
		if (!r)
			break;	/* someone else's request */
		s->counters->shadow_accepted++;
		backoff_reset(&s->backoff);
		release(s, r);
		if (t.op == SHADOW_OP_GET)
			on_get_accepted(sh, &resp);
		else
			note_reported(sh, cJSON_GetObjectItemCaseSensitive(resp.metadata,
									   "reported"));
		break;
	case SHADOW_SUFFIX_REJECTED:
		if (!r)
			break;
		release(s, r);
		on_rejected(sh, r, &resp);
		break;
	default:
		break;
	}
out:
	shadow_response_free(&resp);
	pump(s);
}

/* --- things and their shadows ------------------------------------------- */

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
		cJSON_Delete(sh->shown_errors);
		cJSON_Delete(sh->pending_errors);
		cJSON_Delete(sh->pending_nulls);
		free(sh);
		return NULL;
	}
	*pp = sh;
	/* Explicit response topics, never a wildcard: subscribed for good. */
	for (size_t i = 0; i < sizeof(responses) / sizeof(responses[0]); i++)
		if (topic_of(sh, responses[i].op, responses[i].suffix, topic, sizeof(topic)))
			mqtt_subscribe(d->sync->mqtt, topic, 1, on_message, sh);
	return sh;
}

static struct device *find_device(struct shadow_sync *s, const char *kthing)
{
	for (struct device *d = s->devices; d; d = d->next)
		if (strcmp(d->kthing, kthing) == 0)
			return d;
	return NULL;
}

static void device_gone(struct device *d)
{
	struct shadow_sync *s = d->sync;

	if (!d->k)
		return;
	log_info("thing %s gone: its shadows wait for it", d->kthing);
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++)
		if (s->requests[i].used && s->requests[i].shadow->dev == d)
			release(s, &s->requests[i]);
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

static void device_appeared(struct shadow_sync *s, const char *kthing)
{
	const struct thing_config *tc = config_find_thing(s->config, kthing);
	bool sensors = s->config->shadow.sensor_interval_s > 0;
	struct device *d = find_device(s, kthing);
	const char *thing;
	unsigned int n;
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
	}
	for (struct shadow *sh = d->shadows; sh; sh = sh->next) {
		char label[256];

		sh->need_get = true;
		log_info("shadow %s: following thing %s", shadow_label(sh, label, sizeof(label)),
			 kthing);
	}
	pump(s);
}

static void scan(struct shadow_sync *s)
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
		device_appeared(s, things[i].name);
	free(things);
	free(channels);
}

/* Some events may have been missed: check every member against the shadow. */
static void check_all(struct device *d)
{
	for (struct shadow *sh = d->shadows; sh; sh = sh->next)
		for (unsigned int i = 0; i < KTHING_CHANNELS_MAX; i++)
			if (sh->chans[i].member)
				sh->chans[i].check = true;
}

void shadow_sync_event(void *arg, const struct kthing_event *ev, uint32_t value_type)
{
	struct shadow_sync *s = arg;
	struct device *d;

	(void)value_type;
	switch (ev->type) {
	case KTHING_EVENT_THING_ADDED:
		device_appeared(s, ev->thing_name);
		return;
	case KTHING_EVENT_THING_REMOVED:
		d = find_device(s, ev->thing_name);
		if (d)
			device_gone(d);
		return;
	case KTHING_EVENT_LOST:
		for (d = s->devices; d; d = d->next)
			if (d->k && (!ev->thing_name[0] || strcmp(d->kthing, ev->thing_name) == 0))
				check_all(d);
		pump_soon(s);
		return;
	case KTHING_EVENT_APPLIED:
		d = find_device(s, ev->thing_name);
		if (!d || !d->k || ev->channel_index >= KTHING_CHANNELS_MAX)
			return;
		for (struct shadow *sh = d->shadows; sh; sh = sh->next) {
			struct shadow_chan *c = &sh->chans[ev->channel_index];

			if (!c->member || (c->known && c->last == ev->value))
				continue;
			/* Another writer, or an input driving it: report, coalesced. */
			s->counters->shadow_hardware_changes++;
			c->check = true;
			pump_soon(s);
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
		scan(s);
		return;
	}
	for (struct device *d = s->devices; d; d = d->next)
		device_gone(d);
}

/* --- connection, timers, life cycle -------------------------------------- */

static void connected(void *arg)
{
	struct shadow_sync *s = arg;

	/* Responses to what was in flight went with the old connection. */
	forget_requests(s);
	s->backoff_until_ms = 0;
	for (struct device *d = s->devices; d; d = d->next)
		for (struct shadow *sh = d->shadows; sh; sh = sh->next)
			sh->need_get = true;
	pump(s);
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
	pump(s);
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
	snprintf(s->token_prefix, sizeof(s->token_prefix), "kthingd-%ld-", (long)getpid());
	backoff_init(&s->backoff, 1000, 60000, 500, 0);
	loop_timer_init(&s->pump_timer, pump_fired, s);
	loop_timer_init(&s->timeout_timer, timeout_fired, s);
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
		device_gone(d);
	if (s->config->shadow.enabled && s->src && events_attached(s->src))
		scan(s);
}

void shadow_sync_free(struct shadow_sync *s)
{
	if (!s)
		return;
	loop_timer_cancel(s->loop, &s->pump_timer);
	loop_timer_cancel(s->loop, &s->timeout_timer);
	loop_timer_cancel(s->loop, &s->sensor_timer);
	while (s->devices) {
		struct device *d = s->devices;

		s->devices = d->next;
		while (d->shadows) {
			struct shadow *sh = d->shadows;

			d->shadows = sh->next;
			cJSON_Delete(sh->shown_errors);
			cJSON_Delete(sh->pending_errors);
			cJSON_Delete(sh->pending_nulls);
			free(sh);
		}
		kthing_close(d->k);
		free(d);
	}
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
			cJSON_AddNumberToObject(o, "delta_version", (double)sh->versions.delta);
			cJSON_AddNumberToObject(o, "accepted_version",
						(double)sh->versions.accepted);
			cJSON_AddNumberToObject(o, "errors", cJSON_GetArraySize(sh->shown_errors));
			cJSON_AddItemToArray(list, o);
		}
	}
	return list;
}
