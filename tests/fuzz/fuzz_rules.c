// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the rule language: the input is
 * "<rule text>\0<payload JSON>\0<topic>"; the text is compiled as a rule, as
 * an expression and as a template, and each is run on the payload.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../agent/rules/rule.h"

/* The next NUL-terminated part of the input, or what is left of it. */
static char *next_part(const uint8_t **data, size_t *size)
{
	const uint8_t *end = memchr(*data, '\0', *size);
	size_t len = end ? (size_t)(end - *data) : *size;
	char *part = malloc(len + 1);

	if (part) {
		memcpy(part, *data, len);
		part[len] = '\0';
	}
	*data += end ? len + 1 : len;
	*size -= end ? len + 1 : len;
	return part;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = next_part(&data, &size);
	char *json = next_part(&data, &size);
	char *topic = next_part(&data, &size);
	struct rule_context ctx = {
		.clientid = "fuzz", .timestamp_ms = 1700000000000,
	};
	struct rule_template *tmpl;
	struct rule_expr *expr;
	struct rule *rule;
	cJSON *payload, *out;
	char *s;

	if (!text || !json || !topic)
		goto out;
	ctx.topic = *topic ? topic : "a/b/c";
	payload = cJSON_Parse(json);

	rule = rule_compile(text, NULL);
	if (rule) {
		rule_matches_topic(rule, ctx.topic);
		if (rule_evaluate(rule, payload, &ctx, &out) == RULE_MATCH && out) {
			s = cJSON_PrintUnformatted(out);
			free(s);
		}
		cJSON_Delete(out);
		rule_free(rule);
	}
	expr = rule_expr_compile(text, NULL);
	if (expr) {
		if (!rule_expr_evaluate(expr, payload, &ctx, &out))
			cJSON_Delete(out);
		rule_expr_free(expr);
	}
	tmpl = rule_template_compile(text, NULL);
	if (tmpl) {
		free(rule_template_render(tmpl, payload, &ctx));
		rule_template_free(tmpl);
	}
	/* A topic name is a filter that only it matches: both must agree. */
	if (!rule_topic_filter_invalid(text) && !rule_topic_name_invalid(topic) &&
	    rule_topic_matches(text, topic) !=
	    rule_topic_filters_intersect(text, topic))
		abort();
	cJSON_Delete(payload);
out:
	free(text);
	free(json);
	free(topic);
	return 0;
}
