/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Things coming and going while a fuzzer runs: a process that makes a
 * configfs thing of 1 to 4 (now and then 64) virtual actuators live and
 * tears it down, over and over, until told to stop.
 */
#ifndef FUZZ_THINGS_H
#define FUZZ_THINGS_H

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "fuzz_rand.h"
#include "kthing_test.h"

#define CHURN "fzchurn"

struct churn {
	pid_t pid;
	int report_fd;		/* the rounds made, written when it stops */
};

static volatile sig_atomic_t churn_stop;

static void churn_on_term(int sig)
{
	(void)sig;
	churn_stop = 1;
}

/* One thing live, then torn down and removed; whether it went live. */
static bool churn_round(struct fuzz_rng *r)
{
	unsigned int i, n = fuzz_one_in(r, 16) ? KTHING_CHANNELS_MAX : 1 + fuzz_below(r, 4);
	char ch[16];
	bool live;

	if (cfs_mkdir(CHURN, NULL))
		return false;
	for (i = 0; i < n; i++) {
		snprintf(ch, sizeof(ch), "c%u", i);
		cfs_mkdir(CHURN, ch);
		cfs_set(CHURN, ch, "kind", "actuator");
		cfs_set(CHURN, ch, "backend", "virtual");
		if (fuzz_one_in(r, 2))
			cfs_set(CHURN, ch, "type", "bool");
	}
	live = !cfs_set(CHURN, NULL, "live", "1");
	if (live && fuzz_one_in(r, 2))
		usleep(fuzz_below(r, 2000));
	cfs_set(CHURN, NULL, "live", "0");
	for (i = 0; i < n; i++) {
		snprintf(ch, sizeof(ch), "c%u", i);
		cfs_rmdir(CHURN, ch);
	}
	cfs_rmdir(CHURN, NULL);
	return live;
}

/* Start the churning process; bails out if it cannot. */
static void churn_start(struct churn *c, uint64_t seed)
{
	struct fuzz_rng r = { .state = seed ^ 0x5eed };
	unsigned long rounds = 0;
	int report[2];

	if (pipe(report))
		bail("pipe");
	c->pid = fork();
	if (c->pid < 0)
		bail("fork");
	if (c->pid) {
		close(report[1]);
		c->report_fd = report[0];
		return;
	}
	close(report[0]);
	signal(SIGTERM, churn_on_term);
	/* A fuzzer that crashed must not leave it churning. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() == 1)
		_exit(1);
	while (!churn_stop)
		rounds += churn_round(&r);
	if (write(report[1], &rounds, sizeof(rounds)) != sizeof(rounds))
		_exit(1);
	_exit(0);
}

/* Stop it; returns how many things it made live, or -1 if it failed. */
static long churn_finish(struct churn *c)
{
	unsigned long rounds;
	int status;

	kill(c->pid, SIGTERM);
	if (read(c->report_fd, &rounds, sizeof(rounds)) != sizeof(rounds))
		rounds = 0;
	close(c->report_fd);
	if (waitpid(c->pid, &status, 0) != c->pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return (long)rounds;
}

#endif /* FUZZ_THINGS_H */
