# SPDX-License-Identifier: GPL-2.0
# Sourced by the fuzzing cases (tests/vm/cases/2*): one seed per run, and
# the fuzzer's output passed on as it comes, so that a run that hangs or
# crashes the guest has shown its seed. KTHING_FUZZ_SEED replays a run.

. "$KTHING_SRC/tests/vm/core-lib.sh"

fuzz_seed=${KTHING_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

# run_fuzzer NAME WHAT CALLS: build/vm/NAME CALLS SEED, its TAP lines
# passed through and counted, and one more saying it ran to its end.
run_fuzzer() {
	local prog=$KTHING_BUILD/vm/$1 what=$2 calls=$3 out start status

	out=$(mktemp)
	start=$(date +%s)
	"$prog" "$calls" "$fuzz_seed" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	tap_n=$((tap_n + $(grep -cE '^(not )?ok\b' "$out")))
	rm -f "$out"
	echo "# $what fuzz: $calls calls, seed $fuzz_seed, $(($(date +%s) - start)) s in all (KTHING_FUZZ_SEED=$fuzz_seed replays it)"
	# 1 is a failure the program reported itself.
	check "$1 ran to its end (status $status)" test "$status" -le 1
}

# fuzz_calls DEFAULT: how many calls a run makes: DEFAULT, or a quarter of it
# on a kernel with lockdep (the debug kernel), which runs several times
# slower, so that every case fits its time limit there too.
fuzz_calls() {
	if [ -e /proc/lockdep ]; then
		echo $(($1 / 4))
	else
		echo "$1"
	fi
}
