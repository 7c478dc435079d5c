// SPDX-License-Identifier: GPL-2.0
/*
 * The application's side of the benchmark: an MQTT client (paho, sync) on
 * the local broker that measures what reaches it.
 *
 *   bench-mqtt floor   -p PORT -n COUNT -k KEY
 *	Publish to a topic of its own and wait for each message to come back:
 *	the broker's publish -> subscribe floor (QoS 0).
 *   bench-mqtt latency -p PORT -t TOPIC -c CHANNEL -l LINE -n COUNT -k KEY [-g MS]
 *	Toggle kthing_sim's line LINE (starting from 0), then wait for the
 *	telemetry on TOPIC that shows CHANNEL at the new value: change ->
 *	subscriber latency. A random pause of 0 .. MS ms (default 100) follows
 *	each, so a poller's phase is random. Before each change, one floor
 *	round trip (as floor does) gives KEY.floor.*, a floor measured under
 *	the same conditions as the figure it is the floor of.
 *   bench-mqtt count   -p PORT -t TOPIC -q QOS -k KEY [-r READY] [-i IDLE-MS] [-T MAX-S]
 *	Count telemetry messages and the samples they carry (one, or a batch's),
 *	and check their "seq" numbers run on with no gap or repeat; ends
 *	IDLE-MS after the last message, after MAX-S or on SIGTERM. KEY.last_ns
 *	is when the last message came (CLOCK_MONOTONIC).
 *   bench-mqtt shadow  -p PORT -s THING -c CHANNEL -n COUNT -k KEY [-l LINE]
 *	Set desired.CHANNEL to true, false, ... and wait each time for the
 *	accepted update in which the device reports it: the shadow round trip;
 *	with a floor round trip before each, as latency does. With LINE, the
 *	simulated line CHANNEL drives is watched (every millisecond) to split
 *	the trip: KEY.to_line.* (desired -> line) and KEY.from_line.*.
 *   bench-mqtt fill    -p PORT -s PREFIX -n COUNT -k KEY
 *	Create COUNT shadows PREFIX-0 .. (reported state), a few in flight.
 *
 * Results are BENCH lines (util.h).
 */
#include <MQTTClient.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcp_nodelay.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	const char *mode, *topic, *channel, *key, *ready, *thing;
	int port, qos, line, gap_ms;
	long count, idle_ms, max_s;
};

static char *key_of(const struct opts *o, const char *what)
{
	static char k[128];

	snprintf(k, sizeof(k), "%s.%s", o->key, what);
	return k;
}

static MQTTClient connect_broker(const struct opts *o)
{
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	char uri[64], id[64];
	MQTTClient c;
	int rc;

	snprintf(uri, sizeof(uri), "tcp://127.0.0.1:%d", o->port);
	snprintf(id, sizeof(id), "bench-%s-%d", o->mode, getpid());
	if (MQTTClient_create(&c, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL))
		die("cannot create an MQTT client");
	co.keepAliveInterval = 60;
	co.cleansession = 1;
	rc = MQTTClient_connect(c, &co);
	if (rc != MQTTCLIENT_SUCCESS)
		die("cannot connect to %s: %d", uri, rc);
	/* As kthingd and kthing-shadowd do: an application that waits on replies. */
	if (tcp_nodelay_all() < 0)
		die("cannot set TCP_NODELAY");
	return c;
}

static void subscribe(MQTTClient c, const char *topic, int qos)
{
	int rc = MQTTClient_subscribe(c, topic, qos);

	if (rc != MQTTCLIENT_SUCCESS)
		die("cannot subscribe to %s: %d", topic, rc);
}

static void publish(MQTTClient c, const char *topic, const char *payload, int qos)
{
	int rc = MQTTClient_publish(c, topic, strlen(payload), payload, qos, 0, NULL);

	if (rc != MQTTCLIENT_SUCCESS)
		die("cannot publish to %s: %d", topic, rc);
}

/*
 * The next message within TIMEOUT ms as a NUL-terminated copy (free it), or
 * NULL. The topic goes to *topic when asked for (free it too).
 */
static char *receive(MQTTClient c, long timeout_ms, char **topic)
{
	MQTTClient_message *m = NULL;
	char *t = NULL, *payload;
	int len = 0, rc;

	rc = MQTTClient_receive(c, &t, &len, &m, timeout_ms);
	if ((rc != MQTTCLIENT_SUCCESS && rc != MQTTCLIENT_TOPICNAME_TRUNCATED) || !m) {
		if (t)
			MQTTClient_free(t);
		return NULL;
	}
	payload = strndup(m->payload, m->payloadlen);
	if (!payload)
		die("out of memory");
	if (topic)
		*topic = strdup(t);
	MQTTClient_freeMessage(&m);
	MQTTClient_free(t);
	return payload;
}

static void touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

/* Telemetry's "seq"; -1 when it has none. */
static long long seq_of(const char *payload)
{
	const char *p = strstr(payload, "\"seq\":");

	return p ? strtoll(p + 6, NULL, 10) : -1;
}

/* The samples a telemetry message carries: each has its "ts". */
static uint64_t samples_in(const char *payload)
{
	uint64_t n = 0;

	for (const char *p = payload; (p = strstr(p, "\"ts\":")); p++)
		n++;
	return n;
}

/* Follows telemetry sequence numbers: gaps and repeats. */
struct seq_check {
	long long last;
	uint64_t gaps, repeats;
};

static void seq_see(struct seq_check *s, long long seq)
{
	if (seq < 0)
		return;
	if (s->last > 0 && seq > s->last + 1)
		s->gaps += seq - s->last - 1;
	else if (s->last > 0 && seq <= s->last)
		s->repeats++;
	s->last = seq;
}

/*
 * One round trip of a message of our own through the broker: the floor. A
 * message on another topic meanwhile is dropped (nothing is in flight when
 * this is called).
 */
static uint64_t floor_ping(MQTTClient c, const char *topic, long i)
{
	char payload[32], *m, *t;
	bool mine = false;
	uint64_t t0;

	snprintf(payload, sizeof(payload), "%ld", i);
	t0 = now_ns();
	publish(c, topic, payload, 0);
	while (!mine) {
		t = NULL;
		m = receive(c, 10000, &t);
		if (!m)
			die("message %ld did not come back within 10 s", i);
		mine = t && !strcmp(t, topic) && atol(m) == i;
		free(t);
		free(m);
	}
	return now_ns() - t0;
}

static void floor_topic(char *topic, size_t size)
{
	snprintf(topic, size, "bench/floor/%d", getpid());
}

static void do_floor(const struct opts *o)
{
	MQTTClient c = connect_broker(o);
	struct samples lat = { 0 };
	char topic[64];
	long i;

	floor_topic(topic, sizeof(topic));
	subscribe(c, topic, 0);
	for (i = 0; i < o->count; i++)
		samples_add(&lat, floor_ping(c, topic, i));
	samples_report(&lat, o->key);
	MQTTClient_disconnect(c, 1000);
	MQTTClient_destroy(&c);
}

/* Whether telemetry PAYLOAD shows CHANNEL at LEVEL. */
static bool shows(const char *payload, const char *channel, int level)
{
	char want[80];

	snprintf(want, sizeof(want), "\"%s\":%s", channel, level ? "true" : "false");
	return strstr(payload, want) != NULL;
}

static void do_latency(const struct opts *o)
{
	MQTTClient c = connect_broker(o);
	struct samples lat = { 0 }, floor = { 0 };
	struct seq_check sc = { 0 };
	struct sim_line line;
	uint64_t missed = 0, t0, cpu0, wall0;
	char *m, ftopic[64];
	long i;

	floor_topic(ftopic, sizeof(ftopic));
	subscribe(c, ftopic, 0);
	subscribe(c, o->topic, 0);
	sim_line_open(&line, o->line, 0);
	/* Whatever was on its way before we start is not measured. */
	while ((m = receive(c, 300, NULL)))
		free(m);
	cpu0 = self_cpu_ns();
	wall0 = now_ns();
	srandom(getpid());
	for (i = 0; i < o->count; i++) {
		int level = !line.level;
		bool seen = false;

		samples_add(&floor, floor_ping(c, ftopic, i));
		t0 = now_ns();
		sim_line_set(&line, level);
		while (!seen && (m = receive(c, 10000, NULL))) {
			seq_see(&sc, seq_of(m));
			seen = shows(m, o->channel, level);
			free(m);
		}
		if (seen)
			samples_add(&lat, now_ns() - t0);
		else
			missed++;
		if (o->gap_ms)
			usleep((random() % (o->gap_ms * 1000L)));
	}
	samples_report(&lat, o->key);
	samples_report(&floor, key_of(o, "floor"));
	bench_result(key_of(o, "missed"), missed, "changes");
	bench_result(key_of(o, "gaps"), sc.gaps, "messages");
	bench_result(key_of(o, "seconds"), (now_ns() - wall0) / 1e9, "s");
	bench_result(key_of(o, "client_cpu"), (self_cpu_ns() - cpu0) / 1e6, "ms");
	MQTTClient_disconnect(c, 1000);
	MQTTClient_destroy(&c);
}

static void do_count(const struct opts *o)
{
	MQTTClient c = connect_broker(o);
	uint64_t n = 0, events = 0, first = 0, last = 0, deadline;
	struct seq_check sc = { 0 };
	char *m;

	subscribe(c, o->topic, o->qos);
	/* SIGTERM ends the count early, with its results. */
	signal(SIGTERM, on_signal);
	touch(o->ready);
	deadline = now_ns() + o->max_s * 1000000000ull;
	while (!stop && now_ns() < deadline) {
		m = receive(c, 100, NULL);
		if (!m) {
			if (n && now_ns() - last > (uint64_t)o->idle_ms * 1000000)
				break;
			continue;
		}
		last = now_ns();
		events += samples_in(m);
		if (!n++)
			first = last;
		seq_see(&sc, seq_of(m));
		free(m);
	}
	bench_result(key_of(o, "messages"), n, "messages");
	bench_result(key_of(o, "rate"), n > 1 ? (n - 1) * 1e9 / (last - first) : 0,
		     "messages/s");
	bench_result(key_of(o, "events"), events, "events");
	bench_result(key_of(o, "last_ns"), last, "ns");
	bench_result(key_of(o, "gaps"), sc.gaps, "messages");
	bench_result(key_of(o, "repeats"), sc.repeats, "messages");
	MQTTClient_disconnect(c, 1000);
	MQTTClient_destroy(&c);
}

/* Whether an update/accepted document reports CHANNEL as LEVEL. */
static bool reports(const char *payload, const char *channel, int level)
{
	cJSON *doc = cJSON_Parse(payload), *v;
	bool yes;

	v = cJSON_GetObjectItemCaseSensitive(doc, "state");
	v = cJSON_GetObjectItemCaseSensitive(v, "reported");
	v = cJSON_GetObjectItemCaseSensitive(v, channel);
	yes = cJSON_IsBool(v) && cJSON_IsTrue(v) == !!level;
	cJSON_Delete(doc);
	return yes;
}

/* Watches the simulated line the shadow drives: when did it last change. */
struct line_watch {
	unsigned int line;
	atomic_bool stop;
	_Atomic uint64_t changed_ns;
};

static void *watch_line(void *arg)
{
	struct line_watch *w = arg;
	char path[96], now[8], last[8] = "";

	snprintf(path, sizeof(path), "/sys/kernel/debug/kthing_sim/gpio/%u/value", w->line);
	while (!atomic_load(&w->stop)) {
		/* The file cannot seek: open it for every read. */
		int fd = open(path, O_RDONLY);
		ssize_t n;

		if (fd < 0)
			die("%s: %s", path, strerror(errno));
		n = read(fd, now, sizeof(now) - 1);
		close(fd);
		if (n > 0) {
			now[n] = '\0';
			if (last[0] && strcmp(now, last))
				atomic_store(&w->changed_ns, now_ns());
			memcpy(last, now, n + 1);
		}
		usleep(1000);
	}
	return NULL;
}

static void do_shadow(const struct opts *o)
{
	MQTTClient c = connect_broker(o);
	char accepted[200], update[200], req[200], ftopic[64], *m;
	struct samples lat = { 0 }, floor = { 0 }, to_line = { 0 }, from_line = { 0 };
	struct line_watch watch = { .line = o->line };
	uint64_t missed = 0, t0, t1, changed;
	pthread_t watcher;
	long i;

	floor_topic(ftopic, sizeof(ftopic));
	subscribe(c, ftopic, 0);
	snprintf(accepted, sizeof(accepted), "$aws/things/%s/shadow/update/accepted",
		 o->thing);
	snprintf(update, sizeof(update), "$aws/things/%s/shadow/update", o->thing);
	subscribe(c, accepted, 0);
	if (o->line >= 0 && pthread_create(&watcher, NULL, watch_line, &watch))
		die("cannot start a thread");
	for (i = 0; i < o->count; i++) {
		int level = !(i & 1);
		bool seen = false;

		snprintf(req, sizeof(req),
			 "{\"state\":{\"desired\":{\"%s\":%s}},\"clientToken\":\"bench-%ld\"}",
			 o->channel, level ? "true" : "false", i);
		samples_add(&floor, floor_ping(c, ftopic, i));
		t0 = now_ns();
		publish(c, update, req, 1);
		while (!seen && (m = receive(c, 10000, NULL))) {
			seen = reports(m, o->channel, level);
			free(m);
		}
		t1 = now_ns();
		if (!seen) {
			missed++;
			continue;
		}
		samples_add(&lat, t1 - t0);
		changed = atomic_load(&watch.changed_ns);
		if (o->line >= 0 && changed > t0 && changed <= t1) {
			samples_add(&to_line, changed - t0);
			samples_add(&from_line, t1 - changed);
		}
	}
	if (o->line >= 0) {
		atomic_store(&watch.stop, true);
		pthread_join(watcher, NULL);
	}
	samples_report(&lat, o->key);
	samples_report(&floor, key_of(o, "floor"));
	samples_report(&to_line, key_of(o, "to_line"));
	samples_report(&from_line, key_of(o, "from_line"));
	bench_result(key_of(o, "missed"), missed, "updates");
	MQTTClient_disconnect(c, 1000);
	MQTTClient_destroy(&c);
}

static void do_fill(const struct opts *o)
{
	MQTTClient c = connect_broker(o);
	long sent = 0, accepted = 0, rejected = 0;
	char topic[200], req[200], *m, *t;
	uint64_t t0 = now_ns();
	const long window = 8;

	subscribe(c, "$aws/things/+/shadow/update/accepted", 0);
	subscribe(c, "$aws/things/+/shadow/update/rejected", 0);
	while (accepted + rejected < o->count) {
		while (sent < o->count && sent - accepted - rejected < window) {
			snprintf(topic, sizeof(topic), "$aws/things/%s-%ld/shadow/update",
				 o->thing, sent);
			snprintf(req, sizeof(req),
				 "{\"state\":{\"reported\":{\"n\":%ld,\"on\":true}}}", sent);
			publish(c, topic, req, 0);
			sent++;
		}
		t = NULL;
		m = receive(c, 10000, &t);
		if (!m)
			die("no response within 10 s (%ld sent, %ld accepted, %ld rejected)",
			    sent, accepted, rejected);
		if (t && strstr(t, "/rejected"))
			rejected++;
		else
			accepted++;
		free(t);
		free(m);
	}
	bench_result(key_of(o, "accepted"), accepted, "shadows");
	bench_result(key_of(o, "rejected"), rejected, "shadows");
	bench_result(key_of(o, "rate"), accepted * 1e9 / (now_ns() - t0), "updates/s");
	MQTTClient_disconnect(c, 1000);
	MQTTClient_destroy(&c);
}

int main(int argc, char **argv)
{
	struct opts o = { .qos = 0, .gap_ms = 100, .count = 100, .idle_ms = 2000,
			  .max_s = 120, .line = -1 };
	int c;

	if (argc < 2)
		die("usage: bench-mqtt floor|latency|count|shadow|fill -p PORT -k KEY ...");
	o.mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "p:t:q:c:l:n:k:g:r:i:T:s:")) != -1) {
		switch (c) {
		case 'p': o.port = atoi(optarg); break;
		case 't': o.topic = optarg; break;
		case 'q': o.qos = atoi(optarg); break;
		case 'c': o.channel = optarg; break;
		case 'l': o.line = atoi(optarg); break;
		case 'n': o.count = atol(optarg); break;
		case 'k': o.key = optarg; break;
		case 'g': o.gap_ms = atoi(optarg); break;
		case 'r': o.ready = optarg; break;
		case 'i': o.idle_ms = atol(optarg); break;
		case 'T': o.max_s = atol(optarg); break;
		case 's': o.thing = optarg; break;
		default: return 2;
		}
	}
	if (!o.port || !o.key || o.count < 1)
		die("-p PORT and -k KEY are required, -n must be positive");
	if (o.qos < 0 || o.qos > 1)
		die("-q: QoS 0 or 1");
	if (!strcmp(o.mode, "floor")) {
		do_floor(&o);
	} else if (!strcmp(o.mode, "latency")) {
		if (!o.topic || !o.channel || o.line < 0)
			die("latency needs -t TOPIC, -c CHANNEL and -l LINE");
		do_latency(&o);
	} else if (!strcmp(o.mode, "count")) {
		if (!o.topic)
			die("count needs -t TOPIC");
		do_count(&o);
	} else if (!strcmp(o.mode, "shadow")) {
		if (!o.thing || !o.channel)
			die("shadow needs -s THING and -c CHANNEL");
		do_shadow(&o);
	} else if (!strcmp(o.mode, "fill")) {
		if (!o.thing)
			die("fill needs -s PREFIX");
		do_fill(&o);
	} else {
		die("unknown mode %s (floor, latency, count, shadow, fill)", o.mode);
	}
	return 0;
}
