#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kthing-shadowd killed with SIGKILL in the middle of a stream of updates
# (mosquitto and kthing-shadowd in the guest, a client publishing QoS 1
# updates that each add a key): after the restart every update it had
# acknowledged on /update/accepted is in the shadow, no version was given
# twice, and the requests published while it was down are served from its
# persistent session.
cd "$KTHING_SRC" || exit 1
. tests/vm/fault-lib.sh

STREAM=120
prefix='$aws/things/stream/shadow'
PORT=$(free_port)
start_broker broker "listener $PORT 127.0.0.1" "allow_anonymous true"
SUB=(mosquitto_sub -h 127.0.0.1 -p "$PORT")
check "kthing-shadowd serves" start_shadowd
subscribe "$WORK/stream" -q 1 -t "$prefix/update/accepted" -t "$prefix/update/rejected" \
	-t "$prefix/get/accepted"

# answered: the stream's requests answered so far.
answered() {
	grep -c '"clientToken":"s-' "$WORK/stream.raw"
}

answered_min() {
	[ "$(answered)" -ge "$1" ]
}

# settled N: all N answered, or no new answer for 5 s (scaled; what the
# service had taken in but not committed when it was killed is never
# answered).
settled() {
	local last=-1 n same=0 end=$((SECONDS + $(scaled 120)))
	while ((SECONDS < end)); do
		n=$(answered)
		[ "$n" -ge "$1" ] && return 0
		if [ "$n" = "$last" ]; then
			((++same >= 10 * KTHING_VM_TIME_SCALE)) && return 0
		else
			same=0
		fi
		last=$n
		sleep 0.5
	done
	return 1
}

(
	for ((i = 1; i <= STREAM; i++)); do
		echo "{\"state\":{\"reported\":{\"k$i\":$i}},\"clientToken\":\"s-$i\"}"
		sleep 0.01
	done
) | mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$prefix/update" -l &
stream=$!
check "the stream is being served" wait_until 60 answered_min 30
fault "kthing-shadowd killed with SIGKILL during a stream of $STREAM updates"
kill -KILL "$SHADOWD_PID"
wait "$SHADOWD_PID" 2> /dev/null
before=$(answered)
check "kthing-shadowd comes back" start_shadowd
wait "$stream"
check "the rest of the stream is served" settled "$STREAM"
after=$(answered)
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$prefix/get" -m '{"clientToken":"final"}'
check "the shadow is read back" wait_for_log "$WORK/stream.raw" '"clientToken":"final"' 30

result=$(messages "$WORK/stream" | /usr/bin/python3 -c '
import json, sys
accepted, versions, final, rejected = {}, [], None, 0
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    tok = m.get("clientToken", "")
    if tok == "final":
        final = m
    elif tok.startswith("s-") and "code" in m:
        rejected += 1
    elif tok.startswith("s-"):
        accepted[tok] = m["state"]["reported"]
        versions.append(m["version"])
rep = final["state"]["reported"] if final else {}
lost = [t for t, r in accepted.items() if any(rep.get(k) != v for k, v in r.items())]
print("accepted=%d rejected=%d lost=%d versions_repeated=%d final_version=%s"
      % (len(accepted), rejected, len(lost), len(versions) - len(set(versions)),
         final and final.get("version")))
ok = final and not lost and len(set(versions)) == len(versions) and \
     final.get("version", 0) >= len(accepted)
sys.exit(0 if ok else 1)')
rc=$?
echo "# stream of $STREAM updates: $before answered before the kill, $after in all; $result"
check "every acknowledged update is in the shadow after the restart, no version given twice" \
	[ $rc = 0 ]
check "kthing-shadowd stops cleanly" stop_pid_status "$SHADOWD_PID"
SHADOWD_PID=
fault_finish
