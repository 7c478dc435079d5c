// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over kthingctl's thing-description parser: any input
 * gets a result or a terminated message, and what is accepted is sound.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../agent/kthingctl/description.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct thing_desc desc;
	char err[256];
	size_t i;

	memset(err, 'x', sizeof(err));
	if (thing_desc_parse((const char *)data, size, &desc, err,
			     sizeof(err))) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			__builtin_trap();
		return 0;
	}
	if (!kthing_name_valid(desc.name) || desc.num_channels < 1 ||
	    desc.num_channels > KTHING_CHANNELS_MAX)
		__builtin_trap();
	for (i = 0; i < desc.num_channels; i++) {
		const struct channel_desc *ch = &desc.channels[i];

		if (!kthing_name_valid(ch->name) || ch->min > ch->max ||
		    (ch->has_initial &&
		     (ch->initial < ch->min || ch->initial > ch->max)) ||
		    ch->exponent < KTHING_EXPONENT_MIN ||
		    ch->exponent > KTHING_EXPONENT_MAX)
			__builtin_trap();
	}
	return 0;
}
