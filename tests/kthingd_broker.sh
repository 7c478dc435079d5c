#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd against a real mosquitto on loopback: telemetry, status topic
# (retained online, will on kill -9, offline on SIGTERM), batching,
# reconnection with the offline queue delivered in order, overflow
# accounting, the queue kept on disk across a restart, reload, and an idle
# agent staying asleep.
#
# Events are fed through a FIFO (events.source), the way a bridge would.
cd "$(dirname "$0")/.." || exit 1
. tests/kthingd-lib.sh

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"persistence true" "persistence_location $WORK/" "autosave_interval 0"
URI=mqtt://127.0.0.1:$PORT
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

# --- configuration checks -------------------------------------------------
cat > "$WORK/good.json" <<EOF
{ "thing_name": "dev1", "broker": { "uri": "$URI" } }
EOF
out=$("$KTHINGD" -c "$WORK/good.json" --check-config 2>&1)
check "--check-config accepts a good file" [ $? -eq 0 ]

echo '{ "broker": { "uri": "htp://x" } }' > "$WORK/bad.json"
out=$("$KTHINGD" -c "$WORK/bad.json" --check-config 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ "$out" = "kthingd: $WORK/bad.json: broker.uri: unsupported scheme \"htp\" (mqtt, mqtts, ssl, tcp, ws, wss)" ]; then
	ok "a bad file exits 2 naming the key and the problem"
else
	not_ok "a bad file exits 2 naming the key and the problem" "rc $rc: $out"
fi

out=$("$KTHINGD" -c "$WORK/good.json" --broker htp://x --check-config 2>&1)
check "a command-line override is validated like the file" [ $? -eq 2 ]

out=$("$KTHINGD" -c "$WORK/nonexistent.json" 2>&1)
check "a missing -c file exits 2" [ $? -eq 2 ]

# --- telemetry, retained online ------------------------------------------
subscribe "$WORK/telemetry" -q 1 -t 'dt/kthing/env/telemetry' -C 3 -W 30
start_kthingd a -b "$URI" -n dev1
wait_status "$WORK/a.sock" broker.state connected 10
sample env 1 temp 235 -1
sample env 2 temp 230 -1
echo '{"event":"sample","thing":"env","seq":3,"channel":"door","index":1,"value":1,"type":"bool"}' >&7
wait "$SUB_PID"
messages "$WORK/telemetry" > "$WORK/telemetry.txt"
expected='{"thing":"env","seq":1,"values":{"temp":23.5}}
{"thing":"env","seq":2,"values":{"temp":23.0}}
{"thing":"env","seq":3,"values":{"door":true}}'
got=$(strip_ts < "$WORK/telemetry.txt")
if [ "$got" = "$expected" ]; then
	ok "samples arrive as exact telemetry with contiguous sequence numbers"
else
	not_ok "samples arrive as exact telemetry with contiguous sequence numbers" "$got"
fi
ts=$(head -1 "$WORK/telemetry.txt" | sed -n 's/.*"ts":\([0-9]*\).*/\1/p')
now=$(date +%s%3N)
check "the timestamp is wall-clock milliseconds" \
	test -n "$ts" -a $((now - ${ts:-0})) -ge 0 -a $((now - ${ts:-0})) -lt 30000

retained=$("${SUB[@]}" -t dt/kthing/dev1/status -C 1 -W 5 -F '%r %p')
check "\"online\" is retained on the status topic" [ "$retained" = "1 online" ]
check "the acknowledged counter counts QoS 1 deliveries" \
	wait_status "$WORK/a.sock" counters.acknowledged 4 5
# AWS meters each message in started 5 KB units: one each for these.
published=$(status_value "$WORK/a.sock" counters.published)
check "billing units count one per message under 5 KB ($published published)" \
	test "$published" -ge 4 -a "$(status_value "$WORK/a.sock" counters.billing_units)" = "$published"

# --- no transparent huge pages -------------------------------------------
# khugepaged would fill in again what a delivered backlog gave back to the
# system (agent/common/no_hugepages.h). Kernels before 5.0 do not say.
thp=$(awk '$1 == "THP_enabled:" { print $2 }' "/proc/$KTHINGD_PID/status")
check "kthingd keeps out of transparent huge pages (THP_enabled ${thp:-absent})" \
	[ "${thp:-0}" = 0 ]

# --- idle agent stays asleep ---------------------------------------------
before=$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/$KTHINGD_PID/task/$KTHINGD_PID/status)
sleep 3
after=$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/$KTHINGD_PID/task/$KTHINGD_PID/status)
if [ $((after - before)) -le 2 ]; then
	ok "an idle agent's loop does not wake up ($((after - before)) wake-ups in 3 s)"
else
	not_ok "an idle agent's loop does not wake up" "$((after - before)) wake-ups in 3 s"
fi

# --- will on kill -9 -----------------------------------------------------
# The retained "online" above is replaced by the will's retained "offline".
kill -9 "$KTHINGD_PID"
wait "$KTHINGD_PID" 2>/dev/null
for ((i = 0; i < 50; i++)); do
	retained=$("${SUB[@]}" -t dt/kthing/dev1/status -C 1 -W 5 -F '%r %p')
	[ "$retained" = "1 offline" ] && break
	sleep 0.1
done
check "kill -9 leaves the will: a retained \"offline\"" [ "$retained" = "1 offline" ]

# --- SIGTERM: clean exit with retained offline ----------------------------
start_kthingd b -b "$URI" -n dev1
wait_status "$WORK/b.sock" broker.state connected 10
check "reconnecting resumes the persistent session" \
	wait_for_log "$WORK/b.log" "(resumed session)" 1
retained=$("${SUB[@]}" -t dt/kthing/dev1/status -C 1 -W 5 -F '%r %p')
check "the new connection says \"online\" again" [ "$retained" = "1 online" ]
kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
rc=$?
check "SIGTERM exits 0" [ $rc -eq 0 ]
retained=$("${SUB[@]}" -t dt/kthing/dev1/status -C 1 -W 5 -F '%r %p')
check "SIGTERM leaves a retained \"offline\"" [ "$retained" = "1 offline" ]

# --- broker restart: queued QoS 1 delivered in order ----------------------
# A persistent subscriber collects what is published while it is away; it
# reads until a timeout, since mosquitto_sub -C leaves messages unacknowledged.
collect() {
	"${SUB[@]}" -q 1 -c -i collector -t 'dt/kthing/env/telemetry' -W 2
}
collect > /dev/null
cat > "$WORK/fast.json" <<EOF
{ "thing_name": "dev1", "broker": { "uri": "$URI" },
  "reconnect": { "min_ms": 100, "max_ms": 500 } }
EOF
start_kthingd c -c "$WORK/fast.json" --state-dir "$WORK/state-c"
wait_status "$WORK/c.sock" broker.state connected 10
sample env 1 temp 1
wait_status "$WORK/c.sock" queue.messages 0 5
stop_pid "$BROKER_PID"
wait_status "$WORK/c.sock" broker.state retrying 10
for i in 2 3 4 5 6; do sample env "$i" temp "$i"; done
check "telemetry is queued while the broker is away" wait_status "$WORK/c.sock" queue.messages 5 5
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"persistence true" "persistence_location $WORK/" "autosave_interval 0"
check "the agent reconnects after the broker restarts" \
	wait_status "$WORK/c.sock" broker.state connected 15
check "the queue empties once acknowledged" wait_status "$WORK/c.sock" queue.messages 0 10
check "the reconnection is counted" wait_status "$WORK/c.sock" counters.reconnects 1 1
got=$(collect | strip_ts |
	sed -n 's/.*"temp":\([0-9]*\).*/\1/p' | tr '\n' ' ')
if [ "$got" = "1 2 3 4 5 6 " ]; then
	ok "messages queued across the broker restart arrive once each, in order"
else
	not_ok "messages queued across the broker restart arrive once each, in order" "got: $got"
fi

# --- the queue on disk survives an agent restart --------------------------
stop_pid "$BROKER_PID"
wait_status "$WORK/c.sock" broker.state retrying 10
for i in 7 8 9; do sample env "$i" temp "$i"; done
wait_status "$WORK/c.sock" queue.messages 3 5
kill -TERM "$KTHINGD_PID"
wait "$KTHINGD_PID"
check "stopping while disconnected says what stays on disk" \
	grep -q "stopping with 3 message(s) not delivered (kept on disk)" "$WORK/c.log"
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"persistence true" "persistence_location $WORK/" "autosave_interval 0"
start_kthingd c2 -c "$WORK/fast.json" --state-dir "$WORK/state-c"
check "the restarted agent delivers what it kept on disk" \
	wait_status "$WORK/c2.sock" queue.messages 0 15
got=$(collect | strip_ts |
	sed -n 's/.*"temp":\([0-9]*\).*/\1/p' | tr '\n' ' ')
check "in order ($got)" [ "$got" = "7 8 9 " ]
stop_pid "$KTHINGD_PID"

# --- overflow: the oldest are dropped and counted -------------------------
cat > "$WORK/small.json" <<EOF
{ "thing_name": "dev1", "broker": { "uri": "$URI" },
  "reconnect": { "min_ms": 100, "max_ms": 200 },
  "queue": { "max_messages": 3 } }
EOF
stop_pid "$BROKER_PID"
start_kthingd d -c "$WORK/small.json"
for i in 1 2 3 4 5 6 7 8 9 10; do sample env "$i" temp "$i"; done
check "the overflow drops 7 and counts them" wait_status "$WORK/d.sock" counters.dropped 7 5
check "the overflow is logged" grep -q "offline queue full" "$WORK/d.log"
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" \
	"persistence true" "persistence_location $WORK/" "autosave_interval 0"
wait_status "$WORK/d.sock" queue.messages 0 15
got=$(collect | strip_ts |
	sed -n 's/.*"temp":\([0-9]*\).*/\1/p' | tr '\n' ' ')
check "the newest 3 are delivered ($got)" [ "$got" = "8 9 10 " ]

# --- SIGHUP reload without reconnecting -----------------------------------
sed -i 's|"queue"|"telemetry": { "topic": "dt/reloaded/{thing}" }, "queue"|' "$WORK/small.json"
kill -HUP "$KTHINGD_PID"
wait_for_log "$WORK/d.log" "configuration reloaded" 5
subscribe "$WORK/reloaded" -q 1 -t 'dt/reloaded/env' -C 1 -W 30
sample env 11 temp 11
wait "$SUB_PID"
messages "$WORK/reloaded" > "$WORK/reloaded.txt"
check "SIGHUP applies a new topic template" grep -q '"temp":11' "$WORK/reloaded.txt"
check "without reconnecting" [ "$(status_value "$WORK/d.sock" counters.connects)" = 1 ]
echo '{ "broker": { "uri": "htp://x" } }' > "$WORK/small.json"
kill -HUP "$KTHINGD_PID"
check "a bad reload is refused and the agent keeps running" \
	wait_for_log "$WORK/d.log" "reload failed, keeping the running configuration: .*broker.uri: unsupported scheme" 5
check "still connected" [ "$(status_value "$WORK/d.sock" broker.state)" = connected ]

# --- a lost event is counted ---------------------------------------------
sample env 15 temp 15
check "a sequence gap is counted as lost events" wait_status "$WORK/d.sock" counters.lost 3 5
check "per thing too" [ "$(status_value "$WORK/d.sock" things.0.lost)" = 3 ]
stop_pid "$KTHINGD_PID"

# --- coalescing, the payload limit, metrics ---------------------------------
cat > "$WORK/coalesce.json" <<EOF
{ "thing_name": "dev1", "broker": { "uri": "$URI" },
  "telemetry": { "coalesce_ms": 500, "max_payload": 256 },
  "status": { "metrics_topic": "dt/kthing/{thing}/metrics", "metrics_interval_s": 1 } }
EOF
"${SUB[@]}" -t 'dt/kthing/dev1/metrics' -C 1 -W 30 > "$WORK/metrics.txt" &
METRICS_PID=$!
PIDS+=("$METRICS_PID")
subscribe "$WORK/coalesced" -q 1 -t 'dt/kthing/env/telemetry' -W 15
start_kthingd f -c "$WORK/coalesce.json"
wait_status "$WORK/f.sock" broker.state connected 10
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	echo "{\"event\":\"sample\",\"thing\":\"env\",\"channel\":\"channel_number_$i\",\"index\":$i,\"value\":$i}" >&7
done
# A second sample of channel 0 within the window replaces the first.
echo '{"event":"sample","thing":"env","channel":"channel_number_0","index":0,"value":100}' >&7
wait "$SUB_PID"
messages "$WORK/coalesced" > "$WORK/coalesced.txt"
values=$(strip_ts < "$WORK/coalesced.txt" | grep -o '"channel_number_[0-9]*":[0-9]*' |
	sed 's/"channel_number_\([0-9]*\)":\([0-9]*\)/\1=\2/' | sort -n | tr '\n' ' ')
check "a coalescing window publishes the latest value of each channel once ($values)" \
	[ "$values" = "0=100 1=1 2=2 3=3 4=4 5=5 6=6 7=7 8=8 9=9 10=10 11=11 " ]
longest=$(awk '{ print length($0) }' "$WORK/coalesced.txt" | sort -n | tail -1)
n=$(wc -l < "$WORK/coalesced.txt")
check "split into messages within max_payload ($n messages, longest $longest bytes)" \
	[ "$((n > 1 && longest <= 256))" = 1 ]
wait "$METRICS_PID"
check "the status document is published on the metrics topic" \
	grep -q '"counters":{"events":' "$WORK/metrics.txt"
stop_pid "$KTHINGD_PID"

# --- batching: every sample, several to a message -------------------------
cat > "$WORK/batch.json" <<EOF
{ "thing_name": "dev1", "broker": { "uri": "$URI" },
  "telemetry": { "batch_ms": 300, "max_payload": 256 },
  "things": [ { "kthing": "env" }, { "kthing": "slow", "batch_ms": 600000 } ] }
EOF
subscribe "$WORK/batched" -q 1 -t 'dt/kthing/+/telemetry'
start_kthingd g -c "$WORK/batch.json"
wait_status "$WORK/g.sock" broker.state connected 10
for i in $(seq 1 20); do
	sample env "$i" temp "$i"
done
sample slow 1 temp 1
sample slow 2 temp 2
# The last of env's samples waits for the 300 ms window.
wait_for_log "$WORK/batched.raw" '"temp":20}' 15
messages "$WORK/batched" > "$WORK/batched.txt"
values=$(grep '"thing":"env"' "$WORK/batched.txt" | grep -o '"temp":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
check "a batch keeps every sample, in order ($values)" [ "$values" = "$(seq -s ' ' 1 20) " ]
n=$(grep -c '"thing":"env"' "$WORK/batched.txt")
longest=$(awk '{ print length($0) }' "$WORK/batched.txt" | sort -n | tail -1)
check "batches are split within max_payload ($n messages, longest $longest bytes)" \
	[ "$((n > 1 && n < 20 && longest <= 256))" = 1 ]
seqs=$(grep '"thing":"env"' "$WORK/batched.txt" | sed 's/.*"seq":\([0-9]*\),"samples":\[.*/\1/' | tr '\n' ' ')
check "each batch is one message of the thing's sequence ($seqs)" [ "$seqs" = "$(seq -s ' ' 1 "$n") " ]
check "a thing's own longer window holds its samples" \
	[ "$(grep -c '"thing":"slow"' "$WORK/batched.txt")" = 0 ]
stop_pid "$KTHINGD_PID"
wait_for_log "$WORK/batched.raw" '"thing":"slow"' 10
check "stopping publishes the open batch" \
	grep -q '"thing":"slow","seq":1,"samples":\[{"ts":[0-9]*,"values":{"temp":1}},{"ts":[0-9]*,"values":{"temp":2}}\]}' \
	"$WORK/batched.raw"
kill "$SUB_PID"

# --- starting without a broker is normal ---------------------------------
DEAD=$(free_port)
start_kthingd e -b "mqtt://127.0.0.1:$DEAD" -n dev1
sleep 1
check "no broker: the agent keeps retrying" kill -0 "$KTHINGD_PID"
check "and says so in the status" [ "$(status_value "$WORK/e.sock" broker.state)" = retrying ]
check "with the reason" grep -q "cannot connect to mqtt://127.0.0.1:$DEAD" "$WORK/e.log"
stop_pid "$KTHINGD_PID"

no_sanitizer_reports "$WORK"/*.log

echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
