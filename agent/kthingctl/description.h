/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thing description: the JSON document `kthingctl apply` turns into a
 * thing (docs/thing-description.md). Parsing is pure: no file, no device.
 */
#ifndef KTHINGCTL_DESCRIPTION_H
#define KTHINGCTL_DESCRIPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kthing.h>

/* GPIO line names and chip labels may be longer than kthing names. */
#define GPIO_NAME_SIZE	64
#define TEXT_SIZE	64

/**
 * struct channel_desc - one channel as described
 * @name: channel name
 * @kind: enum kthing_channel_kind
 * @type: enum kthing_value_type
 * @backend: enum kthing_backend
 * @unit: unit text
 * @exponent: decimal exponent
 * @min: smallest value, scaled
 * @max: largest value, scaled
 * @has_initial: @initial was given
 * @initial: actuator value when the thing goes live, scaled
 * @gpio_line_name: gpio: the line's name, or "" when given by chip+offset
 * @gpio_chip: gpio: chip label (filled in from the name by resolution)
 * @gpio_offset: gpio: line offset on the chip
 * @active_low: gpio: the line is active low
 * @iio_device: iio: device name or label
 * @iio_channel: iio: channel type ("temp", ...)
 * @iio_index: iio: which channel of that type
 * @thermal_zone: thermal: zone type
 * @has_sample_period: @sample_period_ms was given
 * @sample_period_ms: polling period
 * @report_interval_ms: periodic reports, 0 off
 * @deadband: reporting deadband, scaled
 * @events: announce the channel's events
 */
struct channel_desc {
	char name[KTHING_NAME_SIZE];
	uint32_t kind;
	uint32_t type;
	uint32_t backend;
	char unit[KTHING_UNIT_SIZE];
	int exponent;
	int64_t min;
	int64_t max;
	bool has_initial;
	int64_t initial;
	char gpio_line_name[GPIO_NAME_SIZE];
	char gpio_chip[GPIO_NAME_SIZE];
	uint32_t gpio_offset;
	bool active_low;
	char iio_device[TEXT_SIZE];
	char iio_channel[TEXT_SIZE];
	uint32_t iio_index;
	char thermal_zone[TEXT_SIZE];
	bool has_sample_period;
	uint32_t sample_period_ms;
	uint32_t report_interval_ms;
	int64_t deadband;
	bool events;
};

/**
 * struct thing_desc - a thing as described
 * @name: the thing's name
 * @num_channels: number of channels
 * @channels: the channels, in the order given
 */
struct thing_desc {
	char name[KTHING_NAME_SIZE];
	size_t num_channels;
	struct channel_desc channels[KTHING_CHANNELS_MAX];
};

/**
 * thing_desc_parse() - parse and check a thing description
 * @json: the document (need not be NUL-terminated)
 * @len: its length
 * @desc: where to store the result
 * @err: where to write the first problem, naming its JSON path
 *	("channels[1].exponent: must be an integer from -9 to 9")
 * @err_size: size of @err
 *
 * Return: 0, or -EINVAL with @err set.
 */
int thing_desc_parse(const char *json, size_t len, struct thing_desc *desc,
		     char *err, size_t err_size);

#endif /* KTHINGCTL_DESCRIPTION_H */
