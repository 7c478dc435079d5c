// SPDX-License-Identifier: GPL-2.0
/*
 * The ceiling: the least any agent must do to relay kthing events — join
 * the "events" group with libnl and receive. Counts sensor samples, checks
 * each thing's sequence numbers, and reports how fast they arrived.
 *
 *   bench-listen -k KEY [-r READY-FILE] [-i IDLE-MS] [-t MAX-SECONDS]
 *
 * Ends after IDLE-MS without an event once one arrived, after MAX-SECONDS,
 * or on SIGTERM/SIGINT; touches READY-FILE once it has joined the group.
 * Prints BENCH lines KEY.events, KEY.rate, KEY.gaps, KEY.enobufs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kthing.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define MAX_THINGS 64

struct listen_state {
	uint64_t events, gaps;
	uint64_t first_ns, last_ns;
	uint64_t last_seq[MAX_THINGS];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct listen_state *st = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[KTHING_A_MAX + 1];
	uint32_t id;
	uint64_t seq;

	if (gh->cmd != KTHING_CMD_SAMPLE)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KTHING_A_MAX, NULL) ||
	    !tb[KTHING_A_THING_ID] || !tb[KTHING_A_SEQ])
		return NL_OK;
	st->last_ns = now_ns();
	if (!st->events++)
		st->first_ns = st->last_ns;
	id = nla_get_u32(tb[KTHING_A_THING_ID]);
	seq = nla_get_u64(tb[KTHING_A_SEQ]);
	if (id < MAX_THINGS) {
		if (st->last_seq[id] && seq > st->last_seq[id] + 1)
			st->gaps += seq - st->last_seq[id] - 1;
		st->last_seq[id] = seq;
	}
	return NL_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "ready", required_argument, NULL, 'r' },
		{ "idle", required_argument, NULL, 'i' },
		{ "time", required_argument, NULL, 't' },
		{ 0 }
	};
	const char *key = NULL, *ready = NULL;
	long idle_ms = 1000, max_s = 60;
	struct listen_state st = { 0 };
	uint64_t enobufs = 0, deadline;
	struct nl_sock *sk;
	struct nl_cb *cb;
	int grp, c, fd, rcvbuf = 4 << 20;
	char k[128];

	while ((c = getopt_long(argc, argv, "k:r:i:t:", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'r': ready = optarg; break;
		case 'i': idle_ms = atol(optarg); break;
		case 't': max_s = atol(optarg); break;
		default: return 2;
		}
	}
	if (!key)
		die("usage: bench-listen -k KEY [-r READY-FILE] [-i IDLE-MS] [-t MAX-SECONDS]");
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		die("cannot open a generic netlink socket");
	grp = genl_ctrl_resolve_grp(sk, KTHING_GENL_NAME, KTHING_GENL_MCGRP_EVENTS);
	if (grp < 0)
		die("no multicast group %s/%s: %s", KTHING_GENL_NAME,
		    KTHING_GENL_MCGRP_EVENTS, nl_geterror(grp));
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &st);
	if (nl_socket_add_membership(sk, grp))
		die("cannot join %s/%s (needs CAP_NET_ADMIN)", KTHING_GENL_NAME,
		    KTHING_GENL_MCGRP_EVENTS);
	/* As kthingd does: 4 MiB, past net.core.rmem_max (we are root). */
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		nl_socket_set_buffer_size(sk, rcvbuf, 0);
	nl_socket_set_nonblocking(sk);
	cb = nl_socket_get_cb(sk);
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die("%s: %s", ready, strerror(errno));
		close(fd);
	}

	deadline = now_ns() + (uint64_t)max_s * 1000000000ull;
	while (!stop && now_ns() < deadline) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
		int ret = poll(&pfd, 1, 100);

		if (ret < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (ret > 0) {
			/* Drain: > 0 per datagram; 0 or -NLE_AGAIN once it would block. */
			while ((ret = nl_recvmsgs_report(sk, cb)) != 0) {
				if (ret == -NLE_AGAIN)
					break;
				if (ret == -NLE_NOMEM)
					enobufs++;	/* ENOBUFS: overflowed */
				else if (ret < 0)
					die("receiving: %s", nl_geterror(ret));
			}
		}
		if (st.events && now_ns() - st.last_ns > (uint64_t)idle_ms * 1000000ull)
			break;
	}

	snprintf(k, sizeof(k), "%s.events", key);
	bench_result(k, st.events, "events");
	snprintf(k, sizeof(k), "%s.rate", key);
	bench_result(k, st.events > 1 ?
		     (st.events - 1) * 1e9 / (st.last_ns - st.first_ns) : 0,
		     "events/s");
	snprintf(k, sizeof(k), "%s.gaps", key);
	bench_result(k, st.gaps, "events");
	snprintf(k, sizeof(k), "%s.enobufs", key);
	bench_result(k, enobufs, "overflows");
	nl_cb_put(cb);
	nl_socket_free(sk);
	return 0;
}
