// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow topics: "$aws/things/{thing}/shadow[/name/{shadow}]/{op}[/{suffix}]".
 */
#include <stdio.h>
#include <string.h>

#include "shadow.h"

static const char *const op_names[] = {
	[SHADOW_OP_GET] = "get",
	[SHADOW_OP_UPDATE] = "update",
	[SHADOW_OP_DELETE] = "delete",
};

static const char *const suffix_names[] = {
	[SHADOW_SUFFIX_NONE] = "",
	[SHADOW_SUFFIX_ACCEPTED] = "accepted",
	[SHADOW_SUFFIX_REJECTED] = "rejected",
	[SHADOW_SUFFIX_DELTA] = "delta",
	[SHADOW_SUFFIX_DOCUMENTS] = "documents",
};

const char *shadow_op_name(enum shadow_op op)
{
	return op_names[op];
}

/* The next '/'-separated level of *@p: its start and length. */
static bool next_level(const char **p, const char **start, size_t *len)
{
	const char *slash;

	if (!*p)
		return false;
	*start = *p;
	slash = strchr(*p, '/');
	if (slash) {
		*len = (size_t)(slash - *p);
		*p = slash + 1;
	} else {
		*len = strlen(*p);
		*p = NULL;
	}
	return true;
}

static bool level_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

bool shadow_topic_parse(const char *topic, struct shadow_topic *out)
{
	static const char prefix[] = "$aws/things/";
	const char *p, *s;
	size_t len;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (strncmp(topic, prefix, sizeof(prefix) - 1) != 0)
		return false;
	p = topic + sizeof(prefix) - 1;

	if (!next_level(&p, &s, &len) || !shadow_thing_name_valid(s, len))
		return false;
	memcpy(out->thing, s, len);
	if (!next_level(&p, &s, &len) || !level_is(s, len, "shadow"))
		return false;
	if (!next_level(&p, &s, &len))
		return false;
	if (level_is(s, len, "name")) {
		if (!next_level(&p, &s, &len) || !shadow_name_valid(s, len))
			return false;
		memcpy(out->name, s, len);
		if (!next_level(&p, &s, &len))
			return false;
	}

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (level_is(s, len, op_names[i]))
			break;
	if (i == sizeof(op_names) / sizeof(op_names[0]))
		return false;
	out->op = i;

	out->suffix = SHADOW_SUFFIX_NONE;
	if (next_level(&p, &s, &len)) {
		for (i = 1; i < sizeof(suffix_names) / sizeof(suffix_names[0]); i++)
			if (level_is(s, len, suffix_names[i]))
				break;
		if (i == sizeof(suffix_names) / sizeof(suffix_names[0]))
			return false;
		if ((i == SHADOW_SUFFIX_DELTA || i == SHADOW_SUFFIX_DOCUMENTS) &&
		    out->op != SHADOW_OP_UPDATE)
			return false;
		out->suffix = i;
		if (p)	/* anything after the suffix */
			return false;
	}
	return true;
}

bool shadow_topic_format(const struct shadow_topic *t, char *buf, size_t size)
{
	int n;

	if (t->name[0])
		n = snprintf(buf, size, "$aws/things/%s/shadow/name/%s/%s%s%s",
			     t->thing, t->name, op_names[t->op],
			     t->suffix ? "/" : "", suffix_names[t->suffix]);
	else
		n = snprintf(buf, size, "$aws/things/%s/shadow/%s%s%s",
			     t->thing, op_names[t->op],
			     t->suffix ? "/" : "", suffix_names[t->suffix]);
	return n >= 0 && (size_t)n < size;
}
