// SPDX-License-Identifier: GPL-2.0
/*
 * SQLite store. WAL mode with synchronous=FULL: a committed write is on
 * disk, so an update is acknowledged only once it survives a crash. Writes
 * are grouped in transactions so that many updates share one sync.
 *
 * Schema version 1 (PRAGMA user_version):
 *   shadows(thing, name, document, version, created, updated, deleted)
 * name is '' for the classic shadow; document is NULL once deleted, the row
 * then keeps the version so that a re-created shadow continues from it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

#define SCHEMA_VERSION 1

struct store {
	sqlite3 *db;
	sqlite3_stmt *load;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS shadows ("
	" thing TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" document TEXT,"
	" version INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" deleted INTEGER,"
	" PRIMARY KEY (thing, name)"
	") WITHOUT ROWID;";

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int user_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	int version;

	if (user_version(db, &version))
		goto sql_error;
	if (version > SCHEMA_VERSION) {
		snprintf(err, errlen, "database schema version %d is newer than this program's %d",
			 version, SCHEMA_VERSION);
		return -1;
	}
	if (version == SCHEMA_VERSION)
		return 0;
	/* Version 0 is an empty database: create everything at once. */
	if (exec(db, "BEGIN IMMEDIATE") || exec(db, schema) ||
	    exec(db, "PRAGMA user_version = 1") || exec(db, "COMMIT"))
		goto sql_error;
	return 0;

sql_error:
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	exec(db, "ROLLBACK");
	return -1;
}

int store_open(struct store **out, const char *path, char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (exec(st->db, "PRAGMA journal_mode = WAL") ||
	    exec(st->db, "PRAGMA synchronous = FULL")) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		goto fail;
	}
	if (migrate(st->db, err, errlen))
		goto fail;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT document, version, deleted FROM shadows"
			       " WHERE thing = ?1 AND name = ?2", -1, &st->load, NULL) ||
	    sqlite3_prepare_v2(st->db,
			       "INSERT INTO shadows (thing, name, document, version,"
			       " created, updated, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?5, NULL)"
			       " ON CONFLICT (thing, name) DO UPDATE SET"
			       " document = ?3, version = ?4, updated = ?5, deleted = NULL,"
			       " created = CASE WHEN deleted IS NULL THEN created ELSE ?5 END",
			       -1, &st->put, NULL) ||
	    sqlite3_prepare_v2(st->db,
			       "UPDATE shadows SET document = NULL, deleted = ?3, updated = ?3"
			       " WHERE thing = ?1 AND name = ?2 AND deleted IS NULL",
			       -1, &st->del, NULL)) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(st->db));
		goto fail;
	}
	*out = st;
	return 0;

fail:
	store_close(st);
	return -1;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->load);
	sqlite3_finalize(st->put);
	sqlite3_finalize(st->del);
	sqlite3_close(st->db);
	free(st);
}

const char *store_error(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

static void bind_names(sqlite3_stmt *stmt, const char *thing, const char *name)
{
	sqlite3_bind_text(stmt, 1, thing, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
}

static int finish(sqlite3_stmt *stmt, int rc)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

int store_load(struct store *st, const char *thing, const char *name,
	       struct store_row *row)
{
	int rc;

	memset(row, 0, sizeof(*row));
	bind_names(st->load, thing, name);
	rc = sqlite3_step(st->load);
	if (rc == SQLITE_DONE) {
		row->state = STORE_MISSING;
		return finish(st->load, 0);
	}
	if (rc != SQLITE_ROW)
		return finish(st->load, -1);
	row->version = (uint64_t)sqlite3_column_int64(st->load, 1);
	if (sqlite3_column_type(st->load, 0) == SQLITE_NULL) {
		row->state = STORE_DELETED;
		row->deleted = sqlite3_column_int64(st->load, 2);
		return finish(st->load, 0);
	}
	row->document = strdup((const char *)sqlite3_column_text(st->load, 0));
	if (!row->document)
		return finish(st->load, -1);
	row->state = STORE_LIVE;
	return finish(st->load, 0);
}

int store_put(struct store *st, const char *thing, const char *name,
	      const char *document, uint64_t version, int64_t now)
{
	bind_names(st->put, thing, name);
	sqlite3_bind_text(st->put, 3, document, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st->put, 4, (sqlite3_int64)version);
	sqlite3_bind_int64(st->put, 5, now);
	return finish(st->put, sqlite3_step(st->put) == SQLITE_DONE ? 0 : -1);
}

int store_delete(struct store *st, const char *thing, const char *name,
		 int64_t now)
{
	bind_names(st->del, thing, name);
	sqlite3_bind_int64(st->del, 3, now);
	return finish(st->del, sqlite3_step(st->del) == SQLITE_DONE ? 0 : -1);
}

int store_begin(struct store *st)
{
	return exec(st->db, "BEGIN IMMEDIATE");
}

int store_commit(struct store *st)
{
	return exec(st->db, "COMMIT");
}

void store_rollback(struct store *st)
{
	exec(st->db, "ROLLBACK");
}

int store_purge_deleted(struct store *st, int64_t before)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM shadows WHERE deleted IS NOT NULL"
			       " AND deleted < ?1", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(stmt, 1, before);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_count(struct store *st, uint64_t *live)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM shadows WHERE deleted IS NULL",
			       -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*live = (uint64_t)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}
