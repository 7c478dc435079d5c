# SPDX-License-Identifier: GPL-2.0
# Sourced by the fault and load cases (tests/vm/cases/4*-fault-*.sh, 49-soak):
# things that report at a steady rate, a mosquitto that keeps its sessions
# across a kill, kthingd runs from a configuration, and the checks of what a
# subscriber received. Every case counts the faults it injects in FAULTS and
# prints the figures as TAP comments.
. tests/vm/agent-lib.sh
. tests/vm/status-lib.sh
# Each result says when it was reached: the cases must fit the case time limit.
TAP_TIMES=1
FAULTS=0
THINGS=()
MOUNTS=()

# make_load_thing NAME CHANNELS INTERVAL_MS: a thing of CHANNELS thermal
# sensors on kthing_sim (t0, t1, ...), each reported every INTERVAL_MS by the
# kernel (100 ms at least), changed or not; the deadband keeps polling from
# adding samples, so the rate is steady: CHANNELS * 1000 / INTERVAL_MS a second.
make_load_thing() {
	local t=$cfs/$1 i c
	mkdir "$t" || return 1
	THINGS+=("$1")
	for ((i = 0; i < $2; i++)); do
		c=$t/t$i
		mkdir "$c" &&
			echo sensor > "$c/kind" &&
			echo thermal > "$c/backend" &&
			echo kthing-sim > "$c/thermal_zone" &&
			echo -3 > "$c/exponent" &&
			echo 1000000 > "$c/deadband" &&
			echo "$3" > "$c/report_interval_ms" || return 1
	done
	echo 1 > "$t/live"
}

fault_cleanup() {
	local m
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	[ -n "$SHADOWD_PID" ] && kill -TERM "$SHADOWD_PID" 2>/dev/null && wait "$SHADOWD_PID"
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	unload_all
	cleanup
}
trap fault_cleanup EXIT

load_modules() {
	modprobe -q industrialio
	check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
	check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
}

# paho_leaks_expected: the broker will be killed under load; do not report
# the library's own leaks (tests/vm/paho-leaks.supp says which and why).
paho_leaks_expected() {
	export LSAN_OPTIONS=suppressions=$KTHING_SRC/tests/vm/paho-leaks.supp:print_suppressions=0
}

# fault WHAT: one more fault injected, said in the log for whoever reads it.
fault() {
	FAULTS=$((FAULTS + 1))
	echo "# fault $FAULTS: $1"
}

# start_persistent_broker: mosquitto on a free port that saves its sessions
# and queued messages at every change, so a SIGKILL loses no subscription.
start_persistent_broker() {
	PORT=$(free_port)
	mkdir -p "$WORK/mq"
	start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
		"persistence true" "persistence_location $WORK/mq/" \
		"autosave_interval 1" "autosave_on_changes true" \
		"max_queued_messages 0"
	SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
}

# restart_broker: the same broker again, on the same port and sessions.
restart_broker() {
	local runs
	runs=$(grep -c "mosquitto version .* running" "$WORK/broker.log")
	mosquitto -c "$WORK/broker.conf" >> "$WORK/broker.log" 2>&1 &
	BROKER_PID=$!
	PIDS+=("$BROKER_PID")
	local i
	for ((i = 0; i < 200 * KTHING_VM_TIME_SCALE; i++)); do
		[ "$(grep -c "mosquitto version .* running" "$WORK/broker.log")" -gt "$runs" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# start_agent NAME [BINARY]: kthingd with $WORK/NAME.json, status on
# $WORK/NAME.sock, log in $WORK/NAME.log; sets KTHINGD_PID, AGENT_SOCK and
# waits for the broker connection.
start_agent() {
	local bin=${2:-$KTHINGD}
	AGENT_SOCK=$WORK/$1.sock
	AGENT_LOG=$WORK/$1.log
	"$bin" -c "$WORK/$1.json" -S "$AGENT_SOCK" -l debug >> "$AGENT_LOG" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	wait_status "$AGENT_SOCK" broker.state connected 30
}

stop_agent() {
	local rc
	kill -TERM "$KTHINGD_PID"
	if ! wait_until 30 agent_exited; then
		agent_diag
		kill -KILL "$KTHINGD_PID"
	fi
	wait "$KTHINGD_PID"
	rc=$?
	KTHINGD_PID=
	return $rc
}

agent_exited() {
	! kill -0 "$KTHINGD_PID" 2>/dev/null ||
		grep -q '^State:.*zombie' "/proc/$KTHINGD_PID/status" 2>/dev/null
}

# agent_diag: what a kthingd that does not answer is doing, as TAP comments.
agent_diag() {
	local t
	[ -n "$KTHINGD_PID" ] && [ -d "/proc/$KTHINGD_PID" ] || return 0
	echo "# kthingd $(grep '^State:' "/proc/$KTHINGD_PID/status")"
	for t in "/proc/$KTHINGD_PID"/task/*; do
		echo "# thread $(cat "$t/comm") waits in $(cat "$t/wchan"); $(grep '^State:' "$t/status")"
	done
	tail -20 "$AGENT_LOG" | sed 's/^/# /'
}

# start_shadowd: kthing-shadowd on the broker, its store in $WORK; sets
# SHADOWD_PID and waits until it serves (once more than before).
start_shadowd() {
	local runs
	cat > "$WORK/shadowd.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"store":{"path":"$WORK/shadows.db"},
 "status":{"topic":null}}
EOF
	runs=$(grep -c "subscribed to the shadow request topics" "$WORK/shadowd.log" 2>/dev/null)
	"$SHADOWD" -c "$WORK/shadowd.json" -v >> "$WORK/shadowd.log" 2>&1 &
	SHADOWD_PID=$!
	PIDS+=("$SHADOWD_PID")
	wait_until 30 log_count_above "$WORK/shadowd.log" \
		"subscribed to the shadow request topics" "${runs:-0}"
}

# log_count_above FILE REGEX N: FILE has more than N lines matching REGEX.
log_count_above() {
	[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -gt "$3" ]
}

# stop_pid_status PID: SIGTERM, then whether it exited with 0.
stop_pid_status() {
	kill -TERM "$1" && wait "$1"
}

# stat_of PATH: a value of the running agent's status document.
stat_of() {
	status_value "$AGENT_SOCK" "$1"
}

# stat_differs PATH VALUE, stat_below PATH N: for wait_until.
stat_differs() {
	local v
	v=$(stat_of "$1") && [ "$v" != "$2" ]
}

stat_below() {
	local v
	v=$(stat_of "$1") && [ "$v" -lt "$2" ]
}

# wait_more PATH N SECONDS: wait for a counter to grow by N from now.
wait_more() {
	local from
	from=$(stat_of "$1") || return 1
	wait_status_min "$AGENT_SOCK" "$1" $((from + $2)) "$3"
}

# wait_until SECONDS COMMAND...: poll COMMAND until it succeeds (SECONDS
# scaled for a slow kernel, as every wait: tests/vm/time-lib.sh).
wait_until() {
	local end=$((SECONDS + $1 * KTHING_VM_TIME_SCALE))
	shift
	while ((SECONDS < end)); do
		"$@" && return 0
		sleep "$KTHING_VM_POLL_S"
	done
	"$@"
}

# seq_check FILE THING LAST: the telemetry a subscribe()d client received
# for THING holds every seq from 1 to LAST, each first seen in order
# (QoS 1 may repeat a message, never lose or reorder one). Prints the
# figures as "key=value" words.
seq_check() {
	messages "$1" | /usr/bin/python3 -c '
import json, sys
thing, last = sys.argv[1], int(sys.argv[2])
seen, order, dups, bad = set(), [], 0, 0
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        bad += 1
        continue
    if m.get("thing") != thing:
        continue
    s = m["seq"]
    if s in seen:
        dups += 1
        continue
    seen.add(s)
    order.append(s)
missing = sorted(set(range(1, last + 1)) - seen)
reordered = sum(1 for a, b in zip(order, order[1:]) if b < a)
extra = sorted(s for s in seen if s > last)
print("received=%d unique=%d duplicates=%d missing=%d reordered=%d beyond=%d unreadable=%d"
      % (len(order) + dups, len(order), dups, len(missing), reordered, len(extra), bad))
if missing:
    print("first missing: %s" % missing[:20])
sys.exit(0 if not missing and not reordered and not extra and not bad else 1)
' "$2" "$3"
}

# max_seq FILE THING: the highest seq received for THING (0: none).
max_seq() {
	messages "$1" | jq -Rn --arg t "$2" \
		'[inputs | fromjson? | select(.thing == $t) | .seq] | max // 0'
}

# seq_reaches FILE THING N: for wait_until.
seq_reaches() {
	[ "$(max_seq "$1" "$2")" -ge "$3" ]
}

# all_delivered FILE WHAT: the thing "load" taken down and everything
# acknowledged, the subscriber's FILE must hold every telemetry message of
# it, 1 to the last, each first seen in order (the check WHAT). Sets LAST
# and prints the figures.
all_delivered() {
	remove_thing load
	check "everything is acknowledged" wait_status "$AGENT_SOCK" queue.messages 0 60
	LAST=$(stat_of counters.telemetry_messages)
	check "the subscriber receives up to the last message ($LAST)" \
		wait_until 90 seq_reaches "$1" load "$LAST"
	FIGURES=$(seq_check "$1" load "$LAST")
	check "$2" [ $? = 0 ]
	echo "# $FIGURES"
}

# netlink_drops PID: notifications the kernel dropped on PID's netlink
# sockets because they were full.
netlink_drops() {
	local inodes
	inodes=$(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p')
	awk -v inodes=" $(echo $inodes) " 'NR > 1 && index(inodes, " " $10 " ") { sum += $9 }
		END { print sum + 0 }' /proc/net/netlink
}

# rss_kb PID: resident memory in kB.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# fault_finish: the figures, sanitizer reports, the modules unloaded, the plan.
fault_finish() {
	echo "# faults injected: $FAULTS"
	no_sanitizer_reports "$WORK"/*.log
	[ "$TAP_FAILED" -eq 0 ] || for log in "$WORK"/*.log; do
		echo "# --- $log"
		tail -40 "$log" | sed 's/^/# /'
	done
	grep -q '^kthing' /proc/modules && check "the modules unload" unload_all
	echo "1..$TAP_N"
}
