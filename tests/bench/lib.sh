# SPDX-License-Identifier: GPL-2.0
# Sourced by the benchmark's in-VM cases (tests/bench/cases/*): the scale
# of this run, the programs, and reading a process's CPU time, memory and
# wake-ups from /proc. Results are "BENCH {json}" lines on stdout, which
# tests/bench/run collects; TAP lines say whether each stage ran.

BENCH=$KTHING_BUILD/bench
# The optimized builds: sanitized twins would measure the sanitizers.
KTHINGD=${KTHINGD:-$KTHING_BUILD/bin/kthingd}
SHADOWD=${SHADOWD:-$KTHING_BUILD/bin/kthing-shadowd}
. tests/vm/agent-lib.sh
# Status readers that start no interpreter per call (build/vm/status_read).
. tests/vm/status-lib.sh

# The broker: mosquitto as one serving request/response traffic should be
# configured (README: Brokers), Nagle's algorithm off on its side too.
BENCH_BROKER=("allow_anonymous true" "set_tcp_nodelay true")

# The scale, written by tests/bench/run before the VM boots.
if [ -r "$BENCH/params" ]; then
	. "$BENCH/params"
else
	echo "# no $BENCH/params: run the benchmark through tests/bench/run" >&2
	exit 1
fi

# result KEY VALUE UNIT: one result line.
result() {
	printf 'BENCH {"key":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3"
}

# stage WHAT COMMAND...: run a benchmark program, its BENCH lines to stdout,
# one TAP line for whether it ran cleanly.
stage() {
	local what=$1
	shift
	if "$@" 2> "$WORK/stage.err"; then
		ok "$what"
	else
		not_ok "$what" "failed: $*" "$(tail -5 "$WORK/stage.err")"
	fi
}

# finish PID SECONDS: wait for a background program to end by itself (it
# stops once idle), at most SECONDS, then ask it to (SIGTERM); its status.
finish() {
	local end=$((SECONDS + $2))
	while kill -0 "$1" 2>/dev/null && ((SECONDS < end)); do
		sleep 0.2
	done
	kill -0 "$1" 2>/dev/null && kill -TERM "$1"
	wait "$1"
}

# profile PID SECONDS NAME: with PERF=1 in the parameters, sample PID's
# stacks for SECONDS in the background and, at profile_report, print the
# hottest symbols as comments.
profile() {
	[ "${PERF:-0}" = 1 ] || return 0
	perf record -q -F 499 -g -p "$1" -o "$WORK/$3.perf" -- sleep "$2" \
		> "$WORK/$3.perf.log" 2>&1 &
	PERF_PID=$!
}

profile_report() {
	[ -n "${PERF_PID:-}" ] || return 0
	wait "$PERF_PID"
	PERF_PID=
	perf report -q -i "$WORK/$1.perf" --stdio --no-children --sort dso,sym \
		-g none 2>&1 | grep -v '^$' | head -45 | sed "s/^/# perf $1: /"
}

# cpu_ms PID: user + system CPU time of a process and its threads, ms.
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000 / hz }' \
		"/proc/$1/stat"
}

# mem_kib PID FIELD: VmRSS or VmHWM of a process, KiB.
mem_kib() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# wakeups PID [TID]: context switches so far (each is the end of one
# stretch on a CPU: a wake-up, or a preemption) of all its threads, or of
# the thread TID.
wakeups() {
	local tasks=(/proc/"$1"/task/*)
	[ -z "${2:-}" ] || tasks=(/proc/"$1"/task/"$2")
	cat "${tasks[@]/%//status}" |
		awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }'
}

# ratio_of A B: A / B with three decimals (awk; shell has no floats).
per() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print 0; else printf "%.4f\n", a / b }'
}

# The device of the only live thing (/dev/kthingN).
thing_dev() {
	local d
	for d in /dev/kthing[0-9]*; do
		[ -c "$d" ] && { echo "$d"; return 0; }
	done
	return 1
}

cfs=/sys/kernel/config/kthing
# Times beside the TAP lines: where a slow run spends them.
TAP_TIMES=1

# The lines of the thing "env" the throughput runs toggle.
LINES=8

# make_env: the thing "env": sensors door0 .. door7 on simulated lines 0 .. 7.
make_env() {
	local t=$cfs/env i c
	mkdir "$t" || return 1
	for ((i = 0; i < LINES; i++)); do
		c=$t/door$i
		mkdir "$c" &&
			echo sensor > "$c/kind" &&
			echo bool > "$c/type" &&
			echo gpio > "$c/backend" &&
			echo kthing-sim > "$c/gpio_chip" &&
			echo "$i" > "$c/gpio_line" || return 1
	done
	echo 1 > "$t/live"
}

remove_env() {
	local t=$cfs/env i
	[ -d "$t" ] || return 0
	echo 0 > "$t/live" 2>/dev/null
	for ((i = 0; i < LINES; i++)); do
		rmdir "$t/door$i" 2>/dev/null
	done
	rmdir "$t"
}

# pull_all LEVEL: every line of env to LEVEL.
pull_all() {
	local i
	for ((i = 0; i < LINES; i++)); do
		sim_pull "$i" "$1"
	done
}

load_modules() {
	modprobe -q industrialio
	insmod "$KTHING_MODDIR/kthing.ko" && insmod "$KTHING_MODDIR/kthing_sim.ko"
}

# env_up: the modules loaded, env live with every line at 0; sets DEV.
env_up() {
	check "kthing.ko and kthing_sim.ko load" load_modules
	pull_all 0
	check "the thing env (8 GPIO inputs) goes live" make_env
	DEV=$(thing_dev)
}
