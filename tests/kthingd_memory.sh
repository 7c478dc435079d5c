#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd gives a delivered backlog's memory back: QoS 1 telemetry queued
# while no broker answers, then delivered; its private memory (RssAnon)
# must come back to about where it was.
#
# This one runs the optimized build, as a device does: the sanitizers'
# allocator holds freed memory back on purpose, which is what is measured.
cd "$(dirname "$0")/.." || exit 1
KTHINGD=build/bin/kthingd
. tests/kthingd-lib.sh

# Enough for a backlog of about 6 MB of private memory.
BACKLOG=30000

rss_anon() {
	awk '$1 == "RssAnon:" { print $2 }' "/proc/$KTHINGD_PID/status"
}

PORT=$(free_port)
cat > "$WORK/k.json" <<EOF2
{ "thing_name": "dev1", "broker": { "uri": "mqtt://127.0.0.1:$PORT" },
  "telemetry": { "qos": 1 }, "queue": { "max_messages": 100000 },
  "reconnect": { "min_ms": 100, "max_ms": 500 } }
EOF2
# Every message would be a debug line: the log stays at notices.
start_kthingd k -c "$WORK/k.json" -l notice
before=$(rss_anon)

/usr/bin/python3 - "$BACKLOG" >&7 <<'EOP'
import sys
for seq in range(1, int(sys.argv[1]) + 1):
    sys.stdout.write('{"event":"sample","thing":"env","seq":%d,"channel":"door",'
                     '"index":0,"value":%d,"type":"bool"}\n' % (seq, seq & 1))
EOP
check "$BACKLOG messages wait for the broker" \
	wait_status "$WORK/k.sock" queue.messages "$BACKLOG" 60
held=$(rss_anon)
# Otherwise the test below would pass whatever kthingd does.
check "the backlog takes memory (RssAnon $before -> $held kB)" \
	test $((held - before)) -ge 3072

start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true" "set_tcp_nodelay true"
check "the backlog is delivered" wait_status "$WORK/k.sock" queue.messages 0 120
after=$(rss_anon)
check "its memory is given back (RssAnon $before -> $held -> $after kB)" \
	test $((after - before)) -le 1024

stop_pid "$KTHINGD_PID"
echo "1..$TAP_N"
