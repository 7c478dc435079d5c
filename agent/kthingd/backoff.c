// SPDX-License-Identifier: GPL-2.0
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"

static uint64_t next_random(struct backoff *b)
{
	uint64_t x = b->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	b->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void backoff_init(struct backoff *b, uint32_t base_ms, uint32_t max_ms,
		  uint32_t floor_ms, uint64_t seed)
{
	b->base_ms = base_ms ? base_ms : 1;
	b->max_ms = max_ms < b->base_ms ? b->base_ms : max_ms;
	b->floor_ms = floor_ms > b->max_ms ? b->max_ms : floor_ms;
	b->attempt = 0;
	if (!seed && getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid();
	}
	b->rng = seed ? seed : 1;
}

uint32_t backoff_ceiling(const struct backoff *b)
{
	uint64_t ceiling = b->base_ms;

	/* 2^32 ms is 49 days: past that every cap has been reached. */
	for (unsigned int i = 0; i < b->attempt && ceiling < b->max_ms; i++)
		ceiling <<= 1;
	if (ceiling > b->max_ms)
		ceiling = b->max_ms;
	if (ceiling < b->floor_ms)
		ceiling = b->floor_ms;
	return (uint32_t)ceiling;
}

uint32_t backoff_next(struct backoff *b)
{
	uint32_t ceiling = backoff_ceiling(b);
	uint64_t span = (uint64_t)ceiling - b->floor_ms + 1;

	if (b->attempt < 64)
		b->attempt++;
	return b->floor_ms + (uint32_t)(next_random(b) % span);
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
