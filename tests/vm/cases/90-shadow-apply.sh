#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest (module, kthing_sim, mosquitto,
# kthing-shadowd, kthingd): an application sets desired on
# $aws/things/lamp/shadow/update, the simulated GPIO output line changes,
# reported follows exactly and the delta empties; invalid values are refused
# visibly (reported.kthing_errors) with the hardware untouched, and their
# errors cleared once desired is corrected.
cd "$KTHING_SRC" || exit 1
. tests/vm/shadow-lib.sh

# An application sets desired.
desired '{"relay":true,"level":23.5}'
check "desired relay true drives the GPIO output line high" wait_line 1 10
check "reported follows" \
	wait_shadow state.reported '{"relay":true,"level":23.5}' 10
check "kthingd reported exactly 23.5 and true" \
	grep -q '"reported":{"relay":true,"level":23.5}' "$WORK/updates.raw"
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
	[ "$(shadow_get | json_at state.reported.level)" = 42 ]

shadow_finish
