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
};

/* AWS IoT meters messages in units of 5 KB of payload. */
#define BILLING_UNIT_BYTES	5120

#endif
