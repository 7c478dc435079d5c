// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in functions, after AWS's iot-sql-functions tables. As there, a
 * function given arguments it cannot use returns Undefined.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "functions.h"
#include "operators.h"

static int fn_topic(const struct eval_env *env, struct rv *args, size_t count,
		    struct rv *out)
{
	const char *topic = env->ctx ? env->ctx->topic : NULL;
	const char *start, *end;
	int64_t level;
	char *s;

	if (!topic)
		return 0;
	if (!count) {
		*out = rv_string_borrowed(topic, strlen(topic));
		return 0;
	}
	/* Levels count from 1: topic(1) of "a/b/c" is "a". */
	if (!rv_to_int(&args[0], &level) || level < 1)
		return 0;
	for (start = topic; --level; start = end + 1) {
		end = strchr(start, '/');
		if (!end)
			return 0;
	}
	end = strchrnul(start, '/');
	s = strndup(start, (size_t)(end - start));
	if (!s)
		return -1;
	*out = rv_string_owned(s, (size_t)(end - start));
	return 0;
}

static int fn_timestamp(const struct eval_env *env, struct rv *args,
			size_t count, struct rv *out)
{
	(void)args;
	(void)count;
	*out = rv_int(env->ctx ? env->ctx->timestamp_ms : 0);
	return 0;
}

static int fn_clientid(const struct eval_env *env, struct rv *args,
		       size_t count, struct rv *out)
{
	const char *id = env->ctx && env->ctx->clientid ? env->ctx->clientid :
			 "n/a";

	(void)args;
	(void)count;
	*out = rv_string_borrowed(id, strlen(id));
	return 0;
}

static int fn_abs(const struct eval_env *env, struct rv *args, size_t count,
		  struct rv *out)
{
	struct rv_number n;

	(void)env;
	(void)count;
	if (!rv_to_number(&args[0], &n))
		return 0;
	if (!n.is_int)
		*out = rv_decimal(fabs(n.d));
	else if (n.i == INT64_MIN)
		*out = rv_decimal(-(double)n.i);
	else
		*out = rv_int(n.i < 0 ? -n.i : n.i);
	return 0;
}

/* round, floor and ceil: Ints pass, Decimals (and numeric strings) become
 * the Int @how gives, or stay Decimals beyond the Int range.
 */
static int to_whole(struct rv *arg, double (*how)(double), struct rv *out)
{
	struct rv_number n;

	if (!rv_to_number(arg, &n))
		return 0;
	if (n.is_int)
		*out = rv_int(n.i);
	else
		*out = rv_number_from_double(how(n.d));
	return 0;
}

static int fn_round(const struct eval_env *env, struct rv *args, size_t count,
		    struct rv *out)
{
	(void)env;
	(void)count;
	/* Halves round away from zero: round(-1.5) is -2. */
	return to_whole(&args[0], round, out);
}

static int fn_floor(const struct eval_env *env, struct rv *args, size_t count,
		    struct rv *out)
{
	(void)env;
	(void)count;
	return to_whole(&args[0], floor, out);
}

static int fn_ceil(const struct eval_env *env, struct rv *args, size_t count,
		   struct rv *out)
{
	(void)env;
	(void)count;
	return to_whole(&args[0], ceil, out);
}

static int fn_is_null(const struct eval_env *env, struct rv *args,
		      size_t count, struct rv *out)
{
	(void)env;
	(void)count;
	*out = rv_bool(args[0].type == RV_NULL);
	return 0;
}

static int fn_is_undefined(const struct eval_env *env, struct rv *args,
			   size_t count, struct rv *out)
{
	(void)env;
	(void)count;
	*out = rv_bool(args[0].type == RV_UNDEFINED);
	return 0;
}

/* The byte length of the UTF-8 sequence starting with @c (1 if invalid). */
static size_t utf8_length(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static int string_char_at(const struct rv *s, int64_t index, struct rv *out)
{
	size_t pos = 0, len;
	char *c;

	if (index < 0)
		return 0;
	/* Characters, not bytes: step over whole UTF-8 sequences. */
	while (pos < s->s.len && index--)
		pos += utf8_length((unsigned char)s->s.ptr[pos]);
	if (pos >= s->s.len)
		return 0;
	len = utf8_length((unsigned char)s->s.ptr[pos]);
	if (len > s->s.len - pos)
		len = s->s.len - pos;
	c = strndup(s->s.ptr + pos, len);
	if (!c)
		return -1;
	*out = rv_string_owned(c, len);
	return 0;
}

static int fn_get(const struct eval_env *env, struct rv *args, size_t count,
		  struct rv *out)
{
	struct rv *container = &args[0];
	int64_t i;

	(void)env;
	(void)count;
	switch (container->type) {
	case RV_ARRAY:
		if (!rv_to_int(&args[1], &i) || i < 0 ||
		    i >= cJSON_GetArraySize(container->json))
			return 0;
		/* An owned container goes when args are released: copy. */
		return rv_from_json(cJSON_GetArrayItem(container->json, (int)i),
				    container->owned, out);
	case RV_STRING:
		if (!rv_to_int(&args[1], &i))
			return 0;
		return string_char_at(container, i, out);
	case RV_OBJECT:
		/* Keys are not converted: only a String finds one. */
		if (args[1].type != RV_STRING)
			return 0;
		return rv_from_json(cJSON_GetObjectItemCaseSensitive(container->json,
								     args[1].s.ptr),
				    container->owned, out);
	default:
		return 0;
	}
}

static int fn_mod(const struct eval_env *env, struct rv *args, size_t count,
		  struct rv *out)
{
	(void)env;
	(void)count;
	return rule_apply_binary(OP_MOD, &args[0], &args[1], out);
}

static const struct rule_function functions[] = {
	{ "abs", 1, 1, fn_abs },
	{ "ceil", 1, 1, fn_ceil },
	{ "clientid", 0, 0, fn_clientid },
	{ "floor", 1, 1, fn_floor },
	{ "get", 2, 2, fn_get },
	{ "isNull", 1, 1, fn_is_null },
	{ "isUndefined", 1, 1, fn_is_undefined },
	{ "mod", 2, 2, fn_mod },
	{ "round", 1, 1, fn_round },
	{ "timestamp", 0, 0, fn_timestamp },
	{ "topic", 0, 1, fn_topic },
};

const struct rule_function *rule_function_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strlen(functions[i].name) == len &&
		    !strncasecmp(functions[i].name, name, len))
			return &functions[i];
	return NULL;
}

static struct rv cast_number(const struct rv *v, bool to_int)
{
	struct rv_number n;

	switch (v->type) {
	case RV_BOOL:
		return rv_int(v->b);
	case RV_INT:
	case RV_DECIMAL:
	case RV_STRING:
		if (!rv_to_number(v, &n))
			return rv_undefined();
		if (n.is_int)
			return rv_int(n.i);
		if (to_int)	/* dropping the fraction, as Java's intValue */
			return rv_number_from_double(trunc(n.d));
		/* Whole numbers come out as Ints in SQL 2016-03-23. */
		return rv_number_from_double(n.d);
	default:
		return rv_undefined();
	}
}

int rule_cast(struct rv *value, enum cast_type to, struct rv *out)
{
	bool b;

	*out = rv_undefined();
	switch (to) {
	case CAST_STRING:
		if (value->type == RV_STRING) {
			*out = rv_take(value);
			return 0;
		}
		return rv_to_string(value, out);
	case CAST_INT:
		*out = cast_number(value, true);
		return 0;
	case CAST_DECIMAL:
	case CAST_DOUBLE:
		*out = cast_number(value, false);
		return 0;
	case CAST_BOOLEAN:
		if (value->type == RV_INT)
			*out = rv_bool(value->i != 0);
		else if (value->type == RV_DECIMAL)
			*out = rv_bool(value->d != 0);
		else if (rv_to_boolean(value, &b))
			*out = rv_bool(b);
		return 0;
	}
	return 0;
}
