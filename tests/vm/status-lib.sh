# SPDX-License-Identifier: GPL-2.0
# Sourced after tests/kthingd-lib.sh by the fault cases: its status readers
# without an interpreter started per call (build/vm/status_read and jq), for
# cases that poll the status many times a second in an emulated guest.

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
