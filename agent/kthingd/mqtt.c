// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <MQTTAsync.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/tcp_nodelay.h"
#include "backoff.h"
#include "certcheck.h"
#include "config.h"
#include "counters.h"
#include "log.h"
#include "loop.h"
#include "mqtt.h"
#include "topic.h"

#define STATUS_ONLINE	"online"
#define STATUS_OFFLINE	"offline"

enum event_type {
	EV_CONNECTED,
	EV_CONNECT_FAILED,
	EV_LOST,
	EV_SENT,		/* a publish completed */
	EV_SEND_FAILED,
	EV_SUBSCRIBED,
	EV_SUBSCRIBE_FAILED,
	EV_UNSUBSCRIBED,
	EV_UNSUBSCRIBE_FAILED,
	EV_MESSAGE,
};

/* What a paho thread hands to the loop thread. */
struct event {
	enum event_type type;
	unsigned int generation;	/* of the client that reported it */
	int token;
	int code;
	bool session_present;
	char *topic;
	char *payload;
	size_t len;
	char *text;
	struct event *next;
};

/*
 * The context given to paho for one client. Freed only after the client is
 * destroyed, when paho no longer calls back.
 */
struct session {
	struct mqtt *m;
	unsigned int generation;
};

struct subscription {
	char *filter;
	int qos;
	mqtt_message_cb cb;
	void *arg;
	struct subscription *next;
};

/*
 * A filter no handler wants any more. The broker's session may still hold
 * it, so it is unsubscribed on every connection until the broker says so.
 */
struct dropped_filter {
	char *filter;
	int token;		/* of its UNSUBSCRIBE on this connection, or 0 */
	struct dropped_filter *next;
};

struct connect_hook {
	mqtt_connect_cb cb;
	void *arg;
	struct connect_hook *next;
};

struct pending {
	int token;
	int qos;
	mqtt_done_cb done;
	void *arg;
	uint64_t cookie;
	struct pending *next;
};

struct mqtt {
	struct loop *loop;
	const struct config *config;
	struct counters *counters;
	enum mqtt_state state;

	MQTTAsync client;		/* NULL between connections */
	struct session *session;
	unsigned int generation;	/* bumped with every new client */
	/* A client that failed or lost its connection, and its context. */
	MQTTAsync retired;
	struct session *retired_session;

	int wake_fd;			/* eventfd: events are queued */
	pthread_mutex_t lock;		/* protects events and tls_error */
	struct event *events, **events_tail;
	char tls_error[256];		/* OpenSSL's reason for this client's failure */

	struct backoff network_backoff;
	struct backoff refused_backoff;
	struct loop_timer retry_timer;

	struct subscription *subscriptions;
	unsigned int subscribes_outstanding;
	struct dropped_filter *dropped;
	struct connect_hook *hooks;
	bool hooks_ran;			/* on this connection */
	struct pending *pending;

	char status_topic[TOPIC_MAX_LEN + 1];
	char *last_error;
	char *last_logged_error;
	int64_t connected_since_ms;
};

/* ---- paho threads: queue events, nothing else ---- */

static void post(struct session *s, struct event *ev)
{
	struct mqtt *m = s->m;
	uint64_t one = 1;
	bool was_empty;

	ev->generation = s->generation;
	pthread_mutex_lock(&m->lock);
	was_empty = !m->events;
	*m->events_tail = ev;
	m->events_tail = &ev->next;
	pthread_mutex_unlock(&m->lock);
	/* The loop takes the whole list at each wake-up: wake it once per batch. */
	if (was_empty && write(m->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("eventfd write: %s", strerror(errno));
}

static void post_simple(void *context, enum event_type type, int token, int code,
			const char *text)
{
	struct event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return;	/* the connection's own timeouts recover from this */
	ev->type = type;
	ev->token = token;
	ev->code = code;
	if (text)
		ev->text = strdup(text);
	post(context, ev);
}

static void post_connected(void *context, bool session_present)
{
	struct event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return;
	ev->type = EV_CONNECTED;
	ev->session_present = session_present;
	post(context, ev);
}

static void on_connect_success(void *context, MQTTAsync_successData *data)
{
	post_connected(context, data && data->alt.connect.sessionPresent);
}

static void on_connect_success5(void *context, MQTTAsync_successData5 *data)
{
	post_connected(context, data && data->alt.connect.sessionPresent);
}

static void on_connect_failure(void *context, MQTTAsync_failureData *data)
{
	post_simple(context, EV_CONNECT_FAILED, 0, data ? data->code : MQTTASYNC_FAILURE,
		    data ? data->message : NULL);
}

static void on_connect_failure5(void *context, MQTTAsync_failureData5 *data)
{
	post_simple(context, EV_CONNECT_FAILED, 0, data ? data->code : MQTTASYNC_FAILURE,
		    data ? data->message : NULL);
}

static void on_connection_lost(void *context, char *cause)
{
	post_simple(context, EV_LOST, 0, 0, cause);
}

static int on_message(void *context, char *topic, int topic_len, MQTTAsync_message *msg)
{
	struct event *ev = calloc(1, sizeof(*ev));

	if (ev) {
		ev->type = EV_MESSAGE;
		ev->topic = topic_len > 0 ? strndup(topic, topic_len) : strdup(topic);
		ev->payload = malloc(msg->payloadlen + 1);
		if (ev->topic && ev->payload) {
			memcpy(ev->payload, msg->payload, msg->payloadlen);
			ev->payload[msg->payloadlen] = '\0';
			ev->len = msg->payloadlen;
			post(context, ev);
		} else {
			free(ev->topic);
			free(ev->payload);
			free(ev);
		}
	}
	MQTTAsync_freeMessage(&msg);
	MQTTAsync_free(topic);
	return 1;
}

static void on_sent(void *context, MQTTAsync_successData *data)
{
	post_simple(context, EV_SENT, data ? data->token : 0, 0, NULL);
}

static void on_sent5(void *context, MQTTAsync_successData5 *data)
{
	post_simple(context, EV_SENT, data ? data->token : 0, 0, NULL);
}

/* A publish, subscribe or unsubscribe request failed. */
static void post_failure(void *context, enum event_type type, const MQTTAsync_failureData *data)
{
	post_simple(context, type, data ? data->token : 0, data ? data->code : 0,
		    data ? data->message : NULL);
}

static void post_failure5(void *context, enum event_type type,
			  const MQTTAsync_failureData5 *data)
{
	post_simple(context, type, data ? data->token : 0, data ? data->code : 0,
		    data ? data->message : NULL);
}

static void on_send_failed(void *context, MQTTAsync_failureData *data)
{
	post_failure(context, EV_SEND_FAILED, data);
}

static void on_send_failed5(void *context, MQTTAsync_failureData5 *data)
{
	post_failure5(context, EV_SEND_FAILED, data);
}

static void on_subscribed(void *context, MQTTAsync_successData *data)
{
	/* MQTT 3.1.1 grants 0x80 for a refused subscription. */
	post_simple(context, data && data->alt.qos == 0x80 ? EV_SUBSCRIBE_FAILED : EV_SUBSCRIBED,
		    data ? data->token : 0, data ? data->alt.qos : 0, NULL);
}

static void on_subscribed5(void *context, MQTTAsync_successData5 *data)
{
	post_simple(context, data && data->reasonCode >= 0x80 ? EV_SUBSCRIBE_FAILED : EV_SUBSCRIBED,
		    data ? data->token : 0, data ? data->reasonCode : 0, NULL);
}

static void on_subscribe_failed(void *context, MQTTAsync_failureData *data)
{
	post_failure(context, EV_SUBSCRIBE_FAILED, data);
}

static void on_subscribe_failed5(void *context, MQTTAsync_failureData5 *data)
{
	post_failure5(context, EV_SUBSCRIBE_FAILED, data);
}

static void on_unsubscribed(void *context, MQTTAsync_successData *data)
{
	post_simple(context, EV_UNSUBSCRIBED, data ? data->token : 0, 0, NULL);
}

static void on_unsubscribed5(void *context, MQTTAsync_successData5 *data)
{
	post_simple(context, data && data->reasonCode >= 0x80 ? EV_UNSUBSCRIBE_FAILED
							      : EV_UNSUBSCRIBED,
		    data ? data->token : 0, data ? data->reasonCode : 0, NULL);
}

static void on_unsubscribe_failed(void *context, MQTTAsync_failureData *data)
{
	post_failure(context, EV_UNSUBSCRIBE_FAILED, data);
}

static void on_unsubscribe_failed5(void *context, MQTTAsync_failureData5 *data)
{
	post_failure5(context, EV_UNSUBSCRIBE_FAILED, data);
}

/* How the broker's answer to one kind of request comes back. */
struct answer_callbacks {
	MQTTAsync_onSuccess *success;
	MQTTAsync_onFailure *failure;
	MQTTAsync_onSuccess5 *success5;
	MQTTAsync_onFailure5 *failure5;
};

static const struct answer_callbacks publish_answers = {
	on_sent, on_send_failed, on_sent5, on_send_failed5,
};
static const struct answer_callbacks subscribe_answers = {
	on_subscribed, on_subscribe_failed, on_subscribed5, on_subscribe_failed5,
};
static const struct answer_callbacks unsubscribe_answers = {
	on_unsubscribed, on_unsubscribe_failed, on_unsubscribed5, on_unsubscribe_failed5,
};

/* OpenSSL's errors during a handshake: the reason a TLS connection failed. */
static int on_tls_error(const char *str, size_t len, void *context)
{
	struct session *s = context;
	struct mqtt *m = s->m;
	const char *reason = str, *p;
	size_t n = len;

	/*
	 * "[thread:]error:0A000086:SSL routines:function:certificate verify
	 * failed:file:line:": the reason is the fourth field after "error:".
	 */
	p = memmem(str, len, "error:", 6);
	if (p) {
		const char *end = str + len;
		int fields = 0;

		for (p += 6; p < end && fields < 3; p++)
			if (*p == ':')
				fields++;
		if (fields == 3) {
			reason = p;
			p = memchr(reason, ':', end - reason);
			n = (p ? p : end) - reason;
		}
	}
	while (n && (reason[n - 1] == '\n' || reason[n - 1] == ' '))
		n--;
	pthread_mutex_lock(&m->lock);
	if (s->generation == m->generation && !m->tls_error[0])
		snprintf(m->tls_error, sizeof(m->tls_error), "%.*s", (int)n, reason);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* ---- loop thread ---- */

static bool is_v5(const struct mqtt *m)
{
	return m->config->broker.protocol == 5;
}

/* Options for a request whose answer reaches this client's session. */
static MQTTAsync_responseOptions response_options(const struct mqtt *m,
						  const struct answer_callbacks *cb)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;

	ro.context = m->session;
	if (is_v5(m)) {
		ro.onSuccess5 = cb->success5;
		ro.onFailure5 = cb->failure5;
	} else {
		ro.onSuccess = cb->success;
		ro.onFailure = cb->failure;
	}
	return ro;
}

static void set_last_error(struct mqtt *m, const char *error)
{
	free(m->last_error);
	m->last_error = error ? strdup(error) : NULL;
}

/* Log a connection problem once; the same problem again only at debug level. */
static void log_problem(struct mqtt *m, enum log_level level, const char *what)
{
	if (m->last_logged_error && strcmp(m->last_logged_error, what) == 0) {
		log_debug("%s (again)", what);
		return;
	}
	log_msg(level, "%s", what);
	free(m->last_logged_error);
	m->last_logged_error = strdup(what);
}

static void complete_pending(struct mqtt *m, struct pending *p, int error)
{
	if (error == 0) {
		if (p->qos > 0)
			m->counters->acknowledged++;
	}
	if (p->done)
		p->done(p->arg, p->cookie, error);
	free(p);
}

static void destroy_retired(struct mqtt *m)
{
	if (m->retired)
		MQTTAsync_destroy(&m->retired);
	m->retired = NULL;
	free(m->retired_session);
	m->retired_session = NULL;
}

/*
 * Let go of the client; whatever it had in flight completes with
 * -ENOTCONN. When paho has just called back to say it failed, @retire
 * keeps it until the next attempt: paho's thread goes on using the client
 * after the callback returns, and destroying it at once from this thread
 * raced with that (a crash or a leak in paho, seen under load).
 */
static void teardown(struct mqtt *m, bool retire)
{
	struct pending *p;

	destroy_retired(m);
	if (retire) {
		m->retired = m->client;
		m->retired_session = m->session;
	} else {
		if (m->client)
			MQTTAsync_destroy(&m->client);
		free(m->session);
	}
	m->client = NULL;
	m->session = NULL;
	pthread_mutex_lock(&m->lock);
	m->generation++;
	m->tls_error[0] = '\0';
	pthread_mutex_unlock(&m->lock);
	m->connected_since_ms = 0;
	m->subscribes_outstanding = 0;
	m->hooks_ran = false;
	for (struct dropped_filter *d = m->dropped; d; d = d->next)
		d->token = 0;

	while ((p = m->pending)) {
		m->pending = p->next;
		complete_pending(m, p, -ENOTCONN);
	}
}

static void schedule_retry(struct mqtt *m, bool refused)
{
	uint32_t delay = refused ? backoff_next(&m->refused_backoff)
				 : backoff_next(&m->network_backoff);

	m->state = refused ? MQTT_REFUSED : MQTT_RETRYING;
	log_debug("next connection attempt in %u ms", delay);
	loop_timer_arm(m->loop, &m->retry_timer, delay);
}

static int connect_now(struct mqtt *m)
{
	const struct broker_config *b = &m->config->broker;
	MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
	MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
	MQTTAsync_connectOptions opts5 = MQTTAsync_connectOptions_initializer5;
	MQTTAsync_willOptions will = MQTTAsync_willOptions_initializer;
	MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
	MQTTProperties props = MQTTProperties_initializer;
	MQTTAsync_connectOptions *o;
	char error[320];
	int rc;

	/* Brokers often refuse an expired certificate by just hanging up. */
	if (b->cert_file && certcheck_validity(b->cert_file, error, sizeof(error)) < 0) {
		char what[512];

		snprintf(what, sizeof(what), "broker.cert_file: %s; retrying slowly", error);
		m->counters->connect_failures++;
		m->counters->auth_failures++;
		set_last_error(m, what);
		log_problem(m, LOG_LEVEL_ERROR, what);
		schedule_retry(m, true);
		return -EKEYEXPIRED;
	}

	m->session = calloc(1, sizeof(*m->session));
	if (!m->session)
		return -ENOMEM;
	m->session->m = m;
	m->session->generation = m->generation;

	create.MQTTVersion = is_v5(m) ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
	/*
	 * paho refuses a publish once 100 wait to be written, which drops a
	 * burst of QoS 0 telemetry; bound it as the offline queue is bounded
	 * (queue.max_messages, at most 10,000,000).
	 */
	create.maxBufferedMessages = (int)m->config->queue.max_messages;
	rc = MQTTAsync_createWithOptions(&m->client, b->paho_uri, b->client_id,
					 MQTTCLIENT_PERSISTENCE_NONE, NULL, &create);
	if (rc != MQTTASYNC_SUCCESS) {
		snprintf(error, sizeof(error), "cannot create an MQTT client for %s: %s",
			 b->uri, MQTTAsync_strerror(rc));
		goto fail;
	}
	MQTTAsync_setCallbacks(m->client, m->session, on_connection_lost, on_message, NULL);

	o = is_v5(m) ? &opts5 : &opts;
	o->keepAliveInterval = b->keepalive_s;
	o->connectTimeout = b->connect_timeout_s;
	o->maxInflight = b->max_inflight;
	o->username = b->username;
	o->password = b->password;
	o->context = m->session;
	o->automaticReconnect = 0;
	if (is_v5(m)) {
		MQTTProperty expiry = {
			.identifier = MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL,
			.value.integer4 = b->session_expiry_s,
		};

		o->cleanstart = 0;
		MQTTProperties_add(&props, &expiry);
		o->connectProperties = &props;
		o->onSuccess5 = on_connect_success5;
		o->onFailure5 = on_connect_failure5;
	} else {
		o->MQTTVersion = MQTTVERSION_3_1_1;
		o->cleansession = 0;
		o->onSuccess = on_connect_success;
		o->onFailure = on_connect_failure;
	}

	/* Subscribers see "offline" when the agent disappears without saying so. */
	will.topicName = m->status_topic;
	will.message = STATUS_OFFLINE;
	will.retained = 1;
	will.qos = 1;
	o->will = &will;

	if (b->transport == TRANSPORT_TLS || b->transport == TRANSPORT_WSS) {
		ssl.trustStore = b->ca_file;
		ssl.keyStore = b->cert_file;
		ssl.privateKey = b->key_file;
		ssl.enableServerCertAuth = !b->tls_insecure;
		ssl.verify = !b->tls_insecure;
		ssl.sslVersion = MQTT_SSL_VERSION_DEFAULT;
		ssl.ssl_error_cb = on_tls_error;
		ssl.ssl_error_context = m->session;
		ssl.protos = b->alpn;
		ssl.protos_len = b->alpn_len;
		o->ssl = &ssl;
	}

	m->state = MQTT_CONNECTING;
	log_debug("connecting to %s as %s", b->uri, b->client_id);
	rc = MQTTAsync_connect(m->client, o);
	MQTTProperties_free(&props);
	if (rc != MQTTASYNC_SUCCESS) {
		snprintf(error, sizeof(error), "cannot connect to %s: %s", b->uri,
			 MQTTAsync_strerror(rc));
		goto fail;
	}
	return 0;

fail:
	m->counters->connect_failures++;
	set_last_error(m, error);
	log_problem(m, LOG_LEVEL_WARNING, error);
	teardown(m, false);
	schedule_retry(m, false);
	return -EIO;
}

static void retry_timer_fired(void *arg)
{
	struct mqtt *m = arg;

	connect_now(m);
}

/* CONNACK return codes (3.1.1) and reason codes (5) a retry will not fix soon. */
static const char *refusal_reason(int code)
{
	switch (code) {
	case 1: return "unacceptable protocol version";
	case 2: return "client identifier rejected";
	case 4: return "bad user name or password";
	case 5: return "not authorised";
	case 0x84: return "unsupported protocol version";
	case 0x85: return "client identifier not valid";
	case 0x86: return "bad user name or password";
	case 0x87: return "not authorised";
	case 0x8A: return "banned";
	case 0x8C: return "bad authentication method";
	default: return NULL;
	}
}

static void handle_connect_failed(struct mqtt *m, const struct event *ev)
{
	const char *uri = m->config->broker.uri;
	const char *refusal = refusal_reason(ev->code);
	char tls_error[sizeof(m->tls_error)];
	char what[512];
	bool refused;

	pthread_mutex_lock(&m->lock);
	memcpy(tls_error, m->tls_error, sizeof(tls_error));
	pthread_mutex_unlock(&m->lock);

	m->counters->connect_failures++;
	if (refusal) {
		snprintf(what, sizeof(what), "broker %s refused the connection: %s "
			 "(return code %d); retrying slowly", uri, refusal, ev->code);
	} else if (tls_error[0]) {
		/* Certificates, keys and trust do not fix themselves in seconds. */
		snprintf(what, sizeof(what), "TLS handshake with %s failed: %s; "
			 "retrying slowly", uri, tls_error);
	} else if (ev->code > 0) {
		snprintf(what, sizeof(what), "broker %s refused the connection: "
			 "return code %d; retrying", uri, ev->code);
	} else {
		snprintf(what, sizeof(what), "cannot connect to %s: %s; retrying", uri,
			 ev->text ? ev->text : MQTTAsync_strerror(ev->code));
	}
	refused = refusal || tls_error[0];
	if (refused)
		m->counters->auth_failures++;
	set_last_error(m, what);
	log_problem(m, refused ? LOG_LEVEL_ERROR : LOG_LEVEL_WARNING, what);
	teardown(m, true);
	schedule_retry(m, refused);
}

static int subscribe_one(struct mqtt *m, struct subscription *s)
{
	MQTTAsync_responseOptions ro = response_options(m, &subscribe_answers);
	int rc;

	rc = MQTTAsync_subscribe(m->client, s->filter, s->qos, &ro);
	if (rc != MQTTASYNC_SUCCESS) {
		log_error("cannot subscribe to %s: %s", s->filter, MQTTAsync_strerror(rc));
		return -EIO;
	}
	m->subscribes_outstanding++;
	return 0;
}

static void unsubscribe_one(struct mqtt *m, struct dropped_filter *d)
{
	MQTTAsync_responseOptions ro = response_options(m, &unsubscribe_answers);
	int rc;

	rc = MQTTAsync_unsubscribe(m->client, d->filter, &ro);
	if (rc != MQTTASYNC_SUCCESS) {
		log_error("cannot unsubscribe from %s: %s", d->filter, MQTTAsync_strerror(rc));
		return;
	}
	d->token = ro.token;
}

/* The broker answered the UNSUBSCRIBE @token: done with its filter, or not. */
static void handle_unsubscribed(struct mqtt *m, const struct event *ev)
{
	struct dropped_filter **pp, *d;

	for (pp = &m->dropped; (d = *pp); pp = &d->next)
		if (d->token && d->token == ev->token)
			break;
	if (!d)
		return;		/* subscribed again meanwhile */
	if (ev->type == EV_UNSUBSCRIBE_FAILED) {
		log_warning("the broker refused to unsubscribe from %s (code %d); "
			    "trying again on the next connection", d->filter, ev->code);
		d->token = 0;
		return;
	}
	log_debug("the broker acknowledged unsubscribing from %s", d->filter);
	*pp = d->next;
	free(d->filter);
	free(d);
}

/* @filter is wanted again: it is no longer to be unsubscribed. */
static void forget_dropped(struct mqtt *m, const char *filter)
{
	struct dropped_filter **pp, *d;

	for (pp = &m->dropped; (d = *pp); pp = &d->next) {
		if (strcmp(d->filter, filter) == 0) {
			*pp = d->next;
			free(d->filter);
			free(d);
			return;
		}
	}
}

static void run_connect_hooks(struct mqtt *m)
{
	bool new_connection = !m->hooks_ran;

	m->hooks_ran = true;
	for (struct connect_hook *h = m->hooks; h && m->state == MQTT_CONNECTED; h = h->next)
		h->cb(h->arg, new_connection);
}

static void handle_connected(struct mqtt *m, const struct event *ev)
{
	int nodelay;

	m->state = MQTT_CONNECTED;
	m->connected_since_ms = loop_wall_ms();
	if (m->counters->connects++)
		m->counters->reconnects++;
	backoff_reset(&m->network_backoff);
	backoff_reset(&m->refused_backoff);
	set_last_error(m, NULL);
	free(m->last_logged_error);
	m->last_logged_error = NULL;
	log_notice("connected to %s as %s (%s session)", m->config->broker.uri,
		   m->config->broker.client_id, ev->session_present ? "resumed" : "new");
	nodelay = tcp_nodelay_all();
	if (nodelay < 0)
		log_warning("cannot turn Nagle's algorithm off: %s", strerror(-nodelay));

	mqtt_publish(m, m->status_topic, STATUS_ONLINE, strlen(STATUS_ONLINE), 1, true,
		     NULL, NULL, 0);
	/* Hooks run once every subscription is in place. */
	for (struct subscription *s = m->subscriptions; s; s = s->next)
		subscribe_one(m, s);
	for (struct dropped_filter *d = m->dropped; d; d = d->next)
		unsubscribe_one(m, d);
	if (!m->subscribes_outstanding)
		run_connect_hooks(m);
}

static void handle_lost(struct mqtt *m, const struct event *ev)
{
	char what[512];

	snprintf(what, sizeof(what), "connection to %s lost%s%s; reconnecting",
		 m->config->broker.uri, ev->text ? ": " : "", ev->text ? ev->text : "");
	set_last_error(m, what);
	log_warning("%s", what);
	teardown(m, true);
	schedule_retry(m, false);
}

static void handle_send_done(struct mqtt *m, const struct event *ev, int error)
{
	struct pending **pp, *p;

	for (pp = &m->pending; (p = *pp); pp = &p->next) {
		if (p->token != ev->token)
			continue;
		*pp = p->next;
		if (error)
			log_debug("publish failed: %s", ev->text ? ev->text : "no reason given");
		complete_pending(m, p, error);
		return;
	}
}

static void dispatch_message(struct mqtt *m, const struct event *ev)
{
	bool handled = false;

	for (struct subscription *s = m->subscriptions; s; s = s->next) {
		if (topic_matches(s->filter, ev->topic)) {
			s->cb(s->arg, ev->topic, ev->payload, ev->len);
			handled = true;
		}
	}
	if (!handled)
		log_debug("message on %s matches no subscription", ev->topic);
}

static void handle_event(struct mqtt *m, struct event *ev)
{
	/* Reports of a client already destroyed are stale. */
	if (ev->generation != m->generation || !m->client)
		return;

	switch (ev->type) {
	case EV_CONNECTED:
		handle_connected(m, ev);
		break;
	case EV_CONNECT_FAILED:
		handle_connect_failed(m, ev);
		break;
	case EV_LOST:
		handle_lost(m, ev);
		break;
	case EV_SENT:
		handle_send_done(m, ev, 0);
		break;
	case EV_SEND_FAILED:
		handle_send_done(m, ev, -EIO);
		break;
	case EV_SUBSCRIBED:
	case EV_SUBSCRIBE_FAILED:
		if (ev->type == EV_SUBSCRIBE_FAILED)
			log_error("the broker refused a subscription (code %d)", ev->code);
		if (m->subscribes_outstanding && --m->subscribes_outstanding == 0)
			run_connect_hooks(m);
		break;
	case EV_UNSUBSCRIBED:
	case EV_UNSUBSCRIBE_FAILED:
		handle_unsubscribed(m, ev);
		break;
	case EV_MESSAGE:
		dispatch_message(m, ev);
		break;
	}
}

static void free_event(struct event *ev)
{
	free(ev->topic);
	free(ev->payload);
	free(ev->text);
	free(ev);
}

static void wake_fd_ready(void *arg, int fd, short revents)
{
	struct mqtt *m = arg;
	struct event *ev;
	uint64_t count;

	(void)revents;
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_error("eventfd read: %s", strerror(errno));

	for (;;) {
		pthread_mutex_lock(&m->lock);
		ev = m->events;
		if (ev) {
			m->events = ev->next;
			if (!m->events)
				m->events_tail = &m->events;
		}
		pthread_mutex_unlock(&m->lock);
		if (!ev)
			break;
		handle_event(m, ev);
		free_event(ev);
	}
}

static void warn_if_insecure(const struct config *config)
{
	if (config->broker.tls_insecure)
		log_warning("broker.tls_insecure is set: the broker's certificate is NOT "
			    "verified, so anyone on the path can impersonate it");
}

static void update_from_config(struct mqtt *m)
{
	const struct reconnect_config *r = &m->config->reconnect;

	if (topic_expand(m->config->telemetry.status_topic, m->config->thing_name,
			 m->status_topic, sizeof(m->status_topic)) < 0)
		m->status_topic[0] = '\0';	/* the configuration checked it fits */
	backoff_init(&m->network_backoff, r->min_ms, r->max_ms, 0, 0);
	backoff_init(&m->refused_backoff, r->refused_min_ms, r->refused_max_ms,
		     r->refused_min_ms, 0);
}

struct mqtt *mqtt_new(struct loop *loop, const struct config *config,
		      struct counters *counters)
{
	struct mqtt *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->loop = loop;
	m->config = config;
	m->counters = counters;
	m->events_tail = &m->events;
	pthread_mutex_init(&m->lock, NULL);
	loop_timer_init(&m->retry_timer, retry_timer_fired, m);
	update_from_config(m);
	m->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->wake_fd < 0 || loop_add_fd(loop, m->wake_fd, POLLIN, wake_fd_ready, m) < 0) {
		if (m->wake_fd >= 0)
			close(m->wake_fd);
		pthread_mutex_destroy(&m->lock);
		free(m);
		return NULL;
	}
	warn_if_insecure(config);
	return m;
}

void mqtt_free(struct mqtt *m)
{
	struct event *ev;

	if (!m)
		return;
	loop_timer_cancel(m->loop, &m->retry_timer);
	teardown(m, false);
	loop_remove_fd(m->loop, m->wake_fd);
	close(m->wake_fd);
	while ((ev = m->events)) {
		m->events = ev->next;
		free_event(ev);
	}
	while (m->subscriptions) {
		struct subscription *s = m->subscriptions;

		m->subscriptions = s->next;
		free(s->filter);
		free(s);
	}
	while (m->dropped) {
		struct dropped_filter *d = m->dropped;

		m->dropped = d->next;
		free(d->filter);
		free(d);
	}
	while (m->hooks) {
		struct connect_hook *h = m->hooks;

		m->hooks = h->next;
		free(h);
	}
	free(m->last_error);
	free(m->last_logged_error);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

int mqtt_start(struct mqtt *m)
{
	return connect_now(m);
}

static void shutdown_timer_fired(void *arg)
{
	loop_stop(arg);
}

static void offline_done(void *arg, uint64_t cookie, int error)
{
	(void)cookie;
	(void)error;
	loop_stop(arg);
}

void mqtt_shutdown(struct mqtt *m, uint32_t timeout_ms)
{
	struct loop_timer timer;

	loop_timer_cancel(m->loop, &m->retry_timer);
	if (m->state == MQTT_CONNECTED) {
		MQTTAsync_disconnectOptions dis = MQTTAsync_disconnectOptions_initializer;

		m->state = MQTT_STOPPING;
		/* A clean disconnect sends no will: say "offline" ourselves. */
		if (mqtt_publish(m, m->status_topic, STATUS_OFFLINE, strlen(STATUS_OFFLINE), 1,
				 true, offline_done, m->loop, 0) == 0) {
			loop_timer_init(&timer, shutdown_timer_fired, m->loop);
			loop_timer_arm(m->loop, &timer, timeout_ms ? timeout_ms : 1);
			loop_run(m->loop);
			loop_timer_cancel(m->loop, &timer);
		}
		dis.timeout = 1000;
		if (m->client)
			MQTTAsync_disconnect(m->client, &dis);
		/* paho sends the DISCONNECT on its own thread; give it a moment. */
		for (int i = 0; i < 100 && m->client && MQTTAsync_isConnected(m->client); i++)
			usleep(10000);
		log_notice("disconnected from %s", m->config->broker.uri);
	}
	m->state = MQTT_STOPPING;
	teardown(m, false);
}

void mqtt_reconfigure(struct mqtt *m, const struct config *previous)
{
	if (!config_broker_changed(previous, m->config))
		return;
	update_from_config(m);
	warn_if_insecure(m->config);
	log_notice("broker settings changed: reconnecting");
	loop_timer_cancel(m->loop, &m->retry_timer);
	teardown(m, false);
	connect_now(m);
}

int mqtt_subscribe(struct mqtt *m, const char *filter, int qos, mqtt_message_cb cb, void *arg)
{
	struct subscription *s = calloc(1, sizeof(*s)), **pp;

	if (!s || !(s->filter = strdup(filter))) {
		free(s);
		return -ENOMEM;
	}
	s->qos = qos;
	s->cb = cb;
	s->arg = arg;
	for (pp = &m->subscriptions; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	forget_dropped(m, filter);
	if (m->state == MQTT_CONNECTED)
		subscribe_one(m, s);
	return 0;
}

int mqtt_unsubscribe(struct mqtt *m, const char *filter, mqtt_message_cb cb, void *arg)
{
	struct subscription **pp, *s;
	struct dropped_filter *d, **dp;

	for (pp = &m->subscriptions; (s = *pp); pp = &s->next)
		if (s->cb == cb && s->arg == arg && strcmp(s->filter, filter) == 0)
			break;
	if (!s)
		return -ENOENT;
	*pp = s->next;
	free(s->filter);
	free(s);
	for (s = m->subscriptions; s; s = s->next)
		if (strcmp(s->filter, filter) == 0)
			return 0;	/* another handler still wants it */

	d = calloc(1, sizeof(*d));
	if (!d || !(d->filter = strdup(filter))) {
		/* Its messages keep coming, and match nothing. */
		free(d);
		return -ENOMEM;
	}
	for (dp = &m->dropped; *dp; dp = &(*dp)->next)
		;
	*dp = d;
	if (m->state == MQTT_CONNECTED)
		unsubscribe_one(m, d);
	return 0;
}

int mqtt_add_connect_hook(struct mqtt *m, mqtt_connect_cb cb, void *arg)
{
	struct connect_hook *h = calloc(1, sizeof(*h)), **pp;

	if (!h)
		return -ENOMEM;
	h->cb = cb;
	h->arg = arg;
	for (pp = &m->hooks; *pp; pp = &(*pp)->next)
		;
	*pp = h;
	return 0;
}

int mqtt_publish(struct mqtt *m, const char *topic, const void *payload, size_t len,
		 int qos, bool retained, mqtt_done_cb done, void *arg, uint64_t cookie)
{
	MQTTAsync_responseOptions ro = response_options(m, &publish_answers);
	MQTTAsync_message msg = MQTTAsync_message_initializer;
	struct pending *p = NULL;
	bool tracked;
	int rc;

	if (!m->client || (m->state != MQTT_CONNECTED && m->state != MQTT_STOPPING))
		return -ENOTCONN;
	/*
	 * A QoS 0 message nobody waits for is not followed: paho's answer
	 * would wake the loop once per message only to be looked up in the
	 * pending list, a search as long as paho's backlog.
	 */
	tracked = qos > 0 || done;
	if (tracked) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
	}

	msg.payload = (void *)payload;
	msg.payloadlen = (int)len;
	msg.qos = qos;
	msg.retained = retained;
	rc = MQTTAsync_sendMessage(m->client, topic, &msg, tracked ? &ro : NULL);
	if (rc != MQTTASYNC_SUCCESS) {
		free(p);
		log_debug("cannot publish to %s: %s", topic, MQTTAsync_strerror(rc));
		return rc == MQTTASYNC_DISCONNECTED ? -ENOTCONN : -EIO;
	}
	if (tracked) {
		p->token = ro.token;
		p->qos = qos;
		p->done = done;
		p->arg = arg;
		p->cookie = cookie;
		p->next = m->pending;
		m->pending = p;
	}

	m->counters->published++;
	m->counters->published_bytes += len;
	m->counters->billing_units += len ? (len + BILLING_UNIT_BYTES - 1) / BILLING_UNIT_BYTES : 1;
	return 0;
}

bool mqtt_is_connected(const struct mqtt *m)
{
	return m->state == MQTT_CONNECTED;
}

enum mqtt_state mqtt_state(const struct mqtt *m)
{
	return m->state;
}

const char *mqtt_state_name(enum mqtt_state state)
{
	switch (state) {
	case MQTT_DISCONNECTED: return "disconnected";
	case MQTT_CONNECTING: return "connecting";
	case MQTT_CONNECTED: return "connected";
	case MQTT_RETRYING: return "retrying";
	case MQTT_REFUSED: return "refused";
	case MQTT_STOPPING: return "stopping";
	}
	return "unknown";
}

int64_t mqtt_connected_since_ms(const struct mqtt *m)
{
	return m->connected_since_ms;
}

const char *mqtt_last_error(const struct mqtt *m)
{
	return m->last_error;
}

int64_t mqtt_retry_in_ms(const struct mqtt *m)
{
	return loop_timer_remaining(&m->retry_timer);
}
