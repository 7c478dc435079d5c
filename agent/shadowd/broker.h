/* SPDX-License-Identifier: GPL-2.0 */
/* The broker connection: subscriptions to the request topics, publishing. */
#ifndef KTHING_SHADOWD_BROKER_H
#define KTHING_SHADOWD_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct broker;

/* Called on the broker's thread for every request received. */
typedef void (*broker_message_fn)(void *ctx, const char *topic,
				  const void *payload, size_t len);
/* Called on the broker's thread once connected and subscribed. */
typedef void (*broker_connected_fn)(void *ctx);

struct broker_counters {
	uint64_t connects;
	uint64_t connection_losses;
	uint64_t connect_failures;
};

int broker_create(struct broker **out, const struct shadowd_config *cfg,
		  broker_message_fn on_message, broker_connected_fn on_connected,
		  void *ctx, char *err, size_t errlen);
/* Start connecting; returns at once, the outcome arrives later. */
int broker_connect(struct broker *b);
/* True when the last connect attempt failed and none is under way. */
bool broker_needs_connect(struct broker *b);
bool broker_connected(struct broker *b);
/*
 * QoS 1, not retained unless @retain. When paho's send queue is full, wait
 * up to @wait_ms for room; 0 from the broker's own thread, which must not
 * wait.
 */
int broker_publish(struct broker *b, const char *topic, const void *payload,
		   size_t len, bool retain, unsigned int wait_ms);
/* Disconnect, waiting up to @timeout_ms for queued messages to leave. */
void broker_disconnect(struct broker *b, unsigned int timeout_ms);
void broker_destroy(struct broker *b);
void broker_get_counters(struct broker *b, struct broker_counters *out);

#endif /* KTHING_SHADOWD_BROKER_H */
