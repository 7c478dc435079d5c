#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing_sim's IIO device through sysfs: processed channels that follow the
# waveform, values held and released from debugfs, reads made to fail.

. "$KTHING_SRC/tests/vm/sim-lib.sh"

trap 'sim_loaded && sim_unload' EXIT


check "kthing_sim loads" sim_load || exit 1
iio=$(sim_iio_dir)
check "an IIO device is named kthing-sim-env" test -n "$iio"
ctl=$sim_debugfs/iio

between "temperature follows the waveform (18 .. 28 degC)" 18000 28000 \
	"$(cat "$iio/in_temp_input")"
between "humidity follows the waveform (40 .. 60 %RH)" 40000 60000 \
	"$(cat "$iio/in_humidityrelative_input")"
pressure=$(cat "$iio/in_pressure_input")
between "pressure follows the waveform (99 .. 103 kPa)" 99 103 "${pressure%%.*}"
is "pressure keeps six decimals" 6 "$(echo "${pressure#*.}" | tr -d '\n' | wc -c)"

echo 23456 >"$ctl/temp"
is "held temperature shows in sysfs" 23456 "$(cat "$iio/in_temp_input")"
is "and in debugfs" 23456 "$(cat "$ctl/temp")"
echo -1500 >"$ctl/temp"
is "a negative temperature" -1500 "$(cat "$iio/in_temp_input")"
echo 51234 >"$ctl/humidityrelative"
is "held humidity shows in sysfs" 51234 "$(cat "$iio/in_humidityrelative_input")"
echo 101.325 >"$ctl/pressure"
is "held pressure shows in sysfs in kPa" 101.325000 "$(cat "$iio/in_pressure_input")"
echo -0.5 >"$ctl/pressure"
is "a negative pressure below 1 kPa keeps its sign" -0.500000 "$(cat "$iio/in_pressure_input")"

echo auto >"$ctl/temp"
between "auto returns temperature to the waveform" 18000 28000 "$(cat "$iio/in_temp_input")"

check "a fraction is refused for temperature" eval '! echo 1.5 >"$ctl/temp" 2>/dev/null'
check "garbage is refused" eval '! echo warm >"$ctl/humidityrelative" 2>/dev/null'
check "seven decimals are refused for pressure" eval '! echo 1.0000001 >"$ctl/pressure" 2>/dev/null'

echo 1 >"$ctl/fail"
check "reads fail while iio/fail is 1" eval '! cat "$iio/in_temp_input" 2>/dev/null'
is "and iio/fail reads back 1" 1 "$(cat "$ctl/fail")"
echo 0 >"$ctl/fail"
is "reads work again after iio/fail 0" 51234 "$(cat "$iio/in_humidityrelative_input")"

check "kthing_sim unloads" sim_unload
done_testing
