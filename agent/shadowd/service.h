/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Device Shadow service proper: one request topic and payload in, the
 * responses out through a callback. Knows nothing of MQTT.
 */
#ifndef KTHING_SHADOWD_SERVICE_H
#define KTHING_SHADOWD_SERVICE_H

#include <stdbool.h>
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

/* A response held back until the batch that produced it is durable. */
struct service_response {
	char *topic;
	char *payload;
	bool rejection;		/* stands whether or not the batch commits */
	unsigned int request;	/* which request of the batch */
};

struct service {
	struct store *store;
	struct shadow_limits limits;
	int64_t deleted_keep_s;	/* how long a deleted shadow's version lasts */
	service_publish_fn publish;
	void *publish_ctx;
	struct service_counters counters;

	/* The batch under way: its responses, and where each request's
	 * rejection would go should the batch fail to commit. */
	bool in_batch, began;
	unsigned int batch_requests;
	struct service_response *out;
	size_t out_n, out_cap;
	char (*reject_topic)[256];
	char (*token)[SHADOW_CLIENT_TOKEN_MAX + 1];
	size_t req_cap;
	int64_t batch_now;
};

/*
 * Requests handled between service_batch_begin() and service_batch_end()
 * share one transaction: their responses are published only once it is
 * committed, and become 500s if it cannot be.
 */
void service_batch_begin(struct service *svc, int64_t now);
void service_batch_end(struct service *svc);

/* Handle one request; outside a batch, as a batch of its own. */
void service_handle(struct service *svc, const char *topic,
		    const void *payload, size_t len, int64_t now);

void service_free(struct service *svc);

#endif /* KTHING_SHADOWD_SERVICE_H */
