// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "kthing": do and dump replies match the ioctl
 * view; SET_ACTUATOR; strict policies and extack messages; events for
 * writes, configuration, periodic reports and things coming and going,
 * with per-thing sequence numbers counting from 1 without gaps; dumps
 * interrupted by a change are flagged; unprivileged processes can neither
 * join the events group nor set an actuator.
 *
 *   kthing_nl
 *
 * Run as root with kthing.ko loaded and no thing live; makes its own
 * things through configfs and removes them.
 */

#include <sys/socket.h>
#include <sys/wait.h>

#include "kthing_test.h"

static struct nlt nl;
static struct nlt_msgs msgs;

static struct nl_msg *thing_request(int cmd, bool dump, const char *name)
{
	struct nl_msg *msg = nlt_msg(&nl, cmd, dump);

	if (name)
		nla_put_string(msg, KTHING_A_THING_NAME, name);
	return msg;
}

/* Passes when the request failed with @want. */
static void refused_errno(struct nl_msg *msg, int want, const char *what)
{
	int err = nlt_request(&nl, msg, NULL);

	tap(err == want, "%s fails with %s", what, strerror(want));
	if (err != want)
		diag("got %s", err ? strerror(err) : "success");
}

/* Passes when the request failed with @want and an extack message. */
static void refused(struct nl_msg *msg, int want, const char *what)
{
	refused_errno(msg, want, what);
	tap(nl.extack[0], "%s has an extack message (%s)", what, nl.extack);
}

static void test_get_thing(const char *name, int id)
{
	struct kthing_thing_info info;
	struct nl_msg *msg;
	bool found = false;
	int i, fd;

	fd = open_thing(id, O_RDONLY);
	memset(&info, 0, sizeof(info));
	if (fd < 0 || ioctl(fd, KTHING_IOC_THING_INFO, &info))
		bail("THING_INFO of %s", name);
	close(fd);

	tap(nlt_request(&nl, thing_request(KTHING_CMD_GET_THING, false, name),
			&msgs) == 0 && msgs.n == 1,
	    "GET_THING by name answers one message");
	tap(msgs.m[0].thing_id == info.id &&
	    !strcmp(msgs.m[0].thing_name, info.name) &&
	    msgs.m[0].num_channels == info.num_channels &&
	    msgs.m[0].seq == info.seq,
	    "GET_THING matches THING_INFO (id %u, %u channels, seq %llu)",
	    msgs.m[0].thing_id, msgs.m[0].num_channels,
	    (unsigned long long)msgs.m[0].seq);

	msg = nlt_msg(&nl, KTHING_CMD_GET_THING, false);
	nla_put_u32(msg, KTHING_A_THING_ID, id);
	tap(nlt_request(&nl, msg, &msgs) == 0 && msgs.n == 1 &&
	    !strcmp(msgs.m[0].thing_name, name),
	    "GET_THING by id finds the same thing");

	tap(nlt_request(&nl, thing_request(KTHING_CMD_GET_THING, true, NULL),
			&msgs) == 0,
	    "GET_THING dump succeeds");
	for (i = 0; i < msgs.n; i++)
		if (msgs.m[i].thing_id == info.id &&
		    !strcmp(msgs.m[i].thing_name, info.name) &&
		    msgs.m[i].num_channels == info.num_channels)
			found = true;
	tap(found && msgs.n == 2, "GET_THING dump lists both live things (%d)",
	    msgs.n);

	msg = nlt_msg(&nl, KTHING_CMD_GET_THING, false);
	nla_put_u32(msg, KTHING_A_THING_ID, 4000);
	refused(msg, ENOENT, "GET_THING of an id no thing has");
	refused(thing_request(KTHING_CMD_GET_THING, false, "nosuchthing"),
		ENOENT, "GET_THING of a name no thing has");
	refused(nlt_msg(&nl, KTHING_CMD_GET_THING, false), EINVAL,
		"GET_THING without a thing");
	msg = thing_request(KTHING_CMD_GET_THING, false, name);
	nla_put_u32(msg, KTHING_A_THING_ID, id + 1);
	refused(msg, EINVAL, "GET_THING with an id and a name that disagree");
}

/* Compare a GET_CHANNEL message with CHANNEL_INFO and READ. */
static bool channel_matches(int fd, const struct nlt_msg *m)
{
	struct kthing_channel_info ci;
	struct kthing_read rd;

	memset(&ci, 0, sizeof(ci));
	ci.index = m->channel_index;
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	rd.values[0].index = m->channel_index;
	if (ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci) ||
	    ioctl(fd, KTHING_IOC_READ, &rd))
		return false;
	return !strcmp(m->channel_name, ci.name) && m->kind == ci.kind &&
	       m->type == ci.type && m->backend == ci.backend &&
	       !strcmp(m->unit, ci.unit) && m->exponent == ci.exponent &&
	       m->min == ci.min && m->max == ci.max &&
	       m->config_flags == ci.config.flags &&
	       m->sample_period_ms == ci.config.sample_period_ms &&
	       m->report_interval_ms == ci.config.report_interval_ms &&
	       m->deadband == ci.config.deadband && m->has_value &&
	       m->value == rd.values[0].value &&
	       m->value_flags == rd.values[0].flags &&
	       m->timestamp == rd.values[0].timestamp_ns;
}

static void test_get_channel(const char *name, int id)
{
	struct nl_msg *msg;
	bool match = true;
	int i, fd, err;

	fd = open_thing(id, O_RDONLY);
	if (fd < 0)
		bail("open %s", name);
	err = nlt_request(&nl, thing_request(KTHING_CMD_GET_CHANNEL, true, name),
			  &msgs);
	tap(!err && msgs.n == 2,
	    "GET_CHANNEL dump of one thing gives its 2 channels (%d)", msgs.n);
	for (i = 0; i < msgs.n; i++)
		match = match && msgs.m[i].thing_id == (uint32_t)id &&
			msgs.m[i].channel_index == (uint32_t)i &&
			channel_matches(fd, &msgs.m[i]) && !msgs.m[i].dump_intr;
	tap(match, "GET_CHANNEL dump matches CHANNEL_INFO and READ");

	err = nlt_request(&nl, thing_request(KTHING_CMD_GET_CHANNEL, true, NULL),
			  &msgs);
	tap(!err && msgs.n == 4,
	    "GET_CHANNEL dump of all things gives all 4 channels (%d)", msgs.n);

	msg = thing_request(KTHING_CMD_GET_CHANNEL, false, name);
	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 1);
	tap(nlt_request(&nl, msg, &msgs) == 0 && msgs.n == 1 &&
	    channel_matches(fd, &msgs.m[0]) &&
	    !strcmp(msgs.m[0].channel_name, "switch"),
	    "GET_CHANNEL do by index matches the ioctl view");
	msg = thing_request(KTHING_CMD_GET_CHANNEL, false, name);
	nla_put_string(msg, KTHING_A_CHANNEL_NAME, "level");
	tap(nlt_request(&nl, msg, &msgs) == 0 && msgs.n == 1 &&
	    msgs.m[0].channel_index == 0 && channel_matches(fd, &msgs.m[0]),
	    "GET_CHANNEL do by name matches the ioctl view");

	msg = thing_request(KTHING_CMD_GET_CHANNEL, false, name);
	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 2);
	refused(msg, EINVAL, "GET_CHANNEL of index num_channels");
	msg = thing_request(KTHING_CMD_GET_CHANNEL, false, name);
	nla_put_string(msg, KTHING_A_CHANNEL_NAME, "nosuch");
	refused(msg, ENOENT, "GET_CHANNEL of a name no channel has");
	refused(thing_request(KTHING_CMD_GET_CHANNEL, false, name), EINVAL,
		"GET_CHANNEL do without a channel");
	/*
	 * Before 6.2 the kernel gives a dump's start no extack, so only the
	 * errno is checked here.
	 */
	msg = thing_request(KTHING_CMD_GET_CHANNEL, true, name);
	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 0);
	refused_errno(msg, EINVAL, "GET_CHANNEL dump with a channel");
	refused_errno(thing_request(KTHING_CMD_GET_CHANNEL, true, "nosuchthing"),
		      ENOENT, "GET_CHANNEL dump of a name no thing has");
	close(fd);
}

static struct nl_msg *set_request(const char *name, uint32_t index,
				  int64_t value)
{
	struct nl_msg *msg = thing_request(KTHING_CMD_SET_ACTUATOR, false,
					   name);

	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, index);
	nla_put_s64(msg, KTHING_A_VALUE, value);
	return msg;
}

static void test_set_actuator(const char *name, int id)
{
	struct kthing_read rd;
	struct nl_msg *msg;
	int fd;

	tap(nlt_request(&nl, set_request(name, 0, 17), &msgs) == 0 &&
	    msgs.n == 1 && msgs.m[0].cmd == KTHING_CMD_GET_CHANNEL &&
	    msgs.m[0].value == 17 && msgs.m[0].timestamp <= now_ns(),
	    "SET_ACTUATOR answers the applied value as a GET_CHANNEL message");
	fd = open_thing(id, O_RDONLY);
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	tap(fd >= 0 && !ioctl(fd, KTHING_IOC_READ, &rd) &&
	    rd.values[0].value == 17 &&
	    rd.values[0].timestamp_ns == msgs.m[0].timestamp,
	    "READ sees the value SET_ACTUATOR applied");
	if (fd >= 0)
		close(fd);

	refused(set_request(name, 0, 101), ERANGE,
		"SET_ACTUATOR above max");
	refused(set_request(name, 1, 2), EINVAL, "SET_ACTUATOR of 2 to a bool");
	refused(set_request(name, 2, 0), EINVAL,
		"SET_ACTUATOR of index num_channels");
	msg = thing_request(KTHING_CMD_SET_ACTUATOR, false, name);
	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 0);
	refused(msg, EINVAL, "SET_ACTUATOR without a value");
}

static void test_policies(const char *name)
{
	static const char long_name[] = "a123456789012345678901234567890123456789";
	struct nl_msg *msg;
	uint16_t small = 1;
	int i;

	refused(thing_request(KTHING_CMD_GET_THING, false, long_name), EINVAL,
		"a 40-byte thing name");
	msg = nlt_msg(&nl, KTHING_CMD_GET_THING, false);
	nla_put(msg, KTHING_A_THING_ID, sizeof(small), &small);
	refused(msg, EINVAL, "a 2-byte thing id");
	msg = nlt_msg(&nl, KTHING_CMD_GET_THING, false);
	nla_put(msg, KTHING_A_THING_NAME, 2, "nl");
	refused(msg, EINVAL, "a thing name without its NUL");
	msg = thing_request(KTHING_CMD_GET_THING, false, name);
	nla_put_u32(msg, KTHING_A_MAX + 5, 0);
	refused(msg, EINVAL, "an unknown attribute");
	msg = thing_request(KTHING_CMD_GET_THING, false, name);
	nla_put_s64(msg, KTHING_A_VALUE, 0);
	refused(msg, EINVAL, "GET_THING with a value attribute");
	msg = set_request(name, 0, 0);
	nla_put_u32(msg, KTHING_A_SOURCE, KTHING_SOURCE_IOCTL);
	refused(msg, EINVAL, "SET_ACTUATOR with a source attribute");
	msg = thing_request(KTHING_CMD_SET_ACTUATOR, false, name);
	nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 0);
	nla_put_u32(msg, KTHING_A_VALUE, 1);
	refused(msg, EINVAL, "a 4-byte value");
	for (i = KTHING_CMD_THING_ADDED; i <= KTHING_CMD_FAULT + 1; i++) {
		int err = nlt_request(&nl, nlt_msg(&nl, i, false), NULL);

		tap(err == EOPNOTSUPP, "command %d is not a request (%s)", i,
		    strerror(err));
	}
}

/* Events of @thing in @all, in order, into @out. */
static void events_of(const struct nlt_msgs *all, const char *thing,
		      struct nlt_msgs *out)
{
	int i;

	out->n = 0;
	for (i = 0; i < all->n; i++)
		if (!strcmp(all->m[i].thing_name, thing))
			out->m[out->n++] = all->m[i];
}

/*
 * The thing's events count up from @first by one. Their timestamps say
 * when a value was sampled or applied, so only seq gives their order.
 */
static bool seq_from(const struct nlt_msgs *ev, uint64_t first)
{
	uint64_t now = now_ns();
	int i;

	for (i = 0; i < ev->n; i++)
		if (ev->m[i].seq != first + i || !ev->m[i].timestamp ||
		    ev->m[i].timestamp > now)
			return false;
	return true;
}

static void print_events(const struct nlt_msgs *ev)
{
	int i;

	for (i = 0; i < ev->n; i++)
		diag("event cmd %d thing %s seq %llu channel %u value %lld source %u",
		     ev->m[i].cmd, ev->m[i].thing_name,
		     (unsigned long long)ev->m[i].seq, ev->m[i].channel_index,
		     (long long)ev->m[i].value, ev->m[i].source);
}

static void test_events(const char *name, int id)
{
	static struct nlt_msgs all, ev;
	struct kthing_thing_info info;
	struct kthing_channel_config c;
	struct kthing_write wr;
	struct nlt listener;
	uint64_t first;
	int fd, n, i, err;

	if (nlt_open(&listener))
		bail("listener");
	err = nlt_join_events(&listener);
	tap(!err, "root joins the events group (%s)", strerror(err));

	fd = open_thing(id, O_RDWR);
	memset(&info, 0, sizeof(info));
	if (fd < 0 || ioctl(fd, KTHING_IOC_THING_INFO, &info))
		bail("THING_INFO");
	first = info.seq + 1;

	memset(&wr, 0, sizeof(wr));
	wr.value = 33;
	ioctl(fd, KTHING_IOC_WRITE, &wr);
	nlt_request(&nl, set_request(name, 1, 1), NULL);
	memset(&c, 0, sizeof(c));
	c.index = 0;
	ioctl(fd, KTHING_IOC_SET_CONFIG, &c);
	wr.value = 34;
	wr.timestamp_ns = 0;
	ioctl(fd, KTHING_IOC_WRITE, &wr);
	c.flags = KTHING_CONFIG_F_EVENTS;
	ioctl(fd, KTHING_IOC_SET_CONFIG, &c);
	wr.value = 35;
	wr.timestamp_ns = 0;
	ioctl(fd, KTHING_IOC_WRITE, &wr);

	all.n = 0;
	n = nlt_collect(&listener, &all, 3, 2000);
	events_of(&all, name, &ev);
	tap(n == 3 && ev.n == 3, "three writes with events on give three events (%d)",
	    n);
	tap(ev.m[0].cmd == KTHING_CMD_APPLIED && ev.m[0].value == 33 &&
	    ev.m[0].source == KTHING_SOURCE_IOCTL &&
	    ev.m[0].channel_index == 0 && !strcmp(ev.m[0].channel_name, "level") &&
	    ev.m[0].exponent == -1 && ev.m[0].thing_id == (uint32_t)id,
	    "an ioctl write is APPLIED with source ioctl, channel and exponent");
	tap(ev.m[1].cmd == KTHING_CMD_APPLIED && ev.m[1].value == 1 &&
	    ev.m[1].source == KTHING_SOURCE_NETLINK &&
	    ev.m[1].channel_index == 1,
	    "SET_ACTUATOR is APPLIED with source netlink");
	tap(ev.m[2].value == 35,
	    "no event while the channel's events were off");
	tap(seq_from(&ev, first),
	    "sequence numbers go on from THING_INFO's by one");
	if (!seq_from(&ev, first))
		print_events(&ev);
	tap(ev.m[2].timestamp <= now_ns() && ev.m[0].timestamp > 0,
	    "event timestamps are monotonic nanoseconds from the past");
	memset(&info, 0, sizeof(info));
	ioctl(fd, KTHING_IOC_THING_INFO, &info);
	tap(info.seq == ev.m[2].seq, "THING_INFO seq is the latest event's");

	/* Periodic reports, as samples of the current value. */
	c.report_interval_ms = 100;
	ioctl(fd, KTHING_IOC_SET_CONFIG, &c);
	all.n = 0;
	nlt_collect(&listener, &all, 5, 2000);
	c.report_interval_ms = 0;
	ioctl(fd, KTHING_IOC_SET_CONFIG, &c);
	events_of(&all, name, &ev);
	for (i = 0, n = 0; i < ev.n; i++)
		n += ev.m[i].cmd == KTHING_CMD_SAMPLE && ev.m[i].value == 35 &&
		     ev.m[i].channel_index == 0;
	tap(ev.n == 5 && n == 5 && seq_from(&ev, first + 3),
	    "a 100 ms report interval gives samples of the current value");
	all.n = 0;
	nlt_collect(&listener, &all, 1, 400);
	tap(all.n == 0, "no more reports once the interval is 0 (%d)", all.n);

	/* A thing comes and goes. */
	all.n = 0;
	err = cfs_make_virtual_thing("nlev", 7, true);
	tap(!err, "another thing goes live");
	cfs_remove_virtual_thing("nlev");
	nlt_collect(&listener, &all, 4, 2000);
	events_of(&all, "nlev", &ev);
	tap(ev.n == 4 && ev.m[0].cmd == KTHING_CMD_THING_ADDED &&
	    ev.m[0].num_channels == 2,
	    "THING_ADDED comes first, with the number of channels");
	tap(ev.n == 4 && ev.m[1].cmd == KTHING_CMD_APPLIED &&
	    ev.m[1].source == KTHING_SOURCE_HARDWARE && ev.m[1].value == 7 &&
	    ev.m[2].cmd == KTHING_CMD_APPLIED && ev.m[2].value == 0,
	    "the initial values follow as APPLIED by the hardware");
	tap(ev.n == 4 && ev.m[3].cmd == KTHING_CMD_THING_REMOVED,
	    "THING_REMOVED comes last");
	tap(seq_from(&ev, 1), "the new thing's events count from 1");
	if (!seq_from(&ev, 1))
		print_events(&ev);

	close(fd);
	nlt_close(&listener);
}

/* Parse the NLM_F_DUMP_INTR flags of a raw dump part; 1 at its end. */
static int scan_part(const char *buf, ssize_t len, int *count, bool *intr)
{
	const struct nlmsghdr *h;
	int left = len;

	for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left);
	     h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			return 1;
		(*count)++;
	}
	return 0;
}

/*
 * A channel dump spanning several parts, with the set of things changed
 * after the first part, is flagged NLM_F_DUMP_INTR; one left alone is not.
 */
static void test_dump_intr(void)
{
	static char buf[8192];
	char name[16];
	int i, count;
	bool intr, done;
	ssize_t len;

	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "dump%d", i);
		if (cfs_make_virtual_thing(name, 0, true))
			bail("make %s", name);
	}
	for (int change = 0; change < 2; change++) {
		struct nl_sock *sk = nl_socket_alloc();
		struct nl_msg *msg;
		int fd;

		/*
		 * A fresh socket read with small buffers keeps the dump's
		 * parts small: the first is made at the request, each next
		 * one while the previous is read.
		 */
		if (!sk || genl_connect(sk))
			bail("dump socket");
		fd = nl_socket_get_fd(sk);
		msg = thing_request(KTHING_CMD_GET_CHANNEL, true, NULL);
		nl_send_auto(sk, msg);
		nlmsg_free(msg);
		count = 0;
		intr = false;
		len = recv(fd, buf, sizeof(buf), 0);
		done = len > 0 && scan_part(buf, len, &count, &intr);
		if (change)
			cfs_remove_virtual_thing("dump0");
		while (!done && (len = recv(fd, buf, sizeof(buf), 0)) > 0)
			done = scan_part(buf, len, &count, &intr);
		if (change)
			tap(intr, "a dump across a thing's removal is flagged NLM_F_DUMP_INTR (%d messages)",
			    count);
		else
			tap(!intr && count == 2 * 31,
			    "an undisturbed dump of 31 things has 62 channels, unflagged (%d)",
			    count);
		nl_socket_free(sk);
	}
	for (i = 1; i < 30; i++) {
		snprintf(name, sizeof(name), "dump%d", i);
		cfs_remove_virtual_thing(name);
	}
}

/* In a child that gave up root: joining events and setting fail. */
static void test_unprivileged(const char *name)
{
	struct nlt user;
	pid_t pid;
	int status, err;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			bail("setuid");
		if (nlt_open(&user))
			bail("nlt_open as nobody");
		err = nlt_join_events(&user);
		tap(err == EPERM, "an unprivileged join of events fails with EPERM (%s)",
		    strerror(err));
		err = nlt_request(&user, set_request(name, 0, 1), NULL);
		tap(err == EPERM, "an unprivileged SET_ACTUATOR fails with EPERM (%s)",
		    strerror(err));
		err = nlt_request(&user, thing_request(KTHING_CMD_GET_THING, false, name),
				  NULL);
		tap(err == 0, "an unprivileged GET_THING works (%s)", strerror(err));
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		tap_failures++;
}

int main(void)
{
	int id;

	if (nlt_open(&nl))
		bail("resolve the kthing family");
	if (cfs_make_virtual_thing("nl", 5, true) ||
	    cfs_make_virtual_thing("nl2", 0, true))
		bail("make the things");
	id = cfs_id("nl");

	test_get_thing("nl", id);
	test_get_channel("nl", id);
	test_set_actuator("nl", id);
	test_policies("nl");
	test_events("nl", id);
	test_unprivileged("nl");
	cfs_remove_virtual_thing("nl2");
	test_dump_intr();

	cfs_remove_virtual_thing("nl");
	nlt_close(&nl);
	return tap_failures ? 1 : 0;
}
