// SPDX-License-Identifier: GPL-2.0
/*
 * Things described by firmware: a platform driver that reads a thing and
 * its channels through the unified device property API, so device tree,
 * ACPI and software nodes all work. The binding is in docs/devicetree.md.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kthing.h"

/* Read an optional string property into @dst; -EINVAL if too long. */
static int kthing_fw_read_str(struct fwnode_handle *node, const char *prop,
			      char *dst, size_t size)
{
	const char *val;

	if (fwnode_property_read_string(node, prop, &val))
		return 0;
	if (strscpy(dst, val, size) < 0)
		return -EINVAL;
	return 0;
}

/* Read an optional signed 64-bit property; returns whether it is there. */
static bool kthing_fw_read_s64(struct fwnode_handle *node, const char *prop,
			       s64 *dst)
{
	u64 val;

	if (fwnode_property_read_u64(node, prop, &val))
		return false;
	*dst = (s64)val;
	return true;
}

/*
 * Parse the optional string property @prop with @parse into @dst; returns 0
 * or -EINVAL.
 */
static int kthing_fw_parse_enum(struct fwnode_handle *node, const char *prop,
				int (*parse)(const char *name, u32 *value),
				u32 *dst)
{
	const char *val;

	if (fwnode_property_read_string(node, prop, &val))
		return 0;
	return parse(val, dst);
}

static int kthing_fw_parse_backend(const char *name, u32 *backend)
{
	const struct kthing_backend_ops *ops = kthing_backend_by_name(name);

	if (!ops)
		return -EINVAL;
	*backend = ops->id;
	return 0;
}

/*
 * Fill @desc from the channel node @node; returns 0 or -EINVAL with @why
 * set. Limits of the whole channel are checked later by kthing_create().
 */
static int kthing_fw_parse_channel(struct fwnode_handle *node,
				   struct kthing_channel_desc *desc,
				   const char **why)
{
	const struct kthing_backend_ops *ops;
	const char *name;
	u32 val;

	if (fwnode_property_read_string(node, "label", &name))
		name = fwnode_get_name(node);
	*why = "invalid channel name";
	if (!name || strscpy(desc->name, name, sizeof(desc->name)) < 0)
		return -EINVAL;
	/* A device tree node name may carry a unit address. */
	desc->name[strcspn(desc->name, "@")] = '\0';

	*why = "kind must be sensor or actuator";
	if (kthing_fw_parse_enum(node, "kind", kthing_parse_kind, &desc->kind))
		return -EINVAL;
	*why = "type must be bool or int";
	desc->type = KTHING_TYPE_INT;
	if (kthing_fw_parse_enum(node, "type", kthing_parse_type, &desc->type))
		return -EINVAL;
	*why = "backend must be virtual, gpio, iio or thermal";
	if (kthing_fw_parse_enum(node, "backend", kthing_fw_parse_backend,
				 &desc->backend))
		return -EINVAL;

	*why = "a string property is too long";
	if (kthing_fw_read_str(node, "unit", desc->unit, sizeof(desc->unit)) ||
	    kthing_fw_read_str(node, "gpio-chip", desc->gpio_chip,
			       sizeof(desc->gpio_chip)) ||
	    kthing_fw_read_str(node, "iio-device", desc->iio_device,
			       sizeof(desc->iio_device)) ||
	    kthing_fw_read_str(node, "iio-channel", desc->iio_channel,
			       sizeof(desc->iio_channel)) ||
	    kthing_fw_read_str(node, "thermal-zone", desc->thermal_zone,
			       sizeof(desc->thermal_zone)))
		return -EINVAL;

	if (!fwnode_property_read_u32(node, "exponent", &val))
		desc->exponent = (s32)val;
	desc->min = desc->type == KTHING_TYPE_BOOL ? 0 : S64_MIN;
	desc->max = desc->type == KTHING_TYPE_BOOL ? 1 : S64_MAX;
	kthing_fw_read_s64(node, "min", &desc->min);
	kthing_fw_read_s64(node, "max", &desc->max);
	desc->has_initial = kthing_fw_read_s64(node, "initial",
					       &desc->initial);
	fwnode_property_read_u32(node, "gpio-line", &desc->gpio_line);
	desc->active_low = fwnode_property_read_bool(node, "active-low");
	fwnode_property_read_u32(node, "iio-index", &desc->iio_index);

	ops = kthing_backend_by_id(desc->backend);
	desc->config.sample_period_ms = ops && ops->polled ?
		KTHING_DEFAULT_SAMPLE_PERIOD_MS : 0;
	fwnode_property_read_u32(node, "sample-period-ms",
				 &desc->config.sample_period_ms);
	fwnode_property_read_u32(node, "report-interval-ms",
				 &desc->config.report_interval_ms);
	kthing_fw_read_s64(node, "deadband", &desc->config.deadband);
	if (!fwnode_property_read_bool(node, "no-events"))
		desc->config.flags = KTHING_CONFIG_F_EVENTS;
	return 0;
}

static void kthing_fw_remove_thing(void *thing)
{
	kthing_remove(thing);
}

static int kthing_fw_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct kthing_channel_desc *descs;
	struct fwnode_handle *child;
	unsigned int num, i = 0;
	struct kthing *thing;
	const char *name, *why;
	int ret;

	if (device_property_read_string(dev, "label", &name)) {
		dev_err(dev, "no label: the thing needs a name\n");
		return -EINVAL;
	}
	num = device_get_child_node_count(dev);
	if (num == 0 || num > KTHING_CHANNELS_MAX) {
		dev_err(dev, "%s: has %u channels, needs 1 .. %u\n", name, num,
			KTHING_CHANNELS_MAX);
		return -EINVAL;
	}
	descs = kcalloc(num, sizeof(*descs), GFP_KERNEL);
	if (!descs)
		return -ENOMEM;
	device_for_each_child_node(dev, child) {
		ret = kthing_fw_parse_channel(child, &descs[i], &why);
		if (ret) {
			dev_err(dev, "%s/%pfwP: %s\n", name, child, why);
			fwnode_handle_put(child);
			goto out_free;
		}
		i++;
	}

	thing = kthing_create(name, descs, num, dev);
	ret = PTR_ERR_OR_ZERO(thing);
	if (ret) {
		/* The hardware may not be there yet: try again later. */
		if (ret == -ENODEV)
			ret = -EPROBE_DEFER;
		goto out_free;
	}
	ret = devm_add_action_or_reset(dev, kthing_fw_remove_thing, thing);
out_free:
	kfree(descs);
	return ret;
}

static const struct of_device_id kthing_fw_of_match[] = {
	{ .compatible = "kthing,thing" },
	{ }
};
MODULE_DEVICE_TABLE(of, kthing_fw_of_match);

static struct platform_driver kthing_fw_driver = {
	.probe = kthing_fw_probe,
	.driver = {
		.name = "kthing",
		.of_match_table = kthing_fw_of_match,
	},
};

/**
 * kthing_fwnode_init() - register the platform driver
 *
 * Return: 0 or the error of platform_driver_register().
 */
int kthing_fwnode_init(void)
{
	return platform_driver_register(&kthing_fw_driver);
}

/**
 * kthing_fwnode_exit() - unregister the platform driver, tearing down the
 * things it made
 */
void kthing_fwnode_exit(void)
{
	platform_driver_unregister(&kthing_fw_driver);
}
