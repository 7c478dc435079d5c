// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Event timestamps are CLOCK_MONOTONIC; telemetry wants wall time.
 */
#include <time.h>

#include "kthing.h"

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL

static int64_t timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

int64_t kthing_monotonic_to_epoch_ms(uint64_t monotonic_ns)
{
	struct timespec mono, real;
	int64_t offset_ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	offset_ns = timespec_ns(&real) - timespec_ns(&mono);
	return ((int64_t)monotonic_ns + offset_ns) / NSEC_PER_MSEC;
}
