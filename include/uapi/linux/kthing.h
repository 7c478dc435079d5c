/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kthing: a device's sensors and actuators as character devices with an
 * ioctl ABI, and what happens on them as generic-netlink events.
 *
 * A *thing* is a named set of *channels*. A channel is a sensor (read only)
 * or an actuator (readable and writable). Every value is a signed 64-bit
 * integer scaled by a per-channel decimal exponent: a temperature of
 * 23.5 degrees Celsius on a channel with exponent -1 is the value 235.
 * Boolean channels carry 0 or 1 with exponent 0. Limits, deadbands and
 * written values are in the same scaled units as the channel's values.
 *
 * Things are created through configfs (/sys/kernel/config/kthing/) or from
 * device tree. Each live thing is the character device /dev/kthingN, where
 * N is the thing's id, unique among live things.
 *
 * Timestamps are CLOCK_MONOTONIC nanoseconds (ktime_get_ns()).
 *
 * Rules shared by every ioctl below:
 *  - Structures have a fixed size, explicit padding and reserved fields.
 *    Padding and reserved fields that userspace passes in must be zero,
 *    otherwise the ioctl fails with EINVAL. The kernel zeroes them on output.
 *  - A channel index out of range fails with EINVAL.
 *  - Unknown commands fail with ENOTTY.
 *  - Once the thing has been removed, every ioctl fails with ENODEV and
 *    poll() reports EPOLLHUP | EPOLLERR.
 */
#ifndef _UAPI_LINUX_KTHING_H
#define _UAPI_LINUX_KTHING_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Size of a thing or channel name, including the terminating NUL. */
#define KTHING_NAME_SIZE	32
/* Size of a channel unit string (e.g. "degC"), including the NUL. */
#define KTHING_UNIT_SIZE	16
/* The most channels a thing can have. */
#define KTHING_CHANNELS_MAX	64

/**
 * enum kthing_channel_kind - what a channel does
 * @KTHING_KIND_SENSOR: reports values; cannot be written
 * @KTHING_KIND_ACTUATOR: can be written; reads return the applied value
 */
enum kthing_channel_kind {
	KTHING_KIND_SENSOR = 1,
	KTHING_KIND_ACTUATOR = 2,
};

/**
 * enum kthing_value_type - how a channel's values are to be read
 * @KTHING_TYPE_BOOL: 0 or 1; exponent 0, limits 0 and 1
 * @KTHING_TYPE_INT: an integer scaled by 10^exponent, within [min, max]
 */
enum kthing_value_type {
	KTHING_TYPE_BOOL = 1,
	KTHING_TYPE_INT = 2,
};

/**
 * enum kthing_backend - where a channel's value comes from or goes to
 * @KTHING_BACKEND_VIRTUAL: a value kept in the kernel (setpoints, software
 *	actuators); actuators only
 * @KTHING_BACKEND_GPIO: a GPIO line; a sensor is an input reporting edges
 *	through the line's interrupt, an actuator is an output; boolean only
 * @KTHING_BACKEND_IIO: an IIO channel, polled; sensors only
 * @KTHING_BACKEND_THERMAL: a thermal zone's temperature, polled, in
 *	millidegrees Celsius scaled to the channel's exponent; sensors only
 */
enum kthing_backend {
	KTHING_BACKEND_VIRTUAL = 1,
	KTHING_BACKEND_GPIO = 2,
	KTHING_BACKEND_IIO = 3,
	KTHING_BACKEND_THERMAL = 4,
};

/**
 * enum kthing_source - who caused an actuator to change
 * @KTHING_SOURCE_IOCTL: a write through KTHING_IOC_WRITE
 * @KTHING_SOURCE_NETLINK: KTHING_CMD_SET_ACTUATOR
 * @KTHING_SOURCE_HARDWARE: the hardware changed on its own (another writer
 *	of the line, or the initial value when the thing went live)
 */
enum kthing_source {
	KTHING_SOURCE_IOCTL = 1,
	KTHING_SOURCE_NETLINK = 2,
	KTHING_SOURCE_HARDWARE = 3,
};

/* Channel configuration flags (struct kthing_channel_config.flags). */
/* Announce the channel's samples or applied values on the events group. */
#define KTHING_CONFIG_F_EVENTS		(1U << 0)
#define KTHING_CONFIG_F_ALL		KTHING_CONFIG_F_EVENTS

/**
 * struct kthing_channel_config - run-time configuration of one channel
 * @index: channel index, 0 .. num_channels - 1
 * @flags: KTHING_CONFIG_F_* flags; unknown flags fail with EINVAL
 * @sample_period_ms: polling period of IIO and thermal sensors, 10 ms to
 *	86400000 ms; must be 0 for GPIO and virtual channels, which report
 *	when they change
 * @report_interval_ms: also report the current value this often even when
 *	it has not changed; 0 turns periodic reports off, otherwise 100 ms to
 *	86400000 ms
 * @deadband: report a polled sensor only when its value moved by more than
 *	this from the last reported value (scaled units, not negative); 0
 *	reports every change
 * @reserved: must be zero
 */
struct kthing_channel_config {
	__u32 index;
	__u32 flags;
	__u32 sample_period_ms;
	__u32 report_interval_ms;
	__s64 deadband;
	__u32 reserved[4];
};

/**
 * struct kthing_thing_info - a thing
 * @name: the thing's name, NUL-terminated
 * @id: the thing's id, N of /dev/kthingN
 * @num_channels: number of channels, 1 .. KTHING_CHANNELS_MAX
 * @seq: sequence number of the thing's latest event (see KTHING_A_SEQ)
 * @reserved: zeroed by the kernel
 */
struct kthing_thing_info {
	char name[KTHING_NAME_SIZE];
	__u32 id;
	__u32 num_channels;
	__aligned_u64 seq;
	__u32 reserved[8];
};

/**
 * struct kthing_channel_info - a channel of a thing
 * @index: in: the channel's index, 0 .. num_channels - 1
 * @kind: enum kthing_channel_kind
 * @type: enum kthing_value_type
 * @backend: enum kthing_backend
 * @name: the channel's name, NUL-terminated, unique within the thing
 * @unit: the unit of the scaled value (e.g. "degC", "%RH", "Pa"), may be
 *	empty
 * @exponent: decimal exponent: the physical value is value * 10^exponent;
 *	-9 .. 9
 * @padding: must be zero
 * @min: smallest valid value (scaled units)
 * @max: largest valid value (scaled units)
 * @config: the channel's current configuration (config.index == index)
 * @reserved: must be zero
 */
struct kthing_channel_info {
	__u32 index;
	__u32 kind;
	__u32 type;
	__u32 backend;
	char name[KTHING_NAME_SIZE];
	char unit[KTHING_UNIT_SIZE];
	__s32 exponent;
	__u32 padding;
	__s64 min;
	__s64 max;
	struct kthing_channel_config config;
	__u32 reserved[8];
};

/* struct kthing_value.flags */
/* The value has never been sampled (a polled sensor before its first read). */
#define KTHING_VALUE_F_STALE		(1U << 0)

/**
 * struct kthing_value - the current value of one channel
 * @index: in: the channel's index
 * @flags: out: KTHING_VALUE_F_* flags
 * @value: out: the value (scaled units)
 * @timestamp_ns: out: when the value was sampled or applied
 *	(CLOCK_MONOTONIC)
 */
struct kthing_value {
	__u32 index;
	__u32 flags;
	__s64 value;
	__aligned_u64 timestamp_ns;
};

/**
 * struct kthing_read - read the current values of several channels at once
 * @num: in: number of entries of @values to fill, 1 .. KTHING_CHANNELS_MAX
 * @padding: must be zero
 * @values: in: the index of each channel to read (an index may repeat);
 *	out: the values. Entries past @num must be zero.
 *
 * Values of polled sensors are the latest samples; GPIO inputs and
 * actuators are read from the hardware.
 */
struct kthing_read {
	__u32 num;
	__u32 padding;
	struct kthing_value values[KTHING_CHANNELS_MAX];
};

/**
 * struct kthing_write - set an actuator
 * @index: in: the actuator's channel index
 * @padding: must be zero
 * @value: in: the value to apply; out: the value applied
 * @timestamp_ns: out: when it was applied (CLOCK_MONOTONIC); must be zero in
 * @reserved: must be zero
 *
 * Fails with EBADF when the descriptor was not opened for writing, EPERM
 * when the channel is a sensor, EINVAL when a boolean is given anything but
 * 0 or 1 and ERANGE when an integer is outside [min, max].
 */
struct kthing_write {
	__u32 index;
	__u32 padding;
	__s64 value;
	__aligned_u64 timestamp_ns;
	__u32 reserved[4];
};

#define KTHING_IOC_MAGIC		0xB9

/* Describe the thing. */
#define KTHING_IOC_THING_INFO		_IOR(KTHING_IOC_MAGIC, 0x01, struct kthing_thing_info)
/* Describe the channel at .index. */
#define KTHING_IOC_CHANNEL_INFO		_IOWR(KTHING_IOC_MAGIC, 0x02, struct kthing_channel_info)
/* Read the current values of one or more channels. */
#define KTHING_IOC_READ			_IOWR(KTHING_IOC_MAGIC, 0x03, struct kthing_read)
/* Set an actuator; the descriptor must be open for writing. */
#define KTHING_IOC_WRITE		_IOWR(KTHING_IOC_MAGIC, 0x04, struct kthing_write)
/* Change a channel's configuration; the descriptor must be open for writing. */
#define KTHING_IOC_SET_CONFIG		_IOW(KTHING_IOC_MAGIC, 0x05, struct kthing_channel_config)

/*
 * Generic netlink family "kthing", version 1.
 *
 * Commands (requests carry the attributes named; replies and events carry
 * the attributes listed under each):
 *
 * KTHING_CMD_GET_THING
 *	do: KTHING_A_THING_ID or KTHING_A_THING_NAME selects one thing;
 *	dump: every live thing. Reply: KTHING_A_THING_ID, KTHING_A_THING_NAME,
 *	KTHING_A_THING_NUM_CHANNELS, KTHING_A_SEQ. Unprivileged.
 *
 * KTHING_CMD_GET_CHANNEL
 *	dump, KTHING_A_THING_ID or KTHING_A_THING_NAME required (without them,
 *	every channel of every thing); do, with a thing and KTHING_A_CHANNEL_INDEX
 *	or KTHING_A_CHANNEL_NAME. One message per channel: the thing's id and
 *	name, KTHING_A_CHANNEL_INDEX, _NAME, _KIND, _TYPE, _BACKEND, _UNIT,
 *	_EXPONENT, KTHING_A_LIMIT_MIN, _MAX, the configuration
 *	(KTHING_A_CONFIG_*), and the current value (KTHING_A_VALUE,
 *	KTHING_A_TIMESTAMP, KTHING_A_VALUE_FLAGS).
 *	A dump interrupted by a change to the set of things is flagged
 *	NLM_F_DUMP_INTR. Unprivileged.
 *
 * KTHING_CMD_SET_ACTUATOR
 *	do: a thing, a channel (index or name) and KTHING_A_VALUE. Requires
 *	CAP_NET_ADMIN. Validated as KTHING_IOC_WRITE; the reply is the applied
 *	value as a KTHING_CMD_GET_CHANNEL message.
 *
 * Events, multicast on the group "events" (joining requires CAP_NET_ADMIN).
 * Each carries KTHING_A_THING_ID, KTHING_A_THING_NAME, KTHING_A_SEQ and
 * KTHING_A_TIMESTAMP. KTHING_A_SEQ counts the thing's events from 1 without
 * gaps: a listener that sees a gap, or whose socket overflowed (ENOBUFS),
 * has lost events and resynchronises with a dump.
 *
 * KTHING_CMD_THING_ADDED	a thing went live; also KTHING_A_THING_NUM_CHANNELS
 * KTHING_CMD_THING_REMOVED	a thing was torn down (its last event)
 * KTHING_CMD_SAMPLE		a sensor reported: KTHING_A_CHANNEL_INDEX,
 *				_NAME, KTHING_A_VALUE, KTHING_A_EXPONENT
 * KTHING_CMD_APPLIED		an actuator changed: as SAMPLE, plus
 *				KTHING_A_SOURCE (enum kthing_source)
 * KTHING_CMD_FAULT		a channel could not be read or written:
 *				KTHING_A_CHANNEL_INDEX, _NAME, KTHING_A_ERRNO
 */
#define KTHING_GENL_NAME		"kthing"
#define KTHING_GENL_VERSION		1
#define KTHING_GENL_MCGRP_EVENTS	"events"

enum kthing_cmd {
	KTHING_CMD_UNSPEC,
	KTHING_CMD_GET_THING,
	KTHING_CMD_GET_CHANNEL,
	KTHING_CMD_SET_ACTUATOR,
	KTHING_CMD_THING_ADDED,
	KTHING_CMD_THING_REMOVED,
	KTHING_CMD_SAMPLE,
	KTHING_CMD_APPLIED,
	KTHING_CMD_FAULT,

	__KTHING_CMD_MAX,
	KTHING_CMD_MAX = __KTHING_CMD_MAX - 1,
};

/**
 * enum kthing_attr - generic netlink attributes
 * @KTHING_A_UNSPEC: unused
 * @KTHING_A_PAD: alignment padding for 64-bit attributes
 * @KTHING_A_THING_ID: u32, the thing's id
 * @KTHING_A_THING_NAME: string, at most KTHING_NAME_SIZE - 1 bytes
 * @KTHING_A_THING_NUM_CHANNELS: u32
 * @KTHING_A_SEQ: u64, the thing's event sequence number
 * @KTHING_A_TIMESTAMP: u64, CLOCK_MONOTONIC nanoseconds
 * @KTHING_A_CHANNEL_INDEX: u32
 * @KTHING_A_CHANNEL_NAME: string, at most KTHING_NAME_SIZE - 1 bytes
 * @KTHING_A_KIND: u32, enum kthing_channel_kind
 * @KTHING_A_TYPE: u32, enum kthing_value_type
 * @KTHING_A_BACKEND: u32, enum kthing_backend
 * @KTHING_A_UNIT: string
 * @KTHING_A_EXPONENT: s32
 * @KTHING_A_LIMIT_MIN: s64, the channel's smallest value
 * @KTHING_A_LIMIT_MAX: s64, the channel's largest value
 * @KTHING_A_VALUE: s64, a scaled value
 * @KTHING_A_VALUE_FLAGS: u32, KTHING_VALUE_F_*
 * @KTHING_A_SOURCE: u32, enum kthing_source
 * @KTHING_A_ERRNO: u32, the positive errno of a fault
 * @KTHING_A_CONFIG_FLAGS: u32, KTHING_CONFIG_F_*
 * @KTHING_A_CONFIG_SAMPLE_PERIOD_MS: u32
 * @KTHING_A_CONFIG_REPORT_INTERVAL_MS: u32
 * @KTHING_A_CONFIG_DEADBAND: s64
 * @__KTHING_A_MAX: number of attributes
 * @KTHING_A_MAX: highest attribute
 */
enum kthing_attr {
	KTHING_A_UNSPEC,
	KTHING_A_PAD,
	KTHING_A_THING_ID,
	KTHING_A_THING_NAME,
	KTHING_A_THING_NUM_CHANNELS,
	KTHING_A_SEQ,
	KTHING_A_TIMESTAMP,
	KTHING_A_CHANNEL_INDEX,
	KTHING_A_CHANNEL_NAME,
	KTHING_A_KIND,
	KTHING_A_TYPE,
	KTHING_A_BACKEND,
	KTHING_A_UNIT,
	KTHING_A_EXPONENT,
	KTHING_A_LIMIT_MIN,
	KTHING_A_LIMIT_MAX,
	KTHING_A_VALUE,
	KTHING_A_VALUE_FLAGS,
	KTHING_A_SOURCE,
	KTHING_A_ERRNO,
	KTHING_A_CONFIG_FLAGS,
	KTHING_A_CONFIG_SAMPLE_PERIOD_MS,
	KTHING_A_CONFIG_REPORT_INTERVAL_MS,
	KTHING_A_CONFIG_DEADBAND,

	__KTHING_A_MAX,
	KTHING_A_MAX = __KTHING_A_MAX - 1,
};

#endif /* _UAPI_LINUX_KTHING_H */
