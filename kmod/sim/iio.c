// SPDX-License-Identifier: GPL-2.0
/*
 * kthing_sim's IIO device "kthing-sim-env": an environmental sensor with
 * processed temperature, relative humidity and pressure channels, in the
 * units the IIO ABI gives them (millidegrees Celsius, milli percent,
 * kilopascal).
 */

#include <linux/device.h>
#include <linux/iio/iio.h>

#include "sim.h"

#define KTHING_SIM_IIO_CHANNEL(_type, _quantity, _name) {		\
	.type = (_type),						\
	.info_mask_separate = BIT(IIO_CHAN_INFO_PROCESSED),		\
	.address = (_quantity),						\
	.datasheet_name = (_name),					\
	.scan_index = -1,						\
}

static const struct iio_chan_spec kthing_sim_iio_channels[] = {
	KTHING_SIM_IIO_CHANNEL(IIO_TEMP, KTHING_SIM_TEMP, "temp"),
	KTHING_SIM_IIO_CHANNEL(IIO_HUMIDITYRELATIVE, KTHING_SIM_HUMIDITY,
			       "humidity"),
	KTHING_SIM_IIO_CHANNEL(IIO_PRESSURE, KTHING_SIM_PRESSURE, "pressure"),
};

static int kthing_sim_iio_read_raw(struct iio_dev *indio_dev,
				   const struct iio_chan_spec *chan,
				   int *val, int *val2, long mask)
{
	struct kthing_sim *sim = iio_device_get_drvdata(indio_dev);
	int value, ret;

	if (mask != IIO_CHAN_INFO_PROCESSED)
		return -EINVAL;

	ret = kthing_sim_env_read(&sim->env, chan->address, &value);
	if (ret)
		return ret;

	if (chan->address == KTHING_SIM_PRESSURE) {
		/* Micro kilopascal; IIO keeps the sign on the part not 0. */
		*val = value / 1000000;
		*val2 = value % 1000000;
		return IIO_VAL_INT_PLUS_MICRO;
	}

	*val = value;
	return IIO_VAL_INT;
}

static const struct iio_info kthing_sim_iio_info = {
	.read_raw = kthing_sim_iio_read_raw,
};

/**
 * kthing_sim_iio_register() - register the environmental sensor
 * @sim: the simulated board
 *
 * Return: 0 or a negative errno. Undone by devres.
 */
int kthing_sim_iio_register(struct kthing_sim *sim)
{
	struct iio_dev *indio_dev;
	int ret;

	indio_dev = devm_iio_device_alloc(sim->dev, 0);
	if (!indio_dev)
		return -ENOMEM;

	iio_device_set_drvdata(indio_dev, sim);
	indio_dev->name = KTHING_SIM_IIO_NAME;
	indio_dev->info = &kthing_sim_iio_info;
	indio_dev->modes = INDIO_DIRECT_MODE;
	indio_dev->channels = kthing_sim_iio_channels;
	indio_dev->num_channels = ARRAY_SIZE(kthing_sim_iio_channels);

	ret = devm_iio_device_register(sim->dev, indio_dev);
	if (ret)
		return dev_err_probe(sim->dev, ret,
				     "cannot register IIO device\n");

	return 0;
}
