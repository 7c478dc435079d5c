// SPDX-License-Identifier: GPL-2.0
/*
 * kthing_sim's GPIO chip: eight lines, sim0 .. sim7. An output drives a
 * level tests can observe; an input reads the level a test pulls it to, and
 * each change of that level that matches the line's trigger raises the
 * line's interrupt through the chip's own irq domain, in hard interrupt
 * context, the way a real GPIO controller's interrupt would arrive.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irqdesc.h>
#include <linux/module.h>
#include <linux/spinlock.h>

#include "sim.h"

static const char *const kthing_sim_gpio_names[KTHING_SIM_NGPIO] = {
	"sim0", "sim1", "sim2", "sim3", "sim4", "sim5", "sim6", "sim7",
};

static bool kthing_sim_gpio_level_locked(struct kthing_sim_gpio *gpio,
					 unsigned int offset)
{
	lockdep_assert_held(&gpio->lock);

	if (test_bit(offset, gpio->is_output))
		return test_bit(offset, gpio->driven);
	return test_bit(offset, gpio->pull);
}

static int kthing_sim_gpio_get_direction(struct gpio_chip *gc,
					 unsigned int offset)
{
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	unsigned long flags;
	bool out;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	out = test_bit(offset, gpio->is_output);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return out ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static int kthing_sim_gpio_direction_input(struct gpio_chip *gc,
					   unsigned int offset)
{
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	unsigned long flags;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	__clear_bit(offset, gpio->is_output);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return 0;
}

static int kthing_sim_gpio_direction_output(struct gpio_chip *gc,
					    unsigned int offset, int value)
{
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	unsigned long flags;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	__assign_bit(offset, gpio->driven, value);
	__set_bit(offset, gpio->is_output);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return 0;
}

static int kthing_sim_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	return kthing_sim_gpio_get_level(gpiochip_get_data(gc), offset);
}

static void kthing_sim_gpio_set(struct gpio_chip *gc, unsigned int offset,
				int value)
{
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	unsigned long flags;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	__assign_bit(offset, gpio->driven, value);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);
}

static void kthing_sim_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	unsigned long flags;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	__clear_bit(hwirq, gpio->irq_unmasked);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	gpiochip_disable_irq(gc, hwirq);
}

static void kthing_sim_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	unsigned long flags;

	gpiochip_enable_irq(gc, hwirq);

	raw_spin_lock_irqsave(&gpio->lock, flags);
	__set_bit(hwirq, gpio->irq_unmasked);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);
}

static int kthing_sim_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct kthing_sim_gpio *gpio = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	unsigned long flags;

	/* Like many GPIO controllers, this one latches edges only. */
	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	gpio->irq_type[hwirq] = type;
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return 0;
}

static const struct irq_chip kthing_sim_irq_chip = {
	.name = KTHING_SIM_NAME,
	.irq_mask = kthing_sim_irq_mask,
	.irq_unmask = kthing_sim_irq_unmask,
	.irq_set_type = kthing_sim_irq_set_type,
	.flags = IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

/* Hard interrupt context: deliver the edges kthing_sim_gpio_set_pull() saw. */
static void kthing_sim_gpio_irq_work(struct irq_work *work)
{
	struct kthing_sim_gpio *gpio =
		container_of(work, struct kthing_sim_gpio, irq_work);
	unsigned int offset;

	for (offset = 0; offset < KTHING_SIM_NGPIO; offset++)
		if (test_and_clear_bit(offset, gpio->irq_pending))
			generic_handle_domain_irq(gpio->chip.irq.domain,
						  offset);
}

/**
 * kthing_sim_gpio_set_pull() - drive a line from the outside world
 * @gpio: the chip
 * @offset: the line
 * @level: the level the line is pulled to
 *
 * When the line is an input with its interrupt unmasked and the change is an
 * edge its trigger asks for, the interrupt is raised. Edges that arrive
 * before the previous one was delivered are merged, as a latch would.
 */
void kthing_sim_gpio_set_pull(struct kthing_sim_gpio *gpio,
			      unsigned int offset, bool level)
{
	unsigned long flags;
	bool raise = false;
	unsigned int edge;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	if (test_bit(offset, gpio->pull) != level) {
		__assign_bit(offset, gpio->pull, level);
		edge = level ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_EDGE_FALLING;
		raise = !test_bit(offset, gpio->is_output) &&
			test_bit(offset, gpio->irq_unmasked) &&
			(gpio->irq_type[offset] & edge);
	}
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	if (raise) {
		set_bit(offset, gpio->irq_pending);
		irq_work_queue(&gpio->irq_work);
	}
}

/**
 * kthing_sim_gpio_get_pull() - the level a line is pulled to
 * @gpio: the chip
 * @offset: the line
 *
 * Return: the level last set by kthing_sim_gpio_set_pull().
 */
bool kthing_sim_gpio_get_pull(struct kthing_sim_gpio *gpio,
			      unsigned int offset)
{
	unsigned long flags;
	bool level;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	level = test_bit(offset, gpio->pull);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return level;
}

/**
 * kthing_sim_gpio_get_level() - the level a line has now
 * @gpio: the chip
 * @offset: the line
 *
 * Return: an output's driven level, or an input's pulled level.
 */
bool kthing_sim_gpio_get_level(struct kthing_sim_gpio *gpio,
			       unsigned int offset)
{
	unsigned long flags;
	bool level;

	raw_spin_lock_irqsave(&gpio->lock, flags);
	level = kthing_sim_gpio_level_locked(gpio, offset);
	raw_spin_unlock_irqrestore(&gpio->lock, flags);

	return level;
}

static void kthing_sim_gpio_sync_irq_work(void *data)
{
	struct kthing_sim_gpio *gpio = data;

	irq_work_sync(&gpio->irq_work);
}

/**
 * kthing_sim_gpio_register() - register the GPIO chip and its irq chip
 * @sim: the simulated board
 *
 * Return: 0 or a negative errno. Undone by devres.
 */
int kthing_sim_gpio_register(struct kthing_sim *sim)
{
	struct kthing_sim_gpio *gpio = &sim->gpio;
	struct gpio_chip *gc = &gpio->chip;
	struct gpio_irq_chip *girq = &gc->irq;
	int ret;

	raw_spin_lock_init(&gpio->lock);
	/* Hard even on PREEMPT_RT: the edges must arrive as interrupts do. */
	gpio->irq_work = IRQ_WORK_INIT_HARD(kthing_sim_gpio_irq_work);

	gc->label = KTHING_SIM_NAME;
	gc->parent = sim->dev;
	gc->owner = THIS_MODULE;
	gc->base = -1;
	gc->ngpio = KTHING_SIM_NGPIO;
	gc->names = kthing_sim_gpio_names;
	gc->can_sleep = false;
	gc->get_direction = kthing_sim_gpio_get_direction;
	gc->direction_input = kthing_sim_gpio_direction_input;
	gc->direction_output = kthing_sim_gpio_direction_output;
	gc->get = kthing_sim_gpio_get;
	gc->set = kthing_sim_gpio_set;

	/* No parent interrupt: gpiolib builds a linear domain of our own. */
	gpio_irq_chip_set_chip(girq, &kthing_sim_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;

	ret = devm_gpiochip_add_data(sim->dev, gc, gpio);
	if (ret)
		return dev_err_probe(sim->dev, ret, "cannot add GPIO chip\n");

	/* Runs before the chip goes: no edge is delivered to a removed chip. */
	return devm_add_action_or_reset(sim->dev, kthing_sim_gpio_sync_irq_work,
					gpio);
}
