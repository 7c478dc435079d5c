#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages kthing is built and tested with, only those
# missing, so running it twice is cheap, and fetch the 6.12 kernel headers
# the modules are compile-checked against (enabling bookworm-backports only
# when no configured archive has them; backports are never preferred for
# anything else).
#
#   tests/deps.sh [TAPFILE]    report one TAP line to TAPFILE (or stdout)
#
# Writes the 6.12 header tree to build/deps/kdir-6.12 for tests/check.sh.

set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tap=${1:-/dev/stdout}
state=$src/build/deps

packages=(
	build-essential linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static kmod cpio
	libnl-3-dev libnl-genl-3-dev libpaho-mqtt-dev libcjson-dev
	libgpiod-dev gpiod libsqlite3-dev sqlite3
	mosquitto mosquitto-clients libcmocka-dev
	sparse pkg-config linux-source clang openssl
	pahole xz-utils
	# kthingd checks certificate dates with libcrypto; tests read its
	# status socket with python3; the udev rules are tested with udevd.
	libssl-dev python3 udev
	# The demo's smoke test presses Ctrl-C in a real terminal.
	tmux
	# tests/install.sh builds the modules through DKMS.
	dkms
	# make bench compares kthingd with a polling script written with it.
	python3-paho-mqtt
	# make check-debug builds a kernel.
	flex bison libelf-dev libssl-dev bc
)

backports_list=/etc/apt/sources.list.d/bookworm-backports.sources

msg() {
	echo "deps: $*" >&2
}

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo -n "$@"
	else
		msg "need root to run: $*"
		return 1
	fi
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	as_root apt-get -q update >&2 && updated=1
}

apt_install() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
		--no-install-recommends "$@" >&2
}

# The newest 6.12 amd64 header tree installed system-wide, if any.
installed_headers_612() {
	local d

	for d in /usr/src/linux-headers-6.12*-amd64; do
		[ -f "$d/Makefile" ] && echo "$d"
	done | sort -V | tail -n 1
}

enable_backports() {
	grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ &&
		return 0
	msg "enabling bookworm-backports in $backports_list"
	as_root tee "$backports_list" >/dev/null <<-EOF
		Types: deb
		URIs: http://deb.debian.org/debian
		Suites: bookworm-backports
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	updated=
}

# The newest plain amd64 6.12 headers package (not -rt, not -cloud).
find_headers_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9.+a-z~-]*-amd64$' |
		awk '{ print $1 }' | grep -v -e '-rt-amd64$' -e '-cloud-amd64$' |
		sort -V | tail -n 1
}

# The 6.12 headers are only compiled against, never booted: unpack them
# (with their -common and kbuild packages) under build/deps instead of
# installing them, because the package pulls in a kernel image that would
# become this machine's default kernel. Prints the tree.
fetch_headers_612() {
	local dest=$state/linux-6.12 pkg deps tmp deb kdir

	if [ -f "$dest/kdir" ] && [ -f "$(cat "$dest/kdir")/Makefile" ]; then
		cat "$dest/kdir"
		return 0
	fi
	pkg=$(find_headers_612)
	if [ -z "$pkg" ]; then
		apt_update >/dev/null || return 1
		pkg=$(find_headers_612)
	fi
	if [ -z "$pkg" ]; then
		enable_backports || return 1
		apt_update >/dev/null || return 1
		pkg=$(find_headers_612)
	fi
	if [ -z "$pkg" ]; then
		msg "no linux-headers-6.12*-amd64 package in the configured archives"
		return 1
	fi
	deps=$(apt-cache depends "$pkg" |
		awk '$1 == "Depends:" && $2 ~ /^linux-(headers-.*-common|kbuild-)/ { print $2 }')
	msg "unpacking $pkg $deps into $dest"
	rm -rf "$dest"
	mkdir -p "$dest/debs"
	(cd "$dest/debs" && apt-get -q download "$pkg" $deps) >&2 || return 1
	for deb in "$dest"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dest/root" || return 1
	done
	rm -rf "$dest/debs"
	kdir=$dest/root/usr/src/$pkg
	[ -f "$kdir/Makefile" ] || return 1
	# The flavour's Makefile includes the common tree by absolute path.
	sed -i "s|^include /usr/src/|include $dest/root/usr/src/|" "$kdir/Makefile"
	echo "$kdir" >"$dest/kdir"
	echo "$kdir"
}

# The packages of $@ that are not installed (one dpkg-query: it is slow).
not_installed() {
	local -A have=()
	local p st

	while read -r p st; do
		have[$p]=$st
	done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null)
	for p in "$@"; do
		[ "${have[$p]:-}" = installed ] || echo "$p"
	done
}

mapfile -t missing < <(not_installed "${packages[@]}")


problems=()
if [ "${#missing[@]}" -gt 0 ]; then
	msg "installing ${missing[*]}"
	if ! { apt_update && apt_install "${missing[@]}"; }; then
		:
	fi
	mapfile -t still < <(not_installed "${missing[@]}")
	[ "${#still[@]}" -eq 0 ] || problems+=("not installed: ${still[*]}")
fi

mkdir -p "$state"
kdir612=$(installed_headers_612)
[ -n "$kdir612" ] || kdir612=$(fetch_headers_612)
[ -n "$kdir612" ] || problems+=("no 6.12 kernel headers (bookworm-security or bookworm-backports)")
echo "$kdir612" >"$state/kdir-6.12"

if [ "${#problems[@]}" -eq 0 ]; then
	echo "ok - Debian packages installed (${#packages[@]} packages, 6.12 headers ${kdir612##*/})" >>"$tap"
	exit 0
fi
echo "not ok - Debian packages installed" >>"$tap"
printf '#   %s\n' "${problems[@]}" >>"$tap"
exit 1
