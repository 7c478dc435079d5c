// SPDX-License-Identifier: GPL-2.0
#include <cJSON.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "mqtt.h"
#include "relay.h"
#include "rules_agent.h"
#include "shadow_sync.h"
#include "status.h"
#include "topic.h"

#define STATUS_VERSION	1

struct status {
	struct agent *agent;
	int fd;
	char *path;
	struct loop_timer metrics_timer;
};

static void add_counter(cJSON *o, const char *name, uint64_t value)
{
	/* Exact up to 2^53, which no counter here reaches. */
	cJSON_AddNumberToObject(o, name, (double)value);
}

static void add_string_or_null(cJSON *o, const char *name, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, name, value);
	else
		cJSON_AddNullToObject(o, name);
}

char *status_document(const struct agent *a)
{
	const struct counters *c = &a->counters;
	const struct queue *q = &a->outbox.queue;
	cJSON *doc = cJSON_CreateObject(), *broker, *counters, *queue;
	int64_t since = mqtt_connected_since_ms(a->mqtt);
	int64_t retry = mqtt_retry_in_ms(a->mqtt);
	char *text;

	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "version", STATUS_VERSION);
	cJSON_AddNumberToObject(doc, "pid", getpid());
	cJSON_AddNumberToObject(doc, "started_ms", (double)a->started_ms);
	cJSON_AddNumberToObject(doc, "now_ms", (double)loop_wall_ms());
	cJSON_AddStringToObject(doc, "thing_name", a->config.thing_name);

	broker = cJSON_AddObjectToObject(doc, "broker");
	if (broker) {
		cJSON_AddStringToObject(broker, "uri", a->config.broker.uri);
		cJSON_AddStringToObject(broker, "client_id", a->config.broker.client_id);
		cJSON_AddStringToObject(broker, "state", mqtt_state_name(mqtt_state(a->mqtt)));
		if (since)
			cJSON_AddNumberToObject(broker, "connected_since_ms", (double)since);
		else
			cJSON_AddNullToObject(broker, "connected_since_ms");
		add_string_or_null(broker, "last_error", mqtt_last_error(a->mqtt));
		if (retry >= 0)
			cJSON_AddNumberToObject(broker, "retry_in_ms", (double)retry);
		else
			cJSON_AddNullToObject(broker, "retry_in_ms");
	}

	counters = cJSON_AddObjectToObject(doc, "counters");
	if (counters) {
		add_counter(counters, "events", c->events);
		add_counter(counters, "samples", c->samples);
		add_counter(counters, "lost", c->lost);
		add_counter(counters, "resyncs", c->resyncs);
		add_counter(counters, "telemetry_messages", c->telemetry_messages);
		add_counter(counters, "published", c->published);
		add_counter(counters, "acknowledged", c->acknowledged);
		add_counter(counters, "published_bytes", c->published_bytes);
		add_counter(counters, "billing_units", c->billing_units);
		add_counter(counters, "dropped", c->dropped);
		add_counter(counters, "oversize", c->oversize);
		add_counter(counters, "connects", c->connects);
		add_counter(counters, "reconnects", c->reconnects);
		add_counter(counters, "connect_failures", c->connect_failures);
		add_counter(counters, "auth_failures", c->auth_failures);
		shadow_sync_add_counters(counters, c);
	}

	queue = cJSON_AddObjectToObject(doc, "queue");
	if (queue) {
		add_counter(queue, "messages", q->count);
		add_counter(queue, "bytes", q->bytes);
		add_counter(queue, "inflight", q->inflight);
		add_counter(queue, "max_messages", q->max_messages);
		add_counter(queue, "max_bytes", q->max_bytes);
		cJSON_AddBoolToObject(queue, "persistent", q->db != NULL);
	}
	cJSON_AddItemToObject(doc, "things", relay_status(a->relay));
	cJSON_AddItemToObject(doc, "shadows", shadow_sync_status(a->shadow));
	rules_agent_status(a->rules, doc);

	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}

static void client_ready(void *arg, int fd, short revents)
{
	struct status *s = arg;
	char *doc;
	int client;

	(void)fd;
	(void)revents;
	while ((client = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		size_t len, off = 0;

		doc = status_document(s->agent);
		if (doc) {
			len = strlen(doc);
			doc[len] = '\0';
			/* A reader that does not read is not waited for. */
			while (off < len) {
				ssize_t n = send(client, doc + off, len - off, MSG_NOSIGNAL);

				if (n <= 0)
					break;
				off += n;
			}
			if (off < len)
				log_debug("status reader too slow; document cut short");
			if (off == len && send(client, "\n", 1, MSG_NOSIGNAL) < 0)
				log_debug("status reader went away");
			free(doc);
		}
		close(client);
	}
}

static void metrics_timer_fired(void *arg)
{
	struct status *s = arg;
	const struct config *c = &s->agent->config;
	char topic[TOPIC_MAX_LEN + 1];
	char *doc;

	if (!c->status.metrics_topic)
		return;
	loop_timer_arm(&s->agent->loop, &s->metrics_timer, c->status.metrics_interval_s * 1000ULL);
	if (!mqtt_is_connected(s->agent->mqtt))
		return;
	if (topic_expand(c->status.metrics_topic, c->thing_name, topic, sizeof(topic)) < 0)
		return;
	doc = status_document(s->agent);
	if (doc) {
		mqtt_publish(s->agent->mqtt, topic, doc, strlen(doc), 0, false, NULL, NULL, 0);
		free(doc);
	}
}

void status_reconfigure(struct status *s)
{
	const struct config *c = &s->agent->config;

	loop_timer_cancel(&s->agent->loop, &s->metrics_timer);
	if (c->status.metrics_topic)
		loop_timer_arm(&s->agent->loop, &s->metrics_timer,
			       c->status.metrics_interval_s * 1000ULL);
}

struct status *status_new(struct agent *agent)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = agent->config.status.socket;
	struct status *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	s->agent = agent;
	s->fd = -1;
	loop_timer_init(&s->metrics_timer, metrics_timer_fired, s);
	status_reconfigure(s);
	if (!path)
		return s;

	s->path = strdup(path);
	if (!s->path)
		goto fail;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		goto fail;
	/* A socket left by an earlier run that died would block bind(). */
	unlink(path);
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(path, 0660) < 0 || listen(s->fd, 8) < 0 ||
	    loop_add_fd(&agent->loop, s->fd, POLLIN, client_ready, s) < 0)
		goto fail;
	return s;

fail:
	err = errno;
	loop_timer_cancel(&agent->loop, &s->metrics_timer);
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	free(s);
	errno = err;
	return NULL;
}

void status_free(struct status *s)
{
	if (!s)
		return;
	loop_timer_cancel(&s->agent->loop, &s->metrics_timer);
	if (s->fd >= 0) {
		loop_remove_fd(&s->agent->loop, s->fd);
		close(s->fd);
		unlink(s->path);
	}
	free(s->path);
	free(s);
}
