/* SPDX-License-Identifier: GPL-2.0 */
/* The syntax tree of a compiled rule, template or expression. */
#ifndef KTHING_RULES_AST_H
#define KTHING_RULES_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "operators.h"
#include "rule.h"
#include "value.h"

struct rule_function;

enum node_kind {
	NODE_LITERAL,	/* Int, Decimal, String, Boolean, Null */
	NODE_FIELD,	/* a top-level key of the payload */
	NODE_MEMBER,	/* object.key */
	NODE_INDEX,	/* array[index] */
	NODE_NEGATE,
	NODE_NOT,
	NODE_BINARY,
	NODE_CASE,
	NODE_CALL,
	NODE_CAST,
	NODE_ARRAY,	/* [a, b] */
	NODE_OBJECT,	/* {'k': v} */
};

enum cast_type {
	CAST_STRING,
	CAST_INT,
	CAST_DECIMAL,
	CAST_DOUBLE,
	CAST_BOOLEAN,
};

struct node;

struct case_branch {
	struct node *when, *then;
};

struct node {
	enum node_kind kind;
	unsigned int depth;	/* of the tree below, this node included */
	size_t offset;		/* in the source text, for messages */
	union {
		struct rv literal;		/* borrowing arena strings */
		const char *name;		/* NODE_FIELD */
		struct {
			struct node *object;
			const char *key;
		} member;
		struct {
			struct node *array, *index;
		} index;
		struct node *operand;		/* NODE_NEGATE, NODE_NOT */
		struct {
			enum rule_op op;
			struct node *left, *right;
		} binary;
		struct {
			struct node *subject;	/* NULL: searched CASE */
			struct case_branch *branches;
			size_t count;
			struct node *otherwise;	/* NULL: Undefined */
		} kase;
		struct {
			const struct rule_function *function;
			struct node **args;
			size_t count;
		} call;
		struct {
			struct node *operand;
			enum cast_type to;
		} cast;
		struct {
			struct node **items;
			size_t count;
		} array;
		struct {
			const char **keys;
			struct node **values;
			size_t count;
		} object;
	};
};

/* One item of the SELECT list: '*' (expr NULL), or an expression with the
 * key it is stored under (alias or implicit name), split at dots.
 */
struct select_item {
	struct node *expr;
	const char **key_path;
	size_t key_depth;
};

struct statement {
	bool select_value;		/* SELECT VALUE expr */
	struct select_item *items;
	size_t item_count;
	const char *topic_filter;
	struct node *where;		/* NULL: every message */
};

/* Parses a whole rule into @stmt, everything allocated from @arena.
 * Returns 0, or -1 with @err filled in.
 */
int parse_statement(const char *src, struct arena *arena,
		    struct statement *stmt, struct rule_error *err);

/*
 * Parses one expression from src[start..]. With @closing (a template's
 * "${...}"), the expression must be followed by '}' and *end is set just
 * past it; without, it must run to the end of @src.
 */
struct node *parse_expression(const char *src, size_t len, size_t start,
			      bool closing, size_t *end, struct arena *arena,
			      struct rule_error *err);

#endif
