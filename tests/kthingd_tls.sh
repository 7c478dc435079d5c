#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthingd's connection security against a real mosquitto on loopback: mutual
# TLS with certificates made here, each kind of refusal told apart and
# logged once (wrong CA, expired client certificate, no client certificate,
# not authorised, bad password), a group-readable key refused at start,
# verification off only with a warning, WebSockets, and MQTT 5.
cd "$(dirname "$0")/.." || exit 1
. tests/kthingd-lib.sh

# --- certificates ----------------------------------------------------------
. tests/pki-lib.sh
make_cas
cert server localhost 2 "subjectAltName=DNS:localhost,IP:127.0.0.1"
cert client dev1 2
cert expired dev1 -1
check "the test certificates were made" \
	test -s "$WORK/server.pem" -a -s "$WORK/client.pem" -a -s "$WORK/expired.pem"

PLAIN=$(free_port)
TLS=$(free_port)
WS=$(free_port)
tls_ws_broker_conf "$PLAIN" "$TLS" "$WS"
start_broker broker "${BROKER_CONF[@]}"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PLAIN")

# conf NAME URI EXTRA_BROKER_JSON: a configuration with fast retries.
conf() {
	cat > "$WORK/$1.json" <<EOF
{ "thing_name": "dev1",
  "broker": { "uri": "$2"${3:+, $3} },
  "reconnect": { "min_ms": 100, "max_ms": 200, "refused_min_ms": 200, "refused_max_ms": 300 } }
EOF
}

# expect_telemetry NAME: a sample sent to kthingd NAME arrives on the plain listener.
expect_telemetry() {
	subscribe "$WORK/$1.telemetry" -q 1 -t dt/kthing/env/telemetry -C 1 -W 30
	sample env 1 temp 425 -1
	wait "$SUB_PID"
	messages "$WORK/$1.telemetry" | grep -q '"values":{"temp":42.5}'

}

# --- mutual TLS --------------------------------------------------------------
conf mtls "mqtts://localhost:$TLS" "\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/client.key\""
start_kthingd mtls -c "$WORK/mtls.json"
check "mutual TLS connects, verifying the broker" wait_status "$WORK/mtls.sock" broker.state connected 10
check "telemetry flows over mutual TLS" expect_telemetry mtls
stop_pid "$KTHINGD_PID"

# --- refusals: told apart, retried slowly, logged once ----------------------
# refused NAME WHAT REGEX: kthingd NAME is in the refused state, the log has
# one error line matching REGEX, and later attempts are only at debug level.
refused() {
	local name=$1 what=$2 regex=$3 lines
	if ! wait_status_min "$WORK/$name.sock" counters.auth_failures 3 10; then
		not_ok "$what" "$(tail -5 "$WORK/$name.log")"
		stop_pid "$KTHINGD_PID"
		return
	fi
	lines=$(grep -c "^<3>.*$regex" "$WORK/$name.log")
	state=$(status_value "$WORK/$name.sock" broker.state)
	error=$(status_value "$WORK/$name.sock" broker.last_error)
	# Between attempts the state is refused; during one, connecting.
	if { [ "$state" = refused ] || [ "$state" = connecting ]; } &&
	   [ "$lines" = 1 ] && echo "$error" | grep -q -- "$regex"; then
		ok "$what"
	else
		not_ok "$what" "state $state, $lines error lines, last error: $error" \
			"$(grep -- "$regex" "$WORK/$name.log" | head -3)"
	fi
	stop_pid "$KTHINGD_PID"
}

conf wrongca "mqtts://localhost:$TLS" "\"ca_file\": \"$WORK/other-ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/client.key\""
start_kthingd wrongca -c "$WORK/wrongca.json"
refused wrongca "a broker certificate from another CA is a refusal: certificate verify failed" \
	"TLS handshake with mqtts://localhost:$TLS failed: certificate verify failed"

# Brokers often just hang up on an expired certificate: it is checked first.
conf expired "mqtts://localhost:$TLS" "\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/expired.pem\", \"key_file\": \"$WORK/expired.key\""
start_kthingd expired -c "$WORK/expired.json"
refused expired "an expired client certificate is a refusal, saying so" \
	"broker.cert_file: $WORK/expired.pem: certificate expired on "

conf insecure "mqtts://localhost:$TLS" "\"ca_file\": \"$WORK/other-ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/client.key\", \"tls_insecure\": true"
start_kthingd insecure -c "$WORK/insecure.json"
check "tls_insecure connects without verifying" wait_status "$WORK/insecure.sock" broker.state connected 10
check "and warns about it" grep -q "^<4>broker.tls_insecure is set: the broker's certificate is NOT verified" "$WORK/insecure.log"
stop_pid "$KTHINGD_PID"

# --- the private key must be private -----------------------------------------
cp "$WORK/client.key" "$WORK/open.key"
chmod 644 "$WORK/open.key"
conf openkey "mqtts://localhost:$TLS" "\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/open.key\""
out=$("$KTHINGD" -c "$WORK/openkey.json" 2>&1)
rc=$?
if [ $rc -eq 2 ] && [ "$out" = "kthingd: $WORK/openkey.json: broker.key_file: $WORK/open.key is accessible by group or others (mode 0644); make it private: chmod 600 $WORK/open.key" ]; then
	ok "a group- or world-readable private key is refused at start"
else
	not_ok "a group- or world-readable private key is refused at start" "rc $rc: $out"
fi

# --- WebSockets ----------------------------------------------------------------
conf ws "ws://127.0.0.1:$WS/mqtt"
start_kthingd ws -c "$WORK/ws.json"
check "ws:// connects" wait_status "$WORK/ws.sock" broker.state connected 10
check "telemetry flows over WebSockets" expect_telemetry ws
stop_pid "$KTHINGD_PID"

# --- MQTT 5 --------------------------------------------------------------------
conf v5 "mqtt://127.0.0.1:$PLAIN" '"protocol": "5", "session_expiry_s": 600'
start_kthingd v5 -c "$WORK/v5.json"
check "MQTT 5 connects" wait_status "$WORK/v5.sock" broker.state connected 10
check "telemetry flows over MQTT 5" expect_telemetry v5
stop_pid "$KTHINGD_PID"

# --- authorisation ---------------------------------------------------------------
AUTH=$(free_port)
touch "$WORK/passwd"
chmod 600 "$WORK/passwd"
mosquitto_passwd -b "$WORK/passwd" dev1 s3cret-pass 2>/dev/null
start_broker auth "listener $AUTH 127.0.0.1" "allow_anonymous false" "password_file $WORK/passwd"

conf anon "mqtt://127.0.0.1:$AUTH"
start_kthingd anon -c "$WORK/anon.json"
refused anon "an anonymous client refused by the broker: not authorised" \
	"refused the connection: not authorised (return code 5)"

conf badpass "mqtt://127.0.0.1:$AUTH" '"username": "dev1", "password": "wrong-pass"'
start_kthingd badpass -c "$WORK/badpass.json"
refused badpass "a wrong password is a refusal" "refused the connection: "
check "the password never reaches the log" bash -c "! grep -q wrong-pass '$WORK/badpass.log'"

conf badpass5 "mqtt://127.0.0.1:$AUTH" '"username": "dev1", "password": "wrong-pass", "protocol": "5"'
start_kthingd badpass5 -c "$WORK/badpass5.json"
refused badpass5 "MQTT 5 reason codes are refusals too" "refused the connection: .*(return code 13[45])"

conf goodpass "mqtt://127.0.0.1:$AUTH" '"username": "dev1", "password": "s3cret-pass"'
start_kthingd goodpass -c "$WORK/goodpass.json"
check "the right password connects" wait_status "$WORK/goodpass.sock" broker.state connected 10
check "and its status shows no error" [ "$(status_value "$WORK/goodpass.sock" broker.last_error)" = null ]
stop_pid "$KTHINGD_PID"

no_sanitizer_reports "$WORK"/*.log

echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
