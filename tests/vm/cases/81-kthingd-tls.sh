#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd on the real module over the secured transports: a kthing_sim GPIO
# edge reaches a subscriber when kthingd talks to mosquitto with mutual TLS
# (certificates made here with openssl, the broker verified), and over
# WebSockets. Refusals and the other TLS cases are in tests/kthingd_tls.sh.
cd "$KTHING_SRC" || exit 1
. tests/vm/agent-lib.sh
. tests/pki-lib.sh

make_thing() {
	local t=$cfs/env
	mkdir "$t" "$t/door" &&
		echo sensor > "$t/door/kind" &&
		echo bool > "$t/door/type" &&
		echo gpio > "$t/door/backend" &&
		echo kthing-sim > "$t/door/gpio_chip" &&
		echo 0 > "$t/door/gpio_line" &&
		echo 1 > "$t/live"
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	if [ -d "$cfs/env" ]; then
		echo 0 > "$cfs/env/live"
		rmdir "$cfs/env/door" "$cfs/env"
	fi
	grep -q '^kthing_sim ' /proc/modules && rmmod kthing_sim
	grep -q '^kthing ' /proc/modules && rmmod kthing
	cleanup
}
trap vm_cleanup EXIT

make_cas
cert server localhost 2 "subjectAltName=DNS:localhost,IP:127.0.0.1"
cert client env 2
check "the test certificates were made" test -s "$WORK/server.pem" -a -s "$WORK/client.pem"

modprobe -q industrialio
check "kthing.ko loads" insmod "$KTHING_MODDIR/kthing.ko"
check "kthing_sim.ko loads" insmod "$KTHING_MODDIR/kthing_sim.ko"
sim_pull 0 0
check "a thing with a GPIO input goes live" make_thing

PLAIN=$(free_port)
TLS=$(free_port)
WS=$(free_port)
tls_ws_broker_conf "$PLAIN" "$TLS" "$WS"
start_broker broker "${BROKER_CONF[@]}"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PLAIN")

# run_over NAME URI EXTRA_BROKER_JSON: kthingd connects through URI and a
# driven edge arrives on the plain listener as telemetry, seq and value
# exact; the edge back leaves the line as it was.
run_over() {
	local name=$1 uri=$2 extra=$3

	cat > "$WORK/$name.json" <<EOF
{ "broker": { "uri": "$uri"${extra:+, $extra} },
  "shadow": { "enabled": false } }
EOF
	"$KTHINGD" -c "$WORK/$name.json" -S "$WORK/$name.sock" -l debug >> "$WORK/$name.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	check "$name: kthingd connects through $uri" \
		wait_status "$WORK/$name.sock" broker.state connected 60
	wait_status "$WORK/$name.sock" counters.telemetry_messages 1 30
	subscribe "$WORK/$name.telemetry" -q 1 -t dt/kthing/env/telemetry -C 1 -W "$(scaled 60)"
	sim_pull 0 1
	wait "$SUB_PID"
	messages "$WORK/$name.telemetry" > "$WORK/$name.txt"
	check "$name: a GPIO edge arrives as telemetry" \
		grep -q '"seq":2,.*"values":{"door":true}' "$WORK/$name.txt"
	sim_pull 0 0
	kill -TERM "$KTHINGD_PID"
	wait "$KTHINGD_PID"
	check "$name: kthingd stops cleanly" [ $? -eq 0 ]
	KTHINGD_PID=
	no_sanitizer_reports "$WORK/$name.log"
	[ "$TAP_FAILED" -eq 0 ] || sed 's/^/# /' "$WORK/$name.log" | tail -20
}

run_over mtls "mqtts://localhost:$TLS" \
	"\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/client.key\""
run_over ws "ws://127.0.0.1:$WS/mqtt"
echo "1..$TAP_N"
