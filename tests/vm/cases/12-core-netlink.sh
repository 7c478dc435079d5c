#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The generic netlink family "kthing": requests against the ioctl view,
# strict policies with extack, events and their sequence numbers, dump
# consistency, and what an unprivileged process may not do.

. "$KTHING_SRC/tests/vm/core-lib.sh"

check "kthing.ko loads" core_load
run_prog kthing_nl
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing.ko unloads" core_unload
done_testing
