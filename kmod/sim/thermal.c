// SPDX-License-Identifier: GPL-2.0
/*
 * kthing_sim's thermal zone, type "kthing-sim": a temperature sensor with
 * no trip points, read on demand (the thermal core does not poll it).
 */

#include <linux/device.h>
#include <linux/thermal.h>

#include "sim.h"

/*
 * The thermal zone API changed between 6.1 and 6.12: the zone became opaque
 * (thermal_zone_device_priv()), zones without trips got their own
 * registration call. Kbuild probes the headers for both.
 */
#ifdef KTHING_HAVE_THERMAL_ZONE_DEVICE_PRIV
#define kthing_sim_thermal_priv(tz)	thermal_zone_device_priv(tz)
#else
#define kthing_sim_thermal_priv(tz)	((tz)->devdata)
#endif

static int kthing_sim_thermal_get_temp(struct thermal_zone_device *tz,
				       int *temp)
{
	struct kthing_sim *sim = kthing_sim_thermal_priv(tz);

	return kthing_sim_env_read(&sim->env, KTHING_SIM_THERMAL, temp);
}

/* Not const: 6.1 takes both of these through mutable pointers. */
static struct thermal_zone_device_ops kthing_sim_thermal_ops = {
	.get_temp = kthing_sim_thermal_get_temp,
};

/* No hwmon twin: the zone is only for thermal consumers and tests. */
static struct thermal_zone_params kthing_sim_thermal_params = {
	.no_hwmon = true,
};

static struct thermal_zone_device *kthing_sim_thermal_zone_register(void *data)
{
#ifdef KTHING_HAVE_THERMAL_TRIPLESS_ZONE
	return thermal_tripless_zone_device_register(KTHING_SIM_NAME, data,
						     &kthing_sim_thermal_ops,
						     &kthing_sim_thermal_params);
#else
	return thermal_zone_device_register(KTHING_SIM_NAME, 0, 0, data,
					    &kthing_sim_thermal_ops,
					    &kthing_sim_thermal_params, 0, 0);
#endif
}

static void kthing_sim_thermal_unregister(void *data)
{
	thermal_zone_device_unregister(data);
}

/**
 * kthing_sim_thermal_register() - register the thermal zone
 * @sim: the simulated board
 *
 * Return: 0 or a negative errno. Undone by devres.
 */
int kthing_sim_thermal_register(struct kthing_sim *sim)
{
	struct thermal_zone_device *tz;
	int ret;

	tz = kthing_sim_thermal_zone_register(sim);
	if (IS_ERR(tz))
		return dev_err_probe(sim->dev, PTR_ERR(tz),
				     "cannot register thermal zone\n");

	ret = devm_add_action_or_reset(sim->dev, kthing_sim_thermal_unregister,
				       tz);
	if (ret)
		return ret;

	ret = thermal_zone_device_enable(tz);
	if (ret)
		return dev_err_probe(sim->dev, ret,
				     "cannot enable thermal zone\n");

	return 0;
}
