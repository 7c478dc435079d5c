#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark sections 1 and 7: the ceiling (a minimal libnl listener
# receiving sensor events while kthing_sim drives a line as fast as it can),
# ioctl costs against the -ENOTTY floor, and the machine's CPU time per
# event emitted, with and without a listener.
cd "$KTHING_SRC" || exit 1
. tests/bench/lib.sh

bench_cleanup() {
	remove_env
	unload_modules
	cleanup
}
trap bench_cleanup EXIT

env_up

stage "ioctl costs measured" \
	"$BENCH/bench-kernel" ioctl -d "$DEV" -n "$IOCTLS" -k kernel.ioctl

stage "events emitted with no listener" \
	"$BENCH/bench-kernel" drive -d "$DEV" -l 0 -L "$LINES" -t "$DRIVE_S" -k kernel.nolistener

rm -f "$WORK/ready"
"$BENCH/bench-listen" -k ceiling.listen -r "$WORK/ready" -i 1000 -t 120 \
	> "$WORK/listen.out" 2> "$WORK/listen.err" &
LISTEN_PID=$!
PIDS+=("$LISTEN_PID")
check "the listener joined the events group" wait_for test -e "$WORK/ready"
stage "events emitted to a listener" \
	"$BENCH/bench-kernel" drive -d "$DEV" -l 0 -L "$LINES" -t "$DRIVE_S" -k ceiling.drive
finish "$LISTEN_PID" 30
check "the listener finished" [ $? = 0 ]
cat "$WORK/listen.out"
# The relay's drives (20-relay) are paced against it.
sed -n 's/^BENCH {"key":"ceiling.listen.rate","value":\([0-9.e+]*\),.*/\1/p' \
	"$WORK/listen.out" > "$BENCH/ceiling.rate"
sed 's/^/# /' "$WORK/listen.err"

remove_env
check "the modules unload" unload_modules
echo "1..$TAP_N"
