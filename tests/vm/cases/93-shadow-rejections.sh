#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest: kthingd's answers to 409
# (a fresh get), 429 (back off, get again) and 400 (logged as a bug), given
# by the test with kthing-shadowd paused, and to 413 from kthing-shadowd
# itself (a report that would take the shadow over 8 KB: logged, counted).
cd "$KTHING_SRC" || exit 1
TAP_TIMES=1
EXPECT_BAD_REQUESTS=1
. tests/vm/shadow-lib.sh

# --- 409, 429, 400: answers given with kthing-shadowd paused ----------------
kill -STOP "$SHADOWD_PID"
updates=$(tokens "$prefix/update" | wc -l)
gets=$(tokens "$prefix/get" | wc -l)
"$KTHINGCTL" set $thing relay on > /dev/null
check "a device-side change makes kthingd report" \
	wait_tokens "$prefix/update" $((updates + 1)) 10
reject "$prefix/update" "$(tokens "$prefix/update" | tail -1)" 409 "Version conflict"
check "409 is counted" wait_status_min "$WORK/k.sock" counters.shadow_conflicts 1 10
check "409 leads to a fresh get" wait_tokens "$prefix/get" $((gets + 1)) 10
reject "$prefix/get" "$(tokens "$prefix/get" | tail -1)" 429 "Too Many Requests"
check "429 is counted" wait_status_min "$WORK/k.sock" counters.shadow_throttled 1 10
check "429: the get is asked again after backing off" \
	wait_tokens "$prefix/get" $((gets + 2)) 10
check "429 is logged" grep -q "too many requests; backing off" "$WORK/k.log"
reject "$prefix/get" "$(tokens "$prefix/get" | tail -1)" 400 "Invalid JSON"
check "400 is counted" wait_status_min "$WORK/k.sock" counters.shadow_bad_requests 1 10
check "400 is logged as a bug" \
	grep -q "get refused as invalid (a bug in kthingd): Invalid JSON" "$WORK/k.log"
kill -CONT "$SHADOWD_PID"
check "once the service answers, the change is in the shadow" \
	wait_shadow state.reported.relay true 15

# --- 413 from kthing-shadowd: a report that would take the shadow over 8 KB --
# Desired grows to 20 bytes under the limit with a key no channel has; the
# refusal kthingd reports under reported.kthing_errors does not fit.
doc=$(shadow_get)
used=$(($(jq -c '.state.desired // empty' <<< "$doc" | tr -d '\n' | wc -c) +
	$(jq -c '.state.reported // empty' <<< "$doc" | tr -d '\n' | wc -c)))
key=',"pad":""'
pad=$(head -c $((8192 - used - ${#key} - 20)) /dev/zero | tr '\0' x)
desired "{\"pad\":\"$pad\"}"
check "413: kthingd's report is refused as too large, and counted" \
	wait_status_min "$WORK/k.sock" counters.shadow_too_large 1 15
check "413 is logged as an error" \
	grep -q "shadow $thing: update refused as too large" "$WORK/k.log"
check "the hardware is untouched" [ "$(sim_value $RELAY_LINE)" = 1 ]
desired '{"pad":null}'

shadow_finish
