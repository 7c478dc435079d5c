// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "counters.h"
#include "log.h"
#include "mqtt.h"
#include "outbox.h"

static void count_dropped(struct outbox *ob, int dropped)
{
	if (dropped <= 0)
		return;
	/* The first drop of a stretch is worth a line; the rest are counted. */
	if (!ob->overflowing)
		log_warning("offline queue full: dropping the oldest telemetry "
			    "(counted as dropped)");
	ob->overflowing = true;
	ob->counters->dropped += dropped;
}

static void maybe_drained(struct outbox *ob)
{
	if (ob->queue.count == 0)
		ob->overflowing = false;
	if (ob->drained && ob->queue.count == 0)
		ob->drained(ob->drained_arg);
}

static void sent(void *arg, uint64_t id, int error)
{
	struct outbox *ob = arg;

	if (error == 0)
		queue_ack(&ob->queue, id);
	else
		queue_unsend(&ob->queue, id);
	outbox_pump(ob);
	maybe_drained(ob);
}

/* Also when later subscriptions are granted: pumping again is harmless. */
static void on_connect(void *arg, bool new_connection)
{
	(void)new_connection;
	outbox_pump(arg);
}

void outbox_pump(struct outbox *ob)
{
	struct queue_entry *e;

	while (mqtt_is_connected(ob->mqtt) && ob->queue.inflight < ob->window &&
	       (e = queue_next_unsent(&ob->queue))) {
		if (mqtt_publish(ob->mqtt, e->topic, e->payload, e->len, 1, false, sent, ob,
				 e->id) < 0)
			break;
		queue_mark_inflight(&ob->queue, e);
	}
}

void outbox_publish(struct outbox *ob, const char *topic, const char *payload, size_t len,
		    int qos)
{
	int rc;

	if (qos == 0) {
		if (mqtt_publish(ob->mqtt, topic, payload, len, 0, false, NULL, NULL, 0) < 0)
			ob->counters->dropped++;
		return;
	}
	rc = queue_push(&ob->queue, topic, payload, len);
	if (rc < 0) {
		log_error("offline queue: %s", "out of memory");
		ob->counters->dropped++;
		return;
	}
	count_dropped(ob, rc);
	outbox_pump(ob);
}

int outbox_init(struct outbox *ob, struct mqtt *mqtt, struct counters *counters,
		size_t max_messages, size_t max_bytes, const char *state_dir,
		unsigned int window, char *err, size_t errlen)
{
	ob->mqtt = mqtt;
	ob->counters = counters;
	ob->window = window;
	ob->drained = NULL;
	ob->overflowing = false;
	if (queue_open(&ob->queue, max_messages, max_bytes, state_dir, err, errlen) < 0) {
		if (!state_dir)
			return -1;
		/*
		 * A full or read-only disk must not take the device offline:
		 * relay from memory, as without a state directory.
		 */
		log_error("%s; keeping the offline queue in memory only", err);
		if (queue_open(&ob->queue, max_messages, max_bytes, NULL, err, errlen) < 0)
			return -1;
	}
	count_dropped(ob, (int)ob->queue.dropped);
	return mqtt_add_connect_hook(mqtt, on_connect, ob);
}

void outbox_fini(struct outbox *ob)
{
	queue_close(&ob->queue);
}
