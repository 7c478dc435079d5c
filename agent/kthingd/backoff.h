/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capped exponential backoff with full jitter: the n-th retry waits a uniform
 * random time in [floor, min(max, base * 2^n)], so a fleet that lost its
 * broker at the same moment does not come back at the same moment.
 */
#ifndef KTHINGD_BACKOFF_H
#define KTHINGD_BACKOFF_H

#include <stdint.h>

struct backoff {
	uint32_t base_ms;	/* ceiling of the first retry */
	uint32_t max_ms;	/* the ceiling never grows past this */
	uint32_t floor_ms;	/* never retry sooner than this */
	unsigned int attempt;	/* retries since the last reset */
	uint64_t rng;		/* xorshift64* state, never 0 */
};

/* A @seed of 0 seeds from the system's entropy. */
void backoff_init(struct backoff *b, uint32_t base_ms, uint32_t max_ms,
		  uint32_t floor_ms, uint64_t seed);

/* The delay before the next attempt; each call grows the ceiling. */
uint32_t backoff_next(struct backoff *b);

/* The current ceiling: what backoff_next() would draw below. */
uint32_t backoff_ceiling(const struct backoff *b);

/* Start again from base_ms (after a success). */
void backoff_reset(struct backoff *b);

#endif
