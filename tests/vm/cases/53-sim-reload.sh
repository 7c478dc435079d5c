#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing_sim loads and unloads cleanly, again and again, with a line in use
# as an interrupt just before each unload, and leaves nothing behind.

. "$KTHING_SRC/tests/vm/sim-lib.sh"

trap 'sim_loaded && sim_unload' EXIT

rounds=5

all_gone() {
	! gpiodetect | grep -q '\[kthing-sim\]' &&
		! sim_iio_dir >/dev/null && ! sim_thermal_dir >/dev/null &&
		! test -e "$sim_debugfs"
}

# fail WHAT: say which step of which round failed.
fail() {
	echo "# round $i: $*"
	return 1
}

one_round() {
	local i

	for i in $(seq "$rounds"); do
		sim_load || fail "load" || return 1
		sim_iio_dir >/dev/null || fail "no IIO device" || return 1
		sim_thermal_dir >/dev/null || fail "no thermal zone" || return 1
		# An edge on a line someone watches, then unload right away.
		timeout "$(scaled 60)" gpiomon -s -n 1 kthing-sim 2 &
		wait_for sim_irq_requested 2 || fail "interrupt of line 2 not requested" || return 1
		sim_pull 2 1
		wait $! || fail "gpiomon saw no edge" || return 1
		sim_unload || fail "unload" || return 1
		all_gone || fail "something left" || return 1
	done
}

check "nothing of kthing_sim before loading" all_gone
check "$rounds rounds of load, use, unload" one_round
check "nothing of kthing_sim is left" all_gone

# A line held while unloading keeps the module (gpiolib holds a reference).
sim_load
timeout "$(scaled 60)" gpiomon -s -n 1 kthing-sim 1 &
monitor=$!
wait_for sim_irq_requested 1
check "unloading with a line in use is refused" eval '! sim_unload 2>/dev/null'
sim_pull 1 1
wait "$monitor"
check "and works once it is released" sim_unload
check "leaving nothing behind" all_gone
done_testing
