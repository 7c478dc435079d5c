// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl watch: print the kernel's events as they happen, marking lost
 * ones.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "kthingctl.h"

static const char help[] =
	"watch [--json] [--count N] [--timeout SECONDS] [THING]\n"
	"\n"
	"Print the events of every thing (or of THING) as they happen, one line\n"
	"each: time, thing, sequence number, what happened. Lost events are\n"
	"marked: a gap in a thing's sequence numbers, or a socket overflow\n"
	"after which any thing may have changed. Needs CAP_NET_ADMIN.\n"
	"\n"
	"Options:\n"
	"  -j, --json             one JSON object per line\n"
	"  -c, --count N          exit after N events\n"
	"  -t, --timeout SECONDS  exit after SECONDS; with --count, fewer than N\n"
	"                         events by then is a failure (exit 1)\n"
	"  -h, --help             show this help\n";

struct watch {
	const char *thing;	/* only this thing's events, or NULL */
	bool json;
	long count;		/* events left to print; -1: no limit */
};

static const char *const type_names[] = {
	[KTHING_EVENT_THING_ADDED] = "added",
	[KTHING_EVENT_THING_REMOVED] = "removed",
	[KTHING_EVENT_SAMPLE] = "sample",
	[KTHING_EVENT_APPLIED] = "applied",
	[KTHING_EVENT_FAULT] = "fault",
	[KTHING_EVENT_LOST] = "lost",
};

static int64_t event_epoch_ms(const struct kthing_event *ev)
{
	struct timespec now;

	if (ev->timestamp_ns)
		return kthing_monotonic_to_epoch_ms(ev->timestamp_ns);
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void print_json(const struct kthing_event *ev)
{
	char value[KTHING_VALUE_STR_SIZE];

	printf("{\"time_ms\":%lld,\"event\":\"%s\",",
	       (long long)event_epoch_ms(ev), type_names[ev->type]);
	if (ev->type == KTHING_EVENT_LOST && !ev->thing_name[0]) {
		printf("\"thing\":null,\"lost\":null}\n");
		return;
	}
	printf("\"thing\":\"%s\",\"id\":%u,\"seq\":%llu", ev->thing_name,
	       ev->thing_id, (unsigned long long)ev->seq);
	switch (ev->type) {
	case KTHING_EVENT_THING_ADDED:
		printf(",\"channels\":%u", ev->num_channels);
		break;
	case KTHING_EVENT_SAMPLE:
	case KTHING_EVENT_APPLIED:
		kthing_value_format(value, sizeof(value), ev->value,
				    ev->exponent);
		printf(",\"channel\":\"%s\",\"index\":%u,\"value\":%s",
		       ev->channel_name, ev->channel_index, value);
		if (ev->type == KTHING_EVENT_APPLIED)
			printf(",\"source\":\"%s\"",
			       kthing_source_name(ev->source));
		break;
	case KTHING_EVENT_FAULT:
		printf(",\"channel\":\"%s\",\"index\":%u,\"errno\":%d,"
		       "\"error\":", ev->channel_name, ev->channel_index,
		       ev->error);
		print_json_string(stdout, strerror(ev->error));
		break;
	case KTHING_EVENT_LOST:
		printf(",\"lost\":%llu", (unsigned long long)ev->lost);
		break;
	default:
		break;
	}
	printf("}\n");
}

static void print_line(const struct kthing_event *ev)
{
	char value[KTHING_VALUE_STR_SIZE], stamp[16];
	int64_t ms = event_epoch_ms(ev);
	time_t secs = ms / 1000;
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	printf("%s.%03d ", stamp, (int)(ms % 1000));

	if (ev->type == KTHING_EVENT_LOST && !ev->thing_name[0]) {
		printf("LOST events (socket overflow): any thing may have changed; "
		       "'kthingctl list' shows the current values\n");
		return;
	}
	printf("%s #%llu ", ev->thing_name, (unsigned long long)ev->seq);
	switch (ev->type) {
	case KTHING_EVENT_THING_ADDED:
		printf("added, %u channel%s\n", ev->num_channels,
		       ev->num_channels == 1 ? "" : "s");
		break;
	case KTHING_EVENT_THING_REMOVED:
		printf("removed\n");
		break;
	case KTHING_EVENT_SAMPLE:
	case KTHING_EVENT_APPLIED:
		kthing_value_format(value, sizeof(value), ev->value,
				    ev->exponent);
		printf("%s %s %s", type_names[ev->type], ev->channel_name,
		       value);
		if (ev->type == KTHING_EVENT_APPLIED)
			printf(" (%s)", kthing_source_name(ev->source));
		putchar('\n');
		break;
	case KTHING_EVENT_FAULT:
		printf("fault %s: %s\n", ev->channel_name, strerror(ev->error));
		break;
	case KTHING_EVENT_LOST:
		printf("GAP: %llu event%s lost (#%llu..#%llu)\n",
		       (unsigned long long)ev->lost, ev->lost == 1 ? "" : "s",
		       (unsigned long long)(ev->seq - ev->lost),
		       (unsigned long long)(ev->seq - 1));
		break;
	}
}

static void on_event(const struct kthing_event *ev, void *arg)
{
	struct watch *w = arg;

	if (!w->count)
		return;
	/* An overflow concerns every thing, so it is always shown. */
	if (w->thing && ev->thing_name[0] && strcmp(w->thing, ev->thing_name))
		return;
	if (w->json)
		print_json(ev);
	else
		print_line(ev);
	if (w->count > 0)
		w->count--;
}

static int parse_number(const char *str, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(str, &end, 10);
	if (errno || end == str || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int open_signalfd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int watch_loop(struct kthing_events *events, struct watch *w,
		      long timeout_s)
{
	struct pollfd fds[2];
	int64_t deadline = timeout_s >= 0 ? now_ms() + timeout_s * 1000 : -1;
	int ret;

	fds[0].fd = kthing_events_fd(events);
	fds[0].events = POLLIN;
	fds[1].fd = open_signalfd();
	fds[1].events = POLLIN;
	if (fds[1].fd < 0) {
		error("watch: signalfd: %s", strerror(errno));
		return EXIT_FAILED;
	}

	while (w->count) {
		int wait = -1;

		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > INT_MAX ? INT_MAX : (int)left;
		}
		ret = poll(fds, 2, wait);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			error("watch: poll: %s", strerror(errno));
			break;
		}
		if (fds[1].revents)
			break;
		if (fds[0].revents) {
			ret = kthing_events_dispatch(events);
			if (ret < 0) {
				error("watch: reading events: %s",
				      strerror(-ret));
				break;
			}
		}
	}
	close(fds[1].fd);
	return EXIT_OK;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct watch w = { .count = -1 };
	struct kthing_events *events;
	long timeout_s = -1;
	bool counted;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "jc:t:h", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			w.json = true;
			break;
		case 'c':
			if (parse_number(optarg, LONG_MAX, &w.count) || !w.count)
				return usage_error("watch", "--count: '%s' is not a positive number",
						   optarg);
			break;
		case 't':
			if (parse_number(optarg, 86400 * 365, &timeout_s))
				return usage_error("watch", "--timeout: '%s' is not a number of seconds",
						   optarg);
			break;
		case 'h':
			print_help(false, help);
			return EXIT_OK;
		default:
			return try_help("watch");
		}
	}
	if (argc - optind > 1)
		return usage_error("watch", "at most one THING");
	if (optind < argc) {
		w.thing = argv[optind];
		if (!kthing_name_valid(w.thing))
			return usage_error("watch", "'%s' is not a valid thing name",
					   w.thing);
	}
	counted = w.count > 0;

	err = kthing_events_open(&events, on_event, &w);
	if (err) {
		error("watch: %s", module_error(err));
		return EXIT_FAILED;
	}
	/* Each line reaches a pipe as soon as it is printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = watch_loop(events, &w, timeout_s);
	kthing_events_close(events);
	if (err)
		return err;
	if (counted && w.count) {
		error("watch: timed out with %ld event%s still expected",
		      w.count, w.count == 1 ? "" : "s");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
