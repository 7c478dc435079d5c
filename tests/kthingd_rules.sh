#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Edge rules in kthingd against a real mosquitto on loopback, events fed
# through a FIFO: a rule on telemetry republishes with templates while the
# broker is away and the message is delivered, queued, once it is back; a
# rule on a broker topic answers; a shadow action reports; the run-time loop
# guard; SIGHUP reloads rules (a bad file is refused, counters carry over, a
# broker topic no rule takes any more is unsubscribed); the status document. (Setting actuators needs the device: the in-VM case
# tests/vm/cases/85-kthingd-rules.sh does that.)
cd "$(dirname "$0")/.." || exit 1
. tests/kthingd-lib.sh

PORT=$(free_port)
# Logging everything: the broker's log shows what it sends kthingd.
BROKER_CONF=("listener $PORT 127.0.0.1" "allow_anonymous true"
	"persistence true" "persistence_location $WORK/" "autosave_interval 0"
	"log_type all")
start_broker broker "${BROKER_CONF[@]}"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

# write_config THRESHOLD [MORE_RULES]
write_config() {
	sed -e "s/@PORT@/$PORT/" -e "s/@TH@/$1/g" -e "s|@MORE@|$2|" > "$WORK/k.json" <<'EOF'
{
  "thing_name": "dev1",
  "broker": { "uri": "mqtt://127.0.0.1:@PORT@" },
  "reconnect": { "min_ms": 100, "max_ms": 500 },
  "things": [ { "kthing": "env" } ],
  "rules": [
    { "name": "alert",
      "sql": "SELECT values.temp AS t, topic(3) AS thing, clientid() AS by FROM 'dt/kthing/+/telemetry' WHERE values.temp > @TH@",
      "actions": [ { "republish": { "topic": "alerts/${topic(3)}/${cast(values.temp AS Int)}" } },
                   { "shadow": { "name": "alerts" } } ] },
    { "name": "echo", "sql": "SELECT msg, clientid() AS by FROM 'cmd/+/echo'",
      "actions": [ { "republish": { "topic": "replies/${topic(2)}" } } ] },
    { "name": "bounce", "sql": "SELECT p FROM 'loop/a/b'",
      "actions": [ { "republish": { "topic": "loop/${p}" } } ],
      "error_action": { "republish": { "topic": "errors/${ruleName}", "qos": 0 } } }@MORE@
  ]
}
EOF
}

# collect NAME FILTER: what a persistent subscriber NAME has waiting.
collect() {
	"${SUB[@]}" -q 1 -c -i "$1" -t "$2" -v -W 2 2>/dev/null
}

write_config 30
check "--check-config accepts the rules" bash -c "\"$KTHINGD\" -t -c \"$WORK/k.json\" > /dev/null"

# Persistent subscribers, so what is delivered while they are away waits.
collect alerts 'alerts/#' > /dev/null
collect shadow '$aws/things/dev1/shadow/name/alerts/update' > /dev/null

start_kthingd k -c "$WORK/k.json"
check "kthingd connects" wait_status "$WORK/k.sock" broker.state connected 10
check "the rules are in the status" wait_status "$WORK/k.sock" rules.2.name bounce 5
check "a telemetry rule's input is telemetry" \
	[ "$(status_value "$WORK/k.sock" rules.0.input)" = telemetry ]
check "a rule on another topic's input is the broker" \
	[ "$(status_value "$WORK/k.sock" rules.1.input)" = broker ]
echo '{"event":"thing-added","thing":"env","id":0,"seq":1}' >&7
sample env 2 temp 250 -1
check "telemetry below the threshold matches nothing" \
	wait_status "$WORK/k.sock" counters.telemetry_messages 1 5
check "no rule matched" [ "$(status_value "$WORK/k.sock" counters.rules_matched)" = 0 ]

# The broker goes away; the telemetry rule still runs, its messages wait.
stop_pid "$BROKER_PID"
wait_status "$WORK/k.sock" broker.state retrying 10
sample env 3 temp 315 -1
check "offline, the telemetry rule matches" wait_status "$WORK/k.sock" rules.0.acted 1 5
check "its republish and shadow report wait in the queue with the telemetry" \
	wait_status "$WORK/k.sock" queue.messages 3 5
start_broker broker2 "${BROKER_CONF[@]}"
check "kthingd reconnects" wait_status "$WORK/k.sock" broker.state connected 15
check "the queue empties" wait_status "$WORK/k.sock" queue.messages 0 10
got=$(collect alerts 'alerts/#')
check "the republish made offline arrives, its topic filled in from the message" \
	[ "$got" = 'alerts/env/31 {"t":31.5,"thing":"env","by":"dev1"}' ]
got=$(collect shadow '$aws/things/dev1/shadow/name/alerts/update')
check "the shadow action reports the SELECT result in the named shadow" \
	[ "$got" = '$aws/things/dev1/shadow/name/alerts/update {"state":{"reported":{"t":31.5,"thing":"env","by":"dev1"}},"clientToken":"kthingd-rules"}' ]

# A rule on a broker topic, subscribed again on the new connection.
subscribe "$WORK/replies" -v -q 1 -t 'replies/#' -W 30
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/kitchen/echo -m '{"msg":"hi"}'
check "a message on a rule's topic runs it; clientid() of another client is n/a" \
	wait_for_log "$WORK/replies.raw" '^replies/kitchen {"msg":"hi","by":"n/a"}$' 10
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/kitchen/echo -m 'not json'
check "a payload that is not JSON still matches (paths are Undefined)" \
	wait_for_log "$WORK/replies.raw" '^replies/kitchen {"by":"n/a"}$' 10
stop_pid "$SUB_PID"

# The loop guard at run time, and the error action.
subscribe "$WORK/errors" -v -t 'errors/#' -W 30
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t loop/a/b -m '{"p":"a/b"}'
check "a republish that would reach its own FROM is not published" \
	wait_status "$WORK/k.sock" rules.2.failed 1 10
check "the error action publishes AWS's error document" \
	wait_for_log "$WORK/errors.raw" '^errors/bounce {"ruleName":"bounce","topic":"loop/a/b","clientId":"n/a","failures":\[{"failedAction":"republish","failedResource":"loop/${p}","errorMessage":"topic \\"loop/a/b\\" reaches rule \\"bounce\\" itself: not published, it would loop"}\]}$' 10
last_error=$(status_value "$WORK/k.sock" rules.2.last_error)
check "the failure is the rule's last error in the status" grep -q "it would loop" <<< "$last_error"
stop_pid "$SUB_PID"

# SIGHUP: a bad file is refused, the rules keep running.
cp "$WORK/k.json" "$WORK/good.json"
write_config 30 ',{"name":"broken","sql":"SELECT FROM x","actions":[{"log":{}}]}'
kill -HUP "$KTHINGD_PID"
check "a reload with a rule that does not parse is refused, naming it" \
	wait_for_log "$WORK/k.log" 'reload failed, keeping the running configuration: .*rules\[3\].sql: rule "broken": 1:8:' 5
check "the running rules stay" [ "$(status_value "$WORK/k.sock" rules.3.name 2>/dev/null)" = "" ]
NOTE=',{"name":"note","sql":"SELECT * FROM '"'"'dt/kthing/+/telemetry'"'"'","actions":[{"log":{"level":"debug"}}]}'
PING=',{"name":"ping","sql":"SELECT * FROM '"'"'cmd/+/ping'"'"'","actions":[{"republish":{"topic":"replies/${topic(2)}/pong"}}]}'
write_config 20 "$NOTE$PING"
kill -HUP "$KTHINGD_PID"
check "a good reload runs the new rules" wait_status "$WORK/k.sock" rules.3.name note 5
check "a rule that kept its name kept its counters" \
	[ "$(status_value "$WORK/k.sock" rules.0.matched)" = 1 ]
sample env 4 temp 250 -1
check "the new threshold applies" wait_status "$WORK/k.sock" rules.0.matched 2 5
check "the new rule runs" wait_status "$WORK/k.sock" rules.3.matched 1 5
check "the totals are among the agent's counters" \
	[ "$(status_value "$WORK/k.sock" counters.rules_failed)" = 1 ]

# A broker topic a reload added is subscribed; one a reload drops is
# unsubscribed, and one it keeps still works.
# sent_to_kthingd TOPIC: whether the broker sent kthingd a message on TOPIC.
sent_to_kthingd() {
	grep -q "Sending PUBLISH to dev1 .*'$1'" "$WORK/broker2.log"
}
not() {
	! "$@"
}
subscribe "$WORK/replies2" -v -q 1 -t 'replies/#' -W 60
check "a reload that adds a rule on a broker topic subscribes to it" \
	wait_for_log "$WORK/broker2.log" '^[0-9]*: dev1 1 cmd/+/ping$' 10
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/a/ping -m '{}'
check "the added rule answers" wait_for_log "$WORK/replies2.raw" '^replies/a/pong {}$' 10
write_config 20 "$NOTE"
kill -HUP "$KTHINGD_PID"
check "a reload that drops the last rule on a broker topic unsubscribes from it" \
	wait_for_log "$WORK/k.log" 'the broker acknowledged unsubscribing from cmd/+/ping' 10
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/b/ping -m '{}'
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/b/echo -m '{"msg":"kept"}'
check "a broker topic the reload kept still runs its rule" \
	wait_for_log "$WORK/replies2.raw" '^replies/b {"msg":"kept","by":"n/a"}$' 10
check "the broker log shows what it sends kthingd" sent_to_kthingd cmd/b/echo
# Sent in order: had the broker sent the dropped topic's message, it would
# have done so before the kept one's.
check "the broker no longer sends kthingd the dropped topic's messages" \
	not sent_to_kthingd cmd/b/ping
check "nothing answered on the dropped topic" not grep -q '^replies/b/pong' "$WORK/replies2.raw"
stop_pid "$SUB_PID"

kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
check "kthingd stops cleanly" [ $? -eq 0 ]
no_sanitizer_reports "$WORK/k.log"
[ "$TAP_FAILED" -eq 0 ] || sed 's/^/# /' "$WORK/k.log" | tail -30
echo "1..$TAP_N"
