// SPDX-License-Identifier: GPL-2.0
/*
 * The GPIO backend: a channel bound to one line of a GPIO chip named by its
 * label. A sensor is an input whose edges, taken through the line's
 * interrupt, report its level; an actuator is an output.
 *
 * The line is requested the way a board file's driver requests it: a GPIO
 * lookup table, registered just for the request, maps the chip label and
 * offset to a consumer. gpiolib looks tables up by consumer device name, so
 * each channel has a small device of its own that names its table; it is
 * never registered on any bus.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "backend.h"

/**
 * struct kthing_gpio - a channel bound to a GPIO line
 * @key: names the lookup table, and frees this structure when released
 * @ch: the channel
 * @label: "thing/channel": the line's consumer
 * @irq_name: "kthing:thing:channel": the interrupt's name, which names a
 *	directory in /proc/irq and so cannot hold a '/'
 * @desc: the requested line
 * @irq: the line's interrupt for a sensor, 0 for an actuator
 */
struct kthing_gpio {
	struct device key;
	struct kthing_channel *ch;
	char label[2 * KTHING_NAME_SIZE];
	char irq_name[sizeof("kthing:") + 2 * KTHING_NAME_SIZE];
	struct gpio_desc *desc;
	int irq;
};

static void kthing_gpio_release(struct device *dev)
{
	kfree(container_of(dev, struct kthing_gpio, key));
}

/*
 * Whether the chip exists and has the line, so that a missing one gets a
 * message that says which: gpiod_get() would only defer. Lookup tables
 * cannot name line U16_MAX (it means "by line name" there).
 */
#ifdef KTHING_HAVE_GPIO_DEVICE_FIND_BY_LABEL
static int kthing_gpio_check_line(const char *chip, u32 line)
{
	struct gpio_device *gdev = gpio_device_find_by_label(chip);
	int ret = 0;

	if (!gdev)
		return -ENODEV;
	if (line >= U16_MAX || IS_ERR(gpio_device_get_desc(gdev, line)))
		ret = -ERANGE;
	gpio_device_put(gdev);
	return ret;
}
#else
struct kthing_gpio_query {
	const char *chip;
	u32 line;
	bool has_line;
};

/* Called under gpiolib's lock: the chip cannot go away meanwhile. */
static int kthing_gpio_match_label(struct gpio_chip *gc, void *data)
{
	struct kthing_gpio_query *query = data;

	if (!gc->label || strcmp(gc->label, query->chip))
		return 0;
	query->has_line = query->line < gc->ngpio;
	return 1;
}

static int kthing_gpio_check_line(const char *chip, u32 line)
{
	struct kthing_gpio_query query = { .chip = chip, .line = line };

	if (!gpiochip_find(&query, kthing_gpio_match_label))
		return -ENODEV;
	return query.has_line && line < U16_MAX ? 0 : -ERANGE;
}
#endif

/* Request the line through a lookup table that lives only for the request. */
static struct gpio_desc *kthing_gpio_request(struct kthing_gpio *gpio,
					     const struct kthing_channel_desc *desc)
{
	struct gpiod_lookup_table *table;
	struct gpio_desc *line;

	table = kzalloc(struct_size(table, table, 2), GFP_KERNEL);
	if (!table)
		return ERR_PTR(-ENOMEM);
	table->dev_id = dev_name(&gpio->key);
	table->table[0] = GPIO_LOOKUP(desc->gpio_chip, desc->gpio_line,
				      gpio->label,
				      desc->active_low ? GPIO_ACTIVE_LOW :
							 GPIO_ACTIVE_HIGH);

	gpiod_add_lookup_table(table);
	line = gpiod_get(&gpio->key, gpio->label, GPIOD_ASIS);
	gpiod_remove_lookup_table(table);
	kfree(table);

	return line;
}

static irqreturn_t kthing_gpio_edge(int irq, void *data)
{
	struct kthing_gpio *gpio = data;
	int level;

	/* Thread context: the line's chip may sleep (I2C expanders do). */
	level = gpiod_get_value_cansleep(gpio->desc);
	if (level < 0)
		kthing_channel_fault(gpio->ch, level);
	else
		kthing_channel_report(gpio->ch, level);

	return IRQ_HANDLED;
}

static int kthing_gpio_setup_input(struct kthing_gpio *gpio)
{
	int ret;

	ret = gpiod_direction_input(gpio->desc);
	if (ret) {
		pr_err("%s: cannot make the line an input: %d\n", gpio->label,
		       ret);
		return ret;
	}

	ret = gpiod_to_irq(gpio->desc);
	if (ret < 0) {
		pr_err("%s: the line has no interrupt: %d\n", gpio->label, ret);
		return ret;
	}
	gpio->irq = ret;

	/* One event per edge: the level is read once the edge arrived. */
	ret = request_threaded_irq(gpio->irq, NULL, kthing_gpio_edge,
				   IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING |
				   IRQF_ONESHOT, gpio->irq_name, gpio);
	if (ret) {
		pr_err("%s: cannot request the line's interrupt %d: %d\n",
		       gpio->label, gpio->irq, ret);
		gpio->irq = 0;
	}
	return ret;
}

static int kthing_gpio_setup_output(struct kthing_gpio *gpio,
				    const struct kthing_channel_desc *desc)
{
	int level, ret;

	/* Without an initial value the line keeps the level it has. */
	if (desc->has_initial) {
		level = desc->initial;
	} else {
		level = gpiod_get_value_cansleep(gpio->desc);
		if (level < 0) {
			pr_err("%s: cannot read the line: %d\n", gpio->label,
			       level);
			return level;
		}
	}

	ret = gpiod_direction_output(gpio->desc, level);
	if (ret)
		pr_err("%s: cannot make the line an output: %d\n", gpio->label,
		       ret);
	return ret;
}

static int kthing_gpio_bind(struct kthing_channel *ch)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	const char *label = kthing_channel_label(ch);
	struct kthing_gpio *gpio;
	int ret;

	ret = kthing_gpio_check_line(desc->gpio_chip, desc->gpio_line);
	if (ret == -ENODEV) {
		pr_err("%s: no GPIO chip labelled \"%s\"\n", label,
		       desc->gpio_chip);
		return -ENODEV;
	}
	if (ret) {
		pr_err("%s: GPIO chip \"%s\" has no line %u\n", label,
		       desc->gpio_chip, desc->gpio_line);
		return -ENODEV;
	}

	gpio = kzalloc(sizeof(*gpio), GFP_KERNEL);
	if (!gpio)
		return -ENOMEM;
	device_initialize(&gpio->key);
	gpio->key.release = kthing_gpio_release;
	gpio->ch = ch;
	strscpy(gpio->label, label, sizeof(gpio->label));
	snprintf(gpio->irq_name, sizeof(gpio->irq_name), "kthing:%s", label);
	strreplace(gpio->irq_name, '/', ':');
	ret = dev_set_name(&gpio->key, "kthing-gpio:%s", label);
	if (ret)
		goto err_put_key;

	gpio->desc = kthing_gpio_request(gpio, desc);
	if (IS_ERR(gpio->desc)) {
		ret = PTR_ERR(gpio->desc);
		if (ret == -EBUSY)
			pr_err("%s: line %u of GPIO chip \"%s\" is in use\n",
			       label, desc->gpio_line, desc->gpio_chip);
		else
			pr_err("%s: cannot request line %u of GPIO chip \"%s\": %d\n",
			       label, desc->gpio_line, desc->gpio_chip, ret);
		/* The chip went away since it was checked. */
		if (ret == -EPROBE_DEFER || ret == -ENOENT)
			ret = -ENODEV;
		goto err_put_key;
	}

	if (desc->kind == KTHING_KIND_SENSOR)
		ret = kthing_gpio_setup_input(gpio);
	else
		ret = kthing_gpio_setup_output(gpio, desc);
	if (ret)
		goto err_put_line;

	kthing_channel_set_priv(ch, gpio);
	return 0;

err_put_line:
	gpiod_put(gpio->desc);
err_put_key:
	put_device(&gpio->key);
	return ret;
}

static void kthing_gpio_unbind(struct kthing_channel *ch)
{
	struct kthing_gpio *gpio = kthing_channel_priv(ch);

	/* Waits for a running edge handler: no report after this. */
	if (gpio->irq)
		free_irq(gpio->irq, gpio);
	gpiod_put(gpio->desc);
	put_device(&gpio->key);
	kthing_channel_set_priv(ch, NULL);
}

static int kthing_gpio_read(struct kthing_channel *ch, s64 *value)
{
	struct kthing_gpio *gpio = kthing_channel_priv(ch);
	int level;

	level = gpiod_get_value_cansleep(gpio->desc);
	if (level < 0)
		return level;
	*value = level;
	return 0;
}

static int kthing_gpio_write(struct kthing_channel *ch, s64 value)
{
	struct kthing_gpio *gpio = kthing_channel_priv(ch);

	gpiod_set_value_cansleep(gpio->desc, value);
	return 0;
}

const struct kthing_backend_ops kthing_backend_gpio = {
	.id = KTHING_BACKEND_GPIO,
	.name = "gpio",
	.polled = false,
	.bind = kthing_gpio_bind,
	.unbind = kthing_gpio_unbind,
	.read = kthing_gpio_read,
	.write = kthing_gpio_write,
};
