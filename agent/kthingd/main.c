// SPDX-License-Identifier: GPL-2.0
/*
 * kthingd: relays a kthing device's kernel events to MQTT telemetry.
 *
 * Startup wiring, signals (SIGTERM/SIGINT: flush and stop, SIGHUP: reload)
 * and the command line. Everything else lives in its own file.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/no_hugepages.h"
#include "../common/paho_init.h"
#include "agent.h"
#include "events.h"
#include "log.h"
#include "mqtt.h"
#include "notify.h"
#include "relay.h"
#include "rules_agent.h"
#include "shadow_sync.h"
#include "status.h"

#define KTHINGD_VERSION	"0.1.0"

/* Exit statuses. */
#define EXIT_RUNTIME	1
#define EXIT_CONFIG	2

static void print_help(void)
{
	printf("Usage: kthingd [OPTIONS]\n"
	       "Relay kthing kernel events to an MQTT broker as telemetry.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE          configuration file (default %s)\n"
	       "  -t, --check-config         validate the configuration and exit\n"
	       "  -b, --broker URI           broker.uri\n"
	       "  -i, --client-id ID         broker.client_id\n"
	       "  -n, --thing-name NAME      thing_name\n"
	       "  -s, --state-dir DIR        queue.state_dir (keep the offline queue on disk)\n"
	       "  -S, --status-socket PATH   status.socket (\"\" for none)\n"
	       "  -e, --events SOURCE        events.source: netlink, - (stdin) or a file\n"
	       "  -l, --log-level LEVEL      log_level: error, warning, notice, info, debug\n"
	       "  -h, --help                 show this help and exit\n"
	       "  -v, --version              show the version and exit\n"
	       "\n"
	       "Options override the file's values. Configuration errors exit with status 2.\n"
	       "Signals: SIGTERM/SIGINT flush queued telemetry and stop, SIGHUP reloads.\n",
	       CONFIG_DEFAULT_PATH);
}

/*
 * Load the configuration. Without -c, a missing default file means the
 * built-in defaults: a device with a local broker needs no file at all.
 */
static int load_config(const char *path, bool explicit_path,
		       const struct config_overrides *ov, struct config *config,
		       char *err, size_t errlen)
{
	if (!explicit_path && access(path, F_OK) < 0 && errno == ENOENT) {
		char problem[CONFIG_ERROR_SIZE];

		if (config_parse("{}", 2, ov, 0, config, problem, sizeof(problem)) < 0) {
			snprintf(err, errlen, "%s", problem);
			return -1;
		}
		return 0;
	}
	return config_load(path, ov, config, err, errlen);
}

static void apply_log_level(const struct config *config)
{
	enum log_level level;

	if (log_level_from_name(config->log_level, &level) == 0)
		log_set_level(level);
}

static void shutdown_now(void *arg)
{
	struct agent *a = arg;

	loop_stop(&a->loop);
}

static void begin_shutdown(struct agent *a)
{
	if (a->stopping) {
		log_notice("second signal: stopping now");
		loop_stop(&a->loop);
		return;
	}
	a->stopping = true;
	notify_systemd("STOPPING=1");
	relay_flush_all(a->relay);
	if (!mqtt_is_connected(a->mqtt) || a->outbox.queue.count == 0 ||
	    a->config.shutdown_timeout_ms == 0) {
		loop_stop(&a->loop);
		return;
	}
	log_notice("stopping: delivering %zu queued message(s), for up to %u ms",
		   a->outbox.queue.count, a->config.shutdown_timeout_ms);
	a->outbox.drained = shutdown_now;
	a->outbox.drained_arg = a;
	loop_timer_arm(&a->loop, &a->shutdown_timer, a->config.shutdown_timeout_ms);
}

static bool same(const char *x, const char *y)
{
	return (!x || !y) ? x == y : strcmp(x, y) == 0;
}

static void reload(struct agent *a, bool explicit_path)
{
	char err[CONFIG_ERROR_SIZE + 256];
	struct config fresh, previous;

	if (load_config(a->config_path, explicit_path, &a->overrides, &fresh, err,
			sizeof(err)) < 0) {
		log_error("reload failed, keeping the running configuration: %s", err);
		return;
	}
	notify_systemd("RELOADING=1");
	if (!same(fresh.events_source, a->config.events_source))
		log_warning("events.source changed: takes effect at the next start");
	if (!same(fresh.status.socket, a->config.status.socket))
		log_warning("status.socket changed: takes effect at the next start");
	if (!same(fresh.queue.state_dir, a->config.queue.state_dir))
		log_warning("queue.state_dir changed: takes effect at the next start");

	previous = a->config;
	a->config = fresh;
	apply_log_level(&a->config);
	a->counters.dropped += queue_set_bounds(&a->outbox.queue, a->config.queue.max_messages,
						a->config.queue.max_bytes);
	a->outbox.window = a->config.broker.max_inflight;
	mqtt_reconfigure(a->mqtt, &previous);
	relay_reconfigure(a->relay, &a->config);
	shadow_sync_reconfigure(a->shadow);
	rules_agent_reconfigure(a->rules);
	status_reconfigure(a->status);
	config_free(&previous);
	log_notice("configuration reloaded");
	notify_systemd("READY=1");
}

struct signal_ctx {
	struct agent *agent;
	bool explicit_path;
};

static void signal_ready(void *arg, int fd, short revents)
{
	struct signal_ctx *ctx = arg;
	struct signalfd_siginfo si;

	(void)revents;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			begin_shutdown(ctx->agent);
			break;
		case SIGHUP:
			reload(ctx->agent, ctx->explicit_path);
			break;
		}
	}
}

static int setup_signals(struct agent *a, struct signal_ctx *ctx)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Blocked before paho starts its threads, so they inherit the mask. */
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	a->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->signal_fd < 0)
		return -1;
	return loop_add_fd(&a->loop, a->signal_fd, POLLIN, signal_ready, ctx);
}

/* Kernel events go to the relay (telemetry) and to the shadow sync. */
static void agent_event(void *arg, const struct kthing_event *ev, uint32_t value_type)
{
	struct agent *a = arg;

	relay_event(a->relay, ev, value_type);
	shadow_sync_event(a->shadow, ev, value_type);
	rules_agent_event(a->rules, ev);
}

static void agent_attached(void *arg, bool attached)
{
	struct agent *a = arg;

	relay_attached(a->relay, attached);
	shadow_sync_attached(a->shadow, attached);
	rules_agent_attached(a->rules, attached);
}

static int run(struct agent *a, bool explicit_path)
{
	struct signal_ctx signals = { .agent = a, .explicit_path = explicit_path };
	char err[CONFIG_ERROR_SIZE + 256];
	int rc = EXIT_RUNTIME, thp;

	/*
	 * Before the daemon's memory is in use: huge pages would put back
	 * what a delivered backlog gave to the system (no_hugepages.h). A
	 * kernel without the setting has nothing to undo.
	 */
	thp = no_hugepages();
	if (thp < 0)
		log_debug("cannot turn transparent huge pages off: %s", strerror(-thp));
	a->started_ms = loop_wall_ms();
	a->signal_fd = -1;
	if (loop_init(&a->loop) < 0) {
		log_error("cannot create the event loop: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	loop_timer_init(&a->shutdown_timer, shutdown_now, a);
	if (setup_signals(a, &signals) < 0) {
		log_error("cannot set up signal handling: %s", strerror(errno));
		goto out_loop;
	}
	a->mqtt = mqtt_new(&a->loop, &a->config, &a->counters);
	if (!a->mqtt) {
		log_error("cannot set up the MQTT connection");
		goto out_signals;
	}
	if (outbox_init(&a->outbox, a->mqtt, &a->counters, a->config.queue.max_messages,
			a->config.queue.max_bytes, a->config.queue.state_dir,
			a->config.broker.max_inflight, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out_mqtt;
	}
	a->relay = relay_new(&a->loop, &a->config, &a->counters, &a->outbox);
	if (!a->relay)
		goto out_outbox;
	a->shadow = shadow_sync_new(&a->loop, a->mqtt, &a->config, &a->counters);
	if (!a->shadow)
		goto out_relay;
	a->rules = rules_agent_new(a);
	if (!a->rules)
		goto out_relay;
	a->status = status_new(a);
	if (!a->status) {
		log_error("status.socket: %s: %s", a->config.status.socket, strerror(errno));
		goto out_relay;
	}
	a->events = events_new(&a->loop, a->config.events_source, agent_event, agent_attached,
			       a);
	if (!a->events)
		goto out_status;
	relay_set_source(a->relay, a->events);
	shadow_sync_set_source(a->shadow, a->events);

	log_notice("kthingd %s starting: thing %s, broker %s", KTHINGD_VERSION,
		   a->config.thing_name, a->config.broker.uri);
	mqtt_start(a->mqtt);
	/* The kernel's current values are queued until the broker is there. */
	events_start(a->events);
	notify_systemd("READY=1");

	if (loop_run(&a->loop) < 0) {
		log_error("event loop: %s", strerror(errno));
		rc = EXIT_RUNTIME;
	} else {
		rc = EXIT_SUCCESS;
	}
	loop_timer_cancel(&a->loop, &a->shutdown_timer);
	if (a->outbox.queue.count)
		log_notice("stopping with %zu message(s) not delivered%s", a->outbox.queue.count,
			   a->outbox.queue.db ? " (kept on disk)" : "");
	a->outbox.drained = NULL;

	events_free(a->events);
out_status:
	status_free(a->status);
out_relay:
	mqtt_shutdown(a->mqtt, 1000);
	/* After the shutdown: until then messages may still arrive for it. */
	rules_agent_free(a->rules);
	shadow_sync_free(a->shadow);
	relay_free(a->relay);
out_outbox:
	outbox_fini(&a->outbox);
out_mqtt:
	mqtt_free(a->mqtt);
out_signals:
	if (a->signal_fd >= 0)
		close(a->signal_fd);
out_loop:
	loop_fini(&a->loop);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "broker", required_argument, NULL, 'b' },
		{ "client-id", required_argument, NULL, 'i' },
		{ "thing-name", required_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "status-socket", required_argument, NULL, 'S' },
		{ "events", required_argument, NULL, 'e' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static struct agent agent;
	char err[CONFIG_ERROR_SIZE + 256];
	bool check_only = false, explicit_path = false;
	int opt, rc;

	paho_init();
	agent.config_path = CONFIG_DEFAULT_PATH;
	while ((opt = getopt_long(argc, argv, "c:tb:i:n:s:S:e:l:hv", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			agent.config_path = optarg;
			explicit_path = true;
			break;
		case 't':
			check_only = true;
			break;
		case 'b':
			agent.overrides.broker_uri = optarg;
			break;
		case 'i':
			agent.overrides.client_id = optarg;
			break;
		case 'n':
			agent.overrides.thing_name = optarg;
			break;
		case 's':
			agent.overrides.state_dir = optarg;
			break;
		case 'S':
			agent.overrides.status_socket = optarg;
			break;
		case 'e':
			agent.overrides.events_source = optarg;
			break;
		case 'l':
			agent.overrides.log_level = optarg;
			break;
		case 'h':
			print_help();
			return EXIT_SUCCESS;
		case 'v':
			printf("kthingd %s\n", KTHINGD_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try 'kthingd --help'.\n");
			return EXIT_CONFIG;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kthingd: unexpected argument \"%s\"\nTry 'kthingd --help'.\n",
			argv[optind]);
		return EXIT_CONFIG;
	}

	if (load_config(agent.config_path, explicit_path, &agent.overrides, &agent.config,
			err, sizeof(err)) < 0) {
		fprintf(stderr, "kthingd: %s\n", err);
		return EXIT_CONFIG;
	}
	if (check_only) {
		printf("%s: configuration OK\n", agent.config_path);
		config_free(&agent.config);
		return EXIT_SUCCESS;
	}
	apply_log_level(&agent.config);
	rc = run(&agent, explicit_path);
	config_free(&agent.config);
	return rc;
}
