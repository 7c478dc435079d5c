/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-VM fuzzers share: a seeded generator, so that a seed printed
 * by a failing run replays the same inputs, and the values worth trying at
 * and past the edges of the ABI's fields.
 */
#ifndef FUZZ_RAND_H
#define FUZZ_RAND_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* splitmix64: small, fast, and every seed gives a good sequence. */
struct fuzz_rng {
	uint64_t state;
};

static inline uint64_t fuzz_next(struct fuzz_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in 0 .. @n - 1 (@n > 0). */
static inline uint32_t fuzz_below(struct fuzz_rng *r, uint32_t n)
{
	return (uint32_t)(fuzz_next(r) % n);
}

/* True one time in @n. */
static inline int fuzz_one_in(struct fuzz_rng *r, uint32_t n)
{
	return fuzz_below(r, n) == 0;
}

static inline void fuzz_bytes(struct fuzz_rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)fuzz_next(r);
}

/* A 32-bit value at or near an edge, or now and then anything. */
static inline uint32_t fuzz_u32(struct fuzz_rng *r)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 9, 10, 11, 31, 32, 63, 64, 65, 99, 100, 101, 255,
		256, 1000, 86400000, 86400001, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	if (fuzz_one_in(r, 4))
		return (uint32_t)fuzz_next(r);
	return edges[fuzz_below(r, sizeof(edges) / sizeof(edges[0]))];
}

/* A 64-bit value at or near an edge, or now and then anything. */
static inline int64_t fuzz_s64(struct fuzz_rng *r)
{
	static const int64_t edges[] = {
		0, 1, -1, 2, 5, 42, 99, 100, 101, -99, -100, -101, 1000,
		INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, INT64_MAX,
		INT64_MIN, INT64_MAX - 1, INT64_MIN + 1,
	};

	if (fuzz_one_in(r, 4))
		return (int64_t)fuzz_next(r);
	return edges[fuzz_below(r, sizeof(edges) / sizeof(edges[0]))];
}

/* Whether any of @len bytes at @buf is not zero (the kernel's memchr_inv). */
static inline int memchr_inv_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 1;
	return 0;
}

/*
 * The arguments every fuzzer takes, ITERATIONS [SEED], the seed being the
 * clock's when none is given. Prints the seed as a TAP comment, with the
 * command that replays the run; exits with 2 on a usage error.
 */
static inline uint64_t fuzz_args(int argc, char **argv, const char *what,
				 unsigned long *iterations)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct timespec ts;
	uint64_t seed;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s ITERATIONS [SEED]\n", prog);
		exit(2);
	}
	*iterations = strtoul(argv[1], NULL, 0);
	if (argc > 2 && *argv[2]) {
		seed = strtoull(argv[2], NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
	}
	printf("# %s fuzz: seed %llu (%s %lu %llu replays it)\n", what,
	       (unsigned long long)seed, prog, *iterations, (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

#endif /* FUZZ_RAND_H */
