# SPDX-License-Identifier: GPL-2.0
# Sourced by the edge-rules cases (tests/vm/cases/8[56]-kthingd-rules*.sh):
# loads the modules, makes the thing "greenhouse" (a temperature on the
# sim's IIO device, a fan on a simulated GPIO output), starts mosquitto and
# kthingd with four rules (fan: the fan follows a threshold; alert: a
# republish with templates; echo: a rule on a broker topic; bounce: a
# republish that can loop). rules_finish stops everything and prints the
# plan.
. tests/vm/agent-lib.sh
FAN_LINE=2

# greenhouse: a temperature from the sim's IIO device (°C, one decimal),
# and a fan on a simulated GPIO output.
make_thing() {
	local t=$cfs/greenhouse
	mkdir "$t" "$t/temp" "$t/fan" &&
		echo sensor > "$t/temp/kind" &&
		echo iio > "$t/temp/backend" &&
		echo kthing-sim-env > "$t/temp/iio_device" &&
		echo temp > "$t/temp/iio_channel" &&
		echo -1 > "$t/temp/exponent" &&
		echo degC > "$t/temp/unit" &&
		echo 200 > "$t/temp/sample_period_ms" &&
		echo actuator > "$t/fan/kind" &&
		echo bool > "$t/fan/type" &&
		echo gpio > "$t/fan/backend" &&
		echo kthing-sim > "$t/fan/gpio_chip" &&
		echo $FAN_LINE > "$t/fan/gpio_line" &&
		echo 1 > "$t/live"
}

unload_all() {
	[ -d "$sim_debugfs" ] && echo auto > "$sim_debugfs/iio/temp"
	remove_things
	unload_modules
}

vm_cleanup() {
	[ -n "$KTHINGD_PID" ] && kill -TERM "$KTHINGD_PID" 2>/dev/null && wait "$KTHINGD_PID"
	unload_all
	cleanup
}
trap vm_cleanup EXIT

# write_config FILE THRESHOLD [MORE_RULES]: the agent's configuration.
write_config() {
	sed -e "s/@PORT@/$PORT/" -e "s/@TH@/$2/g" -e "s|@MORE@|$3|" > "$1" <<'EOF'
{
  "broker": { "uri": "mqtt://127.0.0.1:@PORT@" },
  "reconnect": { "min_ms": 100, "max_ms": 500 },
  "things": [ { "kthing": "greenhouse" } ],
  "rules": [
    { "name": "fan",
      "sql": "SELECT values.temp > @TH@ AS fan FROM 'dt/kthing/+/telemetry' WHERE NOT isUndefined(values.temp)",
      "actions": [ { "set": { "channel": "fan", "value": "fan" } } ],
      "error_action": { "log": { "level": "error", "message": "fan: ${failures[0].errorMessage}" } } },
    { "name": "alert",
      "sql": "SELECT values.temp AS t, topic(3) AS thing FROM 'dt/kthing/+/telemetry' WHERE values.temp > @TH@",
      "actions": [ { "republish": { "topic": "alerts/${topic(3)}/hot" } },
                   { "log": { "message": "hot: ${values.temp}" } } ] },
    { "name": "echo", "sql": "SELECT msg FROM 'cmd/+/echo'",
      "actions": [ { "republish": { "topic": "replies/${topic(2)}/${msg}" } } ] },
    { "name": "bounce", "sql": "SELECT p FROM 'loop/a/b'",
      "actions": [ { "republish": { "topic": "loop/${p}" } } ] }@MORE@
  ]
}
EOF
}

# wait_line LEVEL SECONDS: the fan's line reaches LEVEL.
wait_line() {
	local i
	for ((i = 0; i < $2 * 10 * KTHING_VM_TIME_SCALE; i++)); do
		[ "$(sim_value $FAN_LINE)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# line $FAN_LINE is $(sim_value $FAN_LINE), expected $1" >&2
	return 1
}

# wait_message FILE LINE SECONDS: a subscribe()d client printed LINE.
wait_message() {
	local i
	for ((i = 0; i < $3 * 10 * KTHING_VM_TIME_SCALE; i++)); do
		messages "$1" | grep -qxF -- "$2" && return 0
		sleep 0.1
	done
	echo "# got: $(messages "$1" | head -5)" >&2
	return 1
}

temperature() {
	echo "$1" > "$sim_debugfs/iio/temp"
}

rules_setup() {
	modprobe -q industrialio
	check "kthing.ko loads" insmod "$KTHING_SRC/kthing.ko"
	check "kthing_sim.ko loads" insmod "$KTHING_SRC/kthing_sim.ko"
	temperature 20000
	check "a thing with an IIO temperature and a GPIO fan goes live" make_thing

	PORT=$(free_port)
	start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
	SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
	write_config "$WORK/kthingd.json" 30
	"$KTHINGD" -c "$WORK/kthingd.json" -S "$WORK/k.sock" -l debug >> "$WORK/k.log" 2>&1 &
	KTHINGD_PID=$!
	PIDS+=("$KTHINGD_PID")
	check "kthingd connects" wait_status "$WORK/k.sock" broker.state connected 30
	check "its rules are in the status" wait_status "$WORK/k.sock" rules.3.name bounce 5
}

rules_finish() {
	if [ -n "$KTHINGD_PID" ]; then
		kill -TERM "$KTHINGD_PID"
		wait "$KTHINGD_PID"
		check "kthingd stops cleanly" [ $? -eq 0 ]
		KTHINGD_PID=
	fi
	no_sanitizer_reports "$WORK/k.log"
	[ "$TAP_FAILED" -eq 0 ] || sed 's/^/# /' "$WORK/k.log" | tail -40
	check "the modules unload" unload_all
	echo "1..$TAP_N"
}
