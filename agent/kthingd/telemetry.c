// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kthing.h>

#include "telemetry.h"

__attribute__((format(printf, 4, 5)))
static int append(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - len)
		return -ENOSPC;
	return (int)(len + n);
}

int json_append_string(char *buf, size_t size, size_t len, const char *s)
{
	int rc = append(buf, size, len, "\"");

	for (; rc >= 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			rc = append(buf, size, rc, "\\%c", c);
		else if (c < 0x20)
			rc = append(buf, size, rc, "\\u%04x", c);
		else
			rc = append(buf, size, rc, "%c", c);
	}
	return rc < 0 ? rc : append(buf, size, rc, "\"");
}

/* Append "ts":T,"values":{...}, the fields of one sample. */
static int append_sample(char *buf, size_t size, int len, int64_t ts_ms,
			 const struct telemetry_value *values, size_t n)
{
	if (len >= 0)
		len = append(buf, size, len, "\"ts\":%" PRId64 ",\"values\":{", ts_ms);
	for (size_t i = 0; len >= 0 && i < n; i++) {
		char number[KTHING_VALUE_STR_SIZE];
		int rc;

		if (i)
			len = append(buf, size, len, ",");
		if (len >= 0)
			len = json_append_string(buf, size, len, values[i].channel);
		if (len < 0)
			break;
		if (values[i].boolean) {
			len = append(buf, size, len, ":%s", values[i].value ? "true" : "false");
			continue;
		}
		rc = kthing_value_format(number, sizeof(number), values[i].value,
					 values[i].exponent);
		if (rc < 0)
			return rc == -ENOSPC ? -EINVAL : rc;
		len = append(buf, size, len, ":%s", number);
	}
	return len < 0 ? len : append(buf, size, len, "}");
}

/* Append {"thing":NAME,"seq":SEQ, the start of every message. */
static int append_head(char *buf, size_t size, const char *thing, uint64_t seq)
{
	int len = append(buf, size, 0, "{\"thing\":");

	if (len >= 0)
		len = json_append_string(buf, size, len, thing);
	return len < 0 ? len : append(buf, size, len, ",\"seq\":%" PRIu64 ",", seq);
}

int telemetry_format(char *buf, size_t size, const char *thing, uint64_t seq,
		     int64_t ts_ms, const struct telemetry_value *values, size_t n)
{
	int len = append_head(buf, size, thing, seq);

	len = append_sample(buf, size, len, ts_ms, values, n);
	return len < 0 ? len : append(buf, size, len, "}");
}

int telemetry_format_sample(char *buf, size_t size, int64_t ts_ms,
			    const struct telemetry_value *values, size_t n)
{
	int len = append(buf, size, 0, "{");

	len = append_sample(buf, size, len, ts_ms, values, n);
	return len < 0 ? len : append(buf, size, len, "}");
}

int telemetry_format_batch(char *buf, size_t size, const char *thing, uint64_t seq,
			   const char *samples, size_t samples_len)
{
	int len = append_head(buf, size, thing, seq);

	if (len >= 0 && samples_len > INT_MAX)
		return -ENOSPC;
	if (len >= 0)
		len = append(buf, size, len, "\"samples\":[%.*s]}", (int)samples_len, samples);
	return len;
}
