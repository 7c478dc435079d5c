/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topic templates ("dt/kthing/{thing}/telemetry") and MQTT topic filter
 * matching.
 */
#ifndef KTHINGD_TOPIC_H
#define KTHINGD_TOPIC_H

#include <stdbool.h>
#include <stddef.h>

/* AWS IoT's limit on a topic name, in bytes. */
#define TOPIC_MAX_LEN	256

/*
 * Check a template: placeholders are {thing} only, no wildcards, not
 * reserved ('$'), short enough with the longest thing name. Returns 0, or -1
 * with the problem in @err.
 */
int topic_template_check(const char *tmpl, char *err, size_t errlen);

/*
 * Expand @tmpl for @thing into @out. Returns the length, or -1 when it does
 * not fit in @size (including the NUL).
 */
int topic_expand(const char *tmpl, const char *thing, char *out, size_t size);

/* Whether @topic matches the subscription @filter (with + and #). */
bool topic_matches(const char *filter, const char *topic);

#endif
