// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated environment: what kthing_sim's IIO device and thermal zone
 * measure. Each quantity follows a slow, deterministic triangle wave over
 * the time since the module was loaded, unless a test holds it at a value;
 * a test can also make every read of a provider fail.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>

#include "sim.h"

/* One full triangle: rising for half of it, falling for the other half. */
#define KTHING_SIM_PERIOD_MS	60000U

/*
 * The bounds of each quantity's waveform, in the quantity's own units
 * (see enum kthing_sim_quantity), and the provider that reads it.
 */
static const struct {
	int low;
	int high;
	enum kthing_sim_provider provider;
} kthing_sim_quantities[KTHING_SIM_QUANTITIES] = {
	[KTHING_SIM_TEMP] = { 18000, 28000, KTHING_SIM_IIO },
	[KTHING_SIM_HUMIDITY] = { 40000, 60000, KTHING_SIM_IIO },
	[KTHING_SIM_PRESSURE] = { 99000000, 103000000, KTHING_SIM_IIO },
	[KTHING_SIM_THERMAL] = { 40000, 60000, KTHING_SIM_THERMAL_ZONE },
};

/**
 * kthing_sim_env_init() - start the waveforms now
 * @env: the environment
 */
void kthing_sim_env_init(struct kthing_sim_env *env)
{
	env->epoch = ktime_get();
	mutex_init(&env->lock);
}

static int kthing_sim_env_waveform(struct kthing_sim_env *env,
				   enum kthing_sim_quantity quantity)
{
	const int low = kthing_sim_quantities[quantity].low;
	const int high = kthing_sim_quantities[quantity].high;
	const u64 half = KTHING_SIM_PERIOD_MS / 2;
	u64 t, rise;

	div64_u64_rem(ktime_ms_delta(ktime_get(), env->epoch),
		      KTHING_SIM_PERIOD_MS, &t);
	rise = t < half ? t : KTHING_SIM_PERIOD_MS - t;

	return low + (int)div64_u64((u64)(high - low) * rise, half);
}

static int kthing_sim_env_value_locked(struct kthing_sim_env *env,
				       enum kthing_sim_quantity quantity)
{
	lockdep_assert_held(&env->lock);

	if (test_bit(quantity, env->hold))
		return env->held[quantity];
	return kthing_sim_env_waveform(env, quantity);
}

/**
 * kthing_sim_env_value() - what a quantity is now, failing or not
 * @env: the environment
 * @quantity: which quantity
 *
 * Return: the held value, or the waveform's value now.
 */
int kthing_sim_env_value(struct kthing_sim_env *env,
			 enum kthing_sim_quantity quantity)
{
	int value;

	mutex_lock(&env->lock);
	value = kthing_sim_env_value_locked(env, quantity);
	mutex_unlock(&env->lock);

	return value;
}

/**
 * kthing_sim_env_read() - what a provider measures
 * @env: the environment
 * @quantity: which quantity
 * @value: the value measured
 *
 * Return: 0, or -EIO while the quantity's provider is made to fail.
 */
int kthing_sim_env_read(struct kthing_sim_env *env,
			enum kthing_sim_quantity quantity, int *value)
{
	int ret = 0;

	mutex_lock(&env->lock);
	if (test_bit(kthing_sim_quantities[quantity].provider, env->failing))
		ret = -EIO;
	else
		*value = kthing_sim_env_value_locked(env, quantity);
	mutex_unlock(&env->lock);

	return ret;
}

/**
 * kthing_sim_env_hold() - hold a quantity at a value
 * @env: the environment
 * @quantity: which quantity
 * @value: the value, in the quantity's units
 */
void kthing_sim_env_hold(struct kthing_sim_env *env,
			 enum kthing_sim_quantity quantity, int value)
{
	mutex_lock(&env->lock);
	env->held[quantity] = value;
	__set_bit(quantity, env->hold);
	mutex_unlock(&env->lock);
}

/**
 * kthing_sim_env_release() - let a quantity follow its waveform again
 * @env: the environment
 * @quantity: which quantity
 */
void kthing_sim_env_release(struct kthing_sim_env *env,
			    enum kthing_sim_quantity quantity)
{
	mutex_lock(&env->lock);
	__clear_bit(quantity, env->hold);
	mutex_unlock(&env->lock);
}

/**
 * kthing_sim_env_set_fail() - make a provider's reads fail, or stop that
 * @env: the environment
 * @provider: which provider
 * @fail: whether its reads fail with -EIO
 */
void kthing_sim_env_set_fail(struct kthing_sim_env *env,
			     enum kthing_sim_provider provider, bool fail)
{
	mutex_lock(&env->lock);
	__assign_bit(provider, env->failing, fail);
	mutex_unlock(&env->lock);
}

/**
 * kthing_sim_env_get_fail() - whether a provider's reads fail
 * @env: the environment
 * @provider: which provider
 *
 * Return: true while its reads fail with -EIO.
 */
bool kthing_sim_env_get_fail(struct kthing_sim_env *env,
			     enum kthing_sim_provider provider)
{
	bool fail;

	mutex_lock(&env->lock);
	fail = test_bit(provider, env->failing);
	mutex_unlock(&env->lock);

	return fail;
}
