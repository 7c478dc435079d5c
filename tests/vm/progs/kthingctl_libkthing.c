// SPDX-License-Identifier: GPL-2.0
/*
 * libkthing's API against the real module, on the thing the case script
 * made (tests/vm/cases/71-libkthing.sh): a virtual int actuator "level"
 * (-10.0 .. 10.0 pct, exponent -1, initial 0.5) and a virtual bool
 * "switch". Opening by name, describing, reading, writing with value
 * conversion, configuration, netlink listing and setting with extack
 * messages, events with contiguous sequence numbers, a socket overflow and
 * a sequence gap reported as lost events, and removal.
 *
 * Usage: kthingctl_libkthing THING. TAP lines without numbers.
 */
#include <kthing.h>

#include "kthing_test.h"

#define MAX_EVENTS	4096

struct collected {
	struct kthing_event events[MAX_EVENTS];
	size_t num;
	size_t lost_overflows;
	size_t lost_gaps;
	uint64_t gap_size;
};

static void collect(const struct kthing_event *ev, void *arg)
{
	struct collected *c = arg;

	if (ev->type == KTHING_EVENT_LOST) {
		if (ev->thing_name[0]) {
			c->lost_gaps++;
			c->gap_size = ev->lost;
		} else {
			c->lost_overflows++;
		}
	}
	if (c->num < MAX_EVENTS)
		c->events[c->num++] = *ev;
}

static void describe(const char *name)
{
	const struct kthing_channel *level, *sw;
	struct kthing *thing, *again;
	char path[64];
	int err;

	err = kthing_open(name, 0, &thing);
	tap(err == 0, "kthing_open(\"%s\") (%d)", name, err);
	if (err)
		exit(1);
	tap(!strcmp(kthing_name(thing), name), "its name");
	tap(kthing_num_channels(thing) == 2, "two channels");
	level = kthing_channel_find(thing, "level");
	sw = kthing_channel(thing, 1);
	tap(level && level->index == 0 && level->exponent == -1 &&
	    level->min == -100 && level->max == 100 &&
	    !strcmp(level->unit, "pct") &&
	    level->kind == KTHING_KIND_ACTUATOR &&
	    level->type == KTHING_TYPE_INT &&
	    level->backend == KTHING_BACKEND_VIRTUAL && level->events,
	    "level described: exponent, limits, unit, kind, type, backend");
	tap(sw && !strcmp(sw->name, "switch") && sw->type == KTHING_TYPE_BOOL &&
	    sw->min == 0 && sw->max == 1, "switch described");
	tap(!kthing_channel(thing, 2) && !kthing_channel_find(thing, "nope"),
	    "no channel past the end or by a wrong name");

	snprintf(path, sizeof(path), "/dev/kthing%u", kthing_id(thing));
	err = kthing_open(path, 0, &again);
	tap(err == 0 && !strcmp(kthing_name(again), name),
	    "kthing_open(\"%s\") by path", path);
	if (!err)
		kthing_close(again);
	tap(kthing_open("no-such-thing", 0, &again) == -ENOENT,
	    "an unknown name is ENOENT");
	tap(kthing_open("a b", 0, &again) == -EINVAL,
	    "an invalid name is EINVAL");
	tap(kthing_open(name, 0x80, &again) == -EINVAL,
	    "unknown flags are EINVAL");
	kthing_close(thing);
}

static void read_write(const char *name)
{
	struct kthing_reading r[2], applied;
	struct kthing_config config;
	struct kthing *ro, *rw;
	char buf[KTHING_VALUE_STR_SIZE];
	int err;

	if (kthing_open(name, 0, &ro) || kthing_open(name, KTHING_OPEN_WRITE, &rw)) {
		tap(false, "open for reading and for writing");
		return;
	}
	err = kthing_read(ro, 0, &r[0]);
	kthing_value_format(buf, sizeof(buf), r[0].value, r[0].exponent);
	tap(err == 0 && r[0].value == 5 && r[0].exponent == -1 && !r[0].stale &&
	    !strcmp(buf, "0.5"), "read level: 0.5 (%s)", buf);
	err = kthing_read_many(ro, NULL, 2, r);
	tap(err == 0 && r[0].index == 0 && r[1].index == 1 && r[1].value == 0,
	    "read both channels at once");
	tap(kthing_read(ro, 7, r) == -EINVAL, "reading a channel past the end is EINVAL");
	tap(kthing_write(ro, 0, 1, NULL) == -EBADF,
	    "writing without KTHING_OPEN_WRITE is EBADF");

	err = kthing_write(rw, 0, 50, &applied);
	tap(err == 0 && applied.value == 50 && applied.timestamp_ns,
	    "write level 5.0 (%d)", err);
	err = kthing_write_string(rw, 0, "-2.5", &applied);
	tap(err == 0 && applied.value == -25, "write_string \"-2.5\" is -25");
	tap(kthing_write_string(rw, 0, "2.55", NULL) == -EDOM,
	    "write_string \"2.55\" has too many decimals");
	tap(kthing_write_string(rw, 0, "10.1", NULL) == -ERANGE,
	    "write_string \"10.1\" is out of range");
	tap(kthing_write_string(rw, 0, "warm", NULL) == -EINVAL,
	    "write_string \"warm\" is not a number");
	tap(kthing_write(rw, 0, 101, NULL) == -ERANGE,
	    "the kernel refuses 10.1 itself: ERANGE");
	err = kthing_write_string(rw, 1, "on", &applied);
	tap(err == 0 && applied.value == 1, "write_string \"on\" to a bool");
	tap(kthing_write(rw, 1, 2, NULL) == -EINVAL,
	    "the kernel refuses 2 for a bool: EINVAL");

	config = (struct kthing_config){ .events = false };
	err = kthing_set_config(rw, 1, &config);
	tap(err == 0 && !kthing_channel(rw, 1)->events,
	    "set_config turns the switch's events off (%d)", err);
	config.events = true;
	err = kthing_set_config(rw, 1, &config);
	tap(err == 0 && kthing_channel(rw, 1)->events, "and on again");
	config.report_interval_ms = 50;
	tap(kthing_set_config(rw, 1, &config) == -EINVAL,
	    "a report interval of 50 ms is EINVAL");

	/* Leave level at 0.5 as the script made it. */
	kthing_write(rw, 0, 5, NULL);
	kthing_write(rw, 1, 0, NULL);
	kthing_close(ro);
	kthing_close(rw);
}

static void netlink(const char *name)
{
	struct kthing_thing_summary *things = NULL;
	struct kthing_channel_state *chs = NULL, applied;
	struct kthing_nl *nl;
	size_t num, i;
	bool found = false;
	int err;

	err = kthing_nl_open(&nl);
	tap(err == 0, "kthing_nl_open (%d)", err);
	if (err)
		return;
	err = kthing_nl_list_things(nl, &things, &num);
	for (i = 0; !err && i < num; i++)
		if (!strcmp(things[i].name, name) && things[i].num_channels == 2)
			found = true;
	tap(err == 0 && found, "list_things finds %s with 2 channels", name);
	free(things);

	err = kthing_nl_list_channels(nl, name, &chs, &num);
	tap(err == 0 && num == 2 && !strcmp(chs[0].channel.name, "level") &&
	    chs[0].reading.value == 5 && chs[0].channel.exponent == -1 &&
	    chs[0].channel.min == -100 && !strcmp(chs[0].channel.unit, "pct") &&
	    !strcmp(chs[1].channel.name, "switch") &&
	    !strcmp(chs[0].thing_name, name),
	    "list_channels: both channels with values and descriptions");
	free(chs);
	chs = NULL;
	err = kthing_nl_list_channels(nl, NULL, &chs, &num);
	tap(err == 0 && num >= 2, "list_channels of every thing (%zu)", num);
	free(chs);

	err = kthing_nl_list_channels(nl, "no-such-thing", &chs, &num);
	tap(err < 0, "list_channels of an unknown thing fails (%d%s%s)", err,
	    kthing_nl_error_message(nl) ? ": " : "",
	    kthing_nl_error_message(nl) ?: "");
	if (!err)
		free(chs);

	err = kthing_nl_set(nl, name, "level", -30, &applied);
	tap(err == 0 && applied.reading.value == -30 &&
	    !strcmp(applied.channel.name, "level"),
	    "nl_set level -3.0 returns the value applied (%d)", err);
	err = kthing_nl_set(nl, name, "level", 1000, NULL);
	tap(err == -ERANGE, "nl_set out of range is ERANGE (%d)", err);
	tap(kthing_nl_error_message(nl) != NULL,
	    "with the kernel's message: %s", kthing_nl_error_message(nl) ?: "(none)");
	err = kthing_nl_set(nl, name, "nope", 1, NULL);
	tap(err < 0 && kthing_nl_error_message(nl),
	    "nl_set of an unknown channel fails (%d) with a message: %s", err,
	    kthing_nl_error_message(nl) ?: "(none)");
	err = kthing_nl_set(nl, name, "level", 5, NULL);
	tap(err == 0 && !kthing_nl_error_message(nl),
	    "a good request clears the message");
	kthing_nl_close(nl);
}

static int drain(struct kthing_events *events)
{
	int total = 0, n;

	/* Non-blocking: read until nothing comes for 200 ms (scaled_ms()). */
	for (int idle = 0; idle < scaled_ms(20);) {
		n = kthing_events_dispatch(events);
		if (n < 0)
			return n;
		if (n == 0) {
			idle++;
			usleep(10000);
		} else {
			idle = 0;
			total += n;
		}
	}
	return total;
}

static void events(const char *name)
{
	static struct collected c;
	struct kthing_events *events;
	struct kthing *thing;
	struct timespec now;
	bool ok;
	size_t i;
	int err, n;
	int64_t ms, now_ms;

	err = kthing_events_open(&events, collect, &c);
	tap(err == 0, "kthing_events_open (%d)", err);
	if (err)
		return;
	tap(kthing_events_fd(events) >= 0, "it has a descriptor for poll()");
	if (kthing_open(name, KTHING_OPEN_WRITE, &thing)) {
		tap(false, "open %s for writing", name);
		return;
	}

	for (i = 0; i < 5; i++)
		kthing_write(thing, 0, i, NULL);
	n = drain(events);
	ok = n == 5 && c.num == 5;
	for (i = 0; ok && i < 5; i++)
		ok = c.events[i].type == KTHING_EVENT_APPLIED &&
		     c.events[i].value == (int64_t)i &&
		     c.events[i].exponent == -1 &&
		     c.events[i].channel_index == 0 &&
		     !strcmp(c.events[i].channel_name, "level") &&
		     !strcmp(c.events[i].thing_name, name) &&
		     c.events[i].thing_id == kthing_id(thing) &&
		     c.events[i].source == KTHING_SOURCE_IOCTL &&
		     (i == 0 || c.events[i].seq == c.events[i - 1].seq + 1);
	tap(ok, "five writes, five APPLIED events with contiguous seq (%d)", n);
	tap(c.lost_gaps == 0 && c.lost_overflows == 0, "and nothing lost");
	clock_gettime(CLOCK_REALTIME, &now);
	now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	ms = c.num ? kthing_monotonic_to_epoch_ms(c.events[0].timestamp_ns) : 0;
	tap(ms > now_ms - 60000 && ms <= now_ms,
	    "event time as epoch ms is within the last minute");

	/* Overflow: a tiny buffer and many events before reading any. */
	err = kthing_events_set_rcvbuf(events, 1024);
	tap(err == 0, "shrink the receive buffer");
	for (i = 0; i < 2000; i++)
		kthing_write(thing, 0, i % 100, NULL);
	memset(&c, 0, sizeof(c));
	n = drain(events);
	tap(c.lost_overflows >= 1, "an overflow is reported as a LOST event (%zu of %d)",
	    c.lost_overflows, n);
	kthing_events_set_rcvbuf(events, 1 << 20);

	/* A gap: pretend we saw the thing three events further back. */
	memset(&c, 0, sizeof(c));
	kthing_write(thing, 0, 1, NULL);
	drain(events);
	{
		uint64_t seq = c.num ? c.events[c.num - 1].seq : 0;

		memset(&c, 0, sizeof(c));
		kthing_events_track(events, kthing_id(thing), seq - 3);
		kthing_write(thing, 0, 2, NULL);
		drain(events);
		tap(c.num == 2 && c.events[0].type == KTHING_EVENT_LOST &&
		    c.lost_gaps == 1 && c.gap_size == 3 &&
		    !strcmp(c.events[0].thing_name, name) &&
		    c.events[1].type == KTHING_EVENT_APPLIED &&
		    c.events[1].seq == seq + 1,
		    "a sequence gap of 3 is reported before the event that shows it");
	}

	/* Removal: the event, and the open descriptor sees the thing gone. */
	memset(&c, 0, sizeof(c));
	{
		char path[128];

		snprintf(path, sizeof(path), CFS_ROOT "/%s/live", name);
		err = write_file(path, "0");
	}
	tap(err == 0, "take the thing down through configfs");
	drain(events);
	tap(c.num >= 1 && c.events[c.num - 1].type == KTHING_EVENT_THING_REMOVED &&
	    !strcmp(c.events[c.num - 1].thing_name, name),
	    "THING_REMOVED is delivered");
	{
		struct kthing_reading r;

		tap(kthing_read(thing, 0, &r) == -ENODEV,
		    "reading the removed thing is ENODEV");
	}
	kthing_close(thing);
	kthing_events_close(events);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s THING\n", argv[0]);
		return 2;
	}
	describe(argv[1]);
	read_write(argv[1]);
	netlink(argv[1]);
	events(argv[1]);
	return 0;
}
