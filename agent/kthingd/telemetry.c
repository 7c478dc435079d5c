// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
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

int telemetry_format(char *buf, size_t size, const char *thing, uint64_t seq,
		     int64_t ts_ms, const struct telemetry_value *values, size_t n)
{
	int len;

	len = append(buf, size, 0, "{\"thing\":");
	if (len >= 0)
		len = json_append_string(buf, size, len, thing);
	if (len >= 0)
		len = append(buf, size, len, ",\"seq\":%" PRIu64 ",\"ts\":%" PRId64
			     ",\"values\":{", seq, ts_ms);
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
	if (len >= 0)
		len = append(buf, size, len, "}}");
	return len;
}
