// SPDX-License-Identifier: GPL-2.0
/* Reconnect backoff: bounds, growth, cap, floor, and a uniform jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../agent/kthingd/backoff.h"

static void test_ceiling_doubles_to_cap(void **state)
{
	struct backoff b;
	const uint32_t expected[] = { 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };

	(void)state;
	backoff_init(&b, 1000, 30000, 0, 42);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		assert_int_equal(backoff_ceiling(&b), expected[i]);
		assert_in_range(backoff_next(&b), 0, expected[i]);
	}
	/* Many more failures never overflow past the cap. */
	for (int i = 0; i < 1000; i++)
		assert_in_range(backoff_next(&b), 0, 30000);
	assert_int_equal(backoff_ceiling(&b), 30000);

	backoff_reset(&b);
	assert_int_equal(backoff_ceiling(&b), 1000);
}

static void test_floor(void **state)
{
	struct backoff b;

	(void)state;
	/* Refusals: never sooner than the floor, up to the cap. */
	backoff_init(&b, 300000, 3600000, 300000, 7);
	for (int i = 0; i < 1000; i++)
		assert_in_range(backoff_next(&b), 300000, 3600000);
}

static void test_full_jitter_is_uniform(void **state)
{
	enum { BUCKETS = 10, DRAWS = 100000 };
	unsigned int counts[BUCKETS] = { 0 };
	struct backoff b;
	double chi2 = 0;

	(void)state;
	backoff_init(&b, 10000, 10000, 0, 12345);
	for (int i = 0; i < DRAWS; i++) {
		uint32_t d = backoff_next(&b);

		assert_in_range(d, 0, 10000);
		counts[d * BUCKETS / 10001]++;
	}
	for (int i = 0; i < BUCKETS; i++) {
		double diff = counts[i] - DRAWS / (double)BUCKETS;

		chi2 += diff * diff / (DRAWS / (double)BUCKETS);
	}
	/* 9 degrees of freedom: 27.88 is the 0.1 % critical value. */
	assert_true(chi2 < 27.88);
}

static void test_seed_determines_sequence(void **state)
{
	struct backoff a, b, c;
	int same_as_other_seed = 0;

	(void)state;
	backoff_init(&a, 1000, 60000, 0, 99);
	backoff_init(&b, 1000, 60000, 0, 99);
	backoff_init(&c, 1000, 60000, 0, 100);
	for (int i = 0; i < 20; i++) {
		uint32_t x = backoff_next(&a);

		assert_int_equal(x, backoff_next(&b));
		same_as_other_seed += x == backoff_next(&c);
	}
	/* Two devices with different seeds do not retry in step. */
	assert_true(same_as_other_seed < 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling_doubles_to_cap),
		cmocka_unit_test(test_floor),
		cmocka_unit_test(test_full_jitter_is_uniform),
		cmocka_unit_test(test_seed_determines_sequence),
	};

	return cmocka_run_group_tests_name("kthingd_backoff", tests, NULL, NULL);
}
