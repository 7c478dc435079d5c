// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens of AWS IoT SQL: words, 'strings' and "strings" with backslash
 * escapes, Int and Decimal numbers, operators and punctuation.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "value.h"

void rule_error_set(struct rule_error *err, const char *src, size_t offset,
		    enum rule_error_kind kind, const char *fmt, ...)
{
	unsigned int line = 1, column = 1;
	char what[sizeof(err->message) - 24];
	va_list ap;
	size_t i;

	if (!err)
		return;
	for (i = 0; src && i < offset && src[i]; i++) {
		if (src[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err->kind = kind;
	err->offset = offset;
	err->line = line;
	err->column = column;
	snprintf(err->message, sizeof(err->message), "%u:%u: %s", line, column,
		 what);
}

void token_describe(const char *src, const struct token *tok, char *buf,
		    size_t size)
{
	const size_t max = 24;
	size_t len = tok->length;

	if (tok->kind == TOK_END) {
		snprintf(buf, size, "the end of the text");
		return;
	}
	/* A string literal shows with its own quotes. */
	if (tok->kind == TOK_STRING)
		snprintf(buf, size, "%.*s%s", (int)(len > max ? max : len),
			 src + tok->offset, len > max ? "..." : "");
	else if (len > max)
		snprintf(buf, size, "'%.*s...'", (int)max, src + tok->offset);
	else
		snprintf(buf, size, "'%.*s'", (int)len, src + tok->offset);
}

void lexer_init(struct lexer *lx, const char *src, size_t len, size_t start,
		struct arena *arena)
{
	lx->src = src;
	lx->len = len;
	lx->pos = start;
	lx->arena = arena;
}

static bool is_word_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends code point @cp (not 0, not a surrogate) as UTF-8. */
static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

static int lex_string(struct lexer *lx, struct token *tok,
		      struct rule_error *err)
{
	const char quote = lx->src[lx->pos];
	size_t start = lx->pos, i = lx->pos + 1, n = 0;
	char *out;

	/* Decoding never grows the text: bound the buffer by the source. */
	while (i < lx->len && lx->src[i] != quote) {
		if (lx->src[i] == '\\')
			i++;
		i++;
	}
	if (i >= lx->len) {
		rule_error_set(err, lx->src, start, RULE_ERR_UNTERMINATED_STRING,
			       "string literal is not closed with %c", quote);
		return -1;
	}
	out = arena_alloc(lx->arena, i - start);
	if (!out) {
		rule_error_set(err, lx->src, start, RULE_ERR_NOMEM,
			       "out of memory");
		return -1;
	}
	for (i = start + 1; lx->src[i] != quote; i++) {
		char c = lx->src[i];
		int h[4];
		unsigned int cp;

		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		c = lx->src[++i];
		switch (c) {
		case '\\': case '\'': case '"': case '/':
			out[n++] = c;
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'u':
			if (i + 4 >= lx->len)
				goto bad_escape;
			for (int k = 0; k < 4; k++) {
				h[k] = hex_value(lx->src[i + 1 + k]);
				if (h[k] < 0)
					goto bad_escape;
			}
			cp = (unsigned int)(h[0] << 12 | h[1] << 8 | h[2] << 4 | h[3]);
			/* No NUL (strings are C strings), no lone surrogates. */
			if (!cp || (cp >= 0xd800 && cp <= 0xdfff))
				goto bad_escape;
			n += put_utf8(out + n, cp);
			i += 4;
			break;
		default:
			goto bad_escape;
		}
	}
	out[n] = '\0';
	tok->kind = TOK_STRING;
	tok->s.ptr = out;
	tok->s.len = n;
	tok->s.quote = quote;
	lx->pos = i + 1;
	return 0;

bad_escape:
	rule_error_set(err, lx->src, i - 1, RULE_ERR_BAD_ESCAPE,
		       "unknown escape sequence in string literal (use \\\\, \\', \\\", \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX other than \\u0000)");
	return -1;
}

static int lex_number(struct lexer *lx, struct token *tok,
		      struct rule_error *err)
{
	const char *s = lx->src;
	size_t start = lx->pos, i = lx->pos;
	bool is_int = true;
	char buf[64], *text = buf;
	size_t len;

	while (i < lx->len && isdigit((unsigned char)s[i]))
		i++;
	if (i < lx->len && s[i] == '.') {
		is_int = false;
		if (++i >= lx->len || !isdigit((unsigned char)s[i]))
			goto bad;
		while (i < lx->len && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i < lx->len && (s[i] == 'e' || s[i] == 'E')) {
		is_int = false;
		i++;
		if (i < lx->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= lx->len || !isdigit((unsigned char)s[i]))
			goto bad;
		while (i < lx->len && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i < lx->len && (is_word_char(s[i]) || s[i] == '.'))
		goto bad;

	len = i - start;
	if (len >= sizeof(buf)) {
		text = strndup(s + start, len);
		if (!text) {
			rule_error_set(err, s, start, RULE_ERR_NOMEM, "out of memory");
			return -1;
		}
	} else {
		memcpy(buf, s + start, len);
		buf[len] = '\0';
	}
	tok->kind = TOK_INT;
	if (is_int) {
		errno = 0;
		tok->i = strtoll(text, NULL, 10);
		if (errno == ERANGE)
			is_int = false;	/* beyond 64 bits: a Decimal */
	}
	if (!is_int) {
		struct rv v = rv_number_from_double(strtod(text, NULL));

		/* Whole numbers such as 10.0 are Ints (SQL 2016-03-23). */
		if (v.type == RV_INT) {
			tok->i = v.i;
		} else if (v.type == RV_DECIMAL) {
			tok->kind = TOK_DECIMAL;
			tok->d = v.d;
		} else {
			if (text != buf)
				free(text);
			rule_error_set(err, s, start, RULE_ERR_BAD_NUMBER,
				       "number '%.*s' is out of range",
				       (int)(len > 24 ? 24 : len), s + start);
			return -1;
		}
	}
	if (text != buf)
		free(text);
	lx->pos = i;
	return 0;

bad:
	while (i < lx->len && (is_word_char(s[i]) || s[i] == '.'))
		i++;
	len = i - start;
	rule_error_set(err, s, start, RULE_ERR_BAD_NUMBER,
		       "malformed number '%.*s%s'", (int)(len > 24 ? 24 : len),
		       s + start, len > 24 ? "..." : "");
	return -1;
}

static enum token_kind punctuation(const char *s, size_t avail, size_t *len)
{
	*len = 1;
	switch (s[0]) {
	case '(': return TOK_LPAREN;
	case ')': return TOK_RPAREN;
	case '[': return TOK_LBRACKET;
	case ']': return TOK_RBRACKET;
	case '{': return TOK_LBRACE;
	case '}': return TOK_RBRACE;
	case ',': return TOK_COMMA;
	case '.': return TOK_DOT;
	case ':': return TOK_COLON;
	case '*': return TOK_STAR;
	case '+': return TOK_PLUS;
	case '-': return TOK_MINUS;
	case '/': return TOK_SLASH;
	case '%': return TOK_PERCENT;
	case '=': return TOK_EQ;
	case '<':
		if (avail > 1 && s[1] == '=') {
			*len = 2;
			return TOK_LE;
		}
		if (avail > 1 && s[1] == '>') {
			*len = 2;
			return TOK_NE;
		}
		return TOK_LT;
	case '>':
		if (avail > 1 && s[1] == '=') {
			*len = 2;
			return TOK_GE;
		}
		return TOK_GT;
	default:
		*len = 0;
		return TOK_END;
	}
}

int lexer_next(struct lexer *lx, struct token *tok, struct rule_error *err)
{
	const char *s = lx->src;
	size_t len;
	char c;

	while (lx->pos < lx->len && isspace((unsigned char)s[lx->pos]))
		lx->pos++;
	memset(tok, 0, sizeof(*tok));
	tok->offset = lx->pos;
	if (lx->pos >= lx->len) {
		tok->kind = TOK_END;
		return 0;
	}
	c = s[lx->pos];
	if (is_word_start(c)) {
		size_t start = lx->pos;

		while (lx->pos < lx->len && is_word_char(s[lx->pos]))
			lx->pos++;
		tok->kind = TOK_WORD;
		tok->s.ptr = s + start;
		tok->s.len = lx->pos - start;
	} else if (isdigit((unsigned char)c)) {
		if (lex_number(lx, tok, err))
			return -1;
	} else if (c == '\'' || c == '"') {
		if (lex_string(lx, tok, err))
			return -1;
	} else {
		tok->kind = punctuation(s + lx->pos, lx->len - lx->pos, &len);
		if (!len) {
			if (isprint((unsigned char)c))
				rule_error_set(err, s, lx->pos, RULE_ERR_BAD_CHARACTER,
					       "unexpected character '%c'", c);
			else
				rule_error_set(err, s, lx->pos, RULE_ERR_BAD_CHARACTER,
					       "unexpected byte 0x%02x",
					       (unsigned char)c);
			return -1;
		}
		lx->pos += len;
	}
	tok->length = lx->pos - tok->offset;
	return 0;
}
