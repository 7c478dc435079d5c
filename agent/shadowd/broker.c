// SPDX-License-Identifier: GPL-2.0
/*
 * paho MQTTAsync connection. A persistent session (clean session off) with
 * QoS 1 subscriptions: requests published while the service is down are
 * held by the broker and served when it is back. Paho reconnects on its own
 * after a loss; a failed first connect is retried by the main loop.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <MQTTAsync.h>

#include "../common/tcp_nodelay.h"
#include "broker.h"
#include "log.h"

static char *const request_topics[] = {
	"$aws/things/+/shadow/get",
	"$aws/things/+/shadow/update",
	"$aws/things/+/shadow/delete",
	"$aws/things/+/shadow/name/+/get",
	"$aws/things/+/shadow/name/+/update",
	"$aws/things/+/shadow/name/+/delete",
};
#define N_TOPICS (sizeof(request_topics) / sizeof(request_topics[0]))
#define BUFFERED_MAX 4096

struct broker {
	MQTTAsync client;
	broker_message_fn on_message;
	broker_connected_fn on_connected;
	void *ctx;
	/* Written by paho's threads, read by the main loop. */
	atomic_bool connected;
	atomic_bool connecting;
	atomic_bool disconnected;
	atomic_uint_fast64_t connects, losses, failures;
	/* Kept alive for the client's lifetime: paho keeps pointers. */
	char *will_topic;
	char *username, *password, *ca_file, *cert_file, *key_file;
	unsigned char alpn[64];
	unsigned int alpn_len;
	unsigned int keepalive_s;
	bool tls, verify;
};

static void on_subscribed(void *ctx, MQTTAsync_successData *data)
{
	struct broker *b = ctx;

	(void)data;
	atomic_store(&b->connected, true);
	log_info("subscribed to the shadow request topics");
	if (b->on_connected)
		b->on_connected(b->ctx);
}

static void on_subscribe_failed(void *ctx, MQTTAsync_failureData *data)
{
	struct broker *b = ctx;

	log_error("subscribing to the shadow request topics failed (%d%s%s); reconnecting",
		  data ? data->code : 0, data && data->message ? ": " : "",
		  data && data->message ? data->message : "");
	/* Serving nothing while connected would be silent: start over. */
	MQTTAsync_disconnect(b->client, NULL);
	atomic_store(&b->connected, false);
	atomic_store(&b->connecting, false);
}

static void on_connected(void *ctx, char *cause)
{
	static const int qos[N_TOPICS] = { 1, 1, 1, 1, 1, 1 };
	MQTTAsync_responseOptions opts = MQTTAsync_responseOptions_initializer;
	struct broker *b = ctx;
	int rc;

	(void)cause;
	atomic_store(&b->connecting, false);
	atomic_fetch_add(&b->connects, 1);
	log_info("connected to the broker");
	rc = tcp_nodelay_all();
	if (rc < 0)
		log_warn("cannot turn Nagle's algorithm off: %s", strerror(-rc));
	opts.onSuccess = on_subscribed;
	opts.onFailure = on_subscribe_failed;
	opts.context = b;
	rc = MQTTAsync_subscribeMany(b->client, N_TOPICS, request_topics, (int *)qos, &opts);
	if (rc != MQTTASYNC_SUCCESS)
		log_error("subscribing failed to start: %s", MQTTAsync_strerror(rc));
}

static void on_connection_lost(void *ctx, char *cause)
{
	struct broker *b = ctx;

	atomic_store(&b->connected, false);
	atomic_fetch_add(&b->losses, 1);
	log_warn("connection to the broker lost%s%s; reconnecting", cause ? ": " : "",
		 cause ? cause : "");
}

static int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg)
{
	struct broker *b = ctx;
	char *t = topic;

	/* A topic with an embedded NUL is no shadow topic. */
	if (topic_len == 0 || (size_t)topic_len == strlen(topic))
		b->on_message(b->ctx, t, msg->payload, (size_t)msg->payloadlen);
	MQTTAsync_freeMessage(&msg);
	MQTTAsync_free(topic);
	return 1;
}

static void on_connect_failed(void *ctx, MQTTAsync_failureData *data)
{
	struct broker *b = ctx;
	const char *why = data && data->message ? data->message
			  : MQTTAsync_strerror(data ? data->code : MQTTASYNC_FAILURE);

	atomic_fetch_add(&b->failures, 1);
	/* CONNACK codes 4 and 5 are credentials and authorisation. */
	if (data && (data->code == 4 || data->code == 5))
		log_error("the broker refused the connection: not authorised (%s)", why);
	else
		log_warn("connecting to the broker failed: %s", why);
	atomic_store(&b->connecting, false);
}

static void on_disconnected(void *ctx, MQTTAsync_successData *data)
{
	struct broker *b = ctx;

	(void)data;
	atomic_store(&b->disconnected, true);
}

static void on_disconnect_failed(void *ctx, MQTTAsync_failureData *data)
{
	(void)data;
	on_disconnected(ctx, NULL);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool uri_is_tls(const char *uri)
{
	return !strncmp(uri, "mqtts://", 8) || !strncmp(uri, "ssl://", 6) ||
	       !strncmp(uri, "wss://", 6);
}

static void default_client_id(char *buf, size_t size)
{
	char host[64] = "localhost";

	gethostname(host, sizeof(host) - 1);
	/* '@' is not allowed in thing names: no device can take this id. */
	snprintf(buf, size, "kthing-shadowd@%s", host);
}

int broker_create(struct broker **out, const struct shadowd_config *cfg,
		  broker_message_fn on_message_fn, broker_connected_fn on_connected_fn,
		  void *ctx, char *err, size_t errlen)
{
	MQTTAsync_createOptions copts = MQTTAsync_createOptions_initializer;
	struct broker *b = calloc(1, sizeof(*b));
	char client_id[128];
	int rc;

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->on_message = on_message_fn;
	b->on_connected = on_connected_fn;
	b->ctx = ctx;
	b->keepalive_s = cfg->keepalive_s;
	b->tls = uri_is_tls(cfg->broker_uri);
	b->verify = cfg->verify;
	/* Only ever on purpose, and never quietly. */
	if (b->tls && !b->verify)
		log_warn("broker.tls.verify is false: the broker's certificate is NOT verified");
	b->will_topic = dup_or_null(cfg->status_topic);
	b->username = dup_or_null(cfg->username);
	b->password = dup_or_null(cfg->password);
	b->ca_file = dup_or_null(cfg->ca_file);
	b->cert_file = dup_or_null(cfg->cert_file);
	b->key_file = dup_or_null(cfg->key_file);
	if (cfg->alpn) {
		size_t n = strlen(cfg->alpn);

		if (n == 0 || n > sizeof(b->alpn) - 1) {
			snprintf(err, errlen, "broker.tls.alpn: must be 1-%zu bytes",
				 sizeof(b->alpn) - 1);
			goto fail;
		}
		/* Wire format: a length byte, then the protocol name. */
		b->alpn[0] = (unsigned char)n;
		memcpy(b->alpn + 1, cfg->alpn, n);
		b->alpn_len = (unsigned int)n + 1;
	}
	if (cfg->client_id)
		snprintf(client_id, sizeof(client_id), "%s", cfg->client_id);
	else
		default_client_id(client_id, sizeof(client_id));

	copts.MQTTVersion = MQTTVERSION_3_1_1;
	/* Paho's queue of messages not yet written: responses wait there. */
	copts.maxBufferedMessages = BUFFERED_MAX;
	rc = MQTTAsync_createWithOptions(&b->client, cfg->broker_uri, client_id,
					 MQTTCLIENT_PERSISTENCE_NONE, NULL, &copts);
	if (rc != MQTTASYNC_SUCCESS) {
		snprintf(err, errlen, "broker.uri: %s: %s", cfg->broker_uri,
			 MQTTAsync_strerror(rc));
		goto fail;
	}
	MQTTAsync_setCallbacks(b->client, b, on_connection_lost, on_message, NULL);
	MQTTAsync_setConnected(b->client, b, on_connected);
	log_info("broker %s, client id %s", cfg->broker_uri, client_id);
	*out = b;
	return 0;

fail:
	broker_destroy(b);
	return -1;
}

int broker_connect(struct broker *b)
{
	MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
	MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
	MQTTAsync_willOptions will = MQTTAsync_willOptions_initializer;
	int rc;

	opts.keepAliveInterval = (int)b->keepalive_s;
	opts.cleansession = 0;
	opts.automaticReconnect = 1;
	opts.minRetryInterval = 1;
	opts.maxRetryInterval = 60;
	opts.connectTimeout = 10;
	opts.username = b->username;
	opts.password = b->password;
	opts.onFailure = on_connect_failed;
	opts.context = b;
	if (b->will_topic) {
		will.topicName = b->will_topic;
		will.message = "{\"state\":\"offline\"}";
		will.retained = 1;
		will.qos = 1;
		opts.will = &will;
	}
	if (b->tls) {
		ssl.trustStore = b->ca_file;
		ssl.keyStore = b->cert_file;
		ssl.privateKey = b->key_file;
		ssl.enableServerCertAuth = b->verify;
		ssl.verify = b->verify;
		if (b->alpn_len) {
			ssl.protos = b->alpn;
			ssl.protos_len = b->alpn_len;
		}
		opts.ssl = &ssl;
	}
	atomic_store(&b->connecting, true);
	rc = MQTTAsync_connect(b->client, &opts);
	if (rc != MQTTASYNC_SUCCESS) {
		atomic_store(&b->connecting, false);
		atomic_fetch_add(&b->failures, 1);
		log_warn("connecting to the broker failed to start: %s", MQTTAsync_strerror(rc));
		return -1;
	}
	return 0;
}

bool broker_needs_connect(struct broker *b)
{
	return !atomic_load(&b->connecting) && !MQTTAsync_isConnected(b->client) &&
	       atomic_load(&b->connects) == 0;
}

bool broker_connected(struct broker *b)
{
	return atomic_load(&b->connected) && MQTTAsync_isConnected(b->client);
}

int broker_publish(struct broker *b, const char *topic, const void *payload,
		   size_t len, bool retain, unsigned int wait_ms)
{
	MQTTAsync_message msg = MQTTAsync_message_initializer;
	struct timespec tick = { 0, 1000 * 1000 };
	unsigned int waited = 0;
	int rc;

	msg.payload = (void *)payload;
	msg.payloadlen = (int)len;
	msg.qos = 1;
	msg.retained = retain;
	/* A full send queue drains as the broker acknowledges: wait a little. */
	while ((rc = MQTTAsync_sendMessage(b->client, topic, &msg, NULL)) ==
	       MQTTASYNC_MAX_BUFFERED_MESSAGES && waited < wait_ms) {
		nanosleep(&tick, NULL);
		waited++;
	}
	if (rc != MQTTASYNC_SUCCESS) {
		log_debug("publishing on %s failed: %s", topic, MQTTAsync_strerror(rc));
		return -1;
	}
	return 0;
}

void broker_disconnect(struct broker *b, unsigned int timeout_ms)
{
	MQTTAsync_disconnectOptions opts = MQTTAsync_disconnectOptions_initializer;
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	if (!MQTTAsync_isConnected(b->client))
		return;
	opts.timeout = (int)timeout_ms;
	opts.onSuccess = on_disconnected;
	opts.onFailure = on_disconnect_failed;
	opts.context = b;
	if (MQTTAsync_disconnect(b->client, &opts) != MQTTASYNC_SUCCESS)
		return;
	for (unsigned int waited = 0; waited < timeout_ms + 1000 &&
	     !atomic_load(&b->disconnected); waited += 10)
		nanosleep(&tick, NULL);
}

void broker_destroy(struct broker *b)
{
	if (!b)
		return;
	if (b->client)
		MQTTAsync_destroy(&b->client);
	free(b->will_topic);
	free(b->username);
	free(b->password);
	free(b->ca_file);
	free(b->cert_file);
	free(b->key_file);
	free(b);
}

void broker_get_counters(struct broker *b, struct broker_counters *out)
{
	out->connects = atomic_load(&b->connects);
	out->connection_losses = atomic_load(&b->losses);
	out->connect_failures = atomic_load(&b->failures);
}
