# SPDX-License-Identifier: GPL-2.0
# Sourced by the TLS tests: a test CA, another CA the broker does not trust,
# and certificates signed by the first, all in $WORK, made with openssl.
# Keys are mode 0600, as the daemons require.

pki() {
	openssl "$@" >> "$WORK/openssl.log" 2>&1
}

newkey() {
	pki genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/$1.key"
	chmod 600 "$WORK/$1.key"
}

# make_cas: ca.pem (kthing-test-ca) and other-ca.pem, valid for two days.
make_cas() {
	newkey ca
	pki req -x509 -new -key "$WORK/ca.key" -subj /CN=kthing-test-ca -days 2 -out "$WORK/ca.pem"
	newkey other-ca
	pki req -x509 -new -key "$WORK/other-ca.key" -subj /CN=other-ca -days 2 \
		-out "$WORK/other-ca.pem"
}

# cert NAME CN DAYS [EXTENSIONS]: NAME.pem and NAME.key, signed by the CA;
# negative DAYS make an expired certificate.
cert() {
	newkey "$1"
	pki req -new -key "$WORK/$1.key" -subj "/CN=$2" -out "$WORK/$1.csr"
	printf '%s\n' "${4:-basicConstraints=CA:FALSE}" > "$WORK/$1.ext"
	pki x509 -req -in "$WORK/$1.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
		-CAcreateserial -days "$3" -extfile "$WORK/$1.ext" -out "$WORK/$1.pem"
}

# tls_ws_broker_conf PLAIN TLS WS: in the array BROKER_CONF, the lines of a
# mosquitto with three anonymous loopback listeners: plain on port PLAIN,
# mutual TLS on TLS (server.pem; a client certificate signed by ca.pem
# required) and WebSockets on WS. Needs make_cas and the server certificate.
tls_ws_broker_conf() {
	BROKER_CONF=("per_listener_settings true"
		"listener $1 127.0.0.1" "allow_anonymous true"
		"listener $2 127.0.0.1" "allow_anonymous true"
		"cafile $WORK/ca.pem" "certfile $WORK/server.pem" "keyfile $WORK/server.key"
		"require_certificate true"
		"listener $3 127.0.0.1" "protocol websockets" "allow_anonymous true")
}
