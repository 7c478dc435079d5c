/* SPDX-License-Identifier: GPL-2.0 */
/* The built-in functions rules can call. */
#ifndef KTHING_RULES_FUNCTIONS_H
#define KTHING_RULES_FUNCTIONS_H

#include <stddef.h>

#include "eval.h"

/**
 * struct rule_function - a built-in function
 * @name:	its name in canonical case; calls match it case-insensitively
 * @min_args:	fewest arguments it takes
 * @max_args:	most arguments it takes
 * @call:	computes *out from @args (evaluated, any of them Undefined). It
 *		may move an argument into *out with rv_take(); what it leaves
 *		in @args the caller releases. Returns 0, or -1 when out of
 *		memory.
 */
struct rule_function {
	const char *name;
	unsigned char min_args, max_args;
	int (*call)(const struct eval_env *env, struct rv *args, size_t count,
		    struct rv *out);
};

const struct rule_function *rule_function_find(const char *name, size_t len);

/* cast(value AS type), which has its own syntax. It may move @value into
 * *out. Returns 0, or -1 when out of memory.
 */
int rule_cast(struct rv *value, enum cast_type to, struct rv *out);

#endif
