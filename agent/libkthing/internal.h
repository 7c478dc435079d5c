/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkthing internals shared by the netlink parts. Not installed; names
 * start with libkthing_ so the version script keeps them private.
 */
#ifndef LIBKTHING_INTERNAL_H
#define LIBKTHING_INTERNAL_H

#include <netlink/attr.h>
#include <netlink/netlink.h>

#include "kthing.h"

/* Attribute policy for every kthing message (replies and events). */
extern struct nla_policy libkthing_policy[KTHING_A_MAX + 1];

/*
 * Allocate a socket, connect it to generic netlink and resolve the kthing
 * family's id. Returns 0 or a negative errno (-ENOENT: no such family).
 */
int libkthing_genl_connect(struct nl_sock **skp, int *familyp);

/* A libnl error code (negative NLE_*) as a negative errno. */
int libkthing_errno(int nlerr);

/* Copy a string attribute into a fixed buffer, always NUL-terminated. */
void libkthing_copy_string(char *dst, size_t size, const struct nlattr *attr);

/* Decode a GET_CHANNEL message's attributes. */
void libkthing_parse_channel(struct nlattr **tb,
			     struct kthing_channel_state *state);

/* The latest sequence number seen from one thing. */
struct seq_track {
	uint32_t thing_id;
	uint64_t seq;
};

/*
 * Decoding notifications and tracking loss, apart from the socket (which
 * events.c owns), so tests can feed it messages.
 */
struct libkthing_stream {
	int family;			/* the kthing family's id */
	kthing_event_cb cb;
	void *arg;
	struct seq_track *tracks;	/* one per thing seen */
	size_t num_tracks;
	size_t max_tracks;
};

void libkthing_stream_init(struct libkthing_stream *st, int family,
			   kthing_event_cb cb, void *arg);
void libkthing_stream_release(struct libkthing_stream *st);
/* Decode and deliver every kthing event in one datagram; returns how many
 * callbacks were made.
 */
int libkthing_stream_feed(struct libkthing_stream *st, void *datagram,
			  size_t len);
/* The socket overflowed: deliver a LOST event and forget every count. */
int libkthing_stream_overflow(struct libkthing_stream *st);
int libkthing_stream_track(struct libkthing_stream *st, uint32_t thing_id,
			   uint64_t seq);

#endif /* LIBKTHING_INTERNAL_H */
