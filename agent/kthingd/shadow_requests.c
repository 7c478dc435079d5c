// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "shadow_requests.h"

void shadow_requests_init(struct shadow_requests *q, const char *prefix)
{
	memset(q, 0, sizeof(*q));
	snprintf(q->prefix, sizeof(q->prefix), "%s", prefix);
}

void shadow_requests_token(struct shadow_requests *q, char *buf, size_t size)
{
	snprintf(buf, size, "%s%llu", q->prefix, (unsigned long long)++q->next_token);
}

bool shadow_requests_ours(const struct shadow_requests *q, const char *token)
{
	return strncmp(token, q->prefix, strlen(q->prefix)) == 0;
}

bool shadow_requests_full(const struct shadow_requests *q)
{
	return q->in_flight >= SHADOW_MAX_IN_FLIGHT;
}

struct shadow_sent *shadow_requests_add(struct shadow_requests *q, const char *token,
					   void *owner, enum shadow_op op,
					   uint64_t deadline_ms)
{
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++) {
		struct shadow_sent *r = &q->slots[i];

		if (r->used)
			continue;
		r->used = true;
		snprintf(r->token, sizeof(r->token), "%s", token);
		r->owner = owner;
		r->op = op;
		r->deadline_ms = deadline_ms;
		q->in_flight++;
		return r;
	}
	return NULL;
}

struct shadow_sent *shadow_requests_find(struct shadow_requests *q, const char *token)
{
	if (!*token)
		return NULL;
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++)
		if (q->slots[i].used && strcmp(q->slots[i].token, token) == 0)
			return &q->slots[i];
	return NULL;
}

void shadow_requests_remove(struct shadow_requests *q, struct shadow_sent *r)
{
	if (!r->used)
		return;
	r->used = false;
	q->in_flight--;
}

struct shadow_sent *shadow_requests_expired(struct shadow_requests *q, uint64_t now_ms,
					       uint64_t *next_ms)
{
	*next_ms = 0;
	for (unsigned int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++) {
		struct shadow_sent *r = &q->slots[i];

		if (!r->used)
			continue;
		if (r->deadline_ms <= now_ms)
			return r;
		if (!*next_ms || r->deadline_ms < *next_ms)
			*next_ms = r->deadline_ms;
	}
	return NULL;
}
