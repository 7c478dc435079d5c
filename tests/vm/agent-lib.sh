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
