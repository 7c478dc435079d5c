// SPDX-License-Identifier: GPL-2.0
/*
 * kthing-rule-eval, the tool docs/rules.md's examples use: its output and
 * exit status (0 matched, 1 no match, 2 error) for each kind of outcome.
 */
#include <fcntl.h>
#include <libgen.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rules_test.h"

static char tool[4096];

struct cli_case {
	const char *what;
	const char *args[8];	/* NULL-terminated, after the program */
	const char *input;
	int status;
	const char *out;	/* exact standard output */
};

static const struct cli_case cli_cases[] = {
	{ "a rule matches",
	  { "SELECT (temperature - 32) * 5 / 9 AS celsius, color AS c FROM 'topic/subtopic'" },
	  "{\"color\":\"red\",\"temperature\":50}", 0, "{\"celsius\":10,\"c\":\"red\"}\n" },
	{ "a rule does not match",
	  { "SELECT * FROM 'a' WHERE t > 30" }, "{\"t\":20}", 1, "" },
	{ "the topic is outside FROM",
	  { "-t", "b", "SELECT * FROM 'a/#'" }, "{}", 1, "" },
	{ "topic, client id and time",
	  { "-t", "a/b", "-c", "dev1", "-T", "42",
	    "SELECT topic(2) AS l, clientid() AS c, timestamp() AS t FROM 'a/+'" },
	  "{}", 0, "{\"l\":\"b\",\"c\":\"dev1\",\"t\":42}\n" },
	{ "SELECT VALUE of Undefined prints an empty line",
	  { "SELECT VALUE x FROM 'a'" }, "{}", 0, "\n" },
	{ "a payload that is not JSON",
	  { "SELECT *, 1 AS one FROM 'a'" }, "not json", 0, "{\"one\":1}\n" },
	{ "a parse error", { "SELECT FROM 'a'" }, "{}", 2, "" },
	{ "an expression", { "-e", "cast(d * 3 AS String)" }, "{\"d\":2.5}", 0,
	  "\"7.5\"\n" },
	{ "a template", { "-t", "my/iot/topic", "-p", "${topic()}/republish" },
	  "{}", 0, "my/iot/topic/republish\n" },
	{ "a bad timestamp", { "-T", "soon", "SELECT * FROM 'a'" }, "{}", 2, "" },
	{ "no rule", { NULL }, "{}", 2, NULL },
};

/* Runs the tool with @args, @input on its standard input; returns its
 * exit status and its standard output in @out.
 */
static int run_tool(const char *const *args, const char *input, char *out,
		    size_t size)
{
	int in_pipe[2], out_pipe[2], status;
	const char *argv[10] = { tool };
	size_t n = 0, i;
	ssize_t r;
	pid_t pid;

	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	assert_int_equal(pipe(in_pipe), 0);
	assert_int_equal(pipe(out_pipe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		/* Its messages would only clutter the TAP output. */
		dup2(null, 2);
		dup2(in_pipe[0], 0);
		dup2(out_pipe[1], 1);
		close(in_pipe[1]);
		close(out_pipe[0]);
		execv(tool, (char *const *)argv);
		_exit(127);
	}
	close(in_pipe[0]);
	close(out_pipe[1]);
	assert_int_equal(write(in_pipe[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in_pipe[1]);
	while (n + 1 < size && (r = read(out_pipe[0], out + n, size - n - 1)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(out_pipe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_cli(void **state)
{
	const struct cli_case *c = *state;
	char out[4096];

	assert_int_equal(run_tool(c->args, c->input, out, sizeof(out)), c->status);
	if (c->out)
		assert_string_equal(out, c->out);
}

int main(int argc, char **argv)
{
	char self[4096];

	(void)argc;
	/* The tool sits in ../bin beside this test's directory. */
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(tool, sizeof(tool), "%s/../bin/kthing-rule-eval", dirname(self));
	if (access(tool, X_OK)) {
		fprintf(stderr, "%s: not built\n", tool);
		return 1;
	}
	return run_rows("kthing-rule-eval", test_cli, cli_cases,
			sizeof(cli_cases[0]),
			sizeof(cli_cases) / sizeof(cli_cases[0])) ? 1 : 0;
}
