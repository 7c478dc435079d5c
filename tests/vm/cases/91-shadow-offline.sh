#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest: desired set while kthingd is
# down is applied when it comes back; a change made on the device side
# (kthingctl over ioctl and over netlink) is reported without desired being
# touched, and is not undone by the older desired value; after a reload,
# sensors are reported and refused desired keys set to null.
cd "$KTHING_SRC" || exit 1
. tests/vm/shadow-lib.sh

# Desired set while kthingd is down is applied when it comes back.
check "kthingd stops cleanly" stop_kthingd
desired '{"relay":true}'
check "nothing applies it while kthingd is down: the delta stays" \
	[ "$(shadow_get | json_at state.delta.relay)" = true ]
check "the line is still low while kthingd is down" [ "$(sim_value $RELAY_LINE)" = 0 ]
check "kthingd comes back" start_kthingd
check "the desired change made offline is applied on reconnect" wait_line 1 15
check "and reported, the delta empty again" wait_shadow state.delta absent 10
check "reported relay is true" [ "$(shadow_get | json_at state.reported.relay)" = true ]

# A change made on the device side is reported, desired untouched.
"$KTHINGCTL" set $thing relay off > /dev/null
check "a write by another process (ioctl) is reported" \
	wait_shadow state.reported.relay false 10
doc=$(shadow_get)
check "desired is not touched by it" [ "$(json_at state.desired.relay <<< "$doc")" = true ]
check "the line keeps the value set on the device side" [ "$(sim_value $RELAY_LINE)" = 0 ]
"$KTHINGCTL" set --netlink $thing level 7.5 > /dev/null
check "a netlink set is reported, exactly" wait_shadow state.reported.level 7.5 10
check "hardware-side changes are counted" \
	wait_status_min "$WORK/k.sock" counters.shadow_hardware_changes 2 5
check "the relay was not turned back by its old desired value" [ "$(sim_value $RELAY_LINE)" = 0 ]

desired '{"relay":true}'
check "desired set again after a device-side change is applied" wait_line 1 10

# Reloaded with sensor reporting on and refused desired keys set to null.
sed -i 's/"coalesce_ms":50}/"coalesce_ms":50,"sensor_interval_s":1,"null_invalid_desired":true}/' \
	"$WORK/kthingd.json"
kill -HUP "$KTHINGD_PID"
check "with shadow.sensor_interval_s, the sensor is reported" \
	wait_shadow state.reported.door false 15
desired '{"level":500}'
check "with shadow.null_invalid_desired, a refused key is removed from desired" \
	wait_shadow state.desired.level absent 10
check "and its error is shown" \
	[ "$(shadow_get | json_at state.reported.kthing_errors.level)" = '"value out of range 0.0..100.0"' ]
check "the dimmer was not touched" [ "$(shadow_get | json_at state.reported.level)" = 7.5 ]
shadow_finish
