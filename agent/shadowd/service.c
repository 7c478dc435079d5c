// SPDX-License-Identifier: GPL-2.0
/*
 * get, update and delete against the store, answered on the same topics
 * AWS IoT answers on. An update is written to the store before anything is
 * published, so an accepted update is always a durable one.
 */
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

static void publish(struct service *svc, const char *topic, char *payload)
{
	if (!payload) {
		svc->counters.publish_failures++;
		log_error("out of memory building the response for %s", topic);
		return;
	}
	if (svc->publish(svc->publish_ctx, topic, payload, strlen(payload)))
		svc->counters.publish_failures++;
	cJSON_free(payload);
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
	publish(svc, topic, payload);
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

static void handle_get(struct service *svc, const struct shadow_topic *t,
		       const void *payload, size_t len, int64_t now)
{
	struct shadow_request req;
	struct shadow_doc doc;
	struct shadow_error err;
	int found;

	shadow_request_parse_token(payload, len, &req);
	found = load(svc, t, &doc, now);
	if (found < 0) {
		internal_error(svc, t, token_of(&req), now);
	} else if (!found) {
		shadow_error_not_found(&err, t->thing, t->name);
		reject(svc, t, &err, token_of(&req), now);
	} else {
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
	struct shadow_error err;
	int found;

	shadow_request_parse_token(payload, len, &req);
	found = load(svc, t, &doc, now);
	if (found < 0) {
		internal_error(svc, t, token_of(&req), now);
	} else if (!found) {
		shadow_error_not_found(&err, t->thing, t->name);
		reject(svc, t, &err, token_of(&req), now);
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
			publish(svc, reply, shadow_build_error(&err, NULL, now));
			return;
		}
	}
	svc->counters.ignored++;
}

void service_handle(struct service *svc, const char *topic,
		    const void *payload, size_t len, int64_t now)
{
	struct shadow_topic t;

	svc->counters.requests++;
	if (!shadow_topic_parse(topic, &t)) {
		log_debug("not a valid shadow request topic: %.200s", topic);
		reject_bad_topic(svc, topic, now);
		return;
	}
	if (t.suffix != SHADOW_SUFFIX_NONE) {
		svc->counters.ignored++;
		return;
	}
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
