/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where kernel events come from.
 *
 * "netlink": the kthing generic-netlink family through libkthing. Loss
 * (socket overflow, sequence gaps) arrives as KTHING_EVENT_LOST; snapshots
 * of every channel's current value come from a dump. When the module is not
 * loaded the source waits for it (kernel uevents naming kthing) and attaches
 * when it appears, again after every unload and reload.
 *
 * A file, FIFO or "-" (stdin): one JSON object per line, in the shape
 * documented in docs/kthingd-config.md ("Event lines"), for bridging events
 * from another host or process and for replaying recorded ones. Sequence
 * gaps are detected the same way; there is no snapshot to resync from.
 */
#ifndef KTHINGD_EVENTS_H
#define KTHINGD_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kthing.h>

struct loop;
struct event_source;

/*
 * One event. @value_type is the channel's enum kthing_value_type when the
 * source knows it (event lines may say), else 0.
 */
typedef void (*events_cb)(void *arg, const struct kthing_event *ev, uint32_t value_type);
/* The kernel family appeared (@attached) or went away. */
typedef void (*events_attach_cb)(void *arg, bool attached);

struct event_source *events_new(struct loop *loop, const char *source, events_cb cb,
				events_attach_cb attach_cb, void *arg);
/* Attach to the kernel now if it is there (attach_cb runs before this returns). */
void events_start(struct event_source *src);
void events_free(struct event_source *src);

bool events_attached(const struct event_source *src);

/*
 * Every live thing (or only @thing) with its channels and their current
 * values. Arrays are freed by the caller with free(). -EOPNOTSUPP for
 * sources without snapshots, -ENODEV when @thing is gone, else as
 * kthing_nl_list_channels().
 */
int events_snapshot(struct event_source *src, const char *thing,
		    struct kthing_thing_summary **things, size_t *num_things,
		    struct kthing_channel_state **channels, size_t *num_channels);

/* Parse one event line (exposed for tests). Returns 0 or -1 with @err set. */
int events_parse_line(const char *line, size_t len, struct kthing_event *ev,
		      uint32_t *value_type, char *err, size_t errlen);

#endif
