// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl's configfs writer on a plain directory, where every attribute
 * write fails as an unknown attribute would: what it creates it removes
 * again, an existing thing is left alone, and each failure is named.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../agent/kthingctl/configfs.h"

static char root[] = "/tmp/kthingctl-configfs-XXXXXX";
static char err[512];

static int entries(const char *dir)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void two_channels(struct thing_desc *desc)
{
	memset(desc, 0, sizeof(*desc));
	strcpy(desc->name, "greenhouse");
	desc->num_channels = 2;
	strcpy(desc->channels[0].name, "fan");
	desc->channels[0].kind = KTHING_KIND_ACTUATOR;
	desc->channels[0].type = KTHING_TYPE_BOOL;
	desc->channels[0].backend = KTHING_BACKEND_VIRTUAL;
	desc->channels[0].max = 1;
	strcpy(desc->channels[1].name, "temperature");
	desc->channels[1].kind = KTHING_KIND_SENSOR;
	desc->channels[1].type = KTHING_TYPE_INT;
	desc->channels[1].backend = KTHING_BACKEND_THERMAL;
	strcpy(desc->channels[1].thermal_zone, "cpu-thermal");
}

static void missing_root(void **state)
{
	struct thing_desc desc;
	char path[PATH_MAX];

	(void)state;
	two_channels(&desc);
	snprintf(path, sizeof(path), "%s/absent", root);
	assert_int_equal(configfs_create(path, &desc, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "does not exist: is the kthing module loaded"));
}

static void failure_removes_everything(void **state)
{
	struct thing_desc desc;

	(void)state;
	two_channels(&desc);
	assert_int_equal(configfs_create(root, &desc, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "channels[0] (fan): writing kind = actuator: No such file or directory");
	assert_int_equal(entries(root), 0);
}

static void existing_thing_is_left_alone(void **state)
{
	struct thing_desc desc;
	char path[PATH_MAX];

	(void)state;
	two_channels(&desc);
	snprintf(path, sizeof(path), "%s/greenhouse", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/greenhouse/fan", root);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(configfs_create(root, &desc, err, sizeof(err)), -EEXIST);
	assert_string_equal(err, "thing greenhouse already exists (kthingctl remove greenhouse first)");
	assert_int_equal(access(path, F_OK), 0);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/greenhouse", root);
	rmdir(path);
}

static void removing_an_unknown_thing(void **state)
{
	(void)state;
	assert_int_equal(configfs_remove(root, "nosuch", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no thing nosuch in "));
	assert_non_null(strstr(err, root));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_root),
		cmocka_unit_test(failure_removes_everything),
		cmocka_unit_test(existing_thing_is_left_alone),
		cmocka_unit_test(removing_an_unknown_thing),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
