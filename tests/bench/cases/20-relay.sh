#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark sections 2, 3, 5 and 6: the broker's publish -> subscribe floor;
# kthingd relaying a simulated GPIO input to a subscriber (latency at QoS 0,
# throughput at QoS 0 and 1 with every sequence number checked, a message
# per event and batched); its memory, CPU and idle wake-ups; and a polling
# script doing the same job.
cd "$KTHING_SRC" || exit 1
. tests/bench/lib.sh

TOPIC=dt/kthing/env/telemetry
# The throughput drives are paced at a share of the ceiling (10-kernel):
# 10 % above each target (80 % at QoS 0, 50 % at QoS 1), so a relay that
# keeps up meets it even counting the last batch window. Without a ceiling,
# as fast as the lines go.
CEILING=$(cat "$BENCH/ceiling.rate" 2>/dev/null)
pace() {
	if [ -n "$CEILING" ]; then
		awk -v c="$CEILING" -v s="$1" 'BEGIN { printf "%d", c * s }'
	else
		echo 0
	fi
}
PACE=([0]=$(pace 0.88) [1]=$(pace 0.55))

bench_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	[ -n "$POLL_PID" ] && kill -TERM "$POLL_PID" 2>/dev/null && wait "$POLL_PID"
	remove_env
	unload_modules
	cleanup
}
trap bench_cleanup EXIT
env_up

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "${BENCH_BROKER[@]}" \
	"max_queued_messages 100000"

stage "broker floor measured" \
	"$BENCH/bench-mqtt" floor -p "$PORT" -n "$FLOOR_N" -k floor

# start_relay QOS [BATCH-MS]: kthingd relaying env at this QoS, batched
# over BATCH-MS or not, its first message out.
start_relay() {
	cat > "$WORK/kthingd.json" <<-EOF2
	{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1",
	 "things":[{"kthing":"env","name":"env"}],
	 "telemetry":{"qos":$1,"batch_ms":${2:-0}},
	 "queue":{"max_messages":1000000,"max_bytes":1073741824},
	 "status":{"socket":"$WORK/k.sock"},"shutdown_timeout_ms":0}
	EOF2
	"$KTHINGD" -c "$WORK/kthingd.json" -l notice >> "$WORK/k.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	wait_status "$WORK/k.sock" broker.state connected 30 &&
		wait_status_min "$WORK/k.sock" counters.telemetry_messages 1 30
}

stop_relay() {
	kill -TERM "$KTHINGD_PID"
	wait "$KTHINGD_PID"
	local rc=$?
	KTHINGD_PID=
	return $rc
}

# throughput QOS KEY: drive the lines at the pace for QOS while a
# subscriber at QOS counts and checks what kthingd relays; at QoS 1, until
# kthingd's queue is delivered. Results under KEY.
throughput() {
	local key=$2 cpu0 cpu1 pub0 sub_pid
	rm -f "$WORK/ready"
	"$BENCH/bench-mqtt" count -p "$PORT" -t "$TOPIC" -q "$1" -k "$key.sub" \
		-r "$WORK/ready" -i "$((DRAIN_S * 1000))" -T "$((DRAIN_S + 60))" \
		> "$WORK/count.out" 2> "$WORK/count.err" &
	sub_pid=$!
	PIDS+=("$sub_pid")
	wait_for test -e "$WORK/ready"
	cpu0=$(cpu_ms "$KTHINGD_PID")
	pub0=$(status_value "$WORK/k.sock" counters.published)
	profile "$KTHINGD_PID" "$(awk -v d="$DRIVE_S" 'BEGIN { print d + 3 }')" "${key#relay.}"
	stage "$key: the lines driven at ${PACE[$1]} events/s (0: as fast as they go)" \
		"$BENCH/bench-kernel" drive -d "$DEV" -l 0 -L "$LINES" -t "$DRIVE_S" \
		-r "${PACE[$1]}" -k "$key.drive"
	check "$key: kthingd's queue is delivered" \
		wait_status "$WORK/k.sock" queue.messages 0 "$DRAIN_S"
	cpu1=$(cpu_ms "$KTHINGD_PID")
	# What is still on its way from the broker, then the count ends.
	sleep 2
	kill -TERM "$sub_pid"
	wait "$sub_pid"
	check "$key: the subscriber counted what arrived" [ $? = 0 ]
	cat "$WORK/count.out"
	sed 's/^/# /' "$WORK/count.err"
	profile_report "${key#relay.}"
	result "$key.kthingd_cpu" "$((cpu1 - cpu0))" ms
	result "$key.kthingd_published" \
		"$(($(status_value "$WORK/k.sock" counters.published) - pub0))" messages
	result "$key.kthingd_lost" "$(status_value "$WORK/k.sock" counters.lost)" events
	result "$key.kthingd_dropped" "$(status_value "$WORK/k.sock" counters.dropped)" messages
	# The agent's own account, for whoever reads the results.
	status "$WORK/k.sock" | jq -c '{counters, queue}' | sed 's/^/# kthingd: /'
}

# --- kthingd at QoS 0: latency, then throughput -----------------------------
check "kthingd relays env at QoS 0" start_relay 0
cpu0=$(cpu_ms "$KTHINGD_PID")
stage "kthingd: change -> subscriber latency measured" \
	"$BENCH/bench-mqtt" latency -p "$PORT" -t "$TOPIC" -c door0 -l 0 \
	-n "$LATENCY_N" -g "$GAP_MS" -k relay.latency
result relay.latency.kthingd_cpu "$(($(cpu_ms "$KTHINGD_PID") - cpu0))" ms
throughput 0 relay.qos0
check "kthingd stops cleanly" stop_relay

# --- kthingd at QoS 1: throughput, then footprint -------------------------------
pull_all 0
check "kthingd relays env at QoS 1" start_relay 1
throughput 1 relay.qos1
result footprint.rss_peak "$(mem_kib "$KTHINGD_PID" VmHWM)" KiB
# Idle: nothing changes (the queue was delivered); only the keep-alive
# should wake the agent.
sleep 1
w0=$(wakeups "$KTHINGD_PID")
m0=$(wakeups "$KTHINGD_PID" "$KTHINGD_PID")
c0=$(cpu_ms "$KTHINGD_PID")
sleep "$IDLE_S"
w1=$(wakeups "$KTHINGD_PID")
m1=$(wakeups "$KTHINGD_PID" "$KTHINGD_PID")
c1=$(cpu_ms "$KTHINGD_PID")
result footprint.idle_wakeups "$(per "$((w1 - w0))" "$IDLE_S")" "wake-ups/s"
# The event loop's own thread, apart from the MQTT library's threads.
result footprint.idle_wakeups_loop "$(per "$((m1 - m0))" "$IDLE_S")" "wake-ups/s"
result footprint.idle_cpu "$((c1 - c0))" ms
result footprint.idle_seconds "$IDLE_S" s
result footprint.rss_steady "$(mem_kib "$KTHINGD_PID" VmRSS)" KiB
# Of which private memory; the rest is shared libraries' pages.
result footprint.rss_anon "$(mem_kib "$KTHINGD_PID" RssAnon)" KiB
result footprint.threads "$(ls /proc/"$KTHINGD_PID"/task | wc -l)" threads
check "kthingd stops cleanly" stop_relay

# --- batched: every event, $BATCH_MS ms of them to a message -----------------
for qos in 0 1; do
	pull_all 0
	check "kthingd relays env at QoS $qos in batches" start_relay "$qos" "$BATCH_MS"
	throughput "$qos" "relay.batch.qos$qos"
	check "kthingd stops cleanly" stop_relay
done

# --- the polling script at each sample rate ---------------------------------
for rate in $POLL_RATES; do
	pull_all 0
	rm -f "$WORK/poll.ready"
	/usr/bin/python3 tests/bench/poll-publish.py "$DEV" 0 door0 env "$rate" "$PORT" \
		"bench/poll/$rate" "$WORK/poll.ready" >> "$WORK/poll.log" 2>&1 &
	POLL_PID=$!
	PIDS+=("$POLL_PID")
	check "polling script at $rate Hz publishes" wait_for test -e "$WORK/poll.ready"
	cpu0=$(cpu_ms "$POLL_PID")
	stage "polling script at $rate Hz: change -> subscriber latency measured" \
		"$BENCH/bench-mqtt" latency -p "$PORT" -t "bench/poll/$rate" -c door0 -l 0 \
		-n "$POLL_N" -g "$GAP_MS" -k "poll.r$rate"
	result "poll.r$rate.script_cpu" "$(($(cpu_ms "$POLL_PID") - cpu0))" ms
	result "poll.r$rate.script_rss" "$(mem_kib "$POLL_PID" VmRSS)" KiB
	kill -TERM "$POLL_PID"
	wait "$POLL_PID"
	check "polling script at $rate Hz stops cleanly" [ $? = 0 ]
	POLL_PID=
done
[ "$TAP_FAILED" -eq 0 ] || { sed 's/^/# /' "$WORK/poll.log" | tail -20; sed 's/^/# /' "$WORK/k.log" | tail -20; }

remove_env
check "the modules unload" unload_modules
echo "1..$TAP_N"
