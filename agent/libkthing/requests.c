// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests to the kthing family: dumps of things and channels, and setting
 * actuators, with the kernel's extended-ack message kept for the caller.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* How often a dump that things interrupted by coming and going is retried. */
#define DUMP_ATTEMPTS	5

struct kthing_nl {
	struct nl_sock *sk;
	int family;
	char error_message[256];
	bool has_error_message;
};

/* The state of one request while its replies come in. */
struct request {
	struct kthing_nl *nl;
	bool done;
	bool interrupted;
	int error;		/* negative errno from the kernel, or ours */
	/* Replies collected into an array of @elem_size elements. */
	void *items;
	size_t num;
	size_t max;
	size_t elem_size;
	void (*parse)(struct nlattr **tb, void *item);
};

int kthing_nl_open(struct kthing_nl **nlp)
{
	struct kthing_nl *nl;
	int one = 1, err;

	if (!nlp)
		return -EINVAL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	err = libkthing_genl_connect(&nl->sk, &nl->family);
	if (err) {
		free(nl);
		return err;
	}
	/*
	 * Ask for the kernel's error messages, and for errors without a copy
	 * of our request. Kernels without extack ignore both: not fatal.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	*nlp = nl;
	return 0;
}

void kthing_nl_close(struct kthing_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

const char *kthing_nl_error_message(const struct kthing_nl *nl)
{
	return nl->has_error_message ? nl->error_message : NULL;
}

/* Pick NLMSGERR_ATTR_MSG out of an error's trailing attributes. */
static void keep_extack(struct kthing_nl *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t offset = sizeof(*e);
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)offset;
	if (len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + offset), len, NULL) < 0)
		return;
	if (!tb[NLMSGERR_ATTR_MSG])
		return;
	libkthing_copy_string(nl->error_message, sizeof(nl->error_message),
			      tb[NLMSGERR_ATTR_MSG]);
	nl->has_error_message = nl->error_message[0] != '\0';
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;

	(void)who;
	req->error = e->error ? e->error : -EIO;
	keep_extack(req->nl, e);
	req->done = true;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* The end of a dump; a dump that failed on the way says so in NLMSG_DONE. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *req = arg;
	int error;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(error)) {
		memcpy(&error, nlmsg_data(nlh), sizeof(error));
		if (error < 0)
			req->error = error;
	}
	req->done = true;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->interrupted = true;
	return NL_OK;
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlattr *tb[KTHING_A_MAX + 1];
	void *items;
	size_t max;
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, KTHING_A_MAX,
			    libkthing_policy);
	if (err < 0) {
		req->error = -EPROTO;
		return NL_SKIP;
	}
	if (req->num == req->max) {
		max = req->max ? 2 * req->max : 16;
		items = realloc(req->items, max * req->elem_size);
		if (!items) {
			req->error = -ENOMEM;
			return NL_SKIP;
		}
		req->items = items;
		req->max = max;
	}
	req->parse(tb, (char *)req->items + req->num * req->elem_size);
	req->num++;
	return NL_OK;
}

/* Send @msg (consumed) and collect every reply until the ack or the end. */
static int transact(struct kthing_nl *nl, struct nl_msg *msg,
		    struct request *req)
{
	struct nl_cb *cb;
	int err;

	nl->has_error_message = false;
	req->nl = nl;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, req);

	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		err = libkthing_errno(err);
		goto out;
	}
	err = 0;
	/*
	 * Read to the end even after a reply we could not keep, so the next
	 * request does not meet the rest of this one.
	 */
	while (!req->done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !req->done)
			break;
	}
	/* The kernel's own errno beats libnl's translation of it. */
	if (req->error)
		err = req->error;
	else if (err < 0)
		err = libkthing_errno(err);
out:
	nl_cb_put(cb);
	return err;
}

static struct nl_msg *new_request(struct kthing_nl *nl, uint8_t cmd,
				  int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags | NLM_F_ACK, cmd, KTHING_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Run a dump until it completes uninterrupted; the array goes to the caller. */
static int dump(struct kthing_nl *nl, uint8_t cmd, const char *thing,
		struct request *req)
{
	struct nl_msg *msg;
	int attempt, err = 0;

	for (attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		msg = new_request(nl, cmd, NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
		if (thing && nla_put_string(msg, KTHING_A_THING_NAME, thing)) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
		req->num = 0;
		req->done = false;
		req->interrupted = false;
		req->error = 0;
		err = transact(nl, msg, req);
		if (err || !req->interrupted)
			return err;
	}
	return -EAGAIN;
}

static void parse_thing(struct nlattr **tb, void *item)
{
	struct kthing_thing_summary *t = item;

	memset(t, 0, sizeof(*t));
	if (tb[KTHING_A_THING_ID])
		t->id = nla_get_u32(tb[KTHING_A_THING_ID]);
	libkthing_copy_string(t->name, sizeof(t->name),
			      tb[KTHING_A_THING_NAME]);
	if (tb[KTHING_A_THING_NUM_CHANNELS])
		t->num_channels = nla_get_u32(tb[KTHING_A_THING_NUM_CHANNELS]);
	if (tb[KTHING_A_SEQ])
		t->seq = nla_get_u64(tb[KTHING_A_SEQ]);
}

static void parse_channel_state(struct nlattr **tb, void *item)
{
	libkthing_parse_channel(tb, item);
}

int kthing_nl_list_things(struct kthing_nl *nl,
			  struct kthing_thing_summary **thingsp, size_t *nump)
{
	struct request req = {
		.elem_size = sizeof(struct kthing_thing_summary),
		.parse = parse_thing,
	};
	int err;

	err = dump(nl, KTHING_CMD_GET_THING, NULL, &req);
	if (err) {
		free(req.items);
		return err;
	}
	*thingsp = req.items;
	*nump = req.num;
	return 0;
}

int kthing_nl_list_channels(struct kthing_nl *nl, const char *thing,
			    struct kthing_channel_state **channelsp,
			    size_t *nump)
{
	struct request req = {
		.elem_size = sizeof(struct kthing_channel_state),
		.parse = parse_channel_state,
	};
	int err;

	if (thing && !kthing_name_valid(thing))
		return -EINVAL;
	err = dump(nl, KTHING_CMD_GET_CHANNEL, thing, &req);
	if (err) {
		free(req.items);
		return err;
	}
	*channelsp = req.items;
	*nump = req.num;
	return 0;
}

int kthing_nl_set(struct kthing_nl *nl, const char *thing,
		  const char *channel, int64_t value,
		  struct kthing_channel_state *applied)
{
	struct request req = {
		.elem_size = sizeof(struct kthing_channel_state),
		.parse = parse_channel_state,
	};
	struct nl_msg *msg;
	int err;

	if (!kthing_name_valid(thing) || !kthing_name_valid(channel))
		return -EINVAL;
	msg = new_request(nl, KTHING_CMD_SET_ACTUATOR, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, KTHING_A_THING_NAME, thing) ||
	    nla_put_string(msg, KTHING_A_CHANNEL_NAME, channel) ||
	    nla_put_s64(msg, KTHING_A_VALUE, value)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = transact(nl, msg, &req);
	if (!err && applied) {
		if (req.num)
			memcpy(applied, req.items, sizeof(*applied));
		else
			err = -EPROTO;
	}
	free(req.items);
	return err;
}
