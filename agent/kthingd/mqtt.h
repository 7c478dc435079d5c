/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The broker connection: paho's MQTTAsync driven from the event loop.
 *
 * paho calls back on its own threads; every callback is turned into an event
 * queued under a mutex and signalled through an eventfd, and handled on the
 * loop thread. So everything below is called, and calls back, on the loop
 * thread only.
 *
 * Each connection gets a fresh paho client: nothing is retried behind the
 * agent's back, and whoever publishes QoS 1 keeps the message until its
 * completion says it was acknowledged (the offline queue does). The broker
 * session persists (clean session off, or clean start off with a session
 * expiry in MQTT 5), so subscriptions and messages to the device survive.
 *
 * Modules plug in with:
 *  - mqtt_subscribe(): a filter with a message handler, subscribed on every
 *    connection before the connect hooks run; messages are dispatched to the
 *    handler of every matching filter;
 *  - mqtt_unsubscribe(): the handler is gone at once, and the filter, once
 *    no handler is left on it, is unsubscribed (on later connections too,
 *    until the broker acknowledges it: the session may hold it);
 *  - mqtt_add_connect_hook(): called with @new_connection true on every
 *    (re)connection, once the subscriptions have been granted (for instance
 *    to publish a shadow get), and with it false whenever subscriptions
 *    made later on the same connection have been granted (for instance to
 *    start what waited for them);
 *  - mqtt_publish(): with a completion called once, with 0 when the broker
 *    acknowledged (QoS 1) or the message was written (QoS 0), else a negative
 *    errno (-ENOTCONN when the connection went away first).
 */
#ifndef KTHINGD_MQTT_H
#define KTHINGD_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct counters;
struct loop;
struct mqtt;

enum mqtt_state {
	MQTT_DISCONNECTED,	/* not started */
	MQTT_CONNECTING,
	MQTT_CONNECTED,
	MQTT_RETRYING,		/* waiting after a network failure */
	MQTT_REFUSED,		/* waiting after an authorisation refusal */
	MQTT_STOPPING,
};

typedef void (*mqtt_message_cb)(void *arg, const char *topic, const void *payload,
				size_t len);
typedef void (*mqtt_done_cb)(void *arg, uint64_t cookie, int error);
typedef void (*mqtt_connect_cb)(void *arg, bool new_connection);

struct mqtt *mqtt_new(struct loop *loop, const struct config *config,
		      struct counters *counters);
void mqtt_free(struct mqtt *m);

/* Start connecting (and keep trying). */
int mqtt_start(struct mqtt *m);

/*
 * Publish the retained "offline", wait up to @timeout_ms for every QoS 1
 * message in flight to be acknowledged, then disconnect. Returns at once
 * when not connected. Runs the loop until done.
 */
void mqtt_shutdown(struct mqtt *m, uint32_t timeout_ms);

/*
 * The configuration given to mqtt_new() was reloaded in place; @previous is
 * what it was. Reconnects when the broker settings changed.
 */
void mqtt_reconfigure(struct mqtt *m, const struct config *previous);

int mqtt_subscribe(struct mqtt *m, const char *filter, int qos, mqtt_message_cb cb,
		   void *arg);
/*
 * Remove the subscription mqtt_subscribe() made with these arguments; not
 * from within a message handler. Returns 0, -ENOENT when there is none, or
 * -ENOMEM (the handler is gone; the broker may keep sending the filter's
 * messages, which then match nothing).
 */
int mqtt_unsubscribe(struct mqtt *m, const char *filter, mqtt_message_cb cb, void *arg);
int mqtt_add_connect_hook(struct mqtt *m, mqtt_connect_cb cb, void *arg);

/*
 * Publish; @done (may be NULL) gets @cookie back. Returns 0 when handed to
 * the connection, -ENOTCONN when not connected (then @done is not called),
 * or another negative errno.
 */
int mqtt_publish(struct mqtt *m, const char *topic, const void *payload, size_t len,
		 int qos, bool retained, mqtt_done_cb done, void *arg, uint64_t cookie);

bool mqtt_is_connected(const struct mqtt *m);
enum mqtt_state mqtt_state(const struct mqtt *m);
const char *mqtt_state_name(enum mqtt_state state);
/* Wall-clock ms of the current connection, 0 when not connected. */
int64_t mqtt_connected_since_ms(const struct mqtt *m);
/* The last connection failure in words, or NULL. */
const char *mqtt_last_error(const struct mqtt *m);
/* Milliseconds until the next connection attempt, or -1. */
int64_t mqtt_retry_in_ms(const struct mqtt *m);

#endif
