// SPDX-License-Identifier: GPL-2.0
/*
 * The IIO backend: a polled sensor reading one channel of an IIO device,
 * through the IIO consumer API.
 *
 * IIO consumers are usually bound by device tree or by maps the provider
 * registers, and both name the provider's channel by its datasheet name,
 * which many drivers do not set. A channel here is named as sysfs names it:
 * a device by name or label, a channel type ("temp", "pressure", ...) and
 * which channel of that type. The backend finds the device on the IIO bus,
 * holds a reference to it, and reads through a struct iio_channel of its
 * own, exactly as iio_channel_get() would have filled it in. Once the
 * provider is unregistered, reads fail with -ENODEV (the IIO core checks
 * under its own lock, before it looks at the channel), which the core
 * announces as a fault; the provider's module may be gone by then.
 *
 * Values are converted from IIO's units for the channel type to the unit
 * named by the table below (degrees Celsius, percent, pascal, volt, ...),
 * then to the channel's decimal exponent.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/iio/consumer.h>
#include <linux/iio/iio.h>
#include <linux/iio/types.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/units.h>

#include "backend.h"

/**
 * struct kthing_iio_type - an IIO channel type kthing can read
 * @name: its name in sysfs attribute names
 * @type: enum iio_chan_type
 * @exponent: IIO's unit for it, as a power of ten of the unit kthing uses
 *	(IIO reports pressure in kPa: 3, for pascal; temperature in m°C: -3)
 */
struct kthing_iio_type {
	const char *name;
	enum iio_chan_type type;
	int exponent;
};

/* Units from Documentation/ABI/testing/sysfs-bus-iio. */
static const struct kthing_iio_type kthing_iio_types[] = {
	{ "voltage", IIO_VOLTAGE, -3 },			/* mV */
	{ "current", IIO_CURRENT, -3 },			/* mA */
	{ "power", IIO_POWER, -3 },			/* mW */
	{ "accel", IIO_ACCEL, 0 },			/* m/s^2 */
	{ "anglvel", IIO_ANGL_VEL, 0 },			/* rad/s */
	{ "magn", IIO_MAGN, 0 },			/* Gauss */
	{ "illuminance", IIO_LIGHT, 0 },		/* lux */
	{ "intensity", IIO_INTENSITY, 0 },
	{ "proximity", IIO_PROXIMITY, 0 },
	{ "temp", IIO_TEMP, -3 },			/* m°C */
	{ "incli", IIO_INCLI, 0 },
	{ "rot", IIO_ROT, 0 },
	{ "angl", IIO_ANGL, 0 },			/* rad */
	{ "capacitance", IIO_CAPACITANCE, -9 },		/* nF */
	{ "altvoltage", IIO_ALTVOLTAGE, -3 },		/* mV */
	{ "cct", IIO_CCT, 0 },				/* K */
	{ "pressure", IIO_PRESSURE, 3 },		/* kPa */
	{ "humidityrelative", IIO_HUMIDITYRELATIVE, -3 },	/* m%RH */
	{ "activity", IIO_ACTIVITY, 0 },		/* % */
	{ "steps", IIO_STEPS, 0 },
	{ "energy", IIO_ENERGY, 0 },			/* J */
	{ "distance", IIO_DISTANCE, 0 },		/* m */
	{ "velocity", IIO_VELOCITY, 0 },		/* m/s */
	{ "concentration", IIO_CONCENTRATION, 0 },	/* % */
	{ "resistance", IIO_RESISTANCE, 0 },		/* ohm */
	{ "ph", IIO_PH, 0 },
	{ "uvindex", IIO_UVINDEX, 0 },
	{ "electricalconductivity", IIO_ELECTRICALCONDUCTIVITY, 0 }, /* S/m */
	{ "count", IIO_COUNT, 0 },
	{ "index", IIO_INDEX, 0 },
	{ "gravity", IIO_GRAVITY, 0 },			/* m/s^2 */
	{ "positionrelative", IIO_POSITIONRELATIVE, -3 },	/* m% */
	{ "phase", IIO_PHASE, 0 },			/* rad */
	{ "massconcentration", IIO_MASSCONCENTRATION, 0 },	/* ug/m^3 */
};

/* Raw channels are scaled in IIO with at most this many extra digits. */
#define KTHING_IIO_MAX_EXTRA_DIGITS	3

/**
 * struct kthing_iio - a channel bound to an IIO channel
 * @chan: the provider's device (a reference is held) and channel; the
 *	channel's description belongs to the provider's driver, so only the
 *	IIO core touches it after binding, and only while the device is there
 * @exponent: IIO's unit as a power of ten of kthing's (struct kthing_iio_type)
 * @processed: the channel has a processed value; otherwise a raw one
 */
struct kthing_iio {
	struct iio_channel chan;
	int exponent;
	bool processed;
};

static const struct kthing_iio_type *kthing_iio_find_type(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kthing_iio_types); i++)
		if (!strcmp(kthing_iio_types[i].name, name))
			return &kthing_iio_types[i];
	return NULL;
}

/* Triggers share the IIO bus; devices are "iio:deviceN" (sysfs ABI). */
static bool kthing_iio_is_device(struct device *dev)
{
	return !strncmp(dev_name(dev), "iio:device", strlen("iio:device"));
}

static int kthing_iio_match_label(struct device *dev, const void *data)
{
	struct iio_dev *indio_dev;

	if (!kthing_iio_is_device(dev))
		return 0;
	indio_dev = dev_to_iio_dev(dev);
	return indio_dev->label && !strcmp(indio_dev->label, data);
}

static int kthing_iio_match_name(struct device *dev, const void *data)
{
	struct iio_dev *indio_dev;

	if (!kthing_iio_is_device(dev))
		return 0;
	indio_dev = dev_to_iio_dev(dev);
	return indio_dev->name && !strcmp(indio_dev->name, data);
}

/*
 * The device labelled @name, else the one device named @name, with a
 * reference; @who names the channel in messages. Labels are meant to be
 * unique, names need not be.
 */
static struct iio_dev *kthing_iio_find_device(const char *who,
					      const char *name)
{
	struct device *dev, *other;

	dev = bus_find_device(&iio_bus_type, NULL, name,
			      kthing_iio_match_label);
	if (dev)
		return dev_to_iio_dev(dev);

	dev = bus_find_device(&iio_bus_type, NULL, name,
			      kthing_iio_match_name);
	if (!dev) {
		pr_err("%s: no IIO device named or labelled \"%s\"\n", who,
		       name);
		return ERR_PTR(-ENODEV);
	}

	other = bus_find_device(&iio_bus_type, dev, name,
				kthing_iio_match_name);
	if (other) {
		pr_err("%s: IIO devices %s and %s are both named \"%s\"; name one by its label\n",
		       who, dev_name(dev), dev_name(other), name);
		put_device(other);
		put_device(dev);
		return ERR_PTR(-EINVAL);
	}

	return dev_to_iio_dev(dev);
}

/* The @index-th input channel of @type that can be read as a value. */
static const struct iio_chan_spec *
kthing_iio_find_channel(struct iio_dev *indio_dev, enum iio_chan_type type,
			u32 index)
{
	const struct iio_chan_spec *chan;
	int i;

	for (i = 0; i < indio_dev->num_channels; i++) {
		chan = &indio_dev->channels[i];
		if (chan->type != type || chan->output)
			continue;
		if (!iio_channel_has_info(chan, IIO_CHAN_INFO_PROCESSED) &&
		    !iio_channel_has_info(chan, IIO_CHAN_INFO_RAW))
			continue;
		if (!index--)
			return chan;
	}
	return NULL;
}

static int kthing_iio_bind(struct kthing_channel *ch)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	const char *label = kthing_channel_label(ch);
	const struct kthing_iio_type *type;
	const struct iio_chan_spec *spec;
	struct iio_dev *indio_dev;
	struct kthing_iio *iio;
	int ret;

	type = kthing_iio_find_type(desc->iio_channel);
	if (!type) {
		pr_err("%s: unknown IIO channel type \"%s\"\n", label,
		       desc->iio_channel);
		return -ENODEV;
	}

	indio_dev = kthing_iio_find_device(label, desc->iio_device);
	if (IS_ERR(indio_dev))
		return PTR_ERR(indio_dev);

	spec = kthing_iio_find_channel(indio_dev, type->type, desc->iio_index);
	if (!spec) {
		pr_err("%s: IIO device \"%s\" has no readable %s channel %u\n",
		       label, desc->iio_device, type->name, desc->iio_index);
		ret = -ENODEV;
		goto err_put_device;
	}

	iio = kzalloc(sizeof(*iio), GFP_KERNEL);
	if (!iio) {
		ret = -ENOMEM;
		goto err_put_device;
	}
	iio->chan.indio_dev = indio_dev;
	iio->chan.channel = spec;
	iio->exponent = type->exponent;
	iio->processed = iio_channel_has_info(spec, IIO_CHAN_INFO_PROCESSED);
	kthing_channel_set_priv(ch, iio);
	return 0;

err_put_device:
	iio_device_put(indio_dev);
	return ret;
}

static void kthing_iio_unbind(struct kthing_channel *ch)
{
	struct kthing_iio *iio = kthing_channel_priv(ch);

	iio_device_put(iio->chan.indio_dev);
	kfree(iio);
	kthing_channel_set_priv(ch, NULL);
}

/*
 * A processed value as IIO returns it (@val, @val2 of @type) into a plain
 * integer worth 10^*@exponent of IIO's unit, keeping the fraction digits
 * that iio_read_channel_processed() would drop.
 */
static int kthing_iio_fixed(int type, int val, int val2, s64 *value,
			    int *exponent)
{
	s64 magnitude;

	switch (type) {
	case IIO_VAL_INT:
		*value = val;
		*exponent = 0;
		return 0;
	case IIO_VAL_INT_PLUS_MICRO:
	case IIO_VAL_INT_PLUS_NANO:
		/* The sign is on whichever part is not zero, or on both. */
		*exponent = type == IIO_VAL_INT_PLUS_MICRO ? -6 : -9;
		magnitude = abs((s64)val) *
			    (type == IIO_VAL_INT_PLUS_MICRO ? MICRO : NANO) +
			    abs((s64)val2);
		*value = val < 0 || val2 < 0 ? -magnitude : magnitude;
		return 0;
	case IIO_VAL_FRACTIONAL:
		if (!val2)
			return -EINVAL;
		*value = div_s64((s64)val * NANO, val2);
		*exponent = -9;
		return 0;
	case IIO_VAL_FRACTIONAL_LOG2:
		if (val2 < 0 || val2 > 31)
			return -EINVAL;
		*value = div64_s64((s64)val * NANO, 1LL << val2);
		*exponent = -9;
		return 0;
	default:
		return -EINVAL;
	}
}

static int kthing_iio_read(struct kthing_channel *ch, s64 *value)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	struct kthing_iio *iio = kthing_channel_priv(ch);
	int val, val2, exponent, digits, ret;
	s64 fixed;

	if (iio->processed) {
		ret = iio_read_channel_attribute(&iio->chan, &val, &val2,
						 IIO_CHAN_INFO_PROCESSED);
		if (ret < 0)
			return ret;
		ret = kthing_iio_fixed(ret, val, val2, &fixed, &exponent);
		if (ret)
			return ret;
		*value = kthing_scale(fixed, exponent + iio->exponent,
				      desc->exponent);
		return 0;
	}

	/* Raw: IIO applies offset and scale, with as many digits as needed. */
	digits = clamp(iio->exponent - desc->exponent, 0,
		       KTHING_IIO_MAX_EXTRA_DIGITS);
	ret = iio_read_channel_processed_scale(&iio->chan, &val,
					       int_pow(10, digits));
	if (ret < 0)
		return ret;
	*value = kthing_scale(val, iio->exponent - digits, desc->exponent);
	return 0;
}

const struct kthing_backend_ops kthing_backend_iio = {
	.id = KTHING_BACKEND_IIO,
	.name = "iio",
	.polled = true,
	.bind = kthing_iio_bind,
	.unbind = kthing_iio_unbind,
	.read = kthing_iio_read,
};
