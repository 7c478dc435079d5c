# SPDX-License-Identifier: GPL-2.0
# Sourced by the kthing_sim cases (tests/vm/cases/5*): loading and
# unloading the module, finding and driving the sim's objects.

# TAP lines (check, is, done_testing) as the core's cases print them.
. "$KTHING_SRC/tests/vm/core-lib.sh"

sim_debugfs=/sys/kernel/debug/kthing_sim

# between WHAT LOW HIGH ACTUAL: passes when LOW <= ACTUAL <= HIGH.
between() {
	tap_n=$((tap_n + 1))
	if [ -n "$4" ] && [ "$4" -ge "$2" ] 2>/dev/null && [ "$4" -le "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		echo "# expected $2 .. $3, got '$4'"
	fi
}

# wait_for COMMAND...: retry COMMAND for up to 30 s (a loaded host makes
# the emulated guest slow), scaled for a slow kernel.
wait_for() {
	local end=$((SECONDS + 30 * KTHING_VM_TIME_SCALE))

	while [ "$SECONDS" -le "$end" ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

sim_load() {
	modprobe industrialio && insmod "$KTHING_SRC/kthing_sim.ko"
}

sim_unload() {
	rmmod kthing_sim
}

sim_loaded() {
	grep -q '^kthing_sim ' /proc/modules
}

# The sysfs directory of the sim's IIO device.
sim_iio_dir() {
	local d

	for d in /sys/bus/iio/devices/iio:device*; do
		if [ "$(cat "$d/name" 2>/dev/null)" = kthing-sim-env ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# The sysfs directory of the sim's thermal zone.
sim_thermal_dir() {
	local d

	for d in /sys/class/thermal/thermal_zone*; do
		if [ "$(cat "$d/type" 2>/dev/null)" = kthing-sim ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# sim_pull OFFSET LEVEL: the outside world drives a GPIO line.
sim_pull() {
	echo "$2" >"$sim_debugfs/gpio/$1/pull"
}

# sim_value OFFSET: the level the line has.
sim_value() {
	cat "$sim_debugfs/gpio/$1/value"
}

# sim_line_used OFFSET: the line is requested by a consumer.
sim_line_used() {
	gpioinfo kthing-sim | grep -E "^[[:space:]]+line[[:space:]]+$1:" | grep -q '\[used'
}

# sim_irq_requested OFFSET: someone requested the line's interrupt (the line
# shows as used a little before its interrupt is requested).
sim_irq_requested() {
	awk -v line="$1" '
		NR == 1 { ncpu = NF; next }
		$(ncpu + 2) == "kthing-sim" && $(ncpu + 3) == line &&
		NF >= ncpu + 4 && $NF != "Edge" && $NF != "Level" {
			found = 1
		}
		END { exit !found }' /proc/interrupts
}

# sim_irq_count OFFSET: interrupts taken on the line, summed over CPUs;
# empty while no interrupt is requested on it.
sim_irq_count() {
	awk -v line="$1" '
		NR == 1 { ncpu = NF; next }
		$(ncpu + 2) == "kthing-sim" && $(ncpu + 3) == line {
			for (i = 2; i <= ncpu + 1; i++)
				sum += $i
			found = 1
		}
		END { if (found) print sum }' /proc/interrupts
}

# has_lines FILE N: FILE has N lines (for wait_for).
has_lines() {
	[ "$(wc -l <"$1")" -eq "$2" ]
}
