/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telemetry on its way out. QoS 1 messages go through the offline queue and
 * are sent from its head, at most broker.max_inflight at a time, each kept
 * until the broker acknowledges it; after a reconnection everything not yet
 * acknowledged is sent again, in order. QoS 0 messages are sent when
 * connected and dropped (counted) otherwise.
 */
#ifndef KTHINGD_OUTBOX_H
#define KTHINGD_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "queue.h"

struct counters;
struct mqtt;

struct outbox {
	struct mqtt *mqtt;
	struct counters *counters;
	struct queue queue;
	unsigned int window;
	bool overflowing;	/* dropping since the queue last emptied */
	/* Called when the queue has emptied (graceful shutdown waits for it). */
	void (*drained)(void *arg);
	void *drained_arg;
};

int outbox_init(struct outbox *ob, struct mqtt *mqtt, struct counters *counters,
		size_t max_messages, size_t max_bytes, const char *state_dir,
		unsigned int window, char *err, size_t errlen);
void outbox_fini(struct outbox *ob);

void outbox_publish(struct outbox *ob, const char *topic, const char *payload, size_t len,
		    int qos);

/* Send what the window allows (on connection, and after completions). */
void outbox_pump(struct outbox *ob);

#endif
