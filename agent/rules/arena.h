/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bump allocator that owns everything a compiled rule or template holds:
 * syntax tree nodes, decoded strings, lists. Freed all at once.
 */
#ifndef KTHING_RULES_ARENA_H
#define KTHING_RULES_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunks;
};

void arena_init(struct arena *arena);
void arena_release(struct arena *arena);

/* Zeroed, aligned for any type; NULL when out of memory. */
void *arena_alloc(struct arena *arena, size_t size);
/* A NUL-terminated copy of len bytes. */
char *arena_strndup(struct arena *arena, const char *s, size_t len);

#endif
