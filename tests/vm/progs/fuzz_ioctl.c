// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzer for /dev/kthingN: random and structure-aware calls, with
 * every command, wrong sizes and directions, other magics, padding and
 * reserved bytes, indices at and past the edges and pointers that are NULL,
 * unmapped, read-only, misaligned, in the kernel or straddling a guard
 * page; while another process makes things live and tears them down.
 *
 *   fuzz_ioctl ITERATIONS [SEED]
 *	kthing.ko loaded, no thing named fzstable or fzchurn. Prints the seed;
 *	the same seed gives the same inputs (the interleaving with the other
 *	process differs).
 *
 * On the stable thing, which lives through the whole run, every result is
 * predicted from the input and the ABI of <linux/kthing.h>; descriptors of
 * things that come and go may return only errnos the ABI names.
 */

#include <pthread.h>
#include <sys/mman.h>

#include "fuzz_things.h"

#define STABLE		"fzstable"
#define THREADS		2
#define POOL_FDS	4
#define MISMATCHES_SHOWN 10

/* The commands of the ABI and the size of their argument. */
static const struct {
	unsigned long cmd;
	size_t size;
	bool out;	/* copies a result back to userspace */
	const char *name;
} commands[] = {
	{ KTHING_IOC_THING_INFO, sizeof(struct kthing_thing_info), true, "THING_INFO" },
	{ KTHING_IOC_CHANNEL_INFO, sizeof(struct kthing_channel_info), true, "CHANNEL_INFO" },
	{ KTHING_IOC_READ, sizeof(struct kthing_read), true, "READ" },
	{ KTHING_IOC_WRITE, sizeof(struct kthing_write), true, "WRITE" },
	{ KTHING_IOC_SET_CONFIG, sizeof(struct kthing_channel_config), false, "SET_CONFIG" },
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))
#define NOT_A_COMMAND NUM_COMMANDS

/* Where the argument points. */
enum placement {
	ARG_GOOD,	/* mapped, the struct ends where a guard page begins */
	ARG_MISALIGNED,	/* mapped, at an odd address */
	ARG_READONLY,	/* mapped read-only */
	ARG_NULL,
	ARG_UNMAPPED,	/* the guard page */
	ARG_STRADDLE,	/* starts mapped, runs into the guard page */
	ARG_KERNEL,	/* a kernel address */
	ARG_PLACEMENTS,
};

static const char *const placement_names[] = {
	"good", "misaligned", "read-only", "NULL", "unmapped", "straddling",
	"kernel",
};

/* The stable thing: channel 0 int -100 .. 100, channel 1 bool, virtual. */
static int stable_fd[3];	/* O_RDONLY, O_WRONLY, O_RDWR */
static const int stable_flags[3] = { O_RDONLY, O_WRONLY, O_RDWR };

struct worker {
	pthread_t thread;
	struct fuzz_rng rng;
	unsigned long iterations;
	unsigned long calls;
	unsigned long checked;		/* calls on the stable thing */
	unsigned long mismatches;	/* ... whose result was not predicted */
	unsigned long unexpected;	/* other calls with an errno not in the ABI */
	unsigned long succeeded;
	unsigned long dead;		/* ENODEV */
	unsigned long by_placement[ARG_PLACEMENTS];
	int pool[POOL_FDS];
	unsigned char *mem;		/* a read-write page, then a guard page */
	unsigned char *ro;		/* a page mapped read-only */
	long page;
};

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long mismatches_shown;

static void report_mismatch(unsigned long iteration, int fd_kind,
			    const char *what, enum placement where, int want,
			    int got)
{
	pthread_mutex_lock(&report_lock);
	if (mismatches_shown++ < MISMATCHES_SHOWN)
		diag("iteration %lu: %s on the stable thing (%s descriptor, %s argument): want %s, got %s",
		     iteration, what, fd_kind == 0 ? "read-only" :
		     fd_kind == 1 ? "write-only" : "read-write",
		     placement_names[where], want ? strerror(want) : "success",
		     got ? strerror(got) : "success");
	pthread_mutex_unlock(&report_lock);
}

/* --- inputs ------------------------------------------------------------- */

/* A channel index: mostly valid, often at or past the edge. */
static uint32_t fuzz_index(struct fuzz_rng *r)
{
	static const uint32_t edges[] = { 0, 1, 2, 3, 63, 64, 65, 0x80000000, 0xffffffff };

	if (fuzz_one_in(r, 2))
		return fuzz_below(r, 2);
	return edges[fuzz_below(r, sizeof(edges) / sizeof(edges[0]))];
}

/* Mostly zero; now and then one nonzero byte somewhere in @buf. */
static void fuzz_reserved(struct fuzz_rng *r, void *buf, size_t len)
{
	memset(buf, 0, len);
	if (fuzz_one_in(r, 8))
		((unsigned char *)buf)[fuzz_below(r, len)] = 1 + fuzz_below(r, 255);
}

static void fuzz_config(struct fuzz_rng *r, struct kthing_channel_config *c)
{
	c->index = fuzz_index(r);
	c->flags = fuzz_one_in(r, 4) ? fuzz_u32(r) : fuzz_below(r, 2);
	c->sample_period_ms = fuzz_one_in(r, 4) ? fuzz_u32(r) : 0;
	c->report_interval_ms = fuzz_one_in(r, 2) ? fuzz_u32(r) : 0;
	c->deadband = fuzz_one_in(r, 2) ? fuzz_s64(r) : 0;
	fuzz_reserved(r, c->reserved, sizeof(c->reserved));
}

/* Fill @buf with an argument for command @c, well formed or nearly. */
static void fuzz_argument(struct fuzz_rng *r, unsigned int c, void *buf,
			  size_t size)
{
	memset(buf, 0, size);
	if (c == NOT_A_COMMAND || fuzz_one_in(r, 16)) {
		fuzz_bytes(r, buf, size);
		return;
	}
	switch (commands[c].cmd) {
	case KTHING_IOC_THING_INFO:
		/* Output only: whatever is there must be overwritten. */
		fuzz_bytes(r, buf, size);
		break;
	case KTHING_IOC_CHANNEL_INFO: {
		struct kthing_channel_info *ci = buf;

		if (fuzz_one_in(r, 4))
			fuzz_bytes(r, ci, size);	/* inputs the kernel ignores */
		ci->index = fuzz_index(r);
		ci->padding = fuzz_one_in(r, 8) ? fuzz_u32(r) : 0;
		fuzz_reserved(r, ci->reserved, sizeof(ci->reserved));
		break;
	}
	case KTHING_IOC_READ: {
		struct kthing_read *rd = buf;
		uint32_t i, n;

		rd->num = fuzz_one_in(r, 8) ? fuzz_u32(r) : 1 + fuzz_below(r, KTHING_CHANNELS_MAX);
		rd->padding = fuzz_one_in(r, 16) ? fuzz_u32(r) : 0;
		n = rd->num < KTHING_CHANNELS_MAX ? rd->num : KTHING_CHANNELS_MAX;
		for (i = 0; i < n; i++) {
			rd->values[i].index = fuzz_one_in(r, 32) ? fuzz_index(r) :
					      fuzz_below(r, 2);
			if (fuzz_one_in(r, 16)) {
				/* Outputs: the kernel overwrites them. */
				rd->values[i].flags = fuzz_u32(r);
				rd->values[i].value = fuzz_s64(r);
			}
		}
		if (n < KTHING_CHANNELS_MAX && fuzz_one_in(r, 16))
			fuzz_reserved(r, &rd->values[n],
				      (KTHING_CHANNELS_MAX - n) * sizeof(rd->values[0]));
		break;
	}
	case KTHING_IOC_WRITE: {
		struct kthing_write *wr = buf;

		wr->index = fuzz_index(r);
		wr->value = fuzz_one_in(r, 2) ? (int64_t)fuzz_below(r, 201) - 100 :
			    fuzz_s64(r);
		wr->padding = fuzz_one_in(r, 16) ? fuzz_u32(r) : 0;
		wr->timestamp_ns = fuzz_one_in(r, 16) ? (uint64_t)fuzz_s64(r) : 0;
		fuzz_reserved(r, wr->reserved, sizeof(wr->reserved));
		break;
	}
	case KTHING_IOC_SET_CONFIG:
		fuzz_config(r, buf);
		break;
	}
}

/*
 * A command number: one of the ABI's (structure-aware argument) or not:
 * a known number with another size or direction, another number of the
 * magic, or anything outside the ranges the VFS handles itself.
 */
static unsigned long fuzz_command(struct fuzz_rng *r, unsigned int *c)
{
	unsigned long cmd;
	unsigned int i, type;

	*c = fuzz_below(r, NUM_COMMANDS);
	if (fuzz_below(r, 10) < 7)
		return commands[*c].cmd;
	do {
		switch (fuzz_below(r, 3)) {
		case 0:
			cmd = commands[*c].cmd;
			if (fuzz_one_in(r, 2))
				cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd),
					   fuzz_below(r, _IOC_SIZEMASK + 1));
			else
				cmd = _IOC(fuzz_below(r, 4), _IOC_TYPE(cmd), _IOC_NR(cmd),
					   _IOC_SIZE(cmd));
			break;
		case 1:
			cmd = _IOC(fuzz_below(r, 4), KTHING_IOC_MAGIC, fuzz_below(r, 256),
				   fuzz_below(r, _IOC_SIZEMASK + 1));
			break;
		default:
			cmd = (uint32_t)fuzz_next(r);
			break;
		}
		type = _IOC_TYPE(cmd);
		/* FIO*, FIFREEZE and friends, FS_IOC_*, FICLONE, FIBMAP: the VFS's. */
		if (type == 'T' || type == 'X' || type == 'f' || type == 0x94 ||
		    type == 0)
			continue;
		for (i = 0; i < NUM_COMMANDS; i++)
			if (cmd == commands[i].cmd)
				break;
		if (i == NUM_COMMANDS)
			break;
	} while (1);
	*c = NOT_A_COMMAND;
	return cmd;
}

/* --- what the ABI says ---------------------------------------------------- */

static int stable_check_value(uint32_t index, int64_t value)
{
	if (index == 0)
		return value < -100 || value > 100 ? ERANGE : 0;
	return value == 0 || value == 1 ? 0 : EINVAL;
}

static int stable_check_config(const struct kthing_channel_config *c)
{
	if (memchr_inv_zero(c->reserved, sizeof(c->reserved)) || c->index >= 2)
		return EINVAL;
	if (c->flags & ~KTHING_CONFIG_F_ALL)
		return EINVAL;
	/* Virtual channels are not polled. */
	if (c->sample_period_ms)
		return EINVAL;
	if (c->report_interval_ms &&
	    (c->report_interval_ms < 100 || c->report_interval_ms > 86400000))
		return EINVAL;
	if (c->deadband < 0)
		return EINVAL;
	return 0;
}

/* The errno (0 for success) the validation of the argument gives. */
static int stable_validate(unsigned int c, const void *arg)
{
	switch (commands[c].cmd) {
	case KTHING_IOC_CHANNEL_INFO: {
		const struct kthing_channel_info *ci = arg;

		if (ci->padding || memchr_inv_zero(ci->reserved, sizeof(ci->reserved)))
			return EINVAL;
		return ci->index >= 2 ? EINVAL : 0;
	}
	case KTHING_IOC_READ: {
		const struct kthing_read *rd = arg;
		uint32_t i;

		if (rd->num == 0 || rd->num > KTHING_CHANNELS_MAX || rd->padding ||
		    memchr_inv_zero(&rd->values[rd->num],
				    (KTHING_CHANNELS_MAX - rd->num) * sizeof(rd->values[0])))
			return EINVAL;
		for (i = 0; i < rd->num; i++)
			if (rd->values[i].index >= 2)
				return EINVAL;
		return 0;
	}
	case KTHING_IOC_WRITE: {
		const struct kthing_write *wr = arg;

		if (wr->padding || wr->timestamp_ns ||
		    memchr_inv_zero(wr->reserved, sizeof(wr->reserved)) ||
		    wr->index >= 2)
			return EINVAL;
		return stable_check_value(wr->index, wr->value);
	}
	case KTHING_IOC_SET_CONFIG:
		return stable_check_config(arg);
	default:
		return 0;
	}
}

/* What a call on the stable thing must return. */
static int stable_expect(unsigned int c, int fd_kind, enum placement where,
			 const void *arg)
{
	int err;

	if (c == NOT_A_COMMAND)
		return ENOTTY;
	if ((commands[c].cmd == KTHING_IOC_WRITE ||
	     commands[c].cmd == KTHING_IOC_SET_CONFIG) && fd_kind == 0)
		return EBADF;
	switch (where) {
	case ARG_NULL:
	case ARG_UNMAPPED:
	case ARG_STRADDLE:
	case ARG_KERNEL:
		return EFAULT;
	default:
		break;
	}
	err = stable_validate(c, arg);
	if (err)
		return err;
	return where == ARG_READONLY && commands[c].out ? EFAULT : 0;
}

/* After a successful call on the stable thing: what came back is right. */
static bool stable_output_ok(unsigned int c, const void *in, const void *out)
{
	switch (commands[c].cmd) {
	case KTHING_IOC_THING_INFO: {
		const struct kthing_thing_info *ti = out;

		return !strcmp(ti->name, STABLE) && ti->num_channels == 2 &&
		       !memchr_inv_zero(ti->reserved, sizeof(ti->reserved)) &&
		       !memchr_inv_zero(ti->name + strlen(STABLE),
					sizeof(ti->name) - strlen(STABLE));
	}
	case KTHING_IOC_CHANNEL_INFO: {
		const struct kthing_channel_info *ci = out;
		const struct kthing_channel_info *req = in;

		return ci->index == req->index && ci->config.index == req->index &&
		       !ci->padding &&
		       !memchr_inv_zero(ci->reserved, sizeof(ci->reserved)) &&
		       !memchr_inv_zero(ci->config.reserved, sizeof(ci->config.reserved)) &&
		       !strcmp(ci->name, req->index ? "switch" : "level") &&
		       ci->min == (req->index ? 0 : -100) &&
		       ci->max == (req->index ? 1 : 100);
	}
	case KTHING_IOC_READ: {
		const struct kthing_read *rd = out;
		const struct kthing_read *req = in;
		uint32_t i;

		if (rd->num != req->num ||
		    memchr_inv_zero(&rd->values[rd->num],
				    (KTHING_CHANNELS_MAX - rd->num) * sizeof(rd->values[0])))
			return false;
		for (i = 0; i < rd->num; i++)
			if (rd->values[i].index != req->values[i].index ||
			    rd->values[i].flags ||
			    stable_check_value(rd->values[i].index, rd->values[i].value))
				return false;
		return true;
	}
	case KTHING_IOC_WRITE: {
		const struct kthing_write *wr = out;
		const struct kthing_write *req = in;

		return wr->index == req->index && wr->value == req->value &&
		       wr->timestamp_ns && !wr->padding &&
		       !memchr_inv_zero(wr->reserved, sizeof(wr->reserved));
	}
	default:
		return true;
	}
}

/* Errnos any call may give on a thing that may have gone. */
static bool errno_in_abi(int err)
{
	switch (err) {
	case 0:
	case EINVAL:
	case ENOTTY:
	case EFAULT:
	case ENODEV:
	case EBADF:
	case EPERM:
	case ERANGE:
		return true;
	default:
		return false;
	}
}

/* --- the fuzzing threads ----------------------------------------------- */

/* Open a descriptor of some thing, likely the churned one, into the pool. */
static void refresh_pool(struct worker *w)
{
	static const int flags[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int slot = fuzz_below(&w->rng, POOL_FDS);
	int id = fuzz_one_in(&w->rng, 4) ? (int)fuzz_below(&w->rng, 4) : 1;

	if (w->pool[slot] >= 0)
		close(w->pool[slot]);
	w->pool[slot] = open_thing(id, flags[fuzz_below(&w->rng, 3)] | O_CLOEXEC);
}

/* Point at a copy of @arg placed as @where says. */
static void *place_argument(struct worker *w, enum placement where,
			    const void *arg, size_t size)
{
	unsigned char *guard = w->mem + w->page;
	unsigned char *p;
	size_t shift;

	switch (where) {
	case ARG_GOOD:
		p = guard - size;
		break;
	case ARG_MISALIGNED:
		p = guard - size - 1 - fuzz_below(&w->rng, 7);
		break;
	case ARG_READONLY:
		mprotect(w->ro, w->page, PROT_READ | PROT_WRITE);
		memcpy(w->ro, arg, size);
		mprotect(w->ro, w->page, PROT_READ);
		return w->ro;
	case ARG_NULL:
		return NULL;
	case ARG_UNMAPPED:
		return guard;
	case ARG_STRADDLE:
		shift = size > 1 ? 1 + fuzz_below(&w->rng, size - 1) : 1;
		p = guard - size + shift;
		memcpy(p, arg, size - shift);
		return p;
	default:
		return (void *)0xffff888000000000UL;
	}
	memcpy(p, arg, size);
	return p;
}

static enum placement fuzz_placement(struct fuzz_rng *r)
{
	uint32_t n = fuzz_below(r, 20);

	if (n < 12)
		return ARG_GOOD;
	if (n < 14)
		return ARG_MISALIGNED;
	return (enum placement)(2 + fuzz_below(r, ARG_PLACEMENTS - 2));
}

static void fuzz_one(struct worker *w, unsigned long iteration)
{
	/* Big enough for the largest argument and any size _IOC can name. */
	static __thread unsigned char in[_IOC_SIZEMASK + 1];
	enum placement where = fuzz_placement(&w->rng);
	int fd_kind, fd, ret, err, want;
	unsigned long cmd;
	unsigned int c;
	size_t size;
	void *arg;

	cmd = fuzz_command(&w->rng, &c);
	size = c == NOT_A_COMMAND ? _IOC_SIZE(cmd) : commands[c].size;
	/* Room below the guard page for a misaligned copy too. */
	if (size == 0 || size > (size_t)w->page - 8)
		size = 1 + fuzz_below(&w->rng, 64);
	fuzz_argument(&w->rng, c, in, size);
	arg = place_argument(w, where, in, size);
	w->by_placement[where]++;

	if (fuzz_one_in(&w->rng, 64))
		refresh_pool(w);
	if (fuzz_one_in(&w->rng, 3)) {
		fd_kind = -1;
		fd = w->pool[fuzz_below(&w->rng, POOL_FDS)];
		if (fd < 0)
			fd = stable_fd[2];
	} else {
		fd_kind = fuzz_below(&w->rng, 3);
		fd = stable_fd[fd_kind];
	}

	ret = ioctl(fd, cmd, arg);
	err = ret ? errno : 0;
	w->calls++;
	if (!err)
		w->succeeded++;
	else if (err == ENODEV)
		w->dead++;

	if (fd_kind < 0) {
		if (!errno_in_abi(err))
			w->unexpected++;
		if (fuzz_one_in(&w->rng, 16)) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			/* Live: nothing; dead: hang-up and error. */
			if (poll(&pfd, 1, 0) < 0 ||
			    (pfd.revents && pfd.revents != (POLLHUP | POLLERR)))
				w->unexpected++;
		}
		return;
	}
	w->checked++;
	want = stable_expect(c, fd_kind, where, in);
	if (err != want) {
		w->mismatches++;
		report_mismatch(iteration, fd_kind,
				c == NOT_A_COMMAND ? "an unknown command" : commands[c].name,
				where, want, err);
	} else if (!err && (where == ARG_GOOD || where == ARG_MISALIGNED) &&
		   !stable_output_ok(c, in, arg)) {
		w->mismatches++;
		report_mismatch(iteration, fd_kind, commands[c].name, where, 0, 0);
		diag("... but what it returned is wrong");
	}
}

static void *fuzz_thread(void *arg)
{
	struct worker *w = arg;
	unsigned long i;

	for (i = 0; i < w->iterations; i++)
		fuzz_one(w, i);
	return NULL;
}

static int worker_init(struct worker *w, uint64_t seed, unsigned long iterations)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->rng.state = seed;
	w->iterations = iterations;
	w->page = sysconf(_SC_PAGESIZE);
	w->mem = mmap(NULL, 2 * w->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w->ro = mmap(NULL, w->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->mem == MAP_FAILED || w->ro == MAP_FAILED ||
	    mprotect(w->mem + w->page, w->page, PROT_NONE))
		return -1;
	for (i = 0; i < POOL_FDS; i++)
		w->pool[i] = -1;
	return 0;
}

static void worker_fini(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < POOL_FDS; i++)
		if (w->pool[i] >= 0)
			close(w->pool[i]);
	munmap(w->mem, 2 * w->page);
	munmap(w->ro, w->page);
}

/* --- the run ------------------------------------------------------------ */

static bool stable_still_works(void)
{
	struct kthing_write wr = { .index = 0, .value = 7 };
	struct kthing_read rd;

	memset(&rd, 0, sizeof(rd));
	rd.num = 1;
	return ioctl(stable_fd[2], KTHING_IOC_WRITE, &wr) == 0 && wr.value == 7 &&
	       ioctl(stable_fd[0], KTHING_IOC_READ, &rd) == 0 &&
	       rd.values[0].value == 7 && !rd.values[0].flags;
}

int main(int argc, char **argv)
{
	unsigned long iterations, calls = 0, checked = 0, mismatches = 0;
	unsigned long unexpected = 0, succeeded = 0, dead = 0;
	unsigned long by_placement[ARG_PLACEMENTS] = { 0 };
	static struct worker workers[THREADS];
	struct churn churner;
	uint64_t seed, start;
	int id, i, p;
	long rounds;

	seed = fuzz_args(argc, argv, "ioctl", &iterations);

	tap(cfs_make_virtual_thing(STABLE, 0, true) == 0, "the stable thing goes live");
	id = cfs_id(STABLE);
	for (i = 0; i < 3; i++) {
		stable_fd[i] = open_thing(id, stable_flags[i] | O_CLOEXEC);
		if (stable_fd[i] < 0)
			bail("open /dev/kthing%d", id);
	}

	churn_start(&churner, seed);
	start = now_ns();
	for (i = 0; i < THREADS; i++) {
		if (worker_init(&workers[i], seed + i, iterations / THREADS))
			bail("mmap");
		if (pthread_create(&workers[i].thread, NULL, fuzz_thread, &workers[i]))
			bail("pthread_create");
	}
	for (i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		pthread_join(w->thread, NULL);
		calls += w->calls;
		checked += w->checked;
		mismatches += w->mismatches;
		unexpected += w->unexpected;
		succeeded += w->succeeded;
		dead += w->dead;
		for (p = 0; p < ARG_PLACEMENTS; p++)
			by_placement[p] += w->by_placement[p];
		worker_fini(w);
	}

	rounds = churn_finish(&churner);

	diag("ioctl fuzz: %lu calls, seed %llu, %.1f s", calls,
	     (unsigned long long)seed, (now_ns() - start) / 1e9);
	diag("ioctl fuzz: %lu succeeded, %lu on things already gone (ENODEV), %lu predicted on the stable thing",
	     succeeded, dead, checked);
	diag("ioctl fuzz: arguments good %lu, misaligned %lu, read-only %lu, NULL %lu, unmapped %lu, straddling %lu, kernel %lu",
	     by_placement[ARG_GOOD], by_placement[ARG_MISALIGNED],
	     by_placement[ARG_READONLY], by_placement[ARG_NULL],
	     by_placement[ARG_UNMAPPED], by_placement[ARG_STRADDLE],
	     by_placement[ARG_KERNEL]);
	diag("ioctl fuzz: %ld things made live and torn down meanwhile", rounds);

	tap(calls == iterations / THREADS * THREADS, "ioctl fuzz made every call (%lu)", calls);
	tap(checked > 0 && mismatches == 0,
	    "every result on the stable thing is what the ABI says (%lu of %lu wrong)",
	    mismatches, checked);
	tap(unexpected == 0,
	    "descriptors of things that come and go give only the ABI's errnos and poll states (%lu did not)",
	    unexpected);
	tap(rounds > 0, "things went live and were torn down during the fuzzing (%ld)",
	    rounds);
	tap(stable_still_works(), "the stable thing still writes and reads");

	for (i = 0; i < 3; i++)
		close(stable_fd[i]);
	cfs_remove_virtual_thing(STABLE);
	tap(cfs_make_virtual_thing(STABLE, 5, true) == 0 && cfs_id(STABLE) >= 0,
	    "a thing still goes live after the fuzzing");
	cfs_remove_virtual_thing(STABLE);
	tap(access(CFS_ROOT "/" STABLE, F_OK) && access(CFS_ROOT "/" CHURN, F_OK),
	    "nothing of the fuzzing is left in configfs");
	return tap_failures ? 1 : 0;
}
