#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing-shadowd's connection security against a real mosquitto on
# loopback, as tests/kthingd_tls.sh checks kthingd's: a private key others
# can read is refused at start; TLS verification is on unless the
# configuration says "verify": false in so many words (anything else is
# refused), and off it is loudly; the broker password never reaches the
# log, even at debug level, nor the status document.
cd "$(dirname "$0")/.." || exit 1
. tests/kthingd-lib.sh

SHADOWD=${SHADOWD:-build/san/bin/kthing-shadowd}

# --- certificates ----------------------------------------------------------
. tests/pki-lib.sh
make_cas
cert server localhost 2 "subjectAltName=DNS:localhost,IP:127.0.0.1"
cert client shadowd 2
check "the test certificates were made" test -s "$WORK/server.pem" -a -s "$WORK/client.pem"

TLS=$(free_port)
AUTH=$(free_port)
touch "$WORK/passwd"
chmod 600 "$WORK/passwd"
mosquitto_passwd -b "$WORK/passwd" shadowd 'Pa55-w0rd-never-logged' 2>/dev/null
start_broker broker "per_listener_settings true" \
	"listener $TLS 127.0.0.1" "allow_anonymous true" \
	"cafile $WORK/ca.pem" "certfile $WORK/server.pem" "keyfile $WORK/server.key" \
	"require_certificate true" \
	"listener $AUTH 127.0.0.1" "allow_anonymous false" "password_file $WORK/passwd"

# conf NAME URI BROKER_JSON_EXTRA: a configuration and its own database.
conf() {
	cat > "$WORK/$1.json" <<EOJ
{ "broker": { "uri": "$2"${3:+, $3} },
  "store": { "path": "$WORK/$1.db" },
  "status": { "interval_s": 1 } }
EOJ
}
tls_conf() {
	conf "$1" "mqtts://localhost:$TLS" "\"tls\": { $2 }"
}
client_tls="\"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/client.key\""

# refused NAME DESCRIPTION MESSAGE: --check-config and a start both exit 2
# with "kthing-shadowd: MESSAGE".
refused() {
	local out rc out2 rc2

	out=$("$SHADOWD" -c "$WORK/$1.json" --check-config 2>&1)
	rc=$?
	out2=$(timeout 20 "$SHADOWD" -c "$WORK/$1.json" 2>&1)
	rc2=$?
	if [ $rc = 2 ] && [ $rc2 = 2 ] && [ "$out" = "kthing-shadowd: $3" ] &&
	   [ "$out2" = "$out" ]; then
		ok "$2"
	else
		not_ok "$2" "check: rc $rc: $out" "start: rc $rc2: $out2" "wanted: kthing-shadowd: $3"
	fi
}

# start_shadowd NAME: the daemon at debug level, logging to $WORK/NAME.log.
start_shadowd() {
	"$SHADOWD" -c "$WORK/$1.json" -v >> "$WORK/$1.log" 2>&1 &
	SHADOWD_PID=$!
	PIDS+=("$SHADOWD_PID")
}

# --- the private key must be private -----------------------------------------
cp "$WORK/client.key" "$WORK/open.key"
chmod 644 "$WORK/open.key"
tls_conf openkey "\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/open.key\""
refused openkey "a world-readable private key is refused at start" \
	"broker.tls.key_file: $WORK/open.key is accessible by group or others (mode 0644); make it private: chmod 600 $WORK/open.key"
chmod 640 "$WORK/open.key"
refused openkey "a group-readable private key is refused at start" \
	"broker.tls.key_file: $WORK/open.key is accessible by group or others (mode 0640); make it private: chmod 600 $WORK/open.key"
tls_conf nokey "\"ca_file\": \"$WORK/ca.pem\", \"cert_file\": \"$WORK/client.pem\", \"key_file\": \"$WORK/missing.key\""
refused nokey "a missing private key is refused at start" \
	"broker.tls.key_file: $WORK/missing.key: No such file or directory"
tls_conf good "\"ca_file\": \"$WORK/ca.pem\", $client_tls"
check "a private key of mode 0600 is accepted" \
	bash -c "'$SHADOWD' -c '$WORK/good.json' --check-config | grep -q 'configuration is valid'"

# --- verification: on by default, off only in so many words -------------------
tls_conf verifystr "\"ca_file\": \"$WORK/ca.pem\", $client_tls, \"verify\": \"false\""
refused verifystr "\"verify\": \"false\" (a string) is refused" \
	"broker.tls.verify: must be true or false"
tls_conf verifyzero "\"ca_file\": \"$WORK/ca.pem\", $client_tls, \"verify\": 0"
refused verifyzero "\"verify\": 0 is refused" "broker.tls.verify: must be true or false"
tls_conf insecure "\"ca_file\": \"$WORK/ca.pem\", $client_tls, \"insecure\": true"
refused insecure "a made-up switch (\"insecure\") is an unknown key" \
	"broker.tls.insecure: unknown key"
conf tlsflat "mqtts://localhost:$TLS" "\"verify\": false"
refused tlsflat "\"verify\" outside broker.tls is an unknown key" "broker.verify: unknown key"

start_shadowd good
check "with the right CA it connects, verifying the broker" \
	wait_for_log "$WORK/good.log" "connected to the broker" 20
check "and it does not warn about verification" bash -c "! grep -q 'NOT verified' '$WORK/good.log'"
# Not a security matter, but this daemon is running: it keeps out of
# transparent huge pages (agent/common/no_hugepages.h).
thp=$(awk '$1 == "THP_enabled:" { print $2 }' "/proc/$SHADOWD_PID/status")
check "kthing-shadowd keeps out of transparent huge pages (THP_enabled ${thp:-absent})" \
	[ "${thp:-0}" = 0 ]
stop_pid "$SHADOWD_PID"

tls_conf wrongca "\"ca_file\": \"$WORK/other-ca.pem\", $client_tls"
start_shadowd wrongca
check "a broker certificate from another CA is refused: the connection fails" \
	wait_for_log "$WORK/wrongca.log" "connecting to the broker failed" 20
check "and it never connects" bash -c "! grep -q 'connected to the broker' '$WORK/wrongca.log'"
stop_pid "$SHADOWD_PID"

tls_conf noverify "\"ca_file\": \"$WORK/other-ca.pem\", $client_tls, \"verify\": false"
start_shadowd noverify
check "\"verify\": false connects without verifying" \
	wait_for_log "$WORK/noverify.log" "connected to the broker" 20
check "and warns that the certificate is not verified" \
	grep -q "^<4>kthing-shadowd: warning: broker.tls.verify is false: the broker's certificate is NOT verified" \
	"$WORK/noverify.log"
stop_pid "$SHADOWD_PID"

# --- the password never reaches the log ---------------------------------------
conf badpass "mqtt://127.0.0.1:$AUTH" '"username": "shadowd", "password": "Wr0ng-pa55-secret"'
start_shadowd badpass
check "a wrong password is refused by the broker: not authorised" \
	wait_for_log "$WORK/badpass.log" "not authorised" 20
stop_pid "$SHADOWD_PID"
check "the wrong password never reaches the log, even at debug level" \
	bash -c "! grep -q 'Wr0ng-pa55-secret' '$WORK/badpass.log'"

conf goodpass "mqtt://127.0.0.1:$AUTH" '"username": "shadowd", "password": "Pa55-w0rd-never-logged"'
start_shadowd goodpass
check "the right password connects" wait_for_log "$WORK/goodpass.log" "connected to the broker" 20
mosquitto_sub -h 127.0.0.1 -p "$AUTH" -u shadowd -P 'Pa55-w0rd-never-logged' \
	-t kthing/shadowd/status -C 1 -W 20 > "$WORK/status.json" 2>&1
check "the status document is published" grep -q . "$WORK/status.json"
check "the status document does not hold the password" \
	bash -c "! grep -q 'Pa55-w0rd-never-logged' '$WORK/status.json'"
stop_pid "$SHADOWD_PID"
check "the password never reaches the log, even at debug level" \
	bash -c "! grep -q 'Pa55-w0rd-never-logged' '$WORK/goodpass.log'"
check "--check-config does not print it either" \
	bash -c "! '$SHADOWD' -c '$WORK/goodpass.json' --check-config 2>&1 | grep -q 'Pa55-w0rd'"

no_sanitizer_reports "$WORK"/*.log

echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
