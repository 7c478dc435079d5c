// SPDX-License-Identifier: GPL-2.0
/*
 * One access attempt, for the security case to run under different users,
 * groups and capabilities (setpriv). Prints what happened: "ok" (with the
 * value read, for read) or the errno's name, and exits 0 either way; a
 * usage error exits 2.
 *
 *   security_probe open DEVICE r|w|rw
 *   security_probe read DEVICE INDEX           read-only descriptor
 *   security_probe write DEVICE r|w|rw INDEX VALUE
 *   security_probe config DEVICE r|w|rw INDEX  SET_CONFIG to the defaults
 *   security_probe write-fd FD INDEX VALUE     through an inherited descriptor
 *   security_probe join                        the netlink "events" group
 *   security_probe nlset THING CHANNEL VALUE   KTHING_CMD_SET_ACTUATOR
 */

#include "kthing_test.h"

static int mode_flags(const char *mode)
{
	if (!strcmp(mode, "r"))
		return O_RDONLY;
	if (!strcmp(mode, "w"))
		return O_WRONLY;
	if (!strcmp(mode, "rw"))
		return O_RDWR;
	fprintf(stderr, "security_probe: mode is r, w or rw, not '%s'\n", mode);
	exit(2);
}

static int result(int err)
{
	puts(err ? strerrorname_np(err) : "ok");
	return 0;
}

static int open_device(const char *path, const char *mode)
{
	return open(path, mode_flags(mode) | O_CLOEXEC);
}

static int do_write(int fd, const char *index, const char *value)
{
	struct kthing_write wr;

	memset(&wr, 0, sizeof(wr));
	wr.index = strtoul(index, NULL, 0);
	wr.value = strtoll(value, NULL, 0);
	return result(ioctl(fd, KTHING_IOC_WRITE, &wr) ? errno : 0);
}

static int do_read(const char *path, const char *index)
{
	struct kthing_read rd;
	int fd = open_device(path, "r");

	if (fd < 0)
		return result(errno);
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	rd.values[0].index = strtoul(index, NULL, 0);
	if (ioctl(fd, KTHING_IOC_READ, &rd))
		return result(errno);
	printf("ok %lld\n", (long long)rd.values[0].value);
	return 0;
}

static int do_config(int fd, const char *index)
{
	struct kthing_channel_config c;

	memset(&c, 0, sizeof(c));
	c.index = strtoul(index, NULL, 0);
	c.flags = KTHING_CONFIG_F_EVENTS;
	return result(ioctl(fd, KTHING_IOC_SET_CONFIG, &c) ? errno : 0);
}

static int do_join(void)
{
	struct nlt n;

	if (nlt_open(&n))
		return result(EIO);
	return result(nlt_join_events(&n));
}

static int do_nlset(const char *thing, const char *channel, const char *value)
{
	struct nl_msg *msg;
	struct nlt n;

	if (nlt_open(&n))
		return result(EIO);
	msg = nlt_msg(&n, KTHING_CMD_SET_ACTUATOR, false);
	nla_put_string(msg, KTHING_A_THING_NAME, thing);
	nla_put_string(msg, KTHING_A_CHANNEL_NAME, channel);
	nla_put_s64(msg, KTHING_A_VALUE, strtoll(value, NULL, 0));
	return result(nlt_request(&n, msg, NULL));
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int fd;

	if (!strcmp(op, "open") && argc == 4) {
		fd = open_device(argv[2], argv[3]);
		return result(fd < 0 ? errno : 0);
	}
	if (!strcmp(op, "read") && argc == 4)
		return do_read(argv[2], argv[3]);
	if ((!strcmp(op, "write") && argc == 6) || (!strcmp(op, "config") && argc == 5)) {
		fd = open_device(argv[2], argv[3]);
		if (fd < 0)
			return result(errno);
		return op[0] == 'w' ? do_write(fd, argv[4], argv[5]) : do_config(fd, argv[4]);
	}
	if (!strcmp(op, "write-fd") && argc == 5)
		return do_write(atoi(argv[2]), argv[3], argv[4]);
	if (!strcmp(op, "join") && argc == 2)
		return do_join();
	if (!strcmp(op, "nlset") && argc == 5)
		return do_nlset(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: see the comment at the top of security_probe.c\n");
	return 2;
}
