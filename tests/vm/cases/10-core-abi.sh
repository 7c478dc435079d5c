#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ioctl ABI of /dev/kthingN and the class device's sysfs attributes,
# on a thing of virtual actuators (and a thermal sensor of kthing_sim when
# it is built, for writes to a sensor).

. "$KTHING_SRC/tests/vm/core-lib.sh"

check "kthing.ko loads" core_load
check "a virtual thing goes live" make_virtual_thing abi 5
id=$(cat "$cfs/abi/id")
check "configfs id is a number ($id)" test "$id" -ge 0
check "/dev/kthing$id is a character device" test -c "/dev/kthing$id"
is "sysfs name" abi "$(cat "/sys/class/kthing/kthing$id/name")"
is "sysfs channels, one line each" "0 level actuator int virtual
1 switch actuator bool virtual" "$(cat "/sys/class/kthing/kthing$id/channels")"

sensor=
if core_sim_load; then
	mkdir "$cfs/abisensor" "$cfs/abisensor/temp"
	put "$cfs/abisensor/temp/kind" sensor
	put "$cfs/abisensor/temp/backend" thermal
	put "$cfs/abisensor/temp/thermal_zone" kthing-sim
	put "$cfs/abisensor/temp/exponent" -3
	check "a thermal sensor thing goes live" put "$cfs/abisensor/live" 1
	sensor=abisensor
else
	echo "# kthing_sim.ko not available: writing a sensor is not tested here"
fi

run_prog kthing_abi abi $sensor

if [ -n "$sensor" ]; then
	remove_thing abisensor
	rmmod kthing_sim
fi
check "the thing is torn down" remove_thing abi
check "/dev/kthing$id is gone" test ! -e "/dev/kthing$id"
check "kthing.ko unloads" rmmod kthing
done_testing
