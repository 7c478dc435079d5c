/* SPDX-License-Identifier: GPL-2.0 */
/* Splits rule text into tokens. */
#ifndef KTHING_RULES_LEXER_H
#define KTHING_RULES_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "rule.h"

enum token_kind {
	TOK_END,
	TOK_WORD,	/* identifier or keyword; keywords are told by the parser */
	TOK_STRING,
	TOK_INT,
	TOK_DECIMAL,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_LBRACKET,
	TOK_RBRACKET,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_COMMA,
	TOK_DOT,
	TOK_COLON,
	TOK_STAR,
	TOK_PLUS,
	TOK_MINUS,
	TOK_SLASH,
	TOK_PERCENT,
	TOK_EQ,
	TOK_NE,
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE,
};

struct token {
	enum token_kind kind;
	size_t offset, length;	/* where it is in the source text */
	union {
		int64_t i;		/* TOK_INT */
		double d;		/* TOK_DECIMAL */
		struct {
			const char *ptr;	/* TOK_STRING decoded, TOK_WORD as is */
			size_t len;
			char quote;		/* TOK_STRING: ' or " */
		} s;
	};
};

struct lexer {
	const char *src;
	size_t len, pos;
	struct arena *arena;	/* decoded string literals live here */
};

/* Lexes src[start..len); offsets stay relative to src. */
void lexer_init(struct lexer *lx, const char *src, size_t len, size_t start,
		struct arena *arena);

/* Returns 0, or -1 with @err filled in. */
int lexer_next(struct lexer *lx, struct token *tok, struct rule_error *err);

/* Fills @err with kind, position (line:column computed from @src) and a
 * printf-style message.
 */
void rule_error_set(struct rule_error *err, const char *src, size_t offset,
		    enum rule_error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A short quoted description of a token for messages: "'WHERE'", "end". */
void token_describe(const char *src, const struct token *tok, char *buf,
		    size_t size);

#endif
