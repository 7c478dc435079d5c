#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The broker killed (SIGKILL) and restarted twice while kthingd relays
# telemetry at a steady rate with QoS 1: a subscriber with a persistent
# session receives every per-thing sequence number, in order; nothing is
# dropped, and what piled up while the broker was away is delivered.
cd "$KTHING_SRC" || exit 1
. tests/vm/fault-lib.sh

ROUNDS=2
paho_leaks_expected
load_modules
start_persistent_broker
subscribe "$WORK/telemetry" -c -i fault-subscriber -q 1 -t dt/kthing/load/telemetry

cat > "$WORK/k.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT","keepalive_s":5},"thing_name":"dev1",
 "reconnect":{"min_ms":100,"max_ms":500}}
EOF
check "kthingd connects" start_agent k
# Three sensors each reported every 100 ms: 30 messages a second.
check "a thing reporting three sensors every 100 ms goes live" make_load_thing load 3 100
check "telemetry flows" wait_status_min "$AGENT_SOCK" counters.telemetry_messages 40 30

for ((round = 1; round <= ROUNDS; round++)); do
	fault "broker killed with SIGKILL under load (round $round)"
	kill -KILL "$BROKER_PID"
	wait "$BROKER_PID" 2>/dev/null
	check "round $round: kthingd notices the broker is gone" \
		wait_until 30 stat_differs broker.state connected
	check "round $round: telemetry piles up in the offline queue" \
		wait_status_min "$AGENT_SOCK" queue.messages 40 30
	queued=$(stat_of queue.messages)
	check "round $round: the broker comes back" restart_broker
	check "round $round: kthingd reconnects" wait_status "$AGENT_SOCK" broker.state connected 30
	check "round $round: the backlog is delivered" \
		wait_until 60 stat_below queue.messages 20
	echo "# round $round: $queued message(s) queued while the broker was down"
	wait_more counters.telemetry_messages 40 30
done

# Stop the load, let everything be acknowledged, then count.
all_delivered "$WORK/telemetry" "every sequence number arrived, in order"
check "nothing was dropped" [ "$(stat_of counters.dropped)" = 0 ]
check "one reconnection per broker restart" [ "$(stat_of counters.reconnects)" = "$ROUNDS" ]
echo "# telemetry messages: $LAST; acknowledged: $(stat_of counters.acknowledged); published: $(stat_of counters.published)"
check "kthingd stops cleanly" stop_agent
fault_finish
