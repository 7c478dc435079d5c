/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-VM test programs of the kthing core share: TAP output,
 * configfs, the character device and generic netlink (libnl-genl).
 *
 * TAP lines carry no numbers: the case script that runs a program prints
 * the plan once everything has run.
 */
#ifndef KTHING_TEST_H
#define KTHING_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kthing.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#define CFS_ROOT "/sys/kernel/config/kthing"

static int tap_failures;

static inline void __attribute__((format(printf, 2, 3)))
tap(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", pass ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!pass)
		tap_failures++;
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Passes when @ret is -1 with errno @want; says what happened otherwise. */
static inline void tap_errno(int ret, int want, const char *what)
{
	int got = ret == -1 ? errno : 0;

	tap(got == want, "%s fails with %s", what, strerror(want));
	if (got != want)
		diag("got %s (ret %d)", got ? strerror(got) : "success", ret);
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(": %s\n", strerror(errno));
	exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A deadline of @ms on Debian's kernel, stretched for the kernel under test:
 * a debug kernel runs everything several times slower, and tests/vm/run
 * says how much in KTHING_VM_TIME_SCALE (tests/vm/time-lib.sh).
 */
static inline int scaled_ms(int ms)
{
	const char *env = getenv("KTHING_VM_TIME_SCALE");
	int scale = env ? atoi(env) : 1;

	return scale > 1 ? ms * scale : ms;
}

/* Write @val to @path; returns 0 or the errno of the write. */
static inline int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

static inline int cfs_set(const char *thing, const char *channel,
			  const char *attr, const char *val)
{
	char path[256];

	if (channel)
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s/%s", thing,
			 channel, attr);
	else
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", thing, attr);
	return write_file(path, val);
}

static inline int cfs_mkdir(const char *thing, const char *channel)
{
	char path[256];

	if (channel)
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", thing, channel);
	else
		snprintf(path, sizeof(path), CFS_ROOT "/%s", thing);
	return mkdir(path, 0755) ? errno : 0;
}

static inline int cfs_rmdir(const char *thing, const char *channel)
{
	char path[256];

	if (channel)
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", thing, channel);
	else
		snprintf(path, sizeof(path), CFS_ROOT "/%s", thing);
	return rmdir(path) ? errno : 0;
}

/* The id of a live configfs thing, or -1. */
static inline int cfs_id(const char *thing)
{
	char path[256], buf[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CFS_ROOT "/%s/id", thing);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/*
 * Make a thing with one virtual int actuator "level" (-100 .. 100, initial
 * @initial) and one virtual bool actuator "switch"; @live makes it live.
 * Returns 0 or an errno.
 */
static inline int cfs_make_virtual_thing(const char *name, int initial,
					 bool live)
{
	char val[32];
	int err;

	snprintf(val, sizeof(val), "%d", initial);
	err = cfs_mkdir(name, NULL);
	err = err ?: cfs_mkdir(name, "level");
	err = err ?: cfs_set(name, "level", "kind", "actuator");
	err = err ?: cfs_set(name, "level", "backend", "virtual");
	err = err ?: cfs_set(name, "level", "unit", "pct");
	err = err ?: cfs_set(name, "level", "exponent", "-1");
	err = err ?: cfs_set(name, "level", "min", "-100");
	err = err ?: cfs_set(name, "level", "max", "100");
	err = err ?: cfs_set(name, "level", "initial", val);
	err = err ?: cfs_mkdir(name, "switch");
	err = err ?: cfs_set(name, "switch", "kind", "actuator");
	err = err ?: cfs_set(name, "switch", "type", "bool");
	err = err ?: cfs_set(name, "switch", "backend", "virtual");
	if (!err && live)
		err = cfs_set(name, NULL, "live", "1");
	return err;
}

/* Tear down and remove a thing made by cfs_make_virtual_thing(). */
static inline void cfs_remove_virtual_thing(const char *name)
{
	cfs_set(name, NULL, "live", "0");
	cfs_rmdir(name, "level");
	cfs_rmdir(name, "switch");
	cfs_rmdir(name, NULL);
}

/* The id of the live thing named @name, from sysfs; -1 if none. */
static inline int thing_id(const char *name)
{
	char path[64], buf[64];
	int id, fd;
	ssize_t n;

	for (id = 0; id < 256; id++) {
		snprintf(path, sizeof(path), "/sys/class/kthing/kthing%d/name",
			 id);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, name))
			return id;
	}
	return -1;
}

static inline int open_thing(int id, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/kthing%d", id);
	return open(path, flags);
}

/* --- generic netlink ------------------------------------------------------ */

/**
 * struct nlt - a generic netlink socket talking to the "kthing" family
 * @sk: the socket
 * @family: the family's id
 * @events: the id of the "events" multicast group
 * @error: the errno of the latest request's error, 0 if acknowledged
 * @extack: the extack message of that error, "" if none
 * @done: the request was answered (ack, error or end of dump)
 */
struct nlt {
	struct nl_sock *sk;
	int family;
	int events;
	int error;
	char extack[256];
	bool done;
};

/**
 * struct nlt_msg - attributes of a kthing message, request reply or event
 */
struct nlt_msg {
	int cmd;
	bool has_thing;
	uint32_t thing_id;
	char thing_name[KTHING_NAME_SIZE];
	uint32_t num_channels;
	uint64_t seq;
	uint64_t timestamp;
	bool has_channel;
	uint32_t channel_index;
	char channel_name[KTHING_NAME_SIZE];
	uint32_t kind, type, backend;
	char unit[KTHING_UNIT_SIZE];
	int32_t exponent;
	int64_t min, max;
	bool has_value;
	int64_t value;
	uint32_t value_flags;
	uint32_t source;
	uint32_t err;
	uint32_t config_flags, sample_period_ms, report_interval_ms;
	int64_t deadband;
	bool dump_intr;
};

/**
 * struct nlt_msgs - messages collected by a request or a listener
 */
struct nlt_msgs {
	struct nlt_msg m[512];
	int n;
};

static inline void nlt_copy_str(char *dst, size_t size, struct nlattr *a)
{
	if (a)
		snprintf(dst, size, "%s", (char *)nla_data(a));
}

static inline int nlt_parse(struct nl_msg *msg, void *arg)
{
	struct nlt_msgs *out = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[KTHING_A_MAX + 1];
	struct nlt_msg *m;

	if (out->n >= (int)(sizeof(out->m) / sizeof(out->m[0])))
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, KTHING_A_MAX, NULL))
		return NL_SKIP;
	m = &out->m[out->n++];
	memset(m, 0, sizeof(*m));
	m->cmd = gh->cmd;
	m->dump_intr = nlh->nlmsg_flags & NLM_F_DUMP_INTR;
	m->has_thing = tb[KTHING_A_THING_ID];
	if (tb[KTHING_A_THING_ID])
		m->thing_id = nla_get_u32(tb[KTHING_A_THING_ID]);
	nlt_copy_str(m->thing_name, sizeof(m->thing_name),
		     tb[KTHING_A_THING_NAME]);
	if (tb[KTHING_A_THING_NUM_CHANNELS])
		m->num_channels = nla_get_u32(tb[KTHING_A_THING_NUM_CHANNELS]);
	if (tb[KTHING_A_SEQ])
		m->seq = nla_get_u64(tb[KTHING_A_SEQ]);
	if (tb[KTHING_A_TIMESTAMP])
		m->timestamp = nla_get_u64(tb[KTHING_A_TIMESTAMP]);
	m->has_channel = tb[KTHING_A_CHANNEL_INDEX];
	if (tb[KTHING_A_CHANNEL_INDEX])
		m->channel_index = nla_get_u32(tb[KTHING_A_CHANNEL_INDEX]);
	nlt_copy_str(m->channel_name, sizeof(m->channel_name),
		     tb[KTHING_A_CHANNEL_NAME]);
	if (tb[KTHING_A_KIND])
		m->kind = nla_get_u32(tb[KTHING_A_KIND]);
	if (tb[KTHING_A_TYPE])
		m->type = nla_get_u32(tb[KTHING_A_TYPE]);
	if (tb[KTHING_A_BACKEND])
		m->backend = nla_get_u32(tb[KTHING_A_BACKEND]);
	nlt_copy_str(m->unit, sizeof(m->unit), tb[KTHING_A_UNIT]);
	if (tb[KTHING_A_EXPONENT])
		m->exponent = (int32_t)nla_get_u32(tb[KTHING_A_EXPONENT]);
	if (tb[KTHING_A_LIMIT_MIN])
		m->min = (int64_t)nla_get_u64(tb[KTHING_A_LIMIT_MIN]);
	if (tb[KTHING_A_LIMIT_MAX])
		m->max = (int64_t)nla_get_u64(tb[KTHING_A_LIMIT_MAX]);
	m->has_value = tb[KTHING_A_VALUE];
	if (tb[KTHING_A_VALUE])
		m->value = (int64_t)nla_get_u64(tb[KTHING_A_VALUE]);
	if (tb[KTHING_A_VALUE_FLAGS])
		m->value_flags = nla_get_u32(tb[KTHING_A_VALUE_FLAGS]);
	if (tb[KTHING_A_SOURCE])
		m->source = nla_get_u32(tb[KTHING_A_SOURCE]);
	if (tb[KTHING_A_ERRNO])
		m->err = nla_get_u32(tb[KTHING_A_ERRNO]);
	if (tb[KTHING_A_CONFIG_FLAGS])
		m->config_flags = nla_get_u32(tb[KTHING_A_CONFIG_FLAGS]);
	if (tb[KTHING_A_CONFIG_SAMPLE_PERIOD_MS])
		m->sample_period_ms =
			nla_get_u32(tb[KTHING_A_CONFIG_SAMPLE_PERIOD_MS]);
	if (tb[KTHING_A_CONFIG_REPORT_INTERVAL_MS])
		m->report_interval_ms =
			nla_get_u32(tb[KTHING_A_CONFIG_REPORT_INTERVAL_MS]);
	if (tb[KTHING_A_CONFIG_DEADBAND])
		m->deadband = (int64_t)nla_get_u64(tb[KTHING_A_CONFIG_DEADBAND]);
	return NL_OK;
}

/* Record the errno and the extack message of an error. */
static inline int nlt_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
			    void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlt *n = arg;
	size_t off = NLMSG_HDRLEN + sizeof(*err);
	struct nlattr *a;
	int rem;

	(void)nla;
	n->done = true;
	n->error = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off >= nlh->nlmsg_len)
		return NL_STOP;
	rem = nlh->nlmsg_len - off;
	for (a = (struct nlattr *)((char *)nlh + off); nla_ok(a, rem);
	     a = nla_next(a, &rem))
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(n->extack, sizeof(n->extack), "%s",
				 (char *)nla_data(a));
	return NL_STOP;
}

static inline int nlt_ack(struct nl_msg *msg, void *arg)
{
	struct nlt *n = arg;

	(void)msg;
	n->done = true;
	return NL_STOP;
}

/* Connect to the "kthing" family; returns 0 or a negative libnl error. */
static inline int nlt_open(struct nlt *n)
{
	int one = 1, ret;

	memset(n, 0, sizeof(*n));
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -NLE_NOMEM;
	ret = genl_connect(n->sk);
	if (ret)
		return ret;
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(n->sk, 1 << 20, 1 << 20);
	n->family = genl_ctrl_resolve(n->sk, KTHING_GENL_NAME);
	if (n->family < 0)
		return n->family;
	n->events = genl_ctrl_resolve_grp(n->sk, KTHING_GENL_NAME,
					  KTHING_GENL_MCGRP_EVENTS);
	return n->events < 0 ? n->events : 0;
}

static inline void nlt_close(struct nlt *n)
{
	nl_socket_free(n->sk);
	n->sk = NULL;
}

/* Start a request message of @cmd, with NLM_F_DUMP if @dump. */
static inline struct nl_msg *nlt_msg(struct nlt *n, int cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		bail("nlmsg_alloc");
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, n->family, 0,
		    NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0), cmd,
		    KTHING_GENL_VERSION);
	return msg;
}

/*
 * Send @msg (freed) and collect the replies into @out (may be NULL).
 * Returns 0, the errno of the error the kernel sent (n->extack holds its
 * message), EINTR for an interrupted dump or EIO.
 */
static inline int nlt_request(struct nlt *n, struct nl_msg *msg,
			      struct nlt_msgs *out)
{
	static struct nlt_msgs scratch;
	struct nl_cb *cb;
	int ret;

	n->error = 0;
	n->extack[0] = '\0';
	if (!out)
		out = &scratch;
	out->n = 0;
	ret = nl_send_auto(n->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return EIO;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nlt_parse, out);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nlt_ack, n);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nlt_ack, n);
	nl_cb_err(cb, NL_CB_CUSTOM, nlt_error, n);
	n->done = false;
	do {
		ret = nl_recvmsgs(n->sk, cb);
	} while (ret >= 0 && !n->done);
	nl_cb_put(cb);
	if (n->error)
		return n->error;
	/* A dump with NLM_F_DUMP_INTR: the set of things changed under it. */
	if (ret == -NLE_DUMP_INTR)
		return EINTR;
	return ret < 0 ? EIO : 0;
}

/* Join the events group; returns 0 or the errno of setsockopt(). */
static inline int nlt_join_events(struct nlt *n)
{
	int grp = n->events;

	if (setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return errno;
	nl_socket_disable_seq_check(n->sk);
	return 0;
}

static inline int nlt_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * Collect events into @out until @timeout_ms passes without one, @max
 * events arrived, or ten times @timeout_ms passed (both scaled_ms()).
 * Returns the number of events, or -errno (ENOBUFS when the socket
 * overflowed).
 */
static inline int nlt_collect(struct nlt *n, struct nlt_msgs *out, int max,
		       int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(n->sk), .events = POLLIN };
	uint64_t deadline;
	struct nl_cb *cb;
	int ret;

	timeout_ms = scaled_ms(timeout_ms);
	deadline = now_ns() + 10ULL * timeout_ms * 1000000;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nlt_parse, out);
	/* Events carry no request sequence number. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, nlt_any_seq, NULL);
	while (out->n < max && now_ns() < deadline &&
	       poll(&pfd, 1, timeout_ms) > 0) {
		ret = nl_recvmsgs(n->sk, cb);
		if (ret == -NLE_NOMEM) {
			nl_cb_put(cb);
			return -ENOBUFS;
		}
	}
	nl_cb_put(cb);
	return out->n;
}

#endif /* KTHING_TEST_H */
