/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHINGCTL_CONFIGFS_H
#define KTHINGCTL_CONFIGFS_H

#include <stddef.h>

#include "description.h"

/* Where kthing's configfs tree is (docs/configfs.md). */
#define KTHING_CONFIGFS	"/sys/kernel/config/kthing"

/**
 * configfs_create() - create a thing from its description and make it live
 * @root: the kthing configfs directory, normally KTHING_CONFIGFS
 * @desc: the description, GPIO lines already resolved
 * @err: where to write what failed
 * @err_size: size of @err
 *
 * All or nothing: on any failure, everything made so far is removed again.
 *
 * Return: 0 or a negative errno with @err set.
 */
int configfs_create(const char *root, const struct thing_desc *desc,
		    char *err, size_t err_size);

/**
 * configfs_remove() - take a thing down and remove its directories
 * @root: the kthing configfs directory
 * @name: the thing's name
 * @err: where to write what failed
 * @err_size: size of @err
 *
 * Return: 0, -ENOENT when there is no such thing, or another negative errno
 * with @err set.
 */
int configfs_remove(const char *root, const char *name, char *err,
		    size_t err_size);

#endif /* KTHINGCTL_CONFIGFS_H */
