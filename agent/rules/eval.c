// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluates syntax trees on a message. Recursion follows the tree, whose
 * depth the parser bounded by RULE_MAX_TREE_DEPTH.
 */
#include <string.h>

#include "eval.h"
#include "functions.h"

/* Roughly what @json costs in memory: its text plus a node overhead. */
static size_t json_size(const cJSON *json)
{
	size_t size = 16;
	const cJSON *child;

	if (json->string)
		size += strlen(json->string);
	if (cJSON_IsString(json))
		size += strlen(json->valuestring);
	for (child = json->child; child; child = child->next)
		size += json_size(child);
	return size;
}

/*
 * rv_to_json, charged against the evaluation's RULE_MAX_RESULT budget. JSON
 * the value owns (built by this evaluation, and charged then) is moved out
 * rather than copied.
 */
static int to_json(struct eval_env *env, struct rv *v, cJSON **out)
{
	size_t size;

	*out = NULL;
	if (v->type == RV_UNDEFINED)
		return 0;
	if (v->owned && (v->type == RV_ARRAY || v->type == RV_OBJECT)) {
		*out = (cJSON *)v->json;
		*v = rv_undefined();
		return 0;
	}
	size = v->type == RV_ARRAY || v->type == RV_OBJECT ? json_size(v->json) :
	       v->type == RV_STRING ? v->s.len + 16 : 16;
	if (size > RULE_MAX_RESULT - env->built)
		return -1;
	env->built += size;
	return rv_to_json(v, out);
}

static int eval_member(struct eval_env *env, const struct node *node,
		       struct rv *out)
{
	struct rv object;
	int ret;

	if (eval_node(env, node->member.object, &object))
		return -1;
	if (object.type != RV_OBJECT) {
		rv_release(&object);
		return 0;
	}
	ret = rv_from_json(cJSON_GetObjectItemCaseSensitive(object.json,
							    node->member.key),
			   object.owned, out);
	rv_release(&object);
	return ret;
}

static int eval_index(struct eval_env *env, const struct node *node,
		      struct rv *out)
{
	struct rv array, index;
	int64_t i;
	int ret = 0;

	if (eval_node(env, node->index.array, &array))
		return -1;
	if (eval_node(env, node->index.index, &index)) {
		rv_release(&array);
		return -1;
	}
	if (array.type == RV_ARRAY && rv_to_int(&index, &i) && i >= 0 &&
	    i < cJSON_GetArraySize(array.json))
		ret = rv_from_json(cJSON_GetArrayItem(array.json, (int)i),
				   array.owned, out);
	rv_release(&array);
	rv_release(&index);
	return ret;
}

static int eval_binary(struct eval_env *env, const struct node *node,
		       struct rv *out)
{
	struct rv left, right;
	int ret;

	if (eval_node(env, node->binary.left, &left))
		return -1;
	if (eval_node(env, node->binary.right, &right)) {
		rv_release(&left);
		return -1;
	}
	ret = rule_apply_binary(node->binary.op, &left, &right, out);
	rv_release(&left);
	rv_release(&right);
	return ret;
}

static int eval_case(struct eval_env *env, const struct node *node,
		     struct rv *out)
{
	struct rv subject = rv_undefined();
	size_t i;
	int ret = 0;

	if (node->kase.subject) {
		if (eval_node(env, node->kase.subject, &subject))
			return -1;
		if (subject.type == RV_UNDEFINED)
			return 0;	/* no branch can match Undefined */
	}
	for (i = 0; i < node->kase.count; i++) {
		const struct case_branch *b = &node->kase.branches[i];
		struct rv when, verdict;
		bool taken;

		if (eval_node(env, b->when, &when)) {
			ret = -1;
			goto out;
		}
		if (node->kase.subject) {
			verdict = rule_values_equal(&subject, &when);
			taken = verdict.type == RV_BOOL && verdict.b;
		} else if (!rv_to_boolean(&when, &taken)) {
			taken = false;
		}
		rv_release(&when);
		if (taken) {
			ret = eval_node(env, b->then, out);
			goto out;
		}
	}
	if (node->kase.otherwise)
		ret = eval_node(env, node->kase.otherwise, out);
out:
	rv_release(&subject);
	return ret;
}

#define MAX_CALL_ARGS 8

static int eval_call(struct eval_env *env, const struct node *node,
		     struct rv *out)
{
	struct rv args[MAX_CALL_ARGS];
	size_t i, n = node->call.count;
	int ret = 0;

	/* The parser checked the count against the function's maximum. */
	if (n > MAX_CALL_ARGS)
		return -1;
	for (i = 0; i < n; i++) {
		if (eval_node(env, node->call.args[i], &args[i])) {
			ret = -1;
			break;
		}
	}
	if (!ret)
		ret = node->call.function->call(env, args, n, out);
	while (i--)
		rv_release(&args[i]);
	return ret;
}

int eval_to_json(struct eval_env *env, const struct node *node,
			cJSON **json)
{
	struct rv value;
	int ret;

	if (eval_node(env, node, &value))
		return -1;
	ret = to_json(env, &value, json);
	rv_release(&value);
	return ret;
}

static int eval_array(struct eval_env *env, const struct node *node,
		      struct rv *out)
{
	cJSON *array = cJSON_CreateArray(), *json;
	size_t i;

	if (!array)
		return -1;
	for (i = 0; i < node->array.count; i++) {
		if (eval_to_json(env, node->array.items[i], &json))
			goto fail;
		/* Undefined items are left out, as JSON cannot hold them. */
		if (json && !cJSON_AddItemToArray(array, json)) {
			cJSON_Delete(json);
			goto fail;
		}
	}
	*out = (struct rv){ .type = RV_ARRAY, .owned = true, .json = array };
	return 0;
fail:
	cJSON_Delete(array);
	return -1;
}

/* Sets @key of @object to @item (which it takes), replacing any value. */
static int set_key(cJSON *object, const char *key, cJSON *item)
{
	if (cJSON_GetObjectItemCaseSensitive(object, key))
		return cJSON_ReplaceItemInObjectCaseSensitive(object, key, item) ?
		       0 : -1;
	return cJSON_AddItemToObject(object, key, item) ? 0 : -1;
}

static int eval_object(struct eval_env *env, const struct node *node,
		       struct rv *out)
{
	cJSON *object = cJSON_CreateObject(), *json;
	size_t i;

	if (!object)
		return -1;
	for (i = 0; i < node->object.count; i++) {
		if (eval_to_json(env, node->object.values[i], &json))
			goto fail;
		if (json && set_key(object, node->object.keys[i], json)) {
			cJSON_Delete(json);
			goto fail;
		}
	}
	*out = (struct rv){ .type = RV_OBJECT, .owned = true, .json = object };
	return 0;
fail:
	cJSON_Delete(object);
	return -1;
}

int eval_node(struct eval_env *env, const struct node *node, struct rv *out)
{
	struct rv operand;
	int ret = 0;

	*out = rv_undefined();
	switch (node->kind) {
	case NODE_LITERAL:
		*out = node->literal;
		return 0;
	case NODE_FIELD:
		if (!cJSON_IsObject(env->payload))
			return 0;
		return rv_from_json(cJSON_GetObjectItemCaseSensitive(env->payload,
								     node->name),
				    false, out);
	case NODE_MEMBER:
		return eval_member(env, node, out);
	case NODE_INDEX:
		return eval_index(env, node, out);
	case NODE_NEGATE:
	case NODE_NOT:
		if (eval_node(env, node->operand, &operand))
			return -1;
		*out = node->kind == NODE_NOT ? rule_apply_not(&operand) :
						rule_apply_negate(&operand);
		rv_release(&operand);
		return 0;
	case NODE_BINARY:
		return eval_binary(env, node, out);
	case NODE_CASE:
		return eval_case(env, node, out);
	case NODE_CALL:
		return eval_call(env, node, out);
	case NODE_CAST:
		if (eval_node(env, node->cast.operand, &operand))
			return -1;
		ret = rule_cast(&operand, node->cast.to, out);
		rv_release(&operand);
		return ret;
	case NODE_ARRAY:
		return eval_array(env, node, out);
	case NODE_OBJECT:
		return eval_object(env, node, out);
	}
	return -1;
}

/* Stores @item at a dotted alias (a.b.c), making objects on the way. */
static int set_path(cJSON *object, const struct select_item *item, cJSON *json)
{
	size_t i;

	for (i = 0; i + 1 < item->key_depth; i++) {
		cJSON *next = cJSON_GetObjectItemCaseSensitive(object,
							      item->key_path[i]);

		if (!cJSON_IsObject(next)) {
			next = cJSON_CreateObject();
			if (!next || set_key(object, item->key_path[i], next)) {
				cJSON_Delete(next);
				return -1;
			}
		}
		object = next;
	}
	return set_key(object, item->key_path[i], json);
}

static int select_star(struct eval_env *env, cJSON *result)
{
	const cJSON *member;

	/* '*' merges the payload's keys; a payload that is not an object
	 * has none to give.
	 */
	if (!cJSON_IsObject(env->payload))
		return 0;
	if (!result->child) {
		/* The usual "SELECT *, ...": take a copy of the whole payload
		 * rather than looking each key up.
		 */
		struct rv whole = { .type = RV_OBJECT, .json = env->payload };
		cJSON *copy;

		if (to_json(env, &whole, &copy))
			return -1;
		result->child = copy->child;
		copy->child = NULL;
		cJSON_Delete(copy);
		return 0;
	}
	cJSON_ArrayForEach(member, env->payload) {
		struct rv v;
		cJSON *json;

		rv_from_json(member, false, &v);
		if (to_json(env, &v, &json))
			return -1;
		if (!json)
			continue;	/* a member cJSON has no type for */
		if (set_key(result, member->string, json)) {
			cJSON_Delete(json);
			return -1;
		}
	}
	return 0;
}

int eval_statement(struct eval_env *env, const struct statement *stmt,
		   cJSON **result)
{
	cJSON *object;
	struct rv v;
	size_t i;
	bool matched;

	*result = NULL;
	if (stmt->where) {
		bool b;

		if (eval_node(env, stmt->where, &v))
			return RULE_ERROR;
		/* Only true passes: false, Undefined and non-Booleans do not. */
		matched = rv_to_boolean(&v, &b) && b;
		rv_release(&v);
		if (!matched)
			return RULE_NO_MATCH;
	}

	if (stmt->select_value)
		return eval_to_json(env, stmt->items[0].expr, result) ?
		       RULE_ERROR : RULE_MATCH;

	object = cJSON_CreateObject();
	if (!object)
		return RULE_ERROR;
	for (i = 0; i < stmt->item_count; i++) {
		const struct select_item *item = &stmt->items[i];
		cJSON *json;

		if (!item->expr) {
			if (select_star(env, object))
				goto fail;
			continue;
		}
		if (eval_to_json(env, item->expr, &json))
			goto fail;
		/* Undefined is left out of the result. */
		if (json && set_path(object, item, json)) {
			cJSON_Delete(json);
			goto fail;
		}
	}
	*result = object;
	return RULE_MATCH;
fail:
	cJSON_Delete(object);
	return RULE_ERROR;
}
