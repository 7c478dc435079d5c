/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KTHINGCTL_GPIO_LINES_H
#define KTHINGCTL_GPIO_LINES_H

#include <stddef.h>

#include "description.h"

/**
 * resolve_gpio_lines() - turn every GPIO channel's line into chip label and
 *	offset, and check the line exists and is free
 * @desc: the description; gpio_chip and gpio_offset are filled in
 * @err: where to write the first problem, naming the channel
 * @err_size: size of @err
 *
 * Return: 0, or a negative errno with @err set: -ENOENT for an unknown line
 * or chip, -ERANGE for an offset past the chip's lines, -EBUSY for a line
 * in use or named twice.
 */
int resolve_gpio_lines(struct thing_desc *desc, char *err, size_t err_size);

#endif /* KTHINGCTL_GPIO_LINES_H */
