#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Edge rules in kthingd, all in the guest: --check-config stops at a rule
# that does not parse and at one that feeds itself; a rule turns a simulated
# GPIO output (the fan) on when the simulated IIO temperature crosses 30 °C,
# and off again, with the broker stopped; a republish with ${...} templates
# reaches a subscriber; a rule on a broker topic answers. The run-time loop
# guard, reload and status are in 86-kthingd-rules-reload.sh.
cd "$KTHING_SRC" || exit 1
. tests/vm/rules-lib.sh

rules_setup

# --check-config compiles every rule and runs the loop guard.
write_config "$WORK/bad-sql.json" 30 \
	',{"name":"typo","sql":"SELECT * FORM x","actions":[{"log":{}}]}'
out=$("$KTHINGD" -t -c "$WORK/bad-sql.json" 2>&1)
rc=$?
check "a rule that does not parse stops --check-config (status 2)" [ $rc -eq 2 ]
check "with the rule's name and position" \
	grep -q 'rules\[4\].sql: rule "typo": 1:10: expected FROM' <<< "$out"
write_config "$WORK/loop.json" 30 \
	',{"name":"self","sql":"SELECT * FROM '"'"'dt/kthing/+/x'"'"'","actions":[{"republish":{"topic":"dt/kthing/${topic(3)}/x"}}]}'
out=$("$KTHINGD" -t -c "$WORK/loop.json" 2>&1)
rc=$?
check "a rule whose republish feeds its own FROM is refused (status 2)" [ $rc -eq 2 ]
check "naming the action and the loop" \
	grep -q 'rules\[4\].actions\[0\].republish: publishes to .* rule "self" would trigger itself' \
	<<< "$out"

check "the rule on the first telemetry keeps the fan off at 20 °C" \
	wait_status_min "$WORK/k.sock" rules.0.acted 1 20
check "the fan line is low" [ "$(sim_value $FAN_LINE)" = 0 ]

# The broker goes away: the rules keep acting on the device.
stop_pid "$BROKER_PID"
check "the broker is gone" wait_status "$WORK/k.sock" broker.state retrying 20
temperature 35000
check "with the broker stopped, 35 °C turns the fan on" wait_line 1 30
temperature 22000
check "and 22 °C turns it off again" wait_line 0 30
check "the alert waits in the offline queue with the telemetry" \
	wait_status_min "$WORK/k.sock" queue.messages 2 5

start_broker broker2 "listener $PORT 127.0.0.1" "allow_anonymous true"
check "kthingd reconnects" wait_status "$WORK/k.sock" broker.state connected 30

# A republish with templates reaches a subscriber.
subscribe "$WORK/alerts" -v -q 1 -t 'alerts/#' -W "$(scaled 90)"
temperature 36500
check "the alert is republished to alerts/\${topic(3)}/hot with the SELECT result" \
	wait_message "$WORK/alerts" 'alerts/greenhouse/hot {"t":36.5,"thing":"greenhouse"}' 30
stop_pid "$SUB_PID"
check "the fan is on again" wait_line 1 20

# A rule on a broker topic: kthingd subscribed to its FROM on connecting.
subscribe "$WORK/replies" -v -q 1 -t 'replies/#' -W "$(scaled 90)"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/greenhouse/echo -m '{"msg":"hi"}'
check "a message on a subscribed topic runs its rule" \
	wait_message "$WORK/replies" 'replies/greenhouse/hi {"msg":"hi"}' 30
stop_pid "$SUB_PID"
fan=$(status_value "$WORK/k.sock" rules.0)
check "the fan rule acted every time, without a failure" \
	[ "$(jq '.acted >= 4 and .failed == 0' <<< "$fan")" = true ]

rules_finish
