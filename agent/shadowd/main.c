// SPDX-License-Identifier: GPL-2.0
/*
 * kthing-shadowd: the AWS IoT Device Shadow service over any MQTT broker.
 *
 * The broker client's thread queues requests; a worker thread serves them
 * in batches, one transaction and one disk sync per batch, so a slow disk
 * costs latency rather than throughput. A request is refused with 429, as
 * AWS refuses a client with more than 10 requests in flight, when its thing
 * already has THING_IN_FLIGHT_MAX requests waiting or being served (a
 * broker does not say which client published a request; a device's client
 * id is its thing name, so the thing stands for the client), or when the
 * queue is full. The main thread waits for signals, retries a failed first
 * connection and publishes the status document.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/no_hugepages.h"
#include "../common/paho_init.h"
#include "broker.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "service.h"
#include "store.h"

#define EXIT_CONFIG 2
#define QUEUE_MAX 1024	/* requests waiting for the worker... */
#define QUEUE_BYTES_MAX (16u << 20)	/* ...and their payloads' bytes */
#define BATCH_MAX 128	/* requests sharing one transaction */
#define THING_IN_FLIGHT_MAX 10	/* one thing's requests not yet answered */
#define REQUEST_PREFIX "$aws/things/"

struct pending {
	char *topic;
	void *payload;
	size_t len;
};

struct daemon {
	struct shadowd_config cfg;
	struct broker *broker;
	/* Protects svc (and through it the store) and the counters. Taken
	 * before q_lock when both are held. */
	pthread_mutex_t svc_lock;
	struct service svc;
	int64_t started;

	/* Protects the queue, serving, busy and stopping. */
	pthread_mutex_t q_lock;
	pthread_cond_t q_ready;	/* something queued, or stopping */
	pthread_cond_t q_room;	/* the worker took a batch, or went idle */
	struct pending queue[QUEUE_MAX];
	size_t q_head, queued, queued_bytes;
	const struct pending *serving;	/* the batch the worker serves */
	size_t serving_n;
	bool busy, stopping;
	pthread_t worker;
	atomic_uint_fast64_t busy_refusals;	/* 429s sent */
};

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/*
 * Too much waiting already: refuse with 429 rather than block, because the
 * broker client's thread must never wait (paho holds its lock meanwhile).
 */
static void refuse_busy(struct daemon *d, const char *topic, const void *payload, size_t len)
{
	struct shadow_request req;
	struct shadow_error err;
	struct shadow_topic t;
	char reply[256];
	char *doc;

	/* Not svc_lock: the worker may hold it while it waits for paho. */
	atomic_fetch_add(&d->busy_refusals, 1);
	if (!shadow_topic_parse(topic, &t) || t.suffix != SHADOW_SUFFIX_NONE)
		return;
	t.suffix = SHADOW_SUFFIX_REJECTED;
	if (!shadow_topic_format(&t, reply, sizeof(reply)))
		return;
	shadow_request_parse_token(payload, len, &req);
	shadow_error_set(&err, SHADOW_TOO_MANY_REQUESTS, "Too Many Requests");
	doc = shadow_build_error(&err, req.has_client_token ? req.client_token : NULL, now_s());
	if (doc)
		broker_publish(d->broker, reply, doc, strlen(doc), false, 0);
	cJSON_free(doc);
}

/* Whether request @topic is about the thing named by @len bytes at @thing. */
static bool same_thing(const char *topic, const char *thing, size_t len)
{
	topic += strlen(REQUEST_PREFIX);
	return strncmp(topic, thing, len) == 0 && topic[len] == '/';
}

/* Requests of @topic's thing waiting or being served. Needs q_lock. */
static unsigned int thing_in_flight(const struct daemon *d, const char *topic)
{
	const char *thing = topic + strlen(REQUEST_PREFIX), *end;
	unsigned int n = 0;
	size_t len;

	if (strncmp(topic, REQUEST_PREFIX, strlen(REQUEST_PREFIX)) != 0 ||
	    !(end = strchr(thing, '/')))
		return 0;
	len = (size_t)(end - thing);
	for (size_t i = 0; i < d->queued; i++)
		n += same_thing(d->queue[(d->q_head + i) % QUEUE_MAX].topic, thing, len);
	for (size_t i = 0; i < d->serving_n; i++)
		n += same_thing(d->serving[i].topic, thing, len);
	return n;
}

/* On the broker's thread: queue a copy for the worker. Never blocks. */
static void on_request(void *ctx, const char *topic, const void *payload, size_t len)
{
	struct daemon *d = ctx;
	struct pending p;
	bool full;

	pthread_mutex_lock(&d->q_lock);
	full = d->queued == QUEUE_MAX || d->queued_bytes + len > QUEUE_BYTES_MAX ||
	       thing_in_flight(d, topic) >= THING_IN_FLIGHT_MAX;
	pthread_mutex_unlock(&d->q_lock);
	if (full) {
		refuse_busy(d, topic, payload, len);
		return;
	}
	p.topic = strdup(topic);
	p.payload = malloc(len ? len : 1);
	p.len = len;
	if (!p.topic || !p.payload) {
		log_error("out of memory: dropped a request on %s", topic);
		free(p.topic);
		free(p.payload);
		return;
	}
	memcpy(p.payload, payload, len);
	pthread_mutex_lock(&d->q_lock);
	if (d->stopping) {
		pthread_mutex_unlock(&d->q_lock);
		free(p.topic);
		free(p.payload);
		return;
	}
	d->queue[(d->q_head + d->queued) % QUEUE_MAX] = p;
	d->queued++;
	d->queued_bytes += len;
	pthread_cond_signal(&d->q_ready);
	pthread_mutex_unlock(&d->q_lock);
}

static void *worker(void *arg)
{
	struct pending batch[BATCH_MAX];
	struct daemon *d = arg;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&d->q_lock);
		d->busy = false;
		pthread_cond_broadcast(&d->q_room);
		while (!d->queued && !d->stopping)
			pthread_cond_wait(&d->q_ready, &d->q_lock);
		if (!d->queued) {
			pthread_mutex_unlock(&d->q_lock);
			return NULL;
		}
		for (n = 0; n < BATCH_MAX && d->queued; n++, d->queued--) {
			batch[n] = d->queue[d->q_head];
			d->queued_bytes -= batch[n].len;
			d->q_head = (d->q_head + 1) % QUEUE_MAX;
		}
		d->serving = batch;
		d->serving_n = n;
		d->busy = true;
		pthread_cond_broadcast(&d->q_room);
		pthread_mutex_unlock(&d->q_lock);

		pthread_mutex_lock(&d->svc_lock);
		service_batch_begin(&d->svc, now_s());
		for (size_t i = 0; i < n; i++)
			service_handle(&d->svc, batch[i].topic, batch[i].payload,
				       batch[i].len, now_s());
		service_batch_end(&d->svc);
		pthread_mutex_unlock(&d->svc_lock);
		/* Answered: no longer in flight. */
		pthread_mutex_lock(&d->q_lock);
		d->serving_n = 0;
		pthread_mutex_unlock(&d->q_lock);
		for (size_t i = 0; i < n; i++) {
			free(batch[i].topic);
			free(batch[i].payload);
		}
	}
}

/* Wait up to @ms for the worker to have served everything queued. */
static void drain(struct daemon *d, unsigned int ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&d->q_lock);
	while ((d->queued || d->busy) &&
	       pthread_cond_timedwait(&d->q_room, &d->q_lock, &deadline) == 0)
		;
	pthread_mutex_unlock(&d->q_lock);
}

static void stop_worker(struct daemon *d)
{
	pthread_mutex_lock(&d->q_lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->q_ready);
	pthread_cond_broadcast(&d->q_room);
	pthread_mutex_unlock(&d->q_lock);
	pthread_join(d->worker, NULL);
}

static int publish_response(void *ctx, const char *topic, const char *payload, size_t len)
{
	struct daemon *d = ctx;

	/*
	 * The batch is answered (responses go out only once it is): a client
	 * may send its next request as soon as it sees one, so the batch no
	 * longer counts as in flight. svc_lock is held; q_lock nests inside.
	 */
	pthread_mutex_lock(&d->q_lock);
	d->serving_n = 0;
	pthread_mutex_unlock(&d->q_lock);
	return broker_publish(d->broker, topic, payload, len, false, 5000);
}

static void add_u64(cJSON *obj, const char *key, uint64_t v)
{
	cJSON_AddNumberToObject(obj, key, (double)v);
}

/* {"state":"online", "pid", "started", "shadows", "counters":{...}} */
static char *status_document(struct daemon *d)
{
	static const char *const code_names[] = { "400", "404", "409", "413", "415", "500" };
	/* 429s are the "busy" counter: they never reach the service. */
	struct broker_counters bc;
	struct service_counters sc;
	cJSON *root = cJSON_CreateObject(), *c, *codes;
	uint64_t live = 0;
	char *out;
	int ok;

	pthread_mutex_lock(&d->svc_lock);
	sc = d->svc.counters;
	ok = store_count(d->svc.store, &live) == 0;
	pthread_mutex_unlock(&d->svc_lock);
	broker_get_counters(d->broker, &bc);
	if (!root)
		return NULL;
	cJSON_AddStringToObject(root, "state", "online");
	add_u64(root, "pid", (uint64_t)getpid());
	add_u64(root, "started", (uint64_t)d->started);
	add_u64(root, "timestamp", (uint64_t)now_s());
	if (ok)
		add_u64(root, "shadows", live);
	c = cJSON_AddObjectToObject(root, "counters");
	if (c) {
		add_u64(c, "requests", sc.requests + atomic_load(&d->busy_refusals));
		add_u64(c, "accepted", sc.accepted);
		add_u64(c, "rejected", sc.rejected + atomic_load(&d->busy_refusals));
		codes = cJSON_AddObjectToObject(c, "rejected_by_code");
		for (size_t i = 0; codes && i < 6; i++)
			add_u64(codes, code_names[i], sc.by_code[i]);
		add_u64(c, "busy", atomic_load(&d->busy_refusals));
		add_u64(c, "ignored", sc.ignored);
		add_u64(c, "publish_failures", sc.publish_failures);
		add_u64(c, "store_failures", sc.store_failures);
		add_u64(c, "connects", bc.connects);
		add_u64(c, "connection_losses", bc.connection_losses);
		add_u64(c, "connect_failures", bc.connect_failures);
	}
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return out;
}

static void publish_status(struct daemon *d)
{
	char *doc;

	if (!d->cfg.status_topic || !broker_connected(d->broker))
		return;
	doc = status_document(d);
	if (doc)
		broker_publish(d->broker, d->cfg.status_topic, doc, strlen(doc), true, 0);
	cJSON_free(doc);
}

static void on_connected(void *ctx)
{
	notify("STATUS=serving shadows");
	publish_status(ctx);
}

static void print_help(void)
{
	printf("Usage: kthing-shadowd [OPTION]...\n"
	       "Serve AWS IoT Device Shadows ($aws/things/+/shadow/...) over an MQTT broker.\n"
	       "\n"
	       "  -c, --config=FILE   configuration (default %s)\n"
	       "  -b, --broker=URI    broker URI, overriding broker.uri\n"
	       "  -d, --db=FILE       SQLite database, overriding store.path\n"
	       "  -v, --verbose       log every request (log level debug)\n"
	       "      --check-config  validate the configuration and exit\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n",
	       SHADOWD_CONFIG_PATH);
}

static int replace_str(char **dst, const char *src)
{
	char *copy = strdup(src);

	if (!copy)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

/* Block the signals we wait for, before any thread exists to inherit them. */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Capped exponential backoff with full jitter for the first connection. */
static unsigned int next_backoff(unsigned int attempt)
{
	unsigned int cap = attempt < 6 ? 1u << attempt : 60;

	return cap > 60 ? 60 : 1 + (unsigned int)(rand() % (int)cap);
}

static int serve(struct daemon *d, const sigset_t *signals)
{
	struct timespec tick = { 1, 0 };
	int64_t next_status = 0, next_connect = 0;
	unsigned int attempt = 0;
	siginfo_t info;
	int sig;

	srand((unsigned int)(getpid() ^ time(NULL)));
	for (;;) {
		int64_t now = now_s();

		if (broker_needs_connect(d->broker) && now >= next_connect) {
			broker_connect(d->broker);
			next_connect = now + next_backoff(attempt++);
		}
		if (d->cfg.status_topic && now >= next_status) {
			publish_status(d);
			next_status = now + d->cfg.status_interval_s;
		}
		sig = sigtimedwait(signals, &info, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("%s received, stopping", strsignal(sig));
			return 0;
		}
		if (sig == SIGHUP)
			next_status = 0;	/* publish the status now */
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "broker", required_argument, NULL, 'b' },
		{ "db", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = SHADOWD_CONFIG_PATH, *broker_uri = NULL, *db = NULL;
	bool explicit_config = false, verbose = false, check_only = false;
	struct daemon d = {
		.svc_lock = PTHREAD_MUTEX_INITIALIZER,
		.q_lock = PTHREAD_MUTEX_INITIALIZER,
		.q_ready = PTHREAD_COND_INITIALIZER,
		.q_room = PTHREAD_COND_INITIALIZER,
	};
	bool worker_started = false;
	char err[512];
	sigset_t signals;
	int opt, ret = EXIT_FAILURE;

	/* Before memory is in use; a kernel without the setting has none to undo. */
	no_hugepages();
	paho_init();
	while ((opt = getopt_long(argc, argv, "c:b:d:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			explicit_config = true;
			break;
		case 'b':
			broker_uri = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'C':
			check_only = true;
			break;
		case 'h':
			print_help();
			return EXIT_SUCCESS;
		case 'V':
			printf("kthing-shadowd 1\n");
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'kthing-shadowd --help'.\n");
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kthing-shadowd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_CONFIG;
	}

	if (config_load(&d.cfg, config_path, explicit_config, err, sizeof(err)) ||
	    (broker_uri && replace_str(&d.cfg.broker_uri, broker_uri)) ||
	    (db && replace_str(&d.cfg.db_path, db))) {
		fprintf(stderr, "kthing-shadowd: %s\n", err);
		config_free(&d.cfg);
		return EXIT_CONFIG;
	}
	log_level_parse(d.cfg.log_level, &log_threshold);
	if (verbose)
		log_threshold = LOG_LVL_DEBUG;
	if (check_only) {
		printf("%s: configuration is valid\n", config_path);
		config_free(&d.cfg);
		return EXIT_SUCCESS;
	}

	block_signals(&signals);
	d.started = now_s();
	if (store_open(&d.svc.store, d.cfg.db_path, err, sizeof(err))) {
		log_error("store.path: %s: %s", d.cfg.db_path, err);
		goto out;
	}
	if (store_purge_deleted(d.svc.store, d.started - d.cfg.deleted_keep_s))
		log_warn("forgetting old deleted shadows: %s", store_error(d.svc.store));
	d.svc.limits = d.cfg.limits;
	d.svc.deleted_keep_s = d.cfg.deleted_keep_s;
	d.svc.publish = publish_response;
	d.svc.publish_ctx = &d;

	if (pthread_create(&d.worker, NULL, worker, &d)) {
		log_error("cannot start the worker thread");
		goto out;
	}
	worker_started = true;
	if (broker_create(&d.broker, &d.cfg, on_request, on_connected, &d, err, sizeof(err))) {
		log_error("%s", err);
		ret = EXIT_CONFIG;
		goto out;
	}
	log_info("serving shadows from %s (state limit %zu bytes, depth %u)",
		 d.cfg.db_path, d.cfg.limits.max_state_bytes, d.cfg.limits.max_depth);
	notify("READY=1\nSTATUS=connecting to the broker");
	ret = serve(&d, &signals);
	notify("STOPPING=1");

	/* Serve what was received, then leave. */
	drain(&d, 2000);
	if (d.cfg.status_topic && broker_connected(d.broker))
		broker_publish(d.broker, d.cfg.status_topic, "{\"state\":\"offline\"}",
			       strlen("{\"state\":\"offline\"}"), true, 1000);
	broker_disconnect(d.broker, 2000);
out:
	if (worker_started)
		stop_worker(&d);
	broker_destroy(d.broker);
	store_close(d.svc.store);
	service_free(&d.svc);
	config_free(&d.cfg);
	return ret;
}
