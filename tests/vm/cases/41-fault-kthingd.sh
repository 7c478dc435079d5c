#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd killed with SIGKILL and restarted, all in the guest (module,
# kthing_sim, mosquitto, kthing-shadowd, kthingd): desired set while it was
# dead is applied exactly once; a change made on the device while it was
# dead is reported as the hardware has it and not undone by the older
# desired value.
cd "$KTHING_SRC" || exit 1
. tests/vm/shadow-fault-lib.sh

# ---- kthingd killed: desired set meanwhile is applied once -------------
check "kthingctl watch follows the thing" watch_start "$WORK/watch1.json"
fault "kthingd killed with SIGKILL"
kill -KILL "$KTHINGD_PID"
wait "$KTHINGD_PID" 2>/dev/null
KTHINGD_PID=
desired '{"relay":true,"level":42}'
check "while kthingd is dead the delta stays" \
	[ "$(shadow_get | json_at state.delta)" = '{"relay":true,"level":42}' ]
check "kthingd comes back" start_kthingd
check "the desired relay set while it was dead is applied" wait_line 1 20
check "reported follows, the delta empties" wait_shadow state.delta absent 20
check "reported holds what was applied" \
	[ "$(shadow_get | json_at state.reported)" = '{"relay":true,"level":42}' ]
# A marker write after the convergence: every apply before it is in the log.
"$KTHINGCTL" set "$thing" level 41 > /dev/null
check "the marker write is seen" \
	wait_for_log "$WORK/watch1.json" '"channel":"level",.*"value":41.0,' 10
check "the relay was applied exactly once" [ "$(count_applied "$WORK/watch1.json" relay 1)" = 1 ]
check "the level was applied exactly once" [ "$(count_applied "$WORK/watch1.json" level 42.0)" = 1 ]
echo "# applied by the restarted kthingd: $(status_value "$WORK/k.sock" counters.shadow_applied)," \
	"stale deltas ignored: $(status_value "$WORK/k.sock" counters.shadow_stale_deltas)"
check "the marker write is reported" wait_shadow state.reported.level 41 10
desired '{"level":42}'
check "desired set again after it is applied" wait_shadow state.reported.level 42 10

# ---- kthingd killed: a change on the device meanwhile is reported ------
fault "kthingd killed with SIGKILL"
kill -KILL "$KTHINGD_PID"
wait "$KTHINGD_PID" 2>/dev/null
KTHINGD_PID=
"$KTHINGCTL" set "$thing" level 7.5 > /dev/null
"$KTHINGCTL" set "$thing" relay off > /dev/null
check "kthingd comes back" start_kthingd
check "the level changed while it was dead is reported as the hardware has it" \
	wait_shadow state.reported.level 7.5 20
check "and so is the relay" wait_shadow state.reported.relay false 10
doc=$(shadow_get)
check "desired is left as the application set it" \
	[ "$(json_at state.desired <<< "$doc")" = '{"relay":true,"level":42}' ]
check "the device-side level is not undone by the older desired value" \
	bash -c "'$KTHINGCTL' get $thing level | grep -q '7.5'"
check "nor the relay" [ "$(sim_value $RELAY_LINE)" = 0 ]
desired '{"relay":true,"level":43}'
check "a newer desired value is applied" wait_shadow state.reported '{"relay":true,"level":43}' 20
stop_pid "$WATCH_PID"

echo "# faults injected: $FAULTS"
shadow_finish
