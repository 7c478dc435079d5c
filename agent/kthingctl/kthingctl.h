/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kthingctl: shared declarations of the subcommands.
 */
#ifndef KTHINGCTL_H
#define KTHINGCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <kthing.h>

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

/* One subcommand: its name, a one-line summary and its entry point. */
struct command {
	const char *name;
	const char *args;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_list(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Print "kthingctl: MESSAGE" to stderr. */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse a subcommand's options that are only --help: prints the help and
 * returns EXIT_OK for --help, EXIT_USAGE for anything unknown, -1 to go on.
 * @help is the text after "Usage: kthingctl ".
 */
int parse_help_only(const char *cmd, int argc, char **argv, const char *help);

/* Like parse_help_only(), for commands whose only other option is --json. */
int parse_json_option(const char *cmd, int argc, char **argv,
		      const char *help, bool *json);

/* After getopt reported a bad option: point at --help, return EXIT_USAGE. */
int try_help(const char *cmd);

/* Print "Usage: kthingctl " and @help, to stdout or stderr. */
void print_help(bool to_stderr, const char *help);

/* Report a usage problem of @cmd and return EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print @s as a JSON string, quoted and escaped. */
void print_json_string(FILE *out, const char *s);

/* A message for a libkthing failure to reach the kernel module. */
const char *module_error(int err);

#endif /* KTHINGCTL_H */
