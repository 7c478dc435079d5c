// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness over kthingd's event-line parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../agent/kthingd/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kthing_event ev;
	uint32_t type;
	char err[128];

	if (events_parse_line((const char *)data, size, &ev, &type, err, sizeof(err)) == 0) {
		/* Names are always terminated and within the kernel's size. */
		if (!memchr(ev.thing_name, '\0', sizeof(ev.thing_name)) ||
		    !memchr(ev.channel_name, '\0', sizeof(ev.channel_name)))
			__builtin_trap();
	} else if (!memchr(err, '\0', sizeof(err))) {
		__builtin_trap();
	}
	return 0;
}
