// SPDX-License-Identifier: GPL-2.0
/* The offline queue: order, bounds, drop accounting, persistence. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../agent/kthingd/queue.h"

static void push_n(struct queue *q, int from, int to)
{
	for (int i = from; i <= to; i++) {
		char payload[32];

		snprintf(payload, sizeof(payload), "m%d", i);
		assert_true(queue_push(q, "t", payload, strlen(payload)) >= 0);
	}
}

/* The payloads from head to tail, space-separated. */
static const char *contents(struct queue *q)
{
	static char out[4096];
	size_t len = 0;

	out[0] = '\0';
	for (struct queue_entry *e = q->head; e; e = e->next)
		len += snprintf(out + len, sizeof(out) - len, "%s%s", len ? " " : "", e->payload);
	return out;
}

static void test_order_and_ack(void **state)
{
	struct queue q;
	char err[256];
	struct queue_entry *e;

	(void)state;
	assert_int_equal(queue_open(&q, 100, 1 << 20, NULL, err, sizeof(err)), 0);
	push_n(&q, 1, 5);
	assert_string_equal(contents(&q), "m1 m2 m3 m4 m5");

	/* Sending walks the queue in order, skipping what is in flight. */
	e = queue_next_unsent(&q);
	assert_string_equal(e->payload, "m1");
	queue_mark_inflight(&q, e);
	e = queue_next_unsent(&q);
	assert_string_equal(e->payload, "m2");
	queue_mark_inflight(&q, e);
	assert_int_equal(q.inflight, 2);

	/* Acknowledgements may come in any order. */
	assert_int_equal(queue_ack(&q, e->id), 0);
	assert_string_equal(contents(&q), "m1 m3 m4 m5");
	assert_int_equal(queue_ack(&q, 999), -ENOENT);

	/* A failed send goes back to being first in line. */
	assert_int_equal(queue_unsend(&q, q.head->id), 0);
	assert_int_equal(q.inflight, 0);
	assert_string_equal(queue_next_unsent(&q)->payload, "m1");

	queue_mark_inflight(&q, queue_next_unsent(&q));
	queue_mark_inflight(&q, queue_next_unsent(&q));
	queue_unsend_all(&q);
	assert_int_equal(q.inflight, 0);
	assert_string_equal(queue_next_unsent(&q)->payload, "m1");
	assert_int_equal(q.count, 4);
	assert_int_equal(q.bytes, 4 * 3);
	queue_close(&q);
}

static void test_count_bound_drops_oldest(void **state)
{
	struct queue q;
	char err[256];

	(void)state;
	assert_int_equal(queue_open(&q, 3, 1 << 20, NULL, err, sizeof(err)), 0);
	push_n(&q, 1, 3);
	assert_int_equal(queue_push(&q, "t", "m4", 2), 1);
	assert_string_equal(contents(&q), "m2 m3 m4");
	push_n(&q, 5, 6);
	assert_string_equal(contents(&q), "m4 m5 m6");
	assert_int_equal(q.dropped, 3);

	/* What is in flight is not dropped: the oldest unsent goes instead. */
	queue_mark_inflight(&q, q.head);
	push_n(&q, 7, 7);
	assert_string_equal(contents(&q), "m4 m6 m7");
	assert_int_equal(q.dropped, 4);
	queue_close(&q);
}

static void test_byte_bound(void **state)
{
	struct queue q;
	char err[256], big[2000];

	(void)state;
	/* Each "t" + "mN" message is 3 bytes. */
	assert_int_equal(queue_open(&q, 100, 1024, NULL, err, sizeof(err)), 0);
	push_n(&q, 1, 3);
	memset(big, 'x', sizeof(big));
	/* A message larger than the whole bound is dropped by itself. */
	assert_int_equal(queue_push(&q, "t", big, sizeof(big)), 1);
	assert_int_equal(q.count, 3);
	/* 1020 bytes plus 3 messages of 3 do not fit: the two oldest go. */
	assert_int_equal(queue_push(&q, "t", big, 1019), 2);
	assert_int_equal(q.count, 2);
	assert_int_equal(q.bytes, 3 + 1020);
	assert_int_equal(q.dropped, 3);

	/* Shrinking the bounds drops what no longer fits. */
	assert_int_equal(queue_set_bounds(&q, 1, 1024), 1);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.bytes, 1020);
	queue_close(&q);
}

static void test_persistence(void **state)
{
	char dir[] = "/tmp/kthingd-queue-XXXXXX", path[128], err[256];
	struct queue q;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(queue_open(&q, 100, 1 << 20, dir, err, sizeof(err)), 0);
	push_n(&q, 1, 5);
	queue_mark_inflight(&q, q.head);
	assert_int_equal(queue_ack(&q, q.head->id), 0);
	queue_mark_inflight(&q, q.head);	/* m2: sent, never acknowledged */
	queue_close(&q);

	/* Everything not acknowledged comes back, in order, to be sent again. */
	assert_int_equal(queue_open(&q, 100, 1 << 20, dir, err, sizeof(err)), 0);
	assert_string_equal(contents(&q), "m2 m3 m4 m5");
	assert_int_equal(q.inflight, 0);
	push_n(&q, 6, 6);
	assert_string_equal(contents(&q), "m2 m3 m4 m5 m6");
	/* New messages sort after the old ones. */
	assert_true(q.tail->id > q.head->next->next->next->id);
	queue_close(&q);

	/* Reopened with smaller bounds: the oldest are dropped and counted. */
	assert_int_equal(queue_open(&q, 2, 1 << 20, dir, err, sizeof(err)), 0);
	assert_string_equal(contents(&q), "m5 m6");
	assert_int_equal(q.dropped, 3);
	queue_close(&q);
	assert_int_equal(queue_open(&q, 100, 1 << 20, dir, err, sizeof(err)), 0);
	assert_string_equal(contents(&q), "m5 m6");
	queue_close(&q);

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_unusable_state_dir(void **state)
{
	struct queue q;
	char err[256];

	(void)state;
	assert_int_equal(queue_open(&q, 10, 1 << 20, "/proc/kthingd-no", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "queue.state_dir: /proc/kthingd-no: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ack),
		cmocka_unit_test(test_count_bound_drops_oldest),
		cmocka_unit_test(test_byte_bound),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_unusable_state_dir),
	};

	return cmocka_run_group_tests_name("kthingd_queue", tests, NULL, NULL);
}
