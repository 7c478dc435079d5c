// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI of /dev/kthingN: every ioctl's happy path and one check
 * per validation failure with its exact errno.
 *
 *   kthing_abi THING [SENSOR_THING]
 *
 * THING is a live thing shaped like those of cfs_make_virtual_thing(),
 * with initial level 5, made in configfs or from firmware nodes;
 * SENSOR_THING, if given, is a live thing whose channel 0 is a sensor.
 */

#include "kthing_test.h"

static const char *thing_name;

static void test_thing_info(int fd, int id)
{
	struct kthing_thing_info info;
	bool zero = true;
	unsigned int i;

	memset(&info, 0xa5, sizeof(info));
	tap(ioctl(fd, KTHING_IOC_THING_INFO, &info) == 0, "THING_INFO succeeds");
	tap(!strcmp(info.name, thing_name), "THING_INFO name is %s (%.32s)",
	    thing_name, info.name);
	tap(info.id == (unsigned int)id, "THING_INFO id %u is the id %d",
	    info.id, id);
	tap(info.num_channels == 2, "THING_INFO has 2 channels (%u)",
	    info.num_channels);
	for (i = 0; i < 8; i++)
		zero = zero && !info.reserved[i];
	tap(zero, "THING_INFO zeroes reserved fields");
}

static void test_channel_info(int fd)
{
	struct kthing_channel_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.index = 0;
	tap(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci) == 0,
	    "CHANNEL_INFO 0 succeeds");
	tap(!strcmp(ci.name, "level") && !strcmp(ci.unit, "pct"),
	    "CHANNEL_INFO 0 is level in pct (%s, %s)", ci.name, ci.unit);
	tap(ci.kind == KTHING_KIND_ACTUATOR && ci.type == KTHING_TYPE_INT &&
	    ci.backend == KTHING_BACKEND_VIRTUAL,
	    "CHANNEL_INFO 0 is a virtual int actuator");
	tap(ci.exponent == -1 && ci.min == -100 && ci.max == 100,
	    "CHANNEL_INFO 0 has exponent -1, limits -100 .. 100");
	tap(ci.config.index == 0 &&
	    ci.config.flags == KTHING_CONFIG_F_EVENTS &&
	    ci.config.sample_period_ms == 0 &&
	    ci.config.report_interval_ms == 0 && ci.config.deadband == 0,
	    "CHANNEL_INFO 0 has the default configuration");

	memset(&ci, 0, sizeof(ci));
	ci.index = 1;
	tap(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci) == 0 &&
	    !strcmp(ci.name, "switch") && ci.type == KTHING_TYPE_BOOL &&
	    ci.min == 0 && ci.max == 1 && ci.exponent == 0 && !ci.unit[0],
	    "CHANNEL_INFO 1 is the bool switch, limits 0 .. 1");

	memset(&ci, 0, sizeof(ci));
	ci.padding = 1;
	tap_errno(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci), EINVAL,
		  "CHANNEL_INFO with nonzero padding");
	memset(&ci, 0, sizeof(ci));
	ci.reserved[7] = 1;
	tap_errno(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci), EINVAL,
		  "CHANNEL_INFO with nonzero reserved");
	memset(&ci, 0, sizeof(ci));
	ci.index = 2;
	tap_errno(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci), EINVAL,
		  "CHANNEL_INFO of index num_channels");
	ci.index = 0x80000000u;
	tap_errno(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci), EINVAL,
		  "CHANNEL_INFO of index 0x80000000");
	tap_errno(ioctl(fd, KTHING_IOC_CHANNEL_INFO, NULL), EFAULT,
		  "CHANNEL_INFO with a NULL pointer");
}

static int read_values(int fd, struct kthing_read *rd, unsigned int num,
		       const unsigned int *index)
{
	unsigned int i;

	memset(rd, 0, sizeof(*rd));
	rd->num = num;
	for (i = 0; i < num; i++)
		rd->values[i].index = index[i];
	return ioctl(fd, KTHING_IOC_READ, rd);
}

static void test_read(int fd)
{
	static const unsigned int both[] = { 1, 0, 0 };
	struct kthing_read rd;

	tap(read_values(fd, &rd, 3, both) == 0, "READ of 3 entries succeeds");
	tap(rd.values[0].index == 1 && rd.values[0].value == 0 &&
	    rd.values[1].index == 0 && rd.values[1].value == 5 &&
	    rd.values[2].value == 5,
	    "READ returns the initial values, a repeated index twice");
	tap(!rd.values[1].flags && rd.values[1].timestamp_ns > 0 &&
	    rd.values[1].timestamp_ns <= now_ns(),
	    "READ gives a past timestamp and no stale flag");

	tap_errno(read_values(fd, &rd, 0, both), EINVAL, "READ of 0 entries");
	tap_errno(read_values(fd, &rd, KTHING_CHANNELS_MAX + 1, both), EINVAL,
		  "READ of 65 entries");
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	rd.padding = 1;
	tap_errno(ioctl(fd, KTHING_IOC_READ, &rd), EINVAL,
		  "READ with nonzero padding");
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	rd.values[1].index = 1;
	tap_errno(ioctl(fd, KTHING_IOC_READ, &rd), EINVAL,
		  "READ with a nonzero entry past num");
	memset(&rd, 0, sizeof(rd));
	rd.num = 2;
	rd.values[1].index = 2;
	tap_errno(ioctl(fd, KTHING_IOC_READ, &rd), EINVAL,
		  "READ of index num_channels");
	rd.values[1].index = 0xffffffffu;
	tap_errno(ioctl(fd, KTHING_IOC_READ, &rd), EINVAL,
		  "READ of index 0xffffffff");
}

static int write_value(int fd, unsigned int index, int64_t value,
		       struct kthing_write *wr)
{
	memset(wr, 0, sizeof(*wr));
	wr->index = index;
	wr->value = value;
	return ioctl(fd, KTHING_IOC_WRITE, wr);
}

static void test_write(int fd, int rdonly_fd)
{
	static const unsigned int level[] = { 0 };
	struct kthing_write wr;
	struct kthing_read rd;
	uint64_t before = now_ns();

	tap(write_value(fd, 0, 42, &wr) == 0, "WRITE 42 succeeds");
	tap(wr.value == 42 && wr.timestamp_ns >= before &&
	    wr.timestamp_ns <= now_ns(),
	    "WRITE returns the applied value and when it was applied");
	tap(read_values(fd, &rd, 1, level) == 0 && rd.values[0].value == 42 &&
	    rd.values[0].timestamp_ns == wr.timestamp_ns,
	    "READ after WRITE gives the value and its timestamp");
	tap(write_value(fd, 0, -100, &wr) == 0 && write_value(fd, 0, 100, &wr) == 0,
	    "WRITE of min and of max succeed");
	tap(write_value(fd, 1, 1, &wr) == 0 && wr.value == 1,
	    "WRITE of 1 to a bool succeeds");

	tap_errno(write_value(fd, 0, 101, &wr), ERANGE, "WRITE above max");
	tap_errno(write_value(fd, 0, -101, &wr), ERANGE, "WRITE below min");
	tap_errno(write_value(fd, 0, INT64_MIN, &wr), ERANGE,
		  "WRITE of INT64_MIN");
	tap_errno(write_value(fd, 1, 2, &wr), EINVAL, "WRITE of 2 to a bool");
	tap_errno(write_value(fd, 1, -1, &wr), EINVAL, "WRITE of -1 to a bool");
	tap_errno(write_value(fd, 2, 0, &wr), EINVAL,
		  "WRITE of index num_channels");
	tap_errno(write_value(fd, 0xffffffffu, 0, &wr), EINVAL,
		  "WRITE of index 0xffffffff");
	memset(&wr, 0, sizeof(wr));
	wr.padding = 1;
	tap_errno(ioctl(fd, KTHING_IOC_WRITE, &wr), EINVAL,
		  "WRITE with nonzero padding");
	memset(&wr, 0, sizeof(wr));
	wr.reserved[3] = 1;
	tap_errno(ioctl(fd, KTHING_IOC_WRITE, &wr), EINVAL,
		  "WRITE with nonzero reserved");
	memset(&wr, 0, sizeof(wr));
	wr.timestamp_ns = 1;
	tap_errno(ioctl(fd, KTHING_IOC_WRITE, &wr), EINVAL,
		  "WRITE with a nonzero timestamp");
	tap_errno(write_value(rdonly_fd, 0, 1, &wr), EBADF,
		  "WRITE on a read-only descriptor");
	tap(read_values(fd, &rd, 1, level) == 0 && rd.values[0].value == 100,
	    "refused WRITEs left the value alone");
}

static int set_config(int fd, unsigned int index, uint32_t flags,
		      uint32_t period, uint32_t interval, int64_t deadband)
{
	struct kthing_channel_config c;

	memset(&c, 0, sizeof(c));
	c.index = index;
	c.flags = flags;
	c.sample_period_ms = period;
	c.report_interval_ms = interval;
	c.deadband = deadband;
	return ioctl(fd, KTHING_IOC_SET_CONFIG, &c);
}

static void test_set_config(int fd, int rdonly_fd)
{
	struct kthing_channel_config c;
	struct kthing_channel_info ci;

	tap(set_config(fd, 0, 0, 0, 500, 3) == 0, "SET_CONFIG succeeds");
	memset(&ci, 0, sizeof(ci));
	tap(ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci) == 0 &&
	    ci.config.flags == 0 && ci.config.report_interval_ms == 500 &&
	    ci.config.deadband == 3 && ci.config.index == 0,
	    "CHANNEL_INFO shows the new configuration");
	tap(set_config(fd, 0, KTHING_CONFIG_F_EVENTS, 0, 0, 0) == 0,
	    "SET_CONFIG back to the defaults succeeds");

	tap_errno(set_config(fd, 0, 1u << 1, 0, 0, 0), EINVAL,
		  "SET_CONFIG with an unknown flag");
	tap_errno(set_config(fd, 0, 0, 1000, 0, 0), EINVAL,
		  "SET_CONFIG with a sample period on a virtual channel");
	tap_errno(set_config(fd, 0, 0, 0, 99, 0), EINVAL,
		  "SET_CONFIG with a report interval of 99 ms");
	tap_errno(set_config(fd, 0, 0, 0, 86400001, 0), EINVAL,
		  "SET_CONFIG with a report interval over a day");
	tap_errno(set_config(fd, 0, 0, 0, 0, -1), EINVAL,
		  "SET_CONFIG with a negative deadband");
	tap_errno(set_config(fd, 2, 0, 0, 0, 0), EINVAL,
		  "SET_CONFIG of index num_channels");
	memset(&c, 0, sizeof(c));
	c.reserved[0] = 1;
	tap_errno(ioctl(fd, KTHING_IOC_SET_CONFIG, &c), EINVAL,
		  "SET_CONFIG with nonzero reserved");
	tap_errno(set_config(rdonly_fd, 0, 0, 0, 0, 0), EBADF,
		  "SET_CONFIG on a read-only descriptor");
}

static void test_sensor(const char *name)
{
	struct kthing_write wr;
	int id = thing_id(name), fd;

	fd = open_thing(id, O_RDWR);
	if (fd < 0) {
		tap(false, "open the sensor thing %s (id %d)", name, id);
		return;
	}
	tap_errno(write_value(fd, 0, 0, &wr), EPERM, "WRITE to a sensor");
	close(fd);
}

static void test_misc(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint32_t word = 0;

	tap_errno(ioctl(fd, _IO(KTHING_IOC_MAGIC, 0x7f)), ENOTTY,
		  "an unknown command");
	tap_errno(ioctl(fd, _IOR(KTHING_IOC_MAGIC, 0x01, uint32_t), &word),
		  ENOTTY, "THING_INFO's number with the wrong size");
	tap_errno(ioctl(fd, _IOR('T', 0x01, struct kthing_thing_info), &word),
		  ENOTTY, "THING_INFO's size with another magic");
	tap(poll(&pfd, 1, 0) == 0, "poll() reports nothing on a live thing");
	tap_errno((int)lseek(fd, 0, SEEK_SET), ESPIPE, "lseek()");
}

int main(int argc, char **argv)
{
	int id, fd, rdonly_fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s THING [SENSOR_THING]\n", argv[0]);
		return 2;
	}
	thing_name = argv[1];
	id = thing_id(argv[1]);
	fd = open_thing(id, O_RDWR);
	rdonly_fd = open_thing(id, O_RDONLY);
	if (fd < 0 || rdonly_fd < 0)
		bail("open /dev/kthing%d", id);

	test_thing_info(fd, id);
	test_channel_info(fd);
	test_read(fd);
	test_write(fd, rdonly_fd);
	test_set_config(fd, rdonly_fd);
	test_misc(fd);
	if (argc > 2)
		test_sensor(argv[2]);

	close(rdonly_fd);
	close(fd);
	return tap_failures ? 1 : 0;
}
