// SPDX-License-Identifier: GPL-2.0
/*
 * kthing_sim: simulated hardware for kthing.
 *
 * Loading the module registers one platform device, "kthing-sim", and binds
 * it: a GPIO chip with interrupts, an IIO environmental sensor and a thermal
 * zone appear, registered through the same provider APIs a board's drivers
 * use, so kthing binds to them exactly as it would on real hardware. Tests
 * drive and observe them through debugfs (docs/sim.md). Unloading removes
 * everything in the reverse order, through devres.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "sim.h"

static int __init kthing_sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct kthing_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->dev = dev;
	kthing_sim_env_init(&sim->env);

	ret = kthing_sim_gpio_register(sim);
	if (ret)
		return ret;

	ret = kthing_sim_iio_register(sim);
	if (ret)
		return ret;

	ret = kthing_sim_thermal_register(sim);
	if (ret)
		return ret;

	/* Last, so that it goes first: nothing drives hardware being removed. */
	return kthing_sim_debugfs_register(sim);
}

/*
 * Bound once, at load, through platform_create_bundle(); no bind or unbind
 * through sysfs, so the hardware lives exactly as long as the module.
 */
static struct platform_driver kthing_sim_driver = {
	.driver = {
		.name = KTHING_SIM_NAME,
	},
};

static struct platform_device *kthing_sim_pdev;

static int __init kthing_sim_init(void)
{
	kthing_sim_pdev = platform_create_bundle(&kthing_sim_driver,
						 kthing_sim_probe, NULL, 0,
						 NULL, 0);
	return PTR_ERR_OR_ZERO(kthing_sim_pdev);
}
module_init(kthing_sim_init);

static void __exit kthing_sim_exit(void)
{
	platform_device_unregister(kthing_sim_pdev);
	platform_driver_unregister(&kthing_sim_driver);
}
module_exit(kthing_sim_exit);

MODULE_DESCRIPTION("Simulated GPIO, IIO and thermal hardware for kthing");
MODULE_LICENSE("GPL");
