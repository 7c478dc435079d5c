#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Device Shadow end to end, all in the guest: a shadow service that does not
# answer (kthing-shadowd paused) leads to one warning, not one per request,
# a status saying so, and gets retried less and less often; once it answers
# again, that is noticed and every shadow is in step again.
cd "$KTHING_SRC" || exit 1
TAP_TIMES=1
EXPECT_TIMEOUTS=1
# Two shadows: the classic one and a named one.
LAMP_NAMED='{"level":"dimmer"}'
CLASSIC_REPORTED='{"relay":false}'
CLASSIC_RAW='"reported":{"relay":false}'
. tests/vm/shadow-lib.sh

# --- a shadow service that does not answer ----------------------------------
kill -STOP "$SHADOWD_PID"
before=$(wc -l < "$WORK/k.log")
kill -HUP "$KTHINGD_PID"
check "with nothing answering, the status says no shadow service answers" \
	wait_shadow_state "$thing" "" "no shadow service answers" 30
check "the named shadow's status says so too" \
	wait_shadow_state "$thing" dimmer "no shadow service answers" 10
check "unanswered gets are asked again, and time out again" \
	wait_status_min "$WORK/k.sock" counters.shadow_timeouts 4 40
check "one warning for all of them, not one per request" \
	[ "$(tail -n +"$((before + 1))" "$WORK/k.log" | grep -c "no shadow service answers")" = 1 ]
kill -CONT "$SHADOWD_PID"
check "the service answering again is noticed" \
	wait_for_log "$WORK/k.log" "the shadow service answers again" 30
check "and every shadow is in step again" wait_shadow_state "$thing" "" "in step" 60
check "the named one too" wait_shadow_state "$thing" dimmer "in step" 30

shadow_finish
