// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzer for the generic netlink family "kthing": random commands,
 * flags and attribute sets (any type, length and nesting, truncated or
 * overlong), sent raw, first as root and then as nobody, while another
 * process makes things live and tears them down.
 *
 *   fuzz_netlink ITERATIONS [SEED]
 *	kthing.ko loaded, no thing named fznl or fzchurn. Half the messages
 *	are sent as root, half as nobody.
 *
 * Every message is followed by a request that must be answered (GET_THING
 * of the stable thing with an ack), so a message the kernel drops is told
 * apart from one it never answers. As nobody, SET_ACTUATOR must always be
 * refused with EPERM (EOPNOTSUPP for a dump, which has no such operation),
 * joining "events" must fail with EPERM, and the stable thing's values
 * must not change.
 */

#include <grp.h>
#include <linux/genetlink.h>
#include <sys/socket.h>

#include "fuzz_things.h"

#define STABLE		"fznl"
#define MSG_MAX		4096
#define SENTINEL_SEQ	0x80000000u
#define ERRNO_MAX	256
#define SHOWN_MAX	10

struct fuzz_run {
	struct fuzz_rng rng;
	bool privileged;
	bool clean;		/* this message is well formed, only its values vary */
	int fd;			/* NETLINK_GENERIC socket */
	int family;
	uint32_t stable_id;
	unsigned long messages;
	unsigned long acked;	/* answered with success (ack or reply) */
	unsigned long by_errno[ERRNO_MAX];
	unsigned long silent;	/* dropped without an answer */
	unsigned long set_tries;	/* SET_ACTUATOR with an intact header */
	unsigned long set_refused;	/* ... refused with EPERM / EOPNOTSUPP */
	unsigned long wrong;	/* results the privilege rules forbid */
	unsigned long lost;	/* the sentinel was not answered */
	unsigned long shown;
};

/* --- building messages ---------------------------------------------------- */

struct msgbuf {
	unsigned char data[MSG_MAX];
	size_t len;
};

static void *put(struct msgbuf *m, size_t len)
{
	void *p = m->data + m->len;

	m->len += NLMSG_ALIGN(len);
	return p;
}

static const char *const names[] = {
	STABLE, CHURN, "level", "switch", "c0", "c63", "",
	"abcdefghijklmnopqrstuvwxyz01234",	/* 31 bytes: the longest */
	"abcdefghijklmnopqrstuvwxyz012345",	/* 32 bytes: too long */
};

/* A payload of the shape of attribute @type, or something else. */
static size_t fuzz_payload(struct fuzz_run *f, uint16_t type, unsigned char *p,
			   size_t room)
{
	struct fuzz_rng *r = &f->rng;
	const char *name;
	uint32_t u32;
	int64_t s64;
	size_t len;

	if (!f->clean && fuzz_one_in(r, 6)) {
		len = fuzz_below(r, 48);
		len = len < room ? len : room;
		fuzz_bytes(r, p, len);
		return len;
	}
	switch (type) {
	case KTHING_A_THING_ID:
		u32 = fuzz_one_in(r, 2) ? f->stable_id : fuzz_u32(r);
		goto put_u32;
	case KTHING_A_CHANNEL_INDEX:
		u32 = fuzz_one_in(r, 2) ? fuzz_below(r, 3) : fuzz_u32(r);
		goto put_u32;
	case KTHING_A_THING_NAME:
	case KTHING_A_CHANNEL_NAME:
	case KTHING_A_UNIT:
		name = names[fuzz_below(r, sizeof(names) / sizeof(names[0]))];
		len = strlen(name) + (f->clean || !fuzz_one_in(r, 8));	/* NUL or not */
		if (len > room)
			return 0;
		memcpy(p, name, len);
		return len;
	case KTHING_A_VALUE:
	case KTHING_A_SEQ:
	case KTHING_A_TIMESTAMP:
	case KTHING_A_LIMIT_MIN:
	case KTHING_A_LIMIT_MAX:
	case KTHING_A_CONFIG_DEADBAND:
		s64 = fuzz_one_in(r, 2) ? fuzz_below(r, 3) : fuzz_s64(r);
		if (room < sizeof(s64))
			return 0;
		memcpy(p, &s64, sizeof(s64));
		return sizeof(s64);
	default:
		u32 = fuzz_u32(r);
		goto put_u32;
	}
put_u32:
	if (room < sizeof(u32))
		return 0;
	memcpy(p, &u32, sizeof(u32));
	return sizeof(u32);
}

/* An attribute type: mostly those the requests take, sometimes anything. */
static uint16_t fuzz_type(struct fuzz_run *f)
{
	struct fuzz_rng *r = &f->rng;
	static const uint16_t wanted[] = {
		KTHING_A_THING_ID, KTHING_A_THING_NAME, KTHING_A_CHANNEL_INDEX,
		KTHING_A_CHANNEL_NAME, KTHING_A_VALUE,
	};
	uint16_t type;

	if (f->clean || fuzz_below(r, 3))
		type = wanted[fuzz_below(r, sizeof(wanted) / sizeof(wanted[0]))];
	else if (fuzz_below(r, 4))
		type = fuzz_below(r, KTHING_A_MAX + 4);
	else
		type = (uint16_t)fuzz_next(r) & NLA_TYPE_MASK;
	if (f->clean)
		return type;
	if (fuzz_one_in(r, 16))
		type |= NLA_F_NESTED;
	if (fuzz_one_in(r, 32))
		type |= NLA_F_NET_BYTEORDER;
	return type;
}

/* Up to a few attributes, nested now and then, into @m within @end. */
static void fuzz_attrs(struct fuzz_run *f, struct msgbuf *m, size_t end,
		       int depth)
{
	unsigned int i, n = fuzz_below(&f->rng, f->clean ? 4 : 6);

	for (i = 0; i < n && m->len + NLA_HDRLEN + 64 < end; i++) {
		struct nlattr *a = put(m, NLA_HDRLEN);
		size_t start = m->len;

		a->nla_type = fuzz_type(f);
		if ((a->nla_type & NLA_F_NESTED) && depth < 3)
			fuzz_attrs(f, m, end, depth + 1);
		else
			m->len += NLA_ALIGN(fuzz_payload(f, a->nla_type & NLA_TYPE_MASK,
							 m->data + m->len, 48));
		a->nla_len = NLA_HDRLEN + m->len - start;
		/* Unaligned payload lengths, and lengths past the end. */
		if (f->clean)
			continue;
		if (fuzz_one_in(&f->rng, 16))
			a->nla_len -= fuzz_below(&f->rng, 4);
		else if (fuzz_one_in(&f->rng, 32))
			a->nla_len += 1 + fuzz_below(&f->rng, 64);
	}
}

/* A request, possibly malformed, with sequence number @seq. */
static void fuzz_message(struct fuzz_run *f, struct msgbuf *m, uint32_t seq,
			 uint8_t *cmd, bool *intact, bool *dump, bool *header_ok)
{
	struct fuzz_rng *r = &f->rng;
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(m, 0, sizeof(*m));
	f->clean = fuzz_one_in(r, 2);
	nlh = put(m, NLMSG_HDRLEN);
	nlh->nlmsg_type = f->family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (fuzz_below(r, 4))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (fuzz_one_in(r, 3))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (!f->clean && fuzz_one_in(r, 16))
		nlh->nlmsg_flags |= fuzz_next(r) & 0xffff & ~NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	gh = put(m, GENL_HDRLEN);
	gh->cmd = fuzz_below(r, 4) ? 1 + fuzz_below(r, 3) : fuzz_below(r, 16);
	gh->version = KTHING_GENL_VERSION;
	if (!f->clean && fuzz_one_in(r, 8))
		gh->version = fuzz_below(r, 256);
	if (!f->clean && fuzz_one_in(r, 16))
		gh->reserved = fuzz_below(r, 65536);
	fuzz_attrs(f, m, sizeof(m->data), 0);
	nlh->nlmsg_len = m->len;
	*intact = true;
	if (f->clean)
		goto out;
	/*
	 * Truncated (and sent so: bytes after a short message would be read
	 * as another message, maybe of another family), or claiming more
	 * than was sent.
	 */
	if (fuzz_one_in(r, 16)) {
		nlh->nlmsg_len = fuzz_below(r, m->len + 1);
		*intact = nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
		m->len = nlh->nlmsg_len;
	} else if (fuzz_one_in(r, 32)) {
		nlh->nlmsg_len = m->len + 1 + fuzz_below(r, 64);
		*intact = false;
	}
out:
	*cmd = gh->cmd;
	*dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	/* What generic netlink checks before the command's permissions. */
	*header_ok = !gh->reserved &&
		     !((nlh->nlmsg_flags & ~(*dump ? NLM_F_DUMP : 0)) &
		       ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
}

/* The request that must always be answered: GET_THING of the stable thing. */
static void sentinel_message(struct fuzz_run *f, struct msgbuf *m, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;
	struct nlattr *a;

	memset(m, 0, sizeof(*m));
	nlh = put(m, NLMSG_HDRLEN);
	nlh->nlmsg_type = f->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	gh = put(m, GENL_HDRLEN);
	gh->cmd = KTHING_CMD_GET_THING;
	gh->version = KTHING_GENL_VERSION;
	a = put(m, NLA_HDRLEN + sizeof(uint32_t));
	a->nla_type = KTHING_A_THING_ID;
	a->nla_len = NLA_HDRLEN + sizeof(uint32_t);
	memcpy((char *)a + NLA_HDRLEN, &f->stable_id, sizeof(uint32_t));
	nlh->nlmsg_len = m->len;
}

static int send_msg(int fd, const struct msgbuf *m)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(fd, m->data, m->len, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel)) < 0 ? errno : 0;
}

/* --- answers ------------------------------------------------------------- */

struct answer {
	bool seen;		/* an error, an ack, a reply or a dump's end */
	int err;		/* positive errno, 0 for success */
	bool dumping;		/* parts of a dump came, its end not yet */
};

/*
 * Read until the sentinel is answered and the fuzzed request's dump, if
 * one started, has ended. Returns false if the kernel stops answering.
 */
static bool read_answers(struct fuzz_run *f, uint32_t seq, struct answer *ans)
{
	static unsigned char buf[1 << 16];
	bool sentinel = false;

	memset(ans, 0, sizeof(*ans));
	while (!sentinel || ans->dumping) {
		struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (poll(&pfd, 1, scaled_ms(10000)) <= 0)
			return false;
		n = recv(f->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return false;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			bool is_sentinel = nlh->nlmsg_seq == (seq | SENTINEL_SEQ);
			int err = 0;

			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				err = -e->error;
			} else if (nlh->nlmsg_type == NLMSG_DONE &&
				   nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
				int code;

				memcpy(&code, NLMSG_DATA(nlh), sizeof(code));
				err = code < 0 ? -code : 0;
			}
			if (is_sentinel) {
				if (nlh->nlmsg_type == NLMSG_ERROR) {
					sentinel = true;
					if (err)
						f->lost++;
				}
				continue;
			}
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_MULTI &&
			    nlh->nlmsg_type != NLMSG_DONE &&
			    nlh->nlmsg_type != NLMSG_ERROR) {
				ans->dumping = true;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				ans->dumping = false;
			if (!ans->seen || err) {
				ans->seen = true;
				ans->err = ans->err ?: err;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR)
				ans->dumping = false;
		}
	}
	return true;
}

static void show(struct fuzz_run *f, const char *fmt, uint8_t cmd, int err)
{
	if (f->shown++ < SHOWN_MAX) {
		printf("# %s: ", f->privileged ? "root" : "nobody");
		printf(fmt, cmd, err ? strerror(err) : "success");
		putchar('\n');
		fflush(stdout);
	}
}

/* One fuzzed request and its answer, checked against the privilege rules. */
static bool fuzz_one(struct fuzz_run *f, uint32_t seq)
{
	bool intact, dump, header_ok;
	struct answer ans;
	struct msgbuf m;
	uint8_t cmd;

	fuzz_message(f, &m, seq, &cmd, &intact, &dump, &header_ok);
	if (send_msg(f->fd, &m))
		f->silent++;
	sentinel_message(f, &m, seq | SENTINEL_SEQ);
	if (send_msg(f->fd, &m) || !read_answers(f, seq, &ans)) {
		f->lost++;
		return false;
	}
	f->messages++;
	if (!ans.seen)
		f->silent++;
	else if (!ans.err)
		f->acked++;
	if (ans.seen)
		f->by_errno[ans.err < ERRNO_MAX ? ans.err : 0]++;

	if (f->privileged) {
		if (ans.seen && ans.err == EPERM) {
			f->wrong++;
			show(f, "command %u refused with %s", cmd, ans.err);
		}
		return true;
	}
	if (cmd == KTHING_CMD_SET_ACTUATOR && intact && header_ok) {
		f->set_tries++;
		if (ans.seen && (ans.err == EPERM || (dump && ans.err == EOPNOTSUPP))) {
			f->set_refused++;
		} else {
			f->wrong++;
			show(f, "SET_ACTUATOR (command %u) answered with %s", cmd, ans.err);
		}
	} else if (cmd == KTHING_CMD_SET_ACTUATOR && ans.seen && !ans.err) {
		/* A malformed header is refused before the permissions. */
		f->wrong++;
		show(f, "a malformed SET_ACTUATOR (command %u) answered with %s", cmd, 0);
	} else if ((cmd == KTHING_CMD_GET_THING || cmd == KTHING_CMD_GET_CHANNEL) &&
		   ans.err == EPERM) {
		f->wrong++;
		show(f, "GET (command %u) refused with %s", cmd, ans.err);
	}
	return true;
}

static int nl_socket(void)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int fd, one = 1, size = 1 << 18;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)))
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/* Fuzz @count messages; returns false if the kernel stopped answering. */
static bool fuzz_run(struct fuzz_run *f, unsigned long count)
{
	unsigned long i;

	f->fd = nl_socket();
	if (f->fd < 0)
		return false;
	for (i = 0; i < count; i++)
		if (!fuzz_one(f, (uint32_t)(i + 1) & ~SENTINEL_SEQ))
			break;
	close(f->fd);
	return i == count;
}

/* How joining "events" as nobody fails: setsockopt, and bind if it can. */
static void unprivileged_joins(int events, int *by_option, int *by_bind)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int fd = nl_socket();

	*by_option = *by_bind = -1;
	if (fd < 0)
		return;
	*by_option = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&events, sizeof(events)) ? errno : 0;
	close(fd);
	if (events > 32) {
		*by_bind = EPERM;	/* bind() names groups 1 .. 32 only */
		return;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	local.nl_groups = 1u << (events - 1);
	*by_bind = bind(fd, (struct sockaddr *)&local, sizeof(local)) ? errno : 0;
	close(fd);
}

static void print_errnos(const struct fuzz_run *f)
{
	char line[512];
	size_t used = 0;
	int e;

	for (e = 0; e < ERRNO_MAX && used < sizeof(line) - 64; e++)
		if (f->by_errno[e])
			used += snprintf(line + used, sizeof(line) - used, "%s%s %lu",
					 used ? ", " : "", e ? strerrorname_np(e) : "ok",
					 f->by_errno[e]);
	diag("netlink fuzz as %s: answers: %s", f->privileged ? "root" : "nobody",
	     used ? line : "none");
}

/* The values of the stable thing's two channels, read as root. */
static bool stable_values(int64_t v[2])
{
	struct kthing_read rd;
	int fd = open_thing(cfs_id(STABLE), O_RDONLY);
	bool ok;

	memset(&rd, 0, sizeof(rd));
	rd.num = 2;
	rd.values[1].index = 1;
	ok = fd >= 0 && !ioctl(fd, KTHING_IOC_READ, &rd);
	v[0] = rd.values[0].value;
	v[1] = rd.values[1].value;
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * The unprivileged half, in a child that became nobody. Its counters come
 * back through @report_fd.
 */
static void run_as_nobody(struct fuzz_run *f, unsigned long count, int events,
			  int report_fd)
{
	int joins[2];

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		_exit(3);
	f->privileged = false;
	unprivileged_joins(events, &joins[0], &joins[1]);
	fuzz_run(f, count);
	if (write(report_fd, joins, sizeof(joins)) != sizeof(joins) ||
	    write(report_fd, f, sizeof(*f)) != sizeof(*f))
		_exit(1);
	_exit(0);
}

static void summary(const struct fuzz_run *f)
{
	diag("netlink fuzz as %s: %lu messages, %lu succeeded, %lu dropped without an answer",
	     f->privileged ? "root" : "nobody", f->messages, f->acked, f->silent);
	print_errnos(f);
}

int main(int argc, char **argv)
{
	struct fuzz_run root, nobody;
	int64_t before[2] = { 0 }, after[2] = { 0 };
	int report[2], joins[2], status;
	unsigned long iterations;
	struct churn churner;
	uint64_t seed, start;
	struct nlt n;
	bool root_done;
	pid_t child;
	long rounds;

	seed = fuzz_args(argc, argv, "netlink", &iterations);

	tap(cfs_make_virtual_thing(STABLE, 0, true) == 0, "the stable thing goes live");
	if (nlt_open(&n))
		bail("resolve the kthing family");
	memset(&root, 0, sizeof(root));
	root.rng.state = seed;
	root.privileged = true;
	root.family = n.family;
	root.stable_id = cfs_id(STABLE);
	/* A subscriber that never reads: events overflow its socket. */
	tap(nlt_join_events(&n) == 0, "root joins events");

	churn_start(&churner, seed);
	start = now_ns();
	root_done = fuzz_run(&root, iterations / 2);
	summary(&root);
	tap(root_done && !root.lost,
	    "as root, every fuzzed message was followed by an answered request (%lu)",
	    root.messages);
	tap(root.wrong == 0, "as root, nothing was refused with EPERM (%lu were)", root.wrong);

	/* Unprivileged: the stable thing must keep its values. */
	if (!stable_values(before))
		bail("read the stable thing");
	memset(&nobody, 0, sizeof(nobody));
	nobody.rng.state = seed ^ 0x6e6f626f6479ULL;
	nobody.family = root.family;
	nobody.stable_id = root.stable_id;
	if (pipe(report))
		bail("pipe");
	child = fork();
	if (child < 0)
		bail("fork");
	if (child == 0) {
		close(report[0]);
		run_as_nobody(&nobody, iterations - iterations / 2, n.events, report[1]);
	}
	close(report[1]);
	if (read(report[0], joins, sizeof(joins)) != sizeof(joins) ||
	    read(report[0], &nobody, sizeof(nobody)) != sizeof(nobody))
		memset(&nobody, 0, sizeof(nobody));
	close(report[0]);
	waitpid(child, &status, 0);
	rounds = churn_finish(&churner);

	summary(&nobody);
	diag("netlink fuzz: %lu calls, seed %llu, %.1f s; %ld things made live and torn down meanwhile",
	     root.messages + nobody.messages, (unsigned long long)seed,
	     (now_ns() - start) / 1e9, rounds);
	tap(WIFEXITED(status) && WEXITSTATUS(status) == 0 && !nobody.lost &&
	    nobody.messages == iterations - iterations / 2,
	    "as nobody, every fuzzed message was followed by an answered request (%lu)",
	    nobody.messages);
	tap(joins[0] == EPERM, "as nobody, joining events fails with EPERM (%s)",
	    strerror(joins[0]));
	tap(joins[1] == EPERM, "as nobody, binding to events fails with EPERM (%s)",
	    strerror(joins[1]));
	tap(nobody.set_tries > 0 && nobody.set_refused == nobody.set_tries,
	    "as nobody, every SET_ACTUATOR was refused with EPERM (%lu of %lu)",
	    nobody.set_refused, nobody.set_tries);
	tap(nobody.wrong == 0,
	    "as nobody, nothing else was refused with EPERM, nor a malformed SET accepted (%lu)",
	    nobody.wrong);
	if (!stable_values(after))
		bail("read the stable thing again");
	tap(after[0] == before[0] && after[1] == before[1],
	    "as nobody, the stable thing's values did not change (%lld %lld, then %lld %lld)",
	    (long long)before[0], (long long)before[1], (long long)after[0],
	    (long long)after[1]);
	tap(rounds > 0, "things went live and were torn down during the fuzzing (%ld)", rounds);

	nlt_close(&n);
	cfs_remove_virtual_thing(STABLE);
	tap(cfs_make_virtual_thing(STABLE, 5, true) == 0 && cfs_id(STABLE) >= 0,
	    "a thing still goes live after the fuzzing");
	cfs_remove_virtual_thing(STABLE);
	return tap_failures ? 1 : 0;
}
