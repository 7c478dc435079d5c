# SPDX-License-Identifier: GPL-2.0
# Sourced by the kthingctl cases (tests/vm/cases/7*-kthingctl*.sh) after
# core-lib.sh: the binary, a scratch folder, cleanup, and checks of exit
# status and message.

kthingctl=$KTHING_BUILD/san/bin/kthingctl
[ -x "$kthingctl" ] || kthingctl=$KTHING_BUILD/bin/kthingctl
tmp=$(mktemp -d)
watcher=
holder=

cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wait 2>/dev/null
	grep -q '^kthing ' /proc/modules && core_unload
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	rm -rf "$tmp"
}
trap cleanup EXIT

# exits WHAT STATUS TEXT CMD...: CMD exits with STATUS and its standard
# error contains TEXT (empty: anything).
exits() {
	local what=$1 want=$2 text=$3 status

	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	tap_n=$((tap_n + 1))
	if [ "$status" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$tmp/err"; }; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		echo "# exit $status (expected $want); stderr: $(cat "$tmp/err")"
	fi
}

# wait_for COMMAND...: retry COMMAND for up to 10 s, scaled for a slow kernel.
wait_for() {
	local i

	for ((i = 0; i < 200 * KTHING_VM_TIME_SCALE; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

lines_in() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# listening PID: kthingctl watch has joined the events group (it makes its
# signalfd right after).
listening() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -q signalfd
}

