# SPDX-License-Identifier: GPL-2.0
# TAP helpers shared by tests/check.sh and tests/vm/run (sourced, bash).
# A result file holds lines "ok - what" / "not ok - what"; comment lines
# start with "#".

# tap_result FILE STATUS DESCRIPTION: "ok" when STATUS is 0.
tap_result() {
	if [ "$2" = 0 ]; then
		echo "ok - $3" >>"$1"
	else
		echo "not ok - $3" >>"$1"
	fi
}

# tap_comment FILE [MAX]: append stdin as comment lines (at most MAX).
tap_comment() {
	head -n "${2:-40}" | sed 's/^/#   /' >>"$1"
}

# tap_finish FILE NAME STATUS [TIMEOUT]: after test program NAME wrote its
# TAP to FILE and exited with STATUS, add what makes the result honest: a
# failure for a non-zero status, a timeout, a "Bail out!", a plan not kept,
# or no results at all (a plan "1..0" says everything was skipped on purpose).
tap_finish() {
	local file=$1 name=$2 status=$3 limit=${4:-} plans plan count

	case $status in
	0) ;;
	124 | 137)
		if [ -n "$limit" ]; then
			tap_result "$file" 1 "$name finished within ${limit}s"
		else
			tap_result "$file" 1 "$name was killed (status $status)"
		fi
		;;
	*) tap_result "$file" 1 "$name exited with status $status" ;;
	esac
	if grep -q '^Bail out!' "$file"; then
		tap_result "$file" 1 "$name ran to the end (it bailed out)"
	fi
	count=$(grep -cE '^(not )?ok\b' "$file")
	plans=$(grep -cE '^1\.\.[0-9]+' "$file")
	plan=$(sed -n 's/^1\.\.\([0-9]\+\).*/\1/p' "$file" | head -n 1)
	if [ "$plans" = 1 ] && [ "$status" = 0 ] && [ "$plan" != "$count" ]; then
		tap_result "$file" 1 "$name planned $plan tests and ran $count"
	elif [ "$plans" = 0 ] && [ "$count" = 0 ]; then
		tap_result "$file" 1 "$name reported no test results"
	fi
}

# tap_count FILE...: print "PASSED FAILED SKIPPED". Skipped: "ok ... # SKIP"
# and "not ok ... # TODO".
tap_count() {
	[ $# -gt 0 ] || { echo "0 0 0"; return; }
	awk '
		/^ok( |$)/ {
			if (toupper($0) ~ /# *SKIP/) skip++; else pass++;
		}
		/^not ok( |$)/ {
			if (toupper($0) ~ /# *TODO/) skip++; else fail++;
		}
		END { print pass + 0, fail + 0, skip + 0 }
	' "$@"
}
