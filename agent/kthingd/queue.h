/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The offline queue: QoS 1 messages waiting for the broker's acknowledgement,
 * in order, bounded by count and bytes, kept on disk (SQLite) when a state
 * directory is given so they survive a restart. When a bound is hit the
 * oldest messages not yet sent are dropped, and counted.
 */
#ifndef KTHINGD_QUEUE_H
#define KTHINGD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct queue_entry {
	uint64_t id;		/* increasing: the delivery order */
	char *topic;
	char *payload;
	size_t len;
	bool inflight;		/* handed to the connection, not yet acknowledged */
	struct queue_entry *next;
};

struct queue {
	struct queue_entry *head, *tail;
	size_t count;
	size_t bytes;		/* topic and payload bytes of every entry */
	size_t peak_bytes;	/* the most @bytes has been since last empty */
	size_t inflight;
	size_t max_messages;
	size_t max_bytes;
	uint64_t next_id;
	uint64_t dropped;	/* since open */
	struct sqlite3 *db;	/* NULL: memory only */
	struct sqlite3_stmt *insert, *delete;
	/* The disk refuses writes (full, read-only): said once, not per message. */
	bool store_failing;
	unsigned int store_ok_streak;	/* writes that worked since the last failure */
};

/* A backlog this big is given back to the system once delivered. */
#define QUEUE_TRIM_BYTES		(1024 * 1024)

/* A failing disk counts as recovered after this many writes in a row. */
#define QUEUE_STORE_RECOVERY_WRITES	64

/*
 * Open a queue; with @state_dir, messages persisted there by an earlier run
 * are loaded (and bounded like new ones). Returns 0, or -1 with the problem
 * in @err.
 */
int queue_open(struct queue *q, size_t max_messages, size_t max_bytes,
	       const char *state_dir, char *err, size_t errlen);
void queue_close(struct queue *q);

/* The file a queue in @state_dir lives in. */
#define QUEUE_FILE_NAME	"kthingd-queue.db"

/*
 * Append a message. Returns how many older messages were dropped to make
 * room (the new one counts when it alone exceeds max_bytes), or -ENOMEM.
 */
int queue_push(struct queue *q, const char *topic, const char *payload, size_t len);

/* The oldest entry not in flight, or NULL. */
struct queue_entry *queue_next_unsent(struct queue *q);

void queue_mark_inflight(struct queue *q, struct queue_entry *e);

/* The broker acknowledged entry @id: forget it. Returns 0 or -ENOENT. */
int queue_ack(struct queue *q, uint64_t id);

/* Sending entry @id failed: it is to be sent again. Returns 0 or -ENOENT. */
int queue_unsend(struct queue *q, uint64_t id);

/* The connection lost everything in flight (a new session): resend it all. */
void queue_unsend_all(struct queue *q);

/* Change the bounds (configuration reload); drops what no longer fits. */
int queue_set_bounds(struct queue *q, size_t max_messages, size_t max_bytes);

#endif
