// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the event listener and the request socket share: connecting to the
 * kthing generic netlink family and decoding its attributes.
 */
#include <errno.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "internal.h"

struct nla_policy libkthing_policy[KTHING_A_MAX + 1] = {
	[KTHING_A_THING_ID] = { .type = NLA_U32 },
	[KTHING_A_THING_NAME] = { .type = NLA_STRING,
				  .maxlen = KTHING_NAME_SIZE },
	[KTHING_A_THING_NUM_CHANNELS] = { .type = NLA_U32 },
	[KTHING_A_SEQ] = { .type = NLA_U64 },
	[KTHING_A_TIMESTAMP] = { .type = NLA_U64 },
	[KTHING_A_CHANNEL_INDEX] = { .type = NLA_U32 },
	[KTHING_A_CHANNEL_NAME] = { .type = NLA_STRING,
				    .maxlen = KTHING_NAME_SIZE },
	[KTHING_A_KIND] = { .type = NLA_U32 },
	[KTHING_A_TYPE] = { .type = NLA_U32 },
	[KTHING_A_BACKEND] = { .type = NLA_U32 },
	[KTHING_A_UNIT] = { .type = NLA_STRING, .maxlen = KTHING_UNIT_SIZE },
	[KTHING_A_EXPONENT] = { .type = NLA_S32 },
	[KTHING_A_LIMIT_MIN] = { .type = NLA_S64 },
	[KTHING_A_LIMIT_MAX] = { .type = NLA_S64 },
	[KTHING_A_VALUE] = { .type = NLA_S64 },
	[KTHING_A_VALUE_FLAGS] = { .type = NLA_U32 },
	[KTHING_A_SOURCE] = { .type = NLA_U32 },
	[KTHING_A_ERRNO] = { .type = NLA_U32 },
	[KTHING_A_CONFIG_FLAGS] = { .type = NLA_U32 },
	[KTHING_A_CONFIG_SAMPLE_PERIOD_MS] = { .type = NLA_U32 },
	[KTHING_A_CONFIG_REPORT_INTERVAL_MS] = { .type = NLA_U32 },
	[KTHING_A_CONFIG_DEADBAND] = { .type = NLA_S64 },
};

int libkthing_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:
		return 0;
	case NLE_INTR:
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_TRUNC:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOATTR:
		return -ENODATA;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	}
	return -EIO;
}

int libkthing_genl_connect(struct nl_sock **skp, int *familyp)
{
	struct nl_sock *sk;
	int err, family;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = genl_connect(sk);
	if (err < 0)
		goto err_free;
	family = genl_ctrl_resolve(sk, KTHING_GENL_NAME);
	if (family < 0) {
		err = family;
		goto err_free;
	}
	*skp = sk;
	*familyp = family;
	return 0;

err_free:
	nl_socket_free(sk);
	return libkthing_errno(err);
}

void libkthing_copy_string(char *dst, size_t size, const struct nlattr *attr)
{
	size_t len;

	dst[0] = '\0';
	if (!attr)
		return;
	len = strnlen(nla_data(attr), nla_len(attr));
	if (len >= size)
		len = size - 1;
	memcpy(dst, nla_data(attr), len);
	dst[len] = '\0';
}

static uint32_t get_u32(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static int64_t get_s64(const struct nlattr *attr)
{
	return attr ? nla_get_s64(attr) : 0;
}

void libkthing_parse_channel(struct nlattr **tb,
			     struct kthing_channel_state *state)
{
	struct kthing_channel *ch = &state->channel;
	struct kthing_reading *r = &state->reading;

	memset(state, 0, sizeof(*state));
	state->thing_id = get_u32(tb[KTHING_A_THING_ID]);
	libkthing_copy_string(state->thing_name, sizeof(state->thing_name),
			      tb[KTHING_A_THING_NAME]);

	ch->index = get_u32(tb[KTHING_A_CHANNEL_INDEX]);
	libkthing_copy_string(ch->name, sizeof(ch->name),
			      tb[KTHING_A_CHANNEL_NAME]);
	libkthing_copy_string(ch->unit, sizeof(ch->unit), tb[KTHING_A_UNIT]);
	ch->kind = get_u32(tb[KTHING_A_KIND]);
	ch->type = get_u32(tb[KTHING_A_TYPE]);
	ch->backend = get_u32(tb[KTHING_A_BACKEND]);
	ch->exponent = tb[KTHING_A_EXPONENT] ?
		       nla_get_s32(tb[KTHING_A_EXPONENT]) : 0;
	ch->min = get_s64(tb[KTHING_A_LIMIT_MIN]);
	ch->max = get_s64(tb[KTHING_A_LIMIT_MAX]);
	ch->events = get_u32(tb[KTHING_A_CONFIG_FLAGS]) & KTHING_CONFIG_F_EVENTS;
	ch->sample_period_ms = get_u32(tb[KTHING_A_CONFIG_SAMPLE_PERIOD_MS]);
	ch->report_interval_ms =
		get_u32(tb[KTHING_A_CONFIG_REPORT_INTERVAL_MS]);
	ch->deadband = get_s64(tb[KTHING_A_CONFIG_DEADBAND]);

	r->index = ch->index;
	r->value = get_s64(tb[KTHING_A_VALUE]);
	r->exponent = ch->exponent;
	r->stale = get_u32(tb[KTHING_A_VALUE_FLAGS]) & KTHING_VALUE_F_STALE;
	r->timestamp_ns = tb[KTHING_A_TIMESTAMP] ?
			  nla_get_u64(tb[KTHING_A_TIMESTAMP]) : 0;
}
