#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest: the module, kthing_sim,
# mosquitto, kthing-shadowd and kthingd. An application sets desired on
# $aws/things/lamp/shadow/update: the simulated GPIO output line changes,
# reported follows exactly and the delta empties; an invalid value is
# refused visibly (reported.kthing_errors) with the hardware untouched;
# desired set while kthingd is down is applied when it is back; a change
# made on the device side (kthingctl, ioctl and netlink) is reported
# without desired being touched.
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

SHADOWD=${SHADOWD:-build/san/bin/kthing-shadowd}
KTHINGCTL=build/san/bin/kthingctl
[ -x "$KTHINGCTL" ] || KTHINGCTL=build/bin/kthingctl
cfs=/sys/kernel/config/kthing
thing=lamp
prefix="\$aws/things/$thing/shadow"
RELAY_LINE=1

# lamp: a relay on a simulated GPIO output, a dimmer (0.0 .. 100.0, virtual)
# and a door contact (a sensor on another line).
make_thing() {
	local t=$cfs/$thing
	mkdir "$t" "$t/relay" "$t/level" "$t/door" &&
		echo actuator > "$t/relay/kind" &&
		echo bool > "$t/relay/type" &&
		echo gpio > "$t/relay/backend" &&
		echo kthing-sim > "$t/relay/gpio_chip" &&
		echo $RELAY_LINE > "$t/relay/gpio_line" &&
		echo actuator > "$t/level/kind" &&
		echo virtual > "$t/level/backend" &&
		echo -1 > "$t/level/exponent" &&
		echo 0 > "$t/level/min" &&
		echo 1000 > "$t/level/max" &&
		echo sensor > "$t/door/kind" &&
		echo bool > "$t/door/type" &&
		echo gpio > "$t/door/backend" &&
		echo kthing-sim > "$t/door/gpio_chip" &&
		echo 0 > "$t/door/gpio_line" &&
		echo 1 > "$t/live"
}

remove_thing() {
	local t=$cfs/$thing c
	[ -d "$t" ] || return 0
	echo 0 > "$t/live" 2>/dev/null
	for c in relay level door; do
		rmdir "$t/$c" 2>/dev/null
	done
	rmdir "$t"
}

unload_all() {
	remove_thing
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	grep -q '^kthing ' /proc/modules && rmmod kthing
	return 0
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	[ -n "$SHADOWD_PID" ] && kill -TERM "$SHADOWD_PID" 2>/dev/null && wait "$SHADOWD_PID"
	unload_all
	cleanup
}
trap vm_cleanup EXIT

# shadow_get: the shadow document from kthing-shadowd (one line of JSON),
# or the rejection; the request's own token tells its answer from the
# responses to kthingd's gets on the same topics.
GET_N=0
shadow_get() {
	local token=test-get-$((GET_N += 1)) i line
	subscribe "$WORK/get" -q 1 -t "$prefix/get/accepted" -t "$prefix/get/rejected" -W 15 ||
		return 1
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$prefix/get" \
		-m "{\"clientToken\":\"$token\"}" || return 1
	for ((i = 0; i < 100; i++)); do
		line=$(grep -F "\"$token\"" "$WORK/get.raw")
		[ -n "$line" ] && break
		sleep 0.1
	done
	stop_pid "$SUB_PID"
	[ -n "$line" ] && echo "$line"
}

# json_at PATH: the value at PATH (a.b.c) of the JSON on stdin, compact, or
# "absent".
json_at() {
	/usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    if not isinstance(v, dict) or k not in v:
        print("absent"); sys.exit(0)
    v = v[k]
print(json.dumps(v, separators=(",", ":")))' "$1"
}

# wait_shadow PATH EXPECTED SECONDS: poll the shadow until PATH is EXPECTED.
wait_shadow() {
	local end=$((SECONDS + $3)) got
	while ((SECONDS < end)); do
		got=$(shadow_get | json_at "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.2
	done
	echo "# $1 is $got, expected $2" >&2
	return 1
}

# desired JSON: what an application does.
desired() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$prefix/update" \
		-m "{\"state\":{\"desired\":$1},\"clientToken\":\"app-$((++APP_N))\"}"
}

# wait_line LEVEL SECONDS: the simulated relay line reaches LEVEL.
wait_line() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(sim_value $RELAY_LINE)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# line $RELAY_LINE is $(sim_value $RELAY_LINE), expected $1" >&2
	return 1
}

start_kthingd() {
	"$KTHINGD" -c "$WORK/kthingd.json" -S "$WORK/k.sock" -l debug >> "$WORK/k.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	wait_status "$WORK/k.sock" broker.state connected 20
}

stop_kthingd() {
	kill -TERM "$KTHINGD_PID"
	wait "$KTHINGD_PID"
	local rc=$?
	KTHINGD_PID=
	return $rc
}

modprobe -q industrialio
check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
sim_pull 0 0
check "a thing with a GPIO relay, a dimmer and a door contact goes live" make_thing

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

cat > "$WORK/shadowd.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"store":{"path":"$WORK/shadows.db"},
 "status":{"topic":null}}
EOF
"$SHADOWD" -c "$WORK/shadowd.json" -v >> "$WORK/shadowd.log" 2>&1 &
SHADOWD_PID=$!
PIDS+=("$SHADOWD_PID")
check "kthing-shadowd serves" wait_for_log "$WORK/shadowd.log" "subscribed to the shadow request topics" 10

cat > "$WORK/kthingd.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1",
 "things":[{"kthing":"$thing","name":"$thing"}],
 "shadow":{"enabled":true,"coalesce_ms":50}}
EOF
check "kthingd connects" start_kthingd

# 404 at the first get: the shadow is created with the real state.
check "the shadow is created with every actuator's real state" \
	wait_shadow state.reported '{"relay":false,"level":0.0}' 20
check "the sensor is not in it (sensor reporting is off)" \
	[ "$(shadow_get | json_at state.reported.door)" = absent ]

# An application sets desired.
desired '{"relay":true,"level":23.5}'
check "desired relay true drives the GPIO output line high" wait_line 1 10
check "reported follows, values exact (23.5)" \
	wait_shadow state.reported '{"relay":true,"level":23.5}' 10
doc=$(shadow_get)
check "the delta is empty: get has no state.delta" [ "$(json_at state.delta <<< "$doc")" = absent ]
check "the level is applied through the device" \
	bash -c "'$KTHINGCTL' get $thing level | grep -q '23.5'"

# Invalid values are refused visibly; the hardware is left alone.
desired '{"level":150,"relay":"maybe","door":true,"fan":1}'
check "an out-of-range value is refused under reported.kthing_errors" \
	wait_shadow state.reported.kthing_errors.level '"value out of range 0.0..100.0"' 10
doc=$(shadow_get)
check "a wrongly typed value is refused" \
	[ "$(json_at state.reported.kthing_errors.relay <<< "$doc")" = '"must be true or false"' ]
check "a sensor is read-only" \
	[ "$(json_at state.reported.kthing_errors.door <<< "$doc")" = '"read-only: a sensor"' ]
check "an unknown key is refused" \
	[ "$(json_at state.reported.kthing_errors.fan <<< "$doc")" = '"no such actuator"' ]
check "reported keeps the real values" \
	[ "$(json_at state.reported.level <<< "$doc"),$(json_at state.reported.relay <<< "$doc")" = "23.5,true" ]
check "the relay line was not touched" [ "$(sim_value $RELAY_LINE)" = 1 ]
check "the dimmer was not touched" bash -c "'$KTHINGCTL' get $thing level | grep -q '23.5'"
check "desired is left as the application set it (null_invalid_desired off)" \
	[ "$(json_at state.desired.level <<< "$doc")" = 150 ]
check "refusals are counted" wait_status_min "$WORK/k.sock" counters.shadow_refused 4 5

# Correcting desired clears the errors of the corrected keys.
desired '{"level":42,"relay":null,"door":null,"fan":null}'
check "a corrected value is applied and its error cleared" \
	wait_shadow state.reported.kthing_errors absent 10
check "the corrected level is reported" \
	[ "$(shadow_get | json_at state.reported.level)" = 42.0 ]

# Desired set while kthingd is down is applied when it comes back.
check "kthingd stops cleanly" stop_kthingd
desired '{"relay":false}'
check "nothing applies it while kthingd is down" \
	bash -c "[ \"\$(shadow_get | /usr/bin/python3 -c 'import json,sys; print(\"delta\" in json.load(sys.stdin)[\"state\"])')\" = True ]"
check "the line is still high while kthingd is down" [ "$(sim_value $RELAY_LINE)" = 1 ]
check "kthingd comes back" start_kthingd
check "the desired change made offline is applied on reconnect" wait_line 0 15
check "and reported, the delta empty again" wait_shadow state.delta absent 10
check "reported relay is false" [ "$(shadow_get | json_at state.reported.relay)" = false ]

# A change made on the device side is reported, desired untouched.
"$KTHINGCTL" set $thing relay on
check "a write by another process (ioctl) is reported" \
	wait_shadow state.reported.relay true 10
doc=$(shadow_get)
check "desired is not touched by it" [ "$(json_at state.desired.relay <<< "$doc")" = false ]
check "the line keeps the value set on the device side" [ "$(sim_value $RELAY_LINE)" = 1 ]
"$KTHINGCTL" set --netlink $thing level 7.5
check "a netlink set is reported, exactly" wait_shadow state.reported.level 7.5 10
check "hardware-side changes are counted" \
	wait_status_min "$WORK/k.sock" counters.shadow_hardware_changes 2 5
check "the relay was not turned back by its old desired value" [ "$(sim_value $RELAY_LINE)" = 1 ]

desired '{"relay":false}'
check "a new desired value after a device-side change is applied" wait_line 0 10
check "the responses of kthingd's requests were matched (none timed out)" \
	[ "$(status_value "$WORK/k.sock" counters.shadow_timeouts)" = 0 ]
check "no request was refused as invalid" \
	[ "$(status_value "$WORK/k.sock" counters.shadow_bad_requests)" = 0 ]

check "kthingd stops cleanly at the end" stop_kthingd
kill -TERM "$SHADOWD_PID"
wait "$SHADOWD_PID"
check "kthing-shadowd stops cleanly" [ $? -eq 0 ]
SHADOWD_PID=
no_sanitizer_reports "$WORK/k.log" "$WORK/shadowd.log"
[ "$TAP_FAILED" -eq 0 ] || { sed 's/^/# /' "$WORK/k.log" | tail -40; sed 's/^/# /' "$WORK/shadowd.log" | tail -10; }
check "the modules unload" unload_all
echo "1..$TAP_N"
