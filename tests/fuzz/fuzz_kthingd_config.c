// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness over kthingd's configuration parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../agent/kthingd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONFIG_ERROR_SIZE];
	struct config config;

	if (config_parse((const char *)data, size, NULL, CONFIG_NO_FILE_CHECKS,
			 &config, err, sizeof(err)) == 0) {
		config_find_thing(&config, "env");
		config_broker_changed(&config, &config);
		config_free(&config);
	} else if (!memchr(err, '\0', sizeof(err))) {
		__builtin_trap();	/* an unterminated message */
	}
	return 0;
}
