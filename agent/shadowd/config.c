// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration. Every key is optional; an unknown key, a wrong type or an
 * out-of-range value is an error naming the key path, so a typo never
 * silently falls back to a default.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "config.h"

struct ctx {
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *path, const char *problem)
{
	snprintf(c->err, c->errlen, "%s: %s", path, problem);
	return -1;
}

static int check_keys(struct ctx *c, const cJSON *obj, const char *path,
		      const char *const *known)
{
	const cJSON *item;
	char where[128];

	cJSON_ArrayForEach(item, obj) {
		const char *const *k;

		for (k = known; *k; k++)
			if (strcmp(*k, item->string) == 0)
				break;
		if (!*k) {
			snprintf(where, sizeof(where), "%s%s%s", path, *path ? "." : "",
				 item->string);
			return fail(c, where, "unknown key");
		}
	}
	return 0;
}

static int get_string(struct ctx *c, const cJSON *obj, const char *path,
		      const char *key, char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	char where[128];
	char *copy;

	if (!item)
		return 0;
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!cJSON_IsString(item))
		return fail(c, where, "must be a string");
	copy = strdup(item->valuestring);
	if (!copy)
		return fail(c, where, strerror(ENOMEM));
	free(*out);
	*out = copy;
	return 0;
}

static int get_uint(struct ctx *c, const cJSON *obj, const char *path,
		    const char *key, double min, double max, double *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	char where[128], problem[96];

	if (!item)
		return 0;
	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!cJSON_IsNumber(item) || item->valuedouble != (double)(long long)item->valuedouble) {
		return fail(c, where, "must be an integer");
	}
	if (item->valuedouble < min || item->valuedouble > max) {
		snprintf(problem, sizeof(problem), "must be between %.0f and %.0f", min, max);
		return fail(c, where, problem);
	}
	*out = item->valuedouble;
	return 0;
}

static int get_object(struct ctx *c, const cJSON *root, const char *key,
		      const cJSON **out)
{
	*out = cJSON_GetObjectItemCaseSensitive(root, key);
	if (*out && !cJSON_IsObject(*out))
		return fail(c, key, "must be an object");
	return 0;
}

/* A private key anyone but its owner can read is a key to be replaced. */
static int check_private_key(struct ctx *c, const char *file)
{
	char problem[512];
	struct stat st;

	if (!file)
		return 0;
	if (stat(file, &st) < 0) {
		snprintf(problem, sizeof(problem), "%s: %s", file, strerror(errno));
		return fail(c, "broker.tls.key_file", problem);
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(problem, sizeof(problem),
			 "%s is accessible by group or others (mode %04o); make it private: chmod 600 %s",
			 file, (unsigned int)(st.st_mode & 07777), file);
		return fail(c, "broker.tls.key_file", problem);
	}
	return 0;
}

static int parse_broker(struct ctx *c, struct shadowd_config *cfg, const cJSON *b)
{
	static const char *const keys[] = { "uri", "client_id", "username", "password",
					    "keepalive_s", "tls", NULL };
	static const char *const tls_keys[] = { "ca_file", "cert_file", "key_file",
						"verify", "alpn", NULL };
	const cJSON *tls, *verify;
	double v;

	if (!b)
		return 0;
	if (check_keys(c, b, "broker", keys) ||
	    get_string(c, b, "broker", "uri", &cfg->broker_uri) ||
	    get_string(c, b, "broker", "client_id", &cfg->client_id) ||
	    get_string(c, b, "broker", "username", &cfg->username) ||
	    get_string(c, b, "broker", "password", &cfg->password))
		return -1;
	v = cfg->keepalive_s;
	if (get_uint(c, b, "broker", "keepalive_s", 5, 3600, &v))
		return -1;
	cfg->keepalive_s = (unsigned int)v;
	if (cfg->client_id && !*cfg->client_id)
		return fail(c, "broker.client_id", "must not be empty");

	tls = cJSON_GetObjectItemCaseSensitive(b, "tls");
	if (!tls)
		return 0;
	if (!cJSON_IsObject(tls))
		return fail(c, "broker.tls", "must be an object");
	if (check_keys(c, tls, "broker.tls", tls_keys) ||
	    get_string(c, tls, "broker.tls", "ca_file", &cfg->ca_file) ||
	    get_string(c, tls, "broker.tls", "cert_file", &cfg->cert_file) ||
	    get_string(c, tls, "broker.tls", "key_file", &cfg->key_file) ||
	    get_string(c, tls, "broker.tls", "alpn", &cfg->alpn))
		return -1;
	verify = cJSON_GetObjectItemCaseSensitive(tls, "verify");
	if (verify) {
		if (!cJSON_IsBool(verify))
			return fail(c, "broker.tls.verify", "must be true or false");
		cfg->verify = cJSON_IsTrue(verify);
	}
	if (!cfg->cert_file != !cfg->key_file)
		return fail(c, "broker.tls", "cert_file and key_file go together");
	return check_private_key(c, cfg->key_file);
}

static int parse_limits(struct ctx *c, struct shadowd_config *cfg, const cJSON *l)
{
	static const char *const keys[] = { "max_state_bytes", "max_depth",
					    "max_payload_bytes", "deleted_version_keep_s",
					    NULL };
	double state = cfg->limits.max_state_bytes, depth = cfg->limits.max_depth;
	double payload = cfg->limits.max_payload_bytes, keep = cfg->deleted_keep_s;

	if (!l)
		return 0;
	if (check_keys(c, l, "limits", keys) ||
	    get_uint(c, l, "limits", "max_state_bytes", 1, 1 << 24, &state) ||
	    get_uint(c, l, "limits", "max_depth", 1, 64, &depth) ||
	    get_uint(c, l, "limits", "max_payload_bytes", 64, 1 << 28, &payload) ||
	    get_uint(c, l, "limits", "deleted_version_keep_s", 0, 1e10, &keep))
		return -1;
	cfg->limits.max_state_bytes = (size_t)state;
	cfg->limits.max_depth = (unsigned int)depth;
	cfg->limits.max_payload_bytes = (size_t)payload;
	cfg->deleted_keep_s = (int64_t)keep;
	return 0;
}

static int set_defaults(struct shadowd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->broker_uri = strdup("mqtt://127.0.0.1:1883");
	/* systemd's StateDirectory=kthing-shadowd */
	cfg->db_path = strdup("/var/lib/kthing-shadowd/shadows.db");
	cfg->status_topic = strdup("kthing/shadowd/status");
	cfg->log_level = strdup("info");
	cfg->keepalive_s = 60;
	cfg->verify = true;
	cfg->status_interval_s = 60;
	/* AWS keeps a deleted shadow's version for 48 hours. */
	cfg->deleted_keep_s = 48 * 3600;
	shadow_limits_default(&cfg->limits);
	return cfg->broker_uri && cfg->db_path && cfg->status_topic && cfg->log_level
		? 0 : -1;
}

static char *read_file(const char *path, bool must_exist, int *missing)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t size = 0, used = 0, n;

	*missing = 0;
	if (!f) {
		*missing = errno == ENOENT && !must_exist;
		return NULL;
	}
	do {
		if (used + 4096 + 1 > size) {
			char *grown = realloc(buf, size = size * 2 + 4096 + 1);

			if (!grown || size > (1 << 20)) {
				free(grown ? grown : buf);
				fclose(f);
				errno = grown ? EFBIG : ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + used, 1, 4096, f);
		used += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[used] = '\0';
	return buf;
}

int config_load(struct shadowd_config *cfg, const char *path, bool must_exist,
		char *err, size_t errlen)
{
	static const char *const keys[] = { "broker", "store", "limits", "status",
					    "log", NULL };
	struct ctx c = { err, errlen };
	const cJSON *broker, *store, *limits, *status, *log;
	const char *end = NULL;
	cJSON *root;
	double interval;
	int missing, ret = -1;
	char *text;

	if (set_defaults(cfg)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -1;
	}
	text = read_file(path, must_exist, &missing);
	if (!text) {
		if (missing)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	root = cJSON_ParseWithOpts(text, &end, true);
	if (!root) {
		end = cJSON_GetErrorPtr();
		snprintf(err, errlen, "%s: invalid JSON near byte %td", path,
			 end ? end - text : (ptrdiff_t)0);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "%s: must be a JSON object", path);
		goto out;
	}
	if (check_keys(&c, root, "", keys) ||
	    get_object(&c, root, "broker", &broker) ||
	    get_object(&c, root, "store", &store) ||
	    get_object(&c, root, "limits", &limits) ||
	    get_object(&c, root, "status", &status) ||
	    get_object(&c, root, "log", &log) ||
	    parse_broker(&c, cfg, broker) || parse_limits(&c, cfg, limits))
		goto out;
	if (store) {
		static const char *const skeys[] = { "path", NULL };

		if (check_keys(&c, store, "store", skeys) ||
		    get_string(&c, store, "store", "path", &cfg->db_path))
			goto out;
	}
	if (status) {
		static const char *const skeys[] = { "topic", "interval_s", NULL };
		const cJSON *topic = cJSON_GetObjectItemCaseSensitive(status, "topic");

		interval = cfg->status_interval_s;
		if (check_keys(&c, status, "status", skeys) ||
		    get_uint(&c, status, "status", "interval_s", 1, 86400, &interval))
			goto out;
		cfg->status_interval_s = (unsigned int)interval;
		if (cJSON_IsNull(topic)) {
			free(cfg->status_topic);
			cfg->status_topic = NULL;
		} else if (get_string(&c, status, "status", "topic", &cfg->status_topic)) {
			goto out;
		} else if (cfg->status_topic[0] == '$' || !cfg->status_topic[0] ||
			   strpbrk(cfg->status_topic, "+#")) {
			fail(&c, "status.topic", "must be a plain topic (no $ prefix, no wildcards)");
			goto out;
		}
	}
	if (log) {
		static const char *const lkeys[] = { "level", NULL };

		if (check_keys(&c, log, "log", lkeys) ||
		    get_string(&c, log, "log", "level", &cfg->log_level))
			goto out;
		if (strcmp(cfg->log_level, "error") && strcmp(cfg->log_level, "warning") &&
		    strcmp(cfg->log_level, "info") && strcmp(cfg->log_level, "debug")) {
			fail(&c, "log.level", "must be error, warning, info or debug");
			goto out;
		}
	}
	ret = 0;
out:
	cJSON_Delete(root);
	free(text);
	return ret;
}

void config_free(struct shadowd_config *cfg)
{
	free(cfg->broker_uri);
	free(cfg->client_id);
	free(cfg->username);
	free(cfg->password);
	free(cfg->ca_file);
	free(cfg->cert_file);
	free(cfg->key_file);
	free(cfg->alpn);
	free(cfg->db_path);
	free(cfg->status_topic);
	free(cfg->log_level);
	memset(cfg, 0, sizeof(*cfg));
}
