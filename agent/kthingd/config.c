// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration parsing. The file is read into a cJSON tree, command-line
 * overrides are written into that tree, and one validating walk fills
 * struct config; so an override is checked exactly like the file's value
 * and its errors name the same key path.
 */
#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_parse.h"
#include "log.h"
#include "rules_config.h"
#include "topic.h"

#define DEFAULT_BROKER_URI	"mqtt://localhost"
#define DEFAULT_TELEMETRY_TOPIC	"dt/kthing/{thing}/telemetry"
#define DEFAULT_STATUS_TOPIC	"dt/kthing/{thing}/status"
#define DEFAULT_STATUS_SOCKET	"/run/kthing/kthingd.sock"
#define AWS_ALPN		"x-amzn-mqtt-ca"
/* The largest MQTT packet, and AWS IoT's payload limit. */
#define MQTT_MAX_PAYLOAD	268435455
#define AWS_MAX_PAYLOAD		131072

/* --- config_parse.h: shared with the parsers of other sections --- */

__attribute__((format(printf, 3, 4)))
int config_fail(struct config_parser *p, const char *path, const char *fmt, ...)
{
	char problem[CONFIG_ERROR_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s: %s", path, problem);
	return -1;
}

void config_join(char *out, size_t size, const char *parent, const char *key)
{
	if (*parent)
		snprintf(out, size, "%s.%s", parent, key);
	else
		snprintf(out, size, "%s", key);
}

/* Unknown keys are errors: a typo must not silently fall back to a default. */
int config_check_keys(struct config_parser *p, const cJSON *obj, const char *path,
		      const char *const *known)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, obj) {
		const char *const *k;
		char where[256];

		for (k = known; *k; k++)
			if (strcmp(item->string, *k) == 0)
				break;
		if (*k)
			continue;
		config_join(where, sizeof(where), path, item->string);
		return config_fail(p, where, "unknown key");
	}

	/* A key given twice would make one of the values silently lost. */
	cJSON_ArrayForEach(item, obj) {
		const cJSON *other;

		for (other = item->next; other; other = other->next) {
			char where[256];

			if (strcmp(item->string, other->string) != 0)
				continue;
			config_join(where, sizeof(where), path, item->string);
			return config_fail(p, where, "given more than once");
		}
	}
	return 0;
}

int config_require(struct config_parser *p, const cJSON *obj, const char *path,
		   const char *key)
{
	char where[256];

	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return 0;
	config_join(where, sizeof(where), path, key);
	return config_fail(p, where, "required");
}

int config_get_object(struct config_parser *p, const cJSON *parent,
		      const char *parent_path, const char *key, const cJSON **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
	char where[256];

	*out = NULL;
	if (!item)
		return 0;
	config_join(where, sizeof(where), parent_path, key);
	if (!cJSON_IsObject(item))
		return config_fail(p, where, "must be an object");
	*out = item;
	return 0;
}

int config_get_string(struct config_parser *p, const cJSON *parent,
		      const char *parent_path, const char *key, bool allow_empty,
		      char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
	char where[256];

	if (!item)
		return 0;
	config_join(where, sizeof(where), parent_path, key);
	if (!cJSON_IsString(item))
		return config_fail(p, where, "must be a string");
	if (!allow_empty && !*item->valuestring)
		return config_fail(p, where, "must not be empty");
	free(*out);
	*out = strdup(item->valuestring);
	if (!*out)
		return config_fail(p, where, "out of memory");
	return 0;
}

int config_get_bool(struct config_parser *p, const cJSON *parent,
		    const char *parent_path, const char *key, bool *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
	char where[256];

	if (!item)
		return 0;
	config_join(where, sizeof(where), parent_path, key);
	if (!cJSON_IsBool(item))
		return config_fail(p, where, "must be true or false");
	*out = cJSON_IsTrue(item);
	return 0;
}

int config_get_integer(struct config_parser *p, const cJSON *parent,
		       const char *parent_path, const char *key, int64_t min, int64_t max,
		       int64_t *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
	char where[256];
	double v;

	if (!item)
		return 0;
	config_join(where, sizeof(where), parent_path, key);
	if (!cJSON_IsNumber(item))
		return config_fail(p, where, "must be a number");
	v = item->valuedouble;
	if (!isfinite(v) || v != floor(v))
		return config_fail(p, where, "must be a whole number");
	if (v < (double)min || v > (double)max)
		return config_fail(p, where, "%g is out of range (%lld to %lld)", v,
				   (long long)min, (long long)max);
	*out = (int64_t)v;
	return 0;
}

#define GET_INT(p, parent, path, key, min, max, dst) ({			\
	int64_t __v = (dst);						\
	int __rc = config_get_integer(p, parent, path, key, min, max, &__v);	\
	(dst) = __v;							\
	__rc;								\
})

bool config_valid_thing_name(const char *name)
{
	size_t len = strlen(name);

	if (len < 1 || len > 128)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789:_-") == len;
}

int config_check_thing_name(struct config_parser *p, const char *path, const char *name)
{
	if (strlen(name) > 128)
		return config_fail(p, path, "\"%.32s...\" is longer than 128 characters", name);
	if (!config_valid_thing_name(name))
		return config_fail(p, path, "\"%s\" is not a valid thing name "
				   "(1 to 128 of a-z A-Z 0-9 : _ -)", name);
	return 0;
}

static int check_template(struct config_parser *p, const char *path, const char *tmpl)
{
	char problem[CONFIG_ERROR_SIZE];

	if (topic_template_check(tmpl, problem, sizeof(problem)) < 0)
		return config_fail(p, path, "%s", problem);
	return 0;
}

/* A file the agent will open: it must exist and be a regular file. */
static int check_file(struct config_parser *p, const char *path, const char *file)
{
	struct stat st;

	if (p->flags & CONFIG_NO_FILE_CHECKS)
		return 0;
	if (stat(file, &st) < 0)
		return config_fail(p, path, "%s: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return config_fail(p, path, "%s: not a regular file", file);
	if (access(file, R_OK) < 0)
		return config_fail(p, path, "%s: %s", file, strerror(errno));
	return 0;
}

static int check_private_key(struct config_parser *p, const char *path, const char *file)
{
	struct stat st;

	if (check_file(p, path, file) < 0)
		return -1;
	if (p->flags & CONFIG_NO_FILE_CHECKS)
		return 0;
	if (stat(file, &st) < 0)
		return config_fail(p, path, "%s: %s", file, strerror(errno));
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return config_fail(p, path, "%s is accessible by group or others (mode %04o); "
				   "make it private: chmod 600 %s", file,
				   (unsigned int)(st.st_mode & 07777), file);
	return 0;
}

static int parse_uri(struct config_parser *p, struct broker_config *b)
{
	static const struct {
		const char *scheme;
		enum broker_transport transport;
		int port;
	} schemes[] = {
		{ "mqtt", TRANSPORT_TCP, 1883 },
		{ "tcp", TRANSPORT_TCP, 1883 },
		{ "mqtts", TRANSPORT_TLS, 8883 },
		{ "ssl", TRANSPORT_TLS, 8883 },
		{ "ws", TRANSPORT_WS, 80 },
		{ "wss", TRANSPORT_WSS, 443 },
	};
	static const char *const paho_schemes[] = {
		[TRANSPORT_TCP] = "tcp", [TRANSPORT_TLS] = "ssl",
		[TRANSPORT_WS] = "ws", [TRANSPORT_WSS] = "wss",
	};
	const char *uri = b->uri, *sep, *host, *host_end, *path;
	size_t i, scheme_len, host_len;
	char *paho;

	sep = strstr(uri, "://");
	if (!sep)
		return config_fail(p, "broker.uri", "\"%s\" is not a URI (scheme://host[:port])",
				   uri);
	scheme_len = sep - uri;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].scheme) == scheme_len &&
		    strncmp(uri, schemes[i].scheme, scheme_len) == 0)
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return config_fail(p, "broker.uri", "unsupported scheme \"%.*s\" "
				   "(mqtt, mqtts, ssl, tcp, ws, wss)", (int)scheme_len, uri);
	b->transport = schemes[i].transport;
	b->port = schemes[i].port;

	host = sep + 3;
	if (strchr(host, '@'))
		return config_fail(p, "broker.uri", "credentials in the URI are not supported; "
				   "use broker.username and broker.password");
	path = strchr(host, '/');
	if (path && b->transport != TRANSPORT_WS && b->transport != TRANSPORT_WSS)
		return config_fail(p, "broker.uri",
				   "a path is only meaningful for ws:// and wss://");
	if (!path)
		path = host + strlen(host);

	if (*host == '[') {
		host_end = memchr(host, ']', path - host);
		if (!host_end)
			return config_fail(p, "broker.uri", "unterminated IPv6 address");
		host++;
		host_len = host_end - host;
		host_end++;
	} else {
		host_end = memchr(host, ':', path - host);
		if (!host_end)
			host_end = path;
		host_len = host_end - host;
	}
	if (host_len == 0)
		return config_fail(p, "broker.uri", "missing host name");
	if (host_end < path) {
		char *end;
		long port;

		if (*host_end != ':')
			return config_fail(p, "broker.uri", "unexpected \"%.*s\" after the host",
					   (int)(path - host_end), host_end);
		errno = 0;
		port = strtol(host_end + 1, &end, 10);
		if (end != path || end == host_end + 1 || port < 1 || port > 65535)
			return config_fail(p, "broker.uri", "invalid port \"%.*s\"",
					   (int)(path - host_end - 1), host_end + 1);
		b->port = (int)port;
	}

	b->host = strndup(host, host_len);
	if (!b->host)
		return config_fail(p, "broker.uri", "out of memory");
	if (asprintf(&paho, "%s://%s%s%s:%d%s", paho_schemes[b->transport],
		     memchr(b->host, ':', host_len) ? "[" : "", b->host,
		     memchr(b->host, ':', host_len) ? "]" : "", b->port, path) < 0)
		return config_fail(p, "broker.uri", "out of memory");
	b->paho_uri = paho;
	return 0;
}

static int parse_alpn(struct config_parser *p, const cJSON *broker, struct broker_config *b)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(broker, "alpn");
	const cJSON *item;
	size_t total = 0;
	int i = 0;

	if (!list) {
		/* AWS IoT takes MQTT over TLS on port 443 only with this protocol. */
		if (b->transport == TRANSPORT_TLS && b->port == 443) {
			b->alpn_len = 1 + strlen(AWS_ALPN);
			b->alpn = malloc(b->alpn_len);
			if (!b->alpn)
				return config_fail(p, "broker.alpn", "out of memory");
			b->alpn[0] = strlen(AWS_ALPN);
			memcpy(b->alpn + 1, AWS_ALPN, strlen(AWS_ALPN));
		}
		return 0;
	}
	if (!cJSON_IsArray(list))
		return config_fail(p, "broker.alpn", "must be an array of strings");
	if (b->transport == TRANSPORT_TCP || b->transport == TRANSPORT_WS)
		return config_fail(p, "broker.alpn", "only for TLS (mqtts://, ssl://, wss://)");
	cJSON_ArrayForEach(item, list) {
		char where[64];
		size_t len;

		snprintf(where, sizeof(where), "broker.alpn[%d]", i++);
		if (!cJSON_IsString(item))
			return config_fail(p, where, "must be a string");
		len = strlen(item->valuestring);
		if (len < 1 || len > 255)
			return config_fail(p, where, "must be 1 to 255 bytes long");
		total += 1 + len;
	}
	if (total == 0)
		return 0;
	b->alpn = malloc(total);
	if (!b->alpn)
		return config_fail(p, "broker.alpn", "out of memory");
	cJSON_ArrayForEach(item, list) {
		size_t len = strlen(item->valuestring);

		b->alpn[b->alpn_len++] = (unsigned char)len;
		memcpy(b->alpn + b->alpn_len, item->valuestring, len);
		b->alpn_len += len;
	}
	return 0;
}

static int parse_broker(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"uri", "client_id", "username", "password", "ca_file", "cert_file",
		"key_file", "tls_insecure", "alpn", "protocol", "keepalive_s",
		"connect_timeout_s", "session_expiry_s", "max_inflight", NULL,
	};
	struct broker_config *b = &c->broker;
	const cJSON *broker;
	char *protocol = NULL;
	bool tls;

	if (config_get_object(p, root, "", "broker", &broker) < 0)
		return -1;
	b->uri = strdup(DEFAULT_BROKER_URI);
	b->protocol = 4;
	b->keepalive_s = 60;
	b->connect_timeout_s = 30;
	b->session_expiry_s = 3600;
	b->max_inflight = 20;
	if (!b->uri)
		return config_fail(p, "broker.uri", "out of memory");

	if (broker) {
		if (config_check_keys(p, broker, "broker", keys) < 0 ||
		    config_get_string(p, broker, "broker", "uri", false, &b->uri) < 0 ||
		    config_get_string(p, broker, "broker", "client_id", false, &b->client_id) < 0 ||
		    config_get_string(p, broker, "broker", "username", false, &b->username) < 0 ||
		    config_get_string(p, broker, "broker", "password", true, &b->password) < 0 ||
		    config_get_string(p, broker, "broker", "ca_file", false, &b->ca_file) < 0 ||
		    config_get_string(p, broker, "broker", "cert_file", false, &b->cert_file) < 0 ||
		    config_get_string(p, broker, "broker", "key_file", false, &b->key_file) < 0 ||
		    config_get_bool(p, broker, "broker", "tls_insecure", &b->tls_insecure) < 0 ||
		    config_get_string(p, broker, "broker", "protocol", false, &protocol) < 0 ||
		    GET_INT(p, broker, "broker", "keepalive_s", 5, 65535, b->keepalive_s) < 0 ||
		    GET_INT(p, broker, "broker", "connect_timeout_s", 1, 300,
			    b->connect_timeout_s) < 0 ||
		    GET_INT(p, broker, "broker", "session_expiry_s", 0, UINT32_MAX,
			    b->session_expiry_s) < 0 ||
		    GET_INT(p, broker, "broker", "max_inflight", 1, 1000, b->max_inflight) < 0) {
			free(protocol);
			return -1;
		}
	}
	if (protocol) {
		if (strcmp(protocol, "3.1.1") == 0) {
			b->protocol = 4;
		} else if (strcmp(protocol, "5") == 0) {
			b->protocol = 5;
		} else {
			config_fail(p, "broker.protocol",
				    "unsupported MQTT version \"%s\" (3.1.1 or 5)", protocol);
			free(protocol);
			return -1;
		}
		free(protocol);
	}

	if (parse_uri(p, b) < 0)
		return -1;
	tls = b->transport == TRANSPORT_TLS || b->transport == TRANSPORT_WSS;

	if (b->client_id && strlen(b->client_id) > 128)
		return config_fail(p, "broker.client_id", "longer than 128 bytes");
	if (b->password && !b->username)
		return config_fail(p, "broker.password", "given without broker.username");
	if (!tls) {
		if (b->ca_file)
			return config_fail(p, "broker.ca_file",
					   "only for TLS (mqtts://, ssl://, wss://)");
		if (b->cert_file)
			return config_fail(p, "broker.cert_file",
					   "only for TLS (mqtts://, ssl://, wss://)");
		if (b->key_file)
			return config_fail(p, "broker.key_file",
					   "only for TLS (mqtts://, ssl://, wss://)");
		if (b->tls_insecure)
			return config_fail(p, "broker.tls_insecure",
					   "only for TLS (mqtts://, ssl://, wss://)");
	}
	if (b->cert_file && !b->key_file)
		return config_fail(p, "broker.key_file", "required with broker.cert_file");
	if (b->key_file && !b->cert_file)
		return config_fail(p, "broker.cert_file", "required with broker.key_file");
	if ((b->ca_file && check_file(p, "broker.ca_file", b->ca_file) < 0) ||
	    (b->cert_file && check_file(p, "broker.cert_file", b->cert_file) < 0) ||
	    (b->key_file && check_private_key(p, "broker.key_file", b->key_file) < 0))
		return -1;
	return parse_alpn(p, broker, b);
}

static int parse_reconnect(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"min_ms", "max_ms", "refused_min_ms", "refused_max_ms", NULL,
	};
	struct reconnect_config *r = &c->reconnect;
	const cJSON *obj;

	r->min_ms = 1000;
	r->max_ms = 120000;
	r->refused_min_ms = 300000;
	r->refused_max_ms = 3600000;
	if (config_get_object(p, root, "", "reconnect", &obj) < 0)
		return -1;
	if (!obj)
		return 0;
	if (config_check_keys(p, obj, "reconnect", keys) < 0 ||
	    GET_INT(p, obj, "reconnect", "min_ms", 10, 86400000, r->min_ms) < 0 ||
	    GET_INT(p, obj, "reconnect", "max_ms", 10, 86400000, r->max_ms) < 0 ||
	    GET_INT(p, obj, "reconnect", "refused_min_ms", 10, 86400000, r->refused_min_ms) < 0 ||
	    GET_INT(p, obj, "reconnect", "refused_max_ms", 10, 86400000, r->refused_max_ms) < 0)
		return -1;
	if (r->max_ms < r->min_ms)
		return config_fail(p, "reconnect.max_ms", "smaller than reconnect.min_ms");
	if (r->refused_max_ms < r->refused_min_ms)
		return config_fail(p, "reconnect.refused_max_ms",
				   "smaller than reconnect.refused_min_ms");
	return 0;
}

static int parse_telemetry(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"topic", "status_topic", "qos", "coalesce_ms", "batch_ms", "max_payload",
		"all_things", NULL,
	};
	struct telemetry_config *t = &c->telemetry;
	const cJSON *obj;

	t->topic = strdup(DEFAULT_TELEMETRY_TOPIC);
	t->status_topic = strdup(DEFAULT_STATUS_TOPIC);
	t->qos = 1;
	t->max_payload = AWS_MAX_PAYLOAD;
	t->all_things = true;
	if (!t->topic || !t->status_topic)
		return config_fail(p, "telemetry", "out of memory");
	if (config_get_object(p, root, "", "telemetry", &obj) < 0)
		return -1;
	if (obj &&
	    (config_check_keys(p, obj, "telemetry", keys) < 0 ||
	     config_get_string(p, obj, "telemetry", "topic", false, &t->topic) < 0 ||
	     config_get_string(p, obj, "telemetry", "status_topic", false, &t->status_topic) < 0 ||
	     GET_INT(p, obj, "telemetry", "qos", 0, 1, t->qos) < 0 ||
	     GET_INT(p, obj, "telemetry", "coalesce_ms", 0, 3600000, t->coalesce_ms) < 0 ||
	     GET_INT(p, obj, "telemetry", "batch_ms", 0, 3600000, t->batch_ms) < 0 ||
	     GET_INT(p, obj, "telemetry", "max_payload", 256, MQTT_MAX_PAYLOAD,
		     t->max_payload) < 0 ||
	     config_get_bool(p, obj, "telemetry", "all_things", &t->all_things) < 0))
		return -1;
	if (check_template(p, "telemetry.topic", t->topic) < 0 ||
	    check_template(p, "telemetry.status_topic", t->status_topic) < 0)
		return -1;
	return 0;
}

int config_check_shadow_name(struct config_parser *p, const char *path, const char *name)
{
	size_t len = strlen(name);

	if (len < 1 || len > 64 ||
	    strspn(name, "$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789:_-") != len)
		return config_fail(p, path, "\"%.64s\" is not a valid shadow name "
				   "(1 to 64 of a-z A-Z 0-9 $ : _ -)", name);
	return 0;
}

/* "named_shadows": {"<channel>": "<shadow name>", ...} */
static int parse_named_shadows(struct config_parser *p, const cJSON *thing, const char *path,
			       struct thing_config *t)
{
	const cJSON *map, *item;
	char where[256];
	size_t n;

	if (config_get_object(p, thing, path, "named_shadows", &map) < 0)
		return -1;
	if (!map)
		return 0;
	n = cJSON_GetArraySize(map);
	t->shadow_channels = calloc(n + 1, sizeof(char *));
	t->shadow_names = calloc(n + 1, sizeof(char *));
	if (!t->shadow_channels || !t->shadow_names)
		return config_fail(p, path, "out of memory");
	cJSON_ArrayForEach(item, map) {
		const char *ch = item->string, *name;

		snprintf(where, sizeof(where), "%s.named_shadows.%s", path, ch);
		if (!*ch || strlen(ch) > 31 ||
		    strspn(ch, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "0123456789_-") != strlen(ch))
			return config_fail(p, where,
					   "not a channel name (1 to 31 of a-z A-Z 0-9 _ -)");
		if (!cJSON_IsString(item))
			return config_fail(p, where, "must be a string (a shadow name)");
		name = item->valuestring;
		if (config_check_shadow_name(p, where, name) < 0)
			return -1;
		t->shadow_channels[t->num_named] = strdup(ch);
		t->shadow_names[t->num_named] = strdup(name);
		t->num_named++;
		if (!t->shadow_channels[t->num_named - 1] || !t->shadow_names[t->num_named - 1])
			return config_fail(p, where, "out of memory");
	}
	return 0;
}

const char *config_shadow_of(const struct thing_config *tc, const char *channel)
{
	for (size_t i = 0; tc && i < tc->num_named; i++)
		if (strcmp(tc->shadow_channels[i], channel) == 0)
			return tc->shadow_names[i];
	return "";
}

static int parse_shadow(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"enabled", "null_invalid_desired", "coalesce_ms", "sensor_interval_s", NULL,
	};
	struct shadow_config *s = &c->shadow;
	const cJSON *obj;

	/* Each thing keeps its classic shadow unless told otherwise. */
	s->enabled = true;
	s->coalesce_ms = 100;
	if (config_get_object(p, root, "", "shadow", &obj) < 0)
		return -1;
	if (obj &&
	    (config_check_keys(p, obj, "shadow", keys) < 0 ||
	     config_get_bool(p, obj, "shadow", "enabled", &s->enabled) < 0 ||
	     config_get_bool(p, obj, "shadow", "null_invalid_desired",
			     &s->null_invalid_desired) < 0 ||
	     GET_INT(p, obj, "shadow", "coalesce_ms", 0, 60000, s->coalesce_ms) < 0 ||
	     GET_INT(p, obj, "shadow", "sensor_interval_s", 0, 86400, s->sensor_interval_s) < 0))
		return -1;
	return 0;
}

static int parse_things(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"kthing", "name", "telemetry", "coalesce_ms", "batch_ms", "shadow",
		"named_shadows", NULL,
	};
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "things");
	const cJSON *item;
	size_t i = 0, n;

	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return config_fail(p, "things", "must be an array of objects");
	n = cJSON_GetArraySize(list);
	if (n == 0)
		return 0;
	c->things = calloc(n, sizeof(*c->things));
	if (!c->things)
		return config_fail(p, "things", "out of memory");

	cJSON_ArrayForEach(item, list) {
		struct thing_config *t = &c->things[i];
		char path[64], where[96];

		snprintf(path, sizeof(path), "things[%zu]", i);
		if (!cJSON_IsObject(item))
			return config_fail(p, path, "must be an object");
		t->telemetry = true;
		t->coalesce_ms = -1;
		t->batch_ms = -1;
		t->shadow = true;
		c->num_things = ++i;
		if (config_check_keys(p, item, path, keys) < 0 ||
		    config_get_string(p, item, path, "kthing", false, &t->kthing) < 0 ||
		    config_get_string(p, item, path, "name", false, &t->name) < 0 ||
		    config_get_bool(p, item, path, "telemetry", &t->telemetry) < 0 ||
		    config_get_integer(p, item, path, "coalesce_ms", 0, 3600000,
				       &t->coalesce_ms) < 0 ||
		    config_get_integer(p, item, path, "batch_ms", 0, 3600000, &t->batch_ms) < 0 ||
		    config_get_bool(p, item, path, "shadow", &t->shadow) < 0 ||
		    parse_named_shadows(p, item, path, t) < 0)
			return -1;
		if (!t->kthing) {
			snprintf(where, sizeof(where), "%s.kthing", path);
			return config_fail(p, where, "required");
		}
		snprintf(where, sizeof(where), "%s.kthing", path);
		/* The kernel's names are at most KTHING_NAME_SIZE - 1 bytes. */
		if (strlen(t->kthing) > 31)
			return config_fail(p, where, "longer than 31 bytes, the kernel's limit");
		if (!t->name) {
			t->name = strdup(t->kthing);
			if (!t->name)
				return config_fail(p, where, "out of memory");
		}
		snprintf(where, sizeof(where), "%s.name", path);
		if (config_check_thing_name(p, where, t->name) < 0)
			return -1;
		for (size_t j = 0; j + 1 < i; j++) {
			if (strcmp(c->things[j].kthing, t->kthing) == 0) {
				snprintf(where, sizeof(where), "%s.kthing", path);
				return config_fail(p, where, "duplicate \"%s\" (also things[%zu])",
						   t->kthing, j);
			}
			if (strcmp(c->things[j].name, t->name) == 0)
				return config_fail(p, where, "duplicate \"%s\" (also things[%zu])",
						   t->name, j);
		}
	}
	return 0;
}

static int parse_queue(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = { "max_messages", "max_bytes", "state_dir", NULL };
	struct queue_config *q = &c->queue;
	const cJSON *obj;

	q->max_messages = 10000;
	q->max_bytes = 10 * 1024 * 1024;
	if (config_get_object(p, root, "", "queue", &obj) < 0)
		return -1;
	if (!obj)
		return 0;
	if (config_check_keys(p, obj, "queue", keys) < 0 ||
	    GET_INT(p, obj, "queue", "max_messages", 1, 10000000, q->max_messages) < 0 ||
	    GET_INT(p, obj, "queue", "max_bytes", 1024, (int64_t)1 << 40, q->max_bytes) < 0 ||
	    config_get_string(p, obj, "queue", "state_dir", false, &q->state_dir) < 0)
		return -1;
	if (q->state_dir && q->state_dir[0] != '/')
		return config_fail(p, "queue.state_dir", "must be an absolute path");
	return 0;
}

static int parse_status(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"socket", "metrics_topic", "metrics_interval_s", NULL,
	};
	struct status_config *s = &c->status;
	const cJSON *obj;

	s->socket = strdup(DEFAULT_STATUS_SOCKET);
	s->metrics_interval_s = 60;
	if (!s->socket)
		return config_fail(p, "status.socket", "out of memory");
	if (config_get_object(p, root, "", "status", &obj) < 0)
		return -1;
	if (obj &&
	    (config_check_keys(p, obj, "status", keys) < 0 ||
	     config_get_string(p, obj, "status", "socket", true, &s->socket) < 0 ||
	     config_get_string(p, obj, "status", "metrics_topic", false, &s->metrics_topic) < 0 ||
	     GET_INT(p, obj, "status", "metrics_interval_s", 1, 86400,
		     s->metrics_interval_s) < 0))
		return -1;
	if (!*s->socket) {
		free(s->socket);
		s->socket = NULL;
	} else if (s->socket[0] != '/') {
		return config_fail(p, "status.socket",
				   "must be an absolute path (or \"\" for none)");
	} else if (strlen(s->socket) >= 108) {
		return config_fail(p, "status.socket", "longer than a Unix socket path can be "
				   "(107 bytes)");
	}
	if (s->metrics_topic && check_template(p, "status.metrics_topic", s->metrics_topic) < 0)
		return -1;
	return 0;
}

static int parse_events(struct config_parser *p, const cJSON *root, struct config *c)
{
	static const char *const keys[] = { "source", NULL };
	const cJSON *obj;

	c->events_source = strdup("netlink");
	if (!c->events_source)
		return config_fail(p, "events.source", "out of memory");
	if (config_get_object(p, root, "", "events", &obj) < 0)
		return -1;
	if (obj && (config_check_keys(p, obj, "events", keys) < 0 ||
		    config_get_string(p, obj, "events", "source", false, &c->events_source) < 0))
		return -1;
	if (strcmp(c->events_source, "netlink") != 0 && strcmp(c->events_source, "-") != 0 &&
	    c->events_source[0] != '/')
		return config_fail(p, "events.source", "\"%s\" is neither \"netlink\", "
				   "\"-\" (stdin) nor an absolute path", c->events_source);
	return 0;
}

static int default_thing_name(struct config_parser *p, struct config *c)
{
	char host[256];

	if (c->thing_name)
		return config_check_thing_name(p, "thing_name", c->thing_name);
	/* One configured thing is the common device: it names the connection. */
	if (c->num_things == 1) {
		c->thing_name = strdup(c->things[0].name);
	} else {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		if (!config_valid_thing_name(host))
			return config_fail(p, "thing_name", "required: the host name \"%s\" "
					   "is not a valid thing name", host);
		c->thing_name = strdup(host);
	}
	if (!c->thing_name)
		return config_fail(p, "thing_name", "out of memory");
	return 0;
}

/* Write the command-line overrides into the tree before validation. */
static int apply_overrides(struct config_parser *p, cJSON *root, const struct config_overrides *ov)
{
	const struct {
		const char *section, *key, *value;
	} items[] = {
		{ "broker", "uri", ov->broker_uri },
		{ "broker", "client_id", ov->client_id },
		{ NULL, "thing_name", ov->thing_name },
		{ "queue", "state_dir", ov->state_dir },
		{ "status", "socket", ov->status_socket },
		{ "events", "source", ov->events_source },
		{ NULL, "log_level", ov->log_level },
	};

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		cJSON *obj = root, *value;

		if (!items[i].value)
			continue;
		if (items[i].section) {
			obj = cJSON_GetObjectItemCaseSensitive(root, items[i].section);
			if (!obj)
				obj = cJSON_AddObjectToObject(root, items[i].section);
			if (!obj)
				return config_fail(p, items[i].section, "out of memory");
			if (!cJSON_IsObject(obj))
				return config_fail(p, items[i].section, "must be an object");
		}
		value = cJSON_CreateString(items[i].value);
		if (!value)
			return config_fail(p, items[i].key, "out of memory");
		if (cJSON_GetObjectItemCaseSensitive(obj, items[i].key))
			cJSON_ReplaceItemInObjectCaseSensitive(obj, items[i].key, value);
		else
			cJSON_AddItemToObject(obj, items[i].key, value);
	}
	return 0;
}

static void json_error_position(const char *text, size_t len, const char *at,
				int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *s = text; s < at && s < text + len; s++) {
		if (*s == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parse_root(struct config_parser *p, cJSON *root, struct config *c)
{
	static const char *const keys[] = {
		"thing_name", "broker", "reconnect", "telemetry", "things", "queue",
		"status", "events", "log_level", "shutdown_timeout_ms", "shadow", "rules", NULL,
	};
	enum log_level level;

	c->shutdown_timeout_ms = 5000;
	if (!cJSON_IsObject(root))
		return config_fail(p, "(top level)", "must be an object");
	if (config_check_keys(p, root, "", keys) < 0 ||
	    config_get_string(p, root, "", "thing_name", false, &c->thing_name) < 0 ||
	    parse_broker(p, root, c) < 0 ||
	    parse_reconnect(p, root, c) < 0 ||
	    parse_telemetry(p, root, c) < 0 ||
	    parse_things(p, root, c) < 0 ||
	    parse_queue(p, root, c) < 0 ||
	    parse_status(p, root, c) < 0 ||
	    parse_events(p, root, c) < 0 ||
	    parse_shadow(p, root, c) < 0 ||
	    config_get_string(p, root, "", "log_level", false, &c->log_level) < 0 ||
	    GET_INT(p, root, "", "shutdown_timeout_ms", 0, 600000, c->shutdown_timeout_ms) < 0 ||
	    default_thing_name(p, c) < 0 ||
	    rules_config_parse(cJSON_GetObjectItemCaseSensitive(root, "rules"), c, &c->rules,
			       p->err, p->errlen) < 0)
		return -1;
	if (!c->log_level && !(c->log_level = strdup("info")))
		return config_fail(p, "log_level", "out of memory");
	if (log_level_from_name(c->log_level, &level) < 0)
		return config_fail(p, "log_level", "unknown level \"%s\" "
				   "(error, warning, notice, info, debug)", c->log_level);
	if (!c->broker.client_id && !(c->broker.client_id = strdup(c->thing_name)))
		return config_fail(p, "broker.client_id", "out of memory");
	return 0;
}

int config_parse(const char *text, size_t len, const struct config_overrides *ov,
		 unsigned int flags, struct config *config, char *err, size_t errlen)
{
	struct config_parser p = { .flags = flags, .err = err, .errlen = errlen };
	static const struct config_overrides none;
	const char *end = NULL;
	cJSON *root;
	int rc;

	memset(config, 0, sizeof(*config));
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "contains a NUL byte");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		int line, col;

		json_error_position(text, len, end ? end : cJSON_GetErrorPtr(), &line, &col);
		snprintf(err, errlen, "%d:%d: invalid JSON", line, col);
		return -1;
	}
	/* cJSON stops after the first value: anything but blanks after it is an error. */
	while (end < text + len && strchr(" \t\r\n", *end))
		end++;
	if (end < text + len) {
		int line, col;

		json_error_position(text, len, end, &line, &col);
		snprintf(err, errlen, "%d:%d: invalid JSON: text after the top-level value",
			 line, col);
		cJSON_Delete(root);
		return -1;
	}

	rc = apply_overrides(&p, root, ov ? ov : &none);
	if (rc == 0)
		rc = parse_root(&p, root, config);
	cJSON_Delete(root);
	if (rc < 0)
		config_free(config);
	return rc;
}

int config_load(const char *path, const struct config_overrides *ov,
		struct config *config, char *err, size_t errlen)
{
	char problem[CONFIG_ERROR_SIZE];
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	memset(config, 0, sizeof(*config));
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		char *bigger;
		size_t n;

		bigger = realloc(text, len + 65536);
		if (!bigger) {
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		text = bigger;
		n = fread(text + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
		if (len > 16 * 1024 * 1024) {
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: larger than 16 MiB", path);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);

	rc = config_parse(text, len, ov, 0, config, problem, sizeof(problem));
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, problem);
	free(text);
	return rc;
}

void config_free(struct config *c)
{
	free(c->thing_name);
	free(c->broker.uri);
	free(c->broker.paho_uri);
	free(c->broker.host);
	free(c->broker.client_id);
	free(c->broker.username);
	free(c->broker.password);
	free(c->broker.ca_file);
	free(c->broker.cert_file);
	free(c->broker.key_file);
	free(c->broker.alpn);
	free(c->telemetry.topic);
	free(c->telemetry.status_topic);
	for (size_t i = 0; i < c->num_things; i++) {
		free(c->things[i].kthing);
		free(c->things[i].name);
		for (size_t j = 0; j < c->things[i].num_named; j++) {
			free(c->things[i].shadow_channels[j]);
			free(c->things[i].shadow_names[j]);
		}
		free(c->things[i].shadow_channels);
		free(c->things[i].shadow_names);
	}
	free(c->things);
	free(c->queue.state_dir);
	free(c->status.socket);
	free(c->status.metrics_topic);
	free(c->events_source);
	free(c->log_level);
	rules_config_free(c->rules);
	memset(c, 0, sizeof(*c));
}

static bool same_string(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool config_broker_changed(const struct config *a, const struct config *b)
{
	const struct broker_config *x = &a->broker, *y = &b->broker;

	return !same_string(x->paho_uri, y->paho_uri) ||
	       !same_string(x->client_id, y->client_id) ||
	       !same_string(x->username, y->username) ||
	       !same_string(x->password, y->password) ||
	       !same_string(x->ca_file, y->ca_file) ||
	       !same_string(x->cert_file, y->cert_file) ||
	       !same_string(x->key_file, y->key_file) ||
	       x->tls_insecure != y->tls_insecure ||
	       x->alpn_len != y->alpn_len ||
	       (x->alpn_len && memcmp(x->alpn, y->alpn, x->alpn_len) != 0) ||
	       x->protocol != y->protocol ||
	       x->keepalive_s != y->keepalive_s ||
	       x->connect_timeout_s != y->connect_timeout_s ||
	       x->session_expiry_s != y->session_expiry_s ||
	       /* The will names the status topic and the thing. */
	       !same_string(a->thing_name, b->thing_name) ||
	       !same_string(a->telemetry.status_topic, b->telemetry.status_topic);
}

const struct thing_config *config_find_thing(const struct config *config,
					     const char *kthing)
{
	for (size_t i = 0; i < config->num_things; i++)
		if (strcmp(config->things[i].kthing, kthing) == 0)
			return &config->things[i];
	return NULL;
}
