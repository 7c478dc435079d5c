#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The IIO and thermal backends on kthing_sim: conversion to the channel's
# unit, deadband, sample period, failing reads, missing devices, and
# kthing_sim unloaded while things poll it.

. "$KTHING_SRC/tests/vm/core-lib.sh"

check "kthing.ko loads" core_load
check "kthing_sim.ko loads" core_sim_load
run_prog backend_hw iio
run_prog backend_hw thermal
run_prog backend_hw removal
check "kthing_sim.ko is gone" eval '! grep -q "^kthing_sim " /proc/modules'
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing_sim.ko loads again" core_sim_load
check "kthing_sim.ko unloads" rmmod kthing_sim
check "kthing.ko unloads" core_unload
done_testing
