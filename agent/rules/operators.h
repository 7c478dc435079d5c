/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operators of AWS IoT SQL, with the operand conversions its reference
 * tables give (iot-sql-operators).
 */
#ifndef KTHING_RULES_OPERATORS_H
#define KTHING_RULES_OPERATORS_H

#include "value.h"

enum rule_op {
	OP_OR,
	OP_AND,
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_ADD,
	OP_SUB,
	OP_MUL,
	OP_DIV,
	OP_MOD,
};

/*
 * Applies a binary operator. Neither operand is consumed; *out may borrow
 * from neither. Returns -1 when out of memory or when a concatenation would
 * exceed RULE_MAX_STRING.
 */
int rule_apply_binary(enum rule_op op, const struct rv *left,
		      const struct rv *right, struct rv *out);
struct rv rule_apply_not(const struct rv *operand);
struct rv rule_apply_negate(const struct rv *operand);

/* The = operator's verdict: true/false, or Undefined. */
struct rv rule_values_equal(const struct rv *left, const struct rv *right);

const char *rule_op_text(enum rule_op op);

#endif
