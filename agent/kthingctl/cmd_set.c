// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl set: set an actuator, through the thing's device or netlink.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kthingctl.h"
#include "thing_open.h"

static const char help[] =
	"set [--netlink] THING CHANNEL VALUE\n"
	"\n"
	"Set the actuator CHANNEL of THING to VALUE, a decimal number in the\n"
	"channel's unit (\"21.5\"); booleans also take true/false and on/off.\n"
	"The value must fit the channel's decimals and limits. Prints the value\n"
	"applied. Options come before THING, so negative values need no '--'.\n"
	"\n"
	"Options:\n"
	"  -n, --netlink  set through netlink (needs CAP_NET_ADMIN) instead of\n"
	"                 the device (needs write access to /dev/kthingN)\n"
	"  -h, --help     show this help\n";

/* Why a write failed: the value's fault when it is about the value. */
static void report(const char *what, int err, const struct kthing_channel *ch,
		   const char *kernel_message)
{
	char msg[128];

	switch (err) {
	case -EINVAL:
		if (ch->type == KTHING_TYPE_BOOL) {
			snprintf(msg, sizeof(msg),
				 "not a boolean (0, 1, true, false, on, off)");
			break;
		}
		/* fall through */
	case -EDOM:
	case -ERANGE:
		kthing_value_strerror(msg, sizeof(msg), err, ch->exponent,
				      ch->min, ch->max);
		break;
	case -EPERM:
		snprintf(msg, sizeof(msg), "permission denied%s",
			 kernel_message ? "" : " (needs CAP_NET_ADMIN)");
		break;
	case -EBADF:
	case -EACCES:
		snprintf(msg, sizeof(msg), "permission denied opening the device for writing");
		break;
	default:
		snprintf(msg, sizeof(msg), "%s", strerror(-err));
		break;
	}
	if (kernel_message)
		error("%s: %s (%s)", what, msg, kernel_message);
	else
		error("%s: %s", what, msg);
}

static void print_applied(const struct kthing_channel *ch, int64_t value)
{
	char str[KTHING_VALUE_STR_SIZE];

	kthing_value_format(str, sizeof(str), value, ch->exponent);
	printf("%s %s%s%s\n", ch->name, str, ch->unit[0] ? " " : "", ch->unit);
}

static int parse_value(const char *str, const struct kthing_channel *ch,
		       int64_t *value)
{
	if (ch->type == KTHING_TYPE_BOOL) {
		if (!strcasecmp(str, "true") || !strcasecmp(str, "on")) {
			*value = 1;
			return 0;
		}
		if (!strcasecmp(str, "false") || !strcasecmp(str, "off")) {
			*value = 0;
			return 0;
		}
	}
	return kthing_value_parse(str, ch->exponent, ch->min, ch->max, value);
}

static int set_device(const char *what, const char *name, const char *channel,
		      const char *str)
{
	const struct kthing_channel *ch;
	struct kthing_reading applied;
	struct kthing *thing;
	int err;

	err = kthing_open(name, KTHING_OPEN_WRITE, &thing);
	if (err == -EACCES || err == -EPERM) {
		error("%s: permission denied opening the thing's device for writing",
		      what);
		return EXIT_FAILED;
	}
	if (err) {
		error("%s: %s", what, open_error(err));
		return EXIT_FAILED;
	}
	ch = find_channel(thing, channel, what);
	if (!ch)
		goto err_close;
	if (ch->kind != KTHING_KIND_ACTUATOR) {
		error("%s: %s is a sensor, not an actuator", what, ch->name);
		goto err_close;
	}
	err = kthing_write_string(thing, ch->index, str, &applied);
	if (err) {
		report(what, err, ch, NULL);
		goto err_close;
	}
	print_applied(ch, applied.value);
	kthing_close(thing);
	return EXIT_OK;

err_close:
	kthing_close(thing);
	return EXIT_FAILED;
}

static int set_netlink(const char *what, const char *name, const char *channel,
		       const char *str)
{
	struct kthing_channel_state *states = NULL, applied;
	const struct kthing_channel *ch = NULL;
	int ret = EXIT_FAILED, err;
	struct kthing_nl *nl;
	int64_t value;
	size_t i, num;

	err = kthing_nl_open(&nl);
	if (err) {
		error("%s: %s", what, module_error(err));
		return EXIT_FAILED;
	}
	err = kthing_nl_list_channels(nl, name, &states, &num);
	if (err) {
		error("%s: %s", what, err == -ENODEV || err == -ENOENT ?
		      "no such thing" : strerror(-err));
		goto out;
	}
	for (i = 0; i < num; i++)
		if (!strcmp(states[i].channel.name, channel))
			ch = &states[i].channel;
	if (!num) {
		error("%s: no such thing", what);
		goto out;
	}
	if (!ch) {
		error("%s: no channel '%s' in %s", what, channel, name);
		goto out;
	}
	if (ch->kind != KTHING_KIND_ACTUATOR) {
		error("%s: %s is a sensor, not an actuator", what, ch->name);
		goto out;
	}
	err = parse_value(str, ch, &value);
	if (!err)
		err = kthing_nl_set(nl, name, channel, value, &applied);
	if (err) {
		report(what, err, ch, kthing_nl_error_message(nl));
		goto out;
	}
	print_applied(&applied.channel, applied.reading.value);
	ret = EXIT_OK;
out:
	free(states);
	kthing_nl_close(nl);
	return ret;
}

int cmd_set(int argc, char **argv)
{
	static const struct option options[] = {
		{ "netlink", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool netlink = false;
	char what[160];
	int opt;

	while ((opt = getopt_long(argc, argv, "+nh", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			netlink = true;
			break;
		case 'h':
			print_help(false, help);
			return EXIT_OK;
		default:
			return try_help("set");
		}
	}
	if (argc - optind != 3)
		return usage_error("set", "expected THING CHANNEL VALUE, got %d argument%s",
				   argc - optind, argc - optind == 1 ? "" : "s");

	snprintf(what, sizeof(what), "set %s %s %s", argv[optind],
		 argv[optind + 1], argv[optind + 2]);
	if (netlink)
		return set_netlink(what, argv[optind], argv[optind + 1],
				   argv[optind + 2]);
	return set_device(what, argv[optind], argv[optind + 1],
			  argv[optind + 2]);
}
