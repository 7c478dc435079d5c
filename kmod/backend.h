/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between kthing's core and its hardware backends.
 *
 * The core owns things and channels: configuration, the character device,
 * polling, deadband, periodic reports, sequence numbers and netlink events.
 * A backend only binds a channel to its hardware and moves values.
 */
#ifndef _KTHING_BACKEND_H
#define _KTHING_BACKEND_H

#include <linux/types.h>
#include <uapi/linux/kthing.h>

struct kthing_channel;

/**
 * struct kthing_channel_desc - a channel as configured (configfs or fwnode)
 * @name: channel name
 * @unit: unit string
 * @kind: enum kthing_channel_kind
 * @type: enum kthing_value_type
 * @backend: enum kthing_backend
 * @exponent: decimal exponent of values
 * @min: smallest valid value
 * @max: largest valid value
 * @initial: value an actuator is set to when the thing goes live
 * @has_initial: whether @initial was given; otherwise a GPIO output keeps
 *	its current level and a virtual value starts at max(min, 0) clamped
 *	to max
 * @gpio_chip: GPIO chip label (gpio backend)
 * @gpio_line: line offset on that chip (gpio backend)
 * @active_low: the line is active low (gpio backend)
 * @iio_device: IIO device name or label (iio backend)
 * @iio_channel: IIO channel type as in sysfs names ("temp", "humidityrelative",
 *	"pressure", "voltage", ...) (iio backend)
 * @iio_index: which channel of that type, counting from 0 (iio backend)
 * @thermal_zone: thermal zone type (thermal backend)
 * @config: run-time configuration (index unused here)
 */
struct kthing_channel_desc {
	char name[KTHING_NAME_SIZE];
	char unit[KTHING_UNIT_SIZE];
	u32 kind;
	u32 type;
	u32 backend;
	s32 exponent;
	s64 min;
	s64 max;
	s64 initial;
	bool has_initial;
	char gpio_chip[KTHING_NAME_SIZE];
	u32 gpio_line;
	bool active_low;
	char iio_device[KTHING_NAME_SIZE];
	char iio_channel[KTHING_NAME_SIZE];
	u32 iio_index;
	char thermal_zone[KTHING_NAME_SIZE];
	struct kthing_channel_config config;
};

/**
 * struct kthing_backend_ops - what a backend does
 * @id: enum kthing_backend
 * @name: the backend's configfs name ("gpio", "iio", "thermal", "virtual")
 * @polled: the core polls @read every config.sample_period_ms
 * @bind: acquire the channel's hardware (may sleep); on failure return an
 *	errno and print one kernel message naming the thing, channel and
 *	problem (use kthing_channel_label()). Called when the thing goes live.
 * @unbind: release it (may sleep). After it returns the backend never calls
 *	kthing_channel_report() for the channel again.
 * @read: read the current value in scaled units (may sleep)
 * @write: apply an actuator value in scaled units, already validated against
 *	type and limits (may sleep)
 */
struct kthing_backend_ops {
	u32 id;
	const char *name;
	bool polled;
	int (*bind)(struct kthing_channel *ch);
	void (*unbind)(struct kthing_channel *ch);
	int (*read)(struct kthing_channel *ch, s64 *value);
	int (*write)(struct kthing_channel *ch, s64 value);
};

extern const struct kthing_backend_ops kthing_backend_virtual;
extern const struct kthing_backend_ops kthing_backend_gpio;
extern const struct kthing_backend_ops kthing_backend_iio;
extern const struct kthing_backend_ops kthing_backend_thermal;

/* Provided by the core to backends. */
const struct kthing_channel_desc *kthing_channel_desc(struct kthing_channel *ch);
/* "thing/channel", for kernel messages and consumer labels. */
const char *kthing_channel_label(struct kthing_channel *ch);
void *kthing_channel_priv(struct kthing_channel *ch);
void kthing_channel_set_priv(struct kthing_channel *ch, void *priv);
/*
 * A value changed on its own (a GPIO input edge, an output changed by another
 * writer). Process context; may sleep. The core applies deadband, sequence
 * numbers and events.
 */
void kthing_channel_report(struct kthing_channel *ch, s64 value);
/* The hardware failed (e.g. the provider went away); announced as a fault. */
void kthing_channel_fault(struct kthing_channel *ch, int err);

/* Scale between a backend's fixed-point reading and the channel's exponent. */
s64 kthing_scale(s64 value, int from_exponent, int to_exponent);

#endif /* _KTHING_BACKEND_H */
