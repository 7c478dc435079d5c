#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The GPIO backend on kthing_sim's lines: one sample per input edge, outputs
# that follow writes, active-low lines, busy and missing lines.

. "$KTHING_SRC/tests/vm/core-lib.sh"

check "kthing.ko loads" core_load
check "kthing_sim.ko loads" core_sim_load
run_prog backend_hw gpio
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing_sim.ko unloads" rmmod kthing_sim
check "kthing.ko unloads" core_unload
done_testing
