// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual backend: an actuator whose value is kept in the kernel, for
 * setpoints and software switches.
 */

#include <linux/minmax.h>
#include <linux/slab.h>

#include "backend.h"

/**
 * struct kthing_virtual - a virtual channel's state
 * @value: the value last applied; the core serialises read and write
 */
struct kthing_virtual {
	s64 value;
};

static int kthing_virtual_bind(struct kthing_channel *ch)
{
	const struct kthing_channel_desc *desc = kthing_channel_desc(ch);
	struct kthing_virtual *virt;

	virt = kzalloc(sizeof(*virt), GFP_KERNEL);
	if (!virt)
		return -ENOMEM;
	/* The core applies desc->initial when there is one. */
	virt->value = clamp_t(s64, 0, desc->min, desc->max);
	kthing_channel_set_priv(ch, virt);
	return 0;
}

static void kthing_virtual_unbind(struct kthing_channel *ch)
{
	kfree(kthing_channel_priv(ch));
	kthing_channel_set_priv(ch, NULL);
}

static int kthing_virtual_read(struct kthing_channel *ch, s64 *value)
{
	struct kthing_virtual *virt = kthing_channel_priv(ch);

	*value = virt->value;
	return 0;
}

static int kthing_virtual_write(struct kthing_channel *ch, s64 value)
{
	struct kthing_virtual *virt = kthing_channel_priv(ch);

	virt->value = value;
	return 0;
}

const struct kthing_backend_ops kthing_backend_virtual = {
	.id = KTHING_BACKEND_VIRTUAL,
	.name = "virtual",
	.polled = false,
	.bind = kthing_virtual_bind,
	.unbind = kthing_virtual_unbind,
	.read = kthing_virtual_read,
	.write = kthing_virtual_write,
};
