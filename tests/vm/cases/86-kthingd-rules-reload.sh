#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Edge rules in kthingd, all in the guest: the run-time loop guard stops a
# republish whose substitution makes it reach its own FROM; a SIGHUP reload
# with a looping rule is refused and the old rules keep running, a good one
# changes the threshold and keeps the counters of rules that kept their
# name; kthingctl status shows the rules; the thing removed under the
# running agent, the modules unload (nothing the set action opened holds
# them).
cd "$KTHING_SRC" || exit 1
. tests/vm/rules-lib.sh

rules_setup
check "the first telemetry runs the fan rule" wait_status_min "$WORK/k.sock" rules.0.acted 1 20

# The loop guard at run time: 'loop/${p}' cannot reach 'loop/a/b' at load
# time, but p = "a/b" makes it do so.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t loop/a/b -m '{"p":"elsewhere"}'
check "the rule republishes elsewhere" wait_status "$WORK/k.sock" rules.3.acted 1 20
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t loop/a/b -m '{"p":"a/b"}'
check "a republish that would loop is not published, and counted as failed" \
	wait_status "$WORK/k.sock" rules.3.failed 1 20
check "its error names the loop" grep -q \
	'rule bounce: rules\[3\].actions\[0\].republish: topic "loop/a/b" reaches rule "bounce" itself' \
	"$WORK/k.log"

# SIGHUP: a bad configuration is refused, the running rules stay.
temperature 35000
check "35 °C turns the fan on" wait_line 1 30
matched=$(status_value "$WORK/k.sock" rules.0.matched)
write_config "$WORK/kthingd.json" 30 \
	',{"name":"self","sql":"SELECT * FROM '"'"'dt/kthing/+/x'"'"'","actions":[{"republish":{"topic":"dt/kthing/${topic(3)}/x"}}]}'
kill -HUP "$KTHINGD_PID"
check "a reload with a looping rule is refused" \
	wait_for_log "$WORK/k.log" "reload failed, keeping the running configuration: .*would trigger itself" 20
temperature 20500
check "the old rules keep running: 20.5 °C turns the fan off" wait_line 0 20

# A good reload: threshold 40, one more rule; counters follow names.
write_config "$WORK/kthingd.json" 40 \
	',{"name":"note","sql":"SELECT * FROM '"'"'dt/kthing/+/telemetry'"'"'","actions":[{"log":{"level":"info"}}]}'
kill -HUP "$KTHINGD_PID"
check "a good reload runs the new rules" wait_status "$WORK/k.sock" rules.4.name note 20
check "a rule that kept its name kept its counters" \
	[ "$(status_value "$WORK/k.sock" rules.0.matched)" -gt "$matched" ]
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
bounce=$(grep -A1 "^rule:     bounce from 'loop/a/b' (broker): 2 matched, 1 acted, 1 failed" \
	<<< "$out")
check "kthingctl status shows the broker rule and its last error" \
	grep -q "last error: .*it would loop" <<< "$bounce"
check "the totals are among the agent's counters" \
	wait_status_min "$WORK/k.sock" counters.rules_matched 8 5

# The thing goes away under the running agent: what the set action keeps
# open is closed, so the modules unload.
remove_and_unload() {
	local i
	echo 0 > "$cfs/greenhouse/live" && rmdir "$cfs/greenhouse/temp" "$cfs/greenhouse/fan" \
		"$cfs/greenhouse" || return 1
	for ((i = 0; i < 200 * KTHING_VM_TIME_SCALE; i++)); do
		rmmod kthing_sim 2>/dev/null
		grep -q '^kthing_sim ' /proc/modules || rmmod kthing 2>/dev/null
		grep -q '^kthing ' /proc/modules || return 0
		sleep 0.1
	done
	return 1
}
check "with kthingd running, the thing is removed and the modules unload" remove_and_unload

rules_finish
