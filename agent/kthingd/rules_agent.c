// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kthing.h>

#include "../rules/rule.h"
#include "agent.h"
#include "log.h"
#include "mqtt.h"
#include "outbox.h"
#include "relay.h"
#include "rules_agent.h"
#include "rules_engine.h"
#include "shadow_apply.h"

/* A filter subscribed for rules, until a reload leaves no rule on it. */
struct subscription {
	struct rules_agent *ra;
	struct subscription *next;
	char filter[];
};

/* A thing opened for writing its actuators, kept open between writes. */
struct device {
	char kthing[KTHING_NAME_SIZE];
	struct kthing *k;
	struct device *next;
};

struct rules_agent {
	struct agent *agent;
	struct rules_engine *engine;
	struct subscription *subscriptions;
	struct device *devices;
};

/* --- the engine's view of the agent ------------------------------------ */

static int io_publish(void *arg, const char *topic, const char *payload, size_t len,
		      int qos, char *err, size_t errlen)
{
	struct rules_agent *ra = arg;

	(void)err;
	(void)errlen;
	/* Like telemetry: QoS 1 waits in the offline queue, QoS 0 is dropped. */
	outbox_publish(&ra->agent->outbox, topic, payload, len, qos);
	return 0;
}

static struct device *open_device(struct rules_agent *ra, const char *kthing, char *err,
				  size_t errlen)
{
	struct device *d;
	int rc;

	for (d = ra->devices; d; d = d->next)
		if (strcmp(d->kthing, kthing) == 0)
			break;
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		snprintf(d->kthing, sizeof(d->kthing), "%s", kthing);
		d->next = ra->devices;
		ra->devices = d;
	}
	if (d->k)
		return d;
	rc = kthing_open(kthing, KTHING_OPEN_WRITE, &d->k);
	if (rc < 0) {
		d->k = NULL;
		snprintf(err, errlen, "thing %s: %s", kthing,
			 rc == -ENOENT ? "no such live thing" : strerror(-rc));
		return NULL;
	}
	return d;
}

static int io_set(void *arg, const char *thing, const char *channel, const cJSON *value,
		  char *err, size_t errlen)
{
	struct rules_agent *ra = arg;
	const struct kthing_channel *ch;
	struct kthing_reading applied;
	char why[112];
	struct device *d;
	int64_t v;
	int rc;

	for (int attempt = 0;; attempt++) {
		d = open_device(ra, thing, err, errlen);
		if (!d)
			return -1;
		ch = kthing_channel_find(d->k, channel);
		if (!ch) {
			snprintf(err, errlen, "thing %s has no channel %s", thing, channel);
			return -1;
		}
		if (ch->kind != KTHING_KIND_ACTUATOR) {
			snprintf(err, errlen, "%s/%s is a sensor, not an actuator", thing,
				 channel);
			return -1;
		}
		if (shadow_value_from_json(value, ch, &v, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s/%s: the value %s", thing, channel, why);
			return -1;
		}
		/*
		 * A rule on telemetry sets the same value again and again: write
		 * only a change, so the device and the shadow see no churn.
		 */
		if (kthing_read(d->k, ch->index, &applied) == 0 && !applied.stale &&
		    applied.value == v)
			return 0;
		rc = kthing_write(d->k, ch->index, v, &applied);
		/* The thing went away and may be back: open it again, once. */
		if (rc == -ENODEV && attempt == 0) {
			kthing_close(d->k);
			d->k = NULL;
			continue;
		}
		break;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s/%s: write failed: %s", thing, channel,
			 kthing_value_strerror(why, sizeof(why), rc, ch->exponent, ch->min,
					       ch->max));
		return -1;
	}
	log_debug("rules: %s/%s set to %lld (scaled)", thing, channel,
		  (long long)applied.value);
	return 0;
}

/* --- inputs ------------------------------------------------------------ */

static void telemetry_made(void *arg, const char *topic, const char *payload, size_t len)
{
	struct rules_agent *ra = arg;

	rules_engine_message(ra->engine, RULES_INPUT_TELEMETRY, NULL, topic, payload, len);
}

static void broker_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct subscription *s = arg;

	rules_engine_message(s->ra->engine, RULES_INPUT_BROKER, s->filter, topic, payload,
			     len);
}

/* Whether a rule of @rc takes messages from the broker on @filter. */
static bool filter_in_use(const struct rules_config *rc, const char *filter)
{
	for (size_t i = 0; rc && i < rc->num_rules; i++)
		if (rc->rules[i].input == RULES_INPUT_BROKER &&
		    strcmp(rule_topic_filter(rc->rules[i].rule), filter) == 0)
			return true;
	return false;
}

/* Subscribe to every broker rule's FROM not subscribed yet. */
static void subscribe_inputs(struct rules_agent *ra)
{
	const struct rules_config *rc = ra->agent->config.rules;

	for (size_t i = 0; rc && i < rc->num_rules; i++) {
		const char *filter = rule_topic_filter(rc->rules[i].rule);
		struct subscription *s;

		if (rc->rules[i].input != RULES_INPUT_BROKER)
			continue;
		for (s = ra->subscriptions; s; s = s->next)
			if (strcmp(s->filter, filter) == 0)
				break;
		if (s)
			continue;
		s = calloc(1, sizeof(*s) + strlen(filter) + 1);
		if (!s) {
			log_error("rules: out of memory subscribing to %s", filter);
			continue;
		}
		strcpy(s->filter, filter);
		s->ra = ra;
		if (mqtt_subscribe(ra->agent->mqtt, filter, 1, broker_message, s) < 0) {
			log_error("rules: cannot subscribe to %s", filter);
			free(s);
			continue;
		}
		s->next = ra->subscriptions;
		ra->subscriptions = s;
		log_info("rules: subscribed to %s", filter);
	}
}

/* Unsubscribe from the filters no rule takes messages from any more. */
static void unsubscribe_unused(struct rules_agent *ra)
{
	const struct rules_config *rc = ra->agent->config.rules;
	struct subscription **pp = &ra->subscriptions, *s;

	while ((s = *pp)) {
		if (filter_in_use(rc, s->filter)) {
			pp = &s->next;
			continue;
		}
		if (mqtt_unsubscribe(ra->agent->mqtt, s->filter, broker_message, s) < 0)
			log_error("rules: cannot unsubscribe from %s; its messages match "
				  "no rule", s->filter);
		else
			log_info("rules: unsubscribed from %s", s->filter);
		*pp = s->next;
		free(s);
	}
}

/* ----------------------------------------------------------------------- */

static void start_rules(struct rules_agent *ra)
{
	const struct config *c = &ra->agent->config;

	if (rules_engine_set(ra->engine, c->rules, c->broker.client_id) < 0) {
		/* The engine still runs the previous rules, which are freed next. */
		log_error("rules: out of memory; no rules run");
		rules_engine_set(ra->engine, NULL, NULL);
		return;
	}
	subscribe_inputs(ra);
	unsubscribe_unused(ra);
	if (c->rules)
		log_info("rules: %zu rule(s) running", c->rules->num_rules);
}

struct rules_agent *rules_agent_new(struct agent *agent)
{
	struct rules_agent *ra = calloc(1, sizeof(*ra));
	struct rules_io io = { .publish = io_publish, .set = io_set, .arg = ra };

	if (!ra)
		return NULL;
	ra->agent = agent;
	ra->engine = rules_engine_new(&io);
	if (!ra->engine) {
		free(ra);
		return NULL;
	}
	start_rules(ra);
	relay_set_tap(agent->relay, telemetry_made, ra);
	return ra;
}

static void close_devices(struct rules_agent *ra, const char *kthing)
{
	for (struct device *d = ra->devices; d; d = d->next) {
		if (d->k && (!kthing || strcmp(d->kthing, kthing) == 0)) {
			kthing_close(d->k);
			d->k = NULL;
		}
	}
}

void rules_agent_event(struct rules_agent *ra, const struct kthing_event *ev)
{
	if (ra && ev->type == KTHING_EVENT_THING_REMOVED)
		close_devices(ra, ev->thing_name);
}

void rules_agent_attached(struct rules_agent *ra, bool attached)
{
	if (ra && !attached)
		close_devices(ra, NULL);
}

void rules_agent_reconfigure(struct rules_agent *ra)
{
	start_rules(ra);
}

void rules_agent_free(struct rules_agent *ra)
{
	if (!ra)
		return;
	relay_set_tap(ra->agent->relay, NULL, NULL);
	while (ra->devices) {
		struct device *d = ra->devices;

		ra->devices = d->next;
		kthing_close(d->k);
		free(d);
	}
	while (ra->subscriptions) {
		struct subscription *s = ra->subscriptions;

		ra->subscriptions = s->next;
		free(s);
	}
	rules_engine_free(ra->engine);
	free(ra);
}

void rules_agent_status(const struct rules_agent *ra, cJSON *doc)
{
	cJSON *counters = cJSON_GetObjectItemCaseSensitive(doc, "counters");

	if (!ra)
		return;
	if (counters)
		rules_engine_add_counters(counters, ra->engine);
	cJSON_AddItemToObject(doc, "rules", rules_engine_status(ra->engine));
}
