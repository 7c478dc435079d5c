/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parsers of kthingd's configuration share (config.c and the
 * sections it hands on, such as rules_config.c): reading one member of a
 * JSON object and checking it. Every problem is reported in one form,
 * "path.key: problem", the path naming where in the file it is ("broker",
 * "things[2]", "rules[0].actions[1].set"; "" at the top level). Each
 * returns 0, or -1 with the message in the parser's buffer.
 */
#ifndef KTHINGD_CONFIG_PARSE_H
#define KTHINGD_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

struct config_parser {
	unsigned int flags;	/* CONFIG_NO_FILE_CHECKS */
	char *err;
	size_t errlen;
};

/* "@path: <problem>"; always returns -1. */
__attribute__((format(printf, 3, 4)))
int config_fail(struct config_parser *p, const char *path, const char *fmt, ...);

/* "@parent.@key", or "@key" when @parent is "". */
void config_join(char *out, size_t size, const char *parent, const char *key);

/* Keys not in @known (NULL-terminated), or given twice, are errors. */
int config_check_keys(struct config_parser *p, const cJSON *obj, const char *path,
		      const char *const *known);

/* An error, "required", when @obj has no @key. */
int config_require(struct config_parser *p, const cJSON *obj, const char *path,
		   const char *key);

/*
 * The member @key of @parent, found at @parent_path, checked for its type.
 * An absent key leaves *@out NULL for an object, else as it is.
 */
int config_get_object(struct config_parser *p, const cJSON *parent,
		      const char *parent_path, const char *key, const cJSON **out);
/* An allocated copy (the old *@out freed); "" refused unless @allow_empty. */
int config_get_string(struct config_parser *p, const cJSON *parent,
		      const char *parent_path, const char *key, bool allow_empty,
		      char **out);
int config_get_bool(struct config_parser *p, const cJSON *parent,
		    const char *parent_path, const char *key, bool *out);
/* A whole number from @min to @max. */
int config_get_integer(struct config_parser *p, const cJSON *parent,
		       const char *parent_path, const char *key, int64_t min, int64_t max,
		       int64_t *out);

/* AWS IoT's names: a thing 1-128 of [a-zA-Z0-9:_-], a shadow 1-64 of [$a-zA-Z0-9:_-]. */
int config_check_thing_name(struct config_parser *p, const char *path, const char *name);
int config_check_shadow_name(struct config_parser *p, const char *path, const char *name);

#endif
