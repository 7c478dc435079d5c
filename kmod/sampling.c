// SPDX-License-Identifier: GPL-2.0
/*
 * Channel values: reads, actuator writes, polling of sampled sensors,
 * deadband, periodic reports and the events they cause.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "kthing.h"

/* Runs polling and periodic reports; freezable so suspend stops it. */
static struct workqueue_struct *kthing_wq;

/*
 * Whether @value differs enough from the latest reported value to be
 * reported: by more than the deadband, so a deadband of 0 reports every
 * change.
 */
VISIBLE_IF_KUNIT bool kthing_outside_deadband(struct kthing_channel *ch,
					      s64 value)
{
	u64 moved;

	lockdep_assert_held(&ch->lock);
	if (!ch->have_reported)
		return true;
	if (value >= ch->reported)
		moved = (u64)value - (u64)ch->reported;
	else
		moved = (u64)ch->reported - (u64)value;
	return moved > (u64)ch->desc.config.deadband;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_outside_deadband);

/* Announce @ch's current value as @cmd if events are on; ch->lock held. */
static void kthing_channel_announce(struct kthing_channel *ch, u8 cmd,
				    u32 source)
{
	lockdep_assert_held(&ch->lock);
	ch->reported = ch->value;
	ch->have_reported = true;
	if (ch->desc.config.flags & KTHING_CONFIG_F_EVENTS)
		kthing_notify_value(ch, cmd, ch->value, ch->timestamp_ns,
				    source);
}

/* Record a failed access; the first of a run is announced as a fault. */
static void kthing_channel_failed(struct kthing_channel *ch, int err)
{
	lockdep_assert_held(&ch->lock);
	if (!ch->faulted)
		kthing_notify_fault(ch, err);
	ch->faulted = true;
}

/* Record a fresh value from the hardware; ch->lock held. */
static void kthing_channel_update(struct kthing_channel *ch, s64 value)
{
	lockdep_assert_held(&ch->lock);
	ch->faulted = false;
	if (ch->stale || value != ch->value) {
		ch->value = value;
		ch->timestamp_ns = ktime_get_ns();
	}
	ch->stale = false;
}

/**
 * kthing_channel_read() - the current value of a channel
 * @ch: the channel, of a thing whose live_sem the caller holds, not dead
 * @value: the value
 * @ts: when it was sampled or applied
 * @flags: KTHING_VALUE_F_* flags
 *
 * Polled sensors return their latest sample; other channels are read from
 * the hardware.
 *
 * Return: 0, or the backend's error.
 */
int kthing_channel_read(struct kthing_channel *ch, s64 *value, u64 *ts,
			u32 *flags)
{
	s64 now_value;
	int ret = 0;

	mutex_lock(&ch->lock);
	if (!ch->ops->polled) {
		ret = ch->ops->read(ch, &now_value);
		if (ret)
			goto out_unlock;
		kthing_channel_update(ch, now_value);
	}
	*value = ch->value;
	*ts = ch->timestamp_ns;
	*flags = ch->stale ? KTHING_VALUE_F_STALE : 0;
out_unlock:
	mutex_unlock(&ch->lock);
	return ret;
}

/**
 * kthing_channel_check_value() - check a value to be written to a channel
 * @ch: the channel
 * @value: the value
 *
 * Return: 0, -EPERM for a sensor, -EINVAL for a bool given neither 0 nor 1,
 * -ERANGE for an integer outside the channel's limits.
 */
int kthing_channel_check_value(struct kthing_channel *ch, s64 value)
{
	if (ch->desc.kind != KTHING_KIND_ACTUATOR)
		return -EPERM;
	if (ch->desc.type == KTHING_TYPE_BOOL)
		return value == 0 || value == 1 ? 0 : -EINVAL;
	if (value < ch->desc.min || value > ch->desc.max)
		return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kthing_channel_check_value);

/**
 * kthing_channel_write() - set an actuator
 * @ch: the channel, of a thing whose live_sem the caller holds, not dead
 * @value: the value to apply
 * @source: who asks, enum kthing_source
 * @applied: the value applied
 * @ts: when it was applied
 *
 * Announces the applied value with @source when the channel's events are
 * on, and a fault when the hardware refused it.
 *
 * Return: 0, an error of kthing_channel_check_value() or the backend's.
 */
int kthing_channel_write(struct kthing_channel *ch, s64 value, u32 source,
			 s64 *applied, u64 *ts)
{
	int ret;

	ret = kthing_channel_check_value(ch, value);
	if (ret)
		return ret;

	mutex_lock(&ch->lock);
	ret = ch->ops->write(ch, value);
	if (ret) {
		kthing_channel_failed(ch, ret);
		goto out_unlock;
	}
	ch->faulted = false;
	ch->value = value;
	ch->timestamp_ns = ktime_get_ns();
	ch->stale = false;
	kthing_channel_announce(ch, KTHING_CMD_APPLIED, source);
	*applied = ch->value;
	*ts = ch->timestamp_ns;
out_unlock:
	mutex_unlock(&ch->lock);
	return ret;
}

/**
 * kthing_channel_report() - a backend reports a value that changed
 * @ch: the channel
 * @value: the new value (scaled units)
 *
 * A sensor's value is announced as a sample when it moved by more than the
 * deadband; an actuator's as applied by the hardware when it changed.
 *
 * Context: process context; may sleep.
 */
void kthing_channel_report(struct kthing_channel *ch, s64 value)
{
	bool changed;

	mutex_lock(&ch->lock);
	changed = ch->stale || value != ch->value;
	kthing_channel_update(ch, value);
	if (ch->desc.kind == KTHING_KIND_SENSOR) {
		if (kthing_outside_deadband(ch, value))
			kthing_channel_announce(ch, KTHING_CMD_SAMPLE, 0);
	} else if (changed) {
		kthing_channel_announce(ch, KTHING_CMD_APPLIED,
					KTHING_SOURCE_HARDWARE);
	}
	mutex_unlock(&ch->lock);
}

/**
 * kthing_channel_fault() - a backend reports that its hardware failed
 * @ch: the channel
 * @err: the negative errno
 *
 * Context: process context; may sleep.
 */
void kthing_channel_fault(struct kthing_channel *ch, int err)
{
	mutex_lock(&ch->lock);
	kthing_channel_failed(ch, err);
	mutex_unlock(&ch->lock);
}

static void kthing_poll_work(struct work_struct *work)
{
	struct kthing_channel *ch = container_of(to_delayed_work(work),
						 struct kthing_channel,
						 poll_work);
	s64 value;
	int ret;

	mutex_lock(&ch->lock);
	if (ch->work_stop)
		goto out_unlock;
	ret = ch->ops->read(ch, &value);
	if (ret) {
		kthing_channel_failed(ch, ret);
	} else {
		kthing_channel_update(ch, value);
		if (kthing_outside_deadband(ch, value))
			kthing_channel_announce(ch, KTHING_CMD_SAMPLE, 0);
	}
	queue_delayed_work(kthing_wq, &ch->poll_work,
			   msecs_to_jiffies(ch->desc.config.sample_period_ms));
out_unlock:
	mutex_unlock(&ch->lock);
}

/*
 * Periodic reports: the current value, changed or not, as a sample (for
 * actuators too: a report says what the value is, not that it was applied).
 */
static void kthing_report_work(struct work_struct *work)
{
	struct kthing_channel *ch = container_of(to_delayed_work(work),
						 struct kthing_channel,
						 report_work);
	u32 interval;

	mutex_lock(&ch->lock);
	interval = ch->desc.config.report_interval_ms;
	if (ch->work_stop || !interval)
		goto out_unlock;
	if (!ch->stale)
		kthing_channel_announce(ch, KTHING_CMD_SAMPLE, 0);
	queue_delayed_work(kthing_wq, &ch->report_work,
			   msecs_to_jiffies(interval));
out_unlock:
	mutex_unlock(&ch->lock);
}

/**
 * kthing_channel_get_config() - a channel's current configuration
 * @ch: the channel
 * @config: filled in, index included
 */
void kthing_channel_get_config(struct kthing_channel *ch,
			       struct kthing_channel_config *config)
{
	mutex_lock(&ch->lock);
	*config = ch->desc.config;
	mutex_unlock(&ch->lock);
}

/**
 * kthing_channel_set_config() - change a channel's configuration
 * @ch: the channel, of a thing whose live_sem the caller holds, not dead
 * @config: the new configuration; @config->index and reserved fields are
 *	not used
 *
 * Polling and periodic reports restart with the new periods.
 *
 * Return: 0, or -EINVAL for an invalid configuration.
 */
int kthing_channel_set_config(struct kthing_channel *ch,
			      const struct kthing_channel_config *config)
{
	struct kthing_channel_config *cur = &ch->desc.config;
	const char *why;
	int ret;

	ret = kthing_validate_config(&ch->desc, config, &why);
	if (ret)
		return ret;

	mutex_lock(&ch->lock);
	cur->flags = config->flags;
	cur->deadband = config->deadband;
	if (!ch->work_stop && ch->ops->polled &&
	    cur->sample_period_ms != config->sample_period_ms)
		mod_delayed_work(kthing_wq, &ch->poll_work,
				 msecs_to_jiffies(config->sample_period_ms));
	cur->sample_period_ms = config->sample_period_ms;
	if (!ch->work_stop &&
	    cur->report_interval_ms != config->report_interval_ms) {
		if (config->report_interval_ms)
			mod_delayed_work(kthing_wq, &ch->report_work,
					 msecs_to_jiffies(config->report_interval_ms));
		else
			cancel_delayed_work(&ch->report_work);
	}
	cur->report_interval_ms = config->report_interval_ms;
	mutex_unlock(&ch->lock);
	return 0;
}

/**
 * kthing_channel_init_sampling() - prepare a channel's works
 * @ch: the channel, not yet live
 */
void kthing_channel_init_sampling(struct kthing_channel *ch)
{
	INIT_DELAYED_WORK(&ch->poll_work, kthing_poll_work);
	INIT_DELAYED_WORK(&ch->report_work, kthing_report_work);
}

/**
 * kthing_sampling_start() - start polling and periodic reports of a thing
 * @thing: the thing, just gone live
 */
void kthing_sampling_start(struct kthing *thing)
{
	unsigned int i;

	for (i = 0; i < thing->num_channels; i++) {
		struct kthing_channel *ch = &thing->channels[i];
		u32 interval;

		mutex_lock(&ch->lock);
		interval = ch->desc.config.report_interval_ms;
		if (ch->ops->polled)
			queue_delayed_work(kthing_wq, &ch->poll_work, 0);
		if (interval)
			queue_delayed_work(kthing_wq, &ch->report_work,
					   msecs_to_jiffies(interval));
		mutex_unlock(&ch->lock);
	}
}

/**
 * kthing_sampling_stop() - stop polling and periodic reports of a thing
 * @thing: the thing, being torn down
 *
 * When this returns no work of the thing runs, and none will again.
 */
void kthing_sampling_stop(struct kthing *thing)
{
	unsigned int i;

	for (i = 0; i < thing->num_channels; i++) {
		struct kthing_channel *ch = &thing->channels[i];

		mutex_lock(&ch->lock);
		ch->work_stop = true;
		mutex_unlock(&ch->lock);
		cancel_delayed_work_sync(&ch->poll_work);
		cancel_delayed_work_sync(&ch->report_work);
	}
}

/**
 * kthing_sampling_init() - create the workqueue that polls
 *
 * Return: 0 or -ENOMEM.
 */
int kthing_sampling_init(void)
{
	kthing_wq = alloc_workqueue("kthing", WQ_UNBOUND | WQ_FREEZABLE, 0);
	return kthing_wq ? 0 : -ENOMEM;
}

/**
 * kthing_sampling_exit() - destroy the workqueue that polls
 */
void kthing_sampling_exit(void)
{
	destroy_workqueue(kthing_wq);
}
