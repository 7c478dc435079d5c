// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a thing and finding its channels, with errors that name what
 * was missing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kthingctl.h"
#include "thing_open.h"

const char *open_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "no such thing";
	case -EINVAL:
		return "not a valid thing name";
	case -EACCES:
	case -EPERM:
		return "permission denied opening its device";
	case -ENODEV:
		return "the thing was removed";
	}
	return strerror(-err);
}

void list_channel_names(const struct kthing *thing, char *buf, size_t size)
{
	unsigned int i;
	size_t len = 0;

	buf[0] = '\0';
	for (i = 0; i < kthing_num_channels(thing) && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
				kthing_channel(thing, i)->name);
}

const struct kthing_channel *find_channel(const struct kthing *thing,
					  const char *name, const char *what)
{
	const struct kthing_channel *ch = kthing_channel_find(thing, name);
	char names[512];

	if (!ch) {
		list_channel_names(thing, names, sizeof(names));
		error("%s: no channel '%s' (%s has: %s)", what, name,
		      kthing_name(thing), names);
	}
	return ch;
}
