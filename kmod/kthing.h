/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kthing core: things, channels and what the core's files share.
 *
 * Lock order, outermost first:
 *   configfs su_mutex -> kthing_cfs_thing.lock -> kthing_list_lock ->
 *   kthing.live_sem -> kthing_channel.lock -> kthing.event_lock
 * configfs takes su_mutex around make_item and drop_item, and a thing's
 * live_store takes it before the thing's lock (kmod/configfs.c).
 */
#ifndef _KTHING_KTHING_H
#define _KTHING_KTHING_H

#include <linux/export.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "backend.h"

/*
 * What the KUnit tests (kmod/tests) reach: exported in the
 * EXPORTED_FOR_KUNIT_TESTING namespace, and only on kernels with KUnit.
 * Kernels older than <kunit/visibility.h> get the same definitions here.
 */
#ifdef KTHING_HAVE_KUNIT_VISIBILITY
#include <kunit/visibility.h>
#elif IS_ENABLED(CONFIG_KUNIT)
#define VISIBLE_IF_KUNIT
/* Into the namespace the tests import. */
#define EXPORT_SYMBOL_IF_KUNIT(symbol) \
	EXPORT_SYMBOL_NS(symbol, EXPORTED_FOR_KUNIT_TESTING)
#else
#define VISIBLE_IF_KUNIT static
/* Nothing to export. */
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

struct device;
struct kthing;

/**
 * struct kthing_channel - one sensor or actuator of a live thing
 * @thing: the thing the channel belongs to
 * @index: the channel's index within @thing
 * @desc: the channel as configured; @desc.config is protected by @lock
 * @ops: the channel's backend
 * @priv: backend data (kthing_channel_set_priv())
 * @label: "thing/channel", for kernel messages and consumer labels
 * @bound: @ops->bind succeeded and @ops->unbind is still due
 * @lock: serialises the backend's read and write calls on this channel and
 *	protects @desc.config, @value, @timestamp_ns, @stale, @reported,
 *	@have_reported, @faulted and @work_stop
 * @value: latest value read, sampled or applied (scaled units)
 * @timestamp_ns: when @value was read, sampled or applied
 * @stale: @value has never been sampled
 * @reported: value of the latest event of this channel
 * @have_reported: @reported holds a value (deadband reference)
 * @faulted: the latest backend access failed (a fault event was sent)
 * @work_stop: set on tear-down: the works below must not re-arm
 * @poll_work: samples a polled channel every config.sample_period_ms
 * @report_work: reports the value every config.report_interval_ms
 */
struct kthing_channel {
	struct kthing *thing;
	unsigned int index;
	struct kthing_channel_desc desc;
	const struct kthing_backend_ops *ops;
	void *priv;
	char label[2 * KTHING_NAME_SIZE];
	bool bound;

	struct mutex lock;	/* backend calls, value state, config */
	s64 value;
	u64 timestamp_ns;
	bool stale;
	s64 reported;
	bool have_reported;
	bool faulted;
	bool work_stop;

	struct delayed_work poll_work;
	struct delayed_work report_work;
};

/**
 * struct kthing - a live thing
 * @ref: references: the creator's (until kthing_remove()), one per open
 *	descriptor, and short-lived ones taken by netlink and lookups
 * @node: entry in the list of live things, sorted by @id; protected by
 *	kthing_list_lock
 * @name: the thing's name
 * @id: N of /dev/kthingN; unique among live things
 * @parent: the device the thing was made from, or NULL
 * @dev: the class device behind /dev/kthingN while the thing is live
 * @live_sem: readers are operations that use the backends (ioctls, netlink
 *	requests); the writer is kthing_remove(), which sets @dead under it
 * @dead: the thing was removed; every operation fails with -ENODEV.
 *	Written under @live_sem held for writing; read under @live_sem or,
 *	for poll(), locklessly after being woken through @wait
 * @wait: poll() waiters, woken when the thing dies
 * @event_lock: orders the thing's events: protects @seq, @announced and
 *	@removed, and is held while an event is built and sent so that events
 *	leave in @seq order
 * @seq: sequence number of the thing's latest event
 * @announced: THING_ADDED was sent; no channel event may precede it
 * @removed: THING_REMOVED was sent; no event may follow it
 * @num_channels: number of entries of @channels
 * @channels: the channels
 */
struct kthing {
	struct kref ref;
	struct list_head node;
	char name[KTHING_NAME_SIZE];
	int id;
	struct device *parent;
	struct device *dev;

	struct rw_semaphore live_sem;
	bool dead;
	wait_queue_head_t wait;

	struct mutex event_lock;	/* event order: seq, announced, removed */
	u64 seq;
	bool announced;
	bool removed;

	unsigned int num_channels;
	struct kthing_channel channels[];
};

/* The most things that can be live at once; ids are 0 .. this - 1. */
#define KTHING_MAX_THINGS	256

/* Sampling period of polled channels when none was configured. */
#define KTHING_DEFAULT_SAMPLE_PERIOD_MS	1000

/* thing.c: lifecycle and registry */
extern struct mutex kthing_list_lock;
extern struct list_head kthing_list;
extern unsigned long kthing_generation;

struct kthing *kthing_create(const char *name,
			     const struct kthing_channel_desc *descs,
			     unsigned int num, struct device *parent);
void kthing_remove(struct kthing *thing);
void kthing_put(struct kthing *thing);
struct kthing *kthing_get_by_id(u32 id);
struct kthing *kthing_get_by_name(const char *name);
int kthing_validate_name(const char *name);
bool kthing_text_printable(const char *text, size_t len);
const char *kthing_kind_name(u32 kind);
const char *kthing_type_name(u32 type);
int kthing_parse_kind(const char *name, u32 *kind);
int kthing_parse_type(const char *name, u32 *type);
int kthing_validate_config(const struct kthing_channel_desc *desc,
			   const struct kthing_channel_config *config,
			   const char **why);
const struct kthing_backend_ops *kthing_backend_by_id(u32 id);
const struct kthing_backend_ops *kthing_backend_by_name(const char *name);

/* sampling.c: reading, writing, polling, deadband, periodic reports */
int kthing_channel_read(struct kthing_channel *ch, s64 *value, u64 *ts,
			u32 *flags);
int kthing_channel_write(struct kthing_channel *ch, s64 value, u32 source,
			 s64 *applied, u64 *ts);
int kthing_channel_check_value(struct kthing_channel *ch, s64 value);
#if IS_ENABLED(CONFIG_KUNIT)
bool kthing_outside_deadband(struct kthing_channel *ch, s64 value);
#endif
void kthing_channel_get_config(struct kthing_channel *ch,
			       struct kthing_channel_config *config);
int kthing_channel_set_config(struct kthing_channel *ch,
			      const struct kthing_channel_config *config);
void kthing_channel_init_sampling(struct kthing_channel *ch);
void kthing_sampling_start(struct kthing *thing);
void kthing_sampling_stop(struct kthing *thing);
int kthing_sampling_init(void);
void kthing_sampling_exit(void);

/* chardev.c: /dev/kthingN */
int kthing_chardev_add(struct kthing *thing);
void kthing_chardev_remove(struct kthing *thing);
int kthing_chardev_init(void);
void kthing_chardev_exit(void);

/* netlink.c: the "kthing" generic netlink family and its events */
void kthing_notify_thing(struct kthing *thing, u8 cmd);
void kthing_notify_value(struct kthing_channel *ch, u8 cmd, s64 value,
			 u64 ts, u32 source);
void kthing_notify_fault(struct kthing_channel *ch, int err);
int kthing_netlink_init(void);
void kthing_netlink_exit(void);

/* configfs.c */
int kthing_configfs_init(void);
void kthing_configfs_exit(void);

/* fwnode.c: things described by firmware nodes */
int kthing_fwnode_init(void);
void kthing_fwnode_exit(void);

#endif /* _KTHING_KTHING_H */
