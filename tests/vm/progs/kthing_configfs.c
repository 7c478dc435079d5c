// SPDX-License-Identifier: GPL-2.0
/*
 * configfs (docs/configfs.md): every invalid configuration is refused at
 * the write to `live` with its errno and one kernel message naming the
 * thing, the channel and the problem; invalid attribute values fail at
 * their write; a live thing refuses changes; things are created, go live
 * and are torn down again and again.
 *
 *   kthing_configfs [--sim]
 *
 * With --sim, kthing_sim is loaded and a busy GPIO line and a missing IIO
 * channel are tested too.
 */

#include <dirent.h>

#include "kthing_test.h"

/* /dev/kmsg, positioned after the messages already read. */
static int kmsg_fd = -1;

static void kmsg_skip(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0)
		bail("open /dev/kmsg");
	lseek(kmsg_fd, 0, SEEK_END);
}

/* Count the new kernel messages naming @thing ("thing/" or "thing:"). */
static int kmsg_count(const char *thing)
{
	char slash[64], colon[64];

	char rec[1024];
	ssize_t n;
	int count = 0;

	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0';
		snprintf(slash, sizeof(slash), " %s/", thing);
		snprintf(colon, sizeof(colon), " %s:", thing);
		if (strstr(rec, slash) || strstr(rec, colon)) {
			count++;
			diag("kernel: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
		}
	}
	return count;
}

/* Make channel @ch of @thing with @kind and @backend (either may be NULL). */
static void channel(const char *thing, const char *ch, const char *kind,
		    const char *backend)
{
	cfs_mkdir(thing, NULL);
	if (cfs_mkdir(thing, ch))
		bail("mkdir %s/%s", thing, ch);
	if (kind && cfs_set(thing, ch, "kind", kind))
		bail("%s/%s kind", thing, ch);
	if (backend && cfs_set(thing, ch, "backend", backend))
		bail("%s/%s backend", thing, ch);
}

static void set(const char *thing, const char *ch, const char *attr,
		const char *val)
{
	int err = cfs_set(thing, ch, attr, val);

	if (err) {
		errno = err;
		bail("set %s/%s/%s to %s", thing, ch, attr, val);
	}
}

/* Remove @thing and every channel directory in it. */
static void remove_thing(const char *thing)
{
	char path[256];
	struct dirent *d;
	DIR *dir;

	cfs_set(thing, NULL, "live", "0");
	snprintf(path, sizeof(path), CFS_ROOT "/%s", thing);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (d->d_type == DT_DIR && d->d_name[0] != '.')
			cfs_rmdir(thing, d->d_name);
	closedir(dir);
	cfs_rmdir(thing, NULL);
}

/*
 * Writing 1 to @thing's live fails with @want, leaves it not live, and one
 * kernel message names it; then the thing is removed.
 */
static void refused(const char *what, int want, const char *thing)
{
	int err, n;

	kmsg_skip();
	err = cfs_set(thing, NULL, "live", "1");
	tap(err == want, "%s: live fails with %s", what, strerror(want));
	if (err != want)
		diag("got %s", err ? strerror(err) : "success");
	tap(cfs_id(thing) == -1, "%s: the thing is not live", what);
	n = kmsg_count(thing);
	tap(n == 1, "%s: one kernel message names it (%d)", what, n);
	remove_thing(thing);
}

static void test_refused(void)
{
	char name[16];
	int i;

	cfs_mkdir("empty", NULL);
	refused("a thing without channels", EINVAL, "empty");

	for (i = 0; i <= KTHING_CHANNELS_MAX; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		channel("many", name, "actuator", "virtual");
	}
	refused("a thing with 65 channels", EINVAL, "many");

	channel("nokind", "level", NULL, "virtual");
	refused("a channel without kind", EINVAL, "nokind");
	channel("nobackend", "level", "actuator", NULL);
	refused("a channel without backend", EINVAL, "nobackend");

	channel("minmax", "level", "actuator", "virtual");
	set("minmax", "level", "min", "5");
	set("minmax", "level", "max", "4");
	refused("min greater than max", EINVAL, "minmax");
	channel("initial", "level", "actuator", "virtual");
	set("initial", "level", "max", "10");
	set("initial", "level", "initial", "11");
	refused("initial above max", EINVAL, "initial");
	channel("initlow", "level", "actuator", "virtual");
	set("initlow", "level", "min", "0");
	set("initlow", "level", "initial", "-1");
	refused("initial below min", EINVAL, "initlow");
	channel("boollim", "sw", "actuator", "virtual");
	set("boollim", "sw", "type", "bool");
	set("boollim", "sw", "max", "2");
	refused("a bool with max 2", EINVAL, "boollim");
	channel("boolexp", "sw", "actuator", "virtual");
	set("boolexp", "sw", "type", "bool");
	set("boolexp", "sw", "exponent", "1");
	refused("a bool with exponent 1", EINVAL, "boolexp");

	channel("vsensor", "level", "sensor", "virtual");
	refused("a virtual sensor", EINVAL, "vsensor");
	channel("iioact", "level", "actuator", "iio");
	set("iioact", "level", "iio_device", "kthing-sim-env");
	set("iioact", "level", "iio_channel", "temp");
	refused("an iio actuator", EINVAL, "iioact");
	channel("thermact", "level", "actuator", "thermal");
	set("thermact", "level", "thermal_zone", "kthing-sim");
	refused("a thermal actuator", EINVAL, "thermact");

	channel("nogpio", "sw", "sensor", "gpio");
	set("nogpio", "sw", "type", "bool");
	refused("a gpio channel without gpio_chip", EINVAL, "nogpio");
	channel("noiio", "temp", "sensor", "iio");
	set("noiio", "temp", "iio_channel", "temp");
	refused("an iio channel without iio_device", EINVAL, "noiio");
	channel("noiioch", "temp", "sensor", "iio");
	set("noiioch", "temp", "iio_device", "kthing-sim-env");
	refused("an iio channel without iio_channel", EINVAL, "noiioch");
	channel("nozone", "temp", "sensor", "thermal");
	refused("a thermal channel without thermal_zone", EINVAL, "nozone");
	channel("gpioint", "level", "actuator", "gpio");
	set("gpioint", "level", "gpio_chip", "kthing-sim");
	refused("a gpio channel of type int", EINVAL, "gpioint");

	channel("vperiod", "level", "actuator", "virtual");
	set("vperiod", "level", "sample_period_ms", "100");
	refused("a sample period on a virtual channel", EINVAL, "vperiod");
	channel("fastpoll", "temp", "sensor", "thermal");
	set("fastpoll", "temp", "thermal_zone", "kthing-sim");
	set("fastpoll", "temp", "sample_period_ms", "9");
	refused("a sample period of 9 ms", EINVAL, "fastpoll");
	channel("slowpoll", "temp", "sensor", "thermal");
	set("slowpoll", "temp", "thermal_zone", "kthing-sim");
	set("slowpoll", "temp", "sample_period_ms", "86400001");
	refused("a sample period over a day", EINVAL, "slowpoll");
	channel("fastreport", "level", "actuator", "virtual");
	set("fastreport", "level", "report_interval_ms", "99");
	refused("a report interval of 99 ms", EINVAL, "fastreport");

	channel("nozonex", "temp", "sensor", "thermal");
	set("nozonex", "temp", "thermal_zone", "no-such-zone");
	refused("a thermal zone that does not exist", ENODEV, "nozonex");
	channel("nochip", "sw", "sensor", "gpio");
	set("nochip", "sw", "type", "bool");
	set("nochip", "sw", "gpio_chip", "no-such-chip");
	refused("a gpio chip that does not exist", ENODEV, "nochip");
	channel("nodev", "temp", "sensor", "iio");
	set("nodev", "temp", "iio_device", "no-such-device");
	set("nodev", "temp", "iio_channel", "temp");
	refused("an iio device that does not exist", ENODEV, "nodev");
}

static void test_refused_sim(void)
{
	channel("gpio1", "sw", "actuator", "gpio");
	set("gpio1", "sw", "type", "bool");
	set("gpio1", "sw", "gpio_chip", "kthing-sim");
	set("gpio1", "sw", "gpio_line", "5");
	tap(cfs_set("gpio1", NULL, "live", "1") == 0,
	    "a thing on kthing-sim line 5 goes live");
	channel("gpio2", "sw", "actuator", "gpio");
	set("gpio2", "sw", "type", "bool");
	set("gpio2", "sw", "gpio_chip", "kthing-sim");
	set("gpio2", "sw", "gpio_line", "5");
	refused("a gpio line already in use", EBUSY, "gpio2");
	remove_thing("gpio1");

	channel("noch", "temp", "sensor", "iio");
	set("noch", "temp", "iio_device", "kthing-sim-env");
	set("noch", "temp", "iio_channel", "voltage");
	refused("an iio channel that does not exist", ENODEV, "noch");
}

static void bad_value(const char *attr, const char *val, const char *what)
{
	int err = cfs_set("attrs", "level", attr, val);

	tap(err == EINVAL, "%s %s fails with EINVAL", attr, what);
	if (err != EINVAL)
		diag("got %s", err ? strerror(err) : "success");
}

static void expect_errno(int err, int want, const char *what)
{
	tap(err == want, "%s fails with %s", what, strerror(want));
	if (err != want)
		diag("got %s", err ? strerror(err) : "success");
}

/* Read attribute @attr of channel attrs/level into @buf, newline cut. */
static const char *attr(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CFS_ROOT "/attrs/level/%s", name);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void test_attributes(void)
{
	char b1[64], b2[64], b3[64], b4[64];
	int id;

	channel("attrs", "level", "actuator", "virtual");
	bad_value("kind", "foo", "foo");
	bad_value("type", "float", "float");
	bad_value("backend", "spi", "spi");
	bad_value("exponent", "10", "10");
	bad_value("exponent", "-10", "-10");
	bad_value("min", "1.5", "1.5");
	bad_value("max", "9223372036854775808", "2^63");
	bad_value("deadband", "-1", "-1");
	bad_value("events", "2", "2");
	bad_value("unit", "0123456789abcdef", "of 16 bytes");
	bad_value("gpio_chip", "0123456789abcdef0123456789abcdef",
		  "of 32 bytes");
	expect_errno(cfs_set("attrs", NULL, "live", "2"), EINVAL, "live 2");
	expect_errno(cfs_mkdir("bad name", NULL), EINVAL,
		     "a thing name with a space");
	expect_errno(cfs_mkdir("a0123456789abcdef0123456789abcde", NULL),
		     EINVAL, "a 32-byte thing name");
	expect_errno(cfs_mkdir("attrs", "a.b"), EINVAL,
		     "a channel name with a dot");

	tap(!strcmp(attr("type", b1, sizeof(b1)), "int") &&
	    !strcmp(attr("exponent", b2, sizeof(b2)), "0") &&
	    !strcmp(attr("events", b3, sizeof(b3)), "1") &&
	    !strcmp(attr("sample_period_ms", b4, sizeof(b4)), "0"),
	    "defaults: type int, exponent 0, events 1, no sample period");
	tap(!strcmp(attr("min", b1, sizeof(b1)), "-9223372036854775808") &&
	    !strcmp(attr("max", b2, sizeof(b2)), "9223372036854775807") &&
	    !strcmp(attr("initial", b3, sizeof(b3)), ""),
	    "defaults: int limits are the s64 range, no initial value");
	set("attrs", "level", "backend", "thermal");
	tap(!strcmp(attr("sample_period_ms", b1, sizeof(b1)), "1000"),
	    "a thermal channel samples every 1000 ms by default");
	set("attrs", "level", "backend", "virtual");
	set("attrs", "level", "type", "bool");
	tap(!strcmp(attr("min", b1, sizeof(b1)), "0") &&
	    !strcmp(attr("max", b2, sizeof(b2)), "1"),
	    "a bool's limits are 0 and 1 by default");
	set("attrs", "level", "type", "int");

	tap(cfs_set("attrs", NULL, "live", "1") == 0, "the thing goes live");
	tap(cfs_set("attrs", NULL, "live", "1") == 0,
	    "writing 1 to live again is accepted");
	expect_errno(cfs_set("attrs", "level", "min", "0"), EBUSY,
		     "changing min of a live thing");
	expect_errno(cfs_set("attrs", "level", "kind", "sensor"), EBUSY,
		     "changing kind of a live thing");
	expect_errno(cfs_mkdir("attrs", "more"), EBUSY,
		     "adding a channel to a live thing");
	expect_errno(cfs_rmdir("attrs", "level"), EBUSY,
		     "removing a channel of a live thing");
	expect_errno(cfs_rmdir("attrs", NULL), ENOTEMPTY,
		     "removing a live thing's directory");
	id = cfs_id("attrs");
	tap(id >= 0 && cfs_set("attrs", NULL, "live", "0") == 0 &&
	    open_thing(id, O_RDONLY) < 0 && errno == ENOENT &&
	    cfs_rmdir("attrs", "level") == 0 && cfs_rmdir("attrs", NULL) == 0,
	    "once torn down, its directories can be removed");
}

static void test_cycles(void)
{
	int i, id, fd;
	bool ok = true;

	for (i = 0; i < 50 && ok; i++) {
		ok = !cfs_make_virtual_thing("cycle", i % 100, true);
		id = cfs_id("cycle");
		fd = open_thing(id, O_RDONLY);
		ok = ok && fd >= 0;
		if (fd >= 0)
			close(fd);
		ok = ok && !cfs_set("cycle", NULL, "live", "0") &&
		     cfs_id("cycle") == -1 && open_thing(id, O_RDONLY) < 0;
		ok = ok && !cfs_set("cycle", NULL, "live", "1") &&
		     !cfs_set("cycle", NULL, "live", "0");
		cfs_remove_virtual_thing("cycle");
		ok = ok && access(CFS_ROOT "/cycle", F_OK) && errno == ENOENT;
	}
	tap(ok, "50 rounds of make, live, open, tear down, live, tear down, remove (%d)",
	    i);
}

int main(int argc, char **argv)
{
	bool sim = argc > 1 && !strcmp(argv[1], "--sim");

	test_refused();
	if (sim)
		test_refused_sim();
	test_attributes();
	test_cycles();
	return tap_failures ? 1 : 0;
}
