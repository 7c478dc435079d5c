#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingctl against the real module on virtual channels: apply, list, get,
# set (device and netlink), watch (lines and JSON, contiguous sequence
# numbers), what an unprivileged user may do, remove, and an apply that
# fails part way leaving nothing behind. kthing_sim's hardware is in
# 72-kthingctl-sim.sh, a socket overflow in 73-kthingctl-overflow.sh.

. "$KTHING_SRC/tests/vm/core-lib.sh"
. "$KTHING_SRC/tests/vm/kthingctl-lib.sh"

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

# Without root: reading falls back to netlink, changing is refused clearly.
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
exits "get as nobody, over netlink" 0 "" nobody "$kthingctl" get --json greenhouse fan
is "get as nobody reads the value" '{"fan":0}' "$(cat "$tmp/out")"
exits "set as nobody" 1 "set greenhouse fan 1: permission denied opening the thing's device for writing" \
	nobody "$kthingctl" set greenhouse fan 1
exits "set --netlink as nobody" 1 "set greenhouse fan 1: permission denied" \
	nobody "$kthingctl" set --netlink greenhouse fan 1
exits "watch as nobody" 1 "watch: permission denied (needs CAP_NET_ADMIN)" \
	nobody "$kthingctl" watch --count 1

# watch in the background while setting: four events
"$kthingctl" watch --json --count 4 --timeout "$(scaled 120)" greenhouse >"$tmp/watch.json" 2>"$tmp/watch.err" &
w1=$!
"$kthingctl" watch --count 4 --timeout "$(scaled 120)" >"$tmp/watch.txt" 2>&1 &
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

# remove, watched
"$kthingctl" watch --count 1 --timeout "$(scaled 120)" >"$tmp/removed.txt" 2>&1 &
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

check "kthing.ko unloads" rmmod kthing
done_testing
