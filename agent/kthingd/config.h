/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kthingd's configuration: a JSON file (docs/kthingd-config.md) plus
 * command-line overrides, parsed and validated in one go. Every problem is
 * reported as "<key path>: <problem>".
 */
#ifndef KTHINGD_CONFIG_H
#define KTHINGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH	"/etc/kthing/kthingd.json"
#define CONFIG_ERROR_SIZE	512

enum broker_transport {
	TRANSPORT_TCP,		/* mqtt://, tcp:// */
	TRANSPORT_TLS,		/* mqtts://, ssl:// */
	TRANSPORT_WS,		/* ws:// */
	TRANSPORT_WSS,		/* wss:// */
};

struct broker_config {
	char *uri;		/* as configured */
	char *paho_uri;		/* what paho is given: scheme://host:port[/path] */
	enum broker_transport transport;
	char *host;
	int port;
	char *client_id;
	char *username;
	char *password;		/* never logged */
	char *ca_file;
	char *cert_file;
	char *key_file;
	bool tls_insecure;	/* no server verification: warned about */
	unsigned char *alpn;	/* wire format: length-prefixed strings */
	unsigned int alpn_len;
	int protocol;		/* 4 (3.1.1) or 5 */
	int keepalive_s;
	int connect_timeout_s;
	uint32_t session_expiry_s;
	int max_inflight;
};

struct reconnect_config {
	uint32_t min_ms;
	uint32_t max_ms;
	uint32_t refused_min_ms;
	uint32_t refused_max_ms;
};

struct telemetry_config {
	char *topic;		/* template, {thing} */
	char *status_topic;	/* template, {thing} = thing_name */
	int qos;
	uint32_t coalesce_ms;
	uint32_t batch_ms;	/* 0: a message per sample */
	size_t max_payload;
	bool all_things;	/* relay things not listed in things[] too */
};

struct thing_config {
	char *kthing;		/* the kernel's name */
	char *name;		/* the MQTT thing name */
	bool telemetry;
	int64_t coalesce_ms;	/* -1: telemetry.coalesce_ms */
	int64_t batch_ms;	/* -1: telemetry.batch_ms */
	bool shadow;		/* keep its shadows in step (with shadow.enabled) */
	/* Channels kept in a named shadow rather than the classic one. */
	char **shadow_channels;
	char **shadow_names;	/* shadow_names[i] holds shadow_channels[i] */
	size_t num_named;
};

struct queue_config {
	size_t max_messages;
	size_t max_bytes;
	char *state_dir;	/* NULL: memory only */
};

struct status_config {
	char *socket;		/* NULL: no status socket */
	char *metrics_topic;	/* template, {thing} = thing_name; may be NULL */
	uint32_t metrics_interval_s;
};

struct shadow_config {
	bool enabled;		/* sync actuators with the Device Shadow */
	bool null_invalid_desired; /* set refused desired keys to null */
	uint32_t coalesce_ms;	/* collect hardware-side changes this long */
	uint32_t sensor_interval_s; /* report sensors this often, 0: never */
};

struct rules_config;

struct config {
	char *thing_name;
	struct broker_config broker;
	struct reconnect_config reconnect;
	struct telemetry_config telemetry;
	struct thing_config *things;
	size_t num_things;
	struct queue_config queue;
	struct status_config status;
	struct shadow_config shadow;
	char *events_source;	/* "netlink", "-" (stdin) or a file or FIFO */
	char *log_level;
	uint32_t shutdown_timeout_ms;
	struct rules_config *rules;	/* NULL: none (rules_config.h) */
};

/* Values given on the command line; NULL when not given. */
struct config_overrides {
	const char *broker_uri;
	const char *client_id;
	const char *thing_name;
	const char *state_dir;
	const char *status_socket;
	const char *events_source;
	const char *log_level;
};

/* Do not look at the files the configuration names (fuzzing, unit tests). */
#define CONFIG_NO_FILE_CHECKS	(1U << 0)

/*
 * Parse @text (@len bytes) into @config. On failure returns -1 with the
 * problem in @err ("key.path: problem" or "line:col: invalid JSON") and
 * @config zeroed.
 */
int config_parse(const char *text, size_t len, const struct config_overrides *ov,
		 unsigned int flags, struct config *config, char *err, size_t errlen);

/* Read and parse @path; errors are prefixed with the path. */
int config_load(const char *path, const struct config_overrides *ov,
		struct config *config, char *err, size_t errlen);

void config_free(struct config *config);

/* Whether a change from @a to @b needs a new broker connection. */
bool config_broker_changed(const struct config *a, const struct config *b);

/* The entry of things[] for the kernel's @kthing, or NULL. */
const struct thing_config *config_find_thing(const struct config *config,
					     const char *kthing);

/* The named shadow holding @channel of @tc, or "" for the classic one. */
const char *config_shadow_of(const struct thing_config *tc, const char *channel);

/* AWS IoT thing-name rules: 1-128 of [a-zA-Z0-9:_-]. */
bool config_valid_thing_name(const char *name);

#endif
