#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd on the real module: a kthing_sim GPIO input driven from debugfs
# arrives at a mosquitto subscriber as exactly the expected telemetry with
# contiguous sequence numbers; the modules unloaded and reloaded while the
# agent runs: it keeps its broker session and re-attaches when the thing
# returns.
cd "$KTHING_SRC" || exit 1
. tests/vm/agent-lib.sh

make_thing() {
	local t=$cfs/env
	mkdir "$t" "$t/door" &&
		echo sensor > "$t/door/kind" &&
		echo bool > "$t/door/type" &&
		echo gpio > "$t/door/backend" &&
		echo kthing-sim > "$t/door/gpio_chip" &&
		echo 0 > "$t/door/gpio_line" &&
		echo 1 > "$t/live"
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	unload_all
	cleanup
}
trap vm_cleanup EXIT

modprobe -q industrialio
check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
sim_pull 0 0
check "a thing with a GPIO input goes live" make_thing

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

subscribe "$WORK/telemetry" -q 1 -t dt/kthing/env/telemetry -C 5 -W "$(scaled 120)"

"$KTHINGD" -b "mqtt://127.0.0.1:$PORT" -n dev1 -S "$WORK/k.sock" -l debug \
	>> "$WORK/k.log" 2>&1 &
KTHINGD_PID=$!
PIDS+=("$KTHINGD_PID")
check "kthingd connects" wait_status "$WORK/k.sock" broker.state connected 20
check "it follows the thing" wait_status "$WORK/k.sock" things.0.kthing env 10
wait_status "$WORK/k.sock" counters.telemetry_messages 1 10

# The snapshot at start, then one message per edge.
sim_pull 0 1
wait_status "$WORK/k.sock" counters.telemetry_messages 2 10
sim_pull 0 0
wait_status "$WORK/k.sock" counters.telemetry_messages 3 10

# Unload both modules under the running agent, then bring them back.
remove_thing env
rmmod kthing_sim
rmmod kthing
check "the thing is gone from the status" wait_status "$WORK/k.sock" things.0.id null 10
insmod "$KTHING_SRC/kthing_sim.ko" 2>/dev/null
insmod "$KTHING_SRC/kthing.ko"
insmod "$KTHING_SRC/kthing_sim.ko" 2>/dev/null
sim_pull 0 1
check "the thing comes back after the modules are reloaded" make_thing
check "the agent re-attaches and publishes the current value" \
	wait_status "$WORK/k.sock" counters.telemetry_messages 4 20
sim_pull 0 0
wait "$SUB_PID"
messages "$WORK/telemetry" > "$WORK/telemetry.txt"

expected='{"thing":"env","seq":1,"values":{"door":false}}
{"thing":"env","seq":2,"values":{"door":true}}
{"thing":"env","seq":3,"values":{"door":false}}
{"thing":"env","seq":4,"values":{"door":true}}
{"thing":"env","seq":5,"values":{"door":false}}'
got=$(strip_ts < "$WORK/telemetry.txt")
if [ "$got" = "$expected" ]; then
	ok "driven edges arrive as exactly the expected telemetry, seq 1..5"
else
	not_ok "driven edges arrive as exactly the expected telemetry, seq 1..5" "$got"
fi
check "the broker session was kept throughout" \
	[ "$(status_value "$WORK/k.sock" counters.connects)" = 1 ]
check "no events were lost" [ "$(status_value "$WORK/k.sock" counters.lost)" = 0 ]

kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
check "kthingd stops cleanly" [ $? -eq 0 ]
KTHINGD_PID=
no_sanitizer_reports "$WORK/k.log"
[ "$TAP_FAILED" -eq 0 ] || sed 's/^/# /' "$WORK/k.log" | tail -30
check "the modules unload" unload_all
echo "1..$TAP_N"
