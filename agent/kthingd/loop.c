// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int64_t loop_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_init(struct loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->timerfd < 0)
		return -errno;
	return 0;
}

void loop_fini(struct loop *loop)
{
	if (loop->timerfd >= 0)
		close(loop->timerfd);
	loop->timerfd = -1;
}

int loop_add_fd(struct loop *loop, int fd, short events, loop_fd_cb cb, void *arg)
{
	if (loop->nfds == LOOP_MAX_FDS)
		return -ENOSPC;
	loop->fds[loop->nfds].fd = fd;
	loop->fds[loop->nfds].events = events;
	loop->fds[loop->nfds].cb = cb;
	loop->fds[loop->nfds].arg = arg;
	loop->nfds++;
	return 0;
}

void loop_remove_fd(struct loop *loop, int fd)
{
	for (int i = 0; i < loop->nfds; i++) {
		if (loop->fds[i].fd != fd)
			continue;
		memmove(&loop->fds[i], &loop->fds[i + 1],
			(loop->nfds - i - 1) * sizeof(loop->fds[0]));
		loop->nfds--;
		return;
	}
}

/* Arm the timerfd for the earliest timer; only touch it when that changed. */
static void rearm_timerfd(struct loop *loop)
{
	uint64_t due = loop->timers ? loop->timers->due_ms : 0;
	struct itimerspec its = { 0 };

	if (due == loop->timerfd_due_ms)
		return;
	loop->timerfd_due_ms = due;
	if (due) {
		its.it_value.tv_sec = due / 1000;
		its.it_value.tv_nsec = (due % 1000) * 1000000;
	}
	if (timerfd_settime(loop->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		log_error("timerfd_settime: %s", strerror(errno));
}

static void unlink_timer(struct loop *loop, struct loop_timer *t)
{
	struct loop_timer **pp;

	for (pp = &loop->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

void loop_timer_arm(struct loop *loop, struct loop_timer *t, uint64_t ms)
{
	struct loop_timer **pp;

	if (t->armed)
		unlink_timer(loop, t);
	/* A due time of 0 would read as "off". */
	t->due_ms = loop_now_ms() + ms + 1;
	for (pp = &loop->timers; *pp && (*pp)->due_ms <= t->due_ms; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	rearm_timerfd(loop);
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
	if (!t->armed)
		return;
	unlink_timer(loop, t);
	rearm_timerfd(loop);
}

int64_t loop_timer_remaining(const struct loop_timer *t)
{
	uint64_t now = loop_now_ms();

	if (!t->armed)
		return -1;
	return t->due_ms > now ? (int64_t)(t->due_ms - now) : 0;
}

static void run_due_timers(struct loop *loop)
{
	uint64_t buf, now = loop_now_ms();

	/* Drain the expiry count; the timer list is the truth. */
	if (read(loop->timerfd, &buf, sizeof(buf)) < 0 && errno != EAGAIN)
		log_debug("timerfd read: %s", strerror(errno));
	loop->timerfd_due_ms = 0;
	while (loop->timers && loop->timers->due_ms <= now) {
		struct loop_timer *t = loop->timers;

		unlink_timer(loop, t);
		t->cb(t->arg);
	}
	rearm_timerfd(loop);
}

int loop_run(struct loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		struct pollfd pfds[LOOP_MAX_FDS + 1];
		struct {
			int fd;
			loop_fd_cb cb;
			void *arg;
		} ready[LOOP_MAX_FDS];
		int n = loop->nfds, rc;

		for (int i = 0; i < n; i++) {
			pfds[i].fd = loop->fds[i].fd;
			pfds[i].events = loop->fds[i].events;
			pfds[i].revents = 0;
			ready[i].fd = loop->fds[i].fd;
			ready[i].cb = loop->fds[i].cb;
			ready[i].arg = loop->fds[i].arg;
		}
		pfds[n].fd = loop->timerfd;
		pfds[n].events = POLLIN;
		pfds[n].revents = 0;

		rc = poll(pfds, n + 1, -1);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop->wakeups++;
		for (int i = 0; i < n && !loop->stop; i++) {
			bool still_registered = false;

			if (!pfds[i].revents)
				continue;
			/* A callback may have removed a later descriptor. */
			for (int j = 0; j < loop->nfds; j++)
				still_registered |= loop->fds[j].fd == ready[i].fd &&
						    loop->fds[j].cb == ready[i].cb;
			if (still_registered)
				ready[i].cb(ready[i].arg, ready[i].fd, pfds[i].revents);
		}
		if (pfds[n].revents && !loop->stop)
			run_due_timers(loop);
	}
	return 0;
}

void loop_stop(struct loop *loop)
{
	loop->stop = true;
}
