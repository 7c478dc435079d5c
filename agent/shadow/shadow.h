/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AWS IoT Device Shadow document engine, shared by kthing-shadowd (the
 * service side) and kthingd (the device side).
 *
 * Service side: validate a request (shadow_request_parse), apply it to a
 * stored document (shadow_update), and build the accepted, rejected, delta,
 * documents, get and delete responses in the shapes AWS IoT publishes.
 *
 * Device side: split a topic (shadow_topic_parse), read a response
 * (shadow_response_parse) and decide whether a delta or an accepted update
 * is newer than what was already applied (struct shadow_versions).
 *
 * Every function that returns an allocated string returns it from cJSON's
 * allocator: release it with cJSON_free(). Timestamps are epoch seconds and
 * are passed in, so that the engine itself never reads the clock.
 */
#ifndef KTHING_SHADOW_H
#define KTHING_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define SHADOW_THING_NAME_MAX	128
#define SHADOW_NAME_MAX		64
#define SHADOW_CLIENT_TOKEN_MAX	64
/* The largest version a JSON number carries exactly (2^53). */
#define SHADOW_VERSION_MAX	9007199254740992ULL

/* AWS IoT's documented defaults. */
#define SHADOW_DEFAULT_MAX_STATE_BYTES	 8192
#define SHADOW_DEFAULT_MAX_DEPTH	 6
#define SHADOW_DEFAULT_MAX_PAYLOAD_BYTES 131072

struct shadow_limits {
	/* desired + reported, compact JSON, metadata excluded (413 above). */
	size_t max_state_bytes;
	/*
	 * Levels of nesting allowed in desired and in reported, the section's
	 * own object counting as the first (400 above).
	 */
	unsigned int max_depth;
	/* A request payload larger than this is refused unread (413). */
	size_t max_payload_bytes;
};

void shadow_limits_default(struct shadow_limits *limits);

/* HTTP-style codes the Device Shadow service answers with on /rejected. */
enum shadow_code {
	SHADOW_OK = 0,
	SHADOW_BAD_REQUEST = 400,
	SHADOW_UNAUTHORIZED = 401,
	SHADOW_FORBIDDEN = 403,
	SHADOW_NOT_FOUND = 404,
	SHADOW_CONFLICT = 409,
	SHADOW_TOO_LARGE = 413,
	SHADOW_UNSUPPORTED_ENCODING = 415,
	SHADOW_TOO_MANY_REQUESTS = 429,
	SHADOW_INTERNAL = 500,
};

struct shadow_error {
	int code;		/* enum shadow_code */
	char message[192];
};

void shadow_error_set(struct shadow_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- names and topics -------------------------------------------------- */

/* Thing names: 1-128 of [a-zA-Z0-9:_-]. */
bool shadow_thing_name_valid(const char *name, size_t len);
/* Shadow names: 1-64 of [$a-zA-Z0-9:_-]. */
bool shadow_name_valid(const char *name, size_t len);

enum shadow_op {
	SHADOW_OP_GET,
	SHADOW_OP_UPDATE,
	SHADOW_OP_DELETE,
};

enum shadow_suffix {
	SHADOW_SUFFIX_NONE,	/* the request topic itself */
	SHADOW_SUFFIX_ACCEPTED,
	SHADOW_SUFFIX_REJECTED,
	SHADOW_SUFFIX_DELTA,	/* update only */
	SHADOW_SUFFIX_DOCUMENTS,/* update only */
};

struct shadow_topic {
	char thing[SHADOW_THING_NAME_MAX + 1];
	char name[SHADOW_NAME_MAX + 1];	/* "" for the classic shadow */
	enum shadow_op op;
	enum shadow_suffix suffix;
};

/*
 * Split "$aws/things/T/shadow[/name/S]/OP[/SUFFIX]". Returns false when the
 * topic is no shadow topic or names something invalid.
 */
bool shadow_topic_parse(const char *topic, struct shadow_topic *out);

/* Build the topic for @t into @buf; returns false when it does not fit. */
bool shadow_topic_format(const struct shadow_topic *t, char *buf, size_t size);

const char *shadow_op_name(enum shadow_op op);

/* --- requests ---------------------------------------------------------- */

struct shadow_request {
	cJSON *root;		/* the parsed payload, owned */
	const cJSON *state;	/* root's "state": an object, or a JSON null */
	bool has_version;
	uint64_t version;
	bool has_client_token;
	char client_token[SHADOW_CLIENT_TOKEN_MAX + 1];
};

/*
 * Validate an /update payload against AWS's rules. On failure, @err holds
 * the code and the message AWS sends, and @req->client_token is still set
 * when the payload carried a valid one, so that the rejection can echo it.
 */
int shadow_request_parse(const void *payload, size_t len,
			 const struct shadow_limits *limits,
			 struct shadow_request *req, struct shadow_error *err);

/*
 * /get and /delete payloads are optional; only a clientToken is read from
 * them, anything else is ignored, as AWS does.
 */
void shadow_request_parse_token(const void *payload, size_t len,
				struct shadow_request *req);

void shadow_request_free(struct shadow_request *req);

/* --- documents --------------------------------------------------------- */

/*
 * A stored shadow. The metadata trees mirror desired and reported: an
 * object mirrors an object, every other value has {"timestamp": T}, an
 * array has one such entry per element.
 */
struct shadow_doc {
	cJSON *desired;		/* object or NULL when absent */
	cJSON *reported;
	cJSON *meta_desired;
	cJSON *meta_reported;
	uint64_t version;
};

void shadow_doc_init(struct shadow_doc *doc);
void shadow_doc_free(struct shadow_doc *doc);
int shadow_doc_copy(struct shadow_doc *dst, const struct shadow_doc *src);

/* The stored form: {"state":{...},"metadata":{...}} (version kept apart). */
char *shadow_doc_serialize(const struct shadow_doc *doc);
int shadow_doc_deserialize(struct shadow_doc *doc, const char *json,
			   uint64_t version);

/* Compact size of desired plus reported, the figure the 8 KB limit uses. */
size_t shadow_doc_state_size(const struct shadow_doc *doc);

/*
 * The delta: desired keys absent from reported or different there, nested
 * objects carrying the path to each differing leaf, arrays compared whole.
 * NULL when desired and reported agree. *@meta gets the matching subtree of
 * desired's metadata when @meta is not NULL.
 */
cJSON *shadow_doc_delta(const struct shadow_doc *doc, cJSON **meta);

struct shadow_update_result {
	char *accepted;		/* for /update/accepted */
	char *documents;	/* for /update/documents */
	char *delta;		/* for /update/delta, NULL when no delta */
};

void shadow_update_result_free(struct shadow_update_result *res);

/*
 * Apply @req to @doc (@exists false for a shadow that does not exist;
 * @doc->version then holds the version a re-created shadow continues from).
 * On success @doc is the new document with its version raised by one and
 * @res holds the responses; on failure @doc is unchanged and @err says why
 * (409 version conflict, 413 too large).
 */
int shadow_update(struct shadow_doc *doc, bool exists,
		  const struct shadow_request *req, int64_t now,
		  const struct shadow_limits *limits,
		  struct shadow_update_result *res, struct shadow_error *err);

/* --- responses --------------------------------------------------------- */

/* {"code","message","timestamp","clientToken"} for any /rejected topic. */
char *shadow_build_error(const struct shadow_error *err, const char *token,
			 int64_t now);
/* The whole document with state.delta, for /get/accepted. */
char *shadow_build_get(const struct shadow_doc *doc, const char *token,
		       int64_t now);
/* {"version","timestamp","clientToken"} for /delete/accepted. */
char *shadow_build_delete(uint64_t version, const char *token, int64_t now);

/* The 404 AWS sends for a shadow that does not exist. */
void shadow_error_not_found(struct shadow_error *err, const char *thing,
			    const char *name);

/* --- device side ------------------------------------------------------- */

/* A response a device receives, whatever its topic. */
struct shadow_response {
	cJSON *root;		/* owned */
	const cJSON *state;	/* "state", NULL when absent */
	const cJSON *metadata;
	bool has_version;
	uint64_t version;
	int64_t timestamp;	/* 0 when absent */
	char client_token[SHADOW_CLIENT_TOKEN_MAX + 1]; /* "" when absent */
	int code;		/* rejected: the error code, else 0 */
	char message[192];	/* rejected: the message */
};

int shadow_response_parse(const void *payload, size_t len,
			  enum shadow_suffix suffix,
			  struct shadow_response *resp,
			  struct shadow_error *err);
void shadow_response_free(struct shadow_response *resp);

/*
 * Versions a device tracks. Deltas and accepted updates are tracked
 * separately: an accepted update of the device's own report must not make
 * it drop a delta carrying a newer desired state.
 */
struct shadow_versions {
	uint64_t delta;		/* newest delta applied */
	uint64_t accepted;	/* newest document seen accepted */
};

/* True (and recorded) when a delta of @version is newer than the last. */
bool shadow_versions_take_delta(struct shadow_versions *v, uint64_t version);
/* True (and recorded) when an accepted @version is newer than the last. */
bool shadow_versions_take_accepted(struct shadow_versions *v, uint64_t version);
/* Forget everything, e.g. after the shadow was deleted. */
void shadow_versions_reset(struct shadow_versions *v);

#endif /* KTHING_SHADOW_H */
