// SPDX-License-Identifier: GPL-2.0
/*
 * The "kthing" generic netlink family: things and channels on request,
 * actuator writes, and the "events" multicast group. The protocol is
 * described in include/uapi/linux/kthing.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/nospec.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "kthing.h"

/*
 * Joining "events" needs CAP_NET_ADMIN. Kernels that know
 * GENL_MCAST_CAP_NET_ADMIN ignore GENL_UNS_ADMIN_PERM on groups; older ones
 * only know the latter.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define KTHING_MCGRP_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define KTHING_MCGRP_ADMIN	GENL_UNS_ADMIN_PERM
#endif

enum kthing_mcgrp {
	KTHING_MCGRP_EVENTS,
};

static const struct genl_multicast_group kthing_mcgrps[] = {
	[KTHING_MCGRP_EVENTS] = {
		.name = KTHING_GENL_MCGRP_EVENTS,
		.flags = KTHING_MCGRP_ADMIN,
	},
};

static const struct nla_policy kthing_thing_policy[KTHING_A_THING_NAME + 1] = {
	[KTHING_A_THING_ID] = { .type = NLA_U32 },
	[KTHING_A_THING_NAME] = { .type = NLA_NUL_STRING,
				  .len = KTHING_NAME_SIZE - 1 },
};

static const struct nla_policy kthing_channel_policy[KTHING_A_CHANNEL_NAME + 1] = {
	[KTHING_A_THING_ID] = { .type = NLA_U32 },
	[KTHING_A_THING_NAME] = { .type = NLA_NUL_STRING,
				  .len = KTHING_NAME_SIZE - 1 },
	[KTHING_A_CHANNEL_INDEX] = { .type = NLA_U32 },
	[KTHING_A_CHANNEL_NAME] = { .type = NLA_NUL_STRING,
				    .len = KTHING_NAME_SIZE - 1 },
};

static const struct nla_policy kthing_set_policy[KTHING_A_VALUE + 1] = {
	[KTHING_A_THING_ID] = { .type = NLA_U32 },
	[KTHING_A_THING_NAME] = { .type = NLA_NUL_STRING,
				  .len = KTHING_NAME_SIZE - 1 },
	[KTHING_A_CHANNEL_INDEX] = { .type = NLA_U32 },
	[KTHING_A_CHANNEL_NAME] = { .type = NLA_NUL_STRING,
				    .len = KTHING_NAME_SIZE - 1 },
	[KTHING_A_VALUE] = { .type = NLA_S64 },
};

static struct genl_family kthing_genl_family;

/* Whether anyone listens to events; the messages are not built otherwise. */
static bool kthing_has_listeners(void)
{
	return genl_has_listeners(&kthing_genl_family, &init_net,
				  KTHING_MCGRP_EVENTS);
}

static int kthing_put_thing(struct sk_buff *skb, struct kthing *thing)
{
	if (nla_put_u32(skb, KTHING_A_THING_ID, thing->id) ||
	    nla_put_string(skb, KTHING_A_THING_NAME, thing->name))
		return -EMSGSIZE;
	return 0;
}

static int kthing_put_channel_id(struct sk_buff *skb,
				 struct kthing_channel *ch)
{
	if (nla_put_u32(skb, KTHING_A_CHANNEL_INDEX, ch->index) ||
	    nla_put_string(skb, KTHING_A_CHANNEL_NAME, ch->desc.name))
		return -EMSGSIZE;
	return 0;
}

static size_t kthing_thing_size(struct kthing *thing)
{
	return nla_total_size(sizeof(u32)) +			/* THING_ID */
	       nla_total_size(strlen(thing->name) + 1);		/* THING_NAME */
}

static size_t kthing_channel_id_size(struct kthing_channel *ch)
{
	return nla_total_size(sizeof(u32)) +			/* CHANNEL_INDEX */
	       nla_total_size(strlen(ch->desc.name) + 1);	/* CHANNEL_NAME */
}

/*
 * Count the next event of @thing and, when anyone listens, start its message,
 * with room for @payload bytes of attributes after the common ones. Sized
 * exactly, not NLMSG_GOODSIZE: multicast would copy each oversized message
 * into a trimmed one before queueing it.
 * Returns NULL when there is nothing to send. The sequence number is taken
 * either way, so an event that could not be built reaches listeners as a gap.
 */
static struct sk_buff *kthing_event_new(struct kthing *thing, u8 cmd, u64 ts,
					size_t payload, void **hdr)
{
	struct sk_buff *skb;

	lockdep_assert_held(&thing->event_lock);
	thing->seq++;
	if (!kthing_has_listeners())
		return NULL;

	skb = genlmsg_new(kthing_thing_size(thing) +
			  nla_total_size_64bit(sizeof(u64)) +	/* SEQ */
			  nla_total_size_64bit(sizeof(u64)) +	/* TIMESTAMP */
			  payload, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &kthing_genl_family, 0, cmd);
	if (!*hdr || kthing_put_thing(skb, thing) ||
	    nla_put_u64_64bit(skb, KTHING_A_SEQ, thing->seq, KTHING_A_PAD) ||
	    nla_put_u64_64bit(skb, KTHING_A_TIMESTAMP, ts, KTHING_A_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void kthing_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&kthing_genl_family, skb, 0, KTHING_MCGRP_EVENTS,
			  GFP_KERNEL);
}

/**
 * kthing_notify_thing() - announce that a thing went live or was removed
 * @thing: the thing
 * @cmd: KTHING_CMD_THING_ADDED or KTHING_CMD_THING_REMOVED
 *
 * THING_ADDED opens the thing's events and THING_REMOVED closes them: no
 * channel event is sent before the one or after the other.
 *
 * Context: process context.
 */
void kthing_notify_thing(struct kthing *thing, u8 cmd)
{
	struct sk_buff *skb;
	void *hdr;

	mutex_lock(&thing->event_lock);
	if (thing->removed)
		goto out_unlock;
	if (cmd == KTHING_CMD_THING_ADDED)
		thing->announced = true;
	else
		thing->removed = true;
	skb = kthing_event_new(thing, cmd, ktime_get_ns(),
			       nla_total_size(sizeof(u32)),	/* NUM_CHANNELS */
			       &hdr);
	if (!skb)
		goto out_unlock;
	if (cmd == KTHING_CMD_THING_ADDED &&
	    nla_put_u32(skb, KTHING_A_THING_NUM_CHANNELS, thing->num_channels)) {
		nlmsg_free(skb);
		goto out_unlock;
	}
	kthing_event_send(skb, hdr);
out_unlock:
	mutex_unlock(&thing->event_lock);
}

/**
 * kthing_notify_value() - announce a sample or an applied value
 * @ch: the channel
 * @cmd: KTHING_CMD_SAMPLE or KTHING_CMD_APPLIED
 * @value: the value (scaled units)
 * @ts: when it was sampled or applied
 * @source: enum kthing_source, for KTHING_CMD_APPLIED
 *
 * Context: process context.
 */
void kthing_notify_value(struct kthing_channel *ch, u8 cmd, s64 value,
			 u64 ts, u32 source)
{
	struct kthing *thing = ch->thing;
	struct sk_buff *skb;
	void *hdr;

	mutex_lock(&thing->event_lock);
	if (!thing->announced || thing->removed)
		goto out_unlock;
	skb = kthing_event_new(thing, cmd, ts,
			       kthing_channel_id_size(ch) +
			       nla_total_size_64bit(sizeof(s64)) +	/* VALUE */
			       nla_total_size(sizeof(s32)) +		/* EXPONENT */
			       nla_total_size(sizeof(u32)),		/* SOURCE */
			       &hdr);
	if (!skb)
		goto out_unlock;
	if (kthing_put_channel_id(skb, ch) ||
	    nla_put_s64(skb, KTHING_A_VALUE, value, KTHING_A_PAD) ||
	    nla_put_s32(skb, KTHING_A_EXPONENT, ch->desc.exponent) ||
	    (cmd == KTHING_CMD_APPLIED &&
	     nla_put_u32(skb, KTHING_A_SOURCE, source))) {
		nlmsg_free(skb);
		goto out_unlock;
	}
	kthing_event_send(skb, hdr);
out_unlock:
	mutex_unlock(&thing->event_lock);
}

/**
 * kthing_notify_fault() - announce that a channel could not be accessed
 * @ch: the channel
 * @err: the negative errno
 *
 * Context: process context.
 */
void kthing_notify_fault(struct kthing_channel *ch, int err)
{
	struct kthing *thing = ch->thing;
	struct sk_buff *skb;
	void *hdr;

	mutex_lock(&thing->event_lock);
	if (!thing->announced || thing->removed)
		goto out_unlock;
	skb = kthing_event_new(thing, KTHING_CMD_FAULT, ktime_get_ns(),
			       kthing_channel_id_size(ch) +
			       nla_total_size(sizeof(u32)),		/* ERRNO */
			       &hdr);
	if (!skb)
		goto out_unlock;
	if (kthing_put_channel_id(skb, ch) ||
	    nla_put_u32(skb, KTHING_A_ERRNO, -err)) {
		nlmsg_free(skb);
		goto out_unlock;
	}
	kthing_event_send(skb, hdr);
out_unlock:
	mutex_unlock(&thing->event_lock);
}

static u64 kthing_seq(struct kthing *thing)
{
	u64 seq;

	mutex_lock(&thing->event_lock);
	seq = thing->seq;
	mutex_unlock(&thing->event_lock);
	return seq;
}

static int kthing_fill_thing(struct sk_buff *skb, struct kthing *thing,
			     u32 portid, u32 seq, int flags,
			     struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kthing_genl_family, flags,
			  KTHING_CMD_GET_THING);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (kthing_put_thing(skb, thing) ||
	    nla_put_u32(skb, KTHING_A_THING_NUM_CHANNELS,
			thing->num_channels) ||
	    nla_put_u64_64bit(skb, KTHING_A_SEQ, kthing_seq(thing),
			      KTHING_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * struct kthing_nl_value - a channel's value for a reply
 * @valid: a value was read; the other fields are set
 * @value: the value
 * @ts: its timestamp
 * @flags: KTHING_VALUE_F_* flags
 */
struct kthing_nl_value {
	bool valid;
	s64 value;
	u64 ts;
	u32 flags;
};

/* Read @ch's value for a reply; thing->live_sem held, thing not dead. */
static void kthing_nl_read(struct kthing_channel *ch,
			   struct kthing_nl_value *val)
{
	val->valid = !kthing_channel_read(ch, &val->value, &val->ts,
					  &val->flags);
}

static int kthing_fill_channel(struct sk_buff *skb, struct kthing_channel *ch,
			       const struct kthing_nl_value *val, u32 portid,
			       u32 seq, int flags, struct netlink_callback *cb)
{
	const struct kthing_channel_desc *desc = &ch->desc;
	struct kthing_channel_config config;
	void *hdr;

	kthing_channel_get_config(ch, &config);
	hdr = genlmsg_put(skb, portid, seq, &kthing_genl_family, flags,
			  KTHING_CMD_GET_CHANNEL);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (kthing_put_thing(skb, ch->thing) ||
	    kthing_put_channel_id(skb, ch) ||
	    nla_put_u32(skb, KTHING_A_KIND, desc->kind) ||
	    nla_put_u32(skb, KTHING_A_TYPE, desc->type) ||
	    nla_put_u32(skb, KTHING_A_BACKEND, desc->backend) ||
	    nla_put_string(skb, KTHING_A_UNIT, desc->unit) ||
	    nla_put_s32(skb, KTHING_A_EXPONENT, desc->exponent) ||
	    nla_put_s64(skb, KTHING_A_LIMIT_MIN, desc->min, KTHING_A_PAD) ||
	    nla_put_s64(skb, KTHING_A_LIMIT_MAX, desc->max, KTHING_A_PAD) ||
	    nla_put_u32(skb, KTHING_A_CONFIG_FLAGS, config.flags) ||
	    nla_put_u32(skb, KTHING_A_CONFIG_SAMPLE_PERIOD_MS,
			config.sample_period_ms) ||
	    nla_put_u32(skb, KTHING_A_CONFIG_REPORT_INTERVAL_MS,
			config.report_interval_ms) ||
	    nla_put_s64(skb, KTHING_A_CONFIG_DEADBAND, config.deadband,
			KTHING_A_PAD))
		goto err_cancel;
	if (val->valid &&
	    (nla_put_s64(skb, KTHING_A_VALUE, val->value, KTHING_A_PAD) ||
	     nla_put_u64_64bit(skb, KTHING_A_TIMESTAMP, val->ts, KTHING_A_PAD) ||
	     nla_put_u32(skb, KTHING_A_VALUE_FLAGS, val->flags)))
		goto err_cancel;
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * The thing a request names by id or name (both must agree), with a
 * reference; NULL with an extack message if there is none.
 */
static struct kthing *kthing_nl_get_thing(struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *id_attr = attrs[KTHING_A_THING_ID];
	struct nlattr *name_attr = attrs[KTHING_A_THING_NAME];
	struct kthing *thing;

	if (id_attr) {
		thing = kthing_get_by_id(nla_get_u32(id_attr));
		if (!thing) {
			NL_SET_ERR_MSG_ATTR(extack, id_attr,
					    "no live thing has this id");
			return ERR_PTR(-ENOENT);
		}
		if (name_attr && nla_strcmp(name_attr, thing->name)) {
			kthing_put(thing);
			NL_SET_ERR_MSG_ATTR(extack, name_attr,
					    "the thing of this id has another name");
			return ERR_PTR(-EINVAL);
		}
		return thing;
	}
	if (name_attr) {
		thing = kthing_get_by_name(nla_data(name_attr));
		if (!thing) {
			NL_SET_ERR_MSG_ATTR(extack, name_attr,
					    "no live thing has this name");
			return ERR_PTR(-ENOENT);
		}
		return thing;
	}
	NL_SET_ERR_MSG(extack, "a thing id or name is required");
	return ERR_PTR(-EINVAL);
}

/* The channel a request names by index or name (both must agree). */
static struct kthing_channel *
kthing_nl_get_channel(struct kthing *thing, struct nlattr **attrs,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *index_attr = attrs[KTHING_A_CHANNEL_INDEX];
	struct nlattr *name_attr = attrs[KTHING_A_CHANNEL_NAME];
	struct kthing_channel *ch;
	unsigned int i;

	if (index_attr) {
		i = nla_get_u32(index_attr);
		if (i >= thing->num_channels) {
			NL_SET_ERR_MSG_ATTR(extack, index_attr,
					    "channel index out of range");
			return ERR_PTR(-EINVAL);
		}
		ch = &thing->channels[array_index_nospec(i,
							 thing->num_channels)];
		if (name_attr && nla_strcmp(name_attr, ch->desc.name)) {
			NL_SET_ERR_MSG_ATTR(extack, name_attr,
					    "the channel of this index has another name");
			return ERR_PTR(-EINVAL);
		}
		return ch;
	}
	if (name_attr) {
		for (i = 0; i < thing->num_channels; i++)
			if (!nla_strcmp(name_attr, thing->channels[i].desc.name))
				return &thing->channels[i];
		NL_SET_ERR_MSG_ATTR(extack, name_attr,
				    "the thing has no channel of this name");
		return ERR_PTR(-ENOENT);
	}
	NL_SET_ERR_MSG(extack, "a channel index or name is required");
	return ERR_PTR(-EINVAL);
}

static int kthing_nl_get_thing_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct kthing *thing;
	struct sk_buff *msg;
	int ret;

	thing = kthing_nl_get_thing(info->attrs, info->extack);
	if (IS_ERR(thing))
		return PTR_ERR(thing);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = kthing_fill_thing(msg, thing, info->snd_portid, info->snd_seq,
				0, NULL);
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	ret = genlmsg_reply(msg, info);
out_put:
	kthing_put(thing);
	return ret;
}

/* cb->args[] of dumps */
enum {
	KTHING_DUMP_NEXT_ID,		/* first thing id not dumped yet */
	KTHING_DUMP_NEXT_CHANNEL,	/* first channel of it not dumped yet */
	KTHING_DUMP_FILTER,		/* 1 + the id of the only thing to dump */
};

/*
 * The first live thing whose id is at least @id (and is the filter's, if
 * any), with a reference; records the generation for NLM_F_DUMP_INTR.
 */
static struct kthing *kthing_dump_next(struct netlink_callback *cb, long id)
{
	long filter = cb->args[KTHING_DUMP_FILTER];
	struct kthing *thing, *found = NULL;

	mutex_lock(&kthing_list_lock);
	cb->seq = kthing_generation;
	list_for_each_entry(thing, &kthing_list, node) {
		if (thing->id < id || (filter && thing->id != filter - 1))
			continue;
		kref_get(&thing->ref);
		found = thing;
		break;
	}
	mutex_unlock(&kthing_list_lock);
	return found;
}

static int kthing_nl_get_thing_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct kthing *thing;
	int ret = 0;

	while ((thing = kthing_dump_next(cb, cb->args[KTHING_DUMP_NEXT_ID]))) {
		ret = kthing_fill_thing(skb, thing,
					NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (!ret)
			cb->args[KTHING_DUMP_NEXT_ID] = thing->id + 1;
		kthing_put(thing);
		if (ret)
			break;
	}
	/* A full buffer ends this part; the dump goes on in the next one. */
	return ret && skb->len ? skb->len : ret;
}

/* Parse the optional thing filter of a channel dump. */
static int kthing_nl_get_channel_start(struct netlink_callback *cb)
{
	struct nlattr *attrs[KTHING_A_CHANNEL_NAME + 1];
	struct kthing *thing;
	int ret;

	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, KTHING_A_CHANNEL_NAME,
			  kthing_channel_policy, cb->extack);
	if (ret)
		return ret;
	if (attrs[KTHING_A_CHANNEL_INDEX] || attrs[KTHING_A_CHANNEL_NAME]) {
		NL_SET_ERR_MSG(cb->extack,
			       "a dump takes no channel: request one channel without NLM_F_DUMP");
		return -EINVAL;
	}
	if (!attrs[KTHING_A_THING_ID] && !attrs[KTHING_A_THING_NAME])
		return 0;
	thing = kthing_nl_get_thing(attrs, cb->extack);
	if (IS_ERR(thing))
		return PTR_ERR(thing);
	cb->args[KTHING_DUMP_FILTER] = thing->id + 1;
	kthing_put(thing);
	return 0;
}

static int kthing_dump_channels(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct kthing *thing)
{
	struct kthing_nl_value val;
	unsigned int i;
	int ret = 0;

	down_read(&thing->live_sem);
	if (thing->dead)
		goto out_unlock;
	for (i = cb->args[KTHING_DUMP_NEXT_CHANNEL]; i < thing->num_channels;
	     i++) {
		kthing_nl_read(&thing->channels[i], &val);
		ret = kthing_fill_channel(skb, &thing->channels[i], &val,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (ret)
			break;
		cb->args[KTHING_DUMP_NEXT_CHANNEL] = i + 1;
	}
out_unlock:
	up_read(&thing->live_sem);
	return ret;
}

static int kthing_nl_get_channel_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	struct kthing *thing;
	int ret = 0;

	while ((thing = kthing_dump_next(cb, cb->args[KTHING_DUMP_NEXT_ID]))) {
		/* The thing changed under the cursor: start it over. */
		if (thing->id != cb->args[KTHING_DUMP_NEXT_ID])
			cb->args[KTHING_DUMP_NEXT_CHANNEL] = 0;
		cb->args[KTHING_DUMP_NEXT_ID] = thing->id;
		ret = kthing_dump_channels(skb, cb, thing);
		kthing_put(thing);
		if (ret)
			break;
		cb->args[KTHING_DUMP_NEXT_ID]++;
		cb->args[KTHING_DUMP_NEXT_CHANNEL] = 0;
	}
	return ret && skb->len ? skb->len : ret;
}

/* Reply to a request about @ch with its description and @val. */
static int kthing_nl_reply_channel(struct genl_info *info,
				   struct kthing_channel *ch,
				   const struct kthing_nl_value *val)
{
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = kthing_fill_channel(msg, ch, val, info->snd_portid,
				  info->snd_seq, 0, NULL);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The channel a request names, of a thing that is alive: on success the
 * caller holds a reference to *@thing and its live_sem for reading, and
 * lets go of both with kthing_nl_leave().
 */
static struct kthing_channel *kthing_nl_enter(struct genl_info *info,
					      struct kthing **thing)
{
	struct kthing_channel *ch;

	*thing = kthing_nl_get_thing(info->attrs, info->extack);
	if (IS_ERR(*thing))
		return ERR_CAST(*thing);
	ch = kthing_nl_get_channel(*thing, info->attrs, info->extack);
	if (IS_ERR(ch))
		goto err_put;
	down_read(&(*thing)->live_sem);
	if ((*thing)->dead) {
		up_read(&(*thing)->live_sem);
		GENL_SET_ERR_MSG(info, "the thing was removed");
		ch = ERR_PTR(-ENODEV);
		goto err_put;
	}
	return ch;

err_put:
	kthing_put(*thing);
	return ch;
}

static void kthing_nl_leave(struct kthing *thing)
{
	up_read(&thing->live_sem);
	kthing_put(thing);
}

static int kthing_nl_get_channel_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct kthing_channel *ch;
	struct kthing_nl_value val;
	struct kthing *thing;
	int ret;

	ch = kthing_nl_enter(info, &thing);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	kthing_nl_read(ch, &val);
	ret = kthing_nl_reply_channel(info, ch, &val);
	kthing_nl_leave(thing);
	return ret;
}

/* Explain why an actuator write was refused. */
static void kthing_nl_write_error(struct netlink_ext_ack *extack,
				  const struct nlattr *attr, int err)
{
	switch (err) {
	case -EPERM:
		NL_SET_ERR_MSG_ATTR(extack, attr, "the channel is a sensor");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG_ATTR(extack, attr, "a bool channel takes 0 or 1");
		break;
	case -ERANGE:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the value is outside the channel's min .. max");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the hardware refused the value");
		break;
	}
}

static int kthing_nl_set_actuator_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr *value_attr = info->attrs[KTHING_A_VALUE];
	struct kthing_nl_value val = { .valid = true };
	struct kthing_channel *ch;
	struct kthing *thing;
	int ret;

	if (!value_attr) {
		GENL_SET_ERR_MSG(info, "KTHING_A_VALUE is required");
		return -EINVAL;
	}
	ch = kthing_nl_enter(info, &thing);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	ret = kthing_channel_write(ch, nla_get_s64(value_attr),
				   KTHING_SOURCE_NETLINK, &val.value, &val.ts);
	if (ret)
		kthing_nl_write_error(info->extack, value_attr, ret);
	else
		ret = kthing_nl_reply_channel(info, ch, &val);
	kthing_nl_leave(thing);
	return ret;
}

static const struct genl_ops kthing_genl_ops[] = {
	{
		.cmd = KTHING_CMD_GET_THING,
		.policy = kthing_thing_policy,
		.maxattr = ARRAY_SIZE(kthing_thing_policy) - 1,
		.doit = kthing_nl_get_thing_doit,
		.dumpit = kthing_nl_get_thing_dumpit,
	},
	{
		.cmd = KTHING_CMD_GET_CHANNEL,
		.policy = kthing_channel_policy,
		.maxattr = ARRAY_SIZE(kthing_channel_policy) - 1,
		.doit = kthing_nl_get_channel_doit,
		.start = kthing_nl_get_channel_start,
		.dumpit = kthing_nl_get_channel_dumpit,
	},
	{
		.cmd = KTHING_CMD_SET_ACTUATOR,
		.policy = kthing_set_policy,
		.maxattr = ARRAY_SIZE(kthing_set_policy) - 1,
		.flags = GENL_ADMIN_PERM,
		.doit = kthing_nl_set_actuator_doit,
	},
};

static struct genl_family kthing_genl_family __ro_after_init = {
	.name = KTHING_GENL_NAME,
	.version = KTHING_GENL_VERSION,
	.module = THIS_MODULE,
	.parallel_ops = true,
	/* A new family: every command is validated strictly. */
	.resv_start_op = 0,
	.ops = kthing_genl_ops,
	.n_ops = ARRAY_SIZE(kthing_genl_ops),
	.mcgrps = kthing_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kthing_mcgrps),
};

/**
 * kthing_netlink_init() - register the generic netlink family
 *
 * Return: 0 or the error of genl_register_family().
 */
int kthing_netlink_init(void)
{
	return genl_register_family(&kthing_genl_family);
}

/**
 * kthing_netlink_exit() - unregister the generic netlink family
 */
void kthing_netlink_exit(void)
{
	genl_unregister_family(&kthing_genl_family);
}
