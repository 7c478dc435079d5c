# SPDX-License-Identifier: GPL-2.0
# Sourced by the Device Shadow cases (tests/vm/cases/9x-shadow*.sh): loads
# the modules, makes the thing "lamp" (a relay on a simulated GPIO output,
# a dimmer 0.0 .. 100.0, a door contact), starts mosquitto, kthing-shadowd
# and kthingd in the guest, and checks that the shadow is created with the
# real state. shadow_finish stops everything and prints the plan.
#
# Set before sourcing: LAMP_NAMED (the lamp's things[].named_shadows object),
# MORE_THINGS (more things[] entries, each after a comma), CLASSIC_REPORTED
# and CLASSIC_RAW (the classic shadow's first reported state, as stored and
# as sent), EXPECT_TIMEOUTS and EXPECT_BAD_REQUESTS (a case that causes them).
. tests/vm/agent-lib.sh
thing=lamp
prefix="\$aws/things/$thing/shadow"
RELAY_LINE=1
CLASSIC_REPORTED=${CLASSIC_REPORTED:-'{"relay":false,"level":0}'}
CLASSIC_RAW=${CLASSIC_RAW:-'"reported":{"relay":false,"level":0.0}'}

# lamp: a relay on a simulated GPIO output, a dimmer (0.0 .. 100.0, virtual)
# and a door contact (a sensor on another line).
make_thing() {
	local t=$cfs/$thing
	mkdir "$t" "$t/relay" "$t/level" "$t/door" &&
		echo actuator > "$t/relay/kind" &&
		echo bool > "$t/relay/type" &&
		echo gpio > "$t/relay/backend" &&
		echo kthing-sim > "$t/relay/gpio_chip" &&
		echo $RELAY_LINE > "$t/relay/gpio_line" &&
		echo actuator > "$t/level/kind" &&
		echo virtual > "$t/level/backend" &&
		echo -1 > "$t/level/exponent" &&
		echo 0 > "$t/level/min" &&
		echo 1000 > "$t/level/max" &&
		echo sensor > "$t/door/kind" &&
		echo bool > "$t/door/type" &&
		echo gpio > "$t/door/backend" &&
		echo kthing-sim > "$t/door/gpio_chip" &&
		echo 0 > "$t/door/gpio_line" &&
		echo 1 > "$t/live"
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	[ -n "$SHADOWD_PID" ] && kill -TERM "$SHADOWD_PID" 2>/dev/null && wait "$SHADOWD_PID"
	unload_all
	cleanup
}
trap vm_cleanup EXIT

# shadow_get [PREFIX]: the shadow document from kthing-shadowd (one line of
# JSON), or the rejection; PREFIX is a named shadow's topic prefix. A
# subscriber started once collects the get responses; the request's own
# token tells its answer from those to kthingd's gets.
shadow_get() {
	# Called in $(...): a counter would not survive; the pid and time do.
	local token=test-get-$BASHPID-$EPOCHREALTIME i line
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "${1:-$prefix}/get" \
		-m "{\"clientToken\":\"$token\"}" || return 1
	for ((i = 0; i < 100 * KTHING_VM_TIME_SCALE; i++)); do
		line=$(grep -F "\"$token\"" "$WORK/get.raw" | tail -1)
		[ -n "$line" ] && break
		sleep 0.05
	done
	[ -n "$line" ] && echo "$line"
}

# json_at PATH: the value at PATH (a.b.c) of the JSON on stdin, compact, or
# "absent".
json_at() {
	jq -r --arg p "$1" \
		'(try getpath($p | split(".")) catch null) as $v |
		 if $v == null then "absent" else ($v | tojson) end'
}

# wait_shadow PATH EXPECTED SECONDS [PREFIX]: poll the shadow until PATH is
# EXPECTED.
wait_shadow() {
	local end=$((SECONDS + $3 * KTHING_VM_TIME_SCALE)) got
	while ((SECONDS < end)); do
		got=$(shadow_get "$4" | json_at "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1 is $got, expected $2" >&2
	return 1
}

# desired JSON [PREFIX]: what an application does.
desired() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "${2:-$prefix}/update" \
		-m "{\"state\":{\"desired\":$1},\"clientToken\":\"app-$((++APP_N))\"}"
}

# wait_line LEVEL SECONDS: the simulated relay line reaches LEVEL.
wait_line() {
	local i
	for ((i = 0; i < $2 * 10 * KTHING_VM_TIME_SCALE; i++)); do
		[ "$(sim_value $RELAY_LINE)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# line $RELAY_LINE is $(sim_value $RELAY_LINE), expected $1" >&2
	return 1
}

# shadow_field THING NAME FIELD: one field of a shadow in kthingd's status.
shadow_field() {
	status "$WORK/k.sock" | jq -r --arg t "$1" --arg n "$2" --arg f "$3" \
		'.shadows[] | select(.thing == $t and .name == $n) | .[$f]'
}

# wait_shadow_state THING NAME STATE SECONDS
wait_shadow_state() {
	local end=$((SECONDS + $4 * KTHING_VM_TIME_SCALE)) got
	while ((SECONDS < end)); do
		got=$(shadow_field "$1" "$2" state)
		[ "$got" = "$3" ] && return 0
		sleep 0.2
	done
	echo "# shadow $1/$2 is \"$got\", expected \"$3\"" >&2
	return 1
}

# tokens TOPIC: the clientTokens of kthingd's requests published on TOPIC,
# from what the "all" subscriber printed: a "received PUBLISH" line naming
# the topic, its own PUBACK line, then the payload.
tokens() {
	awk -v topic="'$1'" '
		/^Client .* received PUBLISH / { want = index($0, topic) > 0; next }
		/^Client / { next }
		want && match($0, /"clientToken":"kthingd-[^"]*"/) {
			print substr($0, RSTART + 15, RLENGTH - 16)
		}
		{ want = 0 }' "$WORK/all.raw"
}

# wait_tokens TOPIC COUNT SECONDS: until kthingd published COUNT requests there.
wait_tokens() {
	local end=$((SECONDS + $3 * KTHING_VM_TIME_SCALE)) n
	while ((SECONDS < end)); do
		n=$(tokens "$1" | wc -l)
		((n >= $2)) && return 0
		sleep 0.2
	done
	echo "# $n requests on $1, expected $2" >&2
	return 1
}

# reject TOPIC TOKEN CODE MESSAGE: answer kthingd's request as a service would.
reject() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$1/rejected" -m \
		"{\"code\":$3,\"message\":\"$4\",\"timestamp\":$(date +%s),\"clientToken\":\"$2\"}"
}

start_kthingd() {
	"$KTHINGD" -c "$WORK/kthingd.json" -S "$WORK/k.sock" -l debug >> "$WORK/k.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	wait_status "$WORK/k.sock" broker.state connected 20
}

stop_kthingd() {
	kill -TERM "$KTHINGD_PID"
	wait "$KTHINGD_PID"
	local rc=$?
	KTHINGD_PID=
	return $rc
}

modprobe -q industrialio
check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
sim_pull 0 0
check "a thing with a GPIO relay, a dimmer and a door contact goes live" make_thing

PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")

cat > "$WORK/shadowd.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"store":{"path":"$WORK/shadows.db"},
 "status":{"topic":null}}
EOF
"$SHADOWD" -c "$WORK/shadowd.json" -v >> "$WORK/shadowd.log" 2>&1 &
SHADOWD_PID=$!
PIDS+=("$SHADOWD_PID")
check "kthing-shadowd serves" wait_for_log "$WORK/shadowd.log" "subscribed to the shadow request topics" 10

subscribe "$WORK/get" -q 1 -t "$prefix/get/accepted" -t "$prefix/get/rejected" \
	-t "$prefix/name/+/get/accepted" -t "$prefix/name/+/get/rejected"
GET_SUB_PID=$SUB_PID
# Every update request, kthingd's reports as they were sent.
subscribe "$WORK/updates" -q 1 -t "$prefix/update"
# Every request and response of every shadow, with its topic (for tokens).
subscribe "$WORK/all" -q 1 -t '$aws/things/+/shadow/#'

# No shadow.enabled: the sync is on by default.
cat > "$WORK/kthingd.json" <<EOF
{"broker":{"uri":"mqtt://127.0.0.1:$PORT"},"thing_name":"dev1",
 "things":[{"kthing":"$thing","name":"$thing"${LAMP_NAMED:+,\"named_shadows\":$LAMP_NAMED}}$MORE_THINGS],
 "shadow":{"coalesce_ms":50}}
EOF
check "kthingd connects" start_kthingd

# 404 at the first get: the shadow is created with the real state.
check "the shadow is created with every actuator's real state" \
	wait_shadow state.reported "$CLASSIC_REPORTED" 20
check "the creating report is exact (0.0 for one decimal, false)" \
	grep -q "$CLASSIC_RAW" "$WORK/updates.raw"
check "the sensor is not in it (sensor reporting is off)" \
	[ "$(shadow_get | json_at state.reported.door)" = absent ]


shadow_finish() {
	[ -n "$EXPECT_TIMEOUTS" ] ||
		check "the responses of kthingd's requests were matched (none timed out)" \
			[ "$(status_value "$WORK/k.sock" counters.shadow_timeouts)" = 0 ]
	check "no request was refused as invalid, but those the test refused" \
		[ "$(status_value "$WORK/k.sock" counters.shadow_bad_requests)" = "${EXPECT_BAD_REQUESTS:-0}" ]

	check "kthingd stops cleanly at the end" stop_kthingd
	stop_pid "$GET_SUB_PID"
	kill -TERM "$SHADOWD_PID"
	wait "$SHADOWD_PID"
	check "kthing-shadowd stops cleanly" [ $? -eq 0 ]
	SHADOWD_PID=
	no_sanitizer_reports "$WORK/k.log" "$WORK/shadowd.log"
	[ "$TAP_FAILED" -eq 0 ] || { sed 's/^/# /' "$WORK/k.log" | tail -40; sed 's/^/# /' "$WORK/shadowd.log" | tail -10; }
	check "the modules unload" unload_all
	echo "1..$TAP_N"
}
