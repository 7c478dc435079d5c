// SPDX-License-Identifier: GPL-2.0
/*
 * kthing_sim's control surface for tests, under debugfs (docs/sim.md):
 *
 *   kthing_sim/gpio/<offset>/pull	drive an input (0|1)
 *   kthing_sim/gpio/<offset>/value	the level the line has
 *   kthing_sim/iio/<quantity>		read, hold ("<value>") or release ("auto")
 *   kthing_sim/iio/fail		make every IIO read fail (0|1)
 *   kthing_sim/thermal/temp		as the IIO quantities
 *   kthing_sim/thermal/fail		as iio/fail
 *
 * Files are removed before the hardware they control, and debugfs waits for
 * callers still inside them, so no callback here outlives the device.
 */

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim.h"

/* The decimal places a pressure is written with: micro kilopascal. */
#define KTHING_SIM_PRESSURE_DECIMALS	6

/**
 * struct kthing_sim_knob - what one debugfs file controls
 * @sim: the simulated board
 * @index: a GPIO offset, an enum kthing_sim_quantity or an
 *	enum kthing_sim_provider, depending on the file
 */
struct kthing_sim_knob {
	struct kthing_sim *sim;
	unsigned int index;
};

static int kthing_sim_pull_get(void *data, u64 *val)
{
	struct kthing_sim_knob *knob = data;

	*val = kthing_sim_gpio_get_pull(&knob->sim->gpio, knob->index);
	return 0;
}

static int kthing_sim_pull_set(void *data, u64 val)
{
	struct kthing_sim_knob *knob = data;

	if (val > 1)
		return -EINVAL;
	kthing_sim_gpio_set_pull(&knob->sim->gpio, knob->index, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(kthing_sim_pull_fops, kthing_sim_pull_get,
			 kthing_sim_pull_set, "%llu\n");

static int kthing_sim_value_get(void *data, u64 *val)
{
	struct kthing_sim_knob *knob = data;

	*val = kthing_sim_gpio_get_level(&knob->sim->gpio, knob->index);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(kthing_sim_value_fops, kthing_sim_value_get, NULL,
			 "%llu\n");

static int kthing_sim_fail_get(void *data, u64 *val)
{
	struct kthing_sim_knob *knob = data;

	*val = kthing_sim_env_get_fail(&knob->sim->env, knob->index);
	return 0;
}

static int kthing_sim_fail_set(void *data, u64 val)
{
	struct kthing_sim_knob *knob = data;

	if (val > 1)
		return -EINVAL;
	kthing_sim_env_set_fail(&knob->sim->env, knob->index, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(kthing_sim_fail_fops, kthing_sim_fail_get,
			 kthing_sim_fail_set, "%llu\n");

static unsigned int kthing_sim_decimals(unsigned int quantity)
{
	return quantity == KTHING_SIM_PRESSURE ? KTHING_SIM_PRESSURE_DECIMALS : 0;
}

/*
 * Parse "[-]digits[.digits]" with at most @decimals fraction digits into an
 * integer scaled by 10^@decimals that fits an int.
 */
static int kthing_sim_parse_fixed(char *s, unsigned int decimals, int *out)
{
	char *fraction = strchr(s, '.');
	unsigned int digits = 0;
	s64 integer, value = 0;
	int ret;

	if (fraction) {
		*fraction++ = '\0';
		for (; *fraction; fraction++, digits++) {
			if (!isdigit(*fraction) || digits == decimals)
				return -EINVAL;
			value = value * 10 + (*fraction - '0');
		}
		if (!digits)
			return -EINVAL;
	}
	for (; digits < decimals; digits++)
		value *= 10;

	ret = kstrtos64(s, 10, &integer);
	if (ret)
		return ret;
	if (integer < INT_MIN || integer > INT_MAX)
		return -ERANGE;

	for (digits = 0; digits < decimals; digits++)
		integer *= 10;
	value = s[0] == '-' ? integer - value : integer + value;
	if (value < INT_MIN || value > INT_MAX)
		return -ERANGE;

	*out = value;
	return 0;
}

static ssize_t kthing_sim_quantity_read(struct file *file, char __user *ubuf,
					size_t count, loff_t *ppos)
{
	struct kthing_sim_knob *knob = file->private_data;
	unsigned int decimals = kthing_sim_decimals(knob->index);
	int value = kthing_sim_env_value(&knob->sim->env, knob->index);
	u32 magnitude = value < 0 ? -(u32)value : value;
	char buf[24];
	int len;

	if (!decimals)
		len = scnprintf(buf, sizeof(buf), "%d\n", value);
	else
		len = scnprintf(buf, sizeof(buf), "%s%u.%06u\n",
				value < 0 ? "-" : "", magnitude / 1000000,
				magnitude % 1000000);

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t kthing_sim_quantity_write(struct file *file,
					 const char __user *ubuf,
					 size_t count, loff_t *ppos)
{
	struct kthing_sim_knob *knob = file->private_data;
	struct kthing_sim_env *env = &knob->sim->env;
	char buf[24], *s;
	int value, ret;

	if (*ppos || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	s = strim(buf);

	if (!strcmp(s, "auto")) {
		kthing_sim_env_release(env, knob->index);
		return count;
	}

	ret = kthing_sim_parse_fixed(s, kthing_sim_decimals(knob->index),
				     &value);
	if (ret)
		return ret;
	kthing_sim_env_hold(env, knob->index, value);

	return count;
}

static const struct file_operations kthing_sim_quantity_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = kthing_sim_quantity_read,
	.write = kthing_sim_quantity_write,
	.llseek = default_llseek,
};

static void kthing_sim_debugfs_remove(void *data)
{
	debugfs_remove_recursive(data);
}

/**
 * kthing_sim_debugfs_register() - create the control files
 * @sim: the simulated board
 *
 * Failures to create files are not errors (debugfs may be absent); only
 * running out of memory for their context is.
 *
 * Return: 0 or a negative errno. Undone by devres.
 */
int kthing_sim_debugfs_register(struct kthing_sim *sim)
{
	static const char *const iio_files[] = {
		[KTHING_SIM_TEMP] = "temp",
		[KTHING_SIM_HUMIDITY] = "humidityrelative",
		[KTHING_SIM_PRESSURE] = "pressure",
	};
	struct kthing_sim_knob *lines, *quantities, *providers;
	struct dentry *root, *gpio, *iio, *thermal, *line;
	char name[8];
	unsigned int i;

	lines = devm_kcalloc(sim->dev, KTHING_SIM_NGPIO, sizeof(*lines),
			     GFP_KERNEL);
	quantities = devm_kcalloc(sim->dev, KTHING_SIM_QUANTITIES,
				  sizeof(*quantities), GFP_KERNEL);
	providers = devm_kcalloc(sim->dev, KTHING_SIM_PROVIDERS,
				 sizeof(*providers), GFP_KERNEL);
	if (!lines || !quantities || !providers)
		return -ENOMEM;

	root = debugfs_create_dir("kthing_sim", NULL);
	gpio = debugfs_create_dir("gpio", root);
	iio = debugfs_create_dir("iio", root);
	thermal = debugfs_create_dir("thermal", root);

	for (i = 0; i < KTHING_SIM_NGPIO; i++) {
		lines[i] = (struct kthing_sim_knob){ sim, i };
		snprintf(name, sizeof(name), "%u", i);
		line = debugfs_create_dir(name, gpio);
		debugfs_create_file_unsafe("pull", 0644, line, &lines[i],
					   &kthing_sim_pull_fops);
		debugfs_create_file_unsafe("value", 0444, line, &lines[i],
					   &kthing_sim_value_fops);
	}

	for (i = 0; i < KTHING_SIM_QUANTITIES; i++)
		quantities[i] = (struct kthing_sim_knob){ sim, i };
	for (i = 0; i < ARRAY_SIZE(iio_files); i++)
		debugfs_create_file(iio_files[i], 0644, iio, &quantities[i],
				    &kthing_sim_quantity_fops);
	debugfs_create_file("temp", 0644, thermal,
			    &quantities[KTHING_SIM_THERMAL],
			    &kthing_sim_quantity_fops);

	for (i = 0; i < KTHING_SIM_PROVIDERS; i++)
		providers[i] = (struct kthing_sim_knob){ sim, i };
	debugfs_create_file_unsafe("fail", 0644, iio,
				   &providers[KTHING_SIM_IIO],
				   &kthing_sim_fail_fops);
	debugfs_create_file_unsafe("fail", 0644, thermal,
				   &providers[KTHING_SIM_THERMAL_ZONE],
				   &kthing_sim_fail_fops);

	return devm_add_action_or_reset(sim->dev, kthing_sim_debugfs_remove,
					root);
}
