/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telemetry payloads:
 *   {"thing":"env","seq":12,"ts":1764140000123,"values":{"temp":23.5,"door":true}}
 * or, batched (telemetry.batch_ms), every sample of a window in order:
 *   {"thing":"env","seq":13,"samples":[{"ts":1764140000123,"values":{"door":true}},
 *                                      {"ts":1764140000131,"values":{"door":false}}]}
 * Values are printed exactly from their scaled integer and exponent; no
 * floating point is involved anywhere.
 */
#ifndef KTHINGD_TELEMETRY_H
#define KTHINGD_TELEMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct telemetry_value {
	const char *channel;
	int64_t value;
	int exponent;
	bool boolean;		/* print as true/false */
};

/*
 * Format one message, NUL-terminated, into @buf of @size bytes. Returns its
 * length, -ENOSPC when it and its NUL do not fit, -EINVAL for a value that
 * cannot be printed (exponent out of range).
 */
int telemetry_format(char *buf, size_t size, const char *thing, uint64_t seq,
		     int64_t ts_ms, const struct telemetry_value *values, size_t n);

/*
 * Format one sample of a batch, {"ts":...,"values":{...}}, the same way and
 * with the same results.
 */
int telemetry_format_sample(char *buf, size_t size, int64_t ts_ms,
			    const struct telemetry_value *values, size_t n);

/*
 * Format a batch message around @samples_len bytes of @samples: formatted
 * samples separated by commas. Returns its length or -ENOSPC.
 */
int telemetry_format_batch(char *buf, size_t size, const char *thing, uint64_t seq,
			   const char *samples, size_t samples_len);

/* Append @s to @buf as a JSON string; returns the new length or -ENOSPC. */
int json_append_string(char *buf, size_t size, size_t len, const char *s);

#endif
