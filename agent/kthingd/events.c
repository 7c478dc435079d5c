// SPDX-License-Identifier: GPL-2.0
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "log.h"
#include "loop.h"

/* Read lines up to this long; a longer one is skipped, with an error. */
#define LINE_MAX_BYTES		4096
/* Retry attaching this often after the module appeared but its family not yet. */
#define ATTACH_RETRY_MS		200
#define ATTACH_RETRIES		50
/*
 * A larger receive buffer rides out bursts; loss is still detected. The
 * kernel charges each event at the size of its buffer (a few KiB), not of
 * its message, so this holds on the order of a thousand events.
 */
#define EVENTS_RCVBUF		(4 << 20)

struct seq_seen {
	char thing[KTHING_NAME_SIZE];
	uint64_t seq;
};

struct event_source {
	struct loop *loop;
	events_cb cb;
	events_attach_cb attach_cb;
	void *arg;
	bool netlink;

	/* netlink */
	struct kthing_events *events;
	struct kthing_nl *nl;
	int uevent_fd;
	struct loop_timer attach_timer;
	int attach_retries;

	/* lines */
	char *path;		/* NULL: stdin */
	int fd;
	bool fifo;
	char line[LINE_MAX_BYTES];
	size_t line_len;
	bool skipping;		/* inside an over-long line */
	unsigned long line_no;
	struct seq_seen *seen;
	size_t num_seen;
};

/* ---- netlink ---- */

static void on_kthing_event(const struct kthing_event *ev, void *arg)
{
	struct event_source *src = arg;

	src->cb(src->arg, ev, 0);
}

static void detach(struct event_source *src)
{
	if (!src->events)
		return;
	loop_remove_fd(src->loop, kthing_events_fd(src->events));
	kthing_events_close(src->events);
	kthing_nl_close(src->nl);
	src->events = NULL;
	src->nl = NULL;
}

static void netlink_ready(void *arg, int fd, short revents)
{
	struct event_source *src = arg;
	int rc;

	(void)fd;
	(void)revents;
	rc = kthing_events_dispatch(src->events);
	if (rc < 0 && rc != -EAGAIN) {
		log_error("reading kernel events: %s", strerror(-rc));
		detach(src);
		src->attach_cb(src->arg, false);
	}
}

/* Returns 0, -ENOENT while the family is not registered, or another error. */
/*
 * SO_RCVBUF is capped at net.core.rmem_max (about 200 KiB by default: a few
 * hundred events, each charged its whole allocation). Joining the events group takes CAP_NET_ADMIN already, which
 * is what SO_RCVBUFFORCE needs to go past the cap.
 */
static void enlarge_rcvbuf(struct kthing_events *events)
{
	int bytes = EVENTS_RCVBUF;

	if (setsockopt(kthing_events_fd(events), SOL_SOCKET, SO_RCVBUFFORCE, &bytes,
		       sizeof(bytes)) == 0)
		return;
	if (kthing_events_set_rcvbuf(events, EVENTS_RCVBUF) < 0)
		log_debug("cannot enlarge the events socket's buffer");
}

static int attach(struct event_source *src)
{
	int rc;

	if (src->events)
		return 0;
	rc = kthing_events_open(&src->events, on_kthing_event, src);
	if (rc < 0)
		return rc;
	rc = kthing_nl_open(&src->nl);
	if (rc < 0) {
		kthing_events_close(src->events);
		src->events = NULL;
		return rc;
	}
	enlarge_rcvbuf(src->events);
	rc = loop_add_fd(src->loop, kthing_events_fd(src->events), POLLIN, netlink_ready, src);
	if (rc < 0) {
		kthing_nl_close(src->nl);
		kthing_events_close(src->events);
		src->events = NULL;
		src->nl = NULL;
		return rc;
	}
	log_info("listening to kthing events");
	src->attach_cb(src->arg, true);
	return 0;
}

static void try_attach(struct event_source *src, bool quiet)
{
	int rc = attach(src);

	if (rc == 0 || !src->attach_retries)
		return;
	if (rc == -ENOENT) {
		src->attach_retries--;
		loop_timer_arm(src->loop, &src->attach_timer, ATTACH_RETRY_MS);
		return;
	}
	if (!quiet)
		log_error("cannot listen to kthing events: %s%s", strerror(-rc),
			  rc == -EPERM ? " (joining the events group needs CAP_NET_ADMIN)" : "");
	src->attach_retries = 0;
}

static void attach_timer_fired(void *arg)
{
	try_attach(arg, false);
}

/*
 * The kernel announces module loads and kthing devices as uevents; that is
 * when the family may have come back. Nothing else wakes an idle agent.
 */
static void uevent_ready(void *arg, int fd, short revents)
{
	struct event_source *src = arg;
	char buf[8192];
	ssize_t n;

	(void)revents;
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		/* The first string is ACTION@DEVPATH. */
		if (strcmp(buf, "remove@/module/kthing") == 0) {
			log_notice("the kthing module was unloaded; waiting for it to return");
			if (src->events) {
				detach(src);
				src->attach_cb(src->arg, false);
			}
			continue;
		}
		if (strcmp(buf, "add@/module/kthing") != 0 && !strstr(buf, "/kthing/kthing"))
			continue;
		log_debug("uevent %s", buf);
		if (!src->events) {
			src->attach_retries = ATTACH_RETRIES;
			try_attach(src, true);
		}
	}
}

static int open_uevents(struct event_source *src)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	src->uevent_fd = fd;
	return loop_add_fd(src->loop, fd, POLLIN, uevent_ready, src);
}

/* ---- event lines ---- */

static int64_t json_int(const cJSON *obj, const char *key, int64_t def, bool *bad)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!item)
		return def;
	/* Values must be exact: integers only, within what a double holds exactly. */
	if (!cJSON_IsNumber(item) || item->valuedouble != floor(item->valuedouble) ||
	    fabs(item->valuedouble) > 9007199254740992.0) {
		*bad = true;
		return def;
	}
	return (int64_t)item->valuedouble;
}

static const char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int events_parse_line(const char *line, size_t len, struct kthing_event *ev,
		      uint32_t *value_type, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum kthing_event_type type;
	} types[] = {
		{ "thing-added", KTHING_EVENT_THING_ADDED },
		{ "thing-removed", KTHING_EVENT_THING_REMOVED },
		{ "sample", KTHING_EVENT_SAMPLE },
		{ "applied", KTHING_EVENT_APPLIED },
		{ "fault", KTHING_EVENT_FAULT },
	};
	const char *type, *thing, *channel, *vtype;
	bool bad = false;
	cJSON *obj;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	*value_type = 0;
	obj = cJSON_ParseWithLength(line, len);
	if (!cJSON_IsObject(obj)) {
		snprintf(err, errlen, "not a JSON object");
		goto fail;
	}
	type = json_str(obj, "event");
	for (i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0)
			break;
	if (!type || i == sizeof(types) / sizeof(types[0])) {
		snprintf(err, errlen, "\"event\" must be one of thing-added, thing-removed, "
			 "sample, applied, fault");
		goto fail;
	}
	ev->type = types[i].type;
	thing = json_str(obj, "thing");
	if (!thing || !kthing_name_valid(thing)) {
		snprintf(err, errlen, "\"thing\" must be a valid thing name");
		goto fail;
	}
	snprintf(ev->thing_name, sizeof(ev->thing_name), "%s", thing);
	ev->thing_id = (uint32_t)json_int(obj, "id", 0, &bad);
	ev->seq = (uint64_t)json_int(obj, "seq", 0, &bad);
	if (cJSON_GetObjectItemCaseSensitive(obj, "ts")) {
		int64_t ts_ms = json_int(obj, "ts", 0, &bad);
		struct timespec now;
		int64_t age_ms;

		uint64_t mono = monotonic_ns();

		clock_gettime(CLOCK_REALTIME, &now);
		age_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - ts_ms;
		/* Events are carried on the monotonic clock: from boot until now. */
		if (age_ms < 0)
			age_ms = 0;
		if ((uint64_t)age_ms >= mono / 1000000)
			age_ms = (int64_t)(mono / 1000000) - 1;
		ev->timestamp_ns = mono - (uint64_t)age_ms * 1000000;
	} else {
		ev->timestamp_ns = monotonic_ns();
	}
	ev->num_channels = (uint32_t)json_int(obj, "channels", 0, &bad);

	if (ev->type == KTHING_EVENT_SAMPLE || ev->type == KTHING_EVENT_APPLIED ||
	    ev->type == KTHING_EVENT_FAULT) {
		channel = json_str(obj, "channel");
		if (!channel || !kthing_name_valid(channel)) {
			snprintf(err, errlen, "\"channel\" must be a valid channel name");
			goto fail;
		}
		snprintf(ev->channel_name, sizeof(ev->channel_name), "%s", channel);
		ev->channel_index = (uint32_t)json_int(obj, "index", UINT32_MAX, &bad);
	}
	if (ev->type == KTHING_EVENT_SAMPLE || ev->type == KTHING_EVENT_APPLIED) {
		if (!cJSON_GetObjectItemCaseSensitive(obj, "value")) {
			snprintf(err, errlen, "\"value\" is required");
			goto fail;
		}
		ev->value = json_int(obj, "value", 0, &bad);
		ev->exponent = (int)json_int(obj, "exponent", 0, &bad);
		if (ev->exponent < KTHING_EXPONENT_MIN || ev->exponent > KTHING_EXPONENT_MAX) {
			snprintf(err, errlen, "\"exponent\" must be from %d to %d",
				 KTHING_EXPONENT_MIN, KTHING_EXPONENT_MAX);
			goto fail;
		}
		vtype = json_str(obj, "type");
		if (vtype && strcmp(vtype, "bool") == 0)
			*value_type = KTHING_TYPE_BOOL;
		else if (vtype && strcmp(vtype, "int") == 0)
			*value_type = KTHING_TYPE_INT;
		else if (vtype) {
			snprintf(err, errlen, "\"type\" must be \"bool\" or \"int\"");
			goto fail;
		}
	}
	if (ev->type == KTHING_EVENT_APPLIED)
		ev->source = (uint32_t)json_int(obj, "source", KTHING_SOURCE_HARDWARE, &bad);
	if (ev->type == KTHING_EVENT_FAULT)
		ev->error = (int)json_int(obj, "errno", EIO, &bad);
	if (bad) {
		snprintf(err, errlen, "numbers must be integers");
		goto fail;
	}
	cJSON_Delete(obj);
	return 0;

fail:
	cJSON_Delete(obj);
	return -1;
}

/* The same gap detection libkthing does for netlink. */
static void check_sequence(struct event_source *src, const struct kthing_event *ev)
{
	struct seq_seen *s = NULL;

	for (size_t i = 0; i < src->num_seen; i++)
		if (strcmp(src->seen[i].thing, ev->thing_name) == 0)
			s = &src->seen[i];
	if (!s) {
		struct seq_seen *bigger = realloc(src->seen, (src->num_seen + 1) * sizeof(*s));

		if (!bigger)
			return;
		src->seen = bigger;
		s = &src->seen[src->num_seen++];
		snprintf(s->thing, sizeof(s->thing), "%s", ev->thing_name);
		s->seq = 0;
	}
	if (ev->seq && s->seq && ev->seq > s->seq + 1) {
		struct kthing_event lost = {
			.type = KTHING_EVENT_LOST,
			.thing_id = ev->thing_id,
			.seq = ev->seq,
			.timestamp_ns = ev->timestamp_ns,
			.lost = ev->seq - s->seq - 1,
		};

		snprintf(lost.thing_name, sizeof(lost.thing_name), "%s", ev->thing_name);
		src->cb(src->arg, &lost, 0);
	}
	if (ev->seq)
		s->seq = ev->type == KTHING_EVENT_THING_REMOVED ? 0 : ev->seq;
}

static void handle_line(struct event_source *src)
{
	struct kthing_event ev;
	uint32_t value_type;
	char err[128];

	src->line_no++;
	if (src->line_len == 0 || strspn(src->line, " \t\r") == src->line_len)
		return;
	if (events_parse_line(src->line, src->line_len, &ev, &value_type, err, sizeof(err)) < 0) {
		log_error("%s:%lu: %s", src->path ? src->path : "stdin", src->line_no, err);
		return;
	}
	check_sequence(src, &ev);
	src->cb(src->arg, &ev, value_type);
}

static int open_lines(struct event_source *src);

static void lines_ready(void *arg, int fd, short revents)
{
	struct event_source *src = arg;
	char buf[4096];
	ssize_t n;

	(void)revents;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (!src->skipping)
					handle_line(src);
				else
					src->line_no++;
				src->skipping = false;
				src->line_len = 0;
			} else if (src->skipping) {
				continue;
			} else if (src->line_len + 1 >= sizeof(src->line)) {
				log_error("%s:%lu: line longer than %d bytes, skipped",
					  src->path ? src->path : "stdin", src->line_no + 1,
					  LINE_MAX_BYTES);
				src->skipping = true;
				src->line_len = 0;
			} else {
				src->line[src->line_len++] = buf[i];
				src->line[src->line_len] = '\0';
			}
		}
	}
	if (n < 0 && errno == EAGAIN)
		return;

	/* End of input: a FIFO waits for its next writer, anything else is done. */
	loop_remove_fd(src->loop, fd);
	close(fd);
	src->fd = -1;
	src->line_len = 0;
	if (src->fifo && open_lines(src) == 0)
		return;
	log_notice("end of events from %s", src->path ? src->path : "stdin");
}

static int open_lines(struct event_source *src)
{
	struct stat st;
	int fd;

	if (!src->path) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(src->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0)
		src->fifo = src->path && S_ISFIFO(st.st_mode);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	src->fd = fd;
	return loop_add_fd(src->loop, fd, POLLIN, lines_ready, src);
}

struct event_source *events_new(struct loop *loop, const char *source, events_cb cb,
				events_attach_cb attach_cb, void *arg)
{
	struct event_source *src = calloc(1, sizeof(*src));
	int rc;

	if (!src)
		return NULL;
	src->loop = loop;
	src->cb = cb;
	src->attach_cb = attach_cb;
	src->arg = arg;
	src->fd = -1;
	src->uevent_fd = -1;
	loop_timer_init(&src->attach_timer, attach_timer_fired, src);

	if (strcmp(source, "netlink") == 0) {
		src->netlink = true;
		rc = open_uevents(src);
		if (rc < 0)
			log_warning("cannot watch for the kthing module (uevents): %s; "
				    "a module loaded later will not be noticed", strerror(-rc));
		return src;
	}

	if (strcmp(source, "-") != 0 && !(src->path = strdup(source)))
		goto fail;
	rc = open_lines(src);
	if (rc < 0) {
		log_error("%s: %s", source, strerror(-rc));
		goto fail;
	}
	return src;

fail:
	free(src->path);
	free(src);
	return NULL;
}

void events_start(struct event_source *src)
{
	int rc;

	if (!src->netlink)
		return;
	rc = attach(src);
	if (rc == -ENOENT)
		log_notice("the kthing module is not loaded; waiting for it");
	else if (rc < 0)
		log_error("cannot listen to kthing events: %s%s", strerror(-rc),
			  rc == -EPERM ? " (joining the events group needs CAP_NET_ADMIN)" : "");
}

void events_free(struct event_source *src)
{
	if (!src)
		return;
	loop_timer_cancel(src->loop, &src->attach_timer);
	detach(src);
	if (src->uevent_fd >= 0) {
		loop_remove_fd(src->loop, src->uevent_fd);
		close(src->uevent_fd);
	}
	if (src->fd >= 0) {
		loop_remove_fd(src->loop, src->fd);
		close(src->fd);
	}
	free(src->seen);
	free(src->path);
	free(src);
}

bool events_attached(const struct event_source *src)
{
	return src->events != NULL;
}

int events_snapshot(struct event_source *src, const char *thing,
		    struct kthing_thing_summary **things, size_t *num_things,
		    struct kthing_channel_state **channels, size_t *num_channels)
{
	int rc;

	*things = NULL;
	*channels = NULL;
	*num_things = *num_channels = 0;
	if (!src->netlink)
		return -EOPNOTSUPP;
	if (!src->nl)
		return -ENOTCONN;
	rc = kthing_nl_list_things(src->nl, things, num_things);
	if (rc < 0)
		return rc;
	rc = kthing_nl_list_channels(src->nl, thing, channels, num_channels);
	if (rc < 0) {
		free(*things);
		*things = NULL;
		*num_things = 0;
		return rc;
	}
	/* Track sequence numbers from here, so the next gap is measured right. */
	for (size_t i = 0; i < *num_things; i++)
		kthing_events_track(src->events, (*things)[i].id, (*things)[i].seq);
	return 0;
}
