#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing_sim's thermal zone through sysfs: the waveform, held values and
# failing reads.

. "$KTHING_SRC/tests/vm/sim-lib.sh"

trap 'sim_loaded && sim_unload' EXIT


check "kthing_sim loads" sim_load || exit 1
zone=$(sim_thermal_dir)
check "a thermal zone has type kthing-sim" test -n "$zone"
ctl=$sim_debugfs/thermal

between "its temperature follows the waveform (40 .. 60 degC)" 40000 60000 \
	"$(cat "$zone/temp")"
echo 71500 >"$ctl/temp"
is "a held temperature shows in sysfs" 71500 "$(cat "$zone/temp")"
is "and in debugfs" 71500 "$(cat "$ctl/temp")"
echo 1 >"$ctl/fail"
check "reads fail while thermal/fail is 1" eval '! cat "$zone/temp" 2>/dev/null'
echo 0 >"$ctl/fail"
is "reads work again after thermal/fail 0" 71500 "$(cat "$zone/temp")"
echo auto >"$ctl/temp"
between "auto returns it to the waveform" 40000 60000 "$(cat "$zone/temp")"

check "kthing_sim unloads" sim_unload
done_testing
