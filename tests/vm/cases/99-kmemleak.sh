#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# After every other case, on kernels with kmemleak (the debug kernel of
# `make check-debug`): scan twice, then fail on any leak kthing made. All
# other modules of that kernel are built in, so a leak whose trace has a
# frame in module space is kthing's, named ([kthing], [kthing_sim]) or,
# once the module is gone, a bare address.

kmemleak=/sys/kernel/debug/kmemleak

if [ ! -e "$kmemleak" ]; then
	echo "1..0 # SKIP kernel $(uname -r) has no kmemleak"
	exit 0
fi
echo "1..2"

# An object is reported once it is old enough (5 s) and was found
# unreferenced by a scan; the second scan catches what the first aged.
ok=1
echo scan >"$kmemleak" || ok=0
sleep 6
echo scan >"$kmemleak" || ok=0
report=$(cat "$kmemleak")
[ "$ok" = 1 ] && echo "ok 1 - kmemleak scanned twice" || echo "not ok 1 - kmemleak scanned twice"

# One leak per "unreferenced object" paragraph; ours have a frame with
# [kthing...] or an unresolved module-space address (0xffffffffc...).
ours=$(awk '
	/^unreferenced object/ { if (blk != "" && mine) print blk; blk = $0; mine = 0; next }
	{ blk = blk "\n" $0 }
	/\[kthing[a-z_]*\]/ || /^ *\[<ffffffffc[0-9a-f]*>\] 0xffffffffc/ { mine = 1 }
	END { if (blk != "" && mine) print blk }
' <<<"$report")
all=$(grep -c '^unreferenced object' <<<"$report")
if [ -z "$ours" ]; then
	echo "ok 2 - no memory leaked by kthing ($all suspected leaks elsewhere)"
else
	echo "not ok 2 - no memory leaked by kthing ($(grep -c '^unreferenced object' <<<"$ours") leaks)"
	head -n 120 <<<"$ours" | sed 's/^/#   /'
fi
if [ "$all" -gt 0 ]; then
	echo "# all suspected leaks:"
	head -n 200 <<<"$report" | sed 's/^/#   /'
fi
