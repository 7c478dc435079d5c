// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Listening to the kthing "events" multicast group, with loss detection.
 *
 * The socket is read directly (not through nl_recvmsgs()) so that ENOBUFS,
 * the kernel's word that notifications were dropped, is seen as itself and
 * not folded into libnl's NLE_NOMEM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* Events are a few hundred bytes; one datagram holds one of them. */
#define EVENT_BUFFER_SIZE	16384

/* The latest sequence number seen from one thing. */
struct seq_track {
	uint32_t thing_id;
	uint64_t seq;
};

struct kthing_events {
	struct nl_sock *sk;
	int family;
	kthing_event_cb cb;
	void *arg;
	struct seq_track *tracks;
	size_t num_tracks;
	size_t max_tracks;
	unsigned char buf[EVENT_BUFFER_SIZE];
};

int kthing_events_open(struct kthing_events **eventsp, kthing_event_cb cb,
		       void *arg)
{
	struct kthing_events *ev;
	int err, group;

	if (!eventsp || !cb)
		return -EINVAL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->cb = cb;
	ev->arg = arg;

	err = libkthing_genl_connect(&ev->sk, &ev->family);
	if (err)
		goto err_free;
	/* Notifications carry sequence number 0: nothing to check. */
	nl_socket_disable_seq_check(ev->sk);

	group = genl_ctrl_resolve_grp(ev->sk, KTHING_GENL_NAME,
				      KTHING_GENL_MCGRP_EVENTS);
	if (group < 0) {
		err = libkthing_errno(group);
		goto err_close;
	}
	err = nl_socket_add_membership(ev->sk, group);
	if (err < 0) {
		err = libkthing_errno(err);
		goto err_close;
	}
	err = nl_socket_set_nonblocking(ev->sk);
	if (err < 0) {
		err = libkthing_errno(err);
		goto err_close;
	}
	*eventsp = ev;
	return 0;

err_close:
	nl_socket_free(ev->sk);
err_free:
	free(ev);
	return err;
}

void kthing_events_close(struct kthing_events *ev)
{
	if (!ev)
		return;
	nl_socket_free(ev->sk);
	free(ev->tracks);
	free(ev);
}

int kthing_events_fd(const struct kthing_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

int kthing_events_set_rcvbuf(struct kthing_events *ev, int bytes)
{
	int err = nl_socket_set_buffer_size(ev->sk, bytes, 0);

	return err < 0 ? libkthing_errno(err) : 0;
}

static struct seq_track *track_find(struct kthing_events *ev, uint32_t id)
{
	size_t i;

	for (i = 0; i < ev->num_tracks; i++)
		if (ev->tracks[i].thing_id == id)
			return &ev->tracks[i];
	return NULL;
}

static struct seq_track *track_add(struct kthing_events *ev, uint32_t id)
{
	struct seq_track *tracks;
	size_t max;

	if (ev->num_tracks == ev->max_tracks) {
		max = ev->max_tracks ? 2 * ev->max_tracks : 8;
		tracks = realloc(ev->tracks, max * sizeof(*tracks));
		if (!tracks)
			return NULL;
		ev->tracks = tracks;
		ev->max_tracks = max;
	}
	ev->tracks[ev->num_tracks].thing_id = id;
	ev->tracks[ev->num_tracks].seq = 0;
	return &ev->tracks[ev->num_tracks++];
}

static void track_forget(struct kthing_events *ev, uint32_t id)
{
	struct seq_track *t = track_find(ev, id);

	if (t)
		*t = ev->tracks[--ev->num_tracks];
}

int kthing_events_track(struct kthing_events *ev, uint32_t thing_id,
			uint64_t seq)
{
	struct seq_track *t = track_find(ev, thing_id);

	if (!t)
		t = track_add(ev, thing_id);
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
static int deliver(struct kthing_events *ev, const struct kthing_event *event)
{
	struct seq_track *t = track_find(ev, event->thing_id);
	int delivered = 0;

	if (event->type == KTHING_EVENT_THING_ADDED) {
		if (!t)
			t = track_add(ev, event->thing_id);
	} else if (!t) {
		t = track_add(ev, event->thing_id);
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
		ev->cb(&lost, ev->arg);
		delivered++;
	}
	/* Without memory we only lose gap detection for this thing. */
	if (t && (event->type == KTHING_EVENT_THING_ADDED ||
		  event->seq > t->seq))
		t->seq = event->seq;

	ev->cb(event, ev->arg);
	delivered++;
	if (event->type == KTHING_EVENT_THING_REMOVED)
		track_forget(ev, event->thing_id);
	return delivered;
}

static int deliver_overflow(struct kthing_events *ev)
{
	struct kthing_event lost;

	memset(&lost, 0, sizeof(lost));
	lost.type = KTHING_EVENT_LOST;
	/* Every count is now unknown; the next event of each thing restarts it. */
	ev->num_tracks = 0;
	ev->cb(&lost, ev->arg);
	return 1;
}

static int dispatch_datagram(struct kthing_events *ev, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)ev->buf;
	struct kthing_event event;
	int remaining = len, delivered = 0;

	for (; nlmsg_ok(nlh, remaining); nlh = nlmsg_next(nlh, &remaining)) {
		if (nlh->nlmsg_type != ev->family)
			continue;
		if (decode(nlh, &event))
			delivered += deliver(ev, &event);
	}
	return delivered;
}

int kthing_events_dispatch(struct kthing_events *ev)
{
	int fd = nl_socket_get_fd(ev->sk);
	int delivered = 0;
	ssize_t len;

	for (;;) {
		len = recv(fd, ev->buf, sizeof(ev->buf), MSG_TRUNC);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return delivered;
			if (errno == ENOBUFS) {
				delivered += deliver_overflow(ev);
				continue;
			}
			return delivered ? delivered : -errno;
		}
		/* A datagram larger than the buffer is cut: an event lost. */
		if ((size_t)len > sizeof(ev->buf)) {
			delivered += deliver_overflow(ev);
			continue;
		}
		delivered += dispatch_datagram(ev, len);
	}
}
