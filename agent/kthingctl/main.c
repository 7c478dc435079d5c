// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl: look at and control kthing things from the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kthingctl.h"

#define VERSION	"0.1.0"

static const struct command commands[] = {
	{ "list", "", "things and their channels with current values", cmd_list },
	{ "get", "THING [CHANNEL...]", "read channels", cmd_get },
	{ "set", "THING CHANNEL VALUE", "set an actuator", cmd_set },
	{ "watch", "[THING]", "print events as they happen", cmd_watch },
	{ "apply", "FILE", "create a thing from a JSON description", cmd_apply },
	{ "remove", "THING", "tear a thing down", cmd_remove },
	{ "status", "", "the running agent's state and counters", cmd_status },
};

#define NUM_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: kthingctl [--help] [--version] COMMAND [ARGS]\n\n"
		     "Commands:\n");
	for (i = 0; i < NUM_COMMANDS; i++)
		fprintf(out, "  %-7s %-20s %s\n", commands[i].name,
			commands[i].args, commands[i].summary);
	fprintf(out, "\n'kthingctl COMMAND --help' tells more about one.\n"
		     "Exit status: 0 ok, 1 the operation failed, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	size_t i;
	int opt;

	/* Options up to the command belong to kthingctl itself. */
	while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("kthingctl " VERSION "\n");
			return EXIT_OK;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		error("no command given");
		print_usage(stderr);
		return EXIT_USAGE;
	}

	for (i = 0; i < NUM_COMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			static char name[32];

			argc -= optind;
			argv += optind;
			/* getopt's messages then name the command. */
			snprintf(name, sizeof(name), "kthingctl %s", argv[0]);
			argv[0] = name;
			/* Each command parses its own options from scratch. */
			optind = 0;
			return commands[i].run(argc, argv);
		}
	}
	error("unknown command '%s'", argv[optind]);
	print_usage(stderr);
	return EXIT_USAGE;
}
