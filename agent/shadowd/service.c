// SPDX-License-Identifier: GPL-2.0
/*
 * get, update and delete against the store, answered on the same topics
 * AWS IoT answers on. Responses wait until the store has committed the
 * batch they belong to, so an accepted update is always a durable one.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "service.h"

static void count_code(struct service *svc, int code)
{
	static const int codes[] = { 400, 404, 409, 413, 415, 500 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == code)
			svc->counters.by_code[i]++;
}

static void send_now(struct service *svc, const char *topic, const char *payload)
{
	if (svc->publish(svc->publish_ctx, topic, payload, strlen(payload)))
		svc->counters.publish_failures++;
}

/* Queue @payload (taken) for @topic until the batch ends. */
static void queue(struct service *svc, const char *topic, char *payload, bool rejection)
{
	struct service_response *r;

	if (!payload) {
		svc->counters.publish_failures++;
		log_error("out of memory building the response for %s", topic);
		return;
	}
	if (svc->out_n == svc->out_cap) {
		size_t cap = svc->out_cap ? svc->out_cap * 2 : 16;
		struct service_response *grown = realloc(svc->out, cap * sizeof(*grown));

		if (!grown) {
			svc->counters.publish_failures++;
			cJSON_free(payload);
			return;
		}
		svc->out = grown;
		svc->out_cap = cap;
	}
	r = &svc->out[svc->out_n];
	r->topic = strdup(topic);
	if (!r->topic) {
		svc->counters.publish_failures++;
		cJSON_free(payload);
		return;
	}
	r->payload = payload;
	r->rejection = rejection;
	r->request = svc->batch_requests - 1;
	svc->out_n++;
}

static void respond(struct service *svc, const struct shadow_topic *req,
		    enum shadow_suffix suffix, char *payload)
{
	struct shadow_topic t = *req;
	char topic[256];

	t.suffix = suffix;
	if (!shadow_topic_format(&t, topic, sizeof(topic))) {
		cJSON_free(payload);
		return;
	}
	queue(svc, topic, payload, suffix == SHADOW_SUFFIX_REJECTED);
}

static void reject(struct service *svc, const struct shadow_topic *req,
		   const struct shadow_error *err, const char *token, int64_t now)
{
	svc->counters.rejected++;
	count_code(svc, err->code);
	log_debug("%s %s%s%s: %d %s", shadow_op_name(req->op), req->thing,
		  req->name[0] ? "/" : "", req->name, err->code, err->message);
	respond(svc, req, SHADOW_SUFFIX_REJECTED, shadow_build_error(err, token, now));
}

static const char *token_of(const struct shadow_request *req)
{
	return req->has_client_token ? req->client_token : NULL;
}

/*
 * Load the shadow into @doc. Returns 1 when it exists, 0 when it does not
 * (@doc->version then holds the version a re-created shadow continues
 * from), -1 on a storage error.
 */
static int load(struct service *svc, const struct shadow_topic *t,
		struct shadow_doc *doc, int64_t now)
{
	struct store_row row;
	int ret;

	shadow_doc_init(doc);
	if (store_load(svc->store, t->thing, t->name, &row)) {
		svc->counters.store_failures++;
		log_error("loading %s/%s: %s", t->thing, t->name, store_error(svc->store));
		return -1;
	}
	switch (row.state) {
	case STORE_LIVE:
		ret = shadow_doc_deserialize(doc, row.document, row.version);
		free(row.document);
		if (ret) {
			svc->counters.store_failures++;
			log_error("stored document of %s/%s is corrupt", t->thing, t->name);
			return -1;
		}
		return 1;
	case STORE_DELETED:
		/* Re-created within the window, the version follows on. */
		if (now - row.deleted < svc->deleted_keep_s)
			doc->version = row.version;
		return 0;
	case STORE_MISSING:
		break;
	}
	return 0;
}

static void internal_error(struct service *svc, const struct shadow_topic *t,
			   const char *token, int64_t now)
{
	struct shadow_error err;

	shadow_error_set(&err, SHADOW_INTERNAL, "Internal service failure");
	reject(svc, t, &err, token, now);
}

/*
 * For get and delete: read the request's clientToken and load the shadow.
 * Returns true when it exists; otherwise the 404 (or 500) has been sent.
 */
static bool load_existing(struct service *svc, const struct shadow_topic *t,
			  const void *payload, size_t len, int64_t now,
			  struct shadow_request *req, struct shadow_doc *doc)
{
	struct shadow_error err;
	int found;

	shadow_request_parse_token(payload, len, req);
	found = load(svc, t, doc, now);
	if (found < 0) {
		internal_error(svc, t, token_of(req), now);
	} else if (!found) {
		shadow_error_not_found(&err, t->thing, t->name);
		reject(svc, t, &err, token_of(req), now);
	}
	return found > 0;
}

static void handle_get(struct service *svc, const struct shadow_topic *t,
		       const void *payload, size_t len, int64_t now)
{
	struct shadow_request req;
	struct shadow_doc doc;

	if (load_existing(svc, t, payload, len, now, &req, &doc)) {
		svc->counters.accepted++;
		respond(svc, t, SHADOW_SUFFIX_ACCEPTED,
			shadow_build_get(&doc, token_of(&req), now));
	}
	shadow_doc_free(&doc);
}

static void handle_delete(struct service *svc, const struct shadow_topic *t,
			  const void *payload, size_t len, int64_t now)
{
	struct shadow_request req;
	struct shadow_doc doc;

	if (!load_existing(svc, t, payload, len, now, &req, &doc)) {
		/* Nothing to delete. */
	} else if (store_delete(svc->store, t->thing, t->name, now)) {
		svc->counters.store_failures++;
		log_error("deleting %s/%s: %s", t->thing, t->name, store_error(svc->store));
		internal_error(svc, t, token_of(&req), now);
	} else {
		svc->counters.accepted++;
		log_info("deleted %s%s%s at version %llu", t->thing, t->name[0] ? "/" : "",
			 t->name, (unsigned long long)doc.version);
		respond(svc, t, SHADOW_SUFFIX_ACCEPTED,
			shadow_build_delete(doc.version, token_of(&req), now));
	}
	shadow_doc_free(&doc);
}

static void handle_update(struct service *svc, const struct shadow_topic *t,
			  const void *payload, size_t len, int64_t now)
{
	struct shadow_update_result res;
	struct shadow_request req;
	struct shadow_error err;
	struct shadow_doc doc;
	char *stored;
	int found;

	if (shadow_request_parse(payload, len, &svc->limits, &req, &err)) {
		reject(svc, t, &err, token_of(&req), now);
		return;
	}
	found = load(svc, t, &doc, now);
	if (found < 0) {
		internal_error(svc, t, token_of(&req), now);
		goto out;
	}
	if (shadow_update(&doc, found, &req, now, &svc->limits, &res, &err)) {
		reject(svc, t, &err, token_of(&req), now);
		goto out;
	}
	stored = shadow_doc_serialize(&doc);
	if (!stored || store_put(svc->store, t->thing, t->name, stored, doc.version, now)) {
		svc->counters.store_failures++;
		log_error("storing %s/%s: %s", t->thing, t->name,
			  stored ? store_error(svc->store) : "out of memory");
		cJSON_free(stored);
		shadow_update_result_free(&res);
		internal_error(svc, t, token_of(&req), now);
		goto out;
	}
	cJSON_free(stored);

	svc->counters.accepted++;
	respond(svc, t, SHADOW_SUFFIX_ACCEPTED, res.accepted);
	if (res.delta)
		respond(svc, t, SHADOW_SUFFIX_DELTA, res.delta);
	respond(svc, t, SHADOW_SUFFIX_DOCUMENTS, res.documents);
out:
	shadow_doc_free(&doc);
	shadow_request_free(&req);
}

/*
 * A request topic whose names are invalid cannot be parsed into a shadow,
 * yet its sender waits on "<topic>/rejected": answer there.
 */
static void reject_bad_topic(struct service *svc, const char *topic, int64_t now)
{
	static const char *const ops[] = { "/get", "/update", "/delete" };
	struct shadow_error err;
	size_t len = strlen(topic);
	char reply[512];

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if (len > n && strcmp(topic + len - n, ops[i]) == 0 &&
		    (size_t)snprintf(reply, sizeof(reply), "%s/rejected", topic) < sizeof(reply)) {
			shadow_error_set(&err, SHADOW_BAD_REQUEST,
					 "Invalid thing name or shadow name");
			svc->counters.rejected++;
			count_code(svc, err.code);
			queue(svc, reply, shadow_build_error(&err, NULL, now), true);
			return;
		}
	}
	svc->counters.ignored++;
}

/* Note where request number batch_requests would be rejected. */
static bool track_request(struct service *svc, const struct shadow_topic *t,
			  const void *payload, size_t len)
{
	struct shadow_request req;
	struct shadow_topic rt = *t;
	unsigned int i = svc->batch_requests;

	if (i >= svc->req_cap) {
		size_t cap = svc->req_cap ? svc->req_cap * 2 : 16;
		void *a = realloc(svc->reject_topic, cap * sizeof(*svc->reject_topic));

		if (!a)
			return false;
		svc->reject_topic = a;
		a = realloc(svc->token, cap * sizeof(*svc->token));
		if (!a)
			return false;
		svc->token = a;
		svc->req_cap = cap;
	}
	rt.suffix = SHADOW_SUFFIX_REJECTED;
	shadow_topic_format(&rt, svc->reject_topic[i], sizeof(svc->reject_topic[i]));
	shadow_request_parse_token(payload, len, &req);
	snprintf(svc->token[i], sizeof(svc->token[i]), "%s", req.client_token);
	svc->batch_requests++;
	return true;
}

void service_batch_begin(struct service *svc, int64_t now)
{
	svc->in_batch = true;
	svc->batch_requests = 0;
	svc->batch_now = now;
	svc->began = store_begin(svc->store) == 0;
	if (!svc->began)
		log_warn("starting a transaction: %s", store_error(svc->store));
}

/* The batch did not commit: every request that was not refused gets 500. */
static void fail_batch(struct service *svc)
{
	struct shadow_error err;
	unsigned int last = UINT_MAX;

	shadow_error_set(&err, SHADOW_INTERNAL, "Internal service failure");
	for (size_t i = 0; i < svc->out_n; i++) {
		struct service_response *r = &svc->out[i];
		char *doc;

		if (r->rejection) {
			send_now(svc, r->topic, r->payload);
			continue;
		}
		if (r->request == last)
			continue;
		last = r->request;
		svc->counters.accepted--;
		svc->counters.rejected++;
		count_code(svc, err.code);
		doc = shadow_build_error(&err, svc->token[r->request][0] ?
					 svc->token[r->request] : NULL, svc->batch_now);
		if (doc)
			send_now(svc, svc->reject_topic[r->request], doc);
		cJSON_free(doc);
	}
}

void service_batch_end(struct service *svc)
{
	bool committed = true;

	if (svc->began && store_commit(svc->store)) {
		svc->counters.store_failures++;
		log_error("committing %u requests: %s", svc->batch_requests,
			  store_error(svc->store));
		store_rollback(svc->store);
		committed = false;
	}
	if (committed)
		for (size_t i = 0; i < svc->out_n; i++)
			send_now(svc, svc->out[i].topic, svc->out[i].payload);
	else
		fail_batch(svc);
	for (size_t i = 0; i < svc->out_n; i++) {
		free(svc->out[i].topic);
		cJSON_free(svc->out[i].payload);
	}
	svc->out_n = 0;
	svc->in_batch = false;
	svc->began = false;
}

void service_handle(struct service *svc, const char *topic,
		    const void *payload, size_t len, int64_t now)
{
	bool own_batch = !svc->in_batch;
	struct shadow_topic t;

	if (own_batch)
		service_batch_begin(svc, now);
	svc->counters.requests++;
	if (!shadow_topic_parse(topic, &t)) {
		log_debug("not a valid shadow request topic: %.200s", topic);
		reject_bad_topic(svc, topic, now);
	} else if (t.suffix != SHADOW_SUFFIX_NONE) {
		svc->counters.ignored++;
	} else if (!track_request(svc, &t, payload, len)) {
		svc->counters.ignored++;
		log_error("out of memory: dropped a request on %s", topic);
	} else {
		switch (t.op) {
		case SHADOW_OP_GET:
			handle_get(svc, &t, payload, len, now);
			break;
		case SHADOW_OP_UPDATE:
			handle_update(svc, &t, payload, len, now);
			break;
		case SHADOW_OP_DELETE:
			handle_delete(svc, &t, payload, len, now);
			break;
		}
	}
	if (own_batch)
		service_batch_end(svc);
}

void service_free(struct service *svc)
{
	free(svc->out);
	free(svc->reject_topic);
	free(svc->token);
	svc->out = NULL;
	svc->reject_topic = NULL;
	svc->token = NULL;
	svc->out_cap = svc->out_n = svc->req_cap = 0;
}
