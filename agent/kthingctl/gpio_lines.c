// SPDX-License-Identifier: GPL-2.0
/*
 * GPIO lines as the board names them: a line name ("relay1"), or a chip
 * label and offset, resolved through libgpiod to what configfs takes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gpiod.h>

#include "gpio_lines.h"

/* Check a line found on its chip and record where it is. */
static int take_line(const char *who, struct channel_desc *ch,
		     struct gpiod_line *line, const char *what, char *err,
		     size_t err_size)
{
	const char *label = gpiod_chip_label(gpiod_line_get_chip(line));
	const char *consumer;

	if (gpiod_line_is_used(line)) {
		consumer = gpiod_line_consumer(line);
		snprintf(err, err_size, "%s: GPIO line %s (%s %u) is in use by %s",
			 who, what, label, gpiod_line_offset(line),
			 consumer && *consumer ? consumer : "the kernel");
		return -EBUSY;
	}
	if (strlen(label) >= KTHING_NAME_SIZE) {
		snprintf(err, err_size, "%s: GPIO chip label \"%s\" is longer than %d bytes",
			 who, label, KTHING_NAME_SIZE - 1);
		return -ENAMETOOLONG;
	}
	strcpy(ch->gpio_chip, label);
	ch->gpio_offset = gpiod_line_offset(line);
	return 0;
}

static int resolve_by_name(const char *who, struct channel_desc *ch,
			   char *err, size_t err_size)
{
	struct gpiod_line *line;
	int ret;

	errno = 0;
	line = gpiod_line_find(ch->gpio_line_name);
	if (!line) {
		if (errno && errno != ENOENT) {
			snprintf(err, err_size, "%s: looking for GPIO line \"%s\": %s",
				 who, ch->gpio_line_name, strerror(errno));
			return -errno;
		}
		snprintf(err, err_size, "%s: no GPIO line named \"%s\"",
			 who, ch->gpio_line_name);
		return -ENOENT;
	}
	ret = take_line(who, ch, line, ch->gpio_line_name, err, err_size);
	gpiod_line_close_chip(line);
	return ret;
}

static int resolve_by_chip(const char *who, struct channel_desc *ch,
			   char *err, size_t err_size)
{
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	char what[GPIO_NAME_SIZE + 16];
	int ret;

	chip = gpiod_chip_open_by_label(ch->gpio_chip);
	if (!chip) {
		snprintf(err, err_size, "%s: no GPIO chip labelled \"%s\"",
			 who, ch->gpio_chip);
		return -ENOENT;
	}
	if (ch->gpio_offset >= gpiod_chip_num_lines(chip)) {
		snprintf(err, err_size, "%s: GPIO chip \"%s\" has lines 0 to %u, not %u",
			 who, ch->gpio_chip, gpiod_chip_num_lines(chip) - 1,
			 ch->gpio_offset);
		gpiod_chip_close(chip);
		return -ERANGE;
	}
	line = gpiod_chip_get_line(chip, ch->gpio_offset);
	if (!line) {
		snprintf(err, err_size, "%s: GPIO chip \"%s\" line %u: %s",
			 who, ch->gpio_chip, ch->gpio_offset,
			 strerror(errno));
		gpiod_chip_close(chip);
		return -errno;
	}
	snprintf(what, sizeof(what), "\"%s\"",
		 gpiod_line_name(line) ? gpiod_line_name(line) : "(unnamed)");
	ret = take_line(who, ch, line, what, err, err_size);
	gpiod_chip_close(chip);
	return ret;
}

int resolve_gpio_lines(struct thing_desc *desc, char *err, size_t err_size)
{
	struct channel_desc *ch, *other;
	char who[KTHING_NAME_SIZE + 24];
	size_t i, j;
	int ret;

	for (i = 0; i < desc->num_channels; i++) {
		ch = &desc->channels[i];
		if (ch->backend != KTHING_BACKEND_GPIO)
			continue;
		snprintf(who, sizeof(who), "channels[%zu] (%s)", i, ch->name);
		ret = ch->gpio_line_name[0] ?
		      resolve_by_name(who, ch, err, err_size) :
		      resolve_by_chip(who, ch, err, err_size);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			other = &desc->channels[j];
			if (other->backend == KTHING_BACKEND_GPIO &&
			    other->gpio_offset == ch->gpio_offset &&
			    !strcmp(other->gpio_chip, ch->gpio_chip)) {
				snprintf(err, err_size, "%s: GPIO line %s %u is also channel %s's",
					 who, ch->gpio_chip,
					 ch->gpio_offset, other->name);
				return -EBUSY;
			}
		}
	}
	return 0;
}
