// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Exact conversion between scaled integers and decimal strings.
 *
 * A value v with exponent e means v * 10^e. Formatting and parsing work on
 * digits and 64-bit integers only, so 23.5 stays 23.5 and never becomes
 * 23.499999.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kthing.h"

/* 10^19 > INT64_MAX: a number with more integer digits cannot fit. */
#define INT64_DIGITS	19

static bool exponent_valid(int exponent)
{
	return exponent >= KTHING_EXPONENT_MIN && exponent <= KTHING_EXPONENT_MAX;
}

int kthing_value_format(char *buf, size_t size, int64_t value, int exponent)
{
	char digits[INT64_DIGITS + 1];
	char out[KTHING_VALUE_STR_SIZE];
	uint64_t magnitude;
	size_t ndigits = 0, len = 0, i;

	if (!exponent_valid(exponent))
		return -EINVAL;

	/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
	magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
	do {
		digits[ndigits++] = '0' + magnitude % 10;
		magnitude /= 10;
	} while (magnitude);

	if (value < 0)
		out[len++] = '-';

	if (exponent >= 0) {
		for (i = ndigits; i > 0; i--)
			out[len++] = digits[i - 1];
		/* Zero is "0", not "000". */
		if (value != 0)
			for (i = 0; i < (size_t)exponent; i++)
				out[len++] = '0';
	} else {
		size_t decimals = -exponent;

		/* Left-pad with zeros so there is one integer digit at least. */
		while (ndigits < decimals + 1)
			digits[ndigits++] = '0';
		for (i = ndigits; i > 0; i--) {
			if (i == decimals)
				out[len++] = '.';
			out[len++] = digits[i - 1];
		}
	}
	out[len] = '\0';

	if (len + 1 > size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, out, len + 1);
	return len;
}

/*
 * The shape of a decimal number: its significant digits (leading and
 * trailing zeros stripped) and the power of ten of the last one.
 */
struct decimal {
	bool negative;
	const char *digits;	/* first significant digit, may skip a '.' */
	size_t ndigits;		/* significant digits, '.' not counted */
	int64_t power;		/* number = digits * 10^power */
};

/* Saturate exponents: beyond this every non-zero number is out of range. */
#define POWER_LIMIT	1000000

static int decimal_scan(const char *s, struct decimal *d)
{
	const char *first = NULL;
	int64_t fraction_digits = 0, exp = 0, trailing_zeros = 0;
	bool any_digit = false, in_fraction = false, exp_negative = false;
	size_t nsig = 0;

	memset(d, 0, sizeof(*d));
	if (*s == '-' || *s == '+')
		d->negative = *s++ == '-';

	for (; *s; s++) {
		if (*s == '.') {
			if (in_fraction)
				return -EINVAL;
			in_fraction = true;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		any_digit = true;
		if (in_fraction)
			fraction_digits++;
		if (*s == '0') {
			if (first)
				trailing_zeros++;
			continue;
		}
		if (!first)
			first = s;
		nsig += trailing_zeros + 1;
		trailing_zeros = 0;
	}
	if (!any_digit)
		return -EINVAL;

	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			exp_negative = *s++ == '-';
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++)
			if (exp < POWER_LIMIT)
				exp = exp * 10 + (*s - '0');
		if (exp_negative)
			exp = -exp;
	}
	if (*s)
		return -EINVAL;

	d->digits = first;
	d->ndigits = nsig;
	/*
	 * The last significant digit sits trailing_zeros places left of the
	 * last digit written, which is fraction_digits places right of the
	 * point.
	 */
	d->power = first ? exp - fraction_digits + trailing_zeros : 0;
	return 0;
}

int kthing_value_parse(const char *str, int exponent, int64_t min,
		       int64_t max, int64_t *value)
{
	struct decimal d;
	uint64_t magnitude = 0, limit;
	int64_t shift, result;
	const char *p;
	size_t n;
	int err;

	if (!str || !exponent_valid(exponent))
		return -EINVAL;
	err = decimal_scan(str, &d);
	if (err)
		return err;

	if (d.ndigits) {
		/* digits * 10^power = scaled * 10^exponent */
		shift = d.power - exponent;
		if (shift < 0)
			return -EDOM;
		if ((int64_t)d.ndigits + shift > INT64_DIGITS)
			return -ERANGE;

		limit = d.negative ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
		for (p = d.digits, n = 0; n < d.ndigits; p++) {
			if (*p == '.')
				continue;
			if (magnitude > (limit - (*p - '0')) / 10)
				return -ERANGE;
			magnitude = magnitude * 10 + (*p - '0');
			n++;
		}
		for (; shift > 0; shift--) {
			if (magnitude > limit / 10)
				return -ERANGE;
			magnitude *= 10;
		}
	}

	result = d.negative ? (int64_t)-magnitude : (int64_t)magnitude;
	if (result < min || result > max)
		return -ERANGE;
	*value = result;
	return 0;
}

int kthing_value_from_double(double number, int exponent, int64_t min,
			     int64_t max, int64_t *value)
{
	char buf[64];

	if (!isfinite(number))
		return -EINVAL;
	/* 15 significant digits survive the round trip through a double. */
	snprintf(buf, sizeof(buf), "%.15g", number);
	return kthing_value_parse(buf, exponent, min, max, value);
}

const char *kthing_value_strerror(char *buf, size_t size, int err,
				  int exponent, int64_t min, int64_t max)
{
	char lo[KTHING_VALUE_STR_SIZE], hi[KTHING_VALUE_STR_SIZE];

	if (!size)
		return buf;

	switch (err) {
	case -EINVAL:
		snprintf(buf, size, "not a decimal number");
		break;
	case -EDOM:
		snprintf(buf, size, "too many decimals (at most %d)",
			 exponent < 0 ? -exponent : 0);
		break;
	case -ERANGE:
		if (kthing_value_format(lo, sizeof(lo), min, exponent) < 0 ||
		    kthing_value_format(hi, sizeof(hi), max, exponent) < 0)
			snprintf(buf, size, "value out of range");
		else
			snprintf(buf, size, "value out of range %s..%s", lo, hi);
		break;
	default:
		snprintf(buf, size, "%s", strerror(err < 0 ? -err : err));
		break;
	}
	return buf;
}
