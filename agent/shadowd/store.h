/* SPDX-License-Identifier: GPL-2.0 */
/* Durable shadow storage in SQLite: one row per shadow. */
#ifndef KTHING_SHADOWD_STORE_H
#define KTHING_SHADOWD_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

enum store_state {
	STORE_MISSING,	/* never existed, or deleted long enough ago */
	STORE_LIVE,
	STORE_DELETED,	/* deleted recently: its version still counts */
};

struct store_row {
	enum store_state state;
	char *document;		/* LIVE only; free() it */
	uint64_t version;	/* LIVE and DELETED */
	int64_t deleted;	/* DELETED: when */
};

int store_open(struct store **out, const char *path, char *err, size_t errlen);
void store_close(struct store *st);

/* Returns 0 and fills @row, or -1 on a storage error. */
int store_load(struct store *st, const char *thing, const char *name,
	       struct store_row *row);
/* Write a live document; durable once this (outside a batch) or the batch's
 * store_commit() returns 0. */
int store_put(struct store *st, const char *thing, const char *name,
	      const char *document, uint64_t version, int64_t now);
/* Drop the document, keeping its version for a re-created shadow. */
int store_delete(struct store *st, const char *thing, const char *name,
		 int64_t now);
/*
 * Group commit: writes between store_begin() and store_commit() become
 * durable together, with one sync. store_rollback() undoes them.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Forget deleted shadows' versions older than @before. */
int store_purge_deleted(struct store *st, int64_t before);
/* How many live shadows there are. */
int store_count(struct store *st, uint64_t *live);

const char *store_error(struct store *st);

#endif /* KTHING_SHADOWD_STORE_H */
