#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Edge rules in kthingd, all in the guest: a rule turns a simulated GPIO
# output (the fan) on when the simulated IIO temperature crosses 30 °C, and
# off again, with the broker stopped; a republish with ${...} templates
# reaches a subscriber; a rule on a broker topic answers; the loop guard
# refuses a configuration whose rule feeds itself, and stops at run time a
# republish that would loop; a bad SIGHUP reload is refused and the old
# rules keep running, a good one changes the threshold and keeps counters;
# kthingctl status shows the rules.
cd "$KTHING_SRC" || exit 1
. tests/kthingd-lib.sh
. tests/vm/sim-lib.sh
# sim-lib's TAP helpers would restart the numbering: use kthingd-lib's.
unset -f check is
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what" "failed: $*"; fi
}

KTHINGCTL=build/san/bin/kthingctl
[ -x "$KTHINGCTL" ] || KTHINGCTL=build/bin/kthingctl
cfs=/sys/kernel/config/kthing
FAN_LINE=2

# greenhouse: a temperature from the sim's IIO device (°C, one decimal),
# and a fan on a simulated GPIO output.
make_thing() {
	local t=$cfs/greenhouse
	mkdir "$t" "$t/temp" "$t/fan" &&
		echo sensor > "$t/temp/kind" &&
		echo iio > "$t/temp/backend" &&
		echo kthing-sim-env > "$t/temp/iio_device" &&
		echo temp > "$t/temp/iio_channel" &&
		echo -1 > "$t/temp/exponent" &&
		echo degC > "$t/temp/unit" &&
		echo 200 > "$t/temp/sample_period_ms" &&
		echo actuator > "$t/fan/kind" &&
		echo bool > "$t/fan/type" &&
		echo gpio > "$t/fan/backend" &&
		echo kthing-sim > "$t/fan/gpio_chip" &&
		echo $FAN_LINE > "$t/fan/gpio_line" &&
		echo 1 > "$t/live"
}

unload_all() {
	local t=$cfs/greenhouse
	if [ -d "$t" ]; then
		echo 0 > "$t/live" 2>/dev/null
		rmdir "$t/temp" "$t/fan" "$t" 2>/dev/null
	fi
	[ -d "$sim_debugfs" ] && echo auto > "$sim_debugfs/iio/temp"
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	grep -q '^kthing ' /proc/modules && rmmod kthing
	return 0
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	unload_all
	cleanup
}
trap vm_cleanup EXIT

# write_config FILE THRESHOLD [MORE_RULES]: the agent's configuration.
write_config() {
	sed -e "s/@PORT@/$PORT/" -e "s/@TH@/$2/g" -e "s|@MORE@|$3|" > "$1" <<'EOF'
{
  "broker": { "uri": "mqtt://127.0.0.1:@PORT@" },
  "reconnect": { "min_ms": 100, "max_ms": 500 },
  "things": [ { "kthing": "greenhouse" } ],
  "rules": [
    { "name": "fan",
      "sql": "SELECT values.temp > @TH@ AS fan FROM 'dt/kthing/+/telemetry' WHERE NOT isUndefined(values.temp)",
      "actions": [ { "set": { "channel": "fan", "value": "fan" } } ],
      "error_action": { "log": { "level": "error", "message": "fan: ${failures[0].errorMessage}" } } },
    { "name": "alert",
      "sql": "SELECT values.temp AS t, topic(3) AS thing FROM 'dt/kthing/+/telemetry' WHERE values.temp > @TH@",
      "actions": [ { "republish": { "topic": "alerts/${topic(3)}/hot" } },
                   { "log": { "message": "hot: ${values.temp}" } } ] },
    { "name": "echo", "sql": "SELECT msg FROM 'cmd/+/echo'",
      "actions": [ { "republish": { "topic": "replies/${topic(2)}/${msg}" } } ] },
    { "name": "bounce", "sql": "SELECT p FROM 'loop/a/b'",
      "actions": [ { "republish": { "topic": "loop/${p}" } } ] }@MORE@
  ]
}
EOF
}

# wait_line LEVEL SECONDS: the fan's line reaches LEVEL.
wait_line() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(sim_value $FAN_LINE)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# line $FAN_LINE is $(sim_value $FAN_LINE), expected $1" >&2
	return 1
}

# wait_message FILE LINE SECONDS: a subscribe()d client printed LINE.
wait_message() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		messages "$1" | grep -qxF -- "$2" && return 0
		sleep 0.1
	done
	echo "# got: $(messages "$1" | head -5)" >&2
	return 1
}

temperature() {
	echo "$1" > "$sim_debugfs/iio/temp"
}

modprobe -q industrialio
check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
temperature 20000
check "a thing with an IIO temperature and a GPIO fan goes live" make_thing

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

# --check-config compiles every rule and runs the loop guard.
write_config "$WORK/kthingd.json" 30
check "--check-config accepts the rules" "$KTHINGD" -t -c "$WORK/kthingd.json"
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

"$KTHINGD" -c "$WORK/kthingd.json" -S "$WORK/k.sock" -l debug >> "$WORK/k.log" 2>&1 &
KTHINGD_PID=$!
PIDS+=("$KTHINGD_PID")
check "kthingd connects" wait_status "$WORK/k.sock" broker.state connected 30
check "its rules are in the status" wait_status "$WORK/k.sock" rules.3.name bounce 5
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
check "the fan rule acted each time" wait_status_min "$WORK/k.sock" rules.0.acted 3 5
check "the alert waits in the offline queue with the telemetry" \
	wait_status_min "$WORK/k.sock" queue.messages 2 5

start_broker broker2 "listener $PORT 127.0.0.1" "allow_anonymous true"
check "kthingd reconnects" wait_status "$WORK/k.sock" broker.state connected 30

# A republish with templates reaches a subscriber.
subscribe "$WORK/alerts" -v -q 1 -t 'alerts/#' -W 90
temperature 36500
check "the alert is republished to alerts/\${topic(3)}/hot with the SELECT result" \
	wait_message "$WORK/alerts" 'alerts/greenhouse/hot {"t":36.5,"thing":"greenhouse"}' 30
stop_pid "$SUB_PID"
check "the fan is on again" wait_line 1 20

# A rule on a broker topic: kthingd subscribed to its FROM on connecting.
subscribe "$WORK/replies" -v -q 1 -t 'replies/#' -W 90
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t cmd/greenhouse/echo -m '{"msg":"hi"}'
check "a message on a subscribed topic runs its rule" \
	wait_message "$WORK/replies" 'replies/greenhouse/hi {"msg":"hi"}' 30
stop_pid "$SUB_PID"

# The loop guard at run time: 'loop/${p}' cannot reach 'loop/a/b' at load
# time, but p = "a/b" makes it do so.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t loop/a/b -m '{"p":"a/b"}'
check "a republish that would loop is not published, and counted as failed" \
	wait_status "$WORK/k.sock" rules.3.failed 1 20
check "its error names the loop" grep -q 'rule bounce: rules\[3\].actions\[0\].republish: topic "loop/a/b" reaches rule "bounce" itself' \
	"$WORK/k.log"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t loop/a/b -m '{"p":"elsewhere"}'
check "the same rule republishes elsewhere" wait_status "$WORK/k.sock" rules.3.acted 1 20

# SIGHUP: a bad configuration is refused, the running rules stay.
matched=$(status_value "$WORK/k.sock" rules.0.matched)
cp "$WORK/loop.json" "$WORK/kthingd.json"
kill -HUP "$KTHINGD_PID"
check "a reload with a looping rule is refused" \
	wait_for_log "$WORK/k.log" "reload failed, keeping the running configuration: .*would trigger itself" 20
check "the old rules keep running" [ "$(status_value "$WORK/k.sock" rules.4.name 2>/dev/null)" = "" ]
temperature 20500
check "the fan still follows the old threshold" wait_line 0 20

# A good reload: threshold 40, one more rule; counters follow names.
write_config "$WORK/kthingd.json" 40 \
	',{"name":"note","sql":"SELECT * FROM '"'"'dt/kthing/+/telemetry'"'"'","actions":[{"log":{"level":"info"}}]}'
kill -HUP "$KTHINGD_PID"
check "a good reload runs the new rules" wait_status "$WORK/k.sock" rules.4.name note 20
check "a rule that kept its name kept its counters" \
	[ "$(status_value "$WORK/k.sock" rules.0.matched)" -ge "$matched" ]
temperature 37000
check "the new rule sees the telemetry" wait_status_min "$WORK/k.sock" rules.4.matched 1 20
check "37 °C is below the new threshold of 40: the fan stays off" \
	[ "$(sim_value $FAN_LINE)" = 0 ]
temperature 41000
check "41 °C turns it on" wait_line 1 20

out=$("$KTHINGCTL" status -s "$WORK/k.sock")
check "kthingctl status lists each rule with its counters" \
	grep -q "^rule:     fan from 'dt/kthing/+/telemetry' (telemetry): [0-9]* matched, [0-9]* acted, 0 failed" \
	<<< "$out"
check "kthingctl status shows the broker rule's last error" \
	grep -q "^rule:     bounce from 'loop/a/b' (broker): 2 matched, 1 acted, 1 failed" <<< "$out"
check "the totals are among the agent's counters" \
	wait_status_min "$WORK/k.sock" counters.rules_matched 10 5
check "no action on the device failed" \
	[ "$(status_value "$WORK/k.sock" rules.0.failed)" = 0 ]

kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
check "kthingd stops cleanly" [ $? -eq 0 ]
KTHINGD_PID=
no_sanitizer_reports "$WORK/k.log"
[ "$TAP_FAILED" -eq 0 ] || sed 's/^/# /' "$WORK/k.log" | tail -40
check "the modules unload" unload_all
echo "1..$TAP_N"
