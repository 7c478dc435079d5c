# SPDX-License-Identifier: GPL-2.0
# Sourced by the cases of the kthing core (tests/vm/cases/1* .. 4*): TAP
# lines without numbers (the plan comes last), the core module, configfs.
. "$KTHING_SRC/tests/vm/time-lib.sh"

cfs=/sys/kernel/config/kthing
tap_n=0

# check WHAT COMMAND...: passes when COMMAND succeeds.
check() {
	local what=$1

	shift
	tap_n=$((tap_n + 1))
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
	fi
}

# is WHAT EXPECTED ACTUAL: passes when both strings are equal.
is() {
	tap_n=$((tap_n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		echo "# expected '$2', got '$3'"
	fi
}

# fails_with WHAT ERROR COMMAND...: passes when COMMAND fails and its
# message names ERROR (e.g. "Invalid argument").
fails_with() {
	local what=$1 want=$2 out

	shift 2
	tap_n=$((tap_n + 1))
	if out=$("$@" 2>&1); then
		echo "not ok - $what fails with $want"
		echo "# it succeeded"
	elif [[ $out == *"$want"* ]]; then
		echo "ok - $what fails with $want"
	else
		echo "not ok - $what fails with $want"
		echo "# got: $out"
	fi
}

# put FILE VALUE: write VALUE to FILE in a subshell, so a failed write is a
# status and a message rather than the end of the script.
put() {
	(echo "$2" >"$1")
}

# run_prog NAME ARG...: run the test program build/vm/NAME, pass its TAP
# lines through and count them.
run_prog() {
	local prog=$KTHING_BUILD/vm/$1 out n

	shift
	if [ ! -x "$prog" ]; then
		tap_n=$((tap_n + 1))
		echo "not ok - $prog is built"
		return 1
	fi
	out=$("$prog" "$@" 2>&1)
	echo "$out"
	n=$(grep -cE '^(not )?ok\b' <<<"$out")
	tap_n=$((tap_n + n))
}

done_testing() {
	echo "1..$tap_n"
}

# The IIO backend needs the IIO core; it stays loaded.
core_load() {
	modprobe -q industrialio
	insmod "$KTHING_SRC/kthing.ko"
}

# core_sim_load: load kthing_sim.ko when it is built; fails otherwise.
core_sim_load() {
	[ -f "$KTHING_SRC/kthing_sim.ko" ] && insmod "$KTHING_SRC/kthing_sim.ko"
}

# Remove every thing left in configfs, then the module.
core_unload() {
	local thing ch

	for thing in "$cfs"/*/; do
		[ -d "$thing" ] || continue
		echo 0 >"$thing/live" 2>/dev/null
		for ch in "$thing"*/; do
			[ -d "$ch" ] && rmdir "$ch"
		done
		rmdir "$thing"
	done
	rmmod kthing
}

# make_virtual_thing NAME INITIAL: a live thing with a virtual int actuator
# "level" (-100 .. 100, exponent -1, unit pct) and a virtual bool "switch".
make_virtual_thing() {
	local t=$cfs/$1

	mkdir "$t" "$t/level" "$t/switch" &&
		put "$t/level/kind" actuator &&
		put "$t/level/backend" virtual &&
		put "$t/level/unit" pct &&
		put "$t/level/exponent" -1 &&
		put "$t/level/min" -100 &&
		put "$t/level/max" 100 &&
		put "$t/level/initial" "$2" &&
		put "$t/switch/kind" actuator &&
		put "$t/switch/type" bool &&
		put "$t/switch/backend" virtual &&
		put "$t/live" 1
}

# remove_thing NAME: tear a configfs thing down and remove its directories.
remove_thing() {
	local t=$cfs/$1 ch

	put "$t/live" 0
	for ch in "$t"/*/; do
		[ -d "$ch" ] && rmdir "$ch"
	done
	rmdir "$t"
}

# kmsg_since MARK: kernel messages after the line containing MARK.
kmsg_mark() {
	echo "kthing-test: $1" >/dev/kmsg
}

kmsg_since() {
	dmesg | sed -n "/kthing-test: $1\$/,\$p" | tail -n +2
}
