/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building the /update documents kthingd sends: the real values of channels
 * under state.reported, printed exactly from the kernel's scaled integers
 * (23.5, never 23.499999; booleans as true/false), the refusals under
 * reported.kthing_errors (a key set to its message, or to null once it no
 * longer applies), and optionally desired keys set to null.
 */
#ifndef KTHINGD_SHADOW_REPORT_H
#define KTHINGD_SHADOW_REPORT_H

#include <stddef.h>
#include <stdint.h>

/* Where refusals are shown in the reported document. */
#define SHADOW_ERRORS_KEY	"kthing_errors"

struct shadow_report;

struct shadow_report *shadow_report_new(void);
void shadow_report_free(struct shadow_report *r);

/* A channel's value; @type is enum kthing_value_type. -ENOMEM, -EINVAL. */
int shadow_report_value(struct shadow_report *r, const char *key, uint32_t type,
			int64_t value, int exponent);
/* An error shown for @key; a NULL @message clears it. */
int shadow_report_error(struct shadow_report *r, const char *key, const char *message);
/* desired.@key set to null. */
int shadow_report_clear_desired(struct shadow_report *r, const char *key);

/* Whether anything was added. */
bool shadow_report_empty(const struct shadow_report *r);

/*
 * {"state":{["desired":{...},]"reported":{...}},"clientToken":"..."}, compact,
 * keys in the order they were added. Free with cJSON_free(). NULL on ENOMEM.
 */
char *shadow_report_build(const struct shadow_report *r, const char *client_token);

#endif
