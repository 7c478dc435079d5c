# SPDX-License-Identifier: GPL-2.0
# Sourced after tests/kthingd-lib.sh by the fault cases: its status readers
# without an interpreter started per call (build/vm/status_read and jq), for
# cases that poll the status many times a second in an emulated guest.
. "$KTHING_SRC/tests/vm/time-lib.sh"

status() {
	"$KTHING_BUILD/vm/status_read" "$1"
}

# status_value SOCKET PATH: as kthingd-lib's ("counters.dropped",
# "things.0.id"); strings bare, everything else as JSON.
status_value() {
	status "$1" | jq -r --arg p "$2" \
		'getpath($p | split(".") | map(tonumber? // .)) |
		 if type == "string" then . else tojson end'
}

# wait_status SOCKET PATH VALUE SECONDS, wait_status_min SOCKET PATH NUMBER
# SECONDS: as kthingd-lib's, bounded by time even when reads are slow.
wait_status() {
	local end=$((SECONDS + $4 * KTHING_VM_TIME_SCALE)) v
	while :; do
		v=$(status_value "$1" "$2" 2>/dev/null)
		[ "$v" = "$3" ] && return 0
		((SECONDS < end)) || break
		sleep "$KTHING_VM_POLL_S"
	done
	echo "# $2 is $v, expected $3" >&2
	return 1
}

wait_status_min() {
	local end=$((SECONDS + $4 * KTHING_VM_TIME_SCALE)) v
	while :; do
		v=$(status_value "$1" "$2" 2>/dev/null)
		[ -n "$v" ] && [ "$v" -ge "$3" ] 2>/dev/null && return 0
		((SECONDS < end)) || break
		sleep "$KTHING_VM_POLL_S"
	done
	echo "# $2 is $v, expected at least $3" >&2
	return 1
}
