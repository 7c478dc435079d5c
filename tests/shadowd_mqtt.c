// SPDX-License-Identifier: GPL-2.0
/*
 * kthing-shadowd end to end: a real mosquitto on a free loopback port, the
 * sanitized daemon (build/san/bin/kthing-shadowd), and a paho client that
 * speaks the AWS IoT Device Shadow protocol to it. Prints TAP.
 *
 * SHADOWD_MANY sets how many shadows the scale test creates (10000). The
 * memory test runs the plain build (build/bin/kthing-shadowd): the
 * sanitizer's quarantine holds freed memory back by design.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <MQTTClient.h>
#include <cjson/cJSON.h>

#define DAEMON "build/san/bin/kthing-shadowd"
#define PLAIN_DAEMON "build/bin/kthing-shadowd"
#define INBOX_MAX 64

static int test_no, failures;
static char dir[64], uri[64], conf[128], db[128];
static pid_t mosquitto_pid, shadowd_pid;
static const char *daemon_path = DAEMON;
static MQTTClient client;

struct message {
	char *topic;
	char *payload;
};
static struct message inbox[INBOX_MAX];
static int inbox_n;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failures++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static bool port_open(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool open;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	open = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return open;
}

static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		FILE *f = freopen(log, "a", stderr);

		/* Die with the test, even if it aborts. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		(void)f;
		dup2(2, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static void clear_inbox(void)
{
	for (int i = 0; i < inbox_n; i++) {
		free(inbox[i].topic);
		free(inbox[i].payload);
	}
	inbox_n = 0;
}

/* Receive for up to @ms; true when a message arrived. */
static bool pump(int ms)
{
	MQTTClient_message *msg = NULL;
	char *topic = NULL;
	int len = 0;

	if (MQTTClient_receive(client, &topic, &len, &msg, ms) != MQTTCLIENT_SUCCESS || !msg) {
		if (topic)
			MQTTClient_free(topic);
		return false;
	}
	if (inbox_n == INBOX_MAX) {
		free(inbox[0].topic);
		free(inbox[0].payload);
		memmove(inbox, inbox + 1, sizeof(inbox[0]) * (INBOX_MAX - 1));
		inbox_n--;
	}
	inbox[inbox_n].topic = strdup(topic);
	/* The payload is not NUL-terminated. */
	inbox[inbox_n].payload = malloc((size_t)msg->payloadlen + 1);
	if (inbox[inbox_n].payload) {
		memcpy(inbox[inbox_n].payload, msg->payload, (size_t)msg->payloadlen);
		inbox[inbox_n].payload[msg->payloadlen] = '\0';
	}
	inbox_n++;
	MQTTClient_freeMessage(&msg);
	MQTTClient_free(topic);
	return true;
}

static bool in_inbox(const char *topic)
{
	for (int i = 0; i < inbox_n; i++)
		if (strcmp(inbox[i].topic, topic) == 0)
			return true;
	return false;
}

/* The payload of the first message on @topic, waiting up to 5 s. */
static const char *wait_for(const char *topic)
{
	double deadline = now_ms() + 5000;

	for (;;) {
		for (int i = 0; i < inbox_n; i++)
			if (strcmp(inbox[i].topic, topic) == 0)
				return inbox[i].payload;
		if (now_ms() > deadline)
			return NULL;
		pump(100);
	}
}

static void publish(const char *topic, const char *payload, int qos)
{
	MQTTClient_deliveryToken tok;
	int rc = MQTTClient_publish(client, topic, (int)strlen(payload), payload, qos, 0, &tok);

	if (rc != MQTTCLIENT_SUCCESS)
		fprintf(stderr, "publish %s: %d\n", topic, rc);
	else if (qos)
		MQTTClient_waitForCompletion(client, tok, 5000);
}

/* Number @key of JSON @payload, -1 when absent. */
static double num(const char *payload, const char *key)
{
	cJSON *j = payload ? cJSON_Parse(payload) : NULL;
	cJSON *v = cJSON_GetObjectItem(j, key);
	double d = cJSON_IsNumber(v) ? v->valuedouble : -1;

	cJSON_Delete(j);
	return d;
}

static bool has(const char *payload, const char *text)
{
	return payload && strstr(payload, text);
}

/* The payload of a message on @topic carrying clientToken @token, if any yet. */
static const char *wait_for_token(const char *topic, const char *token)
{
	char want[96];

	snprintf(want, sizeof(want), "\"clientToken\":\"%s\"", token);
	for (int i = 0; i < inbox_n; i++)
		if (strcmp(inbox[i].topic, topic) == 0 && has(inbox[i].payload, want))
			return inbox[i].payload;
	return NULL;
}

static bool start_shadowd(void)
{
	char *argv[] = { (char *)daemon_path, "-c", conf, "-v", NULL };
	char log[160];

	snprintf(log, sizeof(log), "%s/shadowd.log", dir);
	clear_inbox();
	shadowd_pid = spawn(argv, log);
	/* Online once subscribed: its retained status says so. */
	for (double deadline = now_ms() + 10000; now_ms() < deadline;) {
		const char *st = wait_for("kthing/shadowd/status");

		if (has(st, "\"online\"") && has(st, "\"connects\":1")) {
			clear_inbox();
			return true;
		}
		clear_inbox();
	}
	return false;
}

static int stop_shadowd(int sig)
{
	int status = -1;

	kill(shadowd_pid, sig);
	waitpid(shadowd_pid, &status, 0);
	shadowd_pid = 0;
	return status;
}

static bool connect_client(void)
{
	MQTTClient_connectOptions opts = MQTTClient_connectOptions_initializer;
	static char *const topics[] = {
		"$aws/things/+/shadow/+/+",
		"$aws/things/+/shadow/name/+/+/+",
		"kthing/shadowd/status",
	};
	int qos[] = { 1, 1, 1 };

	if (MQTTClient_create(&client, uri, "shadowd-test-app", MQTTCLIENT_PERSISTENCE_NONE,
			      NULL) != MQTTCLIENT_SUCCESS)
		return false;
	opts.cleansession = 1;
	opts.keepAliveInterval = 30;
	return MQTTClient_connect(client, &opts) == MQTTCLIENT_SUCCESS &&
	       MQTTClient_subscribeMany(client, 3, topics, qos) == MQTTCLIENT_SUCCESS;
}

static void cleanup(void)
{
	char cmd[128];

	if (shadowd_pid > 0)
		stop_shadowd(SIGKILL);
	if (mosquitto_pid > 0) {
		kill(mosquitto_pid, SIGTERM);
		waitpid(mosquitto_pid, NULL, 0);
	}
	if (failures == 0 && dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	} else if (dir[0]) {
		fprintf(stderr, "# logs kept in %s\n", dir);
	}
}

#define T "$aws/things/lamp/shadow"
#define N "$aws/things/lamp/shadow/name/config"

static void protocol_flows(void)
{
	const char *p, *d, *docs;
	char big[9000];

	publish(T "/get", "{\"clientToken\":\"g-1\"}", 1);
	p = wait_for(T "/get/rejected");
	ok(num(p, "code") == 404 && has(p, "\"clientToken\":\"g-1\"") &&
	   has(p, "No shadow exists with name: 'lamp'"), "get on a missing shadow: 404 %s", p);
	clear_inbox();

	publish(T "/update", "{\"state\":{\"desired\":{\"relay\":true,\"level\":3},"
		"\"reported\":{\"relay\":false,\"level\":3}},\"clientToken\":\"u-1\"}", 1);
	p = wait_for(T "/update/accepted");
	d = wait_for(T "/update/delta");
	docs = wait_for(T "/update/documents");
	ok(num(p, "version") == 1 && has(p, "\"clientToken\":\"u-1\"") &&
	   has(p, "\"metadata\":{\"desired\":{\"relay\":{\"timestamp\":"),
	   "update accepted at version 1 with metadata: %s", p);
	ok(num(d, "version") == 1 && has(d, "\"state\":{\"relay\":true}"),
	   "delta carries only the differing key: %s", d);
	ok(has(docs, "\"previous\":{\"state\":{},\"metadata\":{},\"version\":0}") &&
	   has(docs, "\"current\":{\"state\":{\"desired\":"), "documents: %s", docs);
	clear_inbox();

	publish(T "/update", "{\"state\":{\"reported\":{\"relay\":true}},\"version\":1}", 1);
	p = wait_for(T "/update/accepted");
	ok(num(p, "version") == 2, "versions increase: %s", p);
	/* The delta would have come before the documents. */
	ok(wait_for(T "/update/documents") && !in_inbox(T "/update/delta"),
	   "no delta once reported matches desired");
	clear_inbox();

	publish(T "/update", "{\"state\":{\"desired\":{\"relay\":false}},\"version\":1,"
		"\"clientToken\":\"u-3\"}", 1);
	p = wait_for(T "/update/rejected");
	ok(num(p, "code") == 409 && has(p, "Version conflict") && has(p, "\"u-3\""),
	   "a stale version is refused: %s", p);
	clear_inbox();

	publish(T "/get", "", 1);
	p = wait_for(T "/get/accepted");
	ok(num(p, "version") == 2 && !has(p, "\"delta\""),
	   "get returns the whole document: %s", p);
	clear_inbox();

	publish(N "/update", "{\"state\":{\"desired\":{\"period\":10}}}", 1);
	p = wait_for(N "/update/accepted");
	d = wait_for(N "/update/delta");
	ok(num(p, "version") == 1 && has(d, "\"period\":10"),
	   "a named shadow has its own document and versions: %s", p);
	clear_inbox();
	publish(N "/get", "", 1);
	p = wait_for(N "/get/accepted");
	ok(has(p, "\"delta\":{\"period\":10}"), "named get/accepted has the delta: %s", p);
	clear_inbox();

	publish(T "/update", "{\"state\":{\"desired\":", 1);
	p = wait_for(T "/update/rejected");
	ok(num(p, "code") == 400 && has(p, "Invalid JSON"), "invalid JSON: 400 %s", p);
	clear_inbox();

	snprintf(big, sizeof(big), "{\"state\":{\"reported\":{\"blob\":\"%08300d\"}}}", 0);
	publish(T "/update", big, 1);
	p = wait_for(T "/update/rejected");
	ok(num(p, "code") == 413, "a state over 8 KB: 413 %s", p);
	clear_inbox();

	publish(T "/update", "{\"state\":{\"delta\":{}}}", 1);
	p = wait_for(T "/update/rejected");
	ok(num(p, "code") == 400 && has(p, "invalid node: 'delta'"), "delta is not writable: %s", p);
	clear_inbox();

	publish(N "/delete", "{\"clientToken\":\"del\"}", 1);
	p = wait_for(N "/delete/accepted");
	ok(num(p, "version") == 1 && has(p, "\"del\""), "delete: %s", p);
	clear_inbox();
	publish(N "/get", "", 1);
	p = wait_for(N "/get/rejected");
	ok(num(p, "code") == 404 && has(p, "'config'"), "get after delete: 404 %s", p);
	clear_inbox();
	publish(N "/update", "{\"state\":{\"reported\":{\"period\":5}}}", 1);
	p = wait_for(N "/update/accepted");
	ok(num(p, "version") == 2, "a re-created shadow continues the version: %s", p);
	clear_inbox();
}

static void restart_keeps_shadows(void)
{
	const char *p;
	int status;

	status = stop_shadowd(SIGTERM);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "SIGTERM stops kthing-shadowd cleanly (status %d)", status);
	ok(start_shadowd(), "kthing-shadowd restarts");
	publish(T "/get", "", 1);
	p = wait_for(T "/get/accepted");
	ok(num(p, "version") == 2 && has(p, "\"relay\":true"), "the shadow survived: %s", p);
	clear_inbox();
}

/* state.reported.n of a response, -1 when absent. */
static double reported_n(const char *payload)
{
	cJSON *j = payload ? cJSON_Parse(payload) : NULL;
	cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "state"),
							   "reported"), "n");
	double v = cJSON_IsNumber(n) ? n->valuedouble : -1;

	cJSON_Delete(j);
	return v;
}

/* The highest reported n among the accepted responses in the inbox. */
static double highest_accepted(const char *topic, double best)
{
	for (int k = 0; k < inbox_n; k++)
		if (strcmp(inbox[k].topic, topic) == 0 && reported_n(inbox[k].payload) > best)
			best = reported_n(inbox[k].payload);
	return best;
}

/* Every update acknowledged before a kill -9 is there after a restart. */
static void kill_during_updates(void)
{
	static const char acc[] = "$aws/things/crash/shadow/update/accepted";
	double last_acked = 0, stored;
	char payload[128];
	const char *p;
	int i;

	for (i = 1; i <= 200; i++) {
		snprintf(payload, sizeof(payload),
			 "{\"state\":{\"reported\":{\"n\":%d}},\"clientToken\":\"k%d\"}", i, i);
		publish("$aws/things/crash/shadow/update", payload, 1);
		while (pump(0))
			;
		last_acked = highest_accepted(acc, last_acked);
		clear_inbox();
		if (i == 120) {
			/* Let some acknowledgements out, then kill it mid-stream. */
			for (double t = now_ms() + 3000; last_acked < 20 && now_ms() < t;) {
				pump(50);
				last_acked = highest_accepted(acc, last_acked);
				clear_inbox();
			}
			stop_shadowd(SIGKILL);
		}
	}
	while (pump(200))
		;
	last_acked = highest_accepted(acc, last_acked);
	clear_inbox();
	ok(start_shadowd(), "kthing-shadowd restarts after kill -9");
	/*
	 * The updates published while it was down come first, more than 10
	 * for one thing: the get may be refused with 429, and is retried.
	 */
	p = NULL;
	for (int tries = 0; !p && tries < 50; tries++) {
		clear_inbox();
		publish("$aws/things/crash/shadow/get", "{\"clientToken\":\"crash-get\"}", 1);
		for (double t = now_ms() + 5000; !p && now_ms() < t; pump(100)) {
			p = wait_for_token("$aws/things/crash/shadow/get/accepted", "crash-get");
			if (!p && wait_for_token("$aws/things/crash/shadow/get/rejected", "crash-get"))
				break;
		}
		if (!p)
			usleep(200 * 1000);
	}
	stored = reported_n(p);
	ok(last_acked >= 20 && stored >= last_acked,
	   "the last update acknowledged before kill -9 (n=%.0f) survived (stored n=%.0f)",
	   last_acked, stored);
	clear_inbox();
}

/* Update dev-@i's reported.i to @value. */
static void publish_dev(int i, int value)
{
	char topic[96], payload[96];

	snprintf(topic, sizeof(topic), "$aws/things/dev-%d/shadow/update", i);
	snprintf(payload, sizeof(payload), "{\"state\":{\"reported\":{\"i\":%d}}}", value);
	/* QoS 0: the synchronous client would wait for each PUBACK. */
	publish(topic, payload, 0);
}

struct drive_result {
	int accepted, busy, other;
};

/*
 * Update dev-0 .. dev-(@things - 1) in turn, @count updates in all (the
 * value of the n-th is @value0 + n), as a well-behaved client would: at
 * most 100 requests in flight, a 429 retried.
 */
static struct drive_result drive_updates(int count, int things, int value0)
{
	struct drive_result r = { 0 };
	int next = 0, inflight = 0;
	double t0 = now_ms();
	const char *p;

	while (r.accepted < count && now_ms() - t0 < 300000) {
		while (inflight < 100 && next < count) {
			publish_dev(next % things, value0 + next);
			next++;
			inflight++;
		}
		if (!pump(1000))
			continue;
		p = inbox[inbox_n - 1].topic;
		if (strncmp(p, "$aws/things/dev-", 16) != 0) {
			clear_inbox();
			continue;
		}
		if (strstr(p, "/update/accepted")) {
			r.accepted++;
			inflight--;
		} else if (strstr(p, "/update/rejected")) {
			inflight--;
			if (num(inbox[inbox_n - 1].payload, "code") == 429) {
				int i = atoi(p + strlen("$aws/things/dev-"));

				r.busy++;
				publish_dev(i, i);
				inflight++;
			} else {
				r.other++;
			}
		}
		clear_inbox();
	}
	return r;
}

/* Create @count shadows. */
static void many_shadows(int count)
{
	double t0 = now_ms(), t1;
	struct drive_result r = drive_updates(count, count, 0);
	int accepted = r.accepted, busy = r.busy, other = r.other;
	char topic[96], want[32];
	const char *p;

	t1 = now_ms();
	ok(accepted == count && other == 0,
	   "%d shadows created: %d accepted in %.1f s (%.0f updates/s), %d refused busy (429) and retried, %d other rejections",
	   count, accepted, (t1 - t0) / 1000, accepted / ((t1 - t0) / 1000), busy, other);
	snprintf(topic, sizeof(topic), "$aws/things/dev-%d/shadow/get", count / 2);
	publish(topic, "", 1);
	snprintf(topic, sizeof(topic), "$aws/things/dev-%d/shadow/get/accepted", count / 2);
	p = wait_for(topic);
	snprintf(want, sizeof(want), "\"i\":%d", count / 2);
	ok(has(p, want), "a shadow among them reads back: %s", p);
	clear_inbox();
}

/*
 * Wait for @count answers to updates of the things whose names start with
 * @things (a prefix), sent with clientTokens starting with @token: accepted,
 * refused with 429 (the token echoed), or refused otherwise.
 */
static struct drive_result tally_updates(const char *things, const char *token, int count)
{
	struct drive_result r = { 0 };
	char prefix[96], echo[64];
	double t0 = now_ms();

	snprintf(prefix, sizeof(prefix), "$aws/things/%s", things);
	snprintf(echo, sizeof(echo), "\"clientToken\":\"%s", token);
	while (r.accepted + r.busy + r.other < count && now_ms() - t0 < 120000) {
		const char *t, *p;

		if (!pump(1000))
			continue;
		t = inbox[inbox_n - 1].topic;
		p = inbox[inbox_n - 1].payload;
		if (strncmp(t, prefix, strlen(prefix)) == 0) {
			if (strstr(t, "/update/accepted"))
				r.accepted++;
			else if (strstr(t, "/update/rejected") && num(p, "code") == 429 &&
				 has(p, echo))
				r.busy++;
			else if (strstr(t, "/update/rejected"))
				r.other++;
		}
		clear_inbox();
	}
	return r;
}

/* Publish @count updates at once: to thing @thing, or to @thing-0 .. -(@spread - 1). */
static void publish_burst(const char *thing, int spread, const char *token, int count)
{
	char topic[96], payload[128];

	for (int i = 0; i < count; i++) {
		if (spread)
			snprintf(topic, sizeof(topic), "$aws/things/%s-%d/shadow/update", thing,
				 i % spread);
		else
			snprintf(topic, sizeof(topic), "$aws/things/%s/shadow/update", thing);
		snprintf(payload, sizeof(payload),
			 "{\"state\":{\"reported\":{\"i\":%d}},\"clientToken\":\"%s%d\"}", i,
			 token, i);
		publish(topic, payload, 0);
	}
}

/*
 * A burst faster than the service can write: every request is answered,
 * either accepted or refused with 429 (its clientToken echoed), never
 * dropped in silence.
 */
static void burst(int count)
{
	struct drive_result r;

	publish_burst("burst", 20, "b", count);
	r = tally_updates("burst-", "b", count);
	ok(r.accepted + r.busy == count && r.other == 0,
	   "a burst of %d updates: %d accepted, %d refused with 429, %d otherwise, none lost",
	   count, r.accepted, r.busy, r.other);
}

/*
 * More than 10 requests in flight for one thing are refused with 429 (the
 * thing standing for its device's connection); as many for different
 * things are not.
 */
static void thing_in_flight_limit(void)
{
	struct drive_result r;

	publish_burst("one", 0, "one-", 40);
	r = tally_updates("one/", "one-", 40);
	ok(r.accepted >= 10 && r.busy >= 1 && r.accepted + r.busy == 40 && r.other == 0,
	   "40 updates at once to one thing: %d accepted, %d refused with 429 (at most 10 in flight per thing), %d otherwise",
	   r.accepted, r.busy, r.other);

	publish_burst("many", 40, "many-", 40);
	r = tally_updates("many-", "many-", 40);
	ok(r.accepted == 40 && r.busy == 0 && r.other == 0,
	   "40 updates at once to 40 things: %d accepted, %d refused with 429, %d otherwise",
	   r.accepted, r.busy, r.other);
}

/*
 * A bad configuration stops it with exit status 2 and one line naming the
 * key path and the problem.
 */
static void config_errors(void)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "{\"limits\":{\"max_depth\":0}}",
		  "kthing-shadowd: limits.max_depth: must be between 1 and 64\n" },
		{ "{\"brokr\":{}}", "kthing-shadowd: brokr: unknown key\n" },
		{ "{\"broker\":{\"uri\":5}}", "kthing-shadowd: broker.uri: must be a string\n" },
	};
	char path[160], cmd[400], out[256];
	int passed = 0;

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		FILE *f;
		int status;

		write_file(path, cases[i].json);
		snprintf(cmd, sizeof(cmd), "%s -c %s --check-config 2>&1", DAEMON, path);
		f = popen(cmd, "r");
		if (!f)
			continue;
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		status = pclose(f);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2 &&
		    strcmp(out, cases[i].message) == 0)
			passed++;
		else
			printf("# %s: status %d, said: %s", cases[i].json, status, out);
	}
	ok(passed == 3, "a bad configuration exits 2 naming the key path and the problem (%d of 3)",
	   passed);
}

/* The daemon's resident memory in kB, -1 when unknown. */
static long rss_kb(pid_t pid)
{
	char path[64], line[128];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Memory does not grow with the requests served: the plain build, its
 * caches warmed by @count updates over the @things shadows, then @count
 * more; its resident memory may not grow by more than 1 MB (a leak of 100
 * bytes a request would show).
 */
static void memory_steady(int count, int things)
{
	struct drive_result warm, more;
	long before, after;

	stop_shadowd(SIGTERM);
	daemon_path = PLAIN_DAEMON;
	ok(start_shadowd(), "the plain build of kthing-shadowd starts on the same store");
	warm = drive_updates(count, things, 100000);
	before = rss_kb(shadowd_pid);
	more = drive_updates(count, things, 200000);
	after = rss_kb(shadowd_pid);
	ok(warm.accepted == count && more.accepted == count && before > 0 && after > 0 &&
	   after - before < 1024,
	   "memory does not grow with requests served: %ld kB after %d updates, %ld kB after %d more (%+ld kB)",
	   before, count, after, count, after - before);
}

int main(void)
{
	char mconf[128], mlog[128], text[512];
	const char *many = getenv("SHADOWD_MANY");
	int port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(DAEMON, X_OK) || access(PLAIN_DAEMON, X_OK)) {
		printf("1..1\nnot ok 1 - %s or %s is not built\n", DAEMON, PLAIN_DAEMON);
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/shadowd-mqtt-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	port = free_port();
	snprintf(uri, sizeof(uri), "tcp://127.0.0.1:%d", port);
	snprintf(mconf, sizeof(mconf), "%s/mosquitto.conf", dir);
	snprintf(mlog, sizeof(mlog), "%s/mosquitto.log", dir);
	snprintf(conf, sizeof(conf), "%s/shadowd.json", dir);
	snprintf(db, sizeof(db), "%s/shadows.db", dir);
	snprintf(text, sizeof(text), "listener %d 127.0.0.1\nallow_anonymous true\n"
		 "max_queued_messages 100000\n", port);
	write_file(mconf, text);
	snprintf(text, sizeof(text),
		 "{\"broker\":{\"uri\":\"mqtt://127.0.0.1:%d\",\"client_id\":\"kthing-shadowd@test\"},"
		 "\"store\":{\"path\":\"%s\"},\"status\":{\"interval_s\":1}}", port, db);
	write_file(conf, text);
	atexit(cleanup);

	printf("1..33\n");
	{
		char *argv[] = { "mosquitto", "-c", mconf, NULL };

		mosquitto_pid = spawn(argv, mlog);
	}
	for (int i = 0; i < 100 && !port_open(port); i++)
		usleep(50 * 1000);
	ok(port_open(port), "mosquitto listens on 127.0.0.1:%d", port);
	ok(connect_client(), "the test client connects and subscribes");
	config_errors();
	ok(start_shadowd(), "kthing-shadowd connects and subscribes");

	protocol_flows();
	restart_keeps_shadows();
	kill_during_updates();
	many_shadows(many ? atoi(many) : 10000);
	burst(3000);
	thing_in_flight_limit();
	memory_steady(many ? atoi(many) : 10000, many ? atoi(many) : 10000);

	ok(stop_shadowd(SIGTERM) == 0, "kthing-shadowd exits 0 on SIGTERM at the end");
	MQTTClient_disconnect(client, 1000);
	MQTTClient_destroy(&client);
	return failures ? 1 : 0;
}
