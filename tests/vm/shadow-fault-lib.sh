# SPDX-License-Identifier: GPL-2.0
# Sourced by the Device Shadow fault cases (tests/vm/cases/4*-fault-*.sh)
# after what tests/vm/shadow-lib.sh sets up (the thing "lamp", mosquitto,
# kthing-shadowd, kthingd): counting faults, watching the thing's events,
# the devices kthingd holds, and the status read without an interpreter.
. tests/vm/shadow-lib.sh
. tests/vm/status-lib.sh

# Each result says when it was reached: the cases must fit the case time limit.
TAP_TIMES=1
FAULTS=0
fault() {
	FAULTS=$((FAULTS + 1))
	echo "# fault $FAULTS: $1"
}

# count_applied FILE CHANNEL VALUE: actuator-applied events kthingctl watch
# printed for CHANNEL with VALUE.
count_applied() {
	grep -c "\"event\":\"applied\",\"thing\":\"$thing\".*\"channel\":\"$2\",.*\"value\":$3," "$1"
}

# watch_start FILE: kthingctl watch of the thing, running once it listens.
watch_start() {
	"$KTHINGCTL" watch --json "$thing" > "$1" 2>&1 &
	WATCH_PID=$!
	PIDS+=("$WATCH_PID")
	local i
	for ((i = 0; i < 200 * KTHING_VM_TIME_SCALE; i++)); do
		ls -l "/proc/$WATCH_PID/fd" 2>/dev/null | grep -q signalfd && return 0
		sleep 0.05
	done
	return 1
}

# kthingd_devices: the kthing devices kthingd has open.
kthingd_devices() {
	ls -l "/proc/$KTHINGD_PID/fd" 2>/dev/null | grep -c '/dev/kthing'
}

