#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit tests of kthing's pure logic (kmod/tests/kthing_kunit.c), on kernels
# with KUnit (the debug kernel of `make check-debug`): loading
# kthing_kunit.ko runs the suite; each KTAP test result becomes a TAP line.

kunit=$KTHING_MODDIR/kthing_kunit.ko
results=/sys/kernel/debug/kunit/kthing/results

if [ ! -d /sys/kernel/debug/kunit ]; then
	echo "1..0 # SKIP kernel $(uname -r) has no KUnit"
	exit 0
fi

n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}

insmod "$KTHING_MODDIR/kthing.ko"
result $? "kthing.ko loads"
if [ ! -f "$kunit" ]; then
	result 1 "kthing_kunit.ko built for $(uname -r) (see build-kunit-*.log)"
	rmmod kthing 2>/dev/null
	echo "1..$n"
	exit 1
fi
insmod "$kunit"
result $? "kthing_kunit.ko loads and runs its suite"

if [ -r "$results" ]; then
	echo "# KTAP of the kthing suite:"
	sed 's/^/#   /' "$results"
	# The suite's test lines are indented one level: "    ok 1 test_name".
	cases=0
	while read -r status num name; do
		[ "$status" = not ] && read -r _ num name <<<"$num $name"
		name=${name#- }
		cases=$((cases + 1))
		case $status in
		ok) result 0 "KUnit kthing.$name" ;;
		*) result 1 "KUnit kthing.$name" ;;
		esac
	done < <(sed -n -E 's/^ {4}((not )?ok [0-9]+ .*)/\1/p' "$results")
	[ "$cases" -gt 0 ]
	result $? "the kthing suite reported its tests ($cases)"
	grep -qE '^(    )?ok [0-9]+ (- )?kthing$' "$results"
	result $? "the kthing suite passed as a whole"
else
	result 1 "KUnit results in $results"
fi

rmmod kthing_kunit 2>/dev/null
rmmod kthing
result $? "kthing.ko unloads"
echo "1..$n"
