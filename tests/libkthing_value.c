// SPDX-License-Identifier: GPL-2.0
/*
 * libkthing's value helpers: exact formatting and parsing of scaled values.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <kthing.h>

static void check_format(int64_t value, int exponent, const char *expected)
{
	char buf[KTHING_VALUE_STR_SIZE];
	int len;

	len = kthing_value_format(buf, sizeof(buf), value, exponent);
	assert_int_equal(len, strlen(expected));
	assert_string_equal(buf, expected);
}

static void format_examples(void **state)
{
	(void)state;
	check_format(235, -1, "23.5");
	check_format(230, -1, "23.0");
	check_format(-5, -2, "-0.05");
	check_format(7, 2, "700");
	check_format(0, 0, "0");
	check_format(0, 2, "0");
	check_format(0, -3, "0.000");
	check_format(1, 0, "1");
	check_format(-1, 0, "-1");
	check_format(5, -1, "0.5");
	check_format(-5, -1, "-0.5");
	check_format(12345, -2, "123.45");
	check_format(-12345, -5, "-0.12345");
	check_format(-12345, -6, "-0.012345");
	check_format(1, -9, "0.000000001");
	check_format(-1, 9, "-1000000000");
}

static void format_extremes(void **state)
{
	(void)state;
	check_format(INT64_MAX, 0, "9223372036854775807");
	check_format(INT64_MIN, 0, "-9223372036854775808");
	check_format(INT64_MIN, -9, "-9223372036.854775808");
	check_format(INT64_MAX, -9, "9223372036.854775807");
	check_format(INT64_MIN, 9, "-9223372036854775808000000000");
	check_format(INT64_MIN, -19 + 10, "-9223372036.854775808");
}

static void format_errors(void **state)
{
	char buf[KTHING_VALUE_STR_SIZE];
	char small[4] = "xyz";

	(void)state;
	assert_int_equal(kthing_value_format(buf, sizeof(buf), 1, 10), -EINVAL);
	assert_int_equal(kthing_value_format(buf, sizeof(buf), 1, -10), -EINVAL);
	/* "23.5" needs 5 bytes with its NUL. */
	assert_int_equal(kthing_value_format(small, sizeof(small), 235, -1),
			 -ENOSPC);
	assert_string_equal(small, "");
	assert_int_equal(kthing_value_format(small, sizeof(small), 235, 0), 3);
	assert_string_equal(small, "235");
	assert_int_equal(kthing_value_format(NULL, 0, 1, 0), -ENOSPC);
}

static void check_parse(const char *str, int exponent, int64_t expected)
{
	int64_t value = 0x5a5a;
	int err;

	err = kthing_value_parse(str, exponent, INT64_MIN, INT64_MAX, &value);
	if (err)
		fail_msg("\"%s\" (exponent %d): error %d", str, exponent, err);
	assert_int_equal(value, expected);
}

static void check_parse_error(const char *str, int exponent, int64_t min,
			      int64_t max, int expected)
{
	int64_t value = 0x5a5a;
	int err;

	err = kthing_value_parse(str, exponent, min, max, &value);
	if (err != expected)
		fail_msg("\"%s\" (exponent %d): got %d, expected %d", str,
			 exponent, err, expected);
	/* A failed parse leaves the output alone. */
	assert_int_equal(value, 0x5a5a);
}

static void parse_examples(void **state)
{
	(void)state;
	check_parse("23.5", -1, 235);
	check_parse("23.50", -1, 235);
	check_parse("23.500000000000000000000", -1, 235);
	check_parse("23", -1, 230);
	check_parse("-0.05", -2, -5);
	check_parse("700", 2, 7);
	check_parse("7e2", 2, 7);
	check_parse("0", 3, 0);
	check_parse("-0", 0, 0);
	check_parse("+7", 0, 7);
	check_parse("007", 0, 7);
	check_parse("0.000", 0, 0);
	check_parse(".5", -1, 5);
	check_parse("5.", 0, 5);
	check_parse("2.35e1", -1, 235);
	check_parse("2.35E+1", -1, 235);
	check_parse("2350e-2", -1, 235);
	check_parse("0e999999999999999999", 0, 0);
	check_parse("100", 0, 100);
	check_parse("1.001", -3, 1001);
	check_parse("0.000000001", -9, 1);
	check_parse("1000000000", 9, 1);
}

static void parse_extremes(void **state)
{
	(void)state;
	check_parse("9223372036854775807", 0, INT64_MAX);
	check_parse("-9223372036854775808", 0, INT64_MIN);
	check_parse("-9223372036.854775808", -9, INT64_MIN);
	check_parse("9223372036.854775807", -9, INT64_MAX);
	check_parse("-9223372036854775808000000000", 9, INT64_MIN);
	check_parse("00000000000000000000009223372036854775807", 0, INT64_MAX);
	check_parse("922337203685477580.7e1", 0, INT64_MAX);
}

static void parse_not_a_number(void **state)
{
	static const char *const bad[] = {
		"", "-", "+", ".", "-.", "e5", "1e", "1e+", "1e-", "1.2.3",
		" 1", "1 ", "1,5", "0x10", "nan", "inf", "-inf", "abc", "1a",
		"--1", "+-1", "1e5.5", "1e1e1", "\t", "1_000", "١",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_parse_error(bad[i], 0, INT64_MIN, INT64_MAX, -EINVAL);
	check_parse_error(NULL, 0, INT64_MIN, INT64_MAX, -EINVAL);
	/* An exponent the UAPI does not allow. */
	check_parse_error("1", 10, INT64_MIN, INT64_MAX, -EINVAL);
	check_parse_error("1", -10, INT64_MIN, INT64_MAX, -EINVAL);
}

static void parse_too_many_decimals(void **state)
{
	(void)state;
	check_parse_error("23.55", -1, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("0.5", 0, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("1", 1, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("750", 2, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("1e-10", -9, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("1e-999999999999", 0, INT64_MIN, INT64_MAX, -EDOM);
	check_parse_error("0.0000000001", -9, INT64_MIN, INT64_MAX, -EDOM);
	/* Precision is judged before the limits. */
	check_parse_error("0.55", -1, 0, 1, -EDOM);
}

static void parse_out_of_range(void **state)
{
	(void)state;
	check_parse_error("9223372036854775808", 0, INT64_MIN, INT64_MAX,
			  -ERANGE);
	check_parse_error("-9223372036854775809", 0, INT64_MIN, INT64_MAX,
			  -ERANGE);
	check_parse_error("99999999999999999999", 0, INT64_MIN, INT64_MAX,
			  -ERANGE);
	check_parse_error("9223372036.854775808", -9, INT64_MIN, INT64_MAX,
			  -ERANGE);
	check_parse_error("1e19", 0, INT64_MIN, INT64_MAX, -ERANGE);
	check_parse_error("1e999999999999", 0, INT64_MIN, INT64_MAX, -ERANGE);
	check_parse_error("7", 0, 0, 1, -ERANGE);
	check_parse_error("-1", 0, 0, 1, -ERANGE);
	check_parse_error("30.1", -1, -400, 300, -ERANGE);
	check_parse_error("-40.1", -1, -400, 300, -ERANGE);
	check_parse("30", -1, 300);
	check_parse("-40", -1, -400);
}

static void round_trip(void **state)
{
	static const int64_t values[] = {
		0, 1, -1, 9, 10, -10, 99, 100, 235, -235, 1000000007,
		INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1,
		123456789012345678LL, -98765432109876543LL,
	};
	char buf[KTHING_VALUE_STR_SIZE];
	int64_t parsed;
	size_t i;
	int e;

	(void)state;
	for (e = KTHING_EXPONENT_MIN; e <= KTHING_EXPONENT_MAX; e++) {
		for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			assert_true(kthing_value_format(buf, sizeof(buf),
							values[i], e) > 0);
			assert_int_equal(kthing_value_parse(buf, e, INT64_MIN,
							    INT64_MAX, &parsed),
					 0);
			assert_int_equal(parsed, values[i]);
		}
	}
}

static void from_double(void **state)
{
	int64_t value = 0;

	(void)state;
	assert_int_equal(kthing_value_from_double(23.5, -1, INT64_MIN,
						  INT64_MAX, &value), 0);
	assert_int_equal(value, 235);
	assert_int_equal(kthing_value_from_double(0.1, -1, INT64_MIN,
						  INT64_MAX, &value), 0);
	assert_int_equal(value, 1);
	assert_int_equal(kthing_value_from_double(-0.07, -2, INT64_MIN,
						  INT64_MAX, &value), 0);
	assert_int_equal(value, -7);
	assert_int_equal(kthing_value_from_double(1.0, 0, 0, 1, &value), 0);
	assert_int_equal(value, 1);
	assert_int_equal(kthing_value_from_double(0.25, -1, INT64_MIN,
						  INT64_MAX, &value), -EDOM);
	assert_int_equal(kthing_value_from_double(2.0, 0, 0, 1, &value),
			 -ERANGE);
	assert_int_equal(kthing_value_from_double(0.0 / 0.0, 0, 0, 1, &value),
			 -EINVAL);
	assert_int_equal(kthing_value_from_double(1e300, 0, INT64_MIN,
						  INT64_MAX, &value), -ERANGE);
}

static void error_messages(void **state)
{
	char buf[96];

	(void)state;
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -ERANGE,
						  0, 0, 1),
			    "value out of range 0..1");
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -ERANGE,
						  -1, -400, 1250),
			    "value out of range -40.0..125.0");
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -EDOM,
						  -1, 0, 1),
			    "too many decimals (at most 1)");
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -EDOM,
						  2, 0, 1),
			    "too many decimals (at most 0)");
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -EINVAL,
						  0, 0, 1),
			    "not a decimal number");
	assert_string_equal(kthing_value_strerror(buf, sizeof(buf), -EPERM,
						  0, 0, 1),
			    strerror(EPERM));
	/* Truncation is safe. */
	assert_string_equal(kthing_value_strerror(buf, 6, -ERANGE, 0, 0, 1),
			    "value");
}

static void names(void **state)
{
	(void)state;
	assert_true(kthing_name_valid("greenhouse"));
	assert_true(kthing_name_valid("a"));
	assert_true(kthing_name_valid("Fan_2-left"));
	assert_true(kthing_name_valid("abcdefghijklmnopqrstuvwxyz01234"));
	assert_false(kthing_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(kthing_name_valid(""));
	assert_false(kthing_name_valid(NULL));
	assert_false(kthing_name_valid("../etc"));
	assert_false(kthing_name_valid("a b"));
	assert_false(kthing_name_valid("a.b"));
	assert_string_equal(kthing_kind_name(KTHING_KIND_ACTUATOR), "actuator");
	assert_string_equal(kthing_type_name(KTHING_TYPE_BOOL), "bool");
	assert_string_equal(kthing_backend_name(KTHING_BACKEND_IIO), "iio");
	assert_string_equal(kthing_source_name(KTHING_SOURCE_NETLINK),
			    "netlink");
	assert_string_equal(kthing_backend_name(99), "unknown");
}

static void epoch_ms(void **state)
{
	struct timespec mono, real;
	int64_t now_ms, got;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	now_ms = (int64_t)real.tv_sec * 1000 + real.tv_nsec / 1000000;
	got = kthing_monotonic_to_epoch_ms((uint64_t)mono.tv_sec * 1000000000ULL +
					   mono.tv_nsec);
	assert_true(got >= now_ms - 50 && got <= now_ms + 50);
	/* One second earlier on the monotonic clock is 1000 ms earlier. */
	got -= kthing_monotonic_to_epoch_ms((uint64_t)(mono.tv_sec - 1) *
					    1000000000ULL + mono.tv_nsec);
	assert_true(got >= 990 && got <= 1010);
	/* Half a second on (within the kept offset): 500 ms on, exactly. */
	assert_int_equal(kthing_monotonic_to_epoch_ms((uint64_t)mono.tv_sec * 1000000000ULL +
						      mono.tv_nsec + 500000000) -
			 kthing_monotonic_to_epoch_ms((uint64_t)mono.tv_sec * 1000000000ULL +
						      mono.tv_nsec), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_examples),
		cmocka_unit_test(format_extremes),
		cmocka_unit_test(format_errors),
		cmocka_unit_test(parse_examples),
		cmocka_unit_test(parse_extremes),
		cmocka_unit_test(parse_not_a_number),
		cmocka_unit_test(parse_too_many_decimals),
		cmocka_unit_test(parse_out_of_range),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(from_double),
		cmocka_unit_test(error_messages),
		cmocka_unit_test(names),
		cmocka_unit_test(epoch_ms),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
