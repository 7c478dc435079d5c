// SPDX-License-Identifier: GPL-2.0
/*
 * Write an actuator COUNT times as fast as possible, alternating 0 and 1,
 * so that a stopped listener's socket overflows.
 *
 * Usage: kthingctl_flood THING CHANNEL COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kthing.h>

int main(int argc, char **argv)
{
	const struct kthing_channel *ch;
	struct kthing *thing;
	long i, count;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: %s THING CHANNEL COUNT\n", argv[0]);
		return 2;
	}
	count = strtol(argv[3], NULL, 10);
	err = kthing_open(argv[1], KTHING_OPEN_WRITE, &thing);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	ch = kthing_channel_find(thing, argv[2]);
	if (!ch) {
		fprintf(stderr, "%s: no channel %s\n", argv[1], argv[2]);
		return 1;
	}
	for (i = 0; i < count; i++) {
		err = kthing_write(thing, ch->index, i & 1, NULL);
		if (err) {
			fprintf(stderr, "write %ld: %s\n", i, strerror(-err));
			return 1;
		}
	}
	kthing_close(thing);
	return 0;
}
