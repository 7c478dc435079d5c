#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ioctl fuzzing of /dev/kthingN (tests/vm/progs/fuzz_ioctl.c): a fixed
# number of random and structure-aware calls while another process makes
# things live and tears them down; then the module still works and unloads.
# KTHING_FUZZ_SEED replays a run; KTHING_FUZZ_IOCTL_CALLS sets its length.

. "$KTHING_SRC/tests/vm/fuzz-lib.sh"

calls=${KTHING_FUZZ_IOCTL_CALLS:-$(fuzz_calls 400000)}

check "kthing.ko loads" core_load
run_fuzzer fuzz_ioctl ioctl "$calls"
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing.ko unloads: no descriptor or reference leaked" core_unload
done_testing
