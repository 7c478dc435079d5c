// SPDX-License-Identifier: GPL-2.0
/*
 * kthingctl's command line: every usage error exits 2 and points at
 * --help, --help exits 0, failures that need no kernel exit 1 with a
 * message naming the problem, and `status` reads an agent's document.
 *
 * Runs the sanitized build/san/bin/kthingctl beside this test.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/kthing.h>

static char kthingctl[PATH_MAX];
static char tmpdir[] = "/tmp/kthingctl-usage-XXXXXX";

struct result {
	int status;
	char out[8192];
	char err[8192];
};

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
}

/* Run kthingctl with @argv (NULL-terminated, without argv[0]). */
static void run(struct result *r, const char *const *args)
{
	const char *argv[KTHING_CHANNELS_MAX + 8] = { "kthingctl" };
	int out[2], err[2], status;
	size_t i;
	pid_t pid;

	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;

	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(kthingctl, (char **)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* Outputs are small: reading one after the other cannot block. */
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	close(out[0]);
	close(err[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	r->status = WEXITSTATUS(status);
}

#define RUN(r, ...) run(r, (const char *const[]){ __VA_ARGS__, NULL })

static void expect(const struct result *r, int status, const char *in_stderr)
{
	if (r->status != status)
		fail_msg("exit %d, expected %d; stderr: %s", r->status, status,
			 r->err);
	if (in_stderr && !strstr(r->err, in_stderr))
		fail_msg("stderr lacks \"%s\": %s", in_stderr, r->err);
}

static void top_level(void **state)
{
	struct result r;

	(void)state;
	run(&r, (const char *const[]){ NULL });
	expect(&r, 2, "no command given");
	RUN(&r, "frobnicate");
	expect(&r, 2, "unknown command 'frobnicate'");
	RUN(&r, "--bogus");
	expect(&r, 2, "unrecognized option");
	RUN(&r, "--version");
	expect(&r, 0, NULL);
	assert_non_null(strstr(r.out, "kthingctl "));
	RUN(&r, "--help");
	expect(&r, 0, NULL);
	assert_non_null(strstr(r.out, "Usage: kthingctl"));
	assert_non_null(strstr(r.out, "watch"));
}

static const char *const commands[] = {
	"list", "get", "set", "watch", "apply", "remove", "status",
};

static void every_command_has_help(void **state)
{
	char usage[64];
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		RUN(&r, commands[i], "--help");
		expect(&r, 0, NULL);
		snprintf(usage, sizeof(usage), "Usage: kthingctl %s",
			 commands[i]);
		if (strncmp(r.out, usage, strlen(usage)))
			fail_msg("%s --help printed: %s", commands[i], r.out);
		RUN(&r, commands[i], "-h");
		expect(&r, 0, NULL);
	}
}

static void every_command_refuses_unknown_options(void **state)
{
	char hint[64];
	struct result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		RUN(&r, commands[i], "--no-such-option");
		snprintf(hint, sizeof(hint), "Try 'kthingctl %s --help'",
			 commands[i]);
		expect(&r, 2, hint);
		expect(&r, 2, "unrecognized option '--no-such-option'");
	}
}

static void usage_errors(void **state)
{
	struct result r;

	(void)state;
	RUN(&r, "list", "extra");
	expect(&r, 2, "unexpected argument 'extra'");
	RUN(&r, "get");
	expect(&r, 2, "no thing given");
	RUN(&r, "set", "greenhouse", "fan");
	expect(&r, 2, "expected THING CHANNEL VALUE, got 2 arguments");
	RUN(&r, "set", "greenhouse", "fan", "1", "2");
	expect(&r, 2, "expected THING CHANNEL VALUE, got 4 arguments");
	RUN(&r, "watch", "a", "b");
	expect(&r, 2, "at most one THING");
	RUN(&r, "watch", "no/such");
	expect(&r, 2, "'no/such' is not a valid thing name");
	RUN(&r, "watch", "--count", "many");
	expect(&r, 2, "--count: 'many' is not a positive number");
	RUN(&r, "watch", "--timeout", "-1");
	expect(&r, 2, "--timeout: '-1' is not a number of seconds");
	RUN(&r, "watch", "--count");
	expect(&r, 2, "requires an argument");
	RUN(&r, "apply");
	expect(&r, 2, "expected one FILE");
	RUN(&r, "apply", "a.json", "b.json");
	expect(&r, 2, "expected one FILE");
	RUN(&r, "remove");
	expect(&r, 2, "expected one THING");
	RUN(&r, "remove", "../etc");
	expect(&r, 2, "'../etc' is not a valid thing name");
	RUN(&r, "status", "now");
	expect(&r, 2, "unexpected argument 'now'");
}

static void get_too_many_channels(void **state)
{
	const char *args[KTHING_CHANNELS_MAX + 4] = { "get", "greenhouse" };
	char message[64];
	struct result r;
	int i;

	(void)state;
	for (i = 0; i <= KTHING_CHANNELS_MAX; i++)
		args[2 + i] = "fan";
	run(&r, args);
	snprintf(message, sizeof(message), "at most %d channels at once",
		 KTHING_CHANNELS_MAX);
	expect(&r, 2, message);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void failures_name_the_problem(void **state)
{
	char path[PATH_MAX];
	struct result r;

	(void)state;
	RUN(&r, "apply", "/nonexistent/thing.json");
	expect(&r, 1, "apply /nonexistent/thing.json: No such file or directory");

	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	write_file(path, "{\"name\":\"t\",\"channels\":[{\"name\":\"x\","
			 "\"kind\":\"actuator\",\"backend\":\"virtual\","
			 "\"min\":0,\"max\":1,\"initial\":7}]}");
	RUN(&r, "apply", path);
	expect(&r, 1, "channels[0].initial: value out of range 0..1");

	snprintf(path, sizeof(path), "%s/gpio.json", tmpdir);
	write_file(path, "{\"name\":\"t\",\"channels\":[{\"name\":\"relay\","
			 "\"kind\":\"actuator\",\"backend\":\"gpio\","
			 "\"gpio\":{\"line\":\"no-such-line-anywhere\"}}]}");
	RUN(&r, "apply", "--dry-run", path);
	expect(&r, 1, "channels[0] (relay): no GPIO line named \"no-such-line-anywhere\"");

	snprintf(path, sizeof(path), "%s/good.json", tmpdir);
	write_file(path, "{\"name\":\"t\",\"channels\":[{\"name\":\"x\","
			 "\"kind\":\"actuator\",\"backend\":\"virtual\","
			 "\"min\":0,\"max\":1}]}");
	RUN(&r, "apply", "--dry-run", path);
	expect(&r, 0, NULL);
	assert_non_null(strstr(r.out, "thing t with 1 channel is valid"));

	snprintf(path, sizeof(path), "%s/no.sock", tmpdir);
	RUN(&r, "status", "--socket", path);
	expect(&r, 1, "kthingd is not running");
}

/* Serve @doc once on a Unix socket at @path, in a child process. */
static pid_t serve_once(const char *path, const char *doc)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, conn;
	pid_t pid;

	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		conn = accept(fd, NULL, NULL);
		if (conn >= 0) {
			if (write(conn, doc, strlen(doc)) < 0)
				_exit(1);
			close(conn);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

static void status_reads_the_agent(void **state)
{
	static const char doc[] =
		"{\"version\":1,\"pid\":812,\"started_ms\":1000,\"now_ms\":62000,"
		"\"thing_name\":\"gateway-1\","
		"\"broker\":{\"uri\":\"mqtt://127.0.0.1:1883\",\"client_id\":\"gateway-1\","
		"\"state\":\"connected\",\"connected_since_ms\":2000,"
		"\"last_error\":null,\"retry_in_ms\":null},"
		"\"counters\":{\"events\":1200,\"samples\":1180,\"lost\":3,\"resyncs\":1,"
		"\"published\":1102,\"acknowledged\":1101},"
		"\"queue\":{\"messages\":1,\"bytes\":130,\"inflight\":1,"
		"\"max_messages\":10000,\"max_bytes\":10485760,\"persistent\":true},"
		"\"things\":[{\"kthing\":\"env\",\"name\":\"env\",\"id\":0,\"seq\":1200,"
		"\"telemetry_seq\":1100,\"lost\":3}],\"shadow\":{}}";
	char path[PATH_MAX];
	struct result r;
	int status;
	pid_t pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/status.sock", tmpdir);
	unlink(path);
	pid = serve_once(path, doc);
	RUN(&r, "status", "--socket", path);
	waitpid(pid, &status, 0);
	expect(&r, 0, NULL);
	assert_non_null(strstr(r.out, "kthingd 812, thing gateway-1, up 1m1s"));
	assert_non_null(strstr(r.out, "connected mqtt://127.0.0.1:1883 as gateway-1 for 1m0s"));
	assert_non_null(strstr(r.out, "events:   1200 (samples 1180, lost 3, resyncs 1)"));
	assert_non_null(strstr(r.out, "thing:    env as env, id 0, seq 1200"));

	unlink(path);
	pid = serve_once(path, doc);
	RUN(&r, "status", "--json", "--socket", path);
	waitpid(pid, &status, 0);
	expect(&r, 0, NULL);
	assert_int_equal(strncmp(r.out, doc, strlen(doc)), 0);

	unlink(path);
	pid = serve_once(path, "not json");
	RUN(&r, "status", "--socket", path);
	waitpid(pid, &status, 0);
	expect(&r, 1, "the agent's answer is not a JSON object");
	unlink(path);
}

static void get_unknown_thing(void **state)
{
	struct result r;

	(void)state;
	RUN(&r, "get", "no-such-thing");
	expect(&r, 1, "get no-such-thing: no such thing");
	RUN(&r, "set", "no-such-thing", "fan", "1");
	expect(&r, 1, "set no-such-thing fan 1:");
}

static int setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n;

	(void)state;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	/* build/san/tests/kthingctl_usage -> build/san/bin/kthingctl */
	snprintf(kthingctl, sizeof(kthingctl), "%s/../bin/kthingctl",
		 dirname(self));
	if (access(kthingctl, X_OK) < 0)
		return -1;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_level),
		cmocka_unit_test(every_command_has_help),
		cmocka_unit_test(every_command_refuses_unknown_options),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(get_too_many_channels),
		cmocka_unit_test(failures_name_the_problem),
		cmocka_unit_test(status_reads_the_agent),
		cmocka_unit_test(get_unknown_thing),
	};

	signal(SIGPIPE, SIG_IGN);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
