// SPDX-License-Identifier: GPL-2.0
/*
 * Recursive-descent parser for AWS IoT SQL. Precedence, loosest first:
 *
 *	OR
 *	AND
 *	NOT
 *	= <> < <= > >=
 *	+ -
 *	* / %
 *	unary -
 *	a.b  a[i]
 *
 * Recursion is bounded by RULE_MAX_NESTING and trees by RULE_MAX_TREE_DEPTH,
 * so neither parsing nor evaluating can run out of stack.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ast.h"
#include "functions.h"
#include "lexer.h"

struct parser {
	const char *src;
	struct lexer lx;
	struct token tok;	/* the current token */
	struct arena *arena;
	struct rule_error *err;
	unsigned int nesting;
};

static const char *const reserved_words[] = {
	"SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "CASE", "WHEN",
	"THEN", "ELSE", "END", "TRUE", "FALSE", "NULL",
};

static bool word_is(const struct token *tok, const char *word)
{
	size_t len = strlen(word);

	return tok->kind == TOK_WORD && tok->s.len == len &&
	       !strncasecmp(tok->s.ptr, word, len);
}

static bool is_reserved(const struct token *tok)
{
	size_t i;

	for (i = 0; i < sizeof(reserved_words) / sizeof(reserved_words[0]); i++)
		if (word_is(tok, reserved_words[i]))
			return true;
	return false;
}

static int advance(struct parser *p)
{
	return lexer_next(&p->lx, &p->tok, p->err);
}

/* The token after the current one, without consuming anything. */
static int peek(struct parser *p, struct token *next)
{
	struct lexer saved = p->lx;
	int ret = lexer_next(&p->lx, next, p->err);

	p->lx = saved;
	return ret;
}

static int fail_expected(struct parser *p, const char *expected)
{
	char found[40];

	token_describe(p->src, &p->tok, found, sizeof(found));
	rule_error_set(p->err, p->src, p->tok.offset, RULE_ERR_UNEXPECTED,
		       "expected %s, found %s", expected, found);
	return -1;
}

static int nomem(struct parser *p)
{
	rule_error_set(p->err, p->src, p->tok.offset, RULE_ERR_NOMEM,
		       "out of memory");
	return -1;
}

static int expect(struct parser *p, enum token_kind kind, const char *what)
{
	if (p->tok.kind != kind)
		return fail_expected(p, what);
	return advance(p);
}

static int expect_word(struct parser *p, const char *word)
{
	if (!word_is(&p->tok, word))
		return fail_expected(p, word);
	return advance(p);
}

static int enter(struct parser *p)
{
	if (++p->nesting > RULE_MAX_NESTING) {
		rule_error_set(p->err, p->src, p->tok.offset, RULE_ERR_TOO_DEEP,
			       "expression nests more than %d levels deep",
			       RULE_MAX_NESTING);
		return -1;
	}
	return 0;
}

static void leave(struct parser *p)
{
	p->nesting--;
}

static struct node *new_node(struct parser *p, enum node_kind kind,
			     size_t offset)
{
	struct node *n = arena_alloc(p->arena, sizeof(*n));

	if (!n) {
		nomem(p);
		return NULL;
	}
	n->kind = kind;
	n->offset = offset;
	n->depth = 1;
	return n;
}

/* Grows an arena array of pointers; the old block stays in the arena. */
static void **grow(struct parser *p, void **items, size_t count, size_t *cap)
{
	void **bigger;

	if (count < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 4;
	bigger = arena_alloc(p->arena, *cap * sizeof(*items));
	if (!bigger) {
		nomem(p);
		return NULL;
	}
	if (count)
		memcpy(bigger, items, count * sizeof(*items));
	return bigger;
}

static unsigned int deepest(unsigned int depth, const struct node *child)
{
	return child && child->depth > depth ? child->depth : depth;
}

/* Sets @n's depth from its children's; refuses trees too deep to evaluate. */
static struct node *finish(struct parser *p, struct node *n)
{
	unsigned int d = 0;
	size_t i;

	switch (n->kind) {
	case NODE_MEMBER:
		d = deepest(d, n->member.object);
		break;
	case NODE_INDEX:
		d = deepest(deepest(d, n->index.array), n->index.index);
		break;
	case NODE_NEGATE:
	case NODE_NOT:
		d = deepest(d, n->operand);
		break;
	case NODE_BINARY:
		d = deepest(deepest(d, n->binary.left), n->binary.right);
		break;
	case NODE_CASE:
		d = deepest(deepest(d, n->kase.subject), n->kase.otherwise);
		for (i = 0; i < n->kase.count; i++)
			d = deepest(deepest(d, n->kase.branches[i].when),
				    n->kase.branches[i].then);
		break;
	case NODE_CALL:
		for (i = 0; i < n->call.count; i++)
			d = deepest(d, n->call.args[i]);
		break;
	case NODE_CAST:
		d = deepest(d, n->cast.operand);
		break;
	case NODE_ARRAY:
		for (i = 0; i < n->array.count; i++)
			d = deepest(d, n->array.items[i]);
		break;
	case NODE_OBJECT:
		for (i = 0; i < n->object.count; i++)
			d = deepest(d, n->object.values[i]);
		break;
	default:
		break;
	}
	n->depth = d + 1;
	if (n->depth > RULE_MAX_TREE_DEPTH) {
		rule_error_set(p->err, p->src, n->offset, RULE_ERR_TOO_DEEP,
			       "expression is more than %d operations deep",
			       RULE_MAX_TREE_DEPTH);
		return NULL;
	}
	return n;
}

static struct node *parse_or(struct parser *p);
static struct node *parse_not(struct parser *p);

static struct node *parse_nested(struct parser *p)
{
	struct node *n;

	if (enter(p))
		return NULL;
	n = parse_or(p);
	leave(p);
	return n;
}

/* A comma-separated list up to @close; each item parsed by parse_nested. */
static int parse_list(struct parser *p, enum token_kind close,
		      const char *close_text, struct node ***items,
		      size_t *count)
{
	size_t cap = 0;

	*items = NULL;
	*count = 0;
	if (p->tok.kind == close)
		return advance(p);
	for (;;) {
		struct node *item;

		*items = (struct node **)grow(p, (void **)*items, *count, &cap);
		if (!*items)
			return -1;
		item = parse_nested(p);
		if (!item)
			return -1;
		(*items)[(*count)++] = item;
		if (p->tok.kind == close)
			return advance(p);
		if (p->tok.kind != TOK_COMMA) {
			char expected[32];

			snprintf(expected, sizeof(expected), "',' or '%s'",
				 close_text);
			return fail_expected(p, expected);
		}
		if (advance(p))
			return -1;
	}
}

static struct node *parse_call(struct parser *p)
{
	struct token name = p->tok;
	const struct rule_function *fn;
	struct node *n;

	fn = rule_function_find(name.s.ptr, name.s.len);
	if (!fn) {
		rule_error_set(p->err, p->src, name.offset,
			       RULE_ERR_UNKNOWN_FUNCTION,
			       "unknown function '%.*s'", (int)name.s.len,
			       name.s.ptr);
		return NULL;
	}
	n = new_node(p, NODE_CALL, name.offset);
	if (!n || advance(p) || advance(p))	/* the name and '(' */
		return NULL;
	n->call.function = fn;
	if (parse_list(p, TOK_RPAREN, ")", &n->call.args, &n->call.count))
		return NULL;
	if (n->call.count < fn->min_args || n->call.count > fn->max_args) {
		if (fn->min_args == fn->max_args)
			rule_error_set(p->err, p->src, name.offset,
				       RULE_ERR_ARGUMENT_COUNT,
				       "%s() takes %u argument%s, not %zu",
				       fn->name, fn->min_args,
				       fn->min_args == 1 ? "" : "s",
				       n->call.count);
		else
			rule_error_set(p->err, p->src, name.offset,
				       RULE_ERR_ARGUMENT_COUNT,
				       "%s() takes %u to %u arguments, not %zu",
				       fn->name, fn->min_args, fn->max_args,
				       n->call.count);
		return NULL;
	}
	return finish(p, n);
}

static const struct {
	const char *name;
	enum cast_type type;
} cast_types[] = {
	{ "String", CAST_STRING }, { "Nvarchar", CAST_STRING },
	{ "Text", CAST_STRING }, { "Ntext", CAST_STRING },
	{ "varchar", CAST_STRING }, { "Int", CAST_INT },
	{ "Integer", CAST_INT }, { "Double", CAST_DOUBLE },
	{ "Decimal", CAST_DECIMAL }, { "Bool", CAST_BOOLEAN },
	{ "Boolean", CAST_BOOLEAN },
};

static struct node *parse_cast(struct parser *p)
{
	struct node *n = new_node(p, NODE_CAST, p->tok.offset);
	size_t i;

	if (!n || advance(p) || advance(p))	/* "cast" and '(' */
		return NULL;
	n->cast.operand = parse_nested(p);
	if (!n->cast.operand || expect_word(p, "AS"))
		return NULL;
	if (p->tok.kind != TOK_WORD) {
		fail_expected(p, "a type after AS");
		return NULL;
	}
	for (i = 0; i < sizeof(cast_types) / sizeof(cast_types[0]); i++)
		if (word_is(&p->tok, cast_types[i].name))
			break;
	if (i == sizeof(cast_types) / sizeof(cast_types[0])) {
		rule_error_set(p->err, p->src, p->tok.offset,
			       RULE_ERR_UNKNOWN_TYPE,
			       "cannot cast to '%.*s' (types: String, Nvarchar, Text, Ntext, varchar, Int, Integer, Double, Decimal, Bool, Boolean)",
			       (int)(p->tok.s.len > 24 ? 24 : p->tok.s.len),
			       p->tok.s.ptr);
		return NULL;
	}
	n->cast.to = cast_types[i].type;
	if (advance(p) || expect(p, TOK_RPAREN, "')'"))
		return NULL;
	return finish(p, n);
}

static struct node *parse_case(struct parser *p)
{
	struct node *n = new_node(p, NODE_CASE, p->tok.offset);
	size_t cap = 0;

	if (!n || advance(p))
		return NULL;
	if (!word_is(&p->tok, "WHEN")) {
		n->kase.subject = parse_nested(p);
		if (!n->kase.subject)
			return NULL;
	}
	if (!word_is(&p->tok, "WHEN")) {
		fail_expected(p, "WHEN");
		return NULL;
	}
	while (word_is(&p->tok, "WHEN")) {
		struct case_branch branch;

		/* Branches are an array of structs: grown by hand. */
		if (n->kase.count == cap) {
			struct case_branch *bigger;

			cap = cap ? cap * 2 : 4;
			bigger = arena_alloc(p->arena, cap * sizeof(*bigger));
			if (!bigger) {
				nomem(p);
				return NULL;
			}
			if (n->kase.count)
				memcpy(bigger, n->kase.branches,
				       n->kase.count * sizeof(*bigger));
			n->kase.branches = bigger;
		}
		if (advance(p))
			return NULL;
		branch.when = parse_nested(p);
		if (!branch.when || expect_word(p, "THEN"))
			return NULL;
		branch.then = parse_nested(p);
		if (!branch.then)
			return NULL;
		n->kase.branches[n->kase.count++] = branch;
	}
	if (word_is(&p->tok, "ELSE")) {
		if (advance(p))
			return NULL;
		n->kase.otherwise = parse_nested(p);
		if (!n->kase.otherwise)
			return NULL;
	}
	if (!word_is(&p->tok, "END")) {
		fail_expected(p, "WHEN, ELSE or END");
		return NULL;
	}
	if (advance(p))
		return NULL;
	return finish(p, n);
}

static struct node *parse_object(struct parser *p)
{
	struct node *n = new_node(p, NODE_OBJECT, p->tok.offset);
	size_t cap = 0, vcap = 0;

	if (!n || advance(p))
		return NULL;
	if (p->tok.kind == TOK_RBRACE)
		return advance(p) ? NULL : finish(p, n);
	for (;;) {
		const char *key;

		if (p->tok.kind != TOK_STRING) {
			fail_expected(p, "a quoted key");
			return NULL;
		}
		key = p->tok.s.ptr;
		n->object.keys = (const char **)grow(p, (void **)n->object.keys,
						     n->object.count, &cap);
		n->object.values = (struct node **)grow(p,
				(void **)n->object.values, n->object.count, &vcap);
		if (!n->object.keys || !n->object.values || advance(p) ||
		    expect(p, TOK_COLON, "':'"))
			return NULL;
		n->object.keys[n->object.count] = key;
		n->object.values[n->object.count] = parse_nested(p);
		if (!n->object.values[n->object.count])
			return NULL;
		n->object.count++;
		if (p->tok.kind == TOK_RBRACE)
			break;
		if (expect(p, TOK_COMMA, "',' or '}'"))
			return NULL;
	}
	return advance(p) ? NULL : finish(p, n);
}

static struct node *literal(struct parser *p, struct rv value)
{
	struct node *n = new_node(p, NODE_LITERAL, p->tok.offset);

	if (!n || advance(p))
		return NULL;
	n->literal = value;
	return n;
}

static struct node *parse_primary(struct parser *p)
{
	struct token next;
	struct node *n;

	switch (p->tok.kind) {
	case TOK_INT:
		return literal(p, rv_int(p->tok.i));
	case TOK_DECIMAL:
		return literal(p, rv_decimal(p->tok.d));
	case TOK_STRING:
		return literal(p, rv_string_borrowed(p->tok.s.ptr, p->tok.s.len));
	case TOK_LPAREN:
		if (advance(p))
			return NULL;
		n = parse_nested(p);
		if (!n || expect(p, TOK_RPAREN, "')'"))
			return NULL;
		return n;
	case TOK_LBRACKET:
		n = new_node(p, NODE_ARRAY, p->tok.offset);
		if (!n || advance(p) ||
		    parse_list(p, TOK_RBRACKET, "]", &n->array.items,
			       &n->array.count))
			return NULL;
		return finish(p, n);
	case TOK_LBRACE:
		return parse_object(p);
	case TOK_WORD:
		break;
	default:
		fail_expected(p, "an expression");
		return NULL;
	}

	if (word_is(&p->tok, "TRUE"))
		return literal(p, rv_bool(true));
	if (word_is(&p->tok, "FALSE"))
		return literal(p, rv_bool(false));
	if (word_is(&p->tok, "NULL"))
		return literal(p, rv_null());
	if (word_is(&p->tok, "CASE"))
		return parse_case(p);
	if (word_is(&p->tok, "NOT"))
		return parse_not(p);
	if (is_reserved(&p->tok)) {
		fail_expected(p, "an expression");
		return NULL;
	}
	if (peek(p, &next))
		return NULL;
	if (next.kind == TOK_LPAREN)
		return word_is(&p->tok, "cast") ? parse_cast(p) : parse_call(p);

	n = new_node(p, NODE_FIELD, p->tok.offset);
	if (!n)
		return NULL;
	n->name = arena_strndup(p->arena, p->tok.s.ptr, p->tok.s.len);
	if (!n->name) {
		nomem(p);
		return NULL;
	}
	return advance(p) ? NULL : n;
}

static struct node *parse_postfix(struct parser *p)
{
	struct node *n = parse_primary(p), *outer;

	while (n && (p->tok.kind == TOK_DOT || p->tok.kind == TOK_LBRACKET)) {
		if (p->tok.kind == TOK_DOT) {
			if (advance(p))
				return NULL;
			if (p->tok.kind != TOK_WORD) {
				fail_expected(p, "a key name after '.' (use get() for other keys)");
				return NULL;
			}
			outer = new_node(p, NODE_MEMBER, p->tok.offset);
			if (!outer)
				return NULL;
			outer->member.object = n;
			outer->member.key = arena_strndup(p->arena, p->tok.s.ptr,
							  p->tok.s.len);
			if (!outer->member.key) {
				nomem(p);
				return NULL;
			}
			if (advance(p))
				return NULL;
		} else {
			outer = new_node(p, NODE_INDEX, p->tok.offset);
			if (!outer || advance(p))
				return NULL;
			outer->index.array = n;
			outer->index.index = parse_nested(p);
			if (!outer->index.index ||
			    expect(p, TOK_RBRACKET, "']'"))
				return NULL;
		}
		n = finish(p, outer);
	}
	return n;
}

static struct node *parse_unary(struct parser *p)
{
	struct node *n;

	if (p->tok.kind != TOK_MINUS)
		return parse_postfix(p);
	n = new_node(p, NODE_NEGATE, p->tok.offset);
	if (!n || advance(p) || enter(p))
		return NULL;
	n->operand = parse_unary(p);
	leave(p);
	return n->operand ? finish(p, n) : NULL;
}

static struct node *binary(struct parser *p, enum rule_op op,
			   struct node *left, size_t offset,
			   struct node *(*operand)(struct parser *))
{
	struct node *n = new_node(p, NODE_BINARY, offset);

	if (!n || advance(p))
		return NULL;
	n->binary.op = op;
	n->binary.left = left;
	n->binary.right = operand(p);
	return n->binary.right ? finish(p, n) : NULL;
}

static bool multiplicative_op(const struct token *tok, enum rule_op *op)
{
	switch (tok->kind) {
	case TOK_STAR:
		*op = OP_MUL;
		return true;
	case TOK_SLASH:
		*op = OP_DIV;
		return true;
	case TOK_PERCENT:
		*op = OP_MOD;
		return true;
	default:
		return false;
	}
}

static struct node *parse_multiplicative(struct parser *p)
{
	struct node *n = parse_unary(p);
	enum rule_op op;

	while (n && multiplicative_op(&p->tok, &op))
		n = binary(p, op, n, p->tok.offset, parse_unary);
	return n;
}

static struct node *parse_additive(struct parser *p)
{
	struct node *n = parse_multiplicative(p);

	while (n && (p->tok.kind == TOK_PLUS || p->tok.kind == TOK_MINUS))
		n = binary(p, p->tok.kind == TOK_PLUS ? OP_ADD : OP_SUB, n,
			   p->tok.offset, parse_multiplicative);
	return n;
}

static bool comparison_op(const struct token *tok, enum rule_op *op)
{
	static const struct {
		enum token_kind tok;
		enum rule_op op;
	} map[] = {
		{ TOK_EQ, OP_EQ }, { TOK_NE, OP_NE }, { TOK_LT, OP_LT },
		{ TOK_LE, OP_LE }, { TOK_GT, OP_GT }, { TOK_GE, OP_GE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (tok->kind == map[i].tok) {
			*op = map[i].op;
			return true;
		}
	}
	return false;
}

static struct node *parse_comparison(struct parser *p)
{
	struct node *n = parse_additive(p);
	enum rule_op op;

	while (n && comparison_op(&p->tok, &op))
		n = binary(p, op, n, p->tok.offset, parse_additive);
	return n;
}

static struct node *parse_not(struct parser *p)
{
	struct node *n;

	if (!word_is(&p->tok, "NOT"))
		return parse_comparison(p);
	n = new_node(p, NODE_NOT, p->tok.offset);
	if (!n || advance(p) || enter(p))
		return NULL;
	n->operand = parse_not(p);
	leave(p);
	return n->operand ? finish(p, n) : NULL;
}

static struct node *parse_and(struct parser *p)
{
	struct node *n = parse_not(p);

	while (n && word_is(&p->tok, "AND"))
		n = binary(p, OP_AND, n, p->tok.offset, parse_not);
	return n;
}

static struct node *parse_or(struct parser *p)
{
	struct node *n = parse_and(p);

	while (n && word_is(&p->tok, "OR"))
		n = binary(p, OP_OR, n, p->tok.offset, parse_and);
	return n;
}

/* Whether @tok can begin an expression (to tell SELECT VALUE x from a
 * payload key named "value").
 */
static bool starts_expression(const struct token *tok)
{
	switch (tok->kind) {
	case TOK_WORD:
		return !is_reserved(tok) || word_is(tok, "NOT") ||
		       word_is(tok, "CASE") || word_is(tok, "TRUE") ||
		       word_is(tok, "FALSE") || word_is(tok, "NULL");
	case TOK_STRING:
	case TOK_INT:
	case TOK_DECIMAL:
	case TOK_LPAREN:
	case TOK_LBRACKET:
	case TOK_LBRACE:
	case TOK_MINUS:
		return true;
	default:
		return false;
	}
}

/* The key an unaliased SELECT item is stored under: a path's last key, a
 * function's name, else "_<position>".
 */
static const char *implicit_name(struct parser *p, const struct node *n,
				 size_t position)
{
	char buf[24];
	const char *name;

	while (n->kind == NODE_INDEX)
		n = n->index.array;
	if (n->kind == NODE_FIELD)
		return n->name;
	if (n->kind == NODE_MEMBER)
		return n->member.key;
	if (n->kind == NODE_CALL)
		return n->call.function->name;
	snprintf(buf, sizeof(buf), "_%zu", position);
	name = arena_strndup(p->arena, buf, strlen(buf));
	if (!name)
		nomem(p);
	return name;
}

static int parse_alias(struct parser *p, struct select_item *item)
{
	size_t cap = 0;

	for (;;) {
		const char *key;

		if (p->tok.kind != TOK_WORD)
			return fail_expected(p, "a name after AS");
		item->key_path = (const char **)grow(p, (void **)item->key_path,
						     item->key_depth, &cap);
		key = arena_strndup(p->arena, p->tok.s.ptr, p->tok.s.len);
		if (!item->key_path || !key)
			return nomem(p);
		item->key_path[item->key_depth++] = key;
		if (advance(p))
			return -1;
		if (p->tok.kind != TOK_DOT)
			return 0;
		if (item->key_depth >= RULE_MAX_NESTING) {
			rule_error_set(p->err, p->src, p->tok.offset,
				       RULE_ERR_TOO_DEEP,
				       "alias has more than %d levels",
				       RULE_MAX_NESTING);
			return -1;
		}
		if (advance(p))
			return -1;
	}
}

static int parse_select_item(struct parser *p, struct select_item *item,
			     size_t position)
{
	if (p->tok.kind == TOK_STAR)
		return advance(p);
	item->expr = parse_nested(p);
	if (!item->expr)
		return -1;
	if (word_is(&p->tok, "AS")) {
		if (advance(p))
			return -1;
		return parse_alias(p, item);
	}
	item->key_path = arena_alloc(p->arena, sizeof(*item->key_path));
	if (!item->key_path)
		return nomem(p);
	item->key_path[0] = implicit_name(p, item->expr, position);
	item->key_depth = 1;
	return item->key_path[0] ? 0 : -1;
}

static int parse_select(struct parser *p, struct statement *stmt)
{
	struct token next;
	size_t cap = 0;

	if (expect_word(p, "SELECT"))
		return -1;
	if (word_is(&p->tok, "VALUE")) {
		if (peek(p, &next))
			return -1;
		if (starts_expression(&next)) {
			stmt->select_value = true;
			if (advance(p))
				return -1;
			stmt->items = arena_alloc(p->arena, sizeof(*stmt->items));
			if (!stmt->items)
				return nomem(p);
			stmt->item_count = 1;
			stmt->items[0].expr = parse_nested(p);
			return stmt->items[0].expr ? 0 : -1;
		}
	}
	if (!starts_expression(&p->tok) && p->tok.kind != TOK_STAR)
		return fail_expected(p, "'*' or an expression after SELECT");
	for (;;) {
		struct select_item *bigger;

		if (stmt->item_count == cap) {
			cap = cap ? cap * 2 : 4;
			bigger = arena_alloc(p->arena, cap * sizeof(*bigger));
			if (!bigger)
				return nomem(p);
			if (stmt->item_count)
				memcpy(bigger, stmt->items,
				       stmt->item_count * sizeof(*bigger));
			stmt->items = bigger;
		}
		if (parse_select_item(p, &stmt->items[stmt->item_count],
				      stmt->item_count + 1))
			return -1;
		stmt->item_count++;
		if (p->tok.kind != TOK_COMMA)
			return 0;
		if (advance(p))
			return -1;
	}
}

static int parse_from(struct parser *p, struct statement *stmt)
{
	const char *why;

	if (expect_word(p, "FROM"))
		return -1;
	if (p->tok.kind != TOK_STRING || p->tok.s.quote != '\'')
		return fail_expected(p, "a topic filter in single quotes");
	why = rule_topic_filter_invalid(p->tok.s.ptr);
	if (!why && strlen(p->tok.s.ptr) != p->tok.s.len)
		why = "a topic filter cannot hold a NUL character";
	if (why) {
		rule_error_set(p->err, p->src, p->tok.offset,
			       RULE_ERR_BAD_TOPIC_FILTER, "%s", why);
		return -1;
	}
	stmt->topic_filter = p->tok.s.ptr;
	return advance(p);
}

static int parser_start(struct parser *p, const char *src, size_t len,
			size_t start, struct arena *arena,
			struct rule_error *err)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->arena = arena;
	p->err = err;
	if (len > RULE_MAX_LENGTH) {
		rule_error_set(err, NULL, 0, RULE_ERR_TOO_LONG,
			       "text is %zu bytes, more than %d", len,
			       RULE_MAX_LENGTH);
		return -1;
	}
	lexer_init(&p->lx, src, len, start, arena);
	return advance(p);
}

int parse_statement(const char *src, struct arena *arena,
		    struct statement *stmt, struct rule_error *err)
{
	struct parser p;

	memset(stmt, 0, sizeof(*stmt));
	if (parser_start(&p, src, strlen(src), 0, arena, err))
		return -1;
	if (parse_select(&p, stmt) || parse_from(&p, stmt))
		return -1;
	if (word_is(&p.tok, "WHERE")) {
		if (advance(&p))
			return -1;
		stmt->where = parse_nested(&p);
		if (!stmt->where)
			return -1;
	}
	if (p.tok.kind != TOK_END)
		return fail_expected(&p, stmt->where ? "the end of the rule" :
				     "WHERE or the end of the rule");
	return 0;
}

struct node *parse_expression(const char *src, size_t len, size_t start,
			      bool closing, size_t *end, struct arena *arena,
			      struct rule_error *err)
{
	struct parser p;
	struct node *n;

	if (parser_start(&p, src, len, start, arena, err))
		return NULL;
	n = parse_nested(&p);
	if (!n)
		return NULL;
	if (closing) {
		if (p.tok.kind != TOK_RBRACE) {
			fail_expected(&p, "'}' closing '${'");
			return NULL;
		}
		*end = p.tok.offset + 1;
		return n;
	}
	if (p.tok.kind != TOK_END) {
		fail_expected(&p, "the end of the expression");
		return NULL;
	}
	return n;
}
