/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging to stderr with sd-daemon priority prefixes ("<3>"), which journald
 * turns into priorities; on a terminal the prefixes are spelled out instead.
 */
#ifndef KTHINGD_LOG_H
#define KTHINGD_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Returns 0 and sets *level when @name is error|warning|notice|info|debug. */
int log_level_from_name(const char *name, enum log_level *level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...)		log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...)	log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...)		log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...)		log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)		log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
