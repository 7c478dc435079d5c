// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over libkthing's value parser and formatter.
 *
 * Input: one byte choosing the exponent, then the text to parse. Whatever
 * parses must format back to text that parses to the same value.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kthing.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[KTHING_VALUE_STR_SIZE], why[96];
	int64_t value, again;
	int exponent, err;
	char *text;

	if (size < 1)
		return 0;
	exponent = (int)(data[0] % 19) - 9;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	err = kthing_value_parse(text, exponent, INT64_MIN, INT64_MAX, &value);
	if (err) {
		if (err != -EINVAL && err != -EDOM && err != -ERANGE)
			__builtin_trap();
		kthing_value_strerror(why, sizeof(why), err, exponent,
				      INT64_MIN, INT64_MAX);
	} else {
		if (kthing_value_format(out, sizeof(out), value, exponent) < 0)
			__builtin_trap();
		if (kthing_value_parse(out, exponent, INT64_MIN, INT64_MAX,
				       &again) || again != value)
			__builtin_trap();
		/* The limits are honoured exactly. */
		if (!kthing_value_parse(text, exponent, value + (value < INT64_MAX),
					INT64_MAX, &again) && value != INT64_MAX)
			__builtin_trap();
	}
	free(text);
	return 0;
}
