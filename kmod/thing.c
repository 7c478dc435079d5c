// SPDX-License-Identifier: GPL-2.0
/*
 * Things and channels: validation, binding to backends, going live and
 * tearing down, and the registry of live things.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kthing.h"

/* Protects kthing_list and kthing_generation. */
DEFINE_MUTEX(kthing_list_lock);
/* Live things, sorted by id. */
LIST_HEAD(kthing_list);
/* Bumped whenever a thing joins or leaves kthing_list (dump consistency). */
unsigned long kthing_generation = 1;

static DEFINE_IDA(kthing_ida);

static const struct kthing_backend_ops *const kthing_backends[] = {
	&kthing_backend_virtual,
	&kthing_backend_gpio,
	&kthing_backend_iio,
	&kthing_backend_thermal,
};

/**
 * kthing_backend_by_id() - find a backend by its enum kthing_backend value
 * @id: the backend's id
 *
 * Return: the backend's operations, or NULL if there is no such backend.
 */
const struct kthing_backend_ops *kthing_backend_by_id(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kthing_backends); i++)
		if (kthing_backends[i]->id == id)
			return kthing_backends[i];
	return NULL;
}

/**
 * kthing_backend_by_name() - find a backend by its configfs name
 * @name: "virtual", "gpio", "iio" or "thermal"
 *
 * Return: the backend's operations, or NULL if there is no such backend.
 */
const struct kthing_backend_ops *kthing_backend_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kthing_backends); i++)
		if (sysfs_streq(kthing_backends[i]->name, name))
			return kthing_backends[i];
	return NULL;
}

static const char *const kthing_kind_names[] = {
	[KTHING_KIND_SENSOR] = "sensor",
	[KTHING_KIND_ACTUATOR] = "actuator",
};

static const char *const kthing_type_names[] = {
	[KTHING_TYPE_BOOL] = "bool",
	[KTHING_TYPE_INT] = "int",
};

/**
 * kthing_kind_name() - the name of an enum kthing_channel_kind value
 * @kind: the kind
 *
 * Return: "sensor", "actuator", or "" for anything else.
 */
const char *kthing_kind_name(u32 kind)
{
	return kind < ARRAY_SIZE(kthing_kind_names) && kthing_kind_names[kind] ?
		kthing_kind_names[kind] : "";
}

/**
 * kthing_type_name() - the name of an enum kthing_value_type value
 * @type: the type
 *
 * Return: "bool", "int", or "" for anything else.
 */
const char *kthing_type_name(u32 type)
{
	return type < ARRAY_SIZE(kthing_type_names) && kthing_type_names[type] ?
		kthing_type_names[type] : "";
}

static int kthing_parse(const char *const *names, unsigned int num,
			const char *name, u32 *value)
{
	unsigned int i;

	for (i = 0; i < num; i++) {
		if (names[i] && sysfs_streq(names[i], name)) {
			*value = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * kthing_parse_kind() - parse "sensor" or "actuator"
 * @name: the name, a trailing newline allowed
 * @kind: set to the enum kthing_channel_kind value
 *
 * Return: 0 or -EINVAL.
 */
int kthing_parse_kind(const char *name, u32 *kind)
{
	return kthing_parse(kthing_kind_names, ARRAY_SIZE(kthing_kind_names),
			    name, kind);
}

/**
 * kthing_parse_type() - parse "bool" or "int"
 * @name: the name, a trailing newline allowed
 * @type: set to the enum kthing_value_type value
 *
 * Return: 0 or -EINVAL.
 */
int kthing_parse_type(const char *name, u32 *type)
{
	return kthing_parse(kthing_type_names, ARRAY_SIZE(kthing_type_names),
			    name, type);
}

/**
 * kthing_validate_name() - check a thing or channel name
 * @name: the name
 *
 * Return: 0 if @name is 1 to KTHING_NAME_SIZE - 1 bytes of [A-Za-z0-9_-],
 * -EINVAL otherwise.
 */
int kthing_validate_name(const char *name)
{
	size_t len = strnlen(name, KTHING_NAME_SIZE);
	size_t i;

	if (len == 0 || len >= KTHING_NAME_SIZE)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && name[i] != '_' && name[i] != '-')
			return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_validate_name);

/**
 * kthing_text_printable() - check a unit or resource name for control bytes
 * @text: the text, not necessarily NUL-terminated
 * @len: its length
 *
 * Units and resource names end up in line-oriented output (configfs,
 * sysfs, kernel messages, the tools' text), where a newline or another
 * control character would forge or break lines. Bytes of 0x80 and above
 * are allowed: a unit may be UTF-8 ("\u00b0C").
 *
 * Return: true if @text has no byte below 0x20 and no DEL.
 */
bool kthing_text_printable(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_text_printable);

static bool kthing_period_valid(u32 ms, u32 lowest)
{
	return ms >= lowest && ms <= 86400000;
}

/**
 * kthing_validate_config() - check a channel configuration
 * @desc: the channel it is for
 * @config: the configuration (@config->index is not checked)
 * @why: set to the problem when the configuration is refused
 *
 * Return: 0, or -EINVAL with @why set.
 */
int kthing_validate_config(const struct kthing_channel_desc *desc,
			   const struct kthing_channel_config *config,
			   const char **why)
{
	const struct kthing_backend_ops *ops = kthing_backend_by_id(desc->backend);

	if (config->flags & ~KTHING_CONFIG_F_ALL) {
		*why = "unknown configuration flags";
		return -EINVAL;
	}
	if (ops && ops->polled) {
		if (!kthing_period_valid(config->sample_period_ms, 10)) {
			*why = "sample_period_ms not within 10 .. 86400000";
			return -EINVAL;
		}
	} else if (config->sample_period_ms) {
		*why = "sample_period_ms set on a channel that is not polled";
		return -EINVAL;
	}
	if (config->report_interval_ms &&
	    !kthing_period_valid(config->report_interval_ms, 100)) {
		*why = "report_interval_ms neither 0 nor within 100 .. 86400000";
		return -EINVAL;
	}
	if (config->deadband < 0) {
		*why = "deadband is negative";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_validate_config);

/* A NUL-terminated field of @size bytes has no control characters. */
static bool kthing_field_printable(const char *field, size_t size)
{
	return kthing_text_printable(field, strnlen(field, size));
}

static bool kthing_resource_named(const struct kthing_channel_desc *desc)
{
	switch (desc->backend) {
	case KTHING_BACKEND_GPIO:
		return desc->gpio_chip[0];
	case KTHING_BACKEND_IIO:
		return desc->iio_device[0] && desc->iio_channel[0];
	case KTHING_BACKEND_THERMAL:
		return desc->thermal_zone[0];
	default:
		return true;
	}
}

/* Checks one channel alone; returns -EINVAL with @why set if it is invalid. */
static int kthing_validate_channel(const struct kthing_channel_desc *desc,
				   const char **why)
{
	if (kthing_validate_name(desc->name)) {
		*why = "invalid channel name";
		return -EINVAL;
	}
	if (desc->kind != KTHING_KIND_SENSOR &&
	    desc->kind != KTHING_KIND_ACTUATOR) {
		*why = "no kind (sensor or actuator)";
		return -EINVAL;
	}
	if (!kthing_backend_by_id(desc->backend)) {
		*why = "no backend";
		return -EINVAL;
	}
	if (desc->type != KTHING_TYPE_BOOL && desc->type != KTHING_TYPE_INT) {
		*why = "no type (bool or int)";
		return -EINVAL;
	}
	if (desc->exponent < -9 || desc->exponent > 9) {
		*why = "exponent not within -9 .. 9";
		return -EINVAL;
	}
	if (desc->type == KTHING_TYPE_BOOL &&
	    (desc->min != 0 || desc->max != 1 || desc->exponent != 0)) {
		*why = "a bool channel needs min 0, max 1 and exponent 0";
		return -EINVAL;
	}
	if (desc->min > desc->max) {
		*why = "min is greater than max";
		return -EINVAL;
	}
	if (desc->has_initial &&
	    (desc->initial < desc->min || desc->initial > desc->max)) {
		*why = "initial is outside min .. max";
		return -EINVAL;
	}
	if (desc->has_initial && desc->kind != KTHING_KIND_ACTUATOR) {
		*why = "initial is set on a sensor";
		return -EINVAL;
	}
	if ((desc->backend == KTHING_BACKEND_VIRTUAL &&
	     desc->kind != KTHING_KIND_ACTUATOR) ||
	    ((desc->backend == KTHING_BACKEND_IIO ||
	      desc->backend == KTHING_BACKEND_THERMAL) &&
	     desc->kind != KTHING_KIND_SENSOR)) {
		*why = desc->kind == KTHING_KIND_SENSOR ?
			"the backend cannot be a sensor" :
			"the backend cannot be an actuator";
		return -EINVAL;
	}
	if (desc->backend == KTHING_BACKEND_GPIO &&
	    desc->type != KTHING_TYPE_BOOL) {
		*why = "a gpio channel must be of type bool";
		return -EINVAL;
	}
	if (!kthing_resource_named(desc)) {
		*why = "the backend's resource is not named";
		return -EINVAL;
	}
	if (!kthing_field_printable(desc->unit, sizeof(desc->unit))) {
		*why = "the unit has control characters";
		return -EINVAL;
	}
	if (!kthing_field_printable(desc->gpio_chip, sizeof(desc->gpio_chip)) ||
	    !kthing_field_printable(desc->iio_device, sizeof(desc->iio_device)) ||
	    !kthing_field_printable(desc->iio_channel,
				    sizeof(desc->iio_channel)) ||
	    !kthing_field_printable(desc->thermal_zone,
				    sizeof(desc->thermal_zone))) {
		*why = "a resource name has control characters";
		return -EINVAL;
	}
	return kthing_validate_config(desc, &desc->config, why);
}

static int kthing_validate(const char *name,
			   const struct kthing_channel_desc *descs,
			   unsigned int num)
{
	const char *why = NULL;
	unsigned int i, j;
	int ret;

	if (kthing_validate_name(name)) {
		pr_err("%.*s: invalid thing name\n", KTHING_NAME_SIZE - 1, name);
		return -EINVAL;
	}
	if (num == 0 || num > KTHING_CHANNELS_MAX) {
		pr_err("%s: has %u channels, needs 1 .. %u\n", name, num,
		       KTHING_CHANNELS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < num; i++) {
		ret = kthing_validate_channel(&descs[i], &why);
		if (ret) {
			pr_err("%s/%.*s: %s\n", name, KTHING_NAME_SIZE - 1,
			       descs[i].name, why);
			return ret;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(descs[i].name, descs[j].name)) {
				pr_err("%s/%s: duplicate channel name\n", name,
				       descs[i].name);
				return -EEXIST;
			}
		}
	}
	return 0;
}

/* Called with kthing_list_lock held. */
static struct kthing *kthing_find_by_name(const char *name)
{
	struct kthing *thing;

	lockdep_assert_held(&kthing_list_lock);
	list_for_each_entry(thing, &kthing_list, node)
		if (!strcmp(thing->name, name))
			return thing;
	return NULL;
}

/* Insert @thing into kthing_list, keeping it sorted by id. */
static int kthing_publish(struct kthing *thing)
{
	struct kthing *pos;

	mutex_lock(&kthing_list_lock);
	if (kthing_find_by_name(thing->name)) {
		mutex_unlock(&kthing_list_lock);
		pr_err("%s: a thing of that name is already live\n",
		       thing->name);
		return -EEXIST;
	}
	list_for_each_entry(pos, &kthing_list, node)
		if (pos->id > thing->id)
			break;
	list_add_tail(&thing->node, &pos->node);
	kthing_generation++;
	mutex_unlock(&kthing_list_lock);
	return 0;
}

static void kthing_unpublish(struct kthing *thing)
{
	mutex_lock(&kthing_list_lock);
	list_del_init(&thing->node);
	kthing_generation++;
	mutex_unlock(&kthing_list_lock);
}

static void kthing_release(struct kref *ref)
{
	struct kthing *thing = container_of(ref, struct kthing, ref);
	unsigned int i;

	for (i = 0; i < thing->num_channels; i++)
		mutex_destroy(&thing->channels[i].lock);
	mutex_destroy(&thing->event_lock);
	put_device(thing->parent);
	kfree(thing);
}

/**
 * kthing_put() - drop a reference to a thing
 * @thing: the thing; freed with its last reference
 */
void kthing_put(struct kthing *thing)
{
	kref_put(&thing->ref, kthing_release);
}

/**
 * kthing_get_by_id() - look up a live thing by id
 * @id: the thing's id
 *
 * Return: the thing with a reference the caller drops with kthing_put(), or
 * NULL.
 */
struct kthing *kthing_get_by_id(u32 id)
{
	struct kthing *thing;

	mutex_lock(&kthing_list_lock);
	list_for_each_entry(thing, &kthing_list, node) {
		if (thing->id == id) {
			kref_get(&thing->ref);
			mutex_unlock(&kthing_list_lock);
			return thing;
		}
	}
	mutex_unlock(&kthing_list_lock);
	return NULL;
}

/**
 * kthing_get_by_name() - look up a live thing by name
 * @name: the thing's name
 *
 * Return: the thing with a reference the caller drops with kthing_put(), or
 * NULL.
 */
struct kthing *kthing_get_by_name(const char *name)
{
	struct kthing *thing;

	mutex_lock(&kthing_list_lock);
	thing = kthing_find_by_name(name);
	if (thing)
		kref_get(&thing->ref);
	mutex_unlock(&kthing_list_lock);
	return thing;
}

static void kthing_unbind(struct kthing *thing)
{
	unsigned int i;

	for (i = thing->num_channels; i-- > 0;) {
		struct kthing_channel *ch = &thing->channels[i];

		if (ch->bound)
			ch->ops->unbind(ch);
		ch->bound = false;
	}
}

static int kthing_bind(struct kthing *thing)
{
	unsigned int i;
	int ret;

	for (i = 0; i < thing->num_channels; i++) {
		struct kthing_channel *ch = &thing->channels[i];

		ret = ch->ops->bind(ch);
		if (ret)
			goto err_unbind;
		ch->bound = true;
	}
	return 0;

err_unbind:
	kthing_unbind(thing);
	return ret;
}

/*
 * Give every actuator its initial value, or learn the value it has, so
 * that reads and the first events are right from the start.
 */
static int kthing_init_values(struct kthing *thing)
{
	unsigned int i;
	int ret;

	for (i = 0; i < thing->num_channels; i++) {
		struct kthing_channel *ch = &thing->channels[i];
		s64 value;

		if (ch->desc.kind != KTHING_KIND_ACTUATOR)
			continue;
		if (ch->desc.has_initial) {
			ret = ch->ops->write(ch, ch->desc.initial);
			if (ret) {
				pr_err("%s: cannot apply the initial value: %d\n",
				       ch->label, ret);
				return ret;
			}
			value = ch->desc.initial;
		} else {
			ret = ch->ops->read(ch, &value);
			if (ret) {
				pr_err("%s: cannot read the initial value: %d\n",
				       ch->label, ret);
				return ret;
			}
		}
		ch->value = value;
		ch->timestamp_ns = ktime_get_ns();
		ch->stale = false;
	}
	return 0;
}

static void kthing_init_channel(struct kthing *thing, unsigned int index,
				const struct kthing_channel_desc *desc)
{
	struct kthing_channel *ch = &thing->channels[index];

	ch->thing = thing;
	ch->index = index;
	ch->desc = *desc;
	ch->desc.config.index = index;
	ch->ops = kthing_backend_by_id(desc->backend);
	snprintf(ch->label, sizeof(ch->label), "%s/%s", thing->name,
		 desc->name);
	mutex_init(&ch->lock);
	ch->stale = ch->ops->polled;
	kthing_channel_init_sampling(ch);
}

/**
 * kthing_create() - validate a thing, bind it to its hardware, make it live
 * @name: the thing's name
 * @descs: its channels, in index order
 * @num: number of entries of @descs
 * @parent: the device the thing comes from (referenced), or NULL
 *
 * Every problem is reported by one kernel message naming the thing, the
 * channel and the problem. On success /dev/kthingN exists, THING_ADDED has
 * been announced and polling has started.
 *
 * Context: process context; takes kthing_list_lock.
 * Return: the thing, which the caller tears down with kthing_remove(), or
 * an ERR_PTR(): -EINVAL for an invalid configuration, -EEXIST for a
 * duplicate name, -ENODEV or -EBUSY from a backend, -ENOSPC when
 * KTHING_MAX_THINGS things are live.
 */
struct kthing *kthing_create(const char *name,
			     const struct kthing_channel_desc *descs,
			     unsigned int num, struct device *parent)
{
	struct kthing *thing, *other;
	unsigned int i;
	int ret;

	ret = kthing_validate(name, descs, num);
	if (ret)
		return ERR_PTR(ret);

	other = kthing_get_by_name(name);
	if (other) {
		kthing_put(other);
		pr_err("%s: a thing of that name is already live\n", name);
		return ERR_PTR(-EEXIST);
	}

	thing = kzalloc(struct_size(thing, channels, num), GFP_KERNEL);
	if (!thing)
		return ERR_PTR(-ENOMEM);
	kref_init(&thing->ref);
	INIT_LIST_HEAD(&thing->node);
	strscpy(thing->name, name, sizeof(thing->name));
	thing->parent = get_device(parent);
	init_rwsem(&thing->live_sem);
	/* Dead until announced: nothing may use it half-made. */
	thing->dead = true;
	init_waitqueue_head(&thing->wait);
	mutex_init(&thing->event_lock);
	thing->num_channels = num;
	for (i = 0; i < num; i++)
		kthing_init_channel(thing, i, &descs[i]);

	ret = ida_alloc_max(&kthing_ida, KTHING_MAX_THINGS - 1, GFP_KERNEL);
	if (ret < 0) {
		pr_err("%s: no free id: %u things are live\n", name,
		       KTHING_MAX_THINGS);
		goto err_put;
	}
	thing->id = ret;

	ret = kthing_bind(thing);
	if (ret)
		goto err_free_id;

	ret = kthing_init_values(thing);
	if (ret)
		goto err_unbind;

	ret = kthing_publish(thing);
	if (ret)
		goto err_unbind;

	ret = kthing_chardev_add(thing);
	if (ret) {
		pr_err("%s: cannot create its character device: %d\n", name,
		       ret);
		goto err_unpublish;
	}

	down_write(&thing->live_sem);
	WRITE_ONCE(thing->dead, false);
	kthing_notify_thing(thing, KTHING_CMD_THING_ADDED);
	for (i = 0; i < num; i++) {
		struct kthing_channel *ch = &thing->channels[i];

		if (ch->desc.kind == KTHING_KIND_ACTUATOR &&
		    (ch->desc.config.flags & KTHING_CONFIG_F_EVENTS))
			kthing_notify_value(ch, KTHING_CMD_APPLIED, ch->value,
					    ch->timestamp_ns,
					    KTHING_SOURCE_HARDWARE);
	}
	up_write(&thing->live_sem);

	kthing_sampling_start(thing);
	return thing;

err_unpublish:
	kthing_unpublish(thing);
err_unbind:
	kthing_unbind(thing);
err_free_id:
	ida_free(&kthing_ida, thing->id);
err_put:
	kthing_put(thing);
	return ERR_PTR(ret);
}

/**
 * kthing_remove() - tear a live thing down
 * @thing: a thing returned by kthing_create()
 *
 * Lookups stop finding the thing, open descriptors get -ENODEV and
 * EPOLLHUP, polling stops, the channels are unbound from their hardware,
 * /dev/kthingN goes away and THING_REMOVED is announced. The memory lives
 * on until the last descriptor and netlink request let go of it.
 *
 * Context: process context; may sleep until running operations finish.
 */
void kthing_remove(struct kthing *thing)
{
	kthing_unpublish(thing);

	down_write(&thing->live_sem);
	WRITE_ONCE(thing->dead, true);
	up_write(&thing->live_sem);
	wake_up_poll(&thing->wait, EPOLLHUP | EPOLLERR);

	kthing_sampling_stop(thing);
	kthing_unbind(thing);
	kthing_chardev_remove(thing);
	kthing_notify_thing(thing, KTHING_CMD_THING_REMOVED);
	ida_free(&kthing_ida, thing->id);
	kthing_put(thing);
}

/**
 * kthing_channel_desc() - the configuration of a channel
 * @ch: the channel
 *
 * Return: the channel's description; valid while the channel is bound.
 */
const struct kthing_channel_desc *kthing_channel_desc(struct kthing_channel *ch)
{
	return &ch->desc;
}

/**
 * kthing_channel_label() - "thing/channel", for messages and labels
 * @ch: the channel
 *
 * Return: the label; valid while the channel is bound.
 */
const char *kthing_channel_label(struct kthing_channel *ch)
{
	return ch->label;
}

/**
 * kthing_channel_priv() - a backend's data for a channel
 * @ch: the channel
 *
 * Return: what the backend stored with kthing_channel_set_priv().
 */
void *kthing_channel_priv(struct kthing_channel *ch)
{
	return ch->priv;
}

/**
 * kthing_channel_set_priv() - store a backend's data for a channel
 * @ch: the channel
 * @priv: the data
 */
void kthing_channel_set_priv(struct kthing_channel *ch, void *priv)
{
	ch->priv = priv;
}

static const s64 kthing_pow10[] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

/**
 * kthing_scale() - convert a value between decimal exponents
 * @value: the value, worth @value * 10^@from_exponent
 * @from_exponent: the exponent @value is expressed in
 * @to_exponent: the exponent wanted
 *
 * Scaling down rounds to the nearest integer, halves away from zero.
 * Scaling up saturates at S64_MIN and S64_MAX.
 *
 * Return: @value expressed with @to_exponent.
 */
s64 kthing_scale(s64 value, int from_exponent, int to_exponent)
{
	int shift = from_exponent - to_exponent;
	s64 result, divisor, half;

	if (shift == 0 || value == 0)
		return value;
	if (shift > 0) {
		if ((unsigned int)shift >= ARRAY_SIZE(kthing_pow10) ||
		    check_mul_overflow(value, kthing_pow10[shift], &result))
			return value < 0 ? S64_MIN : S64_MAX;
		return result;
	}
	shift = -shift;
	if ((unsigned int)shift >= ARRAY_SIZE(kthing_pow10))
		return 0;
	divisor = kthing_pow10[shift];
	half = divisor / 2;
	/* Round halves away from zero without overflowing near the limits. */
	result = div64_s64(value, divisor);
	value -= result * divisor;
	if (value >= half)
		result++;
	else if (value <= -half)
		result--;
	return result;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_scale);
