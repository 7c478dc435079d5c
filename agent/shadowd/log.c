// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

enum log_level log_threshold = LOG_LVL_INFO;

static const char *const names[] = { "error", "warning", "info", "debug" };
/* sd-daemon(3) prefixes, so the journal keeps the priority. */
static const char *const prefixes[] = { "<3>", "<4>", "<6>", "<7>" };

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i <= LOG_LVL_DEBUG; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > log_threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%skthing-shadowd: %s: %s\n", prefixes[level], names[level], line);
}
