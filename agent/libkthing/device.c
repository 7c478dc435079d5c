// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Things through their character devices: open by name, describe, read,
 * write and configure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kthing.h"

struct kthing {
	int fd;
	struct kthing_thing_info info;
	struct kthing_channel channels[KTHING_CHANNELS_MAX];
};

static int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static void channel_from_info(struct kthing_channel *ch,
			      const struct kthing_channel_info *info)
{
	memset(ch, 0, sizeof(*ch));
	ch->index = info->index;
	memcpy(ch->name, info->name, sizeof(ch->name));
	ch->name[sizeof(ch->name) - 1] = '\0';
	memcpy(ch->unit, info->unit, sizeof(ch->unit));
	ch->unit[sizeof(ch->unit) - 1] = '\0';
	ch->kind = info->kind;
	ch->type = info->type;
	ch->backend = info->backend;
	ch->exponent = info->exponent;
	ch->min = info->min;
	ch->max = info->max;
	ch->events = info->config.flags & KTHING_CONFIG_F_EVENTS;
	ch->sample_period_ms = info->config.sample_period_ms;
	ch->report_interval_ms = info->config.report_interval_ms;
	ch->deadband = info->config.deadband;
}

static int describe_channel(struct kthing *thing, unsigned int index)
{
	struct kthing_channel_info info;
	int err;

	memset(&info, 0, sizeof(info));
	info.index = index;
	err = xioctl(thing->fd, KTHING_IOC_CHANNEL_INFO, &info);
	if (err)
		return err;
	channel_from_info(&thing->channels[index], &info);
	return 0;
}

int kthing_refresh(struct kthing *thing)
{
	unsigned int i;
	int err;

	err = xioctl(thing->fd, KTHING_IOC_THING_INFO, &thing->info);
	if (err)
		return err;
	thing->info.name[sizeof(thing->info.name) - 1] = '\0';
	/* Never trust a count to index a fixed array. */
	if (thing->info.num_channels > KTHING_CHANNELS_MAX)
		return -EPROTO;

	for (i = 0; i < thing->info.num_channels; i++) {
		err = describe_channel(thing, i);
		if (err)
			return err;
	}
	return 0;
}

static int open_mode(unsigned int flags)
{
	return (flags & KTHING_OPEN_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC;
}

/* Open @path and check it is the thing called @name (or any when NULL). */
static int open_device(const char *path, const char *name, unsigned int flags,
		       struct kthing **thingp)
{
	struct kthing *thing;
	int err;

	thing = calloc(1, sizeof(*thing));
	if (!thing)
		return -ENOMEM;
	thing->fd = open(path, open_mode(flags));
	if (thing->fd < 0) {
		err = -errno;
		goto err_free;
	}
	err = kthing_refresh(thing);
	if (err)
		goto err_close;
	if (name && strcmp(thing->info.name, name) != 0) {
		err = -ENOENT;
		goto err_close;
	}
	*thingp = thing;
	return 0;

err_close:
	close(thing->fd);
err_free:
	free(thing);
	return err;
}

static bool is_device_name(const char *name)
{
	const char *p;

	if (strncmp(name, "kthing", 6) != 0 || !name[6])
		return false;
	for (p = name + 6; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/*
 * Without udev's links, ask every /dev/kthingN for its name. A device we may
 * not open could be the one: then the answer is EACCES, not ENOENT.
 */
static int scan_devices(const char *name, unsigned int flags,
			struct kthing **thingp)
{
	char path[sizeof(KTHING_DEV_DIR) + 256 + 1];
	int err, result = -ENOENT;
	struct dirent *de;
	DIR *dir;

	dir = opendir(KTHING_DEV_DIR);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!is_device_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), KTHING_DEV_DIR "/%s", de->d_name);
		err = open_device(path, name, flags, thingp);
		if (!err) {
			result = 0;
			break;
		}
		if (err == -EACCES || err == -EPERM)
			result = err;
	}
	closedir(dir);
	return result;
}

int kthing_open(const char *name, unsigned int flags, struct kthing **thingp)
{
	char path[sizeof(KTHING_BY_NAME_DIR) + KTHING_NAME_SIZE + 1];
	int err;

	if (!name || !thingp || (flags & ~KTHING_OPEN_WRITE))
		return -EINVAL;
	if (strchr(name, '/'))
		return open_device(name, NULL, flags, thingp);
	if (!kthing_name_valid(name))
		return -EINVAL;

	snprintf(path, sizeof(path), KTHING_BY_NAME_DIR "/%s", name);
	err = open_device(path, name, flags, thingp);
	/* A missing or stale link: look for the device itself. */
	if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
		err = scan_devices(name, flags, thingp);
	return err;
}

void kthing_close(struct kthing *thing)
{
	if (!thing)
		return;
	close(thing->fd);
	free(thing);
}

const char *kthing_name(const struct kthing *thing)
{
	return thing->info.name;
}

unsigned int kthing_id(const struct kthing *thing)
{
	return thing->info.id;
}

unsigned int kthing_num_channels(const struct kthing *thing)
{
	return thing->info.num_channels;
}

int kthing_fd(const struct kthing *thing)
{
	return thing->fd;
}

const struct kthing_channel *kthing_channel(const struct kthing *thing,
					    unsigned int index)
{
	if (index >= thing->info.num_channels)
		return NULL;
	return &thing->channels[index];
}

const struct kthing_channel *kthing_channel_find(const struct kthing *thing,
						 const char *name)
{
	unsigned int i;

	for (i = 0; i < thing->info.num_channels; i++)
		if (strcmp(thing->channels[i].name, name) == 0)
			return &thing->channels[i];
	return NULL;
}

static int channel_exponent(const struct kthing *thing, unsigned int index)
{
	return index < thing->info.num_channels ?
	       thing->channels[index].exponent : 0;
}

int kthing_read_many(struct kthing *thing, const unsigned int *indices,
		     size_t num, struct kthing_reading *readings)
{
	struct kthing_read req;
	size_t i;
	int err;

	if (num < 1 || num > KTHING_CHANNELS_MAX)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.num = num;
	for (i = 0; i < num; i++)
		req.values[i].index = indices ? indices[i] : i;

	err = xioctl(thing->fd, KTHING_IOC_READ, &req);
	if (err)
		return err;

	for (i = 0; i < num; i++) {
		const struct kthing_value *v = &req.values[i];

		readings[i].index = v->index;
		readings[i].value = v->value;
		readings[i].exponent = channel_exponent(thing, v->index);
		readings[i].stale = v->flags & KTHING_VALUE_F_STALE;
		readings[i].timestamp_ns = v->timestamp_ns;
	}
	return 0;
}

int kthing_read(struct kthing *thing, unsigned int index,
		struct kthing_reading *reading)
{
	return kthing_read_many(thing, &index, 1, reading);
}

int kthing_write(struct kthing *thing, unsigned int index, int64_t value,
		 struct kthing_reading *applied)
{
	struct kthing_write req;
	int err;

	memset(&req, 0, sizeof(req));
	req.index = index;
	req.value = value;
	err = xioctl(thing->fd, KTHING_IOC_WRITE, &req);
	if (err)
		return err;
	if (applied) {
		applied->index = index;
		applied->value = req.value;
		applied->exponent = channel_exponent(thing, index);
		applied->stale = false;
		applied->timestamp_ns = req.timestamp_ns;
	}
	return 0;
}

/* Booleans also read as words: "fan on" says what it means. */
static int parse_bool_word(const char *str, int64_t *value)
{
	static const char *const words[][2] = {
		{ "false", "true" }, { "off", "on" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(str, words[i][0]) == 0) {
			*value = 0;
			return 0;
		}
		if (strcasecmp(str, words[i][1]) == 0) {
			*value = 1;
			return 0;
		}
	}
	return -EINVAL;
}

int kthing_write_string(struct kthing *thing, unsigned int index,
			const char *str, struct kthing_reading *applied)
{
	const struct kthing_channel *ch = kthing_channel(thing, index);
	int64_t value;
	int err;

	if (!ch || !str)
		return -EINVAL;
	if (ch->type == KTHING_TYPE_BOOL && parse_bool_word(str, &value) == 0)
		return kthing_write(thing, index, value, applied);
	err = kthing_value_parse(str, ch->exponent, ch->min, ch->max, &value);
	if (err)
		return err;
	return kthing_write(thing, index, value, applied);
}

int kthing_set_config(struct kthing *thing, unsigned int index,
		      const struct kthing_config *config)
{
	struct kthing_channel_config req;
	int err;

	memset(&req, 0, sizeof(req));
	req.index = index;
	req.flags = config->events ? KTHING_CONFIG_F_EVENTS : 0;
	req.sample_period_ms = config->sample_period_ms;
	req.report_interval_ms = config->report_interval_ms;
	req.deadband = config->deadband;
	err = xioctl(thing->fd, KTHING_IOC_SET_CONFIG, &req);
	if (err)
		return err;
	/* Keep the description in step with what the kernel now has. */
	if (index < thing->info.num_channels)
		return describe_channel(thing, index);
	return 0;
}
