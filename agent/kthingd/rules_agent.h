/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Edge rules in the running agent: the engine (rules_engine.h) fed with the
 * telemetry the relay makes (whether or not the broker is there) and with
 * messages on the filters subscribed for rules, and acting through the
 * offline queue (republish, shadow) and the device (set).
 */
#ifndef KTHINGD_RULES_AGENT_H
#define KTHINGD_RULES_AGENT_H

#include <stdbool.h>

#include <cJSON.h>

struct agent;
struct kthing_event;
struct rules_agent;

/* Uses the agent's configuration, broker, queue and relay. NULL: ENOMEM. */
struct rules_agent *rules_agent_new(struct agent *agent);
/* After mqtt_shutdown(): no message may arrive for its subscriptions. */
void rules_agent_free(struct rules_agent *ra);

/*
 * Kernel events: a thing removed, or the event source gone, closes what the
 * set action keeps open, so nothing holds the module or a dead thing.
 */
void rules_agent_event(struct rules_agent *ra, const struct kthing_event *ev);
void rules_agent_attached(struct rules_agent *ra, bool attached);

/* agent->config was replaced: run its rules (their counters carry over). */
void rules_agent_reconfigure(struct rules_agent *ra);

/* Add the rules' counters and the "rules" array to the status document. */
void rules_agent_status(const struct rules_agent *ra, cJSON *doc);

#endif
