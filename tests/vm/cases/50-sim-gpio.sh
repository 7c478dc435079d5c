#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing_sim's GPIO chip through libgpiod's tools: line names, inputs driven
# from debugfs raising one interrupt per requested edge, outputs observable.

. "$KTHING_SRC/tests/vm/sim-lib.sh"

tmp=$(mktemp -d)
monitor=
cleanup() {
	[ -n "$monitor" ] && kill "$monitor" 2>/dev/null && wait "$monitor" 2>/dev/null
	sim_loaded && sim_unload
	rm -rf "$tmp"
}
trap cleanup EXIT


check "kthing_sim loads" sim_load || exit 1

check "gpiodetect lists kthing-sim with 8 lines" \
	sh -c 'gpiodetect | grep -q "\[kthing-sim\] (8 lines)"'
names=$(gpioinfo kthing-sim | sed -n 's/^[[:space:]]*line[[:space:]]*[0-9]*:[[:space:]]*"\([^"]*\)".*/\1/p' | tr '\n' ' ')
is "gpioinfo names the lines sim0 .. sim7" "sim0 sim1 sim2 sim3 sim4 sim5 sim6 sim7 " "$names"

# Both edges: one interrupt, and one event, per edge. The consumer reads
# the level in a threaded handler, so each edge waits for the event of the
# one before: edges closer than that merge, as they would on a board.
timeout "$(scaled 60)" gpiomon -b -n 3 -F '%e' kthing-sim 3 >"$tmp/both" &
monitor=$!
check "gpiomon requests line 3" wait_for sim_irq_requested 3
is "no interrupt before any edge" 0 "$(sim_irq_count 3)"
sim_pull 3 1
sim_pull 3 1
check "one event for a rising edge" wait_for has_lines "$tmp/both" 1
sim_pull 3 0
check "one more for a falling edge" wait_for has_lines "$tmp/both" 2
is "one interrupt per edge, none for a pull that changes nothing" 2 "$(sim_irq_count 3)"
is "rising, then falling" "1 0" "$(tr '\n' ' ' <"$tmp/both" | sed 's/ $//')"
sim_pull 3 1
wait "$monitor"
is "gpiomon exits after the third edge" 0 "$?"
monitor=
check "the line is released" wait_for eval '! sim_line_used 3'
sim_pull 3 0

# Rising edges only: falling edges raise nothing.
timeout "$(scaled 60)" gpiomon -b -r -n 3 -F '%e' kthing-sim 4 >"$tmp/rising" &
monitor=$!
check "gpiomon requests line 4, rising edges" wait_for sim_irq_requested 4
sim_pull 4 1
check "one event for a rising edge" wait_for has_lines "$tmp/rising" 1
sim_pull 4 0
sim_pull 4 1
check "one more for the next rising edge" wait_for has_lines "$tmp/rising" 2
sim_pull 4 0
is "two interrupts: falling edges are not raised" 2 "$(sim_irq_count 4)"
is "both rising" "1 1" "$(tr '\n' ' ' <"$tmp/rising" | sed 's/ $//')"
sim_pull 4 1
wait "$monitor"
monitor=
sim_pull 4 0

# Inputs read the pulled level.
sim_pull 6 1
is "gpioget reads a pulled-up input" 1 "$(gpioget kthing-sim 6)"
sim_pull 6 0
is "gpioget reads a pulled-down input" 0 "$(gpioget kthing-sim 6)"

# Outputs show in debugfs, and pulling them changes nothing.
gpioset kthing-sim 5=1
is "gpioset 5=1 shows in debugfs value" 1 "$(sim_value 5)"
sim_pull 5 0
is "pulling an output does not change its level" 1 "$(sim_value 5)"
gpioset kthing-sim 5=0
is "gpioset 5=0 shows in debugfs value" 0 "$(sim_value 5)"
gpioset -l kthing-sim 5=1
is "active-low gpioset 5=1 drives the line low" 0 "$(sim_value 5)"

check "kthing_sim unloads" sim_unload
done_testing
