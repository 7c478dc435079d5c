/* SPDX-License-Identifier: GPL-2.0 */
/* Evaluates syntax trees on a message. */
#ifndef KTHING_RULES_EVAL_H
#define KTHING_RULES_EVAL_H

#include <cjson/cJSON.h>

#include "ast.h"
#include "rule.h"
#include "value.h"

struct eval_env {
	const cJSON *payload;	/* NULL: not JSON */
	const struct rule_context *ctx;
	size_t built;		/* bytes of JSON made so far, against RULE_MAX_RESULT */
};

/* Evaluates @node into *out (which the caller releases). Returns 0, or -1
 * when out of memory or beyond RULE_MAX_STRING or RULE_MAX_RESULT.
 */
int eval_node(struct eval_env *env, const struct node *node,
	      struct rv *out);

/* Evaluates @node straight into new JSON, charged against RULE_MAX_RESULT;
 * *json is NULL for Undefined. Returns 0 or -1.
 */
int eval_to_json(struct eval_env *env, const struct node *node, cJSON **json);

/* Evaluates a statement's WHERE and SELECT; see rule_evaluate(). */
int eval_statement(struct eval_env *env, const struct statement *stmt,
		   cJSON **result);

#endif
