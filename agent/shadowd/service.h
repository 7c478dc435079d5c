/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Device Shadow service proper: one request topic and payload in, the
 * responses out through a callback. Knows nothing of MQTT.
 */
#ifndef KTHING_SHADOWD_SERVICE_H
#define KTHING_SHADOWD_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "../shadow/shadow.h"
#include "store.h"

/* Publish @len bytes of @payload on @topic; returns 0 when handed over. */
typedef int (*service_publish_fn)(void *ctx, const char *topic,
				  const char *payload, size_t len);

struct service_counters {
	uint64_t requests;
	uint64_t accepted;
	uint64_t rejected;
	uint64_t ignored;	/* not a request topic */
	uint64_t publish_failures;
	uint64_t store_failures;
	uint64_t by_code[6];	/* 400, 404, 409, 413, 415, 500 */
};

struct service {
	struct store *store;
	struct shadow_limits limits;
	int64_t deleted_keep_s;	/* how long a deleted shadow's version lasts */
	service_publish_fn publish;
	void *publish_ctx;
	struct service_counters counters;
};

void service_handle(struct service *svc, const char *topic,
		    const void *payload, size_t len, int64_t now);

#endif /* KTHING_SHADOWD_SERVICE_H */
