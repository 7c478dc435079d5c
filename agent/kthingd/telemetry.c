// SPDX-License-Identifier: GPL-2.0
/*
 * Every sample is formatted here, so it is done with plain copies: a
 * printf per piece cost more than the rest of the relay together.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <kthing.h>

#include "telemetry.h"

/* Append @n bytes of @s, keeping @buf NUL-terminated; -ENOSPC if they do not fit. */
static int append_bytes(char *buf, size_t size, int len, const char *s, size_t n)
{
	if (len < 0)
		return len;
	if ((size_t)len >= size || n >= size - (size_t)len)
		return -ENOSPC;
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
	return len + (int)n;
}

#define append_literal(buf, size, len, s) append_bytes(buf, size, len, s, sizeof(s) - 1)

static int append_u64(char *buf, size_t size, int len, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return append_bytes(buf, size, len, digits + n, sizeof(digits) - n);
}

static int append_i64(char *buf, size_t size, int len, int64_t v)
{
	if (v >= 0)
		return append_u64(buf, size, len, (uint64_t)v);
	len = append_literal(buf, size, len, "-");
	return append_u64(buf, size, len, -(uint64_t)v);
}

int json_append_string(char *buf, size_t size, size_t len, const char *s)
{
	int rc = append_literal(buf, size, len > INT_MAX ? -ENOSPC : (int)len, "\"");

	while (rc >= 0 && *s) {
		/* The longest run that needs no escaping, in one copy. */
		size_t run = 0;
		char esc[8];
		unsigned char c;

		while (s[run] && s[run] != '"' && s[run] != '\\' &&
		       (unsigned char)s[run] >= 0x20)
			run++;
		rc = append_bytes(buf, size, rc, s, run);
		s += run;
		if (rc < 0 || !*s)
			break;
		c = (unsigned char)*s++;
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		rc = append_bytes(buf, size, rc, esc, strlen(esc));
	}
	return append_literal(buf, size, rc, "\"");
}

/* Append "ts":T,"values":{...}, the fields of one sample. */
static int append_sample(char *buf, size_t size, int len, int64_t ts_ms,
			 const struct telemetry_value *values, size_t n)
{
	len = append_literal(buf, size, len, "\"ts\":");
	len = append_i64(buf, size, len, ts_ms);
	len = append_literal(buf, size, len, ",\"values\":{");
	for (size_t i = 0; len >= 0 && i < n; i++) {
		char number[KTHING_VALUE_STR_SIZE];
		int rc;

		if (i)
			len = append_literal(buf, size, len, ",");
		if (len >= 0)
			len = json_append_string(buf, size, len, values[i].channel);
		len = append_literal(buf, size, len, ":");
		if (len < 0)
			break;
		if (values[i].boolean) {
			len = values[i].value ? append_literal(buf, size, len, "true")
					      : append_literal(buf, size, len, "false");
			continue;
		}
		rc = kthing_value_format(number, sizeof(number), values[i].value,
					 values[i].exponent);
		if (rc < 0)
			return rc == -ENOSPC ? -EINVAL : rc;
		len = append_bytes(buf, size, len, number, (size_t)rc);
	}
	return append_literal(buf, size, len, "}");
}

/* Append {"thing":NAME,"seq":SEQ, the start of every message. */
static int append_head(char *buf, size_t size, const char *thing, uint64_t seq)
{
	int len = append_literal(buf, size, 0, "{\"thing\":");

	if (len >= 0)
		len = json_append_string(buf, size, len, thing);
	len = append_literal(buf, size, len, ",\"seq\":");
	len = append_u64(buf, size, len, seq);
	return append_literal(buf, size, len, ",");
}

int telemetry_format(char *buf, size_t size, const char *thing, uint64_t seq,
		     int64_t ts_ms, const struct telemetry_value *values, size_t n)
{
	int len = append_head(buf, size, thing, seq);

	len = append_sample(buf, size, len, ts_ms, values, n);
	return append_literal(buf, size, len, "}");
}

int telemetry_format_sample(char *buf, size_t size, int64_t ts_ms,
			    const struct telemetry_value *values, size_t n)
{
	int len = append_literal(buf, size, 0, "{");

	len = append_sample(buf, size, len, ts_ms, values, n);
	return append_literal(buf, size, len, "}");
}

int telemetry_format_batch(char *buf, size_t size, const char *thing, uint64_t seq,
			   const char *samples, size_t samples_len)
{
	int len = append_head(buf, size, thing, seq);

	len = append_literal(buf, size, len, "\"samples\":[");
	len = append_bytes(buf, size, len, samples, samples_len);
	return append_literal(buf, size, len, "]}");
}
