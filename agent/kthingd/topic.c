// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "topic.h"

#define PLACEHOLDER_THING	"{thing}"
/* The longest thing name AWS allows. */
#define THING_NAME_MAX		128

int topic_template_check(const char *tmpl, char *err, size_t errlen)
{
	size_t expanded = 0;
	const char *p;

	if (!*tmpl) {
		snprintf(err, errlen, "empty topic");
		return -1;
	}
	if (tmpl[0] == '$') {
		snprintf(err, errlen, "topics starting with '$' are reserved");
		return -1;
	}
	for (p = tmpl; *p; p++) {
		if (*p == '+' || *p == '#') {
			snprintf(err, errlen, "wildcard '%c' is not allowed in a topic name", *p);
			return -1;
		}
		if (*p == '}') {
			snprintf(err, errlen, "unmatched '}'");
			return -1;
		}
		if (*p == '{') {
			const char *end = strchr(p, '}');

			if (!end) {
				snprintf(err, errlen, "unterminated placeholder \"%s\"", p);
				return -1;
			}
			if ((size_t)(end - p + 1) != strlen(PLACEHOLDER_THING) ||
			    strncmp(p, PLACEHOLDER_THING, end - p + 1) != 0) {
				snprintf(err, errlen, "unknown placeholder \"%.*s\" (only {thing})",
					 (int)(end - p + 1), p);
				return -1;
			}
			expanded += THING_NAME_MAX;
			p = end;
			continue;
		}
		expanded++;
	}
	if (expanded > TOPIC_MAX_LEN) {
		snprintf(err, errlen, "longer than %d bytes with a %d-byte thing name",
			 TOPIC_MAX_LEN, THING_NAME_MAX);
		return -1;
	}
	return 0;
}

int topic_expand(const char *tmpl, const char *thing, char *out, size_t size)
{
	size_t n = 0, thing_len = strlen(thing);
	const char *p;

	for (p = tmpl; *p; p++) {
		if (strncmp(p, PLACEHOLDER_THING, strlen(PLACEHOLDER_THING)) == 0) {
			if (n + thing_len >= size)
				return -1;
			memcpy(out + n, thing, thing_len);
			n += thing_len;
			p += strlen(PLACEHOLDER_THING) - 1;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = *p;
	}
	if (n >= size)
		return -1;
	out[n] = '\0';
	return (int)n;
}

bool topic_matches(const char *filter, const char *topic)
{
	/* A wildcard at the first level never matches a '$' topic. */
	if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
		return false;

	while (*filter) {
		if (filter[0] == '#')
			return true;
		if (filter[0] == '+') {
			while (*topic && *topic != '/')
				topic++;
			filter++;
		} else {
			/* "a/#" also matches "a" itself. */
			if (!*topic && strcmp(filter, "/#") == 0)
				return true;
			if (*filter != *topic)
				return false;
			filter++;
			topic++;
			continue;
		}
		if (!*filter)
			return !*topic;
	}
	return !*topic;
}
