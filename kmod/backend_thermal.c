// SPDX-License-Identifier: GPL-2.0
/*
 * The thermal backend: a polled sensor reading a thermal zone's temperature,
 * in millidegrees Celsius, scaled to the channel's exponent.
 *
 * thermal_zone_get_zone_by_name() returns a zone without taking a reference,
 * and nothing tells a consumer that a zone is being unregistered. So the
 * zone is not kept between reads: every read looks it up by type again and
 * holds a reference to the zone's device for as long as it reads.
 *
 *  - A zone removed between reads is simply not found: the read fails with
 *    -ENODEV, which the core announces as a fault; a zone registered again
 *    under the same type is found again.
 *  - A zone removed while it is read stays in memory until the reference is
 *    dropped. Newer kernels (6.12 does) make thermal_zone_device_unregister()
 *    wait for that reference, so the provider's callback cannot run after
 *    its removal. 6.1 does not wait: a read then in progress can still be
 *    inside the provider's callback when the provider frees its data; once
 *    the zone is unregistered, reads fail with -ENODEV under the zone's lock.
 *  - What remains is the instant between the lookup returning and the
 *    reference being taken, a few instructions that the public thermal API
 *    does not let a consumer close: the same exposure every in-kernel user
 *    of thermal_zone_get_zone_by_name() has, for far less time than those
 *    that keep the pointer.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/thermal.h>

#include "backend.h"

/* The thermal core reports millidegrees Celsius. */
#define KTHING_THERMAL_EXPONENT	(-3)

/* The zone's device: opaque since 6.4, with an accessor (probed by Kbuild). */
static struct device *kthing_thermal_device(struct thermal_zone_device *tz)
{
#ifdef KTHING_HAVE_THERMAL_ZONE_DEVICE
	return thermal_zone_device(tz);
#else
	return &tz->device;
#endif
}

static int kthing_thermal_get_temp(const char *type, int *temp)
{
	struct thermal_zone_device *tz;
	struct device *dev;
	int ret;

	tz = thermal_zone_get_zone_by_name(type);
	if (IS_ERR(tz))
		return PTR_ERR(tz);

	dev = get_device(kthing_thermal_device(tz));
	ret = thermal_zone_get_temp(tz, temp);
	put_device(dev);

	return ret;
}

static int kthing_thermal_bind(struct kthing_channel *ch)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	struct thermal_zone_device *tz;

	tz = thermal_zone_get_zone_by_name(desc->thermal_zone);
	if (PTR_ERR_OR_ZERO(tz) == -EEXIST) {
		pr_err("%s: several thermal zones have type \"%s\"\n",
		       kthing_channel_label(ch), desc->thermal_zone);
		return -EINVAL;
	}
	if (IS_ERR(tz)) {
		pr_err("%s: no thermal zone of type \"%s\"\n",
		       kthing_channel_label(ch), desc->thermal_zone);
		return -ENODEV;
	}
	/* Nothing to keep: every read looks the zone up again. */
	return 0;
}

static void kthing_thermal_unbind(struct kthing_channel *ch)
{
}

static int kthing_thermal_read(struct kthing_channel *ch, s64 *value)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	int temp, ret;

	ret = kthing_thermal_get_temp(desc->thermal_zone, &temp);
	if (ret)
		return ret == -EEXIST ? -EINVAL : ret;

	*value = kthing_scale(temp, KTHING_THERMAL_EXPONENT, desc->exponent);
	return 0;
}

const struct kthing_backend_ops kthing_backend_thermal = {
	.id = KTHING_BACKEND_THERMAL,
	.name = "thermal",
	.polled = true,
	.bind = kthing_thermal_bind,
	.unbind = kthing_thermal_unbind,
	.read = kthing_thermal_read,
};
