// SPDX-License-Identifier: GPL-2.0
/*
 * MQTT topic filters (MQTT 3.1.1 section 4.7): '/' separates levels, '+'
 * matches one level, a final '#' matches its parent level and everything
 * below it. Filters starting with a wildcard do not match topics starting
 * with '$' (the broker's and AWS's reserved topics).
 */
#include <stdbool.h>
#include <string.h>

#include "rule.h"

/* MQTT strings carry a 16-bit length. */
#define TOPIC_MAX_LENGTH 65535

const char *rule_topic_filter_invalid(const char *filter)
{
	const char *p;
	size_t len = strnlen(filter, TOPIC_MAX_LENGTH + 1);

	if (!len)
		return "a topic filter cannot be empty";
	if (len > TOPIC_MAX_LENGTH)
		return "a topic filter is at most 65535 bytes";
	for (p = filter; *p; p++) {
		bool level_start = p == filter || p[-1] == '/';
		bool level_end = p[1] == '\0' || p[1] == '/';

		if (*p == '+' && !(level_start && level_end))
			return "'+' must be a whole level of a topic filter";
		if (*p == '#') {
			if (!(level_start && level_end))
				return "'#' must be a whole level of a topic filter";
			if (p[1] != '\0')
				return "'#' must be the last level of a topic filter";
		}
	}
	return NULL;
}

const char *rule_topic_name_invalid(const char *topic)
{
	size_t len = strnlen(topic, TOPIC_MAX_LENGTH + 1);

	if (!len)
		return "a topic name cannot be empty";
	if (len > TOPIC_MAX_LENGTH)
		return "a topic name is at most 65535 bytes";
	if (strpbrk(topic, "+#"))
		return "a topic name cannot hold the wildcards '+' or '#'";
	return NULL;
}

bool rule_topic_matches(const char *filter, const char *topic)
{
	const char *f = filter, *t = topic;

	if (!*topic || strpbrk(topic, "+#"))
		return false;
	if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
		return false;

	for (;;) {
		if (f[0] == '#')
			return true;	/* the rest, including nothing */
		if (f[0] == '+') {
			while (*t && *t != '/')
				t++;
			f++;
		} else {
			while (*f && *f != '/' && *f == *t) {
				f++;
				t++;
			}
			if ((*f && *f != '/') || (*t && *t != '/'))
				return false;	/* the levels differ */
		}
		/* Both at the end of a level. */
		if (!*f && !*t)
			return true;
		if (!*f)
			return false;	/* the topic has more levels */
		if (!*t)	/* "a/#" matches "a" */
			return f[0] == '/' && f[1] == '#' && f[2] == '\0';
		f++;
		t++;
	}
}

/* The length of the level starting at @s. */
static size_t level_length(const char *s)
{
	return strcspn(s, "/");
}

bool rule_topic_filters_intersect(const char *a, const char *b)
{
	/* A wildcard first level never matches a '$' topic, so it cannot meet
	 * a filter whose first level is a literal starting with '$'.
	 */
	if ((a[0] == '$' && (b[0] == '+' || b[0] == '#')) ||
	    (b[0] == '$' && (a[0] == '+' || a[0] == '#')))
		return false;

	for (;;) {
		size_t la = level_length(a), lb = level_length(b);

		if ((la == 1 && a[0] == '#') || (lb == 1 && b[0] == '#'))
			return true;
		if (!(la == 1 && a[0] == '+') && !(lb == 1 && b[0] == '+') &&
		    (la != lb || memcmp(a, b, la)))
			return false;	/* two different literal levels */
		a += la;
		b += lb;
		if (!*a && !*b)
			return true;
		/* One ended: only a final "/#" on the other meets it. */
		if (!*a)
			return !strcmp(b, "/#");
		if (!*b)
			return !strcmp(a, "/#");
		a++;
		b++;
	}
}
