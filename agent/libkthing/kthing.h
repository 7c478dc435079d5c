/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkthing: the device SDK for kthing.
 *
 * A thing is a named set of channels (sensors and actuators) exposed by the
 * kthing kernel module as /dev/kthingN, with a generic netlink family
 * "kthing" that reports what happens on them. This library wraps both, so an
 * application never hand-rolls an ioctl or a netlink message:
 *
 *  - values: every channel value is an integer scaled by a decimal exponent
 *    (23.5 degC is 235 with exponent -1). kthing_value_format() prints one
 *    exactly, kthing_value_parse() reads a decimal string into a channel's
 *    scale with range checking. No floating point is involved.
 *  - things: kthing_open() opens a thing by name, describes it and its
 *    channels, reads and writes values and changes a channel's
 *    configuration through the character device.
 *  - events: struct kthing_events joins the "events" multicast group and
 *    decodes each notification into a struct kthing_event, reporting lost
 *    events (socket overflow or a gap in a thing's sequence numbers) as a
 *    KTHING_EVENT_LOST event, after which the caller resynchronises.
 *  - requests: struct kthing_nl lists things and channels with their current
 *    values and sets actuators over netlink, with the kernel's extended-ack
 *    error message available after a failure.
 *
 * Conventions: functions that can fail return 0 (or a count) on success and
 * a negative errno on failure; they never print. Names are NUL-terminated.
 * Objects are not thread-safe: use one per thread, or lock around them.
 *
 * Link with `pkg-config --cflags --libs libkthing`.
 */
#ifndef KTHING_H
#define KTHING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kthing.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Values
 */

/* The range of decimal exponents a channel may have (as in the UAPI). */
#define KTHING_EXPONENT_MIN	(-9)
#define KTHING_EXPONENT_MAX	9

/*
 * A buffer this size holds any value formatted by kthing_value_format(),
 * including INT64_MIN with either extreme exponent, and its NUL.
 */
#define KTHING_VALUE_STR_SIZE	32

/**
 * kthing_value_format() - print a scaled value as an exact decimal number
 * @buf: where to write the number, NUL-terminated
 * @size: size of @buf; KTHING_VALUE_STR_SIZE always suffices
 * @value: the scaled value
 * @exponent: its decimal exponent, KTHING_EXPONENT_MIN .. KTHING_EXPONENT_MAX
 *
 * The result is valid JSON and shows exactly -@exponent decimals when
 * @exponent is negative: (235, -1) is "23.5", (230, -1) is "23.0",
 * (-5, -2) is "-0.05", (7, 2) is "700", (0, 2) is "0".
 *
 * Return: the length of the string (without the NUL), -EINVAL when @exponent
 * is out of range, -ENOSPC when @buf is too small (then @buf holds "" if
 * @size > 0).
 */
int kthing_value_format(char *buf, size_t size, int64_t value, int exponent);

/**
 * kthing_value_parse() - read a decimal number into a channel's scale
 * @str: the number: an optional sign, digits with an optional decimal point
 *	and fraction, and an optional exponent ("23.5", "-0.05", "+7",
 *	"2.35e1"); no surrounding white space
 * @exponent: the channel's decimal exponent
 * @min: the channel's smallest value, scaled
 * @max: the channel's largest value, scaled
 * @value: where to store the scaled value; untouched on failure
 *
 * The conversion is exact: "23.5" with exponent -1 is 235, "23.50" is 235
 * too, but "23.55" cannot be represented with one decimal and is refused.
 *
 * Return: 0; -EINVAL when @str is not a decimal number (or @exponent is out
 * of range); -EDOM when @str has more significant decimals than @exponent
 * allows; -ERANGE when the value is outside [@min, @max].
 * kthing_value_strerror() turns these into a message naming the problem.
 */
int kthing_value_parse(const char *str, int exponent, int64_t min,
		       int64_t max, int64_t *value);

/**
 * kthing_value_from_double() - convert a floating-point number (as JSON
 *	parsers deliver them) into a channel's scale
 * @number: the number
 * @exponent: the channel's decimal exponent
 * @min: the channel's smallest value, scaled
 * @max: the channel's largest value, scaled
 * @value: where to store the scaled value; untouched on failure
 *
 * @number is first rounded to the 15 significant digits a double holds
 * exactly, so 23.5 and 0.1 convert as written; then as kthing_value_parse().
 *
 * Return: as kthing_value_parse(); -EINVAL for NaN and infinities.
 */
int kthing_value_from_double(double number, int exponent, int64_t min,
			     int64_t max, int64_t *value);

/**
 * kthing_value_strerror() - describe why a value was refused
 * @buf: where to write the message, NUL-terminated
 * @size: size of @buf; 96 bytes always suffice
 * @err: the negative errno kthing_value_parse() or a write returned
 * @exponent: the channel's exponent
 * @min: the channel's smallest value, scaled
 * @max: the channel's largest value, scaled
 *
 * Messages: "not a decimal number", "too many decimals (at most 1)",
 * "value out of range 0..1" (limits printed with the exponent), else
 * strerror(-@err).
 *
 * Return: @buf.
 */
const char *kthing_value_strerror(char *buf, size_t size, int err,
				  int exponent, int64_t min, int64_t max);

/**
 * kthing_monotonic_to_epoch_ms() - convert an event timestamp to wall time
 * @monotonic_ns: a CLOCK_MONOTONIC timestamp in nanoseconds, as in events
 *	and readings
 *
 * Uses the offset between CLOCK_REALTIME and CLOCK_MONOTONIC, read again
 * whenever @monotonic_ns is more than a second from when this thread last
 * read it: a step of the wall clock moves the result within a second of
 * event time. Good for telemetry timestamps.
 *
 * Return: milliseconds since the Unix epoch.
 */
int64_t kthing_monotonic_to_epoch_ms(uint64_t monotonic_ns);

/**
 * kthing_name_valid() - whether a thing or channel name is acceptable
 * @name: the name
 *
 * Return: true for 1 to KTHING_NAME_SIZE - 1 bytes of [A-Za-z0-9_-].
 */
bool kthing_name_valid(const char *name);

/* Names of the enumerations, for printing ("sensor", "gpio", "netlink", ...);
 * "unknown" for values this library does not know.
 */
const char *kthing_kind_name(uint32_t kind);
const char *kthing_type_name(uint32_t type);
const char *kthing_backend_name(uint32_t backend);
const char *kthing_source_name(uint32_t source);

/* ------------------------------------------------------------------------
 * Things, through the character device
 */

/**
 * struct kthing_channel - a channel's description
 * @index: the channel's index within its thing
 * @name: the channel's name
 * @unit: the unit of its values, may be empty
 * @kind: enum kthing_channel_kind (sensor or actuator)
 * @type: enum kthing_value_type (bool or int)
 * @backend: enum kthing_backend
 * @exponent: decimal exponent of its values
 * @min: smallest valid value, scaled
 * @max: largest valid value, scaled
 * @events: whether its samples are announced on the events group
 * @sample_period_ms: polling period of polled sensors, else 0
 * @report_interval_ms: periodic report interval, 0 when off
 * @deadband: change needed before a polled sensor reports, scaled
 */
struct kthing_channel {
	unsigned int index;
	char name[KTHING_NAME_SIZE];
	char unit[KTHING_UNIT_SIZE];
	uint32_t kind;
	uint32_t type;
	uint32_t backend;
	int exponent;
	int64_t min;
	int64_t max;
	bool events;
	uint32_t sample_period_ms;
	uint32_t report_interval_ms;
	int64_t deadband;
};

/**
 * struct kthing_reading - a channel's value at one moment
 * @index: the channel's index
 * @value: the value, scaled by the channel's exponent
 * @exponent: the channel's exponent (copied for convenience)
 * @stale: the value has never been sampled (a polled sensor before its
 *	first read); @value is then meaningless
 * @timestamp_ns: when it was sampled or applied (CLOCK_MONOTONIC)
 */
struct kthing_reading {
	unsigned int index;
	int64_t value;
	int exponent;
	bool stale;
	uint64_t timestamp_ns;
};

/**
 * struct kthing_config - run-time configuration of a channel
 * @events: announce the channel's samples or applied values
 * @sample_period_ms: polling period of IIO and thermal sensors
 *	(10 .. 86400000); 0 for GPIO and virtual channels
 * @report_interval_ms: also report unchanged values this often; 0 is off,
 *	else 100 .. 86400000
 * @deadband: report a polled sensor only when it moved by more than this
 *	(scaled, >= 0)
 */
struct kthing_config {
	bool events;
	uint32_t sample_period_ms;
	uint32_t report_interval_ms;
	int64_t deadband;
};

/* An open thing. */
struct kthing;

/* kthing_open() flags */
/* Open for writing actuators and configuration (needs write permission). */
#define KTHING_OPEN_WRITE	(1U << 0)

/* Where kthing_open() looks: udev's symlinks, then the devices. */
#define KTHING_DEV_DIR		"/dev"
#define KTHING_BY_NAME_DIR	"/dev/kthing/by-name"

/**
 * kthing_open() - open a thing by name
 * @name: the thing's name, or a path containing '/' (e.g. "/dev/kthing0")
 * @flags: KTHING_OPEN_* flags
 * @thingp: where to store the open thing
 *
 * Opens /dev/kthing/by-name/@name when udev made that link, else scans
 * /dev/kthing* for the thing with that name. The thing and its channels are
 * described once, at open; kthing_refresh() reads them again.
 *
 * Return: 0; -EINVAL for an invalid name or flags; -ENOENT when no live
 * thing has that name; -EACCES and other errors of open(2) and the ioctls.
 */
int kthing_open(const char *name, unsigned int flags, struct kthing **thingp);

/**
 * kthing_close() - close a thing and free it
 * @thing: the thing, or NULL
 */
void kthing_close(struct kthing *thing);

/**
 * kthing_refresh() - describe the thing and its channels again
 * @thing: the thing
 *
 * Return: 0; -ENODEV when the thing has been removed.
 */
int kthing_refresh(struct kthing *thing);

/* The thing's name, id (N of /dev/kthingN), channel count and descriptor
 * (for poll(), which reports POLLHUP once the thing is removed).
 */
const char *kthing_name(const struct kthing *thing);
unsigned int kthing_id(const struct kthing *thing);
unsigned int kthing_num_channels(const struct kthing *thing);
int kthing_fd(const struct kthing *thing);

/**
 * kthing_channel() - a channel's description, by index
 * @thing: the thing
 * @index: 0 .. kthing_num_channels() - 1
 *
 * Return: the channel, valid until kthing_refresh() or kthing_close(); NULL
 * when @index is out of range.
 */
const struct kthing_channel *kthing_channel(const struct kthing *thing,
					    unsigned int index);

/**
 * kthing_channel_find() - a channel's description, by name
 * @thing: the thing
 * @name: the channel's name
 *
 * Return: the channel, or NULL when the thing has no channel of that name.
 */
const struct kthing_channel *kthing_channel_find(const struct kthing *thing,
						 const char *name);

/**
 * kthing_read() - read one channel's current value
 * @thing: the thing
 * @index: the channel's index
 * @reading: where to store the value
 *
 * Return: 0; -EINVAL for a bad index; -ENODEV when the thing was removed.
 */
int kthing_read(struct kthing *thing, unsigned int index,
		struct kthing_reading *reading);

/**
 * kthing_read_many() - read several channels' values at one go
 * @thing: the thing
 * @indices: the channels to read, or NULL for channels 0 .. @num - 1
 * @num: how many, 1 .. KTHING_CHANNELS_MAX
 * @readings: @num entries to fill, in the order of @indices
 *
 * Return: 0 or a negative errno, as kthing_read().
 */
int kthing_read_many(struct kthing *thing, const unsigned int *indices,
		     size_t num, struct kthing_reading *readings);

/**
 * kthing_write() - set an actuator
 * @thing: the thing, opened with KTHING_OPEN_WRITE
 * @index: the actuator's index
 * @value: the value, scaled by the channel's exponent
 * @applied: where to store the value applied, or NULL
 *
 * Return: 0; -EBADF when not opened for writing; -EPERM for a sensor;
 * -EINVAL for a boolean other than 0 or 1; -ERANGE outside the limits.
 */
int kthing_write(struct kthing *thing, unsigned int index, int64_t value,
		 struct kthing_reading *applied);

/**
 * kthing_write_string() - parse a decimal value and set an actuator
 * @thing: the thing, opened with KTHING_OPEN_WRITE
 * @index: the actuator's index
 * @str: the value as a decimal number in the channel's unit ("23.5"); for
 *	boolean channels also "true"/"false" and "on"/"off"
 * @applied: where to store the value applied, or NULL
 *
 * Return: as kthing_value_parse() for a bad @str, else as kthing_write().
 */
int kthing_write_string(struct kthing *thing, unsigned int index,
			const char *str, struct kthing_reading *applied);

/**
 * kthing_set_config() - change a channel's run-time configuration
 * @thing: the thing, opened with KTHING_OPEN_WRITE
 * @index: the channel's index
 * @config: the new configuration (all fields apply)
 *
 * Return: 0; -EINVAL for a value out of its documented range.
 */
int kthing_set_config(struct kthing *thing, unsigned int index,
		      const struct kthing_config *config);

/* ------------------------------------------------------------------------
 * Events, from the netlink multicast group "events"
 */

/**
 * enum kthing_event_type - what happened
 * @KTHING_EVENT_THING_ADDED: a thing went live (@num_channels is set)
 * @KTHING_EVENT_THING_REMOVED: a thing was torn down
 * @KTHING_EVENT_SAMPLE: a sensor reported a value
 * @KTHING_EVENT_APPLIED: an actuator changed (@source tells who changed it)
 * @KTHING_EVENT_FAULT: a channel could not be read or written (@error)
 * @KTHING_EVENT_LOST: events were lost; re-read what you track (for
 *	instance with kthing_nl_list_channels()). @thing_name is empty when
 *	the socket overflowed and any thing may be affected, else it names
 *	the thing whose sequence numbers jumped and @lost says how many of
 *	its events were missed. Not a kernel event: the library makes it.
 */
enum kthing_event_type {
	KTHING_EVENT_THING_ADDED = 1,
	KTHING_EVENT_THING_REMOVED,
	KTHING_EVENT_SAMPLE,
	KTHING_EVENT_APPLIED,
	KTHING_EVENT_FAULT,
	KTHING_EVENT_LOST,
};

/**
 * struct kthing_event - one event, decoded
 * @type: enum kthing_event_type
 * @thing_id: the thing's id
 * @thing_name: the thing's name ("" for a socket overflow)
 * @seq: the thing's event sequence number (1, 2, ... without gaps); for
 *	KTHING_EVENT_LOST of a thing, the sequence number that revealed it
 * @timestamp_ns: when it happened (CLOCK_MONOTONIC); see
 *	kthing_monotonic_to_epoch_ms()
 * @num_channels: THING_ADDED: the thing's channel count
 * @channel_index: SAMPLE, APPLIED, FAULT: the channel
 * @channel_name: SAMPLE, APPLIED, FAULT: the channel's name
 * @value: SAMPLE, APPLIED: the value, scaled
 * @exponent: SAMPLE, APPLIED: the channel's exponent
 * @source: APPLIED: enum kthing_source
 * @error: FAULT: the positive errno of the failure
 * @lost: LOST: how many events were missed, 0 when unknown (overflow)
 */
struct kthing_event {
	enum kthing_event_type type;
	uint32_t thing_id;
	char thing_name[KTHING_NAME_SIZE];
	uint64_t seq;
	uint64_t timestamp_ns;
	uint32_t num_channels;
	uint32_t channel_index;
	char channel_name[KTHING_NAME_SIZE];
	int64_t value;
	int exponent;
	uint32_t source;
	int error;
	uint64_t lost;
};

/* Called once per event by kthing_events_dispatch(). */
typedef void (*kthing_event_cb)(const struct kthing_event *event, void *arg);

/* A listener on the events group. */
struct kthing_events;

/**
 * kthing_events_open() - listen to the events group
 * @eventsp: where to store the listener
 * @cb: called for each event
 * @arg: passed to @cb
 *
 * The socket is non-blocking: poll kthing_events_fd() for POLLIN and call
 * kthing_events_dispatch().
 *
 * Return: 0; -ENOENT when the kthing family is not registered (module not
 * loaded); -EPERM without CAP_NET_ADMIN; other negative errnos.
 */
int kthing_events_open(struct kthing_events **eventsp, kthing_event_cb cb,
		       void *arg);

/**
 * kthing_events_close() - stop listening and free the listener
 * @events: the listener, or NULL
 */
void kthing_events_close(struct kthing_events *events);

/* The socket's descriptor, for poll(). */
int kthing_events_fd(const struct kthing_events *events);

/**
 * kthing_events_dispatch() - decode and deliver every pending event
 * @events: the listener
 *
 * Reads until the socket is empty, calling the callback for each event.
 * A socket overflow (ENOBUFS) is delivered as a KTHING_EVENT_LOST event
 * with an empty thing name and forgets every thing's sequence number; a
 * thing whose sequence number jumps gets a KTHING_EVENT_LOST event before
 * the event that revealed the gap.
 *
 * Return: the number of events delivered (0 when nothing was pending), or
 * a negative errno of recv(2).
 */
int kthing_events_dispatch(struct kthing_events *events);

/**
 * kthing_events_track() - tell the listener where a thing's events are
 * @events: the listener
 * @thing_id: the thing
 * @seq: its latest sequence number, as a dump reported it
 *
 * Without it, gaps are detected from the second event of a thing on. Call
 * it after a resynchronising dump so the next gap is measured from there;
 * events older than @seq are then delivered but never reported as gaps.
 *
 * Return: 0 or -ENOMEM.
 */
int kthing_events_track(struct kthing_events *events, uint32_t thing_id,
			uint64_t seq);

/**
 * kthing_events_set_rcvbuf() - size the socket's receive buffer
 * @events: the listener
 * @bytes: the buffer size; larger survives longer bursts without loss
 *
 * Return: 0 or a negative errno.
 */
int kthing_events_set_rcvbuf(struct kthing_events *events, int bytes);

/* ------------------------------------------------------------------------
 * Requests over netlink: listing and setting
 */

/**
 * struct kthing_thing_summary - a live thing, as listed
 * @id: the thing's id
 * @name: the thing's name
 * @num_channels: its channel count
 * @seq: the sequence number of its latest event
 */
struct kthing_thing_summary {
	uint32_t id;
	char name[KTHING_NAME_SIZE];
	uint32_t num_channels;
	uint64_t seq;
};

/**
 * struct kthing_channel_state - a channel with its current value, as listed
 * @thing_id: its thing's id
 * @thing_name: its thing's name
 * @channel: the channel's description
 * @reading: its current value
 */
struct kthing_channel_state {
	uint32_t thing_id;
	char thing_name[KTHING_NAME_SIZE];
	struct kthing_channel channel;
	struct kthing_reading reading;
};

/* A request socket to the kthing family. */
struct kthing_nl;

/**
 * kthing_nl_open() - connect to the kthing netlink family
 * @nlp: where to store the connection
 *
 * Return: 0; -ENOENT when the family is not registered; other negative
 * errnos.
 */
int kthing_nl_open(struct kthing_nl **nlp);

/**
 * kthing_nl_close() - close the connection and free it
 * @nl: the connection, or NULL
 */
void kthing_nl_close(struct kthing_nl *nl);

/**
 * kthing_nl_list_things() - list every live thing
 * @nl: the connection
 * @thingsp: where to store an array the caller frees with free()
 * @nump: where to store its length
 *
 * A dump interrupted by things coming or going is retried.
 *
 * Return: 0 or a negative errno (see kthing_nl_error_message()).
 */
int kthing_nl_list_things(struct kthing_nl *nl,
			  struct kthing_thing_summary **thingsp, size_t *nump);

/**
 * kthing_nl_list_channels() - list channels with their current values
 * @nl: the connection
 * @thing: a thing's name, or NULL for every channel of every thing
 * @channelsp: where to store an array the caller frees with free(), in
 *	thing then channel order
 * @nump: where to store its length
 *
 * Return: 0; -ENODEV when @thing is not a live thing; other negative errnos.
 */
int kthing_nl_list_channels(struct kthing_nl *nl, const char *thing,
			    struct kthing_channel_state **channelsp,
			    size_t *nump);

/**
 * kthing_nl_set() - set an actuator over netlink (needs CAP_NET_ADMIN)
 * @nl: the connection
 * @thing: the thing's name
 * @channel: the actuator's name
 * @value: the value, scaled by the channel's exponent
 * @applied: where to store the channel with the value applied, or NULL
 *
 * Return: 0; -EPERM without CAP_NET_ADMIN; the errnos of kthing_write();
 * see kthing_nl_error_message() for the kernel's explanation.
 */
int kthing_nl_set(struct kthing_nl *nl, const char *thing,
		  const char *channel, int64_t value,
		  struct kthing_channel_state *applied);

/**
 * kthing_nl_error_message() - the kernel's message about the last failure
 * @nl: the connection
 *
 * Return: the extended-ack message of the last failed request on @nl, or
 * NULL when the kernel gave none (or the last request succeeded).
 */
const char *kthing_nl_error_message(const struct kthing_nl *nl);

#ifdef __cplusplus
}
#endif

#endif /* KTHING_H */
