// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Listening to the kthing "events" multicast group; decoding and loss
 * detection are in stream.c.
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

/*
 * One datagram holds one event, sized exactly: a few hundred bytes. A
 * longer one would be cut (MSG_TRUNC) and counted as lost, never misread.
 */
#define EVENT_BUFFER_SIZE	1024
/* Datagrams taken per system call: one recv per event was most of the cost. */
#define EVENT_BATCH		16

struct kthing_events {
	struct nl_sock *sk;
	struct libkthing_stream stream;
	struct mmsghdr msgs[EVENT_BATCH];
	struct iovec iov[EVENT_BATCH];
	unsigned char buf[EVENT_BATCH][EVENT_BUFFER_SIZE];
};

int kthing_events_open(struct kthing_events **eventsp, kthing_event_cb cb,
		       void *arg)
{
	struct kthing_events *ev;
	int err, group, family;

	if (!eventsp || !cb)
		return -EINVAL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	err = libkthing_genl_connect(&ev->sk, &family);
	if (err)
		goto err_free;
	libkthing_stream_init(&ev->stream, family, cb, arg);
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
	libkthing_stream_release(&ev->stream);
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

int kthing_events_track(struct kthing_events *ev, uint32_t thing_id,
			uint64_t seq)
{
	return libkthing_stream_track(&ev->stream, thing_id, seq);
}

int kthing_events_dispatch(struct kthing_events *ev)
{
	int fd = nl_socket_get_fd(ev->sk);
	int delivered = 0, n, i;

	for (;;) {
		for (i = 0; i < EVENT_BATCH; i++) {
			ev->iov[i].iov_base = ev->buf[i];
			ev->iov[i].iov_len = EVENT_BUFFER_SIZE;
			memset(&ev->msgs[i], 0, sizeof(ev->msgs[i]));
			ev->msgs[i].msg_hdr.msg_iov = &ev->iov[i];
			ev->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		/*
		 * An error after some datagrams (ENOBUFS) is kept by the
		 * kernel for the next call, so the order of events and
		 * overflows is what recv() would show.
		 */
		n = recvmmsg(fd, ev->msgs, EVENT_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return delivered;
			if (errno == ENOBUFS) {
				delivered += libkthing_stream_overflow(&ev->stream);
				continue;
			}
			return delivered ? delivered : -errno;
		}
		for (i = 0; i < n; i++) {
			/* A datagram larger than the buffer is cut: an event lost. */
			if (ev->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				delivered += libkthing_stream_overflow(&ev->stream);
			else
				delivered += libkthing_stream_feed(&ev->stream, ev->buf[i],
								   ev->msgs[i].msg_len);
		}
	}
}
