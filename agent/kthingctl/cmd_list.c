// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl list: every thing and its channels with current values, from
 * one netlink dump.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kthingctl.h"

static const char help[] =
	"list [--json]\n"
	"\n"
	"List every live thing and its channels: kind, current value and unit,\n"
	"limits, backend and, for polled sensors, the sampling period.\n"
	"\n"
	"Options:\n"
	"  -j, --json  print one JSON array of things\n"
	"  -h, --help  show this help\n";

static void print_channel(const struct kthing_channel_state *s)
{
	const struct kthing_channel *ch = &s->channel;
	char value[KTHING_VALUE_STR_SIZE + KTHING_UNIT_SIZE + 1];
	char lo[KTHING_VALUE_STR_SIZE], hi[KTHING_VALUE_STR_SIZE];
	char range[2 * KTHING_VALUE_STR_SIZE + 2];

	if (s->reading.stale)
		snprintf(value, sizeof(value), "-");
	else
		kthing_value_format(value, sizeof(value), s->reading.value,
				    ch->exponent);
	if (ch->unit[0] && !s->reading.stale) {
		strcat(value, " ");
		strcat(value, ch->unit);
	}
	kthing_value_format(lo, sizeof(lo), ch->min, ch->exponent);
	kthing_value_format(hi, sizeof(hi), ch->max, ch->exponent);
	snprintf(range, sizeof(range), "%s..%s", lo, hi);

	printf("  %-16s %-8s %-16s %-24s %s", ch->name,
	       kthing_kind_name(ch->kind), value, range,
	       kthing_backend_name(ch->backend));
	if (ch->sample_period_ms)
		printf(", every %u ms", ch->sample_period_ms);
	if (!ch->events)
		printf(", events off");
	putchar('\n');
}

static void print_channel_json(const struct kthing_channel_state *s,
			       bool first)
{
	const struct kthing_channel *ch = &s->channel;
	char value[KTHING_VALUE_STR_SIZE];
	char lo[KTHING_VALUE_STR_SIZE], hi[KTHING_VALUE_STR_SIZE];

	if (s->reading.stale)
		strcpy(value, "null");
	else
		kthing_value_format(value, sizeof(value), s->reading.value,
				    ch->exponent);
	kthing_value_format(lo, sizeof(lo), ch->min, ch->exponent);
	kthing_value_format(hi, sizeof(hi), ch->max, ch->exponent);
	/* Names are [A-Za-z0-9_-]; a unit is free text. */
	printf("%s{\"name\":\"%s\",\"index\":%u,\"kind\":\"%s\",\"type\":\"%s\","
	       "\"backend\":\"%s\",\"unit\":",
	       first ? "" : ",", ch->name, ch->index,
	       kthing_kind_name(ch->kind), kthing_type_name(ch->type),
	       kthing_backend_name(ch->backend));
	print_json_string(stdout, ch->unit);
	printf(",\"exponent\":%d,\"min\":%s,\"max\":%s,\"value\":%s}",
	       ch->exponent, lo, hi, value);
}

static void print_list(const struct kthing_channel_state *states, size_t num,
		       bool json)
{
	size_t i;

	if (json)
		putchar('[');
	for (i = 0; i < num; i++) {
		const struct kthing_channel_state *s = &states[i];
		bool new_thing = i == 0 || s->thing_id != states[i - 1].thing_id;

		if (new_thing && json)
			printf("%s{\"name\":\"%s\",\"id\":%u,\"channels\":[",
			       i ? "]}," : "", s->thing_name, s->thing_id);
		else if (new_thing)
			printf("%s (/dev/kthing%u)\n", s->thing_name,
			       s->thing_id);
		if (json)
			print_channel_json(s, new_thing);
		else
			print_channel(s);
	}
	if (json)
		printf("%s]\n", num ? "]}" : "");
}

int cmd_list(int argc, char **argv)
{
	struct kthing_channel_state *states;
	struct kthing_nl *nl;
	bool json = false;
	size_t num;
	int opt, err;

	opt = parse_json_option("list", argc, argv, help, &json);
	if (opt >= 0)
		return opt;
	if (optind < argc)
		return usage_error("list", "unexpected argument '%s'",
				   argv[optind]);

	err = kthing_nl_open(&nl);
	if (err) {
		error("list: %s", module_error(err));
		return EXIT_FAILED;
	}
	err = kthing_nl_list_channels(nl, NULL, &states, &num);
	if (err) {
		const char *kmsg = kthing_nl_error_message(nl);

		error("list: %s%s%s", module_error(err), kmsg ? ": " : "",
		      kmsg ? kmsg : "");
		kthing_nl_close(nl);
		return EXIT_FAILED;
	}
	print_list(states, num, json);
	free(states);
	kthing_nl_close(nl);
	return EXIT_OK;
}
