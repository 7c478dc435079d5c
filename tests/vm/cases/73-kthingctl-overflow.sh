#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingctl watch on a socket that overflowed: a listener stopped while
# thousands of events go by marks the loss, then goes on.

. "$KTHING_SRC/tests/vm/core-lib.sh"
. "$KTHING_SRC/tests/vm/kthingctl-lib.sh"

modprobe industrialio 2>/dev/null
check "kthing.ko loads" core_load || { done_testing; exit 1; }
check "a virtual thing goes live" make_virtual_thing flood 0

"$kthingctl" watch --json --timeout "$(scaled 60)" flood >"$tmp/flood.json" 2>&1 &
watcher=$!
check "the watcher joined the events group" wait_for listening "$watcher"
kill -STOP "$watcher"
check "5000 writes while the watcher is stopped" \
	"$KTHING_BUILD/vm/kthingctl_flood" flood switch 5000
kill -CONT "$watcher"
check "watch marks the overflow" \
	wait_for grep -q '"event":"lost","thing":null,"lost":null' "$tmp/flood.json"
check "and goes on with the events after it" \
	wait_for sh -c "grep -A1 '\"event\":\"lost\"' '$tmp/flood.json' | grep -q '\"event\":\"applied\"'"
kill "$watcher"
wait "$watcher" 2>/dev/null
watcher=

check "the thing is torn down" remove_thing flood
check "kthing.ko unloads" rmmod kthing
done_testing
