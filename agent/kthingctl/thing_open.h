/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHINGCTL_THING_OPEN_H
#define KTHINGCTL_THING_OPEN_H

#include <stddef.h>

#include <kthing.h>

/* Why kthing_open() failed, in words. */
const char *open_error(int err);

/* "fan, temperature": the thing's channel names, for error messages. */
void list_channel_names(const struct kthing *thing, char *buf, size_t size);

/* The channel called @name, or NULL after an error prefixed with @what. */
const struct kthing_channel *find_channel(const struct kthing *thing,
					  const char *name, const char *what);

#endif /* KTHINGCTL_THING_OPEN_H */
