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

/*
 * Where the vDSO cannot read the clocksource (hpet, as in an emulated
 * machine) each clock read is a system call, two per event: the offset
 * between the clocks is kept, per thread, until the timestamps asked about
 * are a second away from when it was read.
 */
static _Thread_local int64_t offset_ns;
static _Thread_local int64_t offset_read_at_ns;	/* CLOCK_MONOTONIC; 0: never */

int64_t kthing_monotonic_to_epoch_ms(uint64_t monotonic_ns)
{
	int64_t t = (int64_t)monotonic_ns;

	if (!offset_read_at_ns || t - offset_read_at_ns > NSEC_PER_SEC ||
	    offset_read_at_ns - t > NSEC_PER_SEC) {
		struct timespec mono, real;

		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		offset_read_at_ns = timespec_ns(&mono);
		offset_ns = timespec_ns(&real) - offset_read_at_ns;
	}
	return (t + offset_ns) / NSEC_PER_MSEC;
}
