// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "queue.h"

static size_t entry_bytes(const struct queue_entry *e)
{
	return strlen(e->topic) + e->len;
}

static void entry_free(struct queue_entry *e)
{
	free(e->topic);
	free(e->payload);
	free(e);
}

/*
 * Run a write to the disk and note how it went. A disk that is full or
 * read-only fails writes: one error when that starts and one notice when it
 * is over, not a line per message. A nearly full disk takes some writes and
 * refuses others, so it is over only after a run of successful writes. The
 * queue goes on in memory meanwhile.
 */
static void db_write_done(struct queue *q, sqlite3_stmt *stmt, const char *what)
{
	if (sqlite3_step(stmt) == SQLITE_DONE) {
		if (q->store_failing && ++q->store_ok_streak >= QUEUE_STORE_RECOVERY_WRITES) {
			log_notice("offline queue: the disk takes messages again");
			q->store_failing = false;
		}
	} else {
		q->store_ok_streak = 0;
		if (!q->store_failing)
			log_error("offline queue: cannot %s on disk: %s; keeping messages in "
				  "memory only (lost if kthingd stops) until the disk takes "
				  "them again", what, sqlite3_errmsg(q->db));
		else
			log_debug("offline queue: cannot %s on disk: %s", what,
				  sqlite3_errmsg(q->db));
		q->store_failing = true;
	}
	sqlite3_reset(stmt);
}

static void db_delete(struct queue *q, uint64_t id)
{
	if (!q->db)
		return;
	sqlite3_bind_int64(q->delete, 1, (sqlite3_int64)id);
	db_write_done(q, q->delete, "forget a delivered message");
}

/* Unlink @e, whose predecessor is @prev (NULL for the head), and free it. */
static void remove_entry(struct queue *q, struct queue_entry *prev, struct queue_entry *e)
{
	if (prev)
		prev->next = e->next;
	else
		q->head = e->next;
	if (q->tail == e)
		q->tail = prev;
	q->count--;
	q->bytes -= entry_bytes(e);
	if (e->inflight)
		q->inflight--;
	db_delete(q, e->id);
	entry_free(e);
}

/* Drop the oldest messages not in flight until the bounds hold. */
static int enforce_bounds(struct queue *q)
{
	struct queue_entry *prev = NULL, *e = q->head;
	int dropped = 0;

	while (e && (q->count > q->max_messages || q->bytes > q->max_bytes)) {
		struct queue_entry *next = e->next;

		if (e->inflight) {
			prev = e;
		} else {
			remove_entry(q, prev, e);
			dropped++;
		}
		e = next;
	}
	q->dropped += dropped;
	return dropped;
}

static void append_entry(struct queue *q, struct queue_entry *e)
{
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->count++;
	q->bytes += entry_bytes(e);
	if (q->bytes > q->peak_bytes)
		q->peak_bytes = q->bytes;
}

static struct queue_entry *entry_new(uint64_t id, const char *topic, const void *payload,
				     size_t len)
{
	struct queue_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->id = id;
	e->topic = strdup(topic);
	/* Room for a NUL keeps the payload printable in logs and tests. */
	e->payload = malloc(len + 1);
	if (!e->topic || !e->payload) {
		entry_free(e);
		return NULL;
	}
	memcpy(e->payload, payload, len);
	e->payload[len] = '\0';
	e->len = len;
	return e;
}

static int db_open(struct queue *q, const char *state_dir, char *err, size_t errlen)
{
	/*
	 * Rows live for moments (until the broker's acknowledgement), so a
	 * small write-ahead log, truncated after each checkpoint, is enough:
	 * it keeps the footprint small on a small partition, and once a full
	 * disk has room again the log can grow into it.
	 */
	static const char schema[] =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=NORMAL;"
		"PRAGMA wal_autocheckpoint=64;"
		"PRAGMA journal_size_limit=0;"
		"CREATE TABLE IF NOT EXISTS queue ("
		" id INTEGER PRIMARY KEY,"
		" topic TEXT NOT NULL,"
		" payload BLOB NOT NULL);";
	sqlite3_stmt *load;
	char path[PATH_MAX];
	int rc;

	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "queue.state_dir: %s: %s", state_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", state_dir, QUEUE_FILE_NAME);
	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(q->db, schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(q->db, "INSERT INTO queue (id, topic, payload) "
					"VALUES (?, ?, ?)", -1, &q->insert, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(q->db, "DELETE FROM queue WHERE id = ?", -1,
					&q->delete, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(q->db, "SELECT id, topic, payload FROM queue "
					"ORDER BY id", -1, &load, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "queue.state_dir: %s: %s", path,
			 q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		return -1;
	}

	while ((rc = sqlite3_step(load)) == SQLITE_ROW) {
		uint64_t id = (uint64_t)sqlite3_column_int64(load, 0);
		const char *topic = (const char *)sqlite3_column_text(load, 1);
		const void *payload = sqlite3_column_blob(load, 2);
		size_t len = (size_t)sqlite3_column_bytes(load, 2);
		struct queue_entry *e = entry_new(id, topic ? topic : "", payload ? payload : "",
						  len);

		if (!e) {
			rc = SQLITE_NOMEM;
			break;
		}
		append_entry(q, e);
		if (id >= q->next_id)
			q->next_id = id + 1;
	}
	sqlite3_finalize(load);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "queue.state_dir: %s: %s", path, sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int queue_open(struct queue *q, size_t max_messages, size_t max_bytes,
	       const char *state_dir, char *err, size_t errlen)
{
	memset(q, 0, sizeof(*q));
	q->max_messages = max_messages;
	q->max_bytes = max_bytes;
	q->next_id = 1;
	if (state_dir && db_open(q, state_dir, err, errlen) < 0) {
		queue_close(q);
		return -1;
	}
	if (q->count)
		log_info("offline queue: %zu message(s) kept from before", q->count);
	enforce_bounds(q);
	return 0;
}

void queue_close(struct queue *q)
{
	struct queue_entry *e = q->head;

	while (e) {
		struct queue_entry *next = e->next;

		entry_free(e);
		e = next;
	}
	sqlite3_finalize(q->insert);
	sqlite3_finalize(q->delete);
	if (q->db)
		sqlite3_close(q->db);
	memset(q, 0, sizeof(*q));
}

int queue_push(struct queue *q, const char *topic, const char *payload, size_t len)
{
	struct queue_entry *e = entry_new(q->next_id, topic, payload, len);

	if (!e)
		return -ENOMEM;
	if (entry_bytes(e) > q->max_bytes) {
		entry_free(e);
		q->dropped++;
		return 1;
	}
	q->next_id++;
	if (q->db) {
		sqlite3_bind_int64(q->insert, 1, (sqlite3_int64)e->id);
		sqlite3_bind_text(q->insert, 2, e->topic, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q->insert, 3, e->payload, (int)e->len, SQLITE_STATIC);
		/* Still queued in memory: only the restart guarantee is lost. */
		db_write_done(q, q->insert, "store a message");
	}
	append_entry(q, e);
	return enforce_bounds(q);
}

struct queue_entry *queue_next_unsent(struct queue *q)
{
	struct queue_entry *e;

	for (e = q->head; e; e = e->next)
		if (!e->inflight)
			return e;
	return NULL;
}

void queue_mark_inflight(struct queue *q, struct queue_entry *e)
{
	if (!e->inflight) {
		e->inflight = true;
		q->inflight++;
	}
}

static struct queue_entry *find(struct queue *q, uint64_t id, struct queue_entry **prevp)
{
	struct queue_entry *prev = NULL, *e;

	for (e = q->head; e; prev = e, e = e->next) {
		if (e->id == id) {
			*prevp = prev;
			return e;
		}
	}
	return NULL;
}

int queue_ack(struct queue *q, uint64_t id)
{
	struct queue_entry *prev, *e = find(q, id, &prev);

	if (!e)
		return -ENOENT;
	remove_entry(q, prev, e);
	/*
	 * The allocator keeps what a drained backlog held (6.7 MB after 35,000
	 * messages); hand it back, once per backlog.
	 */
	if (q->count == 0 && q->peak_bytes >= QUEUE_TRIM_BYTES) {
		q->peak_bytes = 0;
		malloc_trim(0);
	}
	return 0;
}

int queue_unsend(struct queue *q, uint64_t id)
{
	struct queue_entry *prev, *e = find(q, id, &prev);

	if (!e)
		return -ENOENT;
	if (e->inflight) {
		e->inflight = false;
		q->inflight--;
	}
	return 0;
}

void queue_unsend_all(struct queue *q)
{
	for (struct queue_entry *e = q->head; e; e = e->next)
		e->inflight = false;
	q->inflight = 0;
}

int queue_set_bounds(struct queue *q, size_t max_messages, size_t max_bytes)
{
	q->max_messages = max_messages;
	q->max_bytes = max_bytes;
	return enforce_bounds(q);
}
