// SPDX-License-Identifier: GPL-2.0
/*
 * Substitution templates: "text ${expression} text". The expression ends at
 * the '}' that closes it as the parser sees it, so "${get(a, '}')}" works.
 */
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "eval.h"
#include "lexer.h"
#include "rule.h"

/* Literal text, then the expression after it (NULL for the final text). */
struct template_part {
	const char *text;
	size_t text_len;
	struct node *expr;
};

struct rule_template {
	struct arena arena;
	struct template_part *parts;
	size_t count;
};

void rule_template_free(struct rule_template *tmpl)
{
	if (!tmpl)
		return;
	arena_release(&tmpl->arena);
	free(tmpl);
}

static int add_part(struct rule_template *tmpl, size_t *cap,
		    const char *text, size_t len, struct node *expr)
{
	struct template_part *part;

	if (tmpl->count == *cap) {
		struct template_part *bigger;

		*cap = *cap ? *cap * 2 : 4;
		bigger = arena_alloc(&tmpl->arena, *cap * sizeof(*bigger));
		if (!bigger)
			return -1;
		if (tmpl->count)
			memcpy(bigger, tmpl->parts, tmpl->count * sizeof(*bigger));
		tmpl->parts = bigger;
	}
	part = &tmpl->parts[tmpl->count++];
	part->text = text;
	part->text_len = len;
	part->expr = expr;
	return 0;
}

struct rule_template *rule_template_compile(const char *text,
					    struct rule_error *err)
{
	struct rule_template *tmpl = calloc(1, sizeof(*tmpl));
	size_t len = strlen(text), pos = 0, cap = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!tmpl) {
		rule_error_set(err, NULL, 0, RULE_ERR_NOMEM, "out of memory");
		return NULL;
	}
	arena_init(&tmpl->arena);
	if (len > RULE_MAX_LENGTH) {
		rule_error_set(err, NULL, 0, RULE_ERR_TOO_LONG,
			       "text is %zu bytes, more than %d", len,
			       RULE_MAX_LENGTH);
		goto fail;
	}
	for (;;) {
		const char *open = strstr(text + pos, "${");
		size_t start = open ? (size_t)(open - text) : len;
		struct node *expr = NULL;
		size_t end = len;

		if (open) {
			expr = parse_expression(text, len, start + 2, true, &end,
						&tmpl->arena, err);
			if (!expr)
				goto fail;
		}
		if (add_part(tmpl, &cap, text + pos, start - pos, expr)) {
			rule_error_set(err, text, start, RULE_ERR_NOMEM,
				       "out of memory");
			goto fail;
		}
		if (!open)
			break;
		pos = end;
	}
	/* The text pointers must outlive the caller's string. */
	for (size_t i = 0; i < tmpl->count; i++) {
		struct template_part *part = &tmpl->parts[i];

		part->text = arena_strndup(&tmpl->arena, part->text,
					   part->text_len);
		if (!part->text) {
			rule_error_set(err, NULL, 0, RULE_ERR_NOMEM,
				       "out of memory");
			goto fail;
		}
	}
	return tmpl;
fail:
	rule_template_free(tmpl);
	return NULL;
}

bool rule_template_is_constant(const struct rule_template *tmpl)
{
	return tmpl->count == 1 && !tmpl->parts[0].expr;
}

static bool append(char **buf, size_t *len, size_t *cap, const char *s,
		   size_t n)
{
	if (n > RULE_MAX_STRING - *len)
		return false;
	if (*len + n + 1 > *cap) {
		size_t want = (*len + n + 1) * 2;
		char *bigger = realloc(*buf, want);

		if (!bigger)
			return false;
		*buf = bigger;
		*cap = want;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

char *rule_template_render(const struct rule_template *tmpl,
			   const cJSON *payload,
			   const struct rule_context *ctx)
{
	struct eval_env env = { .payload = payload, .ctx = ctx };
	size_t i, len = 0, cap = 0;
	char *buf = NULL;

	if (!append(&buf, &len, &cap, "", 0))
		return NULL;
	for (i = 0; i < tmpl->count; i++) {
		const struct template_part *part = &tmpl->parts[i];
		struct rv value, text;
		bool ok;

		if (!append(&buf, &len, &cap, part->text, part->text_len))
			goto fail;
		if (!part->expr)
			continue;
		if (eval_node(&env, part->expr, &value))
			goto fail;
		/* The text may borrow from the value: release it after. */
		ok = !rv_to_string(&value, &text);
		/* Undefined and Null have no string form: nothing is put. */
		if (ok && text.type == RV_STRING)
			ok = append(&buf, &len, &cap, text.s.ptr, text.s.len);
		rv_release(&text);
		rv_release(&value);
		if (!ok)
			goto fail;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}
