#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may do what (the README's trust model), tried as root, as nobody, as
# a member of the kthing group and as an unprivileged user holding only
# CAP_NET_ADMIN: the device node is root:kthing 0660, as
# udev/60-kthing.rules makes it (60-udev checks the rule itself); a
# read-only descriptor never writes; events and netlink SET need
# CAP_NET_ADMIN, and the kthing group does not grant it.

. "$KTHING_SRC/tests/vm/core-lib.sh"

probe=$KTHING_BUILD/vm/security_probe
# systemd-sysusers refuses to run chrooted, which the guest is.
export SYSTEMD_IGNORE_CHROOT=1
made_group=

cleanup() {
	[ -d "$cfs/sec" ] && remove_thing sec
	grep -q '^kthing ' /proc/modules && rmmod kthing
	if [ -n "$made_group" ]; then
		getent passwd kthing >/dev/null && userdel kthing
		getent group kthing >/dev/null && groupdel kthing
	fi
}
trap cleanup EXIT

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
as_member() {
	setpriv --reuid=65534 --regid=65534 --groups="$gid" "$@"
}
as_netadmin() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$@"
}

check "kthing.ko loads" core_load
check "a thing goes live (level = 5)" make_virtual_thing sec 5
dev=/dev/kthing$(cat "$cfs/sec/id")
if ! getent group kthing >/dev/null; then
	systemd-sysusers "$KTHING_SRC/systemd/kthing.sysusers" >/dev/null && made_group=1
fi
gid=$(getent group kthing | cut -d: -f3)
check "the kthing group exists (gid $gid)" test -n "$gid"
# What the rule does: GROUP="kthing", MODE="0660".
chgrp kthing "$dev" && chmod 0660 "$dev"
is "$dev is root:kthing 0660" "root:kthing 660" "$(stat -c '%U:%G %a' "$dev")"

# --- the device -----------------------------------------------------------
is "nobody cannot open the device for reading" EACCES "$(as_nobody "$probe" open "$dev" r)"
is "nobody cannot open the device for writing" EACCES "$(as_nobody "$probe" open "$dev" rw)"
is "CAP_NET_ADMIN alone does not open the device" EACCES "$(as_netadmin "$probe" open "$dev" r)"
is "a member of kthing reads" "ok 5" "$(as_member "$probe" read "$dev" 0)"
is "a member of kthing cannot WRITE through a read-only descriptor" EBADF \
	"$(as_member "$probe" write "$dev" r 0 7)"
is "a member of kthing cannot SET_CONFIG through a read-only descriptor" EBADF \
	"$(as_member "$probe" config "$dev" r 0)"
is "root cannot WRITE through a read-only descriptor either" EBADF "$("$probe" write "$dev" r 0 7)"
exec 4<"$dev"
is "a read-only descriptor handed to nobody does not WRITE" EBADF \
	"$(as_nobody "$probe" write-fd 4 0 7)"
exec 4<&-
is "the refused writes left the value alone" "ok 5" "$("$probe" read "$dev" 0)"
is "a member of kthing writes through a descriptor opened for writing" ok \
	"$(as_member "$probe" write "$dev" rw 0 7)"
is "and the value is applied" "ok 7" "$("$probe" read "$dev" 0)"
chmod 0640 "$dev"
is "with mode 0640 a member of kthing cannot open it for writing" EACCES \
	"$(as_member "$probe" open "$dev" rw)"
is "but still reads" "ok 7" "$(as_member "$probe" read "$dev" 0)"
chmod 0660 "$dev"

# --- netlink ----------------------------------------------------------------
is "nobody cannot join events" EPERM "$(as_nobody "$probe" join)"
is "a member of kthing cannot join events" EPERM "$(as_member "$probe" join)"
is "nobody cannot set through netlink" EPERM "$(as_nobody "$probe" nlset sec level 9)"
is "a member of kthing cannot set through netlink" EPERM "$(as_member "$probe" nlset sec level 9)"
is "the refused sets left the value alone" "ok 7" "$("$probe" read "$dev" 0)"
is "an unprivileged user with CAP_NET_ADMIN joins events" ok "$(as_netadmin "$probe" join)"
is "an unprivileged user with CAP_NET_ADMIN sets through netlink" ok \
	"$(as_netadmin "$probe" nlset sec level 9)"
is "and the value is applied" "ok 9" "$("$probe" read "$dev" 0)"

check "the thing is torn down" remove_thing sec
check "kthing.ko unloads" rmmod kthing
done_testing
