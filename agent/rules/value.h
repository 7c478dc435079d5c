/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of the rule language (AWS IoT SQL data types) and the standard
 * conversions between them.
 *
 * Strings, arrays and objects are either borrowed (from the message payload
 * or from the compiled rule, both alive while a rule is evaluated) or owned
 * by the value; rv_release() frees what is owned.
 */
#ifndef KTHING_RULES_VALUE_H
#define KTHING_RULES_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

enum rv_type {
	RV_UNDEFINED,
	RV_NULL,
	RV_BOOL,
	RV_INT,
	RV_DECIMAL,
	RV_STRING,
	RV_ARRAY,
	RV_OBJECT,
};

struct rv {
	enum rv_type type;
	bool owned;
	union {
		bool b;
		int64_t i;
		double d;
		struct {
			const char *ptr;	/* NUL-terminated */
			size_t len;
		} s;
		const cJSON *json;		/* RV_ARRAY, RV_OBJECT */
	};
};

/* A number after conversion: an Int, or a Decimal (a double). */
struct rv_number {
	bool is_int;
	int64_t i;
	double d;
};

static inline struct rv rv_undefined(void)
{
	return (struct rv){ .type = RV_UNDEFINED };
}

static inline struct rv rv_null(void)
{
	return (struct rv){ .type = RV_NULL };
}

static inline struct rv rv_bool(bool b)
{
	return (struct rv){ .type = RV_BOOL, .b = b };
}

static inline struct rv rv_int(int64_t i)
{
	return (struct rv){ .type = RV_INT, .i = i };
}

static inline struct rv rv_string_borrowed(const char *s, size_t len)
{
	return (struct rv){ .type = RV_STRING, .s = { s, len } };
}

/* A Decimal; Undefined when @d is not finite (JSON has no NaN or infinity). */
struct rv rv_decimal(double d);
/* A number from JSON or a literal: whole numbers in Int range are Ints, as
 * SQL version 2016-03-23 processes them.
 */
struct rv rv_number_from_double(double d);
struct rv rv_from_number(const struct rv_number *n);
/* Takes ownership of @s (malloc'd, NUL-terminated, @len bytes). */
struct rv rv_string_owned(char *s, size_t len);

void rv_release(struct rv *v);
/* Moves @v out, leaving Undefined behind. */
struct rv rv_take(struct rv *v);

/* A payload node as a value, borrowed. @copy makes it owned instead, for a
 * node inside an owned container about to be released. Returns -1 when out
 * of memory.
 */
int rv_from_json(const cJSON *json, bool copy, struct rv *out);
/* The value as new JSON; *out is NULL for Undefined. Returns -1 when out of
 * memory.
 */
int rv_to_json(const struct rv *v, cJSON **out);

/* Parses a whole string as AWS does: ^-?\d+(\.\d+)?([eE]-?\d+)?$ */
bool rv_parse_decimal(const char *s, size_t len, double *out);

/* The standard conversions. Each returns false when AWS gives Undefined
 * (to_number also for Null, which the operators treat as Undefined).
 */
bool rv_to_number(const struct rv *v, struct rv_number *out);
bool rv_to_boolean(const struct rv *v, bool *out);
/* Decimal to Int, rounding to nearest (the implicit "to Int" conversion);
 * false when out of range.
 */
bool rv_decimal_to_int(double d, int64_t *out);
/* The implicit "to Int" conversion: Ints as they are, Decimals rounded to
 * nearest, strings read as Decimals and truncated; false otherwise.
 */
bool rv_to_int(const struct rv *v, int64_t *out);
/* Inside int64's range, so converting is defined. */
bool rv_double_fits_int(double d);

/*
 * The string conversion: *out is a String, or Undefined for Null and
 * Undefined. Returns -1 when out of memory or the string would exceed
 * RULE_MAX_STRING.
 */
int rv_to_string(const struct rv *v, struct rv *out);

/* The shortest text that reads back as @d ("54.98", "1.5E-7"). */
void rv_format_decimal(double d, char *buf, size_t size);

const char *rv_type_name(enum rv_type type);

#endif
