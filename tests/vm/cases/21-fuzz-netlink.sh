#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing of the "kthing" family (tests/vm/progs/fuzz_netlink.c):
# random commands and attribute sets, as root and then as nobody, while
# things come and go; nobody is refused every privileged operation.
# KTHING_FUZZ_SEED replays a run; KTHING_FUZZ_NETLINK_CALLS sets its length.

. "$KTHING_SRC/tests/vm/fuzz-lib.sh"

calls=${KTHING_FUZZ_NETLINK_CALLS:-$(fuzz_calls 180000)}

check "kthing.ko loads" core_load
run_fuzzer fuzz_netlink netlink "$calls"
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing.ko unloads: no reference leaked" core_unload
done_testing
