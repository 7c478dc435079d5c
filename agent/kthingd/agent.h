/* SPDX-License-Identifier: GPL-2.0 */
/* Everything one running kthingd holds, wired together in main.c. */
#ifndef KTHINGD_AGENT_H
#define KTHINGD_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "counters.h"
#include "loop.h"
#include "outbox.h"

struct event_source;
struct mqtt;
struct relay;
struct rules_agent;
struct shadow_sync;
struct status;

struct agent {
	struct loop loop;
	const char *config_path;
	struct config_overrides overrides;
	struct config config;
	struct counters counters;
	struct mqtt *mqtt;
	struct outbox outbox;
	struct relay *relay;
	struct shadow_sync *shadow;
	struct rules_agent *rules;
	struct event_source *events;
	struct status *status;
	int signal_fd;
	int64_t started_ms;
	bool stopping;
	struct loop_timer shutdown_timer;
};

#endif
