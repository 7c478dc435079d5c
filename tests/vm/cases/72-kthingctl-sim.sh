#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingctl with kthing_sim's hardware: GPIO lines named by line name or by
# chip label and offset, resolved through libgpiod (unknown line or chip,
# offset past the chip, line in use), a relay driven through the GPIO
# backend, and IIO and thermal sensors read exactly and watched.

. "$KTHING_SRC/tests/vm/core-lib.sh"
. "$KTHING_SRC/tests/vm/kthingctl-lib.sh"

modprobe industrialio 2>/dev/null
check "kthing.ko loads" core_load || { done_testing; exit 1; }
check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko" || { done_testing; exit 1; }

sim=/sys/kernel/debug/kthing_sim

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

# Driving the line through the kernel's GPIO backend.
gpio '{"line":"sim2"}'
exits "apply a relay on a GPIO line" 0 "" "$kthingctl" apply "$tmp/gpio.json"
exits "set drives the GPIO line" 0 "" "$kthingctl" set relay coil 1
is "the sim sees the line high" 1 "$(cat "$sim/gpio/2/value" 2>/dev/null)"
exits "set it low again" 0 "" "$kthingctl" set relay coil off
is "the sim sees the line low" 0 "$(cat "$sim/gpio/2/value" 2>/dev/null)"
exits "remove the relay" 0 "" "$kthingctl" remove relay

# Sensors: an IIO temperature and the sim's thermal zone, held at
# known values through debugfs.
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
"$kthingctl" watch --count 1 --timeout "$(scaled 120)" env >"$tmp/sample.txt" 2>&1 &
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

check "kthing_sim.ko unloads" rmmod kthing_sim
check "kthing.ko unloads" rmmod kthing
done_testing
