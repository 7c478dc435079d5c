// SPDX-License-Identifier: GPL-2.0
/*
 * Platform devices described by software nodes, the way a board's device
 * tree describes things (docs/devicetree.md), so that the in-VM tests run
 * kthing's firmware-node parsing: "fwthing", a valid thing of two virtual
 * actuators, and "fwbad", whose channel has min > max.
 */

#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>

static const struct property_entry kthing_fwtest_thing_props[] = {
	PROPERTY_ENTRY_STRING("label", "fwthing"),
	{ }
};

static const struct property_entry kthing_fwtest_level_props[] = {
	PROPERTY_ENTRY_STRING("kind", "actuator"),
	PROPERTY_ENTRY_STRING("backend", "virtual"),
	PROPERTY_ENTRY_STRING("unit", "pct"),
	PROPERTY_ENTRY_U32("exponent", (u32)-1),
	PROPERTY_ENTRY_U64("min", (u64)-100),
	PROPERTY_ENTRY_U64("max", 100),
	PROPERTY_ENTRY_U64("initial", 5),
	{ }
};

static const struct property_entry kthing_fwtest_switch_props[] = {
	PROPERTY_ENTRY_STRING("kind", "actuator"),
	PROPERTY_ENTRY_STRING("type", "bool"),
	PROPERTY_ENTRY_STRING("backend", "virtual"),
	PROPERTY_ENTRY_U32("report-interval-ms", 60000),
	PROPERTY_ENTRY_BOOL("no-events"),
	{ }
};

static const struct property_entry kthing_fwtest_bad_props[] = {
	PROPERTY_ENTRY_STRING("label", "fwbad"),
	{ }
};

static const struct property_entry kthing_fwtest_bad_level_props[] = {
	PROPERTY_ENTRY_STRING("kind", "actuator"),
	PROPERTY_ENTRY_STRING("backend", "virtual"),
	PROPERTY_ENTRY_U64("min", 5),
	PROPERTY_ENTRY_U64("max", 4),
	{ }
};

static const struct software_node kthing_fwtest_thing = {
	.name = "fwthing",
	.properties = kthing_fwtest_thing_props,
};

static const struct software_node kthing_fwtest_level = {
	.name = "level",
	.parent = &kthing_fwtest_thing,
	.properties = kthing_fwtest_level_props,
};

static const struct software_node kthing_fwtest_switch = {
	.name = "switch",
	.parent = &kthing_fwtest_thing,
	.properties = kthing_fwtest_switch_props,
};

static const struct software_node kthing_fwtest_bad = {
	.name = "fwbad",
	.properties = kthing_fwtest_bad_props,
};

static const struct software_node kthing_fwtest_bad_level = {
	.name = "level",
	.parent = &kthing_fwtest_bad,
	.properties = kthing_fwtest_bad_level_props,
};

static const struct software_node *kthing_fwtest_nodes[] = {
	&kthing_fwtest_thing,
	&kthing_fwtest_level,
	&kthing_fwtest_switch,
	&kthing_fwtest_bad,
	&kthing_fwtest_bad_level,
	NULL
};

static struct platform_device *kthing_fwtest_pdev[2];

static struct platform_device *
kthing_fwtest_add(int id, const struct software_node *node)
{
	struct platform_device_info info = {
		.name = "kthing",
		.id = id,
		.fwnode = software_node_fwnode(node),
	};

	return platform_device_register_full(&info);
}

static int __init kthing_fwtest_init(void)
{
	int ret;

	ret = software_node_register_node_group(kthing_fwtest_nodes);
	if (ret)
		return ret;
	kthing_fwtest_pdev[0] = kthing_fwtest_add(0, &kthing_fwtest_thing);
	if (IS_ERR(kthing_fwtest_pdev[0])) {
		ret = PTR_ERR(kthing_fwtest_pdev[0]);
		goto err_unregister_nodes;
	}
	kthing_fwtest_pdev[1] = kthing_fwtest_add(1, &kthing_fwtest_bad);
	if (IS_ERR(kthing_fwtest_pdev[1])) {
		ret = PTR_ERR(kthing_fwtest_pdev[1]);
		goto err_unregister_thing;
	}
	return 0;

err_unregister_thing:
	platform_device_unregister(kthing_fwtest_pdev[0]);
err_unregister_nodes:
	software_node_unregister_node_group(kthing_fwtest_nodes);
	return ret;
}
module_init(kthing_fwtest_init);

static void __exit kthing_fwtest_exit(void)
{
	platform_device_unregister(kthing_fwtest_pdev[1]);
	platform_device_unregister(kthing_fwtest_pdev[0]);
	software_node_unregister_node_group(kthing_fwtest_nodes);
}
module_exit(kthing_fwtest_exit);

MODULE_DESCRIPTION("Software-node things for kthing's in-VM tests");
MODULE_LICENSE("GPL");
