#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lifetime: things torn down under load with descriptors open and a
# listener subscribed; what keeps the module loaded; things from software
# nodes (the fwnode/device-tree path); unload and reload 50 times with
# things live.

. "$KTHING_SRC/tests/vm/core-lib.sh"

fwtest=$KTHING_SRC/tests/vm/fwnode/kthing_fwtest.ko

check "kthing.ko loads" core_load
run_prog kthing_lifetime teardown 20

make_virtual_thing pin 0
id=$(cat "$cfs/pin/id")
exec 3<"/dev/kthing$id"
remove_thing pin
fails_with "unloading with a removed thing's descriptor open" "in use" rmmod kthing
exec 3<&-
check "kthing.ko unloads once it is closed" rmmod kthing

if [ -f "$fwtest" ] && insmod "$fwtest"; then
	kmsg_mark fwnode
	check "kthing.ko loads with software-node things waiting" core_load
	id=$(grep -lx fwthing /sys/class/kthing/kthing*/name | sed 's|.*/kthing\([0-9]*\)/name|\1|')
	is "fwthing's channels" "0 level actuator int virtual
1 switch actuator bool virtual" "$(cat "/sys/class/kthing/kthing$id/channels" 2>&1)"
	check "fwthing's class device is a child of its platform device" \
		test -d "/sys/devices/platform/kthing.0/kthing/kthing$id"
	run_prog kthing_abi fwthing
	is "fwbad is refused with one message" 1 \
		"$(kmsg_since fwnode | grep -c 'fwbad/level: min is greater than max')"
	check "fwbad has no thing" test -z "$(grep -lx fwbad /sys/class/kthing/kthing*/name)"
	check "kthing.ko unloads with fwthing live" rmmod kthing
	run_prog kthing_lifetime reload 50 "$KTHING_SRC/kthing.ko" fwthing
	check "kthing_fwtest.ko unloads" rmmod kthing_fwtest
else
	echo "# kthing_fwtest.ko not built: reloading with configfs things only"
	run_prog kthing_lifetime reload 50 "$KTHING_SRC/kthing.ko"
fi
check "kthing.ko is not loaded at the end" test ! -d /sys/module/kthing
done_testing
