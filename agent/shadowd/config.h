/* SPDX-License-Identifier: GPL-2.0 */
/* /etc/kthing/shadowd.json */
#ifndef KTHING_SHADOWD_CONFIG_H
#define KTHING_SHADOWD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../shadow/shadow.h"

#define SHADOWD_CONFIG_PATH "/etc/kthing/shadowd.json"

struct shadowd_config {
	char *broker_uri;
	char *client_id;	/* NULL: kthing-shadowd@<hostname> */
	char *username;
	char *password;
	unsigned int keepalive_s;
	char *ca_file;
	char *cert_file;
	char *key_file;
	bool verify;
	char *alpn;

	char *db_path;
	struct shadow_limits limits;
	int64_t deleted_keep_s;

	char *status_topic;	/* NULL: no status publishing */
	unsigned int status_interval_s;
	char *log_level;
};

/*
 * Read @path (a missing default file is not an error: defaults apply).
 * On error, @err names the key path and the problem.
 */
int config_load(struct shadowd_config *cfg, const char *path, bool must_exist,
		char *err, size_t errlen);
void config_free(struct shadowd_config *cfg);

#endif /* KTHING_SHADOWD_CONFIG_H */
