// SPDX-License-Identifier: GPL-2.0
/* Shared helpers of the in-VM benchmark programs (util.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kthing.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t self_cpu_ns(void)
{
	return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

uint64_t machine_busy_ns(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal;
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);
	int n;

	if (!f)
		die("/proc/stat: %s", strerror(errno));
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
		   &sys, &idle, &iowait, &irq, &softirq, &steal);
	fclose(f);
	if (n != 8)
		die("/proc/stat: unexpected format");
	return (user + nice + sys + irq + softirq) * (1000000000ull / hz);
}

void bench_result(const char *key, double value, const char *unit)
{
	printf("BENCH {\"key\":\"%s\",\"value\":%.15g,\"unit\":\"%s\"}\n", key, value,
	       unit);
	fflush(stdout);
}

void samples_add(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double samples_pct_us(struct samples *s, double p)
{
	size_t rank;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	/* Nearest rank: the smallest sample with at least p% at or below it. */
	rank = (size_t)((p / 100.0) * s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1] / 1000.0;
}

double samples_mean_us(const struct samples *s)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? sum / s->n / 1000.0 : 0;
}

void samples_report(struct samples *s, const char *key)
{
	char k[128];

	snprintf(k, sizeof(k), "%s.p50", key);
	bench_result(k, samples_pct_us(s, 50), "us");
	snprintf(k, sizeof(k), "%s.p99", key);
	bench_result(k, samples_pct_us(s, 99), "us");
	snprintf(k, sizeof(k), "%s.mean", key);
	bench_result(k, samples_mean_us(s), "us");
	snprintf(k, sizeof(k), "%s.samples", key);
	bench_result(k, s->n, "count");
}

void sim_line_open(struct sim_line *line, unsigned int offset, int level)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/debug/kthing_sim/gpio/%u/pull",
		 offset);
	line->fd = open(path, O_WRONLY);
	if (line->fd < 0)
		die("%s: %s", path, strerror(errno));
	line->level = level;
}

void sim_line_set(struct sim_line *line, int level)
{
	if (write(line->fd, level ? "1\n" : "0\n", 2) != 2)
		die("driving the simulated line: %s", strerror(errno));
	line->level = level;
}

uint64_t thing_seq(int fd)
{
	struct kthing_thing_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, KTHING_IOC_THING_INFO, &info))
		die("KTHING_IOC_THING_INFO: %s", strerror(errno));
	return info.seq;
}
