#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The thing removed while kthingd holds its descriptor, all in the guest
# (module, kthing_sim, mosquitto, kthing-shadowd, kthingd), desired changes
# arriving meanwhile: no crash, the descriptor is let go, and when the thing
# returns it is followed again, the desired value set while it was gone
# applied and the new hardware's state reported.
cd "$KTHING_SRC" || exit 1
. tests/vm/shadow-fault-lib.sh

check "kthingd holds the thing's descriptor" [ "$(kthingd_devices)" -ge 1 ]
# Desired changes keep coming while the thing goes away under kthingd.
(
	for ((i = 1; i <= 15; i++)); do
		echo "{\"state\":{\"desired\":{\"level\":$i}},\"clientToken\":\"burst-$i\"}"
		sleep 0.02
	done
) | mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$prefix/update" -l &
burst=$!
applied=$(status_value "$WORK/k.sock" counters.shadow_applied)
wait_status_min "$WORK/k.sock" counters.shadow_applied $((applied + 3)) 20
fault "thing removed while kthingd holds its descriptor, desired changes arriving"
remove_thing "$thing"
wait "$burst"
check "kthingd sees the thing gone" wait_status "$WORK/k.sock" shadows.0.live false 20
check "and lets its descriptor go" [ "$(kthingd_devices)" = 0 ]
check "kthingd is still running" kill -0 "$KTHINGD_PID"
desired '{"level":12.5}'
check "the shadow keeps the desired value while the thing is gone" \
	wait_shadow state.desired.level 12.5 10
check "the thing comes back" make_thing
check "kthingd follows it again" wait_status "$WORK/k.sock" shadows.0.live true 20
check "the desired value set while it was gone is applied" \
	wait_shadow state.reported.level 12.5 20
check "the new thing's relay is reported as the hardware has it" \
	wait_shadow state.reported.relay false 10
check "kthingd holds one descriptor again" [ "$(kthingd_devices)" = 1 ]

echo "# faults injected: $FAULTS"
shadow_finish
