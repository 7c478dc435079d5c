// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over libkthing's event decoding and loss tracking: any
 * datagram is decoded or skipped, and every event handed out is sound.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/libkthing/internal.h"

/* The family id the seeds use. */
#define FAMILY	0x1234

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct kthing_event *ev, void *arg)
{
	(void)arg;
	if (ev->type < KTHING_EVENT_THING_ADDED || ev->type > KTHING_EVENT_LOST ||
	    !memchr(ev->thing_name, '\0', sizeof(ev->thing_name)) ||
	    !memchr(ev->channel_name, '\0', sizeof(ev->channel_name)))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct libkthing_stream stream;
	void *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	libkthing_stream_init(&stream, FAMILY, check, NULL);
	/* Twice, so the second pass meets the counts the first one left. */
	libkthing_stream_feed(&stream, copy, size);
	memcpy(copy, data, size);
	libkthing_stream_feed(&stream, copy, size);
	libkthing_stream_release(&stream);
	free(copy);
	return 0;
}
