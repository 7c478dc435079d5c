// SPDX-License-Identifier: GPL-2.0
/* Thing and shadow names, and the error helpers every file uses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "shadow.h"

void shadow_limits_default(struct shadow_limits *limits)
{
	limits->max_state_bytes = SHADOW_DEFAULT_MAX_STATE_BYTES;
	limits->max_depth = SHADOW_DEFAULT_MAX_DEPTH;
	limits->max_payload_bytes = SHADOW_DEFAULT_MAX_PAYLOAD_BYTES;
}

void shadow_error_set(struct shadow_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

void shadow_error_not_found(struct shadow_error *err, const char *thing,
			    const char *name)
{
	/* AWS names the thing for a classic shadow. */
	shadow_error_set(err, SHADOW_NOT_FOUND, "No shadow exists with name: '%s'",
			 name && *name ? name : thing);
}

static bool name_char(char c, bool dollar)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-' ||
	       (dollar && c == '$');
}

static bool name_valid(const char *name, size_t len, size_t max, bool dollar)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char(name[i], dollar))
			return false;
	return true;
}

bool shadow_thing_name_valid(const char *name, size_t len)
{
	return name_valid(name, len, SHADOW_THING_NAME_MAX, false);
}

bool shadow_name_valid(const char *name, size_t len)
{
	return name_valid(name, len, SHADOW_NAME_MAX, true);
}
