#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel-side faults under a running kthingd:
#  - the modules unloaded while a thing reports at a steady rate, twice:
#    kthingd survives, keeps its broker session, re-attaches when the
#    module returns, and no telemetry message is lost across the reloads;
#  - a netlink event flood: kthingd stopped (SIGSTOP) while thousands of
#    actuator writes overflow its event socket (ENOBUFS) and a sensor
#    changes; after SIGCONT the loss is counted and the sensor's current
#    value is published again from a re-read.
cd "$KTHING_SRC" || exit 1
. tests/vm/fault-lib.sh

ROUNDS=2
FLOOD=4000
load_modules
PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
subscribe "$WORK/load" -q 1 -t dt/kthing/load/telemetry
subscribe "$WORK/flood" -q 1 -t dt/kthing/flood/telemetry

cat > "$WORK/k.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1","shadow":{"enabled":false}}
EOF
check "kthingd connects" start_agent k
check "a thing reporting three sensors every 100 ms goes live" make_load_thing load 3 100
check "telemetry flows" wait_status_min "$AGENT_SOCK" counters.telemetry_messages 20 30

# ---- the modules unloaded under load -----------------------------------
for ((round = 1; round <= ROUNDS; round++)); do
	fault "kthing_sim unloaded under a reporting thing (round $round)"
	rmmod kthing_sim
	# A live thing pins kthing.ko (configfs): take it down, unload at once.
	fault "thing taken down and kthing.ko unloaded under load (round $round)"
	remove_thing load && rmmod kthing
	check "round $round: the modules are gone" \
		eval '! grep -q "^kthing" /proc/modules'
	check "round $round: kthingd sees the thing gone" \
		wait_status "$AGENT_SOCK" things.0.id null 20
	check "round $round: kthingd is still running" kill -0 "$KTHINGD_PID"
	insmod "$KTHING_SRC/kthing.ko" && insmod "$KTHING_SRC/kthing_sim.ko"
	check "round $round: the modules load again and the thing returns" \
		make_load_thing load 3 100
	check "round $round: kthingd re-attaches and relays again" \
		wait_more counters.telemetry_messages 20 30
done
check "the broker session was kept throughout" [ "$(stat_of counters.connects)" = 1 ]
all_delivered "$WORK/load" "no telemetry message was lost across the reloads"

# ---- a netlink event flood ---------------------------------------------
make_flood_thing() {
	local t=$cfs/flood
	mkdir "$t" "$t/door" "$t/switch" &&
		echo sensor > "$t/door/kind" &&
		echo bool > "$t/door/type" &&
		echo gpio > "$t/door/backend" &&
		echo kthing-sim > "$t/door/gpio_chip" &&
		echo 0 > "$t/door/gpio_line" &&
		echo actuator > "$t/switch/kind" &&
		echo bool > "$t/switch/type" &&
		echo virtual > "$t/switch/backend" &&
		echo 1 > "$t/live"
}
sim_pull 0 0
check "a thing with a door contact and a switch goes live" make_flood_thing
check "its door is published" wait_until 30 seq_reaches "$WORK/flood" flood 1
lost=$(stat_of counters.lost)
resyncs=$(stat_of counters.resyncs)
fault "kthingd stopped (SIGSTOP) while events overflow its socket"
kill -STOP "$KTHINGD_PID"
# Write until the kernel drops events on kthingd's sockets: how many fit
# depends on the buffer size kthingd asks for and on the kernel.
flood_until_dropped() {
	local i
	for ((i = 0; i < 10; i++)); do
		"$KTHING_BUILD/vm/kthingctl_flood" flood switch "$FLOOD" || return 1
		FLOODED=$((FLOODED + FLOOD))
		[ "$(netlink_drops "$KTHINGD_PID")" -gt 0 ] && return 0
	done
	return 1
}
FLOODED=0
check "actuator writes while kthingd is stopped overflow its socket" flood_until_dropped
# The door opens while the socket is full: only a re-read can tell.
sim_pull 0 1
kill -CONT "$KTHINGD_PID"
lost_counted() {
	wait_status_min "$AGENT_SOCK" counters.lost $((lost + 1)) 60 || { agent_diag; return 1; }
}
check "the overflow is counted as lost events" lost_counted
check "and followed by a re-read" \
	wait_status_min "$AGENT_SOCK" counters.resyncs $((resyncs + 1)) 30
last_door() {
	messages "$WORK/flood" | tail -1 | grep -q '"door":true'
}
check "the door's current value is published again" wait_until 30 last_door
echo "# flood: $FLOODED events, $(netlink_drops "$KTHINGD_PID") dropped by the kernel; lost counted: $(stat_of counters.lost) (was $lost);" \
	"re-reads: $(stat_of counters.resyncs); events received: $(stat_of counters.events)"
sim_pull 0 0
check "events flow again after the flood" wait_until 30 bash -c \
	"grep -v -e '^Client ' -e '^Subscribed ' '$WORK/flood.raw' | tail -1 | grep -q '\"door\":false'"
check "kthingd is still connected" [ "$(stat_of broker.state)" = connected ]
check "kthingd stops cleanly" stop_agent
fault_finish
