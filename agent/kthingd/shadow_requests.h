/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow requests kthingd has in flight: each carries a clientToken of
 * ours ("<prefix><n>") that its response echoes, and at most
 * SHADOW_MAX_IN_FLIGHT are outstanding, as AWS IoT allows on a connection.
 * A request not answered by its deadline is given up. Pure bookkeeping: no
 * MQTT, no clock (times are passed in), so it is tested on its own.
 */
#ifndef KTHINGD_SHADOW_REQUESTS_H
#define KTHINGD_SHADOW_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../shadow/shadow.h"

/* AWS IoT refuses more than this many requests in flight on a connection. */
#define SHADOW_MAX_IN_FLIGHT	10

struct shadow_sent {
	bool used;
	char token[SHADOW_CLIENT_TOKEN_MAX + 1];
	void *owner;		/* the shadow it is about */
	enum shadow_op op;
	uint64_t deadline_ms;
};

struct shadow_requests {
	struct shadow_sent slots[SHADOW_MAX_IN_FLIGHT];
	unsigned int in_flight;
	char prefix[32];	/* every token of ours starts with it */
	uint64_t next_token;
};

/* @prefix: e.g. "kthingd-<pid>-", so tokens of other clients are told apart. */
void shadow_requests_init(struct shadow_requests *q, const char *prefix);

/* A new token of ours in @buf (SHADOW_CLIENT_TOKEN_MAX + 1 bytes suffice). */
void shadow_requests_token(struct shadow_requests *q, char *buf, size_t size);

/* Whether @token is one of ours, in flight or not. */
bool shadow_requests_ours(const struct shadow_requests *q, const char *token);

/* Whether another request may be sent now. */
bool shadow_requests_full(const struct shadow_requests *q);

/* Record a request sent; NULL when SHADOW_MAX_IN_FLIGHT are in flight. */
struct shadow_sent *shadow_requests_add(struct shadow_requests *q, const char *token,
					   void *owner, enum shadow_op op,
					   uint64_t deadline_ms);

/* The request in flight with @token, or NULL (answered, or not ours). */
struct shadow_sent *shadow_requests_find(struct shadow_requests *q, const char *token);

/* The request is settled: its slot is free again. */
void shadow_requests_remove(struct shadow_requests *q, struct shadow_sent *r);

/*
 * A request in flight whose deadline is at or before @now_ms, or NULL; when
 * NULL, *@next_ms is the earliest deadline still ahead (0: none).
 */
struct shadow_sent *shadow_requests_expired(struct shadow_requests *q, uint64_t now_ms,
					       uint64_t *next_ms);

#endif
