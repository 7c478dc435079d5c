/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's single event loop: poll() over a few descriptors and one
 * timerfd carrying every timer. Everything runs on this thread; other
 * threads (paho's) only hand over work through a descriptor.
 */
#ifndef KTHINGD_LOOP_H
#define KTHINGD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_MAX_FDS	16

typedef void (*loop_fd_cb)(void *arg, int fd, short revents);
typedef void (*loop_timer_cb)(void *arg);

struct loop_timer {
	uint64_t due_ms;	/* CLOCK_MONOTONIC */
	bool armed;
	loop_timer_cb cb;
	void *arg;
	struct loop_timer *next;	/* in the loop's list, by due time */
};

struct loop {
	struct {
		int fd;
		short events;
		loop_fd_cb cb;
		void *arg;
	} fds[LOOP_MAX_FDS];
	int nfds;
	int timerfd;
	uint64_t timerfd_due_ms;	/* what the timerfd is armed for, 0: off */
	struct loop_timer *timers;
	bool stop;
	uint64_t wakeups;		/* poll() returns, for idle checks */
};

int loop_init(struct loop *loop);
void loop_fini(struct loop *loop);

int loop_add_fd(struct loop *loop, int fd, short events, loop_fd_cb cb, void *arg);
void loop_remove_fd(struct loop *loop, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg);
/* (Re)arm @t to fire once, @ms from now. */
void loop_timer_arm(struct loop *loop, struct loop_timer *t, uint64_t ms);
void loop_timer_cancel(struct loop *loop, struct loop_timer *t);
/* Milliseconds until @t fires, or -1 when it is not armed. */
int64_t loop_timer_remaining(const struct loop_timer *t);

/* Run until loop_stop(); returns 0, or -errno when poll() fails. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

/* CLOCK_MONOTONIC milliseconds, for timers. */
uint64_t loop_now_ms(void);
/* Milliseconds since the epoch, for what is shown to people and brokers. */
int64_t loop_wall_ms(void);

#endif
