// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kthing's pure logic: decimal scaling, the deadband
 * decision, and the checks of names, text, configurations and written
 * values.
 *
 * A module of its own, built only for kernels with KUnit; it uses what
 * kthing.ko exports for tests (EXPORT_SYMBOL_IF_KUNIT) and runs its suite
 * when loaded. Results: dmesg and /sys/kernel/debug/kunit/kthing/results.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "../kthing.h"

struct kthing_scale_case {
	s64 value;
	int from;
	int to;
	s64 want;
};

static const struct kthing_scale_case kthing_scale_cases[] = {
	/* Same exponent and zero are returned as they are. */
	{ 1234, -3, -3, 1234 },
	{ 0, 0, 18, 0 },
	{ 0, 18, 0, 0 },
	/* Scaling up multiplies. */
	{ 21, 0, -3, 21000 },
	{ -21, 0, -3, -21000 },
	{ 1, 0, -18, 1000000000000000000LL },
	/* Scaling down rounds to nearest, halves away from zero. */
	{ 21499, -3, 0, 21 },
	{ 21500, -3, 0, 22 },
	{ -21499, -3, 0, -21 },
	{ -21500, -3, 0, -22 },
	{ 4, -1, 0, 0 },
	{ 5, -1, 0, 1 },
	{ -5, -1, 0, -1 },
	/* Near the limits rounding must not overflow. */
	{ S64_MAX, -1, 0, S64_MAX / 10 + 1 },
	{ S64_MIN, -1, 0, S64_MIN / 10 - 1 },
	{ S64_MAX, -18, 0, 9 },
	/* More than 18 digits down: nothing is left. */
	{ S64_MAX, -19, 0, 0 },
	{ S64_MIN, -40, 0, 0 },
	/* Up past the range saturates, with the sign kept. */
	{ S64_MAX / 10 + 1, 0, -1, S64_MAX },
	{ S64_MIN / 10 - 1, 0, -1, S64_MIN },
	{ 10, 0, -18, S64_MAX },
	{ -10, 0, -18, S64_MIN },
	{ 1, 0, -19, S64_MAX },
	{ -1, 0, -40, S64_MIN },
	/* Exponents far apart in either direction. */
	{ 1, INT_MAX / 2, -(INT_MAX / 2), S64_MAX },
	{ 1, -(INT_MAX / 2), INT_MAX / 2, 0 },
};

static void kthing_scale_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kthing_scale_cases); i++) {
		const struct kthing_scale_case *c = &kthing_scale_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, kthing_scale(c->value, c->from, c->to),
				    c->want, "kthing_scale(%lld, %d, %d)",
				    c->value, c->from, c->to);
	}
}

/* A channel, just enough of it for the value and deadband logic. */
static struct kthing_channel *kthing_test_channel(struct kunit *test, u32 kind,
						  u32 type, s64 min, s64 max)
{
	struct kthing_channel *ch;

	ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	mutex_init(&ch->lock);
	ch->desc.kind = kind;
	ch->desc.type = type;
	ch->desc.backend = KTHING_BACKEND_VIRTUAL;
	ch->desc.min = min;
	ch->desc.max = max;
	return ch;
}

static void kthing_deadband_test(struct kunit *test)
{
	struct kthing_channel *ch;

	ch = kthing_test_channel(test, KTHING_KIND_SENSOR, KTHING_TYPE_INT,
				 S64_MIN, S64_MAX);
	mutex_lock(&ch->lock);

	/* Nothing reported yet: anything goes out. */
	ch->desc.config.deadband = 1000;
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, 0));

	ch->have_reported = true;
	ch->reported = 100;
	/* Within the band, and on its edge, stays in. */
	KUNIT_EXPECT_FALSE(test, kthing_outside_deadband(ch, 100));
	KUNIT_EXPECT_FALSE(test, kthing_outside_deadband(ch, 1100));
	KUNIT_EXPECT_FALSE(test, kthing_outside_deadband(ch, -900));
	/* Past it, either way, goes out. */
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, 1101));
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, -901));

	/* A deadband of 0 reports every change, and only changes. */
	ch->desc.config.deadband = 0;
	KUNIT_EXPECT_FALSE(test, kthing_outside_deadband(ch, 100));
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, 101));
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, 99));

	/* The whole s64 range apart does not overflow the distance. */
	ch->reported = S64_MIN;
	ch->desc.config.deadband = S64_MAX;
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, S64_MAX));
	KUNIT_EXPECT_FALSE(test, kthing_outside_deadband(ch, -1));
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, 0));
	ch->reported = S64_MAX;
	KUNIT_EXPECT_TRUE(test, kthing_outside_deadband(ch, S64_MIN));

	mutex_unlock(&ch->lock);
	mutex_destroy(&ch->lock);
}

static void kthing_check_value_test(struct kunit *test)
{
	struct kthing_channel *ch;

	/* Sensors are never written. */
	ch = kthing_test_channel(test, KTHING_KIND_SENSOR, KTHING_TYPE_INT, 0, 10);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 5), -EPERM);

	/* Bools take 0 and 1 only. */
	ch = kthing_test_channel(test, KTHING_KIND_ACTUATOR, KTHING_TYPE_BOOL, 0, 1);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 0), 0);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 1), 0);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, -1), -EINVAL);

	/* Integers within [min, max], both ends included. */
	ch = kthing_test_channel(test, KTHING_KIND_ACTUATOR, KTHING_TYPE_INT, -50, 150);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, -50), 0);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 150), 0);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, -51), -ERANGE);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, 151), -ERANGE);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, S64_MIN), -ERANGE);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, S64_MAX), -ERANGE);

	ch = kthing_test_channel(test, KTHING_KIND_ACTUATOR, KTHING_TYPE_INT,
				 S64_MIN, S64_MAX);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, S64_MIN), 0);
	KUNIT_EXPECT_EQ(test, kthing_channel_check_value(ch, S64_MAX), 0);
}

static void kthing_validate_name_test(struct kunit *test)
{
	char longest[KTHING_NAME_SIZE];
	char too_long[KTHING_NAME_SIZE + 1];

	KUNIT_EXPECT_EQ(test, kthing_validate_name("boiler-1_Temp"), 0);
	KUNIT_EXPECT_EQ(test, kthing_validate_name("x"), 0);
	KUNIT_EXPECT_EQ(test, kthing_validate_name(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_validate_name("a b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_validate_name("a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_validate_name("a.b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_validate_name("caf\xc3\xa9"), -EINVAL);

	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, kthing_validate_name(longest), 0);
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, kthing_validate_name(too_long), -EINVAL);
}

static void kthing_text_printable_test(struct kunit *test)
{
	static const char *const good[] = { "", "degC", "%RH", "\xc2\xb0", "a b", "~" };
	static const char *const bad[] = { "a\nb", "\n", "\t", "a\rb", "\x1b[2J", "\x7f" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		KUNIT_EXPECT_TRUE_MSG(test, kthing_text_printable(good[i], strlen(good[i])),
				      "\"%s\"", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, kthing_text_printable(bad[i], strlen(bad[i])),
				       "bad[%u]", i);
	/* A NUL within the length is a control character too. */
	KUNIT_EXPECT_FALSE(test, kthing_text_printable("a\0b", 3));
	KUNIT_EXPECT_TRUE(test, kthing_text_printable("ab\nc", 2));
}

static void kthing_validate_config_test(struct kunit *test)
{
	struct kthing_channel_desc virt = { .backend = KTHING_BACKEND_VIRTUAL };
	struct kthing_channel_desc iio = { .backend = KTHING_BACKEND_IIO };
	struct kthing_channel_config config = {};
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), 0);

	config.flags = KTHING_CONFIG_F_ALL;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), 0);
	config.flags = ~KTHING_CONFIG_F_ALL;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), -EINVAL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
	config.flags = 0;

	/* A period only for polled backends, within 10 ms .. one day. */
	config.sample_period_ms = 100;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), 0);
	config.sample_period_ms = 10;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), 0);
	config.sample_period_ms = 9;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), -EINVAL);
	config.sample_period_ms = 86400000;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), 0);
	config.sample_period_ms = 86400001;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), -EINVAL);
	config.sample_period_ms = 0;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&iio, &config, &why), -EINVAL);

	/* A report interval is 0 (off) or 100 ms .. one day. */
	config.report_interval_ms = 99;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), -EINVAL);
	config.report_interval_ms = 100;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), 0);
	config.report_interval_ms = 86400001;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), -EINVAL);
	config.report_interval_ms = 0;

	/* A deadband is not negative. */
	config.deadband = S64_MAX;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), 0);
	config.deadband = -1;
	KUNIT_EXPECT_EQ(test, kthing_validate_config(&virt, &config, &why), -EINVAL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

static struct kunit_case kthing_test_cases[] = {
	KUNIT_CASE(kthing_scale_test),
	KUNIT_CASE(kthing_deadband_test),
	KUNIT_CASE(kthing_check_value_test),
	KUNIT_CASE(kthing_validate_name_test),
	KUNIT_CASE(kthing_text_printable_test),
	KUNIT_CASE(kthing_validate_config_test),
	{}
};

static struct kunit_suite kthing_test_suite = {
	.name = "kthing",
	.test_cases = kthing_test_cases,
};

kunit_test_suite(kthing_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of kthing's scaling, deadband and validation");
MODULE_LICENSE("GPL");
