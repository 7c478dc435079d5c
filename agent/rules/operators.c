// SPDX-License-Identifier: GPL-2.0
/* AWS IoT SQL operators: logic, comparison and arithmetic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "operators.h"
#include "rule.h"

static struct rv logic(enum rule_op op, const struct rv *l, const struct rv *r)
{
	bool a, b;

	/* Booleans, or the strings "true"/"false"; anything else makes the
	 * result Undefined, whatever the other operand is.
	 */
	if (!rv_to_boolean(l, &a) || !rv_to_boolean(r, &b))
		return rv_undefined();
	return rv_bool(op == OP_AND ? a && b : a || b);
}

struct rv rule_apply_not(const struct rv *operand)
{
	bool b;

	if (!rv_to_boolean(operand, &b))
		return rv_undefined();
	return rv_bool(!b);
}

/* -1, 0 or 1, exactly, for an Int against a Decimal. */
static int compare_int_decimal(int64_t i, double d)
{
	double whole;

	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	whole = floor(d);
	if (i != (int64_t)whole)
		return i < (int64_t)whole ? -1 : 1;
	return d > whole ? -1 : 0;
}

static int compare_numbers(const struct rv_number *a, const struct rv_number *b)
{
	if (a->is_int && b->is_int)
		return (a->i > b->i) - (a->i < b->i);
	if (a->is_int)
		return compare_int_decimal(a->i, b->d);
	if (b->is_int)
		return -compare_int_decimal(b->i, a->d);
	return (a->d > b->d) - (a->d < b->d);
}

static struct rv ordering(enum rule_op op, const struct rv *l,
			  const struct rv *r)
{
	struct rv_number a, b;
	int c;

	/* Numbers, or strings that read as Decimals, compared as numbers. */
	if (!rv_to_number(l, &a) || !rv_to_number(r, &b))
		return rv_undefined();
	c = compare_numbers(&a, &b);
	switch (op) {
	case OP_LT:
		return rv_bool(c < 0);
	case OP_LE:
		return rv_bool(c <= 0);
	case OP_GT:
		return rv_bool(c > 0);
	default:
		return rv_bool(c >= 0);
	}
}

static bool json_equal(const cJSON *a, const cJSON *b);

static bool json_values_equal(const cJSON *a, const cJSON *b)
{
	struct rv va, vb, eq;

	/* Borrowing never allocates. */
	rv_from_json(a, false, &va);
	rv_from_json(b, false, &vb);
	if (va.type == RV_ARRAY || va.type == RV_OBJECT)
		return va.type == vb.type && json_equal(a, b);
	eq = rule_values_equal(&va, &vb);
	return eq.type == RV_BOOL && eq.b;
}

static bool json_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if (cJSON_IsArray(a)) {
		/* Same items in the same order. */
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
			if (!json_values_equal(x, y))
				return false;
		return !x && !y;
	}
	/* Objects: same keys with equal values, in any order. */
	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return false;
	cJSON_ArrayForEach(x, a) {
		y = cJSON_GetObjectItemCaseSensitive(b, x->string);
		if (!y || !json_values_equal(x, y))
			return false;
	}
	return true;
}

struct rv rule_values_equal(const struct rv *l, const struct rv *r)
{
	struct rv_number a, b;

	if (l->type == RV_UNDEFINED || r->type == RV_UNDEFINED)
		return rv_undefined();
	if ((l->type == RV_INT || l->type == RV_DECIMAL) &&
	    (r->type == RV_INT || r->type == RV_DECIMAL)) {
		rv_to_number(l, &a);
		rv_to_number(r, &b);
		return rv_bool(compare_numbers(&a, &b) == 0);
	}
	if (l->type != r->type)
		return rv_bool(false);	/* mismatched types */
	switch (l->type) {
	case RV_NULL:
		return rv_bool(true);
	case RV_BOOL:
		return rv_bool(l->b == r->b);
	case RV_STRING:
		return rv_bool(l->s.len == r->s.len &&
			       !memcmp(l->s.ptr, r->s.ptr, l->s.len));
	default:	/* arrays, objects */
		return rv_bool(json_equal(l->json, r->json));
	}
}

static int concatenate(const struct rv *l, const struct rv *r, struct rv *out)
{
	struct rv ls, rs;
	char *s;
	size_t len;
	int ret = 0;

	*out = rv_undefined();
	if (rv_to_string(l, &ls))
		return -1;
	if (rv_to_string(r, &rs)) {
		rv_release(&ls);
		return -1;
	}
	/* Null and Undefined have no string form. */
	if (ls.type != RV_STRING || rs.type != RV_STRING)
		goto release;
	len = ls.s.len + rs.s.len;
	if (len > RULE_MAX_STRING) {
		ret = -1;
		goto release;
	}
	s = malloc(len + 1);
	if (!s) {
		ret = -1;
		goto release;
	}
	memcpy(s, ls.s.ptr, ls.s.len);
	memcpy(s + ls.s.len, rs.s.ptr, rs.s.len);
	s[len] = '\0';
	*out = rv_string_owned(s, len);
release:
	rv_release(&ls);
	rv_release(&rs);
	return ret;
}

static struct rv int_arithmetic(enum rule_op op, int64_t a, int64_t b)
{
	int64_t r;
	bool overflow;

	switch (op) {
	case OP_ADD:
		overflow = __builtin_add_overflow(a, b, &r);
		break;
	case OP_SUB:
		overflow = __builtin_sub_overflow(a, b, &r);
		break;
	case OP_MUL:
		overflow = __builtin_mul_overflow(a, b, &r);
		break;
	case OP_DIV:
		if (!b)
			return rv_undefined();
		overflow = a == INT64_MIN && b == -1;
		r = overflow ? 0 : a / b;
		break;
	default:	/* OP_MOD */
		if (!b)
			return rv_undefined();
		/* INT64_MIN % -1 traps on x86, though it is 0. */
		return rv_int(b == -1 ? 0 : a % b);
	}
	if (!overflow)
		return rv_int(r);
	/* Beyond 64 bits: carry on in double precision. */
	switch (op) {
	case OP_ADD:
		return rv_decimal((double)a + (double)b);
	case OP_SUB:
		return rv_decimal((double)a - (double)b);
	case OP_MUL:
		return rv_decimal((double)a * (double)b);
	default:
		return rv_decimal((double)a / (double)b);
	}
}

static struct rv decimal_arithmetic(enum rule_op op, double a, double b)
{
	switch (op) {
	case OP_ADD:
		return rv_decimal(a + b);
	case OP_SUB:
		return rv_decimal(a - b);
	case OP_MUL:
		return rv_decimal(a * b);
	case OP_DIV:
		return b == 0 ? rv_undefined() : rv_decimal(a / b);
	default:
		return b == 0 ? rv_undefined() : rv_decimal(fmod(a, b));
	}
}

static double as_double(const struct rv_number *n)
{
	return n->is_int ? (double)n->i : n->d;
}

static int arithmetic(enum rule_op op, const struct rv *l, const struct rv *r,
		      struct rv *out)
{
	struct rv_number a, b;

	/* '+' concatenates as soon as either side is a String. */
	if (op == OP_ADD && (l->type == RV_STRING || r->type == RV_STRING))
		return concatenate(l, r, out);
	/* The others take numbers, and strings that read as Decimals. */
	if (!rv_to_number(l, &a) || !rv_to_number(r, &b)) {
		*out = rv_undefined();
		return 0;
	}
	if (a.is_int && b.is_int)
		*out = int_arithmetic(op, a.i, b.i);
	else
		*out = decimal_arithmetic(op, as_double(&a), as_double(&b));
	return 0;
}

int rule_apply_binary(enum rule_op op, const struct rv *left,
		      const struct rv *right, struct rv *out)
{
	*out = rv_undefined();
	switch (op) {
	case OP_OR:
	case OP_AND:
		*out = logic(op, left, right);
		return 0;
	case OP_EQ:
		*out = rule_values_equal(left, right);
		return 0;
	case OP_NE:
		*out = rule_values_equal(left, right);
		if (out->type == RV_BOOL)
			out->b = !out->b;
		return 0;
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		*out = ordering(op, left, right);
		return 0;
	default:
		return arithmetic(op, left, right, out);
	}
}

struct rv rule_apply_negate(const struct rv *operand)
{
	struct rv_number n;

	if (!rv_to_number(operand, &n))
		return rv_undefined();
	if (n.is_int)
		return n.i == INT64_MIN ? rv_decimal(-(double)n.i) : rv_int(-n.i);
	return rv_decimal(-n.d);
}

const char *rule_op_text(enum rule_op op)
{
	static const char *const text[] = {
		[OP_OR] = "OR", [OP_AND] = "AND", [OP_EQ] = "=",
		[OP_NE] = "<>", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">",
		[OP_GE] = ">=", [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*",
		[OP_DIV] = "/", [OP_MOD] = "%",
	};

	return text[op];
}
