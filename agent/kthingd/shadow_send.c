// SPDX-License-Identifier: GPL-2.0
/*
 * The requests kthingd sends: a get for every shadow that needs one, then
 * an update for every shadow with something to report, never more than
 * SHADOW_MAX_IN_FLIGHT at a time and at most one per shadow. After a 429
 * (or another refusal worth retrying) nothing is sent for a while; when no
 * shadow service answers at all (a broker without one), requests are
 * retried less and less often, and that is logged once, not per request.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "counters.h"
#include "log.h"
#include "mqtt.h"
#include "shadow_report.h"
#include "shadow_sync_internal.h"

/* While no shadow service answers: retry after 10 s, growing to 5 min. */
#define SILENCE_BASE_MS		10000
#define SILENCE_MAX_MS		300000
#define SILENCE_FLOOR_MS	5000

static void set_in_flight(struct shadow *sh, enum shadow_op op, bool on)
{
	if (op == SHADOW_OP_GET)
		sh->get_in_flight = on;
	else
		sh->update_in_flight = on;
}

void shadow_request_done(struct shadow_sync *s, struct shadow_sent *r)
{
	set_in_flight(r->owner, r->op, false);
	shadow_requests_remove(&s->requests, r);
}

void shadow_requests_forget(struct shadow_sync *s)
{
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++)
		if (s->requests.slots[i].used)
			shadow_request_done(s, &s->requests.slots[i]);
}

void shadow_requests_forget_device(struct shadow_sync *s, const struct device *d)
{
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++) {
		struct shadow_sent *r = &s->requests.slots[i];

		if (r->used && ((struct shadow *)r->owner)->dev == d)
			shadow_request_done(s, r);
	}
}

static void hold_requests(struct shadow_sync *s, uint32_t ms)
{
	s->backoff_until_ms = loop_now_ms() + ms;
	loop_timer_arm(s->loop, &s->pump_timer, ms);
}

void shadow_back_off(struct shadow_sync *s)
{
	hold_requests(s, backoff_next(&s->backoff));
}

void shadow_service_answered(struct shadow_sync *s)
{
	if (!s->silent)
		return;
	log_notice("shadow: the shadow service answers again");
	s->silent = false;
	backoff_reset(&s->silence);
}

static void timeout_fired(void *arg)
{
	struct shadow_sync *s = arg;
	uint64_t now = loop_now_ms(), next;
	struct shadow_sent *r;
	bool expired = false;
	char label[256];

	while ((r = shadow_requests_expired(&s->requests, now, &next))) {
		struct shadow *sh = r->owner;

		if (!s->silent) {
			log_warning("shadow %s: no response to %s within %u s: no shadow service "
				    "answers on this broker (kthing-shadowd, or AWS IoT); asking "
				    "again less and less often, up to every %u s",
				    shadow_label(sh, label, sizeof(label)), shadow_op_name(r->op),
				    SHADOW_REQUEST_TIMEOUT_MS / 1000, SILENCE_MAX_MS / 1000);
			s->silent = true;
		} else {
			log_debug("shadow %s: no response to %s %s",
				  shadow_label(sh, label, sizeof(label)), shadow_op_name(r->op),
				  r->token);
		}
		s->counters->shadow_timeouts++;
		sh->need_get = true;
		shadow_request_done(s, r);
		expired = true;
	}
	if (next)
		loop_timer_arm(s->loop, &s->timeout_timer, next - now);
	/* Unanswered: wait longer each time before asking again. */
	if (expired && s->silent && now >= s->backoff_until_ms)
		hold_requests(s, backoff_next(&s->silence));
	shadow_pump(s);
}

/* Publish @payload as a request of @sh; false when it could not be sent. */
static bool send_request(struct shadow_sync *s, struct shadow *sh, enum shadow_op op,
			 const char *token, const char *payload)
{
	char topic[256], label[256];
	int rc;

	if (shadow_requests_full(&s->requests) ||
	    !shadow_topic_of(sh, op, SHADOW_SUFFIX_NONE, topic, sizeof(topic)))
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
	shadow_requests_add(&s->requests, token, sh, op,
			    loop_now_ms() + SHADOW_REQUEST_TIMEOUT_MS);
	set_in_flight(sh, op, true);
	s->counters->shadow_requests++;
	if (!s->timeout_timer.armed)
		loop_timer_arm(s->loop, &s->timeout_timer, SHADOW_REQUEST_TIMEOUT_MS);
	return true;
}

static bool send_get(struct shadow_sync *s, struct shadow *sh)
{
	char token[SHADOW_CLIENT_TOKEN_MAX + 1], payload[128];

	shadow_requests_token(&s->requests, token, sizeof(token));
	snprintf(payload, sizeof(payload), "{\"clientToken\":\"%s\"}", token);
	if (!send_request(s, sh, SHADOW_OP_GET, token, payload))
		return false;
	sh->need_get = false;
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

		if (!(c->force || c->check) || !ch || !shadow_chan_read(sh, i, &value))
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
	shadow_requests_token(&s->requests, token, sizeof(token));
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

void shadow_pump(struct shadow_sync *s)
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
			if (shadow_requests_full(&s->requests))
				return;
			if (sh->subscribing)
				continue;
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
	shadow_pump(arg);
}

void shadow_pump_soon(struct shadow_sync *s)
{
	if (!s->pump_timer.armed)
		loop_timer_arm(s->loop, &s->pump_timer, s->config->shadow.coalesce_ms);
}

void shadow_send_init(struct shadow_sync *s)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "kthingd-%ld-", (long)getpid());
	shadow_requests_init(&s->requests, prefix);
	backoff_init(&s->backoff, 1000, 60000, 500, 0);
	backoff_init(&s->silence, SILENCE_BASE_MS, SILENCE_MAX_MS, SILENCE_FLOOR_MS, 0);
	loop_timer_init(&s->pump_timer, pump_fired, s);
	loop_timer_init(&s->timeout_timer, timeout_fired, s);
}
