// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, help and usage errors shared by kthingctl's commands.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kthingctl.h"

void error(const char *fmt, ...)
{
	va_list ap;

	fputs("kthingctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void print_help(bool to_stderr, const char *help)
{
	fprintf(to_stderr ? stderr : stdout, "Usage: kthingctl %s", help);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kthingctl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kthingctl %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int try_help(const char *cmd)
{
	fprintf(stderr, "Try 'kthingctl %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int parse_help_only(const char *cmd, int argc, char **argv, const char *help)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			print_help(false, help);
			return EXIT_OK;
		}
		/* getopt has said what was wrong. */
		return try_help(cmd);
	}
	return -1;
}

int parse_json_option(const char *cmd, int argc, char **argv,
		      const char *help, bool *json)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			*json = true;
			break;
		case 'h':
			print_help(false, help);
			return EXIT_OK;
		default:
			return try_help(cmd);
		}
	}
	return -1;
}

const char *module_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "the kthing module is not loaded (no netlink family \"kthing\")";
	case -EPERM:
		return "permission denied (needs CAP_NET_ADMIN)";
	}
	return strerror(-err);
}

void print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
