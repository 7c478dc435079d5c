/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topic rules: a subset of AWS IoT rule SQL (version 2016-03-23), compiled
 * once and evaluated on each message on the device. docs/rules.md documents
 * the language and every difference from AWS.
 *
 *	struct rule_error err;
 *	struct rule *rule = rule_compile(sql, &err);
 *	if (!rule)
 *		fprintf(stderr, "rule %s: %s\n", name, err.message);
 *	...
 *	if (rule_matches_topic(rule, topic)) {
 *		cJSON *out;
 *		int r = rule_evaluate(rule, payload, &ctx, &out);
 *		if (r == RULE_MATCH) act(out);	// out may be NULL: empty payload
 *		cJSON_Delete(out);
 *	}
 *
 * Compiled rules, expressions and templates are immutable: evaluating one
 * from several threads at once is safe.
 */
#ifndef KTHING_RULES_RULE_H
#define KTHING_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Bounds that keep hostile rules and payloads from exhausting the stack or
 * memory.
 */
#define RULE_MAX_LENGTH		65536	/* bytes of rule or template text */
#define RULE_MAX_NESTING	64	/* parentheses, NOT, CASE, calls... */
#define RULE_MAX_TREE_DEPTH	256	/* operators chained in one expression */
#define RULE_MAX_STRING		(256 * 1024) /* bytes of any string made */
#define RULE_MAX_RESULT		(1024 * 1024) /* bytes of JSON one run builds */

enum rule_error_kind {
	RULE_ERR_NONE,
	RULE_ERR_NOMEM,
	RULE_ERR_TOO_LONG,		/* text longer than RULE_MAX_LENGTH */
	RULE_ERR_BAD_CHARACTER,		/* a character that starts no token */
	RULE_ERR_UNTERMINATED_STRING,
	RULE_ERR_BAD_ESCAPE,		/* unknown \x in a string literal */
	RULE_ERR_BAD_NUMBER,		/* "1.", "2e", "3abc" */
	RULE_ERR_UNEXPECTED,		/* something else was expected */
	RULE_ERR_UNKNOWN_FUNCTION,
	RULE_ERR_ARGUMENT_COUNT,	/* a function called with too few/many */
	RULE_ERR_UNKNOWN_TYPE,		/* cast(x AS <not a type>) */
	RULE_ERR_BAD_TOPIC_FILTER,	/* FROM '<not an MQTT topic filter>' */
	RULE_ERR_TOO_DEEP,		/* beyond RULE_MAX_NESTING/TREE_DEPTH */
};

/**
 * struct rule_error - why a rule or template did not compile
 * @kind:	what went wrong
 * @offset:	byte offset into the text where it went wrong
 * @line:	1-based line of @offset
 * @column:	1-based column (in bytes) of @offset
 * @message:	"line:column: what was expected, and what was found"
 */
struct rule_error {
	enum rule_error_kind kind;
	size_t offset;
	unsigned int line, column;
	char message[224];
};

/**
 * struct rule_context - what a message carries besides its payload
 * @topic:	the topic it was published to (topic())
 * @clientid:	the publishing client (clientid()); NULL gives "n/a"
 * @timestamp_ms: milliseconds since the epoch (timestamp())
 */
struct rule_context {
	const char *topic;
	const char *clientid;
	int64_t timestamp_ms;
};

enum rule_result {
	RULE_ERROR = -1,	/* out of memory, or beyond RULE_MAX_STRING/RESULT */
	RULE_NO_MATCH = 0,	/* WHERE was false, Undefined or not a Boolean */
	RULE_MATCH = 1,
};

struct rule;

/**
 * rule_compile() - compile "SELECT ... FROM '<filter>' [WHERE ...]"
 * @sql: NUL-terminated rule text
 * @err: filled in when compiling fails; may be NULL
 *
 * Return: a rule to free with rule_free(), or NULL with @err filled in.
 */
struct rule *rule_compile(const char *sql, struct rule_error *err);
void rule_free(struct rule *rule);

/* The FROM clause's MQTT topic filter, as written. */
const char *rule_topic_filter(const struct rule *rule);

/* Whether a message on @topic reaches this rule (MQTT matching, with the
 * rule that wildcards at the first level do not match topics starting '$').
 */
bool rule_matches_topic(const struct rule *rule, const char *topic);

/**
 * rule_evaluate() - run a rule on one message
 * @rule:	a compiled rule
 * @payload:	the message's JSON; NULL for a payload that is not JSON
 * @ctx:	the message's topic, client id and time
 * @result:	on RULE_MATCH, the SELECT result: an object, or any JSON value
 *		for SELECT VALUE, or NULL when SELECT VALUE gave Undefined (AWS
 *		then sends an empty payload). The caller frees it with
 *		cJSON_Delete(). NULL otherwise. Ints of 16 digits or more are
 *		cJSON_Raw items (their digits in valuestring), so none is lost.
 *
 * The topic is not checked against FROM: call rule_matches_topic() first.
 * Return: RULE_MATCH, RULE_NO_MATCH or RULE_ERROR.
 */
int rule_evaluate(const struct rule *rule, const cJSON *payload,
		  const struct rule_context *ctx, cJSON **result);

/*
 * A single expression, as in a SELECT item; for actions that need a value
 * rather than text (an actuator's new value, say).
 */
struct rule_expr;

struct rule_expr *rule_expr_compile(const char *text, struct rule_error *err);
void rule_expr_free(struct rule_expr *expr);

/**
 * rule_expr_evaluate() - evaluate an expression on a message
 * @value: the value as JSON, or NULL when it is Undefined; freed by the
 *	   caller with cJSON_Delete()
 *
 * Return: 0, or RULE_ERROR.
 */
int rule_expr_evaluate(const struct rule_expr *expr, const cJSON *payload,
		       const struct rule_context *ctx, cJSON **value);

/*
 * Substitution templates: text with ${expression} parts, as AWS rule actions
 * take them ("${topic(3)}/alerts"). Each expression is evaluated on the
 * original message (not on the SELECT result) and converted to a string;
 * Undefined and Null become the empty string.
 */
struct rule_template;

struct rule_template *rule_template_compile(const char *text,
					    struct rule_error *err);
void rule_template_free(struct rule_template *tmpl);

/* Whether the template has no ${...} part (its text is used as is). */
bool rule_template_is_constant(const struct rule_template *tmpl);

/**
 * rule_template_render() - substitute a message into a template
 *
 * Return: a NUL-terminated string to free(), or NULL when out of memory or
 * when the result would exceed RULE_MAX_STRING.
 */
char *rule_template_render(const struct rule_template *tmpl,
			   const cJSON *payload,
			   const struct rule_context *ctx);

/*
 * MQTT topic filters and names, used for FROM and available to callers that
 * check topics they subscribe or publish to.
 */

/* NULL when @filter is a valid topic filter, else why it is not. */
const char *rule_topic_filter_invalid(const char *filter);
/* NULL when @topic is a valid topic name to publish to, else why not. */
const char *rule_topic_name_invalid(const char *topic);
bool rule_topic_matches(const char *filter, const char *topic);
/* Whether some topic matches both (valid) filters: a republish whose topic
 * could reach its own rule's FROM filter, say.
 */
bool rule_topic_filters_intersect(const char *a, const char *b);

#endif
