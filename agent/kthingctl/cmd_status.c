// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl status: the running agent's state and counters, read from its
 * status socket (docs/status.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cJSON.h>

#include "kthingctl.h"

#define STATUS_SOCKET	"/run/kthing/kthingd.sock"
#define STATUS_MAX	(1024 * 1024)

static const char help[] =
	"status [--json] [--socket PATH]\n"
	"\n"
	"Show the running kthingd's broker connection, counters, offline queue,\n"
	"things and rules, read from its status socket.\n"
	"\n"
	"Options:\n"
	"  -j, --json         print the agent's JSON document as it is\n"
	"  -s, --socket PATH  the status socket (default " STATUS_SOCKET ")\n"
	"  -h, --help         show this help\n";

/* Read the whole document; NULL with errno set on failure. */
static char *read_status(const char *path, size_t *lenp)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = 0, size = 4096;
	char *buf = NULL, *bigger;
	int fd, saved;
	ssize_t n;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto err;
	buf = malloc(size + 1);
	if (!buf)
		goto err;
	for (;;) {
		if (len == size) {
			if (size >= STATUS_MAX) {
				errno = EFBIG;
				goto err;
			}
			size *= 2;
			bigger = realloc(buf, size + 1);
			if (!bigger)
				goto err;
			buf = bigger;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	*lenp = len;
	return buf;

err:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

static double number(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(item) ? item->valuedouble : 0;
}

static const char *string(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void print_duration(double ms)
{
	long long s = ms / 1000;

	if (s >= 86400)
		printf("%lldd%lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		printf("%lldh%lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		printf("%lldm%llds", s / 60, s % 60);
	else
		printf("%llds", s);
}

static void print_status(const cJSON *doc)
{
	const cJSON *broker = cJSON_GetObjectItemCaseSensitive(doc, "broker");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "counters");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(doc, "queue");
	const cJSON *things = cJSON_GetObjectItemCaseSensitive(doc, "things");
	const cJSON *t;
	const char *s;

	printf("kthingd %.0f, thing %s, up ", number(doc, "pid"),
	       string(doc, "thing_name") ? string(doc, "thing_name") : "?");
	print_duration(number(doc, "now_ms") - number(doc, "started_ms"));
	putchar('\n');

	if (broker) {
		printf("broker:   %s %s as %s", string(broker, "state") ?: "?",
		       string(broker, "uri") ?: "?",
		       string(broker, "client_id") ?: "?");
		if (number(broker, "connected_since_ms")) {
			printf(" for ");
			print_duration(number(doc, "now_ms") -
				       number(broker, "connected_since_ms"));
		}
		if (number(broker, "retry_in_ms")) {
			printf(", retry in ");
			print_duration(number(broker, "retry_in_ms"));
		}
		putchar('\n');
		s = string(broker, "last_error");
		if (s)
			printf("          last error: %s\n", s);
	}
	if (c) {
		printf("events:   %.0f (samples %.0f, lost %.0f, resyncs %.0f)\n",
		       number(c, "events"), number(c, "samples"),
		       number(c, "lost"), number(c, "resyncs"));
		printf("messages: %.0f telemetry, %.0f published, %.0f acknowledged, "
		       "%.0f bytes, %.0f billing units, %.0f dropped, %.0f oversize\n",
		       number(c, "telemetry_messages"), number(c, "published"),
		       number(c, "acknowledged"), number(c, "published_bytes"),
		       number(c, "billing_units"), number(c, "dropped"),
		       number(c, "oversize"));
		printf("connects: %.0f (reconnects %.0f, failures %.0f, refused %.0f)\n",
		       number(c, "connects"), number(c, "reconnects"),
		       number(c, "connect_failures"), number(c, "auth_failures"));
	}
	if (q)
		printf("queue:    %.0f messages, %.0f bytes, %.0f in flight "
		       "(bounds %.0f messages, %.0f bytes%s)\n",
		       number(q, "messages"), number(q, "bytes"),
		       number(q, "inflight"), number(q, "max_messages"),
		       number(q, "max_bytes"),
		       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "persistent")) ?
		       ", on disk" : "");
	cJSON_ArrayForEach(t, things) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "id");

		printf("thing:    %s as %s, ", string(t, "kthing") ?: "?",
		       string(t, "name") ?: "?");
		if (cJSON_IsNumber(id))
			printf("id %d", id->valueint);
		else
			printf("gone");
		printf(", seq %.0f, telemetry seq %.0f, lost %.0f\n",
		       number(t, "seq"), number(t, "telemetry_seq"),
		       number(t, "lost"));
	}
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc, "rules")) {
		printf("rule:     %s from '%s' (%s): %.0f matched, %.0f acted, %.0f failed\n",
		       string(t, "name") ?: "?", string(t, "from") ?: "?",
		       string(t, "input") ?: "?", number(t, "matched"),
		       number(t, "acted"), number(t, "failed"));
		if (string(t, "last_error"))
			printf("          last error: %s\n", string(t, "last_error"));
	}
}

int cmd_status(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = STATUS_SOCKET;
	bool json = false;
	cJSON *doc;
	size_t len;
	char *text;
	int opt;

	while ((opt = getopt_long(argc, argv, "js:h", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 's':
			path = optarg;
			break;
		case 'h':
			print_help(false, help);
			return EXIT_OK;
		default:
			return try_help("status");
		}
	}
	if (optind < argc)
		return usage_error("status", "unexpected argument '%s'",
				   argv[optind]);

	text = read_status(path, &len);
	if (!text) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			error("status: kthingd is not running (nothing listens on %s)",
			      path);
		else
			error("status: %s: %s", path, strerror(errno));
		return EXIT_FAILED;
	}
	doc = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(doc)) {
		error("status: %s: the agent's answer is not a JSON object", path);
		cJSON_Delete(doc);
		free(text);
		return EXIT_FAILED;
	}
	if (json)
		printf("%s%s", text, len && text[len - 1] == '\n' ? "" : "\n");
	else
		print_status(doc);
	cJSON_Delete(doc);
	free(text);
	return EXIT_OK;
}
