#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libkthing's API against the real module (tests/vm/progs/kthingctl_libkthing.c):
# describe, read, write with value conversion, configure, list and set over
# netlink, events with loss detection, removal.

. "$KTHING_SRC/tests/vm/core-lib.sh"

cleanup() {
	grep -q '^kthing ' /proc/modules && core_unload
}
trap cleanup EXIT

modprobe industrialio 2>/dev/null
check "kthing.ko loads" core_load || { done_testing; exit 1; }
check "a virtual thing goes live" make_virtual_thing lk 5
run_prog kthingctl_libkthing lk
check "the thing's directories can go" remove_thing lk
check "kthing.ko unloads" rmmod kthing
done_testing
