// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl apply and remove: create a thing from a JSON description, or
 * tear one down, through configfs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configfs.h"
#include "description.h"
#include "gpio_lines.h"
#include "kthingctl.h"

#define DESCRIPTION_MAX	(1024 * 1024)

static const char apply_help[] =
	"apply [--dry-run] FILE\n"
	"\n"
	"Create the thing FILE describes (JSON, see docs/thing-description.md;\n"
	"'-' reads standard input) and make it live. GPIO lines named by line\n"
	"name or chip label and offset are looked up first. All or nothing: a\n"
	"description that fails part way leaves nothing behind.\n"
	"\n"
	"Options:\n"
	"  -n, --dry-run  check the description and its GPIO lines, change nothing\n"
	"  -h, --help     show this help\n";

static const char remove_help[] =
	"remove THING\n"
	"\n"
	"Take THING down and remove it from configfs; open descriptors of its\n"
	"device see it gone.\n"
	"\n"
	"Options:\n"
	"  -h, --help  show this help\n";

/* Read a whole file, or standard input for "-"; NULL with errno set. */
static char *read_file(const char *path, size_t *lenp)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t len = 0, size = 8192;
	char *buf, *bigger;
	int saved;

	if (!f)
		return NULL;
	buf = malloc(size);
	if (!buf)
		goto err;
	for (;;) {
		len += fread(buf + len, 1, size - len, f);
		if (len < size)
			break;
		if (size >= DESCRIPTION_MAX) {
			errno = EFBIG;
			goto err;
		}
		size *= 2;
		bigger = realloc(buf, size);
		if (!bigger)
			goto err;
		buf = bigger;
	}
	if (ferror(f)) {
		errno = EIO;
		goto err;
	}
	if (f != stdin)
		fclose(f);
	*lenp = len;
	return buf;

err:
	saved = errno;
	free(buf);
	if (f != stdin)
		fclose(f);
	errno = saved;
	return NULL;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct thing_desc desc;
	bool dry_run = false;
	const char *path;
	char why[512];
	size_t len;
	char *text;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "nh", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			dry_run = true;
			break;
		case 'h':
			print_help(false, apply_help);
			return EXIT_OK;
		default:
			return try_help("apply");
		}
	}
	if (argc - optind != 1)
		return usage_error("apply", "expected one FILE");
	path = argv[optind];

	text = read_file(path, &len);
	if (!text) {
		error("apply %s: %s", path, strerror(errno));
		return EXIT_FAILED;
	}
	err = thing_desc_parse(text, len, &desc, why, sizeof(why));
	free(text);
	if (err) {
		error("apply %s: %s", path, why);
		return EXIT_FAILED;
	}
	err = resolve_gpio_lines(&desc, why, sizeof(why));
	if (err) {
		error("apply %s: %s", path, why);
		return EXIT_FAILED;
	}
	if (dry_run) {
		printf("%s: thing %s with %zu channel%s is valid\n", path,
		       desc.name, desc.num_channels,
		       desc.num_channels == 1 ? "" : "s");
		return EXIT_OK;
	}
	err = configfs_create(KTHING_CONFIGFS, &desc, why, sizeof(why));
	if (err) {
		error("apply %s: %s; nothing was created", path, why);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int cmd_remove(int argc, char **argv)
{
	const char *name;
	char why[512];
	int ret;

	ret = parse_help_only("remove", argc, argv, remove_help);
	if (ret >= 0)
		return ret;
	if (argc - optind != 1)
		return usage_error("remove", "expected one THING");
	name = argv[optind];
	if (!kthing_name_valid(name))
		return usage_error("remove", "'%s' is not a valid thing name",
				   name);
	if (configfs_remove(KTHING_CONFIGFS, name, why, sizeof(why))) {
		error("remove %s: %s", name, why);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
