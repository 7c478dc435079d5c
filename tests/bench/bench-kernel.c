// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side costs, measured from userspace in the guest.
 *
 *   bench-kernel drive -d DEV -l LINE [-L LINES] -t SECONDS [-r RATE] -k KEY
 *	Toggle kthing_sim's GPIO lines LINE .. LINE + LINES - 1 (default 1),
 *	one after the other, for SECONDS: as fast as possible, or RATE
 *	toggles per second (paced on the clock, so a late one is made up for
 *	at once). The thing behind
 *	DEV (/dev/kthingN) reports them: each line has its own interrupt, and
 *	edges of one line that come faster than its interrupt thread runs
 *	merge, as on hardware. Prints
 *	KEY.toggles, KEY.events (events the kernel emitted: its sequence
 *	number moved by this much), KEY.rate (events/s), KEY.cpu_per_event
 *	(busy time of the whole machine per event, µs: the sim, the interrupt
 *	thread, the event and whoever receives it) and KEY.start_ns (when the
 *	first toggle was made, CLOCK_MONOTONIC).
 *
 *   bench-kernel ioctl -d DEV -n COUNT -k KEY
 *	Time COUNT calls each of KTHING_IOC_READ of one channel,
 *	KTHING_IOC_THING_INFO, and an unknown command (the -ENOTTY floor):
 *	KEY.read, KEY.info, KEY.enotty in ns per call.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kthing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* No such command: the chardev's dispatch answers -ENOTTY at once. */
#define BENCH_IOC_UNKNOWN _IO(KTHING_IOC_MAGIC, 0x7f)

#define MAX_LINES 8

/* Sleep until @t, CLOCK_MONOTONIC nanoseconds. */
static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000, .tv_nsec = t % 1000000000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void drive(int dev, unsigned int first, unsigned int lines, double seconds,
		  double rate, const char *key)
{
	uint64_t start, end, busy0, busy1, seq0, seq1, toggles = 0;
	struct sim_line line[MAX_LINES];
	unsigned int i;
	char k[128];

	for (i = 0; i < lines; i++) {
		sim_line_open(&line[i], first + i, 0);
		sim_line_set(&line[i], 0);
	}
	usleep(100000);
	seq0 = thing_seq(dev);
	busy0 = machine_busy_ns();
	start = now_ns();
	end = start + (uint64_t)(seconds * 1e9);
	do {
		/*
		 * Look at the clock every 16 toggles and sleep only once a
		 * millisecond ahead: where the clock is read by a system call
		 * (hpet, emulated), a read or a sleep per toggle costs more
		 * than the toggle, and no paced rate is reached.
		 */
		if (rate > 0 && !(toggles & 15)) {
			uint64_t due = start + (uint64_t)(toggles * 1e9 / rate);

			if (due > now_ns() + 1000000)
				sleep_until(due);
		}
		i = toggles++ % lines;
		sim_line_set(&line[i], !line[i].level);
	} while ((toggles & 63) || now_ns() < end);
	end = now_ns();
	/* Let the interrupt thread catch up before counting. */
	usleep(200000);
	seq1 = thing_seq(dev);
	busy1 = machine_busy_ns();

	snprintf(k, sizeof(k), "%s.toggles", key);
	bench_result(k, toggles, "toggles");
	snprintf(k, sizeof(k), "%s.events", key);
	bench_result(k, seq1 - seq0, "events");
	snprintf(k, sizeof(k), "%s.rate", key);
	bench_result(k, (seq1 - seq0) * 1e9 / (end - start), "events/s");
	snprintf(k, sizeof(k), "%s.cpu_per_event", key);
	bench_result(k, seq1 > seq0 ? (busy1 - busy0) / 1000.0 / (seq1 - seq0) : 0,
		     "us");
	snprintf(k, sizeof(k), "%s.start_ns", key);
	bench_result(k, start, "ns");
	for (i = 0; i < lines; i++)
		close(line[i].fd);
}

static double time_ioctl(int dev, unsigned long cmd, void *arg, long count,
			 int want_errno)
{
	uint64_t t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < count; i++) {
		if (ioctl(dev, cmd, arg) && errno != want_errno)
			die("ioctl %#lx: %s", cmd, strerror(errno));
	}
	return (double)(now_ns() - t0) / count;
}

static void ioctls(int dev, long count, const char *key)
{
	struct kthing_thing_info info;
	struct kthing_read rd;
	char k[128];

	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	memset(&info, 0, sizeof(info));
	/* Warm the caches and check each call works as expected. */
	if (ioctl(dev, KTHING_IOC_READ, &rd))
		die("KTHING_IOC_READ: %s", strerror(errno));
	if (ioctl(dev, BENCH_IOC_UNKNOWN) == 0 || errno != ENOTTY)
		die("an unknown ioctl did not fail with ENOTTY");

	snprintf(k, sizeof(k), "%s.enotty", key);
	bench_result(k, time_ioctl(dev, BENCH_IOC_UNKNOWN, NULL, count, ENOTTY), "ns");
	snprintf(k, sizeof(k), "%s.info", key);
	bench_result(k, time_ioctl(dev, KTHING_IOC_THING_INFO, &info, count, 0), "ns");
	snprintf(k, sizeof(k), "%s.read", key);
	bench_result(k, time_ioctl(dev, KTHING_IOC_READ, &rd, count, 0), "ns");
}

int main(int argc, char **argv)
{
	const char *mode, *path = NULL, *key = NULL;
	double seconds = 1, rate = 0;
	unsigned int line = 0, lines = 1;
	long count = 1000;
	int c, dev;

	if (argc < 2)
		die("usage: bench-kernel drive|ioctl -d DEV -k KEY [-l LINE] [-L LINES] [-t SECONDS] [-r RATE] [-n COUNT]");
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:k:l:L:t:r:n:")) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'k': key = optarg; break;
		case 'l': line = atoi(optarg); break;
		case 'L': lines = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'n': count = atol(optarg); break;
		default: return 2;
		}
	}
	if (!path || !key || count < 1 || seconds <= 0 || rate < 0)
		die("-d DEV and -k KEY are required; -n and -t must be positive, -r not negative");
	if (lines < 1 || lines > MAX_LINES)
		die("-L: 1 .. %d lines", MAX_LINES);
	dev = open(path, O_RDONLY);
	if (dev < 0)
		die("%s: %s", path, strerror(errno));
	if (!strcmp(mode, "drive"))
		drive(dev, line, lines, seconds, rate, key);
	else if (!strcmp(mode, "ioctl"))
		ioctls(dev, count, key);
	else
		die("unknown mode %s (drive, ioctl)", mode);
	close(dev);
	return 0;
}
