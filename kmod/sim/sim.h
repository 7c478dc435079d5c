/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kthing_sim: simulated hardware for kthing's tests and demonstrations.
 *
 * One platform device carries a GPIO chip, an IIO device and a thermal zone,
 * all registered through the kernel's ordinary provider APIs, and a debugfs
 * directory through which tests drive and observe them (docs/sim.md).
 */
#ifndef _KTHING_SIM_H
#define _KTHING_SIM_H

#include <linux/bitmap.h>
#include <linux/gpio/driver.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define KTHING_SIM_NAME		"kthing-sim"
#define KTHING_SIM_IIO_NAME	"kthing-sim-env"
#define KTHING_SIM_NGPIO	8

struct device;

/**
 * enum kthing_sim_quantity - a simulated physical quantity
 * @KTHING_SIM_TEMP: IIO temperature, millidegrees Celsius
 * @KTHING_SIM_HUMIDITY: IIO relative humidity, milli percent
 * @KTHING_SIM_PRESSURE: IIO pressure, micro kilopascal
 * @KTHING_SIM_THERMAL: thermal zone temperature, millidegrees Celsius
 * @KTHING_SIM_QUANTITIES: number of quantities
 */
enum kthing_sim_quantity {
	KTHING_SIM_TEMP,
	KTHING_SIM_HUMIDITY,
	KTHING_SIM_PRESSURE,
	KTHING_SIM_THERMAL,
	KTHING_SIM_QUANTITIES,
};

/**
 * enum kthing_sim_provider - a simulated device whose reads can be failed
 * @KTHING_SIM_IIO: the IIO device (temperature, humidity, pressure)
 * @KTHING_SIM_THERMAL_ZONE: the thermal zone
 * @KTHING_SIM_PROVIDERS: number of providers
 */
enum kthing_sim_provider {
	KTHING_SIM_IIO,
	KTHING_SIM_THERMAL_ZONE,
	KTHING_SIM_PROVIDERS,
};

/**
 * struct kthing_sim_gpio - the simulated GPIO chip
 * @chip: the chip registered with gpiolib
 * @lock: protects the line state below; taken in gpio_chip callbacks that
 *	must not sleep (can_sleep is false) and in irq_chip callbacks that run
 *	under the interrupt descriptor's raw lock, hence a raw spinlock
 * @is_output: lines configured as outputs
 * @driven: the level each output drives
 * @pull: the level the outside world pulls each line to (debugfs "pull")
 * @irq_unmasked: lines whose interrupt is unmasked
 * @irq_type: each line's IRQ_TYPE_EDGE_* trigger, IRQ_TYPE_NONE for none
 * @irq_pending: edges waiting for @irq_work; atomic bitops, not under @lock
 * @irq_work: raises pending edges in hard interrupt context
 */
struct kthing_sim_gpio {
	struct gpio_chip chip;
	raw_spinlock_t lock;
	DECLARE_BITMAP(is_output, KTHING_SIM_NGPIO);
	DECLARE_BITMAP(driven, KTHING_SIM_NGPIO);
	DECLARE_BITMAP(pull, KTHING_SIM_NGPIO);
	DECLARE_BITMAP(irq_unmasked, KTHING_SIM_NGPIO);
	unsigned int irq_type[KTHING_SIM_NGPIO];
	DECLARE_BITMAP(irq_pending, KTHING_SIM_NGPIO);
	struct irq_work irq_work;
};

/**
 * struct kthing_sim_env - the simulated environment behind IIO and thermal
 * @epoch: when the module was loaded; the waveforms start there
 * @lock: protects @held, @hold and @failing; taken in process context
 *	only (debugfs, IIO read_raw, thermal get_temp)
 * @held: value of each held quantity
 * @hold: quantities held at @held instead of following the waveform
 * @failing: providers whose every read fails with -EIO
 */
struct kthing_sim_env {
	ktime_t epoch;
	/* Protects held, hold and failing (see above). */
	struct mutex lock;
	int held[KTHING_SIM_QUANTITIES];
	DECLARE_BITMAP(hold, KTHING_SIM_QUANTITIES);
	DECLARE_BITMAP(failing, KTHING_SIM_PROVIDERS);
};

/**
 * struct kthing_sim - one simulated board
 * @dev: the platform device everything hangs off
 * @gpio: the GPIO chip
 * @env: the environment the IIO device and the thermal zone measure
 */
struct kthing_sim {
	struct device *dev;
	struct kthing_sim_gpio gpio;
	struct kthing_sim_env env;
};

int kthing_sim_gpio_register(struct kthing_sim *sim);
void kthing_sim_gpio_set_pull(struct kthing_sim_gpio *gpio,
			      unsigned int offset, bool level);
bool kthing_sim_gpio_get_pull(struct kthing_sim_gpio *gpio,
			      unsigned int offset);
bool kthing_sim_gpio_get_level(struct kthing_sim_gpio *gpio,
			       unsigned int offset);

void kthing_sim_env_init(struct kthing_sim_env *env);
int kthing_sim_env_value(struct kthing_sim_env *env,
			 enum kthing_sim_quantity quantity);
int kthing_sim_env_read(struct kthing_sim_env *env,
			enum kthing_sim_quantity quantity, int *value);
void kthing_sim_env_hold(struct kthing_sim_env *env,
			 enum kthing_sim_quantity quantity, int value);
void kthing_sim_env_release(struct kthing_sim_env *env,
			    enum kthing_sim_quantity quantity);
void kthing_sim_env_set_fail(struct kthing_sim_env *env,
			     enum kthing_sim_provider provider, bool fail);
bool kthing_sim_env_get_fail(struct kthing_sim_env *env,
			     enum kthing_sim_provider provider);

int kthing_sim_iio_register(struct kthing_sim *sim);
int kthing_sim_thermal_register(struct kthing_sim *sim);
int kthing_sim_debugfs_register(struct kthing_sim *sim);

#endif /* _KTHING_SIM_H */
