#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing of the "kthing" family (tests/vm/progs/fuzz_netlink.c):
# random commands and attribute sets, as root and then as nobody, while
# things come and go; nobody is refused every privileged operation.
# KTHING_FUZZ_SEED replays a run; KTHING_FUZZ_NETLINK_CALLS sets its length.

. "$KTHING_SRC/tests/vm/core-lib.sh"

calls=${KTHING_FUZZ_NETLINK_CALLS:-120000}
seed=${KTHING_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

check "kthing.ko loads" core_load
start=$(date +%s)
run_prog fuzz_netlink "$calls" "$seed"
echo "# netlink fuzz: $calls calls, seed $seed, $(($(date +%s) - start)) s in all"
check "nothing is left in configfs" test -z "$(ls "$cfs")"
check "kthing.ko unloads: no reference leaked" core_unload
done_testing
