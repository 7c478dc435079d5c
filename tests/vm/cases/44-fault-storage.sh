#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd's persistence directory (queue.state_dir) unusable:
#  - on a read-only file system, and on a full one, at start: a clear error
#    naming the directory, and the agent relays from memory;
#  - filling up while the agent runs, with the broker down meanwhile: one
#    error (not one per message), the queue goes on in memory and delivers
#    everything in order, and storing resumes once there is room again.
cd "$KTHING_SRC" || exit 1
. tests/vm/fault-lib.sh

paho_leaks_expected
load_modules
PORT=$(free_port)
mkdir -p "$WORK/mq"
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"persistence true" "persistence_location $WORK/mq/" \
	"autosave_interval 1" "autosave_on_changes true" "max_queued_messages 0"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
check "a thing reporting two sensors every 100 ms goes live" make_load_thing load 2 100

# small_fs DIR SIZE: a tmpfs of SIZE at DIR, unmounted at the end.
small_fs() {
	mkdir -p "$1" && mount -t tmpfs -o "size=$2" kthing-test "$1" && MOUNTS+=("$1")
}

# agent_config NAME STATE_DIR
agent_config() {
	cat > "$WORK/$1.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT","keepalive_s":5},"thing_name":"dev1",
 "reconnect":{"min_ms":100,"max_ms":500},"queue":{"state_dir":"$2"}}
EOF
}

# fill DIR: write zeros until the file system is full. A running kthingd
# frees blocks as its messages are acknowledged, so fill again until none
# is left.
fill() {
	local i
	for ((i = 0; i < 20; i++)); do
		dd if=/dev/zero of="$1/filler.$i" bs=4k 2> /dev/null
		[ "$(df --output=avail "$1" | tail -1)" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- read-only at start ------------------------------------------------
check "a read-only file system" small_fs "$WORK/ro" 1m
mount -o remount,ro "$WORK/ro"
fault "queue.state_dir on a read-only file system"
agent_config ro "$WORK/ro/state"
check "kthingd starts and connects" start_agent ro
check "the error names the directory and the problem" \
	grep -q "queue.state_dir: $WORK/ro/state: Read-only file system; keeping the offline queue in memory only" "$AGENT_LOG"
check "the status says the queue is not on disk" [ "$(stat_of queue.persistent)" = false ]
check "telemetry is relayed" wait_status_min "$AGENT_SOCK" counters.acknowledged 10 30
check "kthingd stops cleanly" stop_agent

# ---- full at start -----------------------------------------------------
check "a small file system" small_fs "$WORK/full" 256k
check "filled up" fill "$WORK/full"
fault "queue.state_dir on a full file system"
agent_config full "$WORK/full/state"
check "kthingd starts and connects" start_agent full
check "the error names the directory and the problem" \
	grep -q "queue.state_dir: $WORK/full/state.*: .*; keeping the offline queue in memory only" "$AGENT_LOG"
grep "keeping the offline queue in memory only" "$AGENT_LOG" | sed 's/^/# /' 
check "the status says the queue is not on disk" [ "$(stat_of queue.persistent)" = false ]
check "telemetry is relayed" wait_status_min "$AGENT_SOCK" counters.acknowledged 10 30
check "kthingd stops cleanly" stop_agent

# ---- filling up while running, the broker down meanwhile ---------------
check "a file system with room for the queue's log" small_fs "$WORK/small" 1m
subscribe "$WORK/telemetry" -c -i storage-subscriber -q 1 -t dt/kthing/load/telemetry
agent_config run "$WORK/small/state"
check "kthingd starts with the queue on disk" start_agent run
check "the status says the queue is on disk" [ "$(stat_of queue.persistent)" = true ]
check "telemetry is relayed" wait_status_min "$AGENT_SOCK" counters.acknowledged 10 30
fault "queue.state_dir fills up while kthingd runs"
check "the file system fills up" fill "$WORK/small"
fault "broker killed while the disk is full"
kill -KILL "$BROKER_PID"
wait "$BROKER_PID" 2> /dev/null
check "telemetry piles up in memory" wait_status_min "$AGENT_SOCK" queue.messages 40 30
check "one error says the disk refuses messages" \
	wait_for_log "$AGENT_LOG" "offline queue: cannot .* on disk: .*full" 10
errors=$(grep -c "^<3>offline queue: cannot .* on disk" "$AGENT_LOG")
check "said once, not once per message ($errors)" [ "$errors" = 1 ]
check "kthingd is still running" kill -0 "$KTHINGD_PID"
check "the broker comes back" restart_broker
check "the backlog is delivered from memory" wait_status "$AGENT_SOCK" queue.messages 0 60
rm -f "$WORK/small"/filler.*
check "storing resumes once there is room again" \
	wait_for_log "$AGENT_LOG" "offline queue: the disk takes messages again" 20
all_delivered "$WORK/telemetry" "every message arrived, in order"
check "nothing was dropped" [ "$(stat_of counters.dropped)" = 0 ]
check "kthingd stops cleanly" stop_agent
fault_finish
