// SPDX-License-Identifier: GPL-2.0
/*
 * Things made at run time through configfs, as docs/configfs.md describes:
 * /sys/kernel/config/kthing/<thing>/<channel>/<attribute>.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kthing.h"

/**
 * struct kthing_cfs_thing - a thing's configfs directory
 * @group: the directory
 * @lock: protects @channels, every attribute of those channels, and @thing.
 *	Taken inside the subsystem's su_mutex where both are needed, as
 *	configfs takes su_mutex around make_item and drop_item.
 * @channels: the channels' directories in the order they were made, which
 *	is their index order
 * @thing: the live thing, or NULL when not live
 */
struct kthing_cfs_thing {
	struct config_group group;
	struct mutex lock;	/* channels, their attributes, thing */
	struct list_head channels;
	struct kthing *thing;
};

/**
 * struct kthing_cfs_channel - a channel's configfs directory
 * @item: the directory
 * @parent: the thing's directory
 * @node: entry in @parent's channels
 * @desc: the channel as configured so far
 * @min_set: min was written (else 0 for bool, S64_MIN for int)
 * @max_set: max was written (else 1 for bool, S64_MAX for int)
 * @period_set: sample_period_ms was written (else the default of polled
 *	backends, 0 for others)
 *
 * Everything but @item and @parent is protected by @parent's lock.
 */
struct kthing_cfs_channel {
	struct config_item item;
	struct kthing_cfs_thing *parent;
	struct list_head node;
	struct kthing_channel_desc desc;
	bool min_set;
	bool max_set;
	bool period_set;
};

static struct kthing_cfs_thing *to_cfs_thing(struct config_item *item)
{
	return container_of(to_config_group(item), struct kthing_cfs_thing,
			    group);
}

static struct kthing_cfs_channel *to_cfs_channel(struct config_item *item)
{
	return container_of(item, struct kthing_cfs_channel, item);
}

static const char *kthing_cfs_thing_name(struct kthing_cfs_thing *t)
{
	return config_item_name(&t->group.cg_item);
}

/* @ch's description with the defaults of unwritten attributes filled in. */
static void kthing_cfs_resolve(struct kthing_cfs_channel *ch,
			       struct kthing_channel_desc *desc)
{
	const struct kthing_backend_ops *ops;
	bool is_bool = ch->desc.type == KTHING_TYPE_BOOL;

	*desc = ch->desc;
	if (!ch->min_set)
		desc->min = is_bool ? 0 : S64_MIN;
	if (!ch->max_set)
		desc->max = is_bool ? 1 : S64_MAX;
	if (!ch->period_set) {
		ops = kthing_backend_by_id(desc->backend);
		desc->config.sample_period_ms = ops && ops->polled ?
			KTHING_DEFAULT_SAMPLE_PERIOD_MS : 0;
	}
}

enum kthing_cfs_field {
	KTHING_CFS_kind,
	KTHING_CFS_type,
	KTHING_CFS_backend,
	KTHING_CFS_unit,
	KTHING_CFS_exponent,
	KTHING_CFS_min,
	KTHING_CFS_max,
	KTHING_CFS_initial,
	KTHING_CFS_gpio_chip,
	KTHING_CFS_gpio_line,
	KTHING_CFS_active_low,
	KTHING_CFS_iio_device,
	KTHING_CFS_iio_channel,
	KTHING_CFS_iio_index,
	KTHING_CFS_thermal_zone,
	KTHING_CFS_sample_period_ms,
	KTHING_CFS_report_interval_ms,
	KTHING_CFS_deadband,
	KTHING_CFS_events,
};

static ssize_t kthing_cfs_channel_show(struct config_item *item, char *page,
				       enum kthing_cfs_field field)
{
	struct kthing_cfs_channel *ch = to_cfs_channel(item);
	const struct kthing_backend_ops *ops;
	struct kthing_channel_desc d;
	ssize_t ret;

	mutex_lock(&ch->parent->lock);
	kthing_cfs_resolve(ch, &d);
	switch (field) {
	case KTHING_CFS_kind:
		ret = sprintf(page, "%s\n", kthing_kind_name(d.kind));
		break;
	case KTHING_CFS_type:
		ret = sprintf(page, "%s\n", kthing_type_name(d.type));
		break;
	case KTHING_CFS_backend:
		ops = kthing_backend_by_id(d.backend);
		ret = sprintf(page, "%s\n", ops ? ops->name : "");
		break;
	case KTHING_CFS_unit:
		ret = sprintf(page, "%s\n", d.unit);
		break;
	case KTHING_CFS_exponent:
		ret = sprintf(page, "%d\n", d.exponent);
		break;
	case KTHING_CFS_min:
		ret = sprintf(page, "%lld\n", d.min);
		break;
	case KTHING_CFS_max:
		ret = sprintf(page, "%lld\n", d.max);
		break;
	case KTHING_CFS_initial:
		if (d.has_initial)
			ret = sprintf(page, "%lld\n", d.initial);
		else
			ret = sprintf(page, "\n");
		break;
	case KTHING_CFS_gpio_chip:
		ret = sprintf(page, "%s\n", d.gpio_chip);
		break;
	case KTHING_CFS_gpio_line:
		ret = sprintf(page, "%u\n", d.gpio_line);
		break;
	case KTHING_CFS_active_low:
		ret = sprintf(page, "%d\n", d.active_low);
		break;
	case KTHING_CFS_iio_device:
		ret = sprintf(page, "%s\n", d.iio_device);
		break;
	case KTHING_CFS_iio_channel:
		ret = sprintf(page, "%s\n", d.iio_channel);
		break;
	case KTHING_CFS_iio_index:
		ret = sprintf(page, "%u\n", d.iio_index);
		break;
	case KTHING_CFS_thermal_zone:
		ret = sprintf(page, "%s\n", d.thermal_zone);
		break;
	case KTHING_CFS_sample_period_ms:
		ret = sprintf(page, "%u\n", d.config.sample_period_ms);
		break;
	case KTHING_CFS_report_interval_ms:
		ret = sprintf(page, "%u\n", d.config.report_interval_ms);
		break;
	case KTHING_CFS_deadband:
		ret = sprintf(page, "%lld\n", d.config.deadband);
		break;
	case KTHING_CFS_events:
		ret = sprintf(page, "%d\n",
			      !!(d.config.flags & KTHING_CONFIG_F_EVENTS));
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&ch->parent->lock);
	return ret;
}

/*
 * Copy a string attribute without its trailing newline; it may not hold
 * other newlines, NULs or control characters.
 */
static int kthing_cfs_copy_str(char *dst, size_t size, const char *page,
			       size_t count)
{
	size_t len = count;

	if (len && page[len - 1] == '\n')
		len--;
	if (len >= size || !kthing_text_printable(page, len))
		return -EINVAL;
	memcpy(dst, page, len);
	dst[len] = '\0';
	return 0;
}

/* Parse @page into @ch's @field; returns 0 or -EINVAL with @why set. */
static int kthing_cfs_parse(struct kthing_cfs_channel *ch, const char *page,
			    size_t count, enum kthing_cfs_field field,
			    const char **why)
{
	struct kthing_channel_desc *d = &ch->desc;
	const struct kthing_backend_ops *ops;
	int ret = 0;
	bool flag;
	s64 val;

	switch (field) {
	case KTHING_CFS_kind:
		*why = "kind must be sensor or actuator";
		ret = kthing_parse_kind(page, &d->kind);
		break;
	case KTHING_CFS_type:
		*why = "type must be bool or int";
		ret = kthing_parse_type(page, &d->type);
		break;
	case KTHING_CFS_backend:
		*why = "backend must be virtual, gpio, iio or thermal";
		ops = kthing_backend_by_name(page);
		if (ops)
			d->backend = ops->id;
		else
			ret = -EINVAL;
		break;
	case KTHING_CFS_unit:
		*why = "unit must be text shorter than 16 bytes";
		ret = kthing_cfs_copy_str(d->unit, sizeof(d->unit), page,
					  count);
		break;
	case KTHING_CFS_exponent:
		*why = "exponent must be an integer within -9 .. 9";
		ret = kstrtos64(page, 0, &val);
		if (!ret && (val < -9 || val > 9))
			ret = -EINVAL;
		if (!ret)
			d->exponent = val;
		break;
	case KTHING_CFS_min:
		*why = "min must be a 64-bit integer";
		ret = kstrtos64(page, 0, &d->min);
		ch->min_set = ch->min_set || !ret;
		break;
	case KTHING_CFS_max:
		*why = "max must be a 64-bit integer";
		ret = kstrtos64(page, 0, &d->max);
		ch->max_set = ch->max_set || !ret;
		break;
	case KTHING_CFS_initial:
		*why = "initial must be a 64-bit integer";
		ret = kstrtos64(page, 0, &d->initial);
		d->has_initial = d->has_initial || !ret;
		break;
	case KTHING_CFS_gpio_chip:
		*why = "gpio_chip must be text shorter than 32 bytes";
		ret = kthing_cfs_copy_str(d->gpio_chip, sizeof(d->gpio_chip),
					  page, count);
		break;
	case KTHING_CFS_gpio_line:
		*why = "gpio_line must be an unsigned integer";
		ret = kstrtou32(page, 0, &d->gpio_line);
		break;
	case KTHING_CFS_active_low:
		*why = "active_low must be 0 or 1";
		ret = kstrtobool(page, &d->active_low);
		break;
	case KTHING_CFS_iio_device:
		*why = "iio_device must be text shorter than 32 bytes";
		ret = kthing_cfs_copy_str(d->iio_device, sizeof(d->iio_device),
					  page, count);
		break;
	case KTHING_CFS_iio_channel:
		*why = "iio_channel must be text shorter than 32 bytes";
		ret = kthing_cfs_copy_str(d->iio_channel,
					  sizeof(d->iio_channel), page, count);
		break;
	case KTHING_CFS_iio_index:
		*why = "iio_index must be an unsigned integer";
		ret = kstrtou32(page, 0, &d->iio_index);
		break;
	case KTHING_CFS_thermal_zone:
		*why = "thermal_zone must be text shorter than 32 bytes";
		ret = kthing_cfs_copy_str(d->thermal_zone,
					  sizeof(d->thermal_zone), page, count);
		break;
	case KTHING_CFS_sample_period_ms:
		*why = "sample_period_ms must be an unsigned integer";
		ret = kstrtou32(page, 0, &d->config.sample_period_ms);
		ch->period_set = ch->period_set || !ret;
		break;
	case KTHING_CFS_report_interval_ms:
		*why = "report_interval_ms must be an unsigned integer";
		ret = kstrtou32(page, 0, &d->config.report_interval_ms);
		break;
	case KTHING_CFS_deadband:
		*why = "deadband must be an integer >= 0";
		ret = kstrtos64(page, 0, &val);
		if (!ret && val < 0)
			ret = -EINVAL;
		if (!ret)
			d->config.deadband = val;
		break;
	case KTHING_CFS_events:
		*why = "events must be 0 or 1";
		ret = kstrtobool(page, &flag);
		if (!ret && flag)
			d->config.flags |= KTHING_CONFIG_F_EVENTS;
		else if (!ret)
			d->config.flags &= ~KTHING_CONFIG_F_EVENTS;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	/* Out-of-range numbers are invalid values like any other. */
	return ret ? -EINVAL : 0;
}

static ssize_t kthing_cfs_channel_store(struct config_item *item,
					const char *page, size_t count,
					enum kthing_cfs_field field)
{
	struct kthing_cfs_channel *ch = to_cfs_channel(item);
	struct kthing_cfs_thing *t = ch->parent;
	const char *why = "invalid value";
	int ret;

	mutex_lock(&t->lock);
	if (t->thing) {
		pr_err("%s/%s: cannot change a live thing\n",
		       kthing_cfs_thing_name(t), ch->desc.name);
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = kthing_cfs_parse(ch, page, count, field, &why);
	if (ret)
		pr_err("%s/%s: %s\n", kthing_cfs_thing_name(t), ch->desc.name,
		       why);
out_unlock:
	mutex_unlock(&t->lock);
	return ret ?: count;
}

#define KTHING_CFS_CHANNEL_ATTR(_name)					\
static ssize_t kthing_cfs_channel_##_name##_show(struct config_item *item, \
						 char *page)		\
{									\
	return kthing_cfs_channel_show(item, page, KTHING_CFS_##_name);	\
}									\
static ssize_t kthing_cfs_channel_##_name##_store(struct config_item *item, \
						  const char *page,	\
						  size_t count)		\
{									\
	return kthing_cfs_channel_store(item, page, count,		\
					KTHING_CFS_##_name);		\
}									\
CONFIGFS_ATTR(kthing_cfs_channel_, _name)

KTHING_CFS_CHANNEL_ATTR(kind);
KTHING_CFS_CHANNEL_ATTR(type);
KTHING_CFS_CHANNEL_ATTR(backend);
KTHING_CFS_CHANNEL_ATTR(unit);
KTHING_CFS_CHANNEL_ATTR(exponent);
KTHING_CFS_CHANNEL_ATTR(min);
KTHING_CFS_CHANNEL_ATTR(max);
KTHING_CFS_CHANNEL_ATTR(initial);
KTHING_CFS_CHANNEL_ATTR(gpio_chip);
KTHING_CFS_CHANNEL_ATTR(gpio_line);
KTHING_CFS_CHANNEL_ATTR(active_low);
KTHING_CFS_CHANNEL_ATTR(iio_device);
KTHING_CFS_CHANNEL_ATTR(iio_channel);
KTHING_CFS_CHANNEL_ATTR(iio_index);
KTHING_CFS_CHANNEL_ATTR(thermal_zone);
KTHING_CFS_CHANNEL_ATTR(sample_period_ms);
KTHING_CFS_CHANNEL_ATTR(report_interval_ms);
KTHING_CFS_CHANNEL_ATTR(deadband);
KTHING_CFS_CHANNEL_ATTR(events);

static struct configfs_attribute *kthing_cfs_channel_attrs[] = {
	&kthing_cfs_channel_attr_kind,
	&kthing_cfs_channel_attr_type,
	&kthing_cfs_channel_attr_backend,
	&kthing_cfs_channel_attr_unit,
	&kthing_cfs_channel_attr_exponent,
	&kthing_cfs_channel_attr_min,
	&kthing_cfs_channel_attr_max,
	&kthing_cfs_channel_attr_initial,
	&kthing_cfs_channel_attr_gpio_chip,
	&kthing_cfs_channel_attr_gpio_line,
	&kthing_cfs_channel_attr_active_low,
	&kthing_cfs_channel_attr_iio_device,
	&kthing_cfs_channel_attr_iio_channel,
	&kthing_cfs_channel_attr_iio_index,
	&kthing_cfs_channel_attr_thermal_zone,
	&kthing_cfs_channel_attr_sample_period_ms,
	&kthing_cfs_channel_attr_report_interval_ms,
	&kthing_cfs_channel_attr_deadband,
	&kthing_cfs_channel_attr_events,
	NULL
};

static void kthing_cfs_channel_release(struct config_item *item)
{
	kfree(to_cfs_channel(item));
}

static struct configfs_item_operations kthing_cfs_channel_item_ops = {
	.release = kthing_cfs_channel_release,
};

static const struct config_item_type kthing_cfs_channel_type = {
	.ct_item_ops = &kthing_cfs_channel_item_ops,
	.ct_attrs = kthing_cfs_channel_attrs,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem kthing_cfs_subsys;

/*
 * Pin the channels' directories while the thing is live, so that configfs
 * refuses to remove them (EBUSY) and the tree keeps matching the thing.
 */
static int kthing_cfs_pin_channels(struct kthing_cfs_thing *t)
{
	struct kthing_cfs_channel *ch;
	int ret;

	lockdep_assert_held(&kthing_cfs_subsys.su_mutex);
	lockdep_assert_held(&t->lock);
	list_for_each_entry(ch, &t->channels, node) {
		ret = configfs_depend_item_unlocked(&kthing_cfs_subsys,
						    &ch->item);
		if (ret)
			goto err_unpin;
	}
	return 0;

err_unpin:
	list_for_each_entry_continue_reverse(ch, &t->channels, node)
		configfs_undepend_item_unlocked(&ch->item);
	return ret;
}

static void kthing_cfs_unpin_channels(struct kthing_cfs_thing *t)
{
	struct kthing_cfs_channel *ch;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(ch, &t->channels, node)
		configfs_undepend_item_unlocked(&ch->item);
}

/* Tear the live thing down; t->lock held. */
static void kthing_cfs_tear_down(struct kthing_cfs_thing *t)
{
	lockdep_assert_held(&t->lock);
	kthing_remove(t->thing);
	t->thing = NULL;
	kthing_cfs_unpin_channels(t);
}

/* Make the thing live from its channels' configuration; t->lock held. */
static int kthing_cfs_go_live(struct kthing_cfs_thing *t)
{
	const char *name = kthing_cfs_thing_name(t);
	struct kthing_channel_desc *descs;
	struct kthing_cfs_channel *ch;
	struct kthing *thing;
	unsigned int n = 0;
	int ret;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(ch, &t->channels, node)
		n++;
	if (n == 0 || n > KTHING_CHANNELS_MAX) {
		pr_err("%s: has %u channels, needs 1 .. %u\n", name, n,
		       KTHING_CHANNELS_MAX);
		return -EINVAL;
	}
	descs = kcalloc(n, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	n = 0;
	list_for_each_entry(ch, &t->channels, node)
		kthing_cfs_resolve(ch, &descs[n++]);

	thing = kthing_create(name, descs, n, NULL);
	kfree(descs);
	if (IS_ERR(thing))
		return PTR_ERR(thing);
	ret = kthing_cfs_pin_channels(t);
	if (ret) {
		pr_err("%s: a channel directory is being made or removed\n",
		       name);
		kthing_remove(thing);
		return ret;
	}
	t->thing = thing;
	return 0;
}

static ssize_t kthing_cfs_thing_live_show(struct config_item *item,
					  char *page)
{
	struct kthing_cfs_thing *t = to_cfs_thing(item);
	bool live;

	mutex_lock(&t->lock);
	live = t->thing;
	mutex_unlock(&t->lock);
	return sprintf(page, "%d\n", live);
}

static ssize_t kthing_cfs_thing_live_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct kthing_cfs_thing *t = to_cfs_thing(item);
	bool live;
	int ret;

	ret = kstrtobool(page, &live);
	if (ret) {
		pr_err("%s: live must be 0 or 1\n", kthing_cfs_thing_name(t));
		return -EINVAL;
	}

	/*
	 * configfs puts a new channel on t->channels (make_item) before it
	 * links the item to its parent, and unlinks a removed one before it
	 * takes it off (drop_item), both under su_mutex. Pinning needs linked
	 * items, which under su_mutex is all that t->channels holds.
	 */
	mutex_lock(&kthing_cfs_subsys.su_mutex);
	mutex_lock(&t->lock);
	if (live && !t->thing)
		ret = kthing_cfs_go_live(t);
	else if (!live && t->thing)
		kthing_cfs_tear_down(t);
	mutex_unlock(&t->lock);
	mutex_unlock(&kthing_cfs_subsys.su_mutex);
	return ret ?: count;
}

CONFIGFS_ATTR(kthing_cfs_thing_, live);

static ssize_t kthing_cfs_thing_id_show(struct config_item *item, char *page)
{
	struct kthing_cfs_thing *t = to_cfs_thing(item);
	int id;

	mutex_lock(&t->lock);
	id = t->thing ? t->thing->id : -1;
	mutex_unlock(&t->lock);
	return sprintf(page, "%d\n", id);
}

CONFIGFS_ATTR_RO(kthing_cfs_thing_, id);

static struct configfs_attribute *kthing_cfs_thing_attrs[] = {
	&kthing_cfs_thing_attr_live,
	&kthing_cfs_thing_attr_id,
	NULL
};

static struct config_item *kthing_cfs_channel_make(struct config_group *group,
						   const char *name)
{
	struct kthing_cfs_thing *t = to_cfs_thing(&group->cg_item);
	struct kthing_cfs_channel *ch;

	if (kthing_validate_name(name)) {
		pr_err("%s/%s: a channel name is 1 to %u bytes of [A-Za-z0-9_-]\n",
		       kthing_cfs_thing_name(t), name, KTHING_NAME_SIZE - 1);
		return ERR_PTR(-EINVAL);
	}
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->parent = t;
	strscpy(ch->desc.name, name, sizeof(ch->desc.name));
	ch->desc.type = KTHING_TYPE_INT;
	ch->desc.config.flags = KTHING_CONFIG_F_EVENTS;
	config_item_init_type_name(&ch->item, name, &kthing_cfs_channel_type);

	mutex_lock(&t->lock);
	if (t->thing) {
		mutex_unlock(&t->lock);
		pr_err("%s/%s: cannot add a channel to a live thing\n",
		       kthing_cfs_thing_name(t), name);
		config_item_put(&ch->item);
		return ERR_PTR(-EBUSY);
	}
	list_add_tail(&ch->node, &t->channels);
	mutex_unlock(&t->lock);
	return &ch->item;
}

/* A live thing's channels are pinned: configfs refuses their rmdir. */
static void kthing_cfs_channel_drop(struct config_group *group,
				    struct config_item *item)
{
	struct kthing_cfs_thing *t = to_cfs_thing(&group->cg_item);
	struct kthing_cfs_channel *ch = to_cfs_channel(item);

	mutex_lock(&t->lock);
	list_del(&ch->node);
	mutex_unlock(&t->lock);
	config_item_put(item);
}

static void kthing_cfs_thing_release(struct config_item *item)
{
	struct kthing_cfs_thing *t = to_cfs_thing(item);

	mutex_destroy(&t->lock);
	kfree(t);
}

static struct configfs_item_operations kthing_cfs_thing_item_ops = {
	.release = kthing_cfs_thing_release,
};

static struct configfs_group_operations kthing_cfs_thing_group_ops = {
	.make_item = kthing_cfs_channel_make,
	.drop_item = kthing_cfs_channel_drop,
};

static const struct config_item_type kthing_cfs_thing_type = {
	.ct_item_ops = &kthing_cfs_thing_item_ops,
	.ct_group_ops = &kthing_cfs_thing_group_ops,
	.ct_attrs = kthing_cfs_thing_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_group *kthing_cfs_thing_make(struct config_group *group,
						  const char *name)
{
	struct kthing_cfs_thing *t;

	if (kthing_validate_name(name)) {
		pr_err("%s: a thing name is 1 to %u bytes of [A-Za-z0-9_-]\n",
		       name, KTHING_NAME_SIZE - 1);
		return ERR_PTR(-EINVAL);
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	mutex_init(&t->lock);
	INIT_LIST_HEAD(&t->channels);
	config_group_init_type_name(&t->group, name, &kthing_cfs_thing_type);
	return &t->group;
}

/*
 * A live thing's pinned channel directories keep its own from being
 * removed; tear down anyway should that ever change.
 */
static void kthing_cfs_thing_drop(struct config_group *group,
				  struct config_item *item)
{
	struct kthing_cfs_thing *t = to_cfs_thing(item);

	mutex_lock(&t->lock);
	if (t->thing)
		kthing_cfs_tear_down(t);
	mutex_unlock(&t->lock);
	config_item_put(item);
}

static struct configfs_group_operations kthing_cfs_root_group_ops = {
	.make_group = kthing_cfs_thing_make,
	.drop_item = kthing_cfs_thing_drop,
};

static const struct config_item_type kthing_cfs_root_type = {
	.ct_group_ops = &kthing_cfs_root_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem kthing_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "kthing",
			.ci_type = &kthing_cfs_root_type,
		},
	},
};

/**
 * kthing_configfs_init() - register /sys/kernel/config/kthing
 *
 * Return: 0 or the error of configfs_register_subsystem().
 */
int kthing_configfs_init(void)
{
	config_group_init(&kthing_cfs_subsys.su_group);
	mutex_init(&kthing_cfs_subsys.su_mutex);
	return configfs_register_subsystem(&kthing_cfs_subsys);
}

/**
 * kthing_configfs_exit() - unregister /sys/kernel/config/kthing
 *
 * Every thing made there is gone: each directory holds a reference on the
 * module, so the module cannot be unloaded before they are removed.
 */
void kthing_configfs_exit(void)
{
	configfs_unregister_subsystem(&kthing_cfs_subsys);
}
