#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# configfs fuzzing (tests/vm/progs/fuzz_configfs.c): random writes to every
# attribute of things and channels, directories made and removed, things
# going live and torn down, all at once; with kthing_sim.ko, when built,
# so that the gpio, iio and thermal backends bind to hardware.
# KTHING_FUZZ_SEED replays a run; KTHING_FUZZ_CONFIGFS_CALLS sets its length.

. "$KTHING_SRC/tests/vm/fuzz-lib.sh"

calls=${KTHING_FUZZ_CONFIGFS_CALLS:-$(fuzz_calls 35000)}

check "kthing.ko loads" core_load
sim=
if core_sim_load; then
	sim=1
else
	echo "# kthing_sim.ko not available: only virtual channels bind"
fi
run_fuzzer fuzz_configfs configfs "$calls"
check "nothing is left in configfs" test -z "$(ls "$cfs")"
[ -n "$sim" ] && check "kthing_sim.ko unloads: no GPIO line left requested" rmmod kthing_sim
check "kthing.ko unloads: no reference leaked" core_unload
done_testing
