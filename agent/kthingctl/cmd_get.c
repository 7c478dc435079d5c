// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl get: read channels of a thing, through its device, or over
 * netlink when the device is not ours to open.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kthingctl.h"
#include "thing_open.h"

static const char help[] =
	"get [--json] THING [CHANNEL...]\n"
	"\n"
	"Read the current value of each CHANNEL of THING (all channels when\n"
	"none is named), one line each: channel, value and unit. Reads through\n"
	"the thing's device, or over netlink when the device may not be opened.\n"
	"\n"
	"Options:\n"
	"  -j, --json  print one JSON object {\"channel\": value, ...}; null\n"
	"              for a sensor not sampled yet\n"
	"  -h, --help  show this help\n";

/* Every channel of @name with its value, through the device. */
static int read_device(const char *name, struct kthing_channel_state *all,
		       size_t *num)
{
	struct kthing_reading readings[KTHING_CHANNELS_MAX];
	struct kthing *thing;
	size_t i, n;
	int err;

	err = kthing_open(name, 0, &thing);
	if (err)
		return err;
	n = kthing_num_channels(thing);
	err = kthing_read_many(thing, NULL, n, readings);
	for (i = 0; !err && i < n; i++) {
		memset(&all[i], 0, sizeof(all[i]));
		all[i].channel = *kthing_channel(thing, i);
		all[i].reading = readings[i];
	}
	*num = n;
	kthing_close(thing);
	return err;
}

/* The same over netlink, which needs no access to the device. */
static int read_netlink(const char *name, struct kthing_channel_state *all,
			size_t *num)
{
	struct kthing_channel_state *states;
	struct kthing_nl *nl;
	size_t n;
	int err;

	err = kthing_nl_open(&nl);
	if (err)
		return err;
	err = kthing_nl_list_channels(nl, name, &states, &n);
	kthing_nl_close(nl);
	if (err)
		return err == -ENODEV ? -ENOENT : err;
	if (!n || n > KTHING_CHANNELS_MAX) {
		free(states);
		return n ? -EPROTO : -ENOENT;
	}
	memcpy(all, states, n * sizeof(*states));
	*num = n;
	free(states);
	return 0;
}

static void print_reading(const struct kthing_channel_state *s, bool json,
			  bool first, int width)
{
	const struct kthing_reading *r = &s->reading;
	const struct kthing_channel *ch = &s->channel;
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

static const struct kthing_channel_state *
find_state(const char *thing, const struct kthing_channel_state *all,
	   size_t num, const char *name)
{
	char names[512];
	size_t i, len = 0;

	for (i = 0; i < num; i++)
		if (!strcmp(all[i].channel.name, name))
			return &all[i];
	names[0] = '\0';
	for (i = 0; i < num && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s",
				i ? ", " : "", all[i].channel.name);
	error("get: no channel '%s' (%s has: %s)", name, thing, names);
	return NULL;
}

int cmd_get(int argc, char **argv)
{
	static struct kthing_channel_state all[KTHING_CHANNELS_MAX];
	const struct kthing_channel_state *chosen[KTHING_CHANNELS_MAX];
	bool json = false;
	int opt, err, width = 0;
	size_t i, num_all, num;
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

	err = read_device(name, all, &num_all);
	if (err == -EACCES || err == -EPERM)
		err = read_netlink(name, all, &num_all);
	if (err) {
		error("get %s: %s", name, open_error(err));
		return EXIT_FAILED;
	}

	num = 0;
	if (optind == argc)
		for (; num < num_all; num++)
			chosen[num] = &all[num];
	for (; optind < argc; optind++) {
		chosen[num] = find_state(name, all, num_all, argv[optind]);
		if (!chosen[num++])
			return EXIT_FAILED;
	}

	for (i = 0; i < num; i++) {
		int len = strlen(chosen[i]->channel.name);

		if (len > width)
			width = len;
	}
	if (json)
		putchar('{');
	for (i = 0; i < num; i++)
		print_reading(chosen[i], json, i == 0, width);
	if (json)
		printf("}\n");
	return EXIT_OK;
}
