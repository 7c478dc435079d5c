// SPDX-License-Identifier: GPL-2.0
/*
 * kthing-rule-eval: run a topic rule (or an expression, or a substitution
 * template) on one JSON message read from standard input.
 *
 *	echo '{"temperature":31}' | kthing-rule-eval -t dt/greenhouse/telemetry \
 *		"SELECT temperature AS t FROM 'dt/+/telemetry' WHERE temperature > 30"
 *
 * Exit status: 0 the rule matched (its result printed), 1 it did not (or the
 * topic is not in its FROM filter), 2 a usage, parse or evaluation error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../rule.h"

#define MAX_PAYLOAD (1024 * 1024)

enum mode { MODE_RULE, MODE_EXPR, MODE_TEMPLATE };

static void print_help(const char *prog)
{
	printf("Usage: %s [OPTIONS] TEXT < payload.json\n", prog);
	printf("Evaluate a topic rule on one message read from standard input.\n\n");
	printf("Options:\n");
	printf("  -t, --topic=TOPIC        the message's topic (default: the rule's FROM filter)\n");
	printf("  -c, --clientid=ID        the publishing client's id (default: n/a)\n");
	printf("  -T, --timestamp=MS       the time in ms since the epoch (default: now)\n");
	printf("  -e, --expression         TEXT is one expression: print its value\n");
	printf("  -p, --template           TEXT is a substitution template: print it filled in\n");
	printf("  -h, --help               show this help\n");
}

static char *read_stdin(size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap);

	*len = 0;
	while (buf) {
		size_t n = fread(buf + *len, 1, cap - *len - 1, stdin);

		*len += n;
		if (n == 0)
			break;
		if (*len + 1 == cap) {
			char *bigger;

			if (cap >= MAX_PAYLOAD) {
				fprintf(stderr, "payload is larger than %d bytes\n",
					MAX_PAYLOAD);
				free(buf);
				return NULL;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				free(buf);
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

static int print_json(const cJSON *json)
{
	char *text;

	if (!json) {
		putchar('\n');	/* Undefined: an empty payload */
		return 0;
	}
	text = cJSON_PrintUnformatted(json);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "topic", required_argument, NULL, 't' },
		{ "clientid", required_argument, NULL, 'c' },
		{ "timestamp", required_argument, NULL, 'T' },
		{ "expression", no_argument, NULL, 'e' },
		{ "template", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct rule_context ctx = { .topic = NULL };
	struct rule_error err;
	enum mode mode = MODE_RULE;
	cJSON *payload, *out = NULL;
	struct timespec now;
	char *text, *end;
	size_t len;
	int opt, ret = 2;

	clock_gettime(CLOCK_REALTIME, &now);
	ctx.timestamp_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	while ((opt = getopt_long(argc, argv, "t:c:T:eph", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			ctx.topic = optarg;
			break;
		case 'c':
			ctx.clientid = optarg;
			break;
		case 'T':
			errno = 0;
			ctx.timestamp_ms = strtoll(optarg, &end, 10);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "invalid timestamp '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e':
			mode = MODE_EXPR;
			break;
		case 'p':
			mode = MODE_TEMPLATE;
			break;
		case 'h':
			print_help(argv[0]);
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1) {
		print_help(argv[0]);
		return 2;
	}

	text = read_stdin(&len);
	if (!text)
		return 2;
	/* A payload that is not JSON leaves every path Undefined. */
	payload = cJSON_ParseWithLength(text, len);
	free(text);

	if (mode == MODE_RULE) {
		struct rule *rule = rule_compile(argv[optind], &err);

		if (!rule) {
			fprintf(stderr, "rule: %s\n", err.message);
			goto out;
		}
		if (!ctx.topic)
			ctx.topic = rule_topic_filter(rule);
		if (!rule_matches_topic(rule, ctx.topic)) {
			fprintf(stderr, "topic '%s' does not match '%s'\n",
				ctx.topic, rule_topic_filter(rule));
			ret = 1;
		} else {
			ret = rule_evaluate(rule, payload, &ctx, &out);
			if (ret == RULE_MATCH)
				ret = print_json(out) ? 2 : 0;
			else if (ret == RULE_NO_MATCH)
				ret = 1;
			else
				ret = 2;
		}
		rule_free(rule);
	} else if (mode == MODE_EXPR) {
		struct rule_expr *expr = rule_expr_compile(argv[optind], &err);

		if (!expr) {
			fprintf(stderr, "expression: %s\n", err.message);
			goto out;
		}
		ret = rule_expr_evaluate(expr, payload, &ctx, &out) ||
		      print_json(out) ? 2 : 0;
		rule_expr_free(expr);
	} else {
		struct rule_template *tmpl = rule_template_compile(argv[optind], &err);
		char *s;

		if (!tmpl) {
			fprintf(stderr, "template: %s\n", err.message);
			goto out;
		}
		s = rule_template_render(tmpl, payload, &ctx);
		if (s) {
			puts(s);
			free(s);
			ret = 0;
		}
		rule_template_free(tmpl);
	}
	if (ret == 2 && !out)
		fprintf(stderr, "evaluation failed: out of memory or a limit reached\n");
out:
	cJSON_Delete(out);
	cJSON_Delete(payload);
	return ret;
}
