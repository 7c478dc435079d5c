#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# udev/60-kthing.rules on a live thing: `udevadm test` shows group kthing,
# mode 0660, the by-name symlink, the systemd tag and SYSTEMD_WANTS; then a
# real systemd-udevd with the rules makes /dev/kthing/by-name/<thing> and
# removes it with the thing. The kthing group comes from the sysusers.d
# file. Everything added (rules, group, udevd) is undone at the end.
cd "$KTHING_SRC" || exit 1
. tests/vm/core-lib.sh

KTHINGCTL=build/bin/kthingctl
# The guest runs chrooted into the host's root; udevadm and systemd-sysusers
# would refuse to act there.
export SYSTEMD_IGNORE_CHROOT=1
rules=/etc/udev/rules.d/60-kthing.rules
work=$(mktemp -d)
udevd_started=

make_description() {
	cat >"$work/$1.json" <<-EOF
		{"name": "$1", "channels": [{"name": "setpoint", "kind": "actuator",
		  "backend": "virtual", "min": 0, "max": 100}]}
	EOF
}

cleanup() {
	[ -n "$udevd_started" ] && udevadm control --exit 2>/dev/null
	for t in udevtest udevhot; do
		[ -d /sys/kernel/config/kthing/$t ] && "$KTHINGCTL" remove $t
	done
	grep -q '^kthing ' /proc/modules && rmmod kthing
	rm -f "$rules"
	getent passwd kthing >/dev/null && userdel kthing
	getent group kthing >/dev/null && groupdel kthing
	rm -rf "$work"
}
trap cleanup EXIT

# The device node of thing $1, e.g. kthing0.
node_of() {
	local d

	for d in /sys/class/kthing/*; do
		[ "$(cat "$d/name" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

check "the sysusers.d file creates the kthing group" \
	bash -c "systemd-sysusers $KTHING_SRC/systemd/kthing.sysusers && getent group kthing >/dev/null"
gid=$(getent group kthing | cut -d: -f3)
install -D -m 0644 udev/60-kthing.rules "$rules"

modprobe -q industrialio
check "kthing.ko loads" insmod "${KTHING_MODDIR:-$KTHING_SRC}/kthing.ko"
make_description udevtest
check "a thing goes live (kthingctl apply)" "$KTHINGCTL" apply "$work/udevtest.json"
node=$(node_of udevtest)
check "the thing has a device in /sys/class/kthing" [ -n "$node" ]

udevadm test --action=add "/sys/class/kthing/$node" >"$work/test.log" 2>&1
is "udevadm test runs" 0 "$?"
# udevadm test prints the properties it would set, and what it would do.
check "udevadm test: group kthing" grep -qE "GROUP.*kthing|gid=$gid" "$work/test.log"
check "udevadm test: mode 0660" grep -qE "MODE.*0?660|mode=0?660" "$work/test.log"
check "udevadm test: symlink kthing/by-name/udevtest" \
	grep -q "kthing/by-name/udevtest" "$work/test.log"
check "udevadm test: tagged for systemd" grep -qE "TAGS=.*:systemd:|TAG.*systemd" "$work/test.log"
check "udevadm test: SYSTEMD_WANTS=kthingd.service" \
	grep -q "SYSTEMD_WANTS=kthingd.service" "$work/test.log"
grep -E 'GROUP|MODE|SYMLINK|DEVLINKS|TAGS|SYSTEMD_WANTS|gid=|mode=' "$work/test.log" |
	head -n 20 | sed 's/^/# /'

# A real udevd: the symlink is made, with the owner and the mode.
/lib/systemd/systemd-udevd --daemon >"$work/udevd.log" 2>&1
is "systemd-udevd starts" 0 "$?"
udevd_started=1
udevadm trigger --action=add --subsystem-match=kthing
udevadm settle --timeout=30
check "/dev/kthing/by-name/udevtest points at /dev/$node" \
	[ "$(readlink -f /dev/kthing/by-name/udevtest)" = "/dev/$node" ]
is "/dev/$node is root:kthing 0660" "root:kthing 660" "$(stat -c '%U:%G %a' "/dev/$node")"
check "udev's database: tagged systemd, SYSTEMD_WANTS=kthingd.service" \
	bash -c "udevadm info /dev/$node | grep -q 'G: systemd\|TAGS=.*:systemd:' &&
		udevadm info /dev/$node | grep -q 'E: SYSTEMD_WANTS=kthingd.service'"

# A thing appearing while udevd runs gets its link; removed, it goes.
make_description udevhot
"$KTHINGCTL" apply "$work/udevhot.json"
udevadm settle --timeout=30
check "a thing made later gets /dev/kthing/by-name/udevhot" \
	[ -c "$(readlink -f /dev/kthing/by-name/udevhot)" ]
"$KTHINGCTL" remove udevhot
udevadm settle --timeout=30
check "the link goes with the thing" \
	bash -c "[ ! -e /dev/kthing/by-name/udevhot ] && [ ! -L /dev/kthing/by-name/udevhot ]"

udevadm control --exit
is "systemd-udevd stops" 0 "$?"
udevd_started=
"$KTHINGCTL" remove udevtest
check "kthing.ko unloads" rmmod kthing
done_testing
