// SPDX-License-Identifier: GPL-2.0
/* The rule language's values and AWS's standard conversions between them. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule.h"
#include "value.h"

/* 2^63 is exact in a double; int64 holds [-2^63, 2^63). */
#define TWO_POW_63 9223372036854775808.0

bool rv_double_fits_int(double d)
{
	return d >= -TWO_POW_63 && d < TWO_POW_63;
}

struct rv rv_decimal(double d)
{
	if (!isfinite(d))
		return rv_undefined();
	return (struct rv){ .type = RV_DECIMAL, .d = d };
}

struct rv rv_number_from_double(double d)
{
	if (isfinite(d) && d == floor(d) && rv_double_fits_int(d))
		return rv_int((int64_t)d);
	return rv_decimal(d);
}

struct rv rv_from_number(const struct rv_number *n)
{
	return n->is_int ? rv_int(n->i) : rv_decimal(n->d);
}

struct rv rv_string_owned(char *s, size_t len)
{
	return (struct rv){ .type = RV_STRING, .owned = true, .s = { s, len } };
}

void rv_release(struct rv *v)
{
	if (v->owned) {
		if (v->type == RV_STRING)
			free((char *)v->s.ptr);
		else if (v->type == RV_ARRAY || v->type == RV_OBJECT)
			cJSON_Delete((cJSON *)v->json);
	}
	*v = rv_undefined();
}

struct rv rv_take(struct rv *v)
{
	struct rv taken = *v;

	*v = rv_undefined();
	return taken;
}

/*
 * cJSON writes numbers of 16 digits or more in exponent form ("1e+17") and
 * keeps only a double's 53 bits: such Ints go out as raw number text, every
 * digit kept, as AWS writes them.
 */
static cJSON *int_to_json(int64_t i)
{
	char digits[24];

	if (i > -1000000000000000 && i < 1000000000000000)
		return cJSON_CreateNumber((double)i);
	snprintf(digits, sizeof(digits), "%" PRId64, i);
	return cJSON_CreateRaw(digits);
}

/* Raw number text from int_to_json(), read back. */
static bool int_from_raw(const char *text, int64_t *out)
{
	char *end;

	if (!text || !*text)
		return false;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return !errno && !*end;
}

int rv_from_json(const cJSON *json, bool copy, struct rv *out)
{
	int64_t i;

	*out = rv_undefined();
	if (!json)
		return 0;
	if (cJSON_IsNull(json)) {
		*out = rv_null();
	} else if (cJSON_IsBool(json)) {
		*out = rv_bool(cJSON_IsTrue(json));
	} else if (cJSON_IsNumber(json)) {
		*out = rv_number_from_double(json->valuedouble);
	} else if (cJSON_IsString(json)) {
		const char *s = json->valuestring;
		size_t len = strlen(s);

		if (!copy) {
			*out = rv_string_borrowed(s, len);
		} else {
			char *dup = strndup(s, len);

			if (!dup)
				return -1;
			*out = rv_string_owned(dup, len);
		}
	} else if (cJSON_IsArray(json) || cJSON_IsObject(json)) {
		out->type = cJSON_IsArray(json) ? RV_ARRAY : RV_OBJECT;
		if (copy) {
			out->json = cJSON_Duplicate(json, true);
			if (!out->json) {
				*out = rv_undefined();
				return -1;
			}
			out->owned = true;
		} else {
			out->json = json;
		}
	} else if (cJSON_IsRaw(json) && int_from_raw(json->valuestring, &i)) {
		*out = rv_int(i);
	}
	/* Other raw text and cJSON_Invalid have no SQL type: Undefined. */
	return 0;
}

int rv_to_json(const struct rv *v, cJSON **out)
{
	switch (v->type) {
	case RV_UNDEFINED:
		*out = NULL;
		return 0;
	case RV_NULL:
		*out = cJSON_CreateNull();
		break;
	case RV_BOOL:
		*out = cJSON_CreateBool(v->b);
		break;
	case RV_INT:
		*out = int_to_json(v->i);
		break;
	case RV_DECIMAL:
		*out = cJSON_CreateNumber(v->d);
		break;
	case RV_STRING:
		*out = cJSON_CreateString(v->s.ptr);
		break;
	case RV_ARRAY:
	case RV_OBJECT:
		*out = cJSON_Duplicate(v->json, true);
		break;
	}
	return *out ? 0 : -1;
}

/* Steps over digits from *i; false when there are none. */
static bool skip_digits(const char *s, size_t len, size_t *i)
{
	size_t start = *i;

	while (*i < len && isdigit((unsigned char)s[*i]))
		(*i)++;
	return *i > start;
}

bool rv_parse_decimal(const char *s, size_t len, double *out)
{
	size_t i = 0;
	char buf[64], *copy = buf;
	double d;

	if (i < len && s[i] == '-')
		i++;
	if (!skip_digits(s, len, &i))
		return false;
	if (i < len && s[i] == '.') {
		i++;
		if (!skip_digits(s, len, &i))
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && s[i] == '-')
			i++;
		if (!skip_digits(s, len, &i))
			return false;
	}
	if (i != len)
		return false;

	/* strtod needs a terminated string; the match may be a slice. */
	if (len >= sizeof(buf)) {
		copy = strndup(s, len);
		if (!copy)
			return false;
	} else {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	if (!isfinite(d))
		return false;	/* beyond a double's range */
	*out = d;
	return true;
}

bool rv_to_number(const struct rv *v, struct rv_number *out)
{
	switch (v->type) {
	case RV_INT:
		*out = (struct rv_number){ .is_int = true, .i = v->i };
		return true;
	case RV_DECIMAL:
		*out = (struct rv_number){ .is_int = false, .d = v->d };
		return true;
	case RV_STRING:
		out->is_int = false;
		return rv_parse_decimal(v->s.ptr, v->s.len, &out->d);
	default:
		return false;
	}
}

bool rv_to_boolean(const struct rv *v, bool *out)
{
	if (v->type == RV_BOOL) {
		*out = v->b;
		return true;
	}
	if (v->type == RV_STRING) {
		if (!strcasecmp(v->s.ptr, "true") && v->s.len == 4) {
			*out = true;
			return true;
		}
		if (!strcasecmp(v->s.ptr, "false") && v->s.len == 5) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool rv_decimal_to_int(double d, int64_t *out)
{
	d = round(d);
	if (!rv_double_fits_int(d))
		return false;
	*out = (int64_t)d;
	return true;
}

bool rv_to_int(const struct rv *v, int64_t *out)
{
	struct rv_number n;

	if (v->type == RV_DECIMAL)
		return rv_decimal_to_int(v->d, out);
	if (!rv_to_number(v, &n))
		return false;
	if (n.is_int) {
		*out = n.i;
		return true;
	}
	if (!rv_double_fits_int(n.d))
		return false;
	*out = (int64_t)n.d;
	return true;
}

void rv_format_decimal(double d, char *buf, size_t size)
{
	char tmp[40], *e;
	int precision;

	/*
	 * A decimal of up to 15 digits survives the trip through a double
	 * (DBL_DIG), so when 15 digits read back, %g's stripped output is
	 * already the shortest; otherwise 16 or 17 digits are needed.
	 */
	for (precision = 15; precision <= 17; precision++) {
		snprintf(tmp, sizeof(tmp), "%.*g", precision, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* C writes "1.5e-07"; AWS (Java) writes "1.5E-7". */
	e = strchr(tmp, 'e');
	if (e) {
		char sign = e[1];
		const char *digits = e + 2;

		while (digits[0] == '0' && digits[1])
			digits++;
		*e = '\0';
		snprintf(buf, size, "%sE%s%s", tmp, sign == '-' ? "-" : "+",
			 digits);
	} else {
		snprintf(buf, size, "%s", tmp);
	}
}

int rv_to_string(const struct rv *v, struct rv *out)
{
	char buf[48], *s;
	size_t len;

	*out = rv_undefined();
	switch (v->type) {
	case RV_UNDEFINED:
	case RV_NULL:
		return 0;
	case RV_STRING:
		*out = rv_string_borrowed(v->s.ptr, v->s.len);
		return 0;
	case RV_BOOL:
		*out = rv_string_borrowed(v->b ? "true" : "false",
					  v->b ? 4 : 5);
		return 0;
	case RV_INT:
		snprintf(buf, sizeof(buf), "%" PRId64, v->i);
		s = strdup(buf);
		break;
	case RV_DECIMAL:
		rv_format_decimal(v->d, buf, sizeof(buf));
		s = strdup(buf);
		break;
	case RV_ARRAY:
	case RV_OBJECT:
		s = cJSON_PrintUnformatted(v->json);
		break;
	default:
		return 0;
	}
	if (!s)
		return -1;
	len = strlen(s);
	if (len > RULE_MAX_STRING) {
		free(s);
		return -1;
	}
	*out = rv_string_owned(s, len);
	return 0;
}

const char *rv_type_name(enum rv_type type)
{
	static const char *const names[] = {
		[RV_UNDEFINED] = "Undefined", [RV_NULL] = "Null",
		[RV_BOOL] = "Boolean", [RV_INT] = "Int",
		[RV_DECIMAL] = "Decimal", [RV_STRING] = "String",
		[RV_ARRAY] = "Array", [RV_OBJECT] = "Object",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}
