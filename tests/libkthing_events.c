// SPDX-License-Identifier: GPL-2.0
/*
 * libkthing's event decoding and loss detection, fed netlink messages made
 * here: every field of every event kind, several events in one datagram,
 * sequence gaps, things coming and going, a resynchronising dump, socket
 * overflows, and malformed messages that must be skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <netlink/genl/genl.h>

#include "../agent/libkthing/internal.h"

#define FAMILY	0x1234

static struct kthing_event got[32];
static size_t num_got;

static void collect(const struct kthing_event *ev, void *arg)
{
	(void)arg;
	assert_true(num_got < 32);
	got[num_got++] = *ev;
}

/* A datagram being built: messages laid end to end. */
static unsigned char datagram[8192];
static size_t datagram_len;

struct fields {
	uint8_t cmd;
	uint32_t id;
	const char *name;
	uint64_t seq;
	bool no_seq;
	const char *channel;
	int64_t value;
	uint32_t source;
	uint32_t error;
};

static void add_message(const struct fields *f)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, f->cmd, 1));
	nla_put_u32(msg, KTHING_A_THING_ID, f->id);
	if (f->name)
		nla_put_string(msg, KTHING_A_THING_NAME, f->name);
	if (!f->no_seq)
		nla_put_u64(msg, KTHING_A_SEQ, f->seq);
	nla_put_u64(msg, KTHING_A_TIMESTAMP, 1000000000ULL + f->seq);
	if (f->cmd == KTHING_CMD_THING_ADDED)
		nla_put_u32(msg, KTHING_A_THING_NUM_CHANNELS, 3);
	if (f->channel) {
		nla_put_u32(msg, KTHING_A_CHANNEL_INDEX, 2);
		nla_put_string(msg, KTHING_A_CHANNEL_NAME, f->channel);
	}
	if (f->cmd == KTHING_CMD_SAMPLE || f->cmd == KTHING_CMD_APPLIED) {
		nla_put_s64(msg, KTHING_A_VALUE, f->value);
		nla_put_s32(msg, KTHING_A_EXPONENT, -1);
	}
	if (f->source)
		nla_put_u32(msg, KTHING_A_SOURCE, f->source);
	if (f->error)
		nla_put_u32(msg, KTHING_A_ERRNO, f->error);

	nlh = nlmsg_hdr(msg);
	assert_true(datagram_len + NLMSG_ALIGN(nlh->nlmsg_len) <= sizeof(datagram));
	memcpy(datagram + datagram_len, nlh, nlh->nlmsg_len);
	datagram_len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlmsg_free(msg);
}

static struct libkthing_stream stream;

static int feed(void)
{
	int n = libkthing_stream_feed(&stream, datagram, datagram_len);

	datagram_len = 0;
	return n;
}

/* Feed one sample of thing @id with sequence number @seq. */
static int sample(uint32_t id, const char *name, uint64_t seq)
{
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = id,
				      .name = name, .seq = seq,
				      .channel = "temperature", .value = 235 });
	return feed();
}

static int setup(void **state)
{
	(void)state;
	num_got = 0;
	datagram_len = 0;
	libkthing_stream_init(&stream, FAMILY, collect, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	libkthing_stream_release(&stream);
	return 0;
}

static void decodes_every_kind(void **state)
{
	(void)state;
	add_message(&(struct fields){ .cmd = KTHING_CMD_THING_ADDED, .id = 4,
				      .name = "greenhouse", .seq = 1 });
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 4,
				      .name = "greenhouse", .seq = 2,
				      .channel = "temperature", .value = -235 });
	add_message(&(struct fields){ .cmd = KTHING_CMD_APPLIED, .id = 4,
				      .name = "greenhouse", .seq = 3,
				      .channel = "fan", .value = 1,
				      .source = KTHING_SOURCE_NETLINK });
	add_message(&(struct fields){ .cmd = KTHING_CMD_FAULT, .id = 4,
				      .name = "greenhouse", .seq = 4,
				      .channel = "temperature", .error = EIO });
	add_message(&(struct fields){ .cmd = KTHING_CMD_THING_REMOVED, .id = 4,
				      .name = "greenhouse", .seq = 5 });
	assert_int_equal(feed(), 5);
	assert_int_equal(num_got, 5);

	assert_int_equal(got[0].type, KTHING_EVENT_THING_ADDED);
	assert_int_equal(got[0].thing_id, 4);
	assert_string_equal(got[0].thing_name, "greenhouse");
	assert_int_equal(got[0].num_channels, 3);
	assert_int_equal(got[0].seq, 1);
	assert_int_equal(got[0].timestamp_ns, 1000000001ULL);

	assert_int_equal(got[1].type, KTHING_EVENT_SAMPLE);
	assert_int_equal(got[1].channel_index, 2);
	assert_string_equal(got[1].channel_name, "temperature");
	assert_int_equal(got[1].value, -235);
	assert_int_equal(got[1].exponent, -1);

	assert_int_equal(got[2].type, KTHING_EVENT_APPLIED);
	assert_string_equal(got[2].channel_name, "fan");
	assert_int_equal(got[2].source, KTHING_SOURCE_NETLINK);

	assert_int_equal(got[3].type, KTHING_EVENT_FAULT);
	assert_int_equal(got[3].error, EIO);

	assert_int_equal(got[4].type, KTHING_EVENT_THING_REMOVED);
	assert_int_equal(got[4].seq, 5);
}

static void reports_a_gap_before_the_event(void **state)
{
	(void)state;
	assert_int_equal(sample(1, "env", 1), 1);
	assert_int_equal(sample(1, "env", 2), 1);
	/* 3 and 4 went missing. */
	assert_int_equal(sample(1, "env", 5), 2);
	assert_int_equal(num_got, 4);
	assert_int_equal(got[2].type, KTHING_EVENT_LOST);
	assert_string_equal(got[2].thing_name, "env");
	assert_int_equal(got[2].thing_id, 1);
	assert_int_equal(got[2].lost, 2);
	assert_int_equal(got[2].seq, 5);
	assert_int_equal(got[3].type, KTHING_EVENT_SAMPLE);
	assert_int_equal(got[3].seq, 5);
	/* And counting goes on from 5. */
	assert_int_equal(sample(1, "env", 6), 1);
}

static void first_event_of_a_thing_is_no_gap(void **state)
{
	(void)state;
	assert_int_equal(sample(7, "late", 100), 1);
	assert_int_equal(got[0].type, KTHING_EVENT_SAMPLE);
}

static void things_are_counted_apart(void **state)
{
	(void)state;
	sample(1, "a", 10);
	sample(2, "b", 50);
	sample(1, "a", 11);
	sample(2, "b", 51);
	assert_int_equal(num_got, 4);
	assert_int_equal(sample(2, "b", 53), 2);
	assert_int_equal(got[4].type, KTHING_EVENT_LOST);
	assert_string_equal(got[4].thing_name, "b");
	assert_int_equal(got[4].lost, 1);
}

static void older_events_are_not_gaps(void **state)
{
	(void)state;
	sample(1, "a", 5);
	/* Late and repeated numbers pass through, without moving the count. */
	assert_int_equal(sample(1, "a", 3), 1);
	assert_int_equal(sample(1, "a", 5), 1);
	assert_int_equal(sample(1, "a", 6), 1);
	assert_int_equal(num_got, 4);
}

static void a_thing_that_comes_back_starts_afresh(void **state)
{
	(void)state;
	sample(3, "door", 40);
	add_message(&(struct fields){ .cmd = KTHING_CMD_THING_REMOVED, .id = 3,
				      .name = "door", .seq = 41 });
	add_message(&(struct fields){ .cmd = KTHING_CMD_THING_ADDED, .id = 3,
				      .name = "window", .seq = 1 });
	assert_int_equal(feed(), 2);
	assert_int_equal(sample(3, "window", 2), 1);

	/* An id reused while its removal was lost: ADDED still restarts. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_THING_ADDED, .id = 3,
				      .name = "gate", .seq = 1 });
	assert_int_equal(feed(), 1);
	assert_int_equal(sample(3, "gate", 2), 1);
	assert_int_equal(num_got, 6);
}

static void a_dump_sets_the_count(void **state)
{
	(void)state;
	assert_int_equal(libkthing_stream_track(&stream, 9, 10), 0);
	assert_int_equal(sample(9, "pump", 11), 1);
	assert_int_equal(libkthing_stream_track(&stream, 9, 20), 0);
	assert_int_equal(sample(9, "pump", 24), 2);
	assert_int_equal(got[1].type, KTHING_EVENT_LOST);
	assert_int_equal(got[1].lost, 3);
}

static void an_overflow_forgets_every_count(void **state)
{
	(void)state;
	sample(1, "a", 1);
	sample(2, "b", 1);
	assert_int_equal(libkthing_stream_overflow(&stream), 1);
	assert_int_equal(got[2].type, KTHING_EVENT_LOST);
	assert_string_equal(got[2].thing_name, "");
	assert_int_equal(got[2].lost, 0);
	/* Already reported as lost: no second report per thing. */
	assert_int_equal(sample(1, "a", 90), 1);
	assert_int_equal(sample(2, "b", 70), 1);
	assert_int_equal(sample(2, "b", 72), 2);
}

static void skips_what_is_not_a_kthing_event(void **state)
{
	struct nlmsghdr *nlh;

	(void)state;
	/* A thing name is required. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 1,
				      .seq = 1, .channel = "x" });
	/* So is a sequence number. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 1,
				      .name = "a", .no_seq = true });
	/* A command that is not an event. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_GET_THING, .id = 1,
				      .name = "a", .seq = 1 });
	assert_int_equal(feed(), 0);

	/* Another family's message. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 1,
				      .name = "a", .seq = 1 });
	((struct nlmsghdr *)datagram)->nlmsg_type = FAMILY + 1;
	assert_int_equal(feed(), 0);

	/* A name without its NUL, which the policy refuses. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 1,
				      .name = "abc", .seq = 1 });
	nlh = (struct nlmsghdr *)datagram;
	{
		struct nlattr *a = nlmsg_find_attr(nlh, GENL_HDRLEN,
						   KTHING_A_THING_NAME);

		assert_non_null(a);
		((char *)nla_data(a))[3] = 'd';
	}
	assert_int_equal(feed(), 0);

	/* A message cut short: the rest of the datagram is ignored. */
	add_message(&(struct fields){ .cmd = KTHING_CMD_SAMPLE, .id = 1,
				      .name = "a", .seq = 1 });
	assert_int_equal(libkthing_stream_feed(&stream, datagram,
					       datagram_len - 8), 0);
	datagram_len = 0;
	assert_int_equal(num_got, 0);

	/* And a good one still goes through. */
	assert_int_equal(sample(1, "a", 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(decodes_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_a_gap_before_the_event, setup, teardown),
		cmocka_unit_test_setup_teardown(first_event_of_a_thing_is_no_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(things_are_counted_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(older_events_are_not_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(a_thing_that_comes_back_starts_afresh, setup, teardown),
		cmocka_unit_test_setup_teardown(a_dump_sets_the_count, setup, teardown),
		cmocka_unit_test_setup_teardown(an_overflow_forgets_every_count, setup, teardown),
		cmocka_unit_test_setup_teardown(skips_what_is_not_a_kthing_event, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
