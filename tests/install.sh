#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install into a DESTDIR, checked: every file where Debian expects it
# with its mode, units that systemd-analyze accepts with the installed
# binaries, the kthing user from the sysusers.d file, configuration that a
# second install keeps, an uninstall that leaves only that configuration,
# PREFIX honoured, and the DKMS source tree building against the 6.1
# headers. TAP on stdout.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

KDIR=${KDIR:-$(tests/vm/find-kdir 2>/dev/null)}
work=$(mktemp -d /tmp/kthing-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0

ok() { echo "ok $((n += 1)) - $1"; }
not_ok() {
	echo "not ok $((n += 1)) - $1"
	shift
	printf '# %s\n' "$@"
}
# check WHAT COMMAND...: ok when COMMAND succeeds; its output as comments.
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		not_ok "$what" "failed: $*"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
}

make_q() {
	make --no-print-directory -s "$@" >"$work/make.log" 2>&1 ||
		{ cat "$work/make.log"; return 1; }
}

root=$work/root
multiarch=$(${CC:-cc} -print-multiarch)

# PATH MODE: what the installed tree must hold ("link" for a symlink).
expected=(
	/usr/sbin/kthingd 755
	/usr/sbin/kthing-shadowd 755
	/usr/bin/kthingctl 755
	/usr/lib/$multiarch/libkthing.so.0.1.0 644
	/usr/lib/$multiarch/libkthing.so.0 link
	/usr/lib/$multiarch/libkthing.so link
	/usr/lib/$multiarch/pkgconfig/libkthing.pc 644
	/usr/include/kthing.h 644
	/usr/include/kthing/linux/kthing.h 644
	/usr/lib/systemd/system/kthingd.service 644
	/usr/lib/systemd/system/kthing-shadowd.service 644
	/usr/lib/udev/rules.d/60-kthing.rules 644
	/usr/lib/sysusers.d/kthing.conf 644
	/usr/share/man/man1/kthingctl.1 644
	/usr/share/man/man8/kthingd.8 644
	/usr/share/man/man8/kthing-shadowd.8 644
	/etc/kthing/kthingd.json.example 644
	/etc/kthing/shadowd.json.example 644
	/etc/kthing/kthingd.json 640
	/etc/kthing/shadowd.json 640
	/usr/share/doc/kthing/README.md 644
	/usr/share/doc/kthing/thing-description.md 644
	/usr/share/doc/kthing/examples/greenhouse.json.example 644
	/usr/share/doc/kthing/examples/modules-load.d-kthing.conf.example 644
)

check "make install DESTDIR=... (PREFIX defaults to /usr)" make_q install DESTDIR="$root"

tree_as_expected() {
	local i path mode bad=0 got

	for ((i = 0; i < ${#expected[@]}; i += 2)); do
		path=${expected[i]} mode=${expected[i + 1]}
		if [ "$mode" = link ]; then
			[ -L "$root$path" ] && [ -e "$root$path" ] && continue
			echo "$path: not a working symlink"
		else
			got=$(stat -c %a "$root$path" 2>/dev/null)
			[ "$got" = "$mode" ] && [ ! -L "$root$path" ] && continue
			echo "$path: mode ${got:-missing}, expected $mode"
		fi
		bad=1
	done
	return $bad
}
check "every file is installed with its mode ($((${#expected[@]} / 2)) paths)" tree_as_expected

only_expected() {
	local i extra

	extra=$(cd "$root" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort |
		comm -23 - <(for ((i = 0; i < ${#expected[@]}; i += 2)); do
			echo "${expected[i]}"
		done | LC_ALL=C sort) | grep -v '^/usr/share/doc/kthing/')
	[ -z "$extra" ] || { echo "not expected: $extra"; return 1; }
}
check "nothing else is installed outside the documentation" only_expected

# The SDK as an application developer uses it: the README's example program
# builds with nothing but the installed pkg-config file.
example_builds() {
	local flags

	flags=$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$root/usr/lib/$multiarch/pkgconfig:$(pkg-config --variable pc_path pkg-config)" \
		PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
		PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 pkg-config --cflags --libs libkthing) &&
		${CC:-cc} -Wall -Werror agent/libkthing/example.c $flags -o "$work/example" &&
		readelf -d "$work/example" | grep -q 'NEEDED.*\[libkthing.so.0\]'
}
check "a program builds against the installed libkthing through pkg-config" example_builds

check "the units start the daemons from /usr/sbin" \
	grep -qx 'ExecStart=/usr/sbin/kthingd' "$root/usr/lib/systemd/system/kthingd.service"

# systemd-analyze checks that ExecStart= is executable: point the units at
# the installed binaries (252's --root= wants a whole system to resolve
# sysinit.target). Warnings (unknown keys, bad values) exit 0: any output
# fails the test too.
verify_units() {
	local dir=$work/units u out

	mkdir -p "$dir"
	for u in kthingd kthing-shadowd; do
		sed "s|^ExecStart=/usr/sbin/|ExecStart=$root/usr/sbin/|" \
			"$root/usr/lib/systemd/system/$u.service" >"$dir/$u.service"
	done
	out=$(systemd-analyze verify --man=no "$dir/kthingd.service" \
		"$dir/kthing-shadowd.service" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts both units, without a warning" verify_units
	# The same check on a unit whose binary is not installed must fail.
	mkdir -p "$work/broken"
	sed 's|^ExecStart=.*|ExecStart=/nonexistent/kthingd|' \
		"$root/usr/lib/systemd/system/kthingd.service" >"$work/broken/kthingd.service"
	check "systemd-analyze verify refuses a unit whose binary is missing" \
		bash -c "! systemd-analyze verify --man=no '$work/broken/kthingd.service'"
else
	not_ok "systemd-analyze verify (systemd-analyze not installed)"
fi

for unit in kthingd kthing-shadowd; do
	f=$root/usr/lib/systemd/system/$unit.service
	check "$unit.service: Type=notify, runs as kthing, restarts on failure" \
		bash -c "grep -qx Type=notify '$f' && grep -qx User=kthing '$f' &&
			grep -qx Group=kthing '$f' && grep -qx Restart=on-failure '$f' &&
			grep -q '^StartLimitBurst=' '$f'"
done
check "kthingd.service keeps CAP_NET_ADMIN only" \
	grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN' "$root/usr/lib/systemd/system/kthingd.service"

sysusers() {
	mkdir -p "$work/sysroot/etc"
	systemd-sysusers --root="$work/sysroot" "$root/usr/lib/sysusers.d/kthing.conf" &&
		grep -q '^kthing:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$work/sysroot/etc/passwd" &&
		grep -q '^kthing:x:' "$work/sysroot/etc/group"
}
check "the sysusers.d file creates the kthing system user and group" sysusers

check "the installed kthingd accepts the installed configuration" \
	"$root/usr/sbin/kthingd" --check-config -c "$root/etc/kthing/kthingd.json"
check "the installed kthing-shadowd accepts the installed configuration" \
	"$root/usr/sbin/kthing-shadowd" --check-config -c "$root/etc/kthing/shadowd.json"
check "the installed kthingctl runs" "$root/usr/bin/kthingctl" --help

# The administrator edits the configuration; installing again keeps it.
echo '{"edited": true}' >"$root/etc/kthing/kthingd.json"
echo '{"edited": true}' >"$root/etc/kthing/shadowd.json.example"
check "a second make install succeeds" make_q install DESTDIR="$root"
check "a second install keeps the edited kthingd.json" \
	grep -qx '{"edited": true}' "$root/etc/kthing/kthingd.json"
check "a second install refreshes the .example files" \
	cmp -s etc/shadowd.json.example "$root/etc/kthing/shadowd.json.example"

check "make uninstall DESTDIR=..." make_q uninstall DESTDIR="$root"
leftovers() {
	local left
	left=$(cd "$root" && find . ! -type d | LC_ALL=C sort | tr '\n' ' ')
	[ "$left" = "./etc/kthing/kthingd.json ./etc/kthing/shadowd.json " ] ||
		{ echo "left: $left"; return 1; }
}
check "uninstall leaves only the configuration files" leftovers

local_root=$work/local
check "make install PREFIX=/usr/local" make_q install DESTDIR="$local_root" PREFIX=/usr/local
check "PREFIX moves binaries and units, the units follow" \
	bash -c "[ -x '$local_root/usr/local/sbin/kthingd' ] &&
		[ -x '$local_root/usr/local/bin/kthingctl' ] &&
		[ -f '$local_root/usr/local/lib/$multiarch/libkthing.so.0.1.0' ] &&
		grep -qx 'ExecStart=/usr/local/sbin/kthing-shadowd' \
			'$local_root/usr/local/lib/systemd/system/kthing-shadowd.service' &&
		[ -f '$local_root/etc/kthing/kthingd.json' ] && [ ! -e '$local_root/usr/sbin' ]"

# DKMS: the installed source tree, added and built in trees of its own
# (--sourcetree, --dkmstree) so the system's DKMS state is not touched.
dkms_build() {
	local rel=$1 ver

	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	make_q dkms-sources DESTDIR="$work/dkms" || return 1
	mkdir -p "$work/dkms/var/lib/dkms"
	dkms add -m kthing -v "$ver" --sourcetree "$work/dkms/usr/src" \
		--dkmstree "$work/dkms/var/lib/dkms" >"$work/dkms.log" 2>&1 &&
	dkms build -j "$(nproc)" -m kthing -v "$ver" -k "$rel" --sourcetree "$work/dkms/usr/src" \
		--dkmstree "$work/dkms/var/lib/dkms" >>"$work/dkms.log" 2>&1 &&
	ls "$work/dkms/var/lib/dkms/kthing/$ver/$rel"/*/module/kthing.ko* \
		"$work/dkms/var/lib/dkms/kthing/$ver/$rel"/*/module/kthing_sim.ko* \
		>>"$work/dkms.log" 2>&1 || { tail -n 30 "$work/dkms.log"; return 1; }
}
rel=
for tree in /lib/modules/*/build; do
	[ "$(readlink -f "$tree")" = "$(readlink -f "${KDIR:-/nonexistent}")" ] &&
		rel=${tree#/lib/modules/} && rel=${rel%/build}
done
if ! command -v dkms >/dev/null; then
	not_ok "dkms build of the installed sources (dkms not installed)"
elif [ -z "$rel" ]; then
	not_ok "dkms build of the installed sources (no /lib/modules/*/build for KDIR=$KDIR)"
else
	check "dkms add and build of make dkms-sources against $rel" dkms_build "$rel"
fi

echo "1..$n"
