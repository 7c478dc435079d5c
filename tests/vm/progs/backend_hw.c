// SPDX-License-Identifier: GPL-2.0
/*
 * kthing's hardware backends bound to kthing_sim, watched through the
 * events group:
 *
 *   backend_hw gpio      inputs report one sample per edge, outputs follow
 *                        writes, active-low both ways, busy and missing lines
 *   backend_hw iio       samples respect deadband and sample period, values
 *                        are converted to the channel's unit, failing reads
 *                        are faults, missing devices and channels
 *   backend_hw thermal   the same for the thermal zone
 *   backend_hw removal   unloading kthing_sim under polled channels is a
 *                        fault (ENODEV) on each of them
 *
 * Run as root with kthing.ko and kthing_sim.ko loaded and no thing live.
 */

#include <dirent.h>

#include "kthing_test.h"

#define SIM_DEBUGFS "/sys/kernel/debug/kthing_sim"

static struct nlt nl;

/* Write @val to kthing_sim's debugfs file @file, or bail out. */
static void sim_set(const char *file, const char *val)
{
	char path[256];
	int err;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/%s", file);
	err = write_file(path, val);
	if (err) {
		errno = err;
		bail("write %s to %s", val, path);
	}
}

static int sim_get(const char *file)
{
	char path[256], buf[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		bail("open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		bail("read %s", path);
	return atoi(buf);
}

static void sim_pull(int line, int level)
{
	char file[32];

	snprintf(file, sizeof(file), "gpio/%d/pull", line);
	sim_set(file, level ? "1" : "0");
}

static int sim_value(int line)
{
	char file[32];

	snprintf(file, sizeof(file), "gpio/%d/value", line);
	return sim_get(file);
}

/* Set channel attribute @attr, or bail out. */
static void set(const char *thing, const char *ch, const char *attr,
		const char *val)
{
	int err = cfs_set(thing, ch, attr, val);

	if (err) {
		errno = err;
		bail("set %s/%s/%s to %s", thing, ch, attr, val);
	}
}

/* Make channel @ch of @thing (made too if new): @kind, @type, @backend. */
static void channel(const char *thing, const char *ch, const char *kind,
		    const char *type, const char *backend)
{
	cfs_mkdir(thing, NULL);
	if (cfs_mkdir(thing, ch))
		bail("mkdir %s/%s", thing, ch);
	set(thing, ch, "kind", kind);
	set(thing, ch, "type", type);
	set(thing, ch, "backend", backend);
}

static void gpio_channel(const char *thing, const char *ch, const char *kind,
			 const char *line, bool active_low)
{
	channel(thing, ch, kind, "bool", "gpio");
	set(thing, ch, "gpio_chip", "kthing-sim");
	set(thing, ch, "gpio_line", line);
	if (active_low)
		set(thing, ch, "active_low", "1");
}

/* A polled sensor: @exponent, @deadband, @period (ms). */
static void polled(const char *thing, const char *ch, const char *exponent,
		   const char *deadband, const char *period)
{
	set(thing, ch, "exponent", exponent);
	set(thing, ch, "deadband", deadband);
	set(thing, ch, "sample_period_ms", period);
}

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
	while ((d = readdir(dir))) {
		char ch[KTHING_NAME_SIZE];

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		snprintf(ch, sizeof(ch), "%.*s", KTHING_NAME_SIZE - 1, d->d_name);
		cfs_rmdir(thing, ch);
	}
	closedir(dir);
	cfs_rmdir(thing, NULL);
}

/* Going live fails with @want; the thing is removed either way. */
static void refused(const char *thing, int want, const char *what)
{
	int err = cfs_set(thing, NULL, "live", "1");

	tap(err == want, "%s: live fails with %s", what, strerror(want));
	if (err != want)
		diag("got %s", err ? strerror(err) : "success");
	remove_thing(thing);
}

static void go_live(const char *thing)
{
	int err = cfs_set(thing, NULL, "live", "1");

	tap(!err, "%s goes live", thing);
	if (err) {
		errno = err;
		bail("%s cannot go live", thing);
	}
}

/* The index of channel @name of live thing @fd. */
static int channel_index(int fd, const char *name)
{
	struct kthing_thing_info info;
	struct kthing_channel_info ci;
	uint32_t i;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, KTHING_IOC_THING_INFO, &info))
		bail("THING_INFO");
	for (i = 0; i < info.num_channels; i++) {
		memset(&ci, 0, sizeof(ci));
		ci.index = i;
		if (ioctl(fd, KTHING_IOC_CHANNEL_INFO, &ci))
			bail("CHANNEL_INFO %u", i);
		if (!strcmp(ci.name, name))
			return i;
	}
	bail("no channel %s", name);
}

static int write_channel(int fd, const char *name, int64_t value)
{
	struct kthing_write w;

	memset(&w, 0, sizeof(w));
	w.index = channel_index(fd, name);
	w.value = value;
	return ioctl(fd, KTHING_IOC_WRITE, &w);
}

static int open_live(const char *thing)
{
	int fd = open_thing(cfs_id(thing), O_RDWR);

	if (fd < 0)
		bail("open /dev/kthing of %s", thing);
	return fd;
}

/* Events of @cmd for @ch among @msgs. */
static int count(const struct nlt_msgs *msgs, int cmd, const char *ch)
{
	int i, n = 0;

	for (i = 0; i < msgs->n; i++)
		if (msgs->m[i].cmd == cmd && !strcmp(msgs->m[i].channel_name, ch))
			n++;
	return n;
}

/* The latest event of @cmd for @ch among @msgs, or NULL. */
static const struct nlt_msg *last(const struct nlt_msgs *msgs, int cmd,
				  const char *ch)
{
	int i;

	for (i = msgs->n - 1; i >= 0; i--)
		if (msgs->m[i].cmd == cmd && !strcmp(msgs->m[i].channel_name, ch))
			return &msgs->m[i];
	return NULL;
}

/* Collect events into @msgs (emptied first) for @ms, or until @max came. */
static void collect(struct nlt_msgs *msgs, int max, int ms)
{
	msgs->n = 0;
	if (nlt_collect(&nl, msgs, max, ms) < 0)
		bail("events socket overflowed");
}

/* Wait up to @ms for one event of @cmd for @ch; returns it or NULL. */
static const struct nlt_msg *wait_event(struct nlt_msgs *msgs, int cmd,
					const char *ch, int ms)
{
	uint64_t deadline = now_ns() + (uint64_t)scaled_ms(ms) * 1000000;

	msgs->n = 0;
	while (now_ns() < deadline && !last(msgs, cmd, ch))
		if (nlt_collect(&nl, msgs, msgs->n + 1, 100) < 0)
			bail("events socket overflowed");
	return last(msgs, cmd, ch);
}

static struct nlt_msgs msgs;

static void test_gpio(void)
{
	const struct nlt_msg *m;
	int i, n, fd, bad;

	gpio_channel("bgpio", "button", "sensor", "0", false);
	gpio_channel("bgpio", "inverted", "sensor", "1", true);
	gpio_channel("bgpio", "lamp", "actuator", "5", false);
	set("bgpio", "lamp", "initial", "1");
	gpio_channel("bgpio", "relay", "actuator", "6", true);
	set("bgpio", "relay", "initial", "1");
	go_live("bgpio");
	fd = open_live("bgpio");

	tap(sim_value(5) == 1, "an output with initial 1 drives its line high");
	tap(sim_value(6) == 0, "an active-low output with initial 1 drives it low");

	collect(&msgs, 512, 300);
	for (i = 1, bad = 0; i <= 10; i++) {
		sim_pull(0, i % 2);
		m = wait_event(&msgs, KTHING_CMD_SAMPLE, "button", 15000);
		if (!m || m->value != i % 2 || count(&msgs, KTHING_CMD_SAMPLE, "button") != 1)
			bad++;
		/* The same level again is no edge. */
		sim_pull(0, i % 2);
	}
	tap(!bad, "10 edges of an input give one sample each, with the level (%d wrong)",
	    bad);
	collect(&msgs, 512, 500);
	n = count(&msgs, KTHING_CMD_SAMPLE, "button");
	tap(n == 0, "and nothing more (%d extra)", n);

	sim_pull(1, 1);
	m = wait_event(&msgs, KTHING_CMD_SAMPLE, "inverted", 15000);
	tap(m && m->value == 0, "an active-low input pulled high samples 0");
	sim_pull(1, 0);
	m = wait_event(&msgs, KTHING_CMD_SAMPLE, "inverted", 15000);
	tap(m && m->value == 1, "and pulled low samples 1");

	tap(!write_channel(fd, "lamp", 0) && sim_value(5) == 0,
	    "writing 0 to an output drives its line low");
	tap(!write_channel(fd, "lamp", 1) && sim_value(5) == 1,
	    "writing 1 drives it high");
	tap(!write_channel(fd, "relay", 0) && sim_value(6) == 1,
	    "writing 0 to an active-low output drives its line high");
	m = wait_event(&msgs, KTHING_CMD_APPLIED, "relay", 2000);
	tap(m && m->value == 0 && m->source == KTHING_SOURCE_IOCTL,
	    "the write is announced as applied by ioctl");
	tap_errno(write_channel(fd, "button", 1), EPERM, "writing an input");

	gpio_channel("bbusy", "lamp", "actuator", "5", false);
	refused("bbusy", EBUSY, "a GPIO line in use");
	gpio_channel("bnochip", "lamp", "actuator", "5", false);
	set("bnochip", "lamp", "gpio_chip", "no-such-chip");
	refused("bnochip", ENODEV, "a GPIO chip that does not exist");
	gpio_channel("bnoline", "lamp", "actuator", "8", false);
	refused("bnoline", ENODEV, "a line past the chip's last");

	close(fd);
	remove_thing("bgpio");
	collect(&msgs, 512, 200);
	sim_pull(0, 0);
	sim_pull(0, 1);
	collect(&msgs, 512, 500);
	tap(count(&msgs, KTHING_CMD_SAMPLE, "button") == 0,
	    "no sample after the thing was torn down");
	gpio_channel("bagain", "lamp", "actuator", "5", false);
	tap(!cfs_set("bagain", NULL, "live", "1"),
	    "the lines are free again after tear-down");
	remove_thing("bagain");
	sim_pull(0, 0);
	sim_pull(1, 0);
}

/*
 * Deadband on channel @ch whose quantity is held through debugfs @file:
 * @base, then within the deadband, then beyond it. Values are strings as
 * debugfs takes them; @want_* are the scaled values expected.
 */
static void deadband(const char *ch, const char *file, const char *within,
		     const char *beyond, int64_t want_beyond)
{
	const struct nlt_msg *m;
	int n;

	collect(&msgs, 512, 300);
	sim_set(file, within);
	collect(&msgs, 512, 600);
	n = count(&msgs, KTHING_CMD_SAMPLE, ch);
	tap(n == 0, "%s: no sample while within the deadband (%d)", ch, n);

	sim_set(file, beyond);
	m = wait_event(&msgs, KTHING_CMD_SAMPLE, ch, 15000);
	tap(m && m->value == want_beyond,
	    "%s: one sample once beyond it, %lld", ch, m ? (long long)m->value : -1LL);
	collect(&msgs, 512, 600);
	n = count(&msgs, KTHING_CMD_SAMPLE, ch);
	tap(n == 0, "%s: and no more while it stays (%d)", ch, n);
}

/* A failing provider is one fault per channel, with @err. */
static void fault(const char *file, const char *ch, int err)
{
	const struct nlt_msg *m;
	int n;

	collect(&msgs, 512, 200);
	sim_set(file, "1");
	m = wait_event(&msgs, KTHING_CMD_FAULT, ch, 15000);
	tap(m && (int)m->err == err, "%s: a failing read is a fault (%s)", ch,
	    m ? strerror(m->err) : "none");
	collect(&msgs, 512, 500);
	n = count(&msgs, KTHING_CMD_FAULT, ch);
	tap(n == 0, "%s: once, not at every poll (%d more)", ch, n);
	sim_set(file, "0");
}

/*
 * The sample period: @ch polls every 200 ms while its value, held through
 * debugfs @file from @base up, changes much more often (every 10 ms on an
 * idle machine); it samples at most once per period, never twice within
 * one, whatever the pace of the changes.
 */
static void period(const char *ch, const char *file, int base)
{
	uint64_t start = now_ns(), elapsed, min_gap = UINT64_MAX, prev = 0;
	struct nlt_msgs got = { .n = 0 };
	int i, j, n = 0, most;
	char val[32];

	collect(&msgs, 512, 300);
	for (i = 0; i < 40 || now_ns() - start < 2000000000ULL; i++) {
		snprintf(val, sizeof(val), "%d", base + i * 10);
		sim_set(file, val);
		msgs.n = 0;
		nlt_collect(&nl, &msgs, 512, 10);
		for (j = 0; j < msgs.n && got.n < 512; j++)
			got.m[got.n++] = msgs.m[j];
	}
	elapsed = now_ns() - start;
	for (j = 0; j < got.n; j++) {
		if (got.m[j].cmd != KTHING_CMD_SAMPLE ||
		    strcmp(got.m[j].channel_name, ch))
			continue;
		if (n && got.m[j].timestamp - prev < min_gap)
			min_gap = got.m[j].timestamp - prev;
		prev = got.m[j].timestamp;
		n++;
	}
	most = elapsed / 200000000ULL + 1;
	tap(n >= 2 && n <= most,
	    "%s: %d changes in %llu ms are %d samples, at most one per 200 ms period",
	    ch, i, (unsigned long long)(elapsed / 1000000), n);
	tap(n >= 2 && min_gap >= 180000000ULL,
	    "%s: samples are a period apart (closest %llu ms)", ch,
	    n < 2 ? 0ULL : (unsigned long long)(min_gap / 1000000));
}

static void iio_sensor(const char *thing, const char *ch, const char *device,
		       const char *type)
{
	channel(thing, ch, "sensor", "int", "iio");
	set(thing, ch, "iio_device", device);
	set(thing, ch, "iio_channel", type);
}

static void thermal_sensor(const char *thing, const char *ch, const char *zone)
{
	channel(thing, ch, "sensor", "int", "thermal");
	set(thing, ch, "thermal_zone", zone);
}

/* Among @msgs, the latest sample of @ch is @want. */
static void sampled(const char *ch, int64_t want, const char *what)
{
	const struct nlt_msg *m = last(&msgs, KTHING_CMD_SAMPLE, ch);

	tap(m && m->value == want, "%s: %s is %lld (%lld)", ch, what,
	    (long long)want, m ? (long long)m->value : -1LL);
}

/*
 * What every polled sensor does, on live thing @thing with channels @ch
 * (deadband 5 at exponent -1, held at @base m°C) and "wave" (period 200 ms)
 * whose provider is driven through debugfs @dir: deadband, sample period,
 * failing reads, refused writes; then the thing is removed.
 */
static void polled_sensor(const char *thing, const char *ch, const char *dir,
			  int base)
{
	char file[32], within[16], beyond[16];
	int fd = open_live(thing);

	snprintf(file, sizeof(file), "%s/temp", dir);
	snprintf(within, sizeof(within), "%d", base + 300);
	snprintf(beyond, sizeof(beyond), "%d", base + 600);
	deadband(ch, file, within, beyond, (base + 600) / 100);
	period("wave", file, base);
	snprintf(file, sizeof(file), "%s/fail", dir);
	fault(file, ch, EIO);
	tap_errno(write_channel(fd, ch, 1), EPERM, "writing a sensor");
	close(fd);
	remove_thing(thing);
}

static void test_iio(void)
{
	sim_set("iio/temp", "20000");
	sim_set("iio/humidityrelative", "51234");
	sim_set("iio/pressure", "101.325");

	iio_sensor("benv", "temp", "kthing-sim-env", "temp");
	set("benv", "temp", "unit", "degC");
	polled("benv", "temp", "-1", "5", "20");
	iio_sensor("benv", "humidity", "kthing-sim-env", "humidityrelative");
	polled("benv", "humidity", "-1", "0", "20");
	iio_sensor("benv", "pressure", "kthing-sim-env", "pressure");
	set("benv", "pressure", "unit", "Pa");
	polled("benv", "pressure", "0", "0", "20");
	iio_sensor("benv", "wave", "kthing-sim-env", "temp");
	polled("benv", "wave", "-3", "0", "200");

	go_live("benv");
	/* The first samples of all three, then quiet: the values are held. */
	collect(&msgs, 512, 1000);
	sampled("temp", 200, "20000 m°C at exponent -1");
	sampled("humidity", 512, "51234 m%RH at exponent -1");
	sampled("pressure", 101325, "101.325 kPa in Pa");
	polled_sensor("benv", "temp", "iio", 20000);

	iio_sensor("bnodev", "temp", "no-such-device", "temp");
	refused("bnodev", ENODEV, "an IIO device that does not exist");
	iio_sensor("bnoidx", "temp", "kthing-sim-env", "temp");
	set("bnoidx", "temp", "iio_index", "1");
	refused("bnoidx", ENODEV, "a second temperature channel it does not have");
	iio_sensor("bnotype", "temp", "kthing-sim-env", "voltage");
	refused("bnotype", ENODEV, "a channel type it does not have");

	sim_set("iio/temp", "auto");
	sim_set("iio/humidityrelative", "auto");
	sim_set("iio/pressure", "auto");
}

static void test_thermal(void)
{
	sim_set("thermal/temp", "45000");
	thermal_sensor("bzone", "cpu", "kthing-sim");
	set("bzone", "cpu", "unit", "degC");
	polled("bzone", "cpu", "-1", "5", "20");
	thermal_sensor("bzone", "wave", "kthing-sim");
	polled("bzone", "wave", "-3", "0", "200");

	go_live("bzone");
	collect(&msgs, 512, 1000);
	sampled("cpu", 450, "45000 m°C at exponent -1");
	polled_sensor("bzone", "cpu", "thermal", 45000);

	thermal_sensor("bnozone", "cpu", "no-such-zone");
	refused("bnozone", ENODEV, "a thermal zone that does not exist");

	sim_set("thermal/temp", "auto");
}

/* kthing_sim goes away under polled channels: a fault on each, ENODEV. */
static void test_removal(void)
{
	const struct nlt_msg *temp, *cpu;
	int status;

	iio_sensor("bgone", "temp", "kthing-sim-env", "temp");
	polled("bgone", "temp", "-1", "0", "20");
	thermal_sensor("bgone", "cpu", "kthing-sim");
	polled("bgone", "cpu", "-1", "0", "20");
	go_live("bgone");
	collect(&msgs, 512, 300);

	status = system("rmmod kthing_sim");
	tap(status == 0, "kthing_sim unloads under a thing polling it");
	temp = wait_event(&msgs, KTHING_CMD_FAULT, "temp", 15000);
	tap(temp && temp->err == ENODEV, "the IIO channel faults with ENODEV (%s)",
	    temp ? strerror(temp->err) : "none");
	cpu = last(&msgs, KTHING_CMD_FAULT, "cpu") ?:
	      wait_event(&msgs, KTHING_CMD_FAULT, "cpu", 15000);
	tap(cpu && cpu->err == ENODEV, "the thermal channel faults with ENODEV (%s)",
	    cpu ? strerror(cpu->err) : "none");
	remove_thing("bgone");
}

int main(int argc, char **argv)
{
	if (argc != 2)
		bail("usage: backend_hw gpio|iio|thermal|removal");
	if (nlt_open(&nl))
		bail("kthing generic netlink family");
	if (nlt_join_events(&nl))
		bail("join events");

	if (!strcmp(argv[1], "gpio"))
		test_gpio();
	else if (!strcmp(argv[1], "iio"))
		test_iio();
	else if (!strcmp(argv[1], "thermal"))
		test_thermal();
	else if (!strcmp(argv[1], "removal"))
		test_removal();
	else
		bail("unknown test %s", argv[1]);

	nlt_close(&nl);
	return tap_failures ? 1 : 0;
}
