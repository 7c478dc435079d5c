#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test VM itself: the kernel the modules were built for, and the
# filesystems the other cases rely on.

echo "1..6"

n=0
check() {
	local what=$1

	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
	fi
}

release=$(uname -r)
check "kernel $release is the one the modules were built for (${KTHING_VM_KVER:-unset})" \
	test "$release" = "${KTHING_VM_KVER:-}"
check "kernel $release has its modules in /lib/modules" test -f "/lib/modules/$release/modules.dep"
check "configfs mounted at /sys/kernel/config" mountpoint -q /sys/kernel/config
check "debugfs mounted at /sys/kernel/debug" mountpoint -q /sys/kernel/debug
check "cwd is the repository (KTHING_SRC)" test "$(pwd)" = "${KTHING_SRC:-}" -a -f Kbuild
check "KTHING_BUILD is writable" sh -c 'mkdir -p "$KTHING_BUILD" && touch "$KTHING_BUILD/.vm-write-test" && rm "$KTHING_BUILD/.vm-write-test"'
