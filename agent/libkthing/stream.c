// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The socket-free half of an events listener: decoding notifications into
 * struct kthing_event, and telling the caller when events were lost.
 *
 * Each thing numbers its events 1, 2, ... without gaps. A jump in a thing's
 * numbers means events were dropped on the way; a socket overflow means
 * any thing's may have been.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"

void libkthing_stream_init(struct libkthing_stream *st, int family,
			   kthing_event_cb cb, void *arg)
{
	memset(st, 0, sizeof(*st));
	st->family = family;
	st->cb = cb;
	st->arg = arg;
}

void libkthing_stream_release(struct libkthing_stream *st)
{
	free(st->tracks);
	st->tracks = NULL;
	st->num_tracks = st->max_tracks = 0;
}

static struct seq_track *track_find(struct libkthing_stream *st,
				    uint32_t id)
{
	size_t i;

	for (i = 0; i < st->num_tracks; i++)
		if (st->tracks[i].thing_id == id)
			return &st->tracks[i];
	return NULL;
}

static struct seq_track *track_add(struct libkthing_stream *st, uint32_t id)
{
	struct seq_track *tracks;
	size_t max;

	if (st->num_tracks == st->max_tracks) {
		max = st->max_tracks ? 2 * st->max_tracks : 8;
		tracks = realloc(st->tracks, max * sizeof(*tracks));
		if (!tracks)
			return NULL;
		st->tracks = tracks;
		st->max_tracks = max;
	}
	st->tracks[st->num_tracks].thing_id = id;
	st->tracks[st->num_tracks].seq = 0;
	return &st->tracks[st->num_tracks++];
}

static void track_forget(struct libkthing_stream *st, uint32_t id)
{
	struct seq_track *t = track_find(st, id);

	if (t)
		*t = st->tracks[--st->num_tracks];
}

int libkthing_stream_track(struct libkthing_stream *st, uint32_t thing_id,
			   uint64_t seq)
{
	struct seq_track *t = track_find(st, thing_id);

	if (!t)
		t = track_add(st, thing_id);
	if (!t)
		return -ENOMEM;
	t->seq = seq;
	return 0;
}

static enum kthing_event_type event_type(uint8_t cmd)
{
	switch (cmd) {
	case KTHING_CMD_THING_ADDED:
		return KTHING_EVENT_THING_ADDED;
	case KTHING_CMD_THING_REMOVED:
		return KTHING_EVENT_THING_REMOVED;
	case KTHING_CMD_SAMPLE:
		return KTHING_EVENT_SAMPLE;
	case KTHING_CMD_APPLIED:
		return KTHING_EVENT_APPLIED;
	case KTHING_CMD_FAULT:
		return KTHING_EVENT_FAULT;
	}
	return 0;
}

/* Decode one notification; false when it is not a well-formed event. */
static bool decode(struct nlmsghdr *nlh, struct kthing_event *event)
{
	struct nlattr *tb[KTHING_A_MAX + 1];
	struct genlmsghdr *ghdr;

	if (!genlmsg_valid_hdr(nlh, 0))
		return false;
	ghdr = genlmsg_hdr(nlh);
	memset(event, 0, sizeof(*event));
	event->type = event_type(ghdr->cmd);
	if (!event->type)
		return false;
	if (genlmsg_parse(nlh, 0, tb, KTHING_A_MAX, libkthing_policy) < 0)
		return false;
	if (!tb[KTHING_A_THING_ID] || !tb[KTHING_A_THING_NAME] ||
	    !tb[KTHING_A_SEQ] || !tb[KTHING_A_TIMESTAMP])
		return false;

	event->thing_id = nla_get_u32(tb[KTHING_A_THING_ID]);
	libkthing_copy_string(event->thing_name, sizeof(event->thing_name),
			      tb[KTHING_A_THING_NAME]);
	event->seq = nla_get_u64(tb[KTHING_A_SEQ]);
	event->timestamp_ns = nla_get_u64(tb[KTHING_A_TIMESTAMP]);
	if (tb[KTHING_A_THING_NUM_CHANNELS])
		event->num_channels =
			nla_get_u32(tb[KTHING_A_THING_NUM_CHANNELS]);
	if (tb[KTHING_A_CHANNEL_INDEX])
		event->channel_index = nla_get_u32(tb[KTHING_A_CHANNEL_INDEX]);
	libkthing_copy_string(event->channel_name, sizeof(event->channel_name),
			      tb[KTHING_A_CHANNEL_NAME]);
	if (tb[KTHING_A_VALUE])
		event->value = nla_get_s64(tb[KTHING_A_VALUE]);
	if (tb[KTHING_A_EXPONENT])
		event->exponent = nla_get_s32(tb[KTHING_A_EXPONENT]);
	if (tb[KTHING_A_SOURCE])
		event->source = nla_get_u32(tb[KTHING_A_SOURCE]);
	if (tb[KTHING_A_ERRNO])
		event->error = nla_get_u32(tb[KTHING_A_ERRNO]);
	return true;
}

/*
 * Deliver @event, preceded by a LOST event when its thing's sequence
 * numbers jumped. A thing that appears starts a new count; one that goes
 * away is forgotten, as its id may be reused.
 */
static int deliver(struct libkthing_stream *st,
		   const struct kthing_event *event)
{
	struct seq_track *t = track_find(st, event->thing_id);
	int delivered = 0;

	if (event->type == KTHING_EVENT_THING_ADDED) {
		if (!t)
			t = track_add(st, event->thing_id);
	} else if (!t) {
		t = track_add(st, event->thing_id);
	} else if (event->seq > t->seq + 1) {
		struct kthing_event lost;

		memset(&lost, 0, sizeof(lost));
		lost.type = KTHING_EVENT_LOST;
		lost.thing_id = event->thing_id;
		memcpy(lost.thing_name, event->thing_name,
		       sizeof(lost.thing_name));
		lost.seq = event->seq;
		lost.timestamp_ns = event->timestamp_ns;
		lost.lost = event->seq - t->seq - 1;
		st->cb(&lost, st->arg);
		delivered++;
	}
	/* Without memory we only lose gap detection for this thing. */
	if (t && (event->type == KTHING_EVENT_THING_ADDED ||
		  event->seq > t->seq))
		t->seq = event->seq;

	st->cb(event, st->arg);
	delivered++;
	if (event->type == KTHING_EVENT_THING_REMOVED)
		track_forget(st, event->thing_id);
	return delivered;
}

int libkthing_stream_overflow(struct libkthing_stream *st)
{
	struct kthing_event lost;

	memset(&lost, 0, sizeof(lost));
	lost.type = KTHING_EVENT_LOST;
	/* Every count is now unknown; the next event of each thing restarts it. */
	st->num_tracks = 0;
	st->cb(&lost, st->arg);
	return 1;
}

int libkthing_stream_feed(struct libkthing_stream *st, void *datagram,
			  size_t len)
{
	struct nlmsghdr *nlh = datagram;
	struct kthing_event event;
	int remaining = len, delivered = 0;

	for (; nlmsg_ok(nlh, remaining); nlh = nlmsg_next(nlh, &remaining)) {
		if (nlh->nlmsg_type != st->family)
			continue;
		if (decode(nlh, &event))
			delivered += deliver(st, &event);
	}
	return delivered;
}

