// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl get: read channels of a thing through its device.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kthingctl.h"
#include "thing_open.h"

static const char help[] =
	"get [--json] THING [CHANNEL...]\n"
	"\n"
	"Read the current value of each CHANNEL of THING (all channels when\n"
	"none is named), one line each: channel, value and unit.\n"
	"\n"
	"Options:\n"
	"  -j, --json  print one JSON object {\"channel\": value, ...}; null\n"
	"              for a sensor not sampled yet\n"
	"  -h, --help  show this help\n";

static void print_reading(const struct kthing_channel *ch,
			  const struct kthing_reading *r, bool json,
			  bool first, int width)
{
	char value[KTHING_VALUE_STR_SIZE];

	if (r->stale)
		strcpy(value, json ? "null" : "-");
	else
		kthing_value_format(value, sizeof(value), r->value, r->exponent);

	if (json)
		printf("%s\"%s\":%s", first ? "" : ",", ch->name, value);
	else
		printf("%-*s %s%s%s%s\n", width, ch->name, value,
		       ch->unit[0] && !r->stale ? " " : "", r->stale ? "" : ch->unit,
		       r->stale ? " (not sampled yet)" : "");
}

int cmd_get(int argc, char **argv)
{
	struct kthing_reading readings[KTHING_CHANNELS_MAX];
	unsigned int indices[KTHING_CHANNELS_MAX];
	const struct kthing_channel *ch;
	struct kthing *thing;
	bool json = false;
	int opt, err, i, num, width = 0;
	const char *name;

	opt = parse_json_option("get", argc, argv, help, &json);
	if (opt >= 0)
		return opt;
	if (optind >= argc)
		return usage_error("get", "no thing given");
	if (argc - optind - 1 > KTHING_CHANNELS_MAX)
		return usage_error("get", "at most %d channels at once",
				   KTHING_CHANNELS_MAX);
	name = argv[optind++];

	err = kthing_open(name, 0, &thing);
	if (err) {
		error("get %s: %s", name, open_error(err));
		return EXIT_FAILED;
	}

	num = 0;
	if (optind == argc) {
		for (; num < (int)kthing_num_channels(thing); num++)
			indices[num] = num;
	}
	for (; optind < argc; optind++) {
		ch = find_channel(thing, argv[optind], "get");
		if (!ch) {
			kthing_close(thing);
			return EXIT_FAILED;
		}
		indices[num++] = ch->index;
	}

	err = kthing_read_many(thing, indices, num, readings);
	if (err) {
		error("get %s: reading channels: %s", name, open_error(err));
		kthing_close(thing);
		return EXIT_FAILED;
	}

	for (i = 0; i < num; i++) {
		int len = strlen(kthing_channel(thing, indices[i])->name);

		if (len > width)
			width = len;
	}
	if (json)
		putchar('{');
	for (i = 0; i < num; i++)
		print_reading(kthing_channel(thing, indices[i]), &readings[i],
			      json, i == 0, width);
	if (json)
		printf("}\n");
	kthing_close(thing);
	return EXIT_OK;
}
