/* SPDX-License-Identifier: GPL-2.0 */
/* The agent's counters, as docs/status.md names them. Loop thread only. */
#ifndef KTHINGD_COUNTERS_H
#define KTHINGD_COUNTERS_H

#include <stdint.h>

struct counters {
	uint64_t events;
	uint64_t samples;
	uint64_t lost;
	uint64_t resyncs;
	uint64_t telemetry_messages;
	uint64_t published;
	uint64_t acknowledged;
	uint64_t published_bytes;
	uint64_t billing_units;
	uint64_t dropped;
	uint64_t oversize;
	uint64_t connects;
	uint64_t reconnects;
	uint64_t connect_failures;
	uint64_t auth_failures;
	/* Device Shadow sync (shadow_sync.c) */
	uint64_t shadow_requests;	/* get and update published */
	uint64_t shadow_accepted;	/* of ours */
	uint64_t shadow_rejected;	/* of ours, every code */
	uint64_t shadow_deltas;		/* deltas applied (get's state.delta too) */
	uint64_t shadow_stale_deltas;	/* older than one applied: ignored */
	uint64_t shadow_applied;	/* desired keys written */
	uint64_t shadow_refused;	/* desired keys not applied */
	uint64_t shadow_hardware_changes; /* actuator changes made by others */
	uint64_t shadow_conflicts;	/* 409 */
	uint64_t shadow_throttled;	/* 429 */
	uint64_t shadow_too_large;	/* 413 */
	uint64_t shadow_bad_requests;	/* 400: a bug */
	uint64_t shadow_timeouts;	/* no response in time */
};

/* AWS IoT meters messages in units of 5 KB of payload. */
#define BILLING_UNIT_BYTES	5120

#endif
