// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A complete libkthing program: print every sensor sample as JSON, exactly,
 * and re-read every channel when events were lost.
 *
 *   cc example.c $(pkg-config --cflags --libs libkthing) -o kthing-example
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kthing.h>

static void print_value(const char *thing, const char *channel, int64_t value,
			int exponent, int64_t time_ms)
{
	char number[KTHING_VALUE_STR_SIZE];

	kthing_value_format(number, sizeof(number), value, exponent);
	printf("{\"thing\":\"%s\",\"%s\":%s,\"time_ms\":%" PRId64 "}\n",
	       thing, channel, number, time_ms);
}

/* After a loss, the current values are the truth: list them all. */
static void resync(void)
{
	struct kthing_channel_state *chs;
	struct kthing_nl *nl;
	size_t i, num;

	if (kthing_nl_open(&nl))
		return;
	if (!kthing_nl_list_channels(nl, NULL, &chs, &num)) {
		for (i = 0; i < num; i++)
			if (!chs[i].reading.stale)
				print_value(chs[i].thing_name,
					    chs[i].channel.name,
					    chs[i].reading.value,
					    chs[i].reading.exponent,
					    kthing_monotonic_to_epoch_ms(chs[i].reading.timestamp_ns));
		free(chs);
	}
	kthing_nl_close(nl);
}

static void on_event(const struct kthing_event *ev, void *arg)
{
	(void)arg;
	switch (ev->type) {
	case KTHING_EVENT_SAMPLE:
	case KTHING_EVENT_APPLIED:
		print_value(ev->thing_name, ev->channel_name, ev->value,
			    ev->exponent,
			    kthing_monotonic_to_epoch_ms(ev->timestamp_ns));
		break;
	case KTHING_EVENT_LOST:
		fprintf(stderr, "lost %" PRIu64 " events of %s, resynchronising\n",
			ev->lost, ev->thing_name[0] ? ev->thing_name : "all things");
		resync();
		break;
	default:
		break;
	}
}

int main(void)
{
	struct kthing_events *events = NULL;
	struct pollfd pfd;
	int err;

	err = kthing_events_open(&events, on_event, NULL);
	if (err) {
		fprintf(stderr, "kthing events: %s\n", strerror(-err));
		return 1;
	}
	resync();
	pfd.fd = kthing_events_fd(events);
	pfd.events = POLLIN;
	while (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
		if (kthing_events_dispatch(events) < 0)
			break;
	kthing_events_close(events);
	return 1;
}
