// SPDX-License-Identifier: GPL-2.0
/*
 * Request validation: every rule AWS IoT applies to an /update payload
 * before it looks at the stored shadow, with AWS's codes and messages.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shadow.h"

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned int need, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (unsigned int k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += need + 1;
	}
	return true;
}

static bool only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

/*
 * Parse @len bytes of JSON. Returns NULL with a 415 or 400 in @err, or the
 * root. Raw NUL bytes are refused: JSON has no place for them.
 */
static cJSON *parse_json(const void *payload, size_t len,
			 struct shadow_error *err)
{
	const char *end = NULL;
	cJSON *root;

	if (!utf8_valid(payload, len)) {
		shadow_error_set(err, SHADOW_UNSUPPORTED_ENCODING,
				 "Unsupported documented encoding; supported encoding is UTF-8");
		return NULL;
	}
	if (len == 0 || memchr(payload, '\0', len)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Invalid JSON");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(payload, len, &end, false);
	if (!root || !only_space(end, (const char *)payload + len)) {
		cJSON_Delete(root);
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Invalid JSON");
		return NULL;
	}
	return root;
}

/* Reads "clientToken"; false when it is present but invalid. */
static bool read_client_token(const cJSON *root, struct shadow_request *req)
{
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "clientToken");
	size_t len;

	if (!tok)
		return true;
	if (!cJSON_IsString(tok))
		return false;
	len = strlen(tok->valuestring);
	if (len > SHADOW_CLIENT_TOKEN_MAX)
		return false;
	memcpy(req->client_token, tok->valuestring, len + 1);
	req->has_client_token = true;
	return true;
}

static bool read_version(const cJSON *root, struct shadow_request *req)
{
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
	double v;

	if (!ver)
		return true;
	if (!cJSON_IsNumber(ver))
		return false;
	v = ver->valuedouble;
	if (!(v >= 0) || v > (double)SHADOW_VERSION_MAX || floor(v) != v)
		return false;
	req->version = (uint64_t)v;
	req->has_version = true;
	return true;
}

/*
 * Levels of nesting of @node: 0 for a value or an empty container, else one
 * more than its deepest child. Stops counting past @limit.
 */
static unsigned int depth_of(const cJSON *node, unsigned int limit)
{
	unsigned int max = 0;
	const cJSON *child;

	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return 0;
	if (!node->child)
		return 0;
	if (limit == 0)
		return 1;
	cJSON_ArrayForEach(child, node) {
		unsigned int d = depth_of(child, limit - 1);

		if (d > max)
			max = d;
	}
	return max + 1;
}

/* Find an array holding a null; writes the path of that array to @path. */
static bool find_null_in_array(const cJSON *node, char *path, size_t size)
{
	const cJSON *child;
	size_t used = strlen(path);

	cJSON_ArrayForEach(child, node) {
		if (cJSON_IsArray(node) && cJSON_IsNull(child))
			return true;
		if (!cJSON_IsObject(child) && !cJSON_IsArray(child))
			continue;
		if (cJSON_IsObject(node))
			snprintf(path + used, size - used, ".%s", child->string);
		if (find_null_in_array(child, path, size))
			return true;
		path[used] = '\0';
	}
	return false;
}

static int check_section(const cJSON *section, const char *name,
			 const char *what, const struct shadow_limits *limits,
			 struct shadow_error *err)
{
	char path[256];

	if (!section || cJSON_IsNull(section))
		return 0;
	if (!cJSON_IsObject(section)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "%s node must be an object", what);
		return -1;
	}
	if (depth_of(section, limits->max_depth + 1) > limits->max_depth) {
		shadow_error_set(err, SHADOW_BAD_REQUEST,
				 "JSON contains too many levels of nesting; maximum is %u",
				 limits->max_depth);
		return -1;
	}
	snprintf(path, sizeof(path), "%s", name);
	if (find_null_in_array(section, path, sizeof(path))) {
		shadow_error_set(err, SHADOW_BAD_REQUEST,
				 "State contains an invalid node: '%s' (arrays can't have null values)",
				 path);
		return -1;
	}
	return 0;
}

int shadow_request_parse(const void *payload, size_t len,
			 const struct shadow_limits *limits,
			 struct shadow_request *req, struct shadow_error *err)
{
	const cJSON *state, *item;

	memset(req, 0, sizeof(*req));
	if (len > limits->max_payload_bytes) {
		shadow_error_set(err, SHADOW_TOO_LARGE,
				 "The payload exceeds the maximum size allowed");
		return -1;
	}
	req->root = parse_json(payload, len, err);
	if (!req->root)
		return -1;
	if (!cJSON_IsObject(req->root)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Invalid JSON");
		goto fail;
	}
	if (!read_client_token(req->root, req)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Invalid clientToken");
		goto fail;
	}
	if (!read_version(req->root, req)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Invalid version");
		goto fail;
	}

	state = cJSON_GetObjectItemCaseSensitive(req->root, "state");
	if (!state) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "Missing required node: state");
		goto fail;
	}
	/* "state": null empties the shadow without deleting it. */
	if (!cJSON_IsObject(state) && !cJSON_IsNull(state)) {
		shadow_error_set(err, SHADOW_BAD_REQUEST, "State node must be an object");
		goto fail;
	}
	if (cJSON_IsObject(state)) {
		cJSON_ArrayForEach(item, state) {
			if (strcmp(item->string, "desired") != 0 &&
			    strcmp(item->string, "reported") != 0) {
				shadow_error_set(err, SHADOW_BAD_REQUEST,
						 "State contains an invalid node: '%.64s'",
						 item->string);
				goto fail;
			}
		}
		if (check_section(cJSON_GetObjectItemCaseSensitive(state, "desired"),
				  "desired", "Desired", limits, err) ||
		    check_section(cJSON_GetObjectItemCaseSensitive(state, "reported"),
				  "reported", "Reported", limits, err))
			goto fail;
	}
	req->state = state;
	return 0;

fail:
	cJSON_Delete(req->root);
	req->root = NULL;
	return -1;
}

void shadow_request_parse_token(const void *payload, size_t len,
				struct shadow_request *req)
{
	struct shadow_error ignored;
	cJSON *root;

	memset(req, 0, sizeof(*req));
	if (len == 0)
		return;
	root = parse_json(payload, len, &ignored);
	if (root && cJSON_IsObject(root) && !read_client_token(root, req))
		req->client_token[0] = '\0';
	cJSON_Delete(root);
}

void shadow_request_free(struct shadow_request *req)
{
	cJSON_Delete(req->root);
	req->root = NULL;
	req->state = NULL;
}
