# SPDX-License-Identifier: GPL-2.0
# Shared by the kthingd host tests: TAP output, a private mosquitto on a free
# loopback port, kthingd runs fed through a FIFO, the status socket.
#
# Every process started here is remembered by pid and stopped by pid.

KTHINGD=${KTHINGD:-build/san/bin/kthingd}
WORK=$(mktemp -d /tmp/kthingd-test.XXXXXX)
TAP_N=0
TAP_FAILED=0
PIDS=()

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1${TAP_TIMES:+ [${SECONDS}s]}"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do
		echo "# $line"
	done
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then
		ok "$what"
	else
		not_ok "$what" "failed: $*"
	fi
}

cleanup() {
	local pid
	exec 7>&- 2>/dev/null
	for pid in "${PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "$KEEP_WORK" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_broker NAME CONF_LINES...: mosquitto with this configuration;
# sets BROKER_PID.
start_broker() {
	local name=$1
	shift
	printf '%s\n' "$@" > "$WORK/$name.conf"
	# As root, mosquitto would switch to its own user, who cannot write here.
	[ "$(id -u)" = 0 ] && echo "user root" >> "$WORK/$name.conf"
	mosquitto -c "$WORK/$name.conf" >> "$WORK/$name.log" 2>&1 &
	BROKER_PID=$!
	PIDS+=("$BROKER_PID")
	wait_for_log "$WORK/$name.log" "mosquitto version .* running" 5
}

stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_for_log FILE REGEX SECONDS
# (Every wait here is stretched by KTHING_VM_TIME_SCALE, which a slow
# kernel under test sets: tests/vm/time-lib.sh.)
wait_for_log() {
	local i
	for ((i = 0; i < $3 * 10 * ${KTHING_VM_TIME_SCALE:-1}; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# status SOCKET: the status document, one line of JSON.
status() {
	/usr/bin/python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print(s.makefile().read().strip())
EOF
}

# status_value SOCKET PATH: one value of the status document ("counters.dropped").
status_value() {
	status "$1" | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if not isinstance(v, str) else v)' "$2"
}

# wait_status SOCKET PATH VALUE SECONDS
wait_status() {
	local i
	for ((i = 0; i < $4 * 10 * ${KTHING_VM_TIME_SCALE:-1}; i++)); do
		[ "$(status_value "$1" "$2" 2>/dev/null)" = "$3" ] && return 0
		sleep 0.1
	done
	echo "# $2 is $(status_value "$1" "$2" 2>/dev/null), expected $3" >&2
	return 1
}

# wait_status_min SOCKET PATH NUMBER SECONDS: wait for a counter to reach NUMBER.
wait_status_min() {
	local i v
	for ((i = 0; i < $4 * 10 * ${KTHING_VM_TIME_SCALE:-1}; i++)); do
		v=$(status_value "$1" "$2" 2>/dev/null)
		[ -n "$v" ] && [ "$v" -ge "$3" ] 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# $2 is $v, expected at least $3" >&2
	return 1
}

# start_kthingd NAME ARGS...: kthingd reading events from $WORK/NAME.fifo
# (written through descriptor 7), status on $WORK/NAME.sock; sets KTHINGD_PID.
start_kthingd() {
	local name=$1
	shift
	exec 7>&- 2>/dev/null
	rm -f "$WORK/$name.fifo"
	mkfifo "$WORK/$name.fifo"
	"$KTHINGD" -e "$WORK/$name.fifo" -S "$WORK/$name.sock" -l debug "$@" \
		>> "$WORK/$name.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	# Read-write: never blocks, even if kthingd died before opening it.
	exec 7<> "$WORK/$name.fifo"
	local i
	for ((i = 0; i < 50 * ${KTHING_VM_TIME_SCALE:-1}; i++)); do
		[ -S "$WORK/$name.sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# sample THING SEQ CHANNEL VALUE [EXPONENT]: one event line to kthingd.
sample() {
	echo "{\"event\":\"sample\",\"thing\":\"$1\",\"seq\":$2,\"channel\":\"$3\",\"index\":0,\"value\":$4,\"exponent\":${5:-0}}" >&7
}

# no_sanitizer_reports LOG...: one TAP line saying whether any log has
# an AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer report.
no_sanitizer_reports() {
	local pattern="ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:"
	if ! grep -q "$pattern" "$@"; then
		ok "no sanitizer reports"
	else
		not_ok "no sanitizer reports" "$(grep -h -A5 "$pattern" "$@" | head -20)"
	fi
}

# subscribe FILE ARGS...: mosquitto_sub "${SUB[@]}" ARGS in the background,
# returning once the broker granted the subscription; sets SUB_PID. The
# messages are read with `messages FILE`.
subscribe() {
	local file=$1 i
	shift
	# Line-buffered, or the SUBACK line would only show when it exits.
	stdbuf -oL "${SUB[@]}" -d "$@" > "$file.raw" 2>&1 &
	SUB_PID=$!
	PIDS+=("$SUB_PID")
	for ((i = 0; i < 200 * ${KTHING_VM_TIME_SCALE:-1}; i++)); do
		grep -q "received SUBACK" "$file.raw" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# messages FILE: the payloads a subscribe()d client printed.
messages() {
	grep -v -e '^Client ' -e '^Subscribed ' "$1.raw"
}

# The telemetry payload kthingd makes for one value, without its timestamp.
strip_ts() {
	sed -e 's/"ts":[0-9]*,//'
}
