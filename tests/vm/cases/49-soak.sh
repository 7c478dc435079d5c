#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak: kthingd (the build without sanitizers, whose memory use is the
# product's) relays a steady 30 messages a second at QoS 1 for a bounded
# time (KTHING_SOAK_S, default 60 s). Its resident memory stays flat after
# the warm-up, and every message reaches the subscriber, in order.
cd "$KTHING_SRC" || exit 1
. tests/vm/fault-lib.sh

SOAK_S=${KTHING_SOAK_S:-60}
WARMUP_S=10
# Growth allowed between the end of the warm-up and the end of the soak.
RSS_SLACK_KB=512
plain=$KTHING_BUILD/bin/kthingd

load_modules
PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"max_queued_messages 0"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
subscribe "$WORK/telemetry" -c -i soak-subscriber -q 1 -t dt/kthing/load/telemetry

cat > "$WORK/k.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1","log_level":"info"}
EOF
check "kthingd (without sanitizers) connects" start_agent k "$plain"
check "a thing reporting three sensors every 100 ms goes live" make_load_thing load 3 100
check "telemetry flows" wait_status_min "$AGENT_SOCK" counters.telemetry_messages 10 30

start=$SECONDS
samples=()
rss_start=
while ((SECONDS - start < SOAK_S)); do
	sleep 5
	rss=$(rss_kb "$KTHINGD_PID") || break
	samples+=("$((SECONDS - start))s:${rss}kB")
	((SECONDS - start >= WARMUP_S)) && [ -z "$rss_start" ] && rss_start=$rss
done
rss_end=$(rss_kb "$KTHINGD_PID")
elapsed=$((SECONDS - start))
check "kthingd ran the whole soak" kill -0 "$KTHINGD_PID"

all_delivered "$WORK/telemetry" "every message of the soak arrived, in order"
echo "# soak: ${elapsed}s, $LAST messages delivered ($((LAST / (elapsed > 0 ? elapsed : 1))) a second)"
echo "# soak: kthingd RSS ${rss_start}kB after ${WARMUP_S}s warm-up, ${rss_end}kB at the end; samples ${samples[*]}"
rss_flat() {
	[ -n "$rss_start" ] && [ -n "$rss_end" ] && [ "$rss_end" -le $((rss_start + RSS_SLACK_KB)) ]
}
check "kthingd's RSS is flat (end within ${RSS_SLACK_KB}kB of the warm-up's)" rss_flat
check "nothing was dropped" [ "$(stat_of counters.dropped)" = 0 ]
check "no event was lost" [ "$(stat_of counters.lost)" = 0 ]
check "kthingd stops cleanly" stop_agent
fault_finish
