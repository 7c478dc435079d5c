#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest: channels mapped to named
# shadows (things[].named_shadows) are kept in their own shadow, apart from
# the classic one; with 12 named shadows and nothing answering, at most 10
# requests are in flight, and all 12 are created once answers come.
cd "$KTHING_SRC" || exit 1
TAP_TIMES=1
LAMP_NAMED='{"level":"dimmer"}'
BANK_CHANNELS=12
MORE_THINGS=',{"kthing":"bank","telemetry":false,"named_shadows":{'
for ((i = 1; i <= BANK_CHANNELS; i++)); do
	MORE_THINGS+="\"c$i\":\"s$i\"$([ $i -lt $BANK_CHANNELS ] && echo ,)"
done
MORE_THINGS+='}}'
CLASSIC_REPORTED='{"relay":false}'
CLASSIC_RAW='"reported":{"relay":false}'
. tests/vm/shadow-lib.sh

dimmer="$prefix/name/dimmer"

# --- channels mapped to a named shadow --------------------------------------
check "the named shadow holds the mapped channel's real state" \
	wait_shadow state.reported '{"level":0}' 20 "$dimmer"
desired '{"level":42.5}' "$dimmer"
check "desired on the named shadow is applied through the device" \
	wait_shadow state.reported.level 42.5 10 "$dimmer"
check "the device has the value" bash -c "'$KTHINGCTL' get $thing level | grep -q '42.5'"
check "the named shadow's delta is empty" \
	[ "$(shadow_get "$dimmer" | json_at state.delta)" = absent ]
check "the classic shadow does not hold the mapped channel" \
	[ "$(shadow_get | json_at state.reported.level)" = absent ]
desired '{"level":10}'
check "the mapped channel is not an actuator of the classic shadow" \
	wait_shadow state.reported.kthing_errors.level '"no such actuator"' 10
check "and the device keeps the named shadow's value" \
	bash -c "'$KTHINGCTL' get $thing level | grep -q '42.5'"
check "the status lists the named shadow, in step" \
	wait_shadow_state "$thing" dimmer "in step" 10
desired '{"level":null}'
check "the classic shadow's error clears when desired drops the key" \
	wait_shadow state.reported.kthing_errors absent 10

# --- at most 10 requests in flight: 12 named shadows, nothing answering -----
kill -STOP "$SHADOWD_PID"
bank=$cfs/bank
mkdir "$bank"
for ((i = 1; i <= BANK_CHANNELS; i++)); do
	mkdir "$bank/c$i" && echo actuator > "$bank/c$i/kind" &&
		echo virtual > "$bank/c$i/backend" && echo 0 > "$bank/c$i/min" &&
		echo 100 > "$bank/c$i/max"
done
check "a thing with 12 actuators, each in its own named shadow, goes live" \
	bash -c "echo 1 > $bank/live"
# The gets kthingd published for the bank's shadows.
bank_gets() {
	grep -c "received PUBLISH .*'\$aws/things/bank/shadow/name/s[0-9]*/get'" "$WORK/all.raw"
}
end=$((SECONDS + $(scaled 15)))
while ((SECONDS < end)) && (($(bank_gets) < 10)); do
	sleep 0.2
done
check "10 gets go out at once" [ "$(bank_gets)" -ge 10 ]
# Not a deadline: a look well within kthingd's 10 s request timeout, which
# must not expire here (none of these requests may time out).
sleep 2
check "and no more while none is answered (at most 10 in flight)" [ "$(bank_gets)" = 10 ]
kill -CONT "$SHADOWD_PID"
in_step() {
	status "$WORK/k.sock" | jq '[.shadows[] | select(.kthing == "bank" and
		.state == "in step" and .accepted_version >= 1)] | length'
}
end=$((SECONDS + $(scaled 40)))
while ((SECONDS < end)) && [ "$(in_step)" != $BANK_CHANNELS ]; do
	sleep 0.5
done
check "once answered, all 12 shadows are created and in step" [ "$(in_step)" = $BANK_CHANNELS ]

shadow_finish
