// SPDX-License-Identifier: GPL-2.0
/*
 * kthing: a device's sensors and actuators as character devices, with
 * generic netlink events. Module set-up and tear-down.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "kthing.h"

static int __init kthing_init(void)
{
	int ret;

	ret = kthing_sampling_init();
	if (ret)
		return ret;
	ret = kthing_chardev_init();
	if (ret)
		goto err_sampling_exit;
	ret = kthing_netlink_init();
	if (ret)
		goto err_chardev_exit;
	ret = kthing_configfs_init();
	if (ret)
		goto err_netlink_exit;
	ret = kthing_fwnode_init();
	if (ret)
		goto err_configfs_exit;
	return 0;

err_configfs_exit:
	kthing_configfs_exit();
err_netlink_exit:
	kthing_netlink_exit();
err_chardev_exit:
	kthing_chardev_exit();
err_sampling_exit:
	kthing_sampling_exit();
	return ret;
}
module_init(kthing_init);

/*
 * Things from platform devices are torn down when the driver goes away;
 * things made in configfs hold a module reference through their directory,
 * so none can be live here.
 */
static void __exit kthing_exit(void)
{
	kthing_fwnode_exit();
	kthing_configfs_exit();
	WARN_ON(!list_empty(&kthing_list));
	kthing_netlink_exit();
	kthing_chardev_exit();
	kthing_sampling_exit();
}
module_exit(kthing_exit);

MODULE_DESCRIPTION("Sensors and actuators as things: character devices and generic netlink events");
MODULE_AUTHOR("The kthing authors");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(KTHING_GENL_NAME);
