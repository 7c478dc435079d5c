#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark sections 4 and 6: the Device Shadow round trip (an application's
# desired update -> the simulated GPIO output changes -> the reported update
# reaches the application), and kthing-shadowd's memory with many shadows.
cd "$KTHING_SRC" || exit 1
. tests/bench/lib.sh

bench_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	[ -n "$SHADOWD_PID" ] && kill -TERM "$SHADOWD_PID" 2>/dev/null && wait "$SHADOWD_PID"
	remove_lamp
	unload_modules
	cleanup
}
trap bench_cleanup EXIT

# lamp: one relay on simulated line 1.
make_lamp() {
	local t=$cfs/lamp
	mkdir "$t" "$t/relay" &&
		echo actuator > "$t/relay/kind" &&
		echo bool > "$t/relay/type" &&
		echo gpio > "$t/relay/backend" &&
		echo kthing-sim > "$t/relay/gpio_chip" &&
		echo 1 > "$t/relay/gpio_line" &&
		echo 1 > "$t/live"
}

remove_lamp() {
	local t=$cfs/lamp
	[ -d "$t" ] || return 0
	echo 0 > "$t/live" 2>/dev/null
	rmdir "$t/relay" 2>/dev/null
	rmdir "$t"
}

check "kthing.ko and kthing_sim.ko load" load_modules
check "the thing lamp (a GPIO output) goes live" make_lamp

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "${BENCH_BROKER[@]}"

cat > "$WORK/shadowd.json" <<EOF2
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"store":{"path":"$WORK/shadows.db"},
 "status":{"topic":null}}
EOF2
"$SHADOWD" -c "$WORK/shadowd.json" >> "$WORK/shadowd.log" 2>&1 &
SHADOWD_PID=$!
PIDS+=("$SHADOWD_PID")
# kthingd's first get must find the service listening.
check "kthing-shadowd serves" \
	wait_for_log "$WORK/shadowd.log" "subscribed to the shadow request topics" 60

cat > "$WORK/kthingd.json" <<EOF2
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1",
 "things":[{"kthing":"lamp","name":"lamp"}],
 "shadow":{"enabled":true},"status":{"socket":"$WORK/k.sock"}}
EOF2
"$KTHINGD" -c "$WORK/kthingd.json" -l notice >> "$WORK/k.log" 2>&1 &
KTHINGD_PID=$!
PIDS+=("$KTHINGD_PID")
check "kthingd connects" wait_status "$WORK/k.sock" broker.state connected 30
check "the shadow is created (an accepted update)" \
	wait_status_min "$WORK/k.sock" counters.shadow_accepted 1 60

stage "shadow round trip measured" \
	"$BENCH/bench-mqtt" shadow -p "$PORT" -s lamp -c relay -l 1 -n "$SHADOW_N" -k shadow.rt
check "every desired value reached the line" \
	[ "$(sim_value 1)" = "$(( SHADOW_N % 2 ))" ]
check "kthingd's requests were all answered" \
	[ "$(status_value "$WORK/k.sock" counters.shadow_timeouts)" = 0 ]

result shadowd.rss_start "$(mem_kib "$SHADOWD_PID" VmRSS)" KiB
stage "$FILL_N shadows created" \
	"$BENCH/bench-mqtt" fill -p "$PORT" -s bench -n "$FILL_N" -k shadowd.fill
result shadowd.rss_filled "$(mem_kib "$SHADOWD_PID" VmRSS)" KiB
result shadowd.rss_peak "$(mem_kib "$SHADOWD_PID" VmHWM)" KiB
result shadowd.shadows "$FILL_N" shadows

kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
check "kthingd stops cleanly" [ $? = 0 ]
KTHINGD_PID=
kill -TERM "$SHADOWD_PID"
wait "$SHADOWD_PID"
check "kthing-shadowd stops cleanly" [ $? = 0 ]
SHADOWD_PID=
[ "$TAP_FAILED" -eq 0 ] || { sed 's/^/# /' "$WORK/k.log" | tail -20; sed 's/^/# /' "$WORK/shadowd.log" | tail -20; }
remove_lamp
check "the modules unload" unload_modules
echo "1..$TAP_N"
