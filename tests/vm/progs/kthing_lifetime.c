// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: a thing torn down while descriptors are open, a poll() waits,
 * ioctls and netlink requests run in other threads and a listener is
 * subscribed; and the module unloaded and loaded again and again with
 * things live.
 *
 *   kthing_lifetime teardown ROUNDS
 *	kthing.ko loaded, no thing live.
 *   kthing_lifetime reload ROUNDS KTHING_KO [fwthing]
 *	kthing.ko not loaded. With "fwthing", kthing_fwtest.ko is loaded and
 *	every load of kthing.ko makes the thing "fwthing" from its software
 *	nodes, which is live when the module goes away.
 */

#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "kthing_test.h"

/* What the threads hammering a thing share with the main thread. */
static struct {
	int fd;
	int id;
	volatile bool stop;
	volatile bool removed;
	int unexpected;		/* errors other than ENODEV after removal */
	int calls;
	short revents;		/* of the poll() that waited for removal */
} ham;

static pthread_mutex_t ham_lock = PTHREAD_MUTEX_INITIALIZER;

/* A call may fail only with ENODEV, and only once the removal began. */
static void ham_record(int ret, int err)
{
	pthread_mutex_lock(&ham_lock);
	ham.calls++;
	if (ret && (err != ENODEV || !ham.removed))
		ham.unexpected++;
	pthread_mutex_unlock(&ham_lock);
}

/* READs all along; up to 100 WRITEs, which are events, per round. */
static void *ioctl_hammer(void *arg)
{
	struct kthing_write wr;
	struct kthing_read rd;
	int writes = 0, ret;

	(void)arg;
	while (!ham.stop) {
		memset(&rd, 0, sizeof(rd));
		rd.num = 2;
		rd.values[1].index = 1;
		ret = ioctl(ham.fd, KTHING_IOC_READ, &rd);
		ham_record(ret, errno);
		if (writes++ >= 100)
			continue;
		memset(&wr, 0, sizeof(wr));
		wr.value = writes;
		ret = ioctl(ham.fd, KTHING_IOC_WRITE, &wr);
		ham_record(ret, errno);
	}
	return NULL;
}

static void *netlink_hammer(void *arg)
{
	struct nlt n;
	int err, sets = 0;

	(void)arg;
	if (nlt_open(&n))
		return NULL;
	while (!ham.stop) {
		struct nl_msg *msg = nlt_msg(&n, KTHING_CMD_GET_CHANNEL, true);

		nla_put_string(msg, KTHING_A_THING_NAME, "life");
		err = nlt_request(&n, msg, NULL);
		pthread_mutex_lock(&ham_lock);
		if (err && ((err != ENOENT && err != EINTR) || !ham.removed))
			ham.unexpected++;
		pthread_mutex_unlock(&ham_lock);
		if (sets++ >= 50)
			continue;
		msg = nlt_msg(&n, KTHING_CMD_SET_ACTUATOR, false);
		nla_put_string(msg, KTHING_A_THING_NAME, "life");
		nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 1);
		nla_put_s64(msg, KTHING_A_VALUE, 1);
		err = nlt_request(&n, msg, NULL);
		pthread_mutex_lock(&ham_lock);
		if (err && ((err != ENOENT && err != ENODEV) || !ham.removed))
			ham.unexpected++;
		pthread_mutex_unlock(&ham_lock);
	}
	nlt_close(&n);
	return NULL;
}

static void *poller(void *arg)
{
	struct pollfd pfd = { .fd = *(int *)arg, .events = POLLIN };

	if (poll(&pfd, 1, scaled_ms(20000)) == 1)
		ham.revents = pfd.revents;
	return NULL;
}

/* Every ioctl on a descriptor of a removed thing fails with ENODEV. */
static bool all_enodev(int fd)
{
	struct kthing_channel_config c = { 0 };
	struct kthing_channel_info ci = { 0 };
	struct kthing_thing_info info;
	struct kthing_write wr = { 0 };
	struct kthing_read rd = { .num = 1 };

	return ioctl(fd, KTHING_IOC_THING_INFO, &info) == -1 &&
	       errno == ENODEV &&
	       ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci) == -1 &&
	       errno == ENODEV &&
	       ioctl(fd, KTHING_IOC_READ, &rd) == -1 && errno == ENODEV &&
	       ioctl(fd, KTHING_IOC_WRITE, &wr) == -1 && errno == ENODEV &&
	       ioctl(fd, KTHING_IOC_SET_CONFIG, &c) == -1 && errno == ENODEV;
}

static void teardown(int rounds)
{
	static struct nlt_msgs all;
	int round, fails = 0, bad_events = 0, unexpected = 0, calls = 0;
	bool enodev = true, hup = true, polled_hup = true;

	for (round = 0; round < rounds; round++) {
		pthread_t ioctl_thread[2], nl_thread, poll_thread;
		struct pollfd pfd;
		struct nlt listener;
		int rdonly, i, last = -1;
		uint64_t seq = 0;

		int big = 8 << 20;

		if (cfs_make_virtual_thing("life", 1, true) ||
		    nlt_open(&listener) || nlt_join_events(&listener)) {
			fails++;
			break;
		}
		setsockopt(nl_socket_get_fd(listener.sk), SOL_SOCKET,
			   SO_RCVBUFFORCE, &big, sizeof(big));
		memset(&ham, 0, sizeof(ham));
		ham.id = cfs_id("life");
		ham.fd = open_thing(ham.id, O_RDWR);
		rdonly = open_thing(ham.id, O_RDONLY);
		if (ham.fd < 0 || rdonly < 0)
			bail("open /dev/kthing%d", ham.id);
		pthread_create(&poll_thread, NULL, poller, &rdonly);
		for (i = 0; i < 2; i++)
			pthread_create(&ioctl_thread[i], NULL, ioctl_hammer,
				       NULL);
		pthread_create(&nl_thread, NULL, netlink_hammer, NULL);
		usleep(50000);

		/* The live thing's channel directories stay. */
		if (cfs_rmdir("life", "level") != EBUSY)
			fails++;
		ham.removed = true;
		cfs_set("life", NULL, "live", "0");
		pthread_join(poll_thread, NULL);
		usleep(20000);
		ham.stop = true;
		for (i = 0; i < 2; i++)
			pthread_join(ioctl_thread[i], NULL);
		pthread_join(nl_thread, NULL);

		polled_hup = polled_hup &&
			     (ham.revents & (POLLHUP | POLLERR)) ==
			     (POLLHUP | POLLERR);
		enodev = enodev && all_enodev(ham.fd) && all_enodev(rdonly);
		pfd.fd = ham.fd;
		pfd.events = POLLIN;
		hup = hup && poll(&pfd, 1, 0) == 1 &&
		      (pfd.revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR);
		unexpected += ham.unexpected;
		calls += ham.calls;

		/* The thing's events: contiguous, THING_REMOVED last. */
		all.n = 0;
		nlt_collect(&listener, &all, 512, 300);
		for (i = 0; i < all.n; i++) {
			if (strcmp(all.m[i].thing_name, "life"))
				continue;
			if (seq && all.m[i].seq != seq + 1)
				bad_events++;
			seq = all.m[i].seq;
			last = all.m[i].cmd;
		}
		if (last != KTHING_CMD_THING_REMOVED)
			bad_events++;
		close(rdonly);
		close(ham.fd);
		nlt_close(&listener);
		cfs_remove_virtual_thing("life");
	}
	tap(!fails,
	    "%d rounds of a thing torn down under load, its channels' directories kept while live",
	    rounds);
	tap(polled_hup, "a waiting poll() wakes up with POLLHUP | POLLERR");
	tap(hup, "poll() on a removed thing reports POLLHUP | POLLERR");
	tap(enodev, "every ioctl on a removed thing fails with ENODEV");
	tap(!unexpected,
	    "concurrent ioctls and netlink requests fail only after the removal, with ENODEV, ENOENT or an interrupted dump (%d of %d calls)",
	    unexpected, calls);
	tap(!bad_events,
	    "the listener saw every round's events without a gap, THING_REMOVED last");
}

static int load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? errno : 0;
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "kthing", O_NONBLOCK) ? errno : 0;
}

static void reload(int rounds, const char *ko, bool fwthing)
{
	int round, err, busy_fd = 0, busy_dir = 0, fails = 0, fw_fails = 0;
	struct kthing_thing_info info;
	struct nlt listener;
	bool listening;
	int id, fd;

	for (round = 0; round < rounds; round++) {
		err = load(ko);
		if (err) {
			errno = err;
			bail("load %s in round %d", ko, round);
		}
		listening = !nlt_open(&listener) && !nlt_join_events(&listener);

		if (fwthing) {
			id = thing_id("fwthing");
			fd = open_thing(id, O_RDWR);
			memset(&info, 0, sizeof(info));
			if (fd < 0 || ioctl(fd, KTHING_IOC_THING_INFO, &info) ||
			    strcmp(info.name, "fwthing") || info.num_channels != 2)
				fw_fails++;
			if (round == 0 && fd >= 0)
				busy_fd = unload();
			if (fd >= 0)
				close(fd);
		}

		/* A configfs thing, used, removed. */
		err = cfs_make_virtual_thing("reload", round % 100, true);
		fd = err ? -1 : open_thing(cfs_id("reload"), O_RDWR);
		if (fd < 0) {
			fails++;
		} else {
			struct kthing_write wr = { .value = 1 };

			if (ioctl(fd, KTHING_IOC_WRITE, &wr))
				fails++;
			close(fd);
		}
		cfs_set("reload", NULL, "live", "0");
		if (round == 0)
			busy_dir = unload();
		cfs_remove_virtual_thing("reload");

		err = unload();
		if (err) {
			errno = err;
			bail("unload in round %d", round);
		}
		/* The listener outlived the family. */
		if (listening)
			nlt_close(&listener);
		else
			fails++;
	}
	tap(busy_dir == EWOULDBLOCK || busy_dir == EBUSY,
	    "the module cannot go while a configfs directory exists (%s)",
	    strerror(busy_dir));
	if (fwthing) {
		tap(busy_fd == EWOULDBLOCK || busy_fd == EBUSY,
		    "the module cannot go while a descriptor is open (%s)",
		    strerror(busy_fd));
		tap(!fw_fails,
		    "each load makes fwthing from its software nodes (%d failed)",
		    fw_fails);
	}
	tap(!fails,
	    "%d rounds of load, configfs thing used and removed, %sunload with a listener subscribed (%d failed)",
	    rounds, fwthing ? "fwthing live at " : "", fails);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "teardown")) {
		teardown(atoi(argv[2]));
	} else if (argc >= 4 && !strcmp(argv[1], "reload")) {
		reload(atoi(argv[2]), argv[3],
		       argc > 4 && !strcmp(argv[4], "fwthing"));
	} else {
		fprintf(stderr,
			"usage: %s teardown ROUNDS | reload ROUNDS KO [fwthing]\n",
			argv[0]);
		return 2;
	}
	return tap_failures ? 1 : 0;
}
