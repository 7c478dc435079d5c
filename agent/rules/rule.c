// SPDX-License-Identifier: GPL-2.0
/* Compiled rules and expressions: the public face of the language. */
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "eval.h"
#include "lexer.h"
#include "rule.h"

struct rule {
	struct arena arena;
	struct statement stmt;
};

struct rule_expr {
	struct arena arena;
	struct node *root;
};

static void clear_error(struct rule_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

struct rule *rule_compile(const char *sql, struct rule_error *err)
{
	struct rule *rule = calloc(1, sizeof(*rule));

	clear_error(err);
	if (!rule) {
		rule_error_set(err, NULL, 0, RULE_ERR_NOMEM, "out of memory");
		return NULL;
	}
	arena_init(&rule->arena);
	if (parse_statement(sql, &rule->arena, &rule->stmt, err)) {
		rule_free(rule);
		return NULL;
	}
	return rule;
}

void rule_free(struct rule *rule)
{
	if (!rule)
		return;
	arena_release(&rule->arena);
	free(rule);
}

const char *rule_topic_filter(const struct rule *rule)
{
	return rule->stmt.topic_filter;
}

bool rule_matches_topic(const struct rule *rule, const char *topic)
{
	return rule_topic_matches(rule->stmt.topic_filter, topic);
}

int rule_evaluate(const struct rule *rule, const cJSON *payload,
		  const struct rule_context *ctx, cJSON **result)
{
	struct eval_env env = { .payload = payload, .ctx = ctx };

	return eval_statement(&env, &rule->stmt, result);
}

struct rule_expr *rule_expr_compile(const char *text, struct rule_error *err)
{
	struct rule_expr *expr = calloc(1, sizeof(*expr));

	clear_error(err);
	if (!expr) {
		rule_error_set(err, NULL, 0, RULE_ERR_NOMEM, "out of memory");
		return NULL;
	}
	arena_init(&expr->arena);
	expr->root = parse_expression(text, strlen(text), 0, false, NULL,
				      &expr->arena, err);
	if (!expr->root) {
		rule_expr_free(expr);
		return NULL;
	}
	return expr;
}

void rule_expr_free(struct rule_expr *expr)
{
	if (!expr)
		return;
	arena_release(&expr->arena);
	free(expr);
}

int rule_expr_evaluate(const struct rule_expr *expr, const cJSON *payload,
		       const struct rule_context *ctx, cJSON **value)
{
	struct eval_env env = { .payload = payload, .ctx = ctx };

	return eval_to_json(&env, expr->root, value) ? RULE_ERROR : 0;
}
