#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# configfs (docs/configfs.md): invalid configurations refused at `live`
# with their errno and one kernel message, invalid attribute values, a live
# thing refusing changes, and create/live/teardown cycles.

. "$KTHING_SRC/tests/vm/core-lib.sh"

check "kthing.ko loads" core_load
check "/sys/kernel/config/kthing exists" test -d "$cfs"
sim=
if core_sim_load; then
	sim=--sim
else
	echo "# kthing_sim.ko not available: busy gpio lines are not tested here"
fi
run_prog kthing_configfs $sim
check "nothing is left in configfs" test -z "$(ls "$cfs")"
[ -n "$sim" ] && rmmod kthing_sim
check "kthing.ko unloads" core_unload
done_testing
