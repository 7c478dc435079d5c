#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingctl against the real module: apply, list, get, set (device and
# netlink), watch (lines and JSON, contiguous sequence numbers), remove,
# an apply that fails part way leaving nothing behind, and GPIO lines named
# by line name or chip label and offset (kthing_sim's chip).

. "$KTHING_SRC/tests/vm/core-lib.sh"

kthingctl=$KTHING_BUILD/san/bin/kthingctl
[ -x "$kthingctl" ] || kthingctl=$KTHING_BUILD/bin/kthingctl
tmp=$(mktemp -d)
watcher=
holder=

cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wait 2>/dev/null
	grep -q '^kthing ' /proc/modules && core_unload
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	rm -rf "$tmp"
}
trap cleanup EXIT

# exits WHAT STATUS TEXT CMD...: CMD exits with STATUS and its standard
# error contains TEXT (empty: anything).
exits() {
	local what=$1 want=$2 text=$3 status

	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	tap_n=$((tap_n + 1))
	if [ "$status" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$tmp/err"; }; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		echo "# exit $status (expected $want); stderr: $(cat "$tmp/err")"
	fi
}

# wait_for COMMAND...: retry COMMAND for up to 10 s.
wait_for() {
	local i

	for i in $(seq 200); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

lines_in() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# listening PID: kthingctl watch has joined the events group (it makes its
# signalfd right after).
listening() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -q signalfd
}

modprobe industrialio 2>/dev/null
check "kthing.ko loads" core_load || { done_testing; exit 1; }

cat >"$tmp/greenhouse.json" <<'EOF'
{
  "name": "greenhouse",
  "channels": [
    { "name": "setpoint", "kind": "actuator", "backend": "virtual",
      "unit": "degC", "exponent": -1, "min": 5, "max": 35, "initial": 21.5 },
    { "name": "fan", "kind": "actuator", "backend": "virtual", "type": "bool" },
    { "name": "vent", "kind": "actuator", "backend": "virtual",
      "unit": "%", "min": 0, "max": 100, "initial": 40 }
  ]
}
EOF

exits "apply creates the thing" 0 "" "$kthingctl" apply "$tmp/greenhouse.json"
id=$(cat "$cfs/greenhouse/id" 2>/dev/null)
is "the thing is live" 1 "$(cat "$cfs/greenhouse/live" 2>/dev/null)"
check "/dev/kthing$id exists" test -c "/dev/kthing$id"
exits "apply again is refused" 1 "thing greenhouse already exists" \
	"$kthingctl" apply "$tmp/greenhouse.json"
is "the refused apply left the live thing alone" 1 "$(cat "$cfs/greenhouse/live")"

# list
exits "list" 0 "" "$kthingctl" list
check "list names the thing and its device" grep -q "^greenhouse (/dev/kthing$id)" "$tmp/out"
check "list shows setpoint with value, unit and limits" \
	grep -Eq '^  setpoint +actuator 21\.5 degC +5\.0\.\.35\.0 +virtual' "$tmp/out"
exits "list --json" 0 "" "$kthingctl" list --json
check "list --json has exact values" \
	grep -q '"name":"setpoint","index":0,"kind":"actuator","type":"int","backend":"virtual","unit":"degC","exponent":-1,"min":5.0,"max":35.0,"value":21.5' "$tmp/out"

# get
exits "get every channel" 0 "" "$kthingctl" get greenhouse
is "get prints channel, value, unit" "setpoint 21.5 degC
fan      0
vent     40 %" "$(cat "$tmp/out")"
exits "get --json two channels" 0 "" "$kthingctl" get --json greenhouse vent fan
is "get --json" '{"vent":40,"fan":0}' "$(cat "$tmp/out")"
exits "get an unknown channel" 1 "get: no channel 'door' (greenhouse has: setpoint, fan, vent)" \
	"$kthingctl" get greenhouse door
exits "get an unknown thing" 1 "get nosuch: no such thing" "$kthingctl" get nosuch

# watch in the background while setting: four events
"$kthingctl" watch --json --count 4 --timeout 120 greenhouse >"$tmp/watch.json" 2>"$tmp/watch.err" &
w1=$!
"$kthingctl" watch --count 4 --timeout 120 >"$tmp/watch.txt" 2>&1 &
w2=$!
watcher="$w1 $w2"
check "watchers joined the events group" wait_for sh -c "ls -l /proc/$w1/fd /proc/$w2/fd | grep -c signalfd | grep -qx 2"

exits "set a value" 0 "" "$kthingctl" set greenhouse setpoint 22.5
is "set prints the value applied" "setpoint 22.5 degC" "$(cat "$tmp/out")"
exits "set a boolean with a word" 0 "" "$kthingctl" set greenhouse fan on
is "fan applied" "fan 1" "$(cat "$tmp/out")"
exits "set --netlink" 0 "" "$kthingctl" set --netlink greenhouse vent 75
is "set --netlink prints the value applied" "vent 75 %" "$(cat "$tmp/out")"
exits "set once more" 0 "" "$kthingctl" set greenhouse fan off

check "watch saw four events" wait_for lines_in "$tmp/watch.json" 4
for w in $watcher; do
	wait "$w"
done
watcher=
is "watch --json lines" \
'applied setpoint 22.5 ioctl
applied fan 1 ioctl
applied vent 75 netlink
applied fan 0 ioctl' \
	"$(sed -E 's/.*"event":"([a-z]+)".*"channel":"([a-z]+)".*"value":([-0-9.]+),"source":"([a-z]+)".*/\1 \2 \3 \4/' "$tmp/watch.json")"
seqs=$(sed -E 's/.*"seq":([0-9]+).*/\1/' "$tmp/watch.json" | tr '\n' ' ')
first=${seqs%% *}
is "sequence numbers are contiguous" "$first $((first + 1)) $((first + 2)) $((first + 3)) " "$seqs"
check "readable watch lines" \
	grep -Eq "^[0-9:.]+ greenhouse #$((first + 1)) applied fan 1 \(ioctl\)$" "$tmp/watch.txt"
check "watch timestamps are wall-clock time" \
	test "$(sed -E 's/.*"time_ms":([0-9]+).*/\1/;q' "$tmp/watch.json")" -gt 1600000000000

exits "set out of range" 1 "set greenhouse fan 7: value out of range 0..1" \
	"$kthingctl" set greenhouse fan 7
exits "set with too many decimals" 1 "set greenhouse setpoint 22.55: too many decimals (at most 1)" \
	"$kthingctl" set greenhouse setpoint 22.55
exits "set below the limits" 1 "set greenhouse setpoint 4.9: value out of range 5.0..35.0" \
	"$kthingctl" set greenhouse setpoint 4.9
exits "set a non-number" 1 "set greenhouse vent lots: not a decimal number" \
	"$kthingctl" set greenhouse vent lots
exits "set an unknown channel" 1 "no channel 'door'" \
	"$kthingctl" set greenhouse door 1
exits "set with a missing value is a usage error" 2 "expected THING CHANNEL VALUE" \
	"$kthingctl" set greenhouse fan
exits "get reads the values set" 0 "" "$kthingctl" get --json greenhouse
is "values after set" '{"setpoint":22.5,"fan":0,"vent":75}' "$(cat "$tmp/out")"

exits "set --netlink out of range" 1 "set greenhouse vent 101: value out of range 0..100" \
	"$kthingctl" set --netlink greenhouse vent 101
exits "set --netlink on an unknown thing" 1 "no such thing" \
	"$kthingctl" set --netlink nosuch vent 1
exits "set --netlink a negative value" 1 "value out of range 0..100" \
	"$kthingctl" set -n greenhouse vent -5

# A listener that does not read overflows: watch marks the loss.
"$kthingctl" watch --json --timeout 60 greenhouse >"$tmp/flood.json" 2>&1 &
watcher=$!
check "flood watcher joined the events group" wait_for listening "$watcher"
kill -STOP "$watcher"
check "5000 writes while the watcher is stopped" \
	"$KTHING_BUILD/vm/kthingctl_flood" greenhouse fan 5000
kill -CONT "$watcher"
check "watch marks the overflow" \
	wait_for grep -q '"event":"lost","thing":null,"lost":null' "$tmp/flood.json"
check "and goes on with the events after it" \
	wait_for sh -c "grep -A1 '\"event\":\"lost\"' '$tmp/flood.json' | grep -q '\"event\":\"applied\"'"
kill "$watcher"
wait "$watcher" 2>/dev/null
watcher=

# remove, watched
"$kthingctl" watch --count 1 --timeout 120 >"$tmp/removed.txt" 2>&1 &
watcher=$!
check "watcher joined the events group" wait_for listening "$watcher"
exits "remove" 0 "" "$kthingctl" remove greenhouse
wait "$watcher"
watcher=
check "watch saw the thing removed" grep -q "greenhouse #[0-9]* removed" "$tmp/removed.txt"
check "configfs directory gone" test ! -e "$cfs/greenhouse"
check "/dev/kthing$id gone" test ! -e "/dev/kthing$id"
exits "remove again" 1 "remove greenhouse: no thing greenhouse" "$kthingctl" remove greenhouse

# All or nothing: the third channel names a thermal zone that does not
# exist, so going live fails after every directory was made.
cat >"$tmp/broken.json" <<'EOF'
{
  "name": "broken",
  "channels": [
    { "name": "a", "kind": "actuator", "backend": "virtual", "type": "bool" },
    { "name": "b", "kind": "actuator", "backend": "virtual", "min": 0, "max": 9 },
    { "name": "soc", "kind": "sensor", "backend": "thermal", "unit": "degC",
      "exponent": -3, "min": -40000, "max": 150000,
      "thermal": { "zone": "no-such-zone" } }
  ]
}
EOF
exits "apply of a thing that cannot go live fails" 1 "thing broken cannot go live" \
	"$kthingctl" apply "$tmp/broken.json"
check "and says nothing was created" grep -q "nothing was created" "$tmp/err"
check "nothing is left in configfs" test ! -e "$cfs/broken"
exits "list shows no thing" 0 "" "$kthingctl" list
is "list is empty" "" "$(cat "$tmp/out")"

# GPIO lines named as the board names them, on kthing_sim's chip.
if [ -f "$KTHING_SRC/kthing_sim.ko" ] && insmod "$KTHING_SRC/kthing_sim.ko"; then
	gpio() {
		printf '{"name":"relay","channels":[{"name":"coil","kind":"actuator","backend":"gpio","gpio":%s}]}' "$1" >"$tmp/gpio.json"
	}
	gpio '{"line":"sim2"}'
	exits "a line name resolves" 0 "" "$kthingctl" apply --dry-run "$tmp/gpio.json"
	gpio '{"line":"nosuchline"}'
	exits "an unknown line name" 1 'channels[0] (coil): no GPIO line named "nosuchline"' \
		"$kthingctl" apply --dry-run "$tmp/gpio.json"
	gpio '{"chip":"kthing-sim","offset":5}'
	exits "a chip label and offset resolve" 0 "" "$kthingctl" apply --dry-run "$tmp/gpio.json"
	gpio '{"chip":"kthing-sim","offset":8}'
	exits "an offset past the chip" 1 'GPIO chip "kthing-sim" has lines 0 to 7, not 8' \
		"$kthingctl" apply --dry-run "$tmp/gpio.json"
	gpio '{"chip":"no-such-chip","offset":0}'
	exits "an unknown chip label" 1 'no GPIO chip labelled "no-such-chip"' \
		"$kthingctl" apply --dry-run "$tmp/gpio.json"
	gpiomon -n 1 kthing-sim 2 >/dev/null 2>&1 &
	holder=$!
	check "gpiomon holds sim2" wait_for sh -c 'gpioinfo kthing-sim | grep -E "line +2:" | grep -q used'
	gpio '{"line":"sim2"}'
	exits "a line in use" 1 'GPIO line sim2 (kthing-sim 2) is in use by gpiomon' \
		"$kthingctl" apply "$tmp/gpio.json"
	check "the refused apply left nothing" test ! -e "$cfs/relay"
	kill "$holder"
	wait "$holder" 2>/dev/null
	holder=

	# Driving the line needs the kernel's GPIO backend.
	gpio '{"line":"sim2"}'
	if "$kthingctl" apply "$tmp/gpio.json" 2>"$tmp/err"; then
		exits "set drives the GPIO line" 0 "" "$kthingctl" set relay coil 1
		is "the sim sees the line high" 1 \
			"$(cat /sys/kernel/debug/kthing_sim/gpio/2/value 2>/dev/null)"
		exits "remove the relay" 0 "" "$kthingctl" remove relay
	else
		echo "# GPIO backend not available: $(cat "$tmp/err")"
		check "a failed GPIO apply left nothing" test ! -e "$cfs/relay"
	fi

	# Sensors: an IIO temperature and the sim's thermal zone, held at
	# known values through debugfs.
	sim=/sys/kernel/debug/kthing_sim
	cat >"$tmp/env.json" <<'EOF'
{"name":"env","channels":[
 {"name":"temperature","kind":"sensor","backend":"iio","unit":"degC",
  "exponent":-1,"min":-40,"max":125,"sample_period_ms":100,
  "iio":{"device":"kthing-sim-env","channel":"temp"}},
 {"name":"soc","kind":"sensor","backend":"thermal","unit":"degC",
  "exponent":-3,"min":-40,"max":150,"sample_period_ms":100,
  "thermal":{"zone":"kthing-sim"}}]}
EOF
	echo 23500 >"$sim/iio/temp"
	echo 45250 >"$sim/thermal/temp"
	exits "apply IIO and thermal sensors" 0 "" "$kthingctl" apply "$tmp/env.json"
	got_values() {
		"$kthingctl" get --json env >"$tmp/values" 2>&1 &&
			[ "$(cat "$tmp/values")" = "$1" ]
	}
	check "get shows them exactly" wait_for got_values '{"temperature":23.5,"soc":45.250}'
	exits "set refuses a sensor" 1 "set env temperature 20: temperature is a sensor, not an actuator" \
		"$kthingctl" set env temperature 20
	"$kthingctl" watch --count 1 --timeout 120 env >"$tmp/sample.txt" 2>&1 &
	watcher=$!
	check "sample watcher joined the events group" wait_for listening "$watcher"
	echo 24100 >"$sim/iio/temp"
	wait "$watcher"
	watcher=
	check "watch shows the new sample" \
		grep -Eq "^[0-9:.]+ env #[0-9]+ sample temperature 24\.1$" "$tmp/sample.txt"
	echo auto >"$sim/iio/temp"
	echo auto >"$sim/thermal/temp"
	exits "remove the sensors" 0 "" "$kthingctl" remove env
	rmmod kthing_sim
else
	echo "# kthing_sim.ko not available: GPIO line resolution not tested here"
fi

check "kthing.ko unloads" rmmod kthing
done_testing
