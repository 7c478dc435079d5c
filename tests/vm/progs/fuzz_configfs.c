// SPDX-License-Identifier: GPL-2.0
/*
 * configfs fuzzer: threads that write random values (valid, at the edges,
 * or random bytes) to every attribute of a few things and their channels,
 * read them back, make channel and thing directories and remove them,
 * write live 1 and 0, and use the devices of the things that went live,
 * all at once, so attributes change while a thing goes live or is torn
 * down.
 *
 *   fuzz_configfs ITERATIONS [SEED]
 *	kthing.ko loaded, no thing named fzcfg*. With kthing_sim.ko loaded
 *	too, the gpio, iio and thermal backends bind to its hardware.
 *
 * Every write, read, mkdir and rmdir must end in success or in an errno
 * that docs/configfs.md (or configfs itself, for a directory going away)
 * names; every read is one line. Afterwards everything is removed and a
 * thing still goes live.
 */

#include <pthread.h>

#include "fuzz_rand.h"
#include "kthing_test.h"

#define THREADS		4
#define THINGS		3
#define SHOWN_MAX	10

static const char *const channels[] = { "a", "b", "c", "d" };
#define NUM_CHANNELS (sizeof(channels) / sizeof(channels[0]))

/* Values worth writing to each attribute, '|' between them: valid first. */
struct attribute {
	const char *name;
	const char *values;
};

static const struct attribute channel_attrs[] = {
	{ "kind", "actuator|sensor|actuator\n||Sensor|sensors" },
	{ "type", "int|bool|bool\n|float|" },
	{ "backend", "virtual|gpio|iio|thermal|virtual\n|spi|" },
	{ "unit", "degC||%RH|123456789012345|1234567890123456|a\nb|\n" },
	{ "exponent", "0|-1|-3|9|-9|10|-10|0x3| 1|99999999999999999999|" },
	{ "min", "0|-100|1|-9223372036854775808|9223372036854775807|-9223372036854775809|9223372036854775808|abc|" },
	{ "max", "1|100|0|9223372036854775807|-9223372036854775808|18446744073709551615|1e3|" },
	{ "initial", "0|1|5|-100|101|9223372036854775807|x" },
	{ "gpio_chip", "kthing-sim|no-such-chip||abcdefghijklmnopqrstuvwxyz01234|abcdefghijklmnopqrstuvwxyz012345" },
	{ "gpio_line", "0|1|7|8|4294967295|4294967296|-1" },
	{ "active_low", "0|1|y|n|on|off|2|" },
	{ "iio_device", "kthing-sim-env|no-such-device|" },
	{ "iio_channel", "temp|humidityrelative|pressure|voltage|" },
	{ "iio_index", "0|1|4294967295|-1" },
	{ "thermal_zone", "kthing-sim|no-such-zone|" },
	{ "sample_period_ms", "0|10|1000|9|86400000|86400001|4294967296" },
	{ "report_interval_ms", "0|100|99|86400000|86400001" },
	{ "deadband", "0|5|-1|9223372036854775807|" },
	{ "events", "0|1|y|2|" },
};

#define NUM_CHANNEL_ATTRS (sizeof(channel_attrs) / sizeof(channel_attrs[0]))

struct worker {
	pthread_t thread;
	struct fuzz_rng rng;
	unsigned long iterations;
	unsigned long writes, reads, dirs, lives, ioctls;
	unsigned long refused;		/* an errno the contract names */
	unsigned long unexpected;	/* anything else */
	unsigned long went_live;
};

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long shown;

static void thing_name(char *buf, size_t size, unsigned int t)
{
	snprintf(buf, size, "fzcfg%u", t);
}

static void unexpected(struct worker *w, const char *what, const char *path,
		       int err)
{
	w->unexpected++;
	pthread_mutex_lock(&report_lock);
	if (shown++ < SHOWN_MAX)
		diag("%s %s: %s", what, path, err ? strerror(err) : "a malformed answer");
	pthread_mutex_unlock(&report_lock);
}

/* Record how a call ended; @allowed lists the errnos it may give, 0-ended. */
static void outcome(struct worker *w, const char *what, const char *path,
		    int err, const int *allowed)
{
	if (!err)
		return;
	for (; *allowed; allowed++) {
		if (err == *allowed) {
			w->refused++;
			return;
		}
	}
	unexpected(w, what, path, err);
}

/*
 * EINVAL: a bad value; EBUSY: the thing is live; ENOENT: the directory is
 * going away; ENODEV, EEXIST, ENOSPC: going live failed (no hardware, a
 * name already live, no id left); EACCES: a read-only attribute.
 */
static const int write_errnos[] = { EINVAL, EBUSY, ENOENT, ENODEV, EEXIST, ENOSPC, EACCES, 0 };
static const int dir_errnos[] = { EEXIST, ENOENT, EBUSY, ENOTEMPTY, 0 };

static void write_value(struct worker *w, const char *path, const char *val, size_t len)
{
	int fd, err = 0;

	w->writes++;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome(w, "open", path, errno, write_errnos);
		return;
	}
	if (write(fd, val, len) < 0)
		err = errno;
	close(fd);
	/* configfs's own answer to a write of nothing. */
	if (len == 0 && err == EFAULT)
		err = 0;
	outcome(w, "write to", path, err, write_errnos);
}

static void read_value(struct worker *w, const char *path)
{
	static const int read_errnos[] = { ENOENT, 0 };
	char buf[4097];
	ssize_t n;
	int fd;

	w->reads++;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome(w, "open", path, errno, read_errnos);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		outcome(w, "read of", path, errno, read_errnos);
		return;
	}
	/* One line: text, then a newline, and nothing after it. */
	if (n == 0 || buf[n - 1] != '\n' || memchr(buf, '\n', n) != buf + n - 1 ||
	    memchr(buf, '\0', n))
		unexpected(w, "read of", path, 0);
}

/* A value for @a: one of its own, or random bytes, maybe without newline. */
static size_t fuzz_value(struct fuzz_rng *r, const struct attribute *a, char *buf,
			 size_t size)
{
	const char *v = a->values;
	unsigned int n = 1, pick;
	size_t len;

	if (fuzz_one_in(r, 8)) {
		len = fuzz_one_in(r, 8) ? 1 + fuzz_below(r, size - 1) : 1 + fuzz_below(r, 40);
		fuzz_bytes(r, buf, len);
		return len;
	}
	for (; *v; v++)
		n += *v == '|';
	/* Valid values are listed first: favour them, so things go live. */
	pick = fuzz_one_in(r, 2) ? fuzz_below(r, n < 3 ? n : 3) : fuzz_below(r, n);
	for (v = a->values; pick; v++)
		pick -= *v == '|';
	len = strcspn(v, "|");
	memcpy(buf, v, len);
	if (fuzz_one_in(r, 2))
		buf[len++] = '\n';
	return len;
}

static void fuzz_channel_attr(struct worker *w, unsigned int t, unsigned int c)
{
	const struct attribute *a = &channel_attrs[fuzz_below(&w->rng, NUM_CHANNEL_ATTRS)];
	char name[32], path[256], val[4096];
	size_t len;

	thing_name(name, sizeof(name), t);
	snprintf(path, sizeof(path), CFS_ROOT "/%s/%s/%s", name, channels[c], a->name);
	if (fuzz_one_in(&w->rng, 5)) {
		read_value(w, path);
		return;
	}
	len = fuzz_value(&w->rng, a, val, sizeof(val));
	write_value(w, path, val, len);
}

/*
 * Make a channel valid again, as one of a few whole configurations: random
 * writes leave most channels invalid, and a thing goes live only when all
 * of its channels are valid.
 */
static void fuzz_repair(struct worker *w, unsigned int t, unsigned int c)
{
	static const char *const presets[][2 * 6] = {
		{ "kind", "actuator", "backend", "virtual", "type", "int",
		  "min", "-100", "max", "100", "exponent", "0" },
		{ "kind", "actuator", "backend", "virtual", "type", "bool",
		  "min", "0", "max", "1", "exponent", "0" },
		{ "kind", "sensor", "backend", "thermal", "thermal_zone", "kthing-sim",
		  "type", "int", "sample_period_ms", "10", "exponent", "-3" },
		{ "kind", "sensor", "backend", "iio", "iio_device", "kthing-sim-env",
		  "iio_channel", "temp", "sample_period_ms", "10", "type", "int" },
		{ "kind", "actuator", "backend", "gpio", "gpio_chip", "kthing-sim",
		  "type", "bool", "min", "0", "max", "1" },
		{ "kind", "sensor", "backend", "gpio", "gpio_chip", "kthing-sim",
		  "type", "bool", "min", "0", "max", "1" },
	};
	const char *const *p = presets[fuzz_below(&w->rng, sizeof(presets) / sizeof(presets[0]))];
	char name[32], path[256], line[16];
	unsigned int i;

	thing_name(name, sizeof(name), t);
	for (i = 0; i < 2 * 6; i += 2) {
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s/%s", name, channels[c], p[i]);
		write_value(w, path, p[i + 1], strlen(p[i + 1]));
	}
	snprintf(path, sizeof(path), CFS_ROOT "/%s/%s/gpio_line", name, channels[c]);
	snprintf(line, sizeof(line), "%u", (unsigned int)(t * NUM_CHANNELS + c) % 8);
	write_value(w, path, line, strlen(line));
}

static void fuzz_live(struct worker *w, unsigned int t)
{
	static const struct attribute live = { "live", "1|0|y|n|2|" };
	char name[32], path[256], val[4096];
	size_t len;

	thing_name(name, sizeof(name), t);
	snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", name,
		 fuzz_one_in(&w->rng, 6) ? "id" : "live");
	if (fuzz_one_in(&w->rng, 4)) {
		read_value(w, path);
		return;
	}
	w->lives++;
	len = fuzz_value(&w->rng, &live, val, sizeof(val));
	write_value(w, path, val, len);
	if (cfs_id(name) >= 0)
		w->went_live++;
}

static void fuzz_dirs(struct worker *w, unsigned int t)
{
	unsigned int c = fuzz_below(&w->rng, NUM_CHANNELS);
	bool make = fuzz_below(&w->rng, 3);
	char name[32], path[256];
	int err;

	w->dirs++;
	thing_name(name, sizeof(name), t);
	if (fuzz_one_in(&w->rng, 4)) {
		/* The thing itself: rmdir only succeeds once it is empty. */
		err = make ? cfs_mkdir(name, NULL) : cfs_rmdir(name, NULL);
		snprintf(path, sizeof(path), CFS_ROOT "/%s", name);
	} else {
		err = make ? cfs_mkdir(name, channels[c]) : cfs_rmdir(name, channels[c]);
		snprintf(path, sizeof(path), CFS_ROOT "/%s/%s", name, channels[c]);
	}
	outcome(w, make ? "mkdir" : "rmdir", path, err, dir_errnos);
}

/* Use the device of a live thing while the others change it. */
static void fuzz_device(struct worker *w, unsigned int t)
{
	static const int device_errnos[] = { ENODEV, ENOENT, EINVAL, EPERM, ERANGE, EIO, 0 };
	struct kthing_write wr;
	struct kthing_read rd;
	char name[32];
	int fd, err = 0;

	thing_name(name, sizeof(name), t);
	fd = open_thing(cfs_id(name), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	w->ioctls++;
	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	rd.values[0].index = fuzz_below(&w->rng, NUM_CHANNELS);
	if (ioctl(fd, KTHING_IOC_READ, &rd))
		err = errno;
	outcome(w, "READ of", name, err, device_errnos);
	memset(&wr, 0, sizeof(wr));
	wr.index = rd.values[0].index;
	wr.value = fuzz_below(&w->rng, 2);
	err = ioctl(fd, KTHING_IOC_WRITE, &wr) ? errno : 0;
	outcome(w, "WRITE to", name, err, device_errnos);
	close(fd);
}

static void *fuzz_thread(void *arg)
{
	struct worker *w = arg;
	unsigned long i;

	for (i = 0; i < w->iterations; i++) {
		unsigned int t = fuzz_below(&w->rng, THINGS);
		uint32_t op = fuzz_below(&w->rng, 100);

		if (op < 50)
			fuzz_channel_attr(w, t, fuzz_below(&w->rng, NUM_CHANNELS));
		else if (op < 60)
			fuzz_repair(w, t, fuzz_below(&w->rng, NUM_CHANNELS));
		else if (op < 78)
			fuzz_live(w, t);
		else if (op < 93)
			fuzz_dirs(w, t);
		else
			fuzz_device(w, t);
	}
	return NULL;
}

/* Tear down and remove every fuzzed thing; returns how many were left. */
static int remove_all(void)
{
	unsigned int t, c;
	char name[32];
	int left = 0;

	for (t = 0; t < THINGS; t++) {
		thing_name(name, sizeof(name), t);
		cfs_set(name, NULL, "live", "0");
		for (c = 0; c < NUM_CHANNELS; c++)
			cfs_rmdir(name, channels[c]);
		cfs_rmdir(name, NULL);
	}
	for (t = 0; t < THINGS; t++) {
		char path[64];

		thing_name(name, sizeof(name), t);
		snprintf(path, sizeof(path), CFS_ROOT "/%s", name);
		left += !access(path, F_OK);
	}
	return left;
}

/* Seed each thing with valid channels, so that some go live early on. */
static void prepare(void)
{
	unsigned int t, c;
	char name[32];

	for (t = 0; t < THINGS; t++) {
		thing_name(name, sizeof(name), t);
		cfs_mkdir(name, NULL);
		for (c = 0; c < NUM_CHANNELS; c++) {
			cfs_mkdir(name, channels[c]);
			cfs_set(name, channels[c], "kind", "actuator");
			cfs_set(name, channels[c], "backend", "virtual");
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long iterations, writes = 0, reads = 0, dirs = 0, lives = 0;
	unsigned long ioctls = 0, refused = 0, unexpected_total = 0, went_live = 0;
	static struct worker workers[THREADS];
	uint64_t seed, start;
	int i, left;

	seed = fuzz_args(argc, argv, "configfs", &iterations);

	prepare();
	/* What the fuzzing found once: a unit of two lines was taken. */
	tap(cfs_set("fzcfg0", "a", "unit", "a\nb") == EINVAL,
	    "a unit with a newline inside is refused with EINVAL");
	tap(cfs_set("fzcfg0", "a", "unit", "\xc2\xb0" "C\n") == 0,
	    "a unit in UTF-8 is taken");
	start = now_ns();
	for (i = 0; i < THREADS; i++) {
		workers[i].rng.state = seed + i;
		workers[i].iterations = iterations / THREADS;
		if (pthread_create(&workers[i].thread, NULL, fuzz_thread, &workers[i]))
			bail("pthread_create");
	}
	for (i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		pthread_join(w->thread, NULL);
		writes += w->writes;
		reads += w->reads;
		dirs += w->dirs;
		lives += w->lives;
		ioctls += w->ioctls;
		refused += w->refused;
		unexpected_total += w->unexpected;
		went_live += w->went_live;
	}
	diag("configfs fuzz: %lu calls, seed %llu, %.1f s", iterations,
	     (unsigned long long)seed, (now_ns() - start) / 1e9);
	diag("configfs fuzz: %lu attribute writes (%lu to live), %lu reads, %lu mkdir/rmdir, %lu ioctls; %lu refused as documented",
	     writes, lives, reads, dirs, ioctls, refused);

	tap(unexpected_total == 0,
	    "every configfs call succeeded or failed with a documented errno, every read was one line (%lu not)",
	    unexpected_total);
	tap(went_live > 0, "things went live during the fuzzing (seen live %lu times)", went_live);
	left = remove_all();
	tap(left == 0, "every fuzzed thing is torn down and removed (%d left)", left);
	tap(cfs_make_virtual_thing("fzcfgok", 5, true) == 0 && cfs_id("fzcfgok") >= 0,
	    "a thing still goes live after the fuzzing");
	cfs_remove_virtual_thing("fzcfgok");
	return tap_failures ? 1 : 0;
}
