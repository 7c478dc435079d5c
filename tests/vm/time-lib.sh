# SPDX-License-Identifier: GPL-2.0
# Sourced by the in-VM test libraries: how long a case may wait for a
# condition. Every deadline is written for Debian's kernel under emulation;
# a debug kernel (KASAN, lockdep, kmemleak) runs the same work several
# times slower, so tests/vm/run passes KTHING_VM_TIME_SCALE (a whole number,
# default 1) and every wait honours it. What a case checks never changes,
# only how long it waits before giving up.

: "${KTHING_VM_TIME_SCALE:=1}"
# The pause between two looks at a condition: 0.1 s, scaled. A look starts
# processes (status_read, jq), which a debug kernel makes dear enough that
# looking ten times a second takes the CPU from what is being waited for.
KTHING_VM_POLL_S=$((KTHING_VM_TIME_SCALE / 10)).$((KTHING_VM_TIME_SCALE % 10))

# scaled SECONDS: a deadline of SECONDS on Debian's kernel, for this one.
scaled() {
	echo $(($1 * KTHING_VM_TIME_SCALE))
}
