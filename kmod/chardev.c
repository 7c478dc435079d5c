// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kthingN: one character device per live thing, its sysfs attributes
 * and the ioctl ABI of include/uapi/linux/kthing.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kthing.h"

static dev_t kthing_devt;
/* One cdev covers every minor; open() finds the thing by its id. */
static struct cdev kthing_cdev;

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct kthing *thing = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", thing->name);
}
static DEVICE_ATTR_RO(name);

/* One line per channel: index, name, kind, type and backend. */
static ssize_t channels_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct kthing *thing = dev_get_drvdata(dev);
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < thing->num_channels; i++) {
		const struct kthing_channel *ch = &thing->channels[i];

		len += sysfs_emit_at(buf, len, "%u %s %s %s %s\n", i,
				     ch->desc.name,
				     kthing_kind_name(ch->desc.kind),
				     kthing_type_name(ch->desc.type),
				     ch->ops->name);
	}
	return len;
}
static DEVICE_ATTR_RO(channels);

static struct attribute *kthing_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_channels.attr,
	NULL
};
ATTRIBUTE_GROUPS(kthing);

static struct class kthing_class = {
	.name = "kthing",
	.dev_groups = kthing_groups,
};

/*
 * Enter a thing's operation: fails with -ENODEV once the thing is dead.
 * On success the caller leaves with up_read(&thing->live_sem).
 */
static int kthing_enter(struct kthing *thing)
{
	down_read(&thing->live_sem);
	if (thing->dead) {
		up_read(&thing->live_sem);
		return -ENODEV;
	}
	return 0;
}

/* A user-supplied channel index, checked and clamped against speculation. */
static int kthing_user_index(struct kthing *thing, u32 index,
			     struct kthing_channel **ch)
{
	if (index >= thing->num_channels)
		return -EINVAL;
	*ch = &thing->channels[array_index_nospec(index, thing->num_channels)];
	return 0;
}

static long kthing_ioctl_thing_info(struct kthing *thing, void __user *argp)
{
	struct kthing_thing_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = kthing_enter(thing);
	if (ret)
		return ret;
	strscpy(info.name, thing->name, sizeof(info.name));
	info.id = thing->id;
	info.num_channels = thing->num_channels;
	mutex_lock(&thing->event_lock);
	info.seq = thing->seq;
	mutex_unlock(&thing->event_lock);
	up_read(&thing->live_sem);

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long kthing_ioctl_channel_info(struct kthing *thing, void __user *argp)
{
	struct kthing_channel_info info;
	struct kthing_channel *ch;
	u32 index;
	int ret;

	if (copy_from_user(&info, argp, sizeof(info)))
		return -EFAULT;
	if (info.padding || memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;
	index = info.index;

	ret = kthing_enter(thing);
	if (ret)
		return ret;
	ret = kthing_user_index(thing, index, &ch);
	if (ret)
		goto out_unlock;
	memset(&info, 0, sizeof(info));
	info.index = index;
	info.kind = ch->desc.kind;
	info.type = ch->desc.type;
	info.backend = ch->desc.backend;
	strscpy(info.name, ch->desc.name, sizeof(info.name));
	strscpy(info.unit, ch->desc.unit, sizeof(info.unit));
	info.exponent = ch->desc.exponent;
	info.min = ch->desc.min;
	info.max = ch->desc.max;
	kthing_channel_get_config(ch, &info.config);
	memset(info.config.reserved, 0, sizeof(info.config.reserved));
out_unlock:
	up_read(&thing->live_sem);
	if (ret)
		return ret;

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long kthing_ioctl_read(struct kthing *thing, void __user *argp)
{
	struct kthing_read *rd;
	unsigned int i;
	long ret;

	rd = memdup_user(argp, sizeof(*rd));
	if (IS_ERR(rd))
		return PTR_ERR(rd);
	ret = -EINVAL;
	if (rd->num == 0 || rd->num > KTHING_CHANNELS_MAX || rd->padding)
		goto out_free;
	rd->num = array_index_nospec(rd->num, KTHING_CHANNELS_MAX + 1);
	if (memchr_inv(&rd->values[rd->num], 0,
		       (KTHING_CHANNELS_MAX - rd->num) * sizeof(rd->values[0])))
		goto out_free;

	ret = kthing_enter(thing);
	if (ret)
		goto out_free;
	for (i = 0; i < rd->num; i++) {
		struct kthing_value *v = &rd->values[i];
		struct kthing_channel *ch;
		u32 index = v->index;

		ret = kthing_user_index(thing, index, &ch);
		if (ret)
			break;
		memset(v, 0, sizeof(*v));
		v->index = index;
		ret = kthing_channel_read(ch, &v->value, &v->timestamp_ns,
					  &v->flags);
		if (ret)
			break;
	}
	up_read(&thing->live_sem);
	if (ret)
		goto out_free;

	if (copy_to_user(argp, rd, sizeof(*rd)))
		ret = -EFAULT;
out_free:
	kfree(rd);
	return ret;
}

static long kthing_ioctl_write(struct kthing *thing, struct file *file,
			       void __user *argp)
{
	struct kthing_write wr;
	struct kthing_channel *ch;
	u32 index;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&wr, argp, sizeof(wr)))
		return -EFAULT;
	if (wr.padding || wr.timestamp_ns ||
	    memchr_inv(wr.reserved, 0, sizeof(wr.reserved)))
		return -EINVAL;
	index = wr.index;

	ret = kthing_enter(thing);
	if (ret)
		return ret;
	ret = kthing_user_index(thing, index, &ch);
	if (!ret)
		ret = kthing_channel_write(ch, wr.value, KTHING_SOURCE_IOCTL,
					   &wr.value, &wr.timestamp_ns);
	up_read(&thing->live_sem);
	if (ret)
		return ret;

	if (copy_to_user(argp, &wr, sizeof(wr)))
		return -EFAULT;
	return 0;
}

static long kthing_ioctl_set_config(struct kthing *thing, struct file *file,
				    void __user *argp)
{
	struct kthing_channel_config config;
	struct kthing_channel *ch;
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&config, argp, sizeof(config)))
		return -EFAULT;
	if (memchr_inv(config.reserved, 0, sizeof(config.reserved)))
		return -EINVAL;

	ret = kthing_enter(thing);
	if (ret)
		return ret;
	ret = kthing_user_index(thing, config.index, &ch);
	if (!ret)
		ret = kthing_channel_set_config(ch, &config);
	up_read(&thing->live_sem);
	return ret;
}

static long kthing_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct kthing *thing = file->private_data;
	void __user *argp = (void __user *)arg;

	/* Checked again under live_sem; this makes ENODEV win over EBADF. */
	if (READ_ONCE(thing->dead))
		return -ENODEV;

	switch (cmd) {
	case KTHING_IOC_THING_INFO:
		return kthing_ioctl_thing_info(thing, argp);
	case KTHING_IOC_CHANNEL_INFO:
		return kthing_ioctl_channel_info(thing, argp);
	case KTHING_IOC_READ:
		return kthing_ioctl_read(thing, argp);
	case KTHING_IOC_WRITE:
		return kthing_ioctl_write(thing, file, argp);
	case KTHING_IOC_SET_CONFIG:
		return kthing_ioctl_set_config(thing, file, argp);
	default:
		return -ENOTTY;
	}
}

static __poll_t kthing_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kthing *thing = file->private_data;

	poll_wait(file, &thing->wait, pt);
	if (READ_ONCE(thing->dead))
		return EPOLLHUP | EPOLLERR;
	return 0;
}

static int kthing_open(struct inode *inode, struct file *file)
{
	struct kthing *thing = kthing_get_by_id(iminor(inode));

	if (!thing)
		return -ENODEV;
	file->private_data = thing;
	return nonseekable_open(inode, file);
}

static int kthing_release(struct inode *inode, struct file *file)
{
	kthing_put(file->private_data);
	return 0;
}

static const struct file_operations kthing_fops = {
	.owner = THIS_MODULE,
	.open = kthing_open,
	.release = kthing_release,
	.poll = kthing_poll,
	.unlocked_ioctl = kthing_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * kthing_chardev_add() - create /dev/kthingN for a thing
 * @thing: the thing, with its id
 *
 * Return: 0 or the error of device_create().
 */
int kthing_chardev_add(struct kthing *thing)
{
	struct device *dev;

	dev = device_create(&kthing_class, thing->parent,
			    MKDEV(MAJOR(kthing_devt), thing->id), thing,
			    "kthing%d", thing->id);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	thing->dev = dev;
	return 0;
}

/**
 * kthing_chardev_remove() - remove /dev/kthingN of a thing
 * @thing: the thing
 *
 * Open descriptors keep working on the thing, which is dead by now.
 */
void kthing_chardev_remove(struct kthing *thing)
{
	device_unregister(thing->dev);
	thing->dev = NULL;
}

/**
 * kthing_chardev_init() - register the class and the character devices
 *
 * Return: 0 or an error.
 */
int kthing_chardev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&kthing_devt, 0, KTHING_MAX_THINGS, "kthing");
	if (ret)
		return ret;
	cdev_init(&kthing_cdev, &kthing_fops);
	kthing_cdev.owner = THIS_MODULE;
	ret = cdev_add(&kthing_cdev, kthing_devt, KTHING_MAX_THINGS);
	if (ret)
		goto err_unregister_region;
	ret = class_register(&kthing_class);
	if (ret)
		goto err_del_cdev;
	return 0;

err_del_cdev:
	cdev_del(&kthing_cdev);
err_unregister_region:
	unregister_chrdev_region(kthing_devt, KTHING_MAX_THINGS);
	return ret;
}

/**
 * kthing_chardev_exit() - unregister the class and the character devices
 */
void kthing_chardev_exit(void)
{
	class_unregister(&kthing_class);
	cdev_del(&kthing_cdev);
	unregister_chrdev_region(kthing_devt, KTHING_MAX_THINGS);
}
