# SPDX-License-Identifier: GPL-2.0
# Sourced by the in-VM cases that run the daemons: kthingd-lib's helpers and
# TAP numbering, sim-lib's simulated hardware, and the programs and configfs
# root they use. Set SHADOWD or KTHINGCTL first to run other builds.
. tests/kthingd-lib.sh
. tests/vm/sim-lib.sh
# sim-lib's TAP helpers would restart the numbering: use kthingd-lib's.
unset -f check is
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what" "failed: $*"; fi
}

SHADOWD=${SHADOWD:-build/san/bin/kthing-shadowd}
KTHINGCTL=${KTHINGCTL:-build/san/bin/kthingctl}
[ -x "$KTHINGCTL" ] || KTHINGCTL=build/bin/kthingctl
cfs=/sys/kernel/config/kthing

# remove_thing NAME: take a configfs thing down and remove its directories;
# nothing to do when it is not there.
remove_thing() {
	local t=$cfs/$1 c
	[ -d "$t" ] || return 0
	echo 0 > "$t/live" 2>/dev/null
	for c in "$t"/*/; do
		[ -d "$c" ] && rmdir "$c" 2>/dev/null
	done
	rmdir "$t"
}

remove_things() {
	local t
	for t in "$cfs"/*/; do
		[ -d "$t" ] && remove_thing "$(basename "$t")"
	done
	return 0
}

unload_modules() {
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	grep -q '^kthing ' /proc/modules && rmmod kthing
	return 0
}

# unload_all: every thing, then the modules.
unload_all() {
	remove_things
	unload_modules
}
