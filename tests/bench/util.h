/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the in-VM benchmark programs: clocks, latency statistics, the
 * result lines the runner collects, and driving kthing_sim's GPIO lines.
 */
#ifndef KTHING_BENCH_UTIL_H
#define KTHING_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t now_ns(void);

/* CPU time (user + system) of this process, nanoseconds. */
uint64_t self_cpu_ns(void);

/* Busy time of the whole machine since boot (all CPUs, /proc/stat), ns. */
uint64_t machine_busy_ns(void);

/* Print "BENCH {"key":KEY,"value":VALUE,"unit":UNIT}" on stdout. */
void bench_result(const char *key, double value, const char *unit);

/* A growing list of samples (nanoseconds), for percentiles. */
struct samples {
	uint64_t *v;
	size_t n, cap;
};

void samples_add(struct samples *s, uint64_t ns);
/* The p-th percentile (0..100, nearest rank) in microseconds; sorts. */
double samples_pct_us(struct samples *s, double p);
double samples_mean_us(const struct samples *s);
/* Results KEY.p50, KEY.p99, KEY.mean (µs) and KEY.samples. */
void samples_report(struct samples *s, const char *key);

/* Drive the simulated line OFFSET to LEVEL; exits on failure. */
struct sim_line {
	int fd;
	int level;
};
void sim_line_open(struct sim_line *line, unsigned int offset, int level);
void sim_line_set(struct sim_line *line, int level);

/* The latest event sequence number of the thing behind DEV (THING_INFO). */
uint64_t thing_seq(int fd);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
