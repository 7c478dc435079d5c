// SPDX-License-Identifier: GPL-2.0
/*
 * kthingd's shadow requests in flight (agent/kthingd/shadow_requests.c):
 * tokens of ours are unique and recognisable, at most 10 requests are in
 * flight, a response's token finds its request once, and deadlines expire
 * in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/shadow_requests.h"

static void test_tokens(void **state)
{
	struct shadow_requests q;
	char a[SHADOW_CLIENT_TOKEN_MAX + 1], b[SHADOW_CLIENT_TOKEN_MAX + 1];

	(void)state;
	shadow_requests_init(&q, "kthingd-4242-");
	shadow_requests_token(&q, a, sizeof(a));
	shadow_requests_token(&q, b, sizeof(b));
	assert_string_equal(a, "kthingd-4242-1");
	assert_string_equal(b, "kthingd-4242-2");
	assert_true(shadow_requests_ours(&q, a));
	assert_false(shadow_requests_ours(&q, "kthingd-4243-1"));
	assert_false(shadow_requests_ours(&q, "app-1"));
	assert_false(shadow_requests_ours(&q, ""));
}

static void test_at_most_ten(void **state)
{
	struct shadow_requests q;
	char token[SHADOW_CLIENT_TOKEN_MAX + 1];
	int owner;

	(void)state;
	shadow_requests_init(&q, "k-");
	for (int i = 0; i < SHADOW_MAX_IN_FLIGHT; i++) {
		assert_false(shadow_requests_full(&q));
		shadow_requests_token(&q, token, sizeof(token));
		assert_non_null(shadow_requests_add(&q, token, &owner, SHADOW_OP_GET, 100));
	}
	assert_int_equal(SHADOW_MAX_IN_FLIGHT, 10);
	assert_int_equal(q.in_flight, 10);
	assert_true(shadow_requests_full(&q));
	assert_null(shadow_requests_add(&q, "k-11", &owner, SHADOW_OP_GET, 100));
	assert_int_equal(q.in_flight, 10);

	/* Settling one frees one slot, once. */
	shadow_requests_remove(&q, shadow_requests_find(&q, "k-5"));
	assert_int_equal(q.in_flight, 9);
	assert_false(shadow_requests_full(&q));
	assert_non_null(shadow_requests_add(&q, "k-11", &owner, SHADOW_OP_UPDATE, 100));
	assert_true(shadow_requests_full(&q));
}

static void test_find(void **state)
{
	struct shadow_requests q;
	struct shadow_sent *r;
	int get_owner, update_owner;

	(void)state;
	shadow_requests_init(&q, "k-");
	shadow_requests_add(&q, "k-1", &get_owner, SHADOW_OP_GET, 100);
	shadow_requests_add(&q, "k-2", &update_owner, SHADOW_OP_UPDATE, 100);
	r = shadow_requests_find(&q, "k-2");
	assert_non_null(r);
	assert_ptr_equal(r->owner, &update_owner);
	assert_int_equal(r->op, SHADOW_OP_UPDATE);
	assert_null(shadow_requests_find(&q, "k-3"));
	assert_null(shadow_requests_find(&q, "app-1"));
	/* A response without a token settles nothing. */
	assert_null(shadow_requests_find(&q, ""));
	shadow_requests_remove(&q, r);
	/* A second response with the same token finds nothing. */
	assert_null(shadow_requests_find(&q, "k-2"));
	shadow_requests_remove(&q, r);
	assert_int_equal(q.in_flight, 1);
}

static void test_deadlines(void **state)
{
	struct shadow_requests q;
	struct shadow_sent *r;
	uint64_t next;
	int owner;

	(void)state;
	shadow_requests_init(&q, "k-");
	assert_null(shadow_requests_expired(&q, 1000, &next));
	assert_int_equal(next, 0);
	shadow_requests_add(&q, "k-1", &owner, SHADOW_OP_GET, 300);
	shadow_requests_add(&q, "k-2", &owner, SHADOW_OP_GET, 200);
	shadow_requests_add(&q, "k-3", &owner, SHADOW_OP_GET, 400);
	assert_null(shadow_requests_expired(&q, 199, &next));
	assert_int_equal(next, 200);
	r = shadow_requests_expired(&q, 300, &next);
	assert_non_null(r);
	shadow_requests_remove(&q, r);
	r = shadow_requests_expired(&q, 300, &next);
	assert_non_null(r);
	shadow_requests_remove(&q, r);
	assert_null(shadow_requests_expired(&q, 300, &next));
	assert_int_equal(next, 400);
	assert_non_null(shadow_requests_find(&q, "k-3"));
	assert_int_equal(q.in_flight, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_at_most_ten),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_deadlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
