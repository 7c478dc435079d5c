// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a thing description into kthing's configfs tree, all or nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configfs.h"

/* "@dir/@name" into @buf, or -ENAMETOOLONG. */
static int join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int write_attr(const char *dir, const char *attr, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, err = 0;

	if (join(path, sizeof(path), dir, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* configfs takes an attribute's value in one write. */
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

static int read_attr(const char *dir, const char *attr, char *buf,
		     size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (join(path, sizeof(path), dir, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* One attribute to write: its name and its value as text. */
struct attr {
	const char *name;
	char value[80];
};

static size_t add_attr(struct attr *attrs, size_t n, const char *name,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static size_t add_attr(struct attr *attrs, size_t n, const char *name,
		       const char *fmt, ...)
{
	va_list ap;

	attrs[n].name = name;
	va_start(ap, fmt);
	vsnprintf(attrs[n].value, sizeof(attrs[n].value), fmt, ap);
	va_end(ap);
	return n + 1;
}

/* The attributes of a channel, in an order each write can be checked in. */
static size_t channel_attrs(const struct channel_desc *ch, struct attr *a)
{
	size_t n = 0;

	n = add_attr(a, n, "kind", "%s", kthing_kind_name(ch->kind));
	n = add_attr(a, n, "type", "%s", kthing_type_name(ch->type));
	n = add_attr(a, n, "backend", "%s", kthing_backend_name(ch->backend));
	if (ch->unit[0])
		n = add_attr(a, n, "unit", "%s", ch->unit);
	n = add_attr(a, n, "exponent", "%d", ch->exponent);
	n = add_attr(a, n, "min", "%" PRId64, ch->min);
	n = add_attr(a, n, "max", "%" PRId64, ch->max);
	if (ch->has_initial)
		n = add_attr(a, n, "initial", "%" PRId64, ch->initial);
	switch (ch->backend) {
	case KTHING_BACKEND_GPIO:
		n = add_attr(a, n, "gpio_chip", "%s", ch->gpio_chip);
		n = add_attr(a, n, "gpio_line", "%u", ch->gpio_offset);
		n = add_attr(a, n, "active_low", "%d", ch->active_low);
		break;
	case KTHING_BACKEND_IIO:
		n = add_attr(a, n, "iio_device", "%s", ch->iio_device);
		n = add_attr(a, n, "iio_channel", "%s", ch->iio_channel);
		n = add_attr(a, n, "iio_index", "%u", ch->iio_index);
		break;
	case KTHING_BACKEND_THERMAL:
		n = add_attr(a, n, "thermal_zone", "%s", ch->thermal_zone);
		break;
	}
	if (ch->has_sample_period)
		n = add_attr(a, n, "sample_period_ms", "%u",
			     ch->sample_period_ms);
	if (ch->report_interval_ms)
		n = add_attr(a, n, "report_interval_ms", "%u",
			     ch->report_interval_ms);
	if (ch->deadband)
		n = add_attr(a, n, "deadband", "%" PRId64, ch->deadband);
	n = add_attr(a, n, "events", "%d", ch->events);
	return n;
}

/* Remove the channel directories of @dir, then @dir itself. */
static int remove_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (join(path, sizeof(path), dir, de->d_name))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN || stat(path, &st) < 0 ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if (rmdir(path) < 0 && !err)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) < 0 && !err)
		err = -errno;
	return err;
}

static const char *live_error(int err)
{
	switch (err) {
	case -ENODEV:
		return "a GPIO chip, IIO device or channel, or thermal zone it names does not exist";
	case -EBUSY:
		return "a GPIO line it names is already in use";
	case -EINVAL:
		return "the kernel refused the description (its log says why: dmesg | tail)";
	}
	return strerror(-err);
}

int configfs_create(const char *root, const struct thing_desc *desc,
		    char *errbuf, size_t err_size)
{
	struct attr attrs[24];
	char dir[PATH_MAX], chdir_path[PATH_MAX];
	size_t i, j, n;
	int err;

	if (access(root, F_OK) < 0) {
		snprintf(errbuf, err_size, "%s does not exist: is the kthing module loaded and configfs mounted?",
			 root);
		return -ENOENT;
	}
	if (join(dir, sizeof(dir), root, desc->name)) {
		snprintf(errbuf, err_size, "%s: path too long", root);
		return -ENAMETOOLONG;
	}
	if (mkdir(dir, 0755) < 0) {
		err = -errno;
		if (err == -EEXIST)
			snprintf(errbuf, err_size, "thing %s already exists (kthingctl remove %s first)",
				 desc->name, desc->name);
		else
			snprintf(errbuf, err_size, "creating %s: %s", dir,
				 strerror(-err));
		return err;
	}

	for (i = 0; i < desc->num_channels; i++) {
		const struct channel_desc *ch = &desc->channels[i];

		if (join(chdir_path, sizeof(chdir_path), dir, ch->name) ||
		    mkdir(chdir_path, 0755) < 0) {
			err = errno ? -errno : -ENAMETOOLONG;
			snprintf(errbuf, err_size, "channels[%zu] (%s): creating %s: %s",
				 i, ch->name, chdir_path, strerror(-err));
			goto err_remove;
		}
		n = channel_attrs(ch, attrs);
		for (j = 0; j < n; j++) {
			err = write_attr(chdir_path, attrs[j].name,
					 attrs[j].value);
			if (err) {
				snprintf(errbuf, err_size, "channels[%zu] (%s): writing %s = %s: %s",
					 i, ch->name, attrs[j].name,
					 attrs[j].value, strerror(-err));
				goto err_remove;
			}
		}
	}

	err = write_attr(dir, "live", "1");
	if (err) {
		snprintf(errbuf, err_size, "thing %s cannot go live: %s",
			 desc->name, live_error(err));
		goto err_remove;
	}
	return 0;

err_remove:
	/* Not live, so the channels can go, then the thing. */
	remove_tree(dir);
	return err;
}

int configfs_remove(const char *root, const char *name, char *errbuf,
		    size_t err_size)
{
	char dir[PATH_MAX], live[8];
	int err;

	if (join(dir, sizeof(dir), root, name)) {
		snprintf(errbuf, err_size, "%s: path too long", root);
		return -ENAMETOOLONG;
	}
	err = read_attr(dir, "live", live, sizeof(live));
	if (err == -ENOENT) {
		snprintf(errbuf, err_size, "no thing %s in %s", name, root);
		return err;
	}
	if (err) {
		snprintf(errbuf, err_size, "reading %s/live: %s", dir,
			 strerror(-err));
		return err;
	}
	if (strcmp(live, "0") != 0) {
		err = write_attr(dir, "live", "0");
		if (err) {
			snprintf(errbuf, err_size, "taking %s down: %s", name,
				 strerror(-err));
			return err;
		}
	}
	err = remove_tree(dir);
	if (err)
		snprintf(errbuf, err_size, "removing %s: %s", dir,
			 strerror(-err));
	return err;
}
