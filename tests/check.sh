#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test run behind `make check` (and check-host, check-vm, lint):
#
#   tests/check.sh [all|host|vm|lint|matrix|rt|debug]
#
# all and vm run the in-VM suite on Debian's 6.1 kernel and on 6.12; matrix
# adds 6.12-rt (PREEMPT_RT), and rt runs that lane alone; debug runs it on a
# debug kernel built from linux-source (tests/debug-kernel/build). The modules are built for each
# kernel in build/modules/RELEASE, which the cases get as KTHING_MODDIR.
#
# Every stage leaves TAP in build/results/*.tap (logs beside it as *.log);
# a stage that fails to build or crashes is a failed test, never the end of
# the run. The last line is "N passed, N failed"; the exit status is non-zero
# when anything failed.
#
# Environment: KDIR (6.1 tree the VM boots; default tests/vm/find-kdir),
# KDIR_612 (6.12 tree to compile-check against; default fetched by
# tests/deps.sh), KTHING_SKIP_DEPS=1 (do not install packages),
# KTHING_HOST_TEST_TIMEOUT (seconds per host test), and tests/vm/run's
# (KTHING_VM_TIME_SCALE: 2 in the rt lane and 5 in the debug lane unless set).

set -uo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$src" || exit 2
. tests/tap.sh

export KTHING_SRC=$src KTHING_BUILD=$src/build
results=build/results
jobs=$(nproc 2>/dev/null || echo 2)
host_timeout=${KTHING_HOST_TEST_TIMEOUT:-300}
make=(make --no-print-directory)

say() {
	echo "check: $*" >&2
}

# The kernel release a build tree is for.
kdir_release() {
	local tree

	for tree in /lib/modules/*/build; do
		if [ "$(readlink -f "$tree")" = "$(readlink -f "$1")" ]; then
			tree=${tree#/lib/modules/}
			echo "${tree%/build}"
			return
		fi
	done
	basename "$(readlink -f "$1")" | sed 's/^linux-headers-//'
}

# run_stage NAME FUNCTION...: run a stage in a subshell; if it dies, that
# is one more failure.
run_stage() {
	local name=$1 start status

	shift
	say "$name ..."
	start=$(date +%s)
	("$@")
	status=$?
	if [ "$status" != 0 ]; then
		tap_result "$results/check.tap" 1 "stage $name ran to completion (status $status)"
	fi
	say "$name done in $(($(date +%s) - start)) s"
}

# make_step TAPFILE DESCRIPTION LOG MAKE-ARGS...: one TAP line for one make
# run, with the first errors as comments when it fails.
make_step() {
	local tap=$1 what=$2 log=$3 status

	shift 3
	"${make[@]}" "$@" >"$log" 2>&1
	status=$?
	tap_result "$tap" "$status" "$what"
	if [ "$status" != 0 ]; then
		grep -E 'error|warning|Error|No rule' "$log" | tap_comment "$tap" 25
		echo "full log: $log" | tap_comment "$tap"
	fi
	return 0
}

stage_deps() {
	if [ "${KTHING_SKIP_DEPS:-0}" = 1 ]; then
		say "not installing packages (KTHING_SKIP_DEPS=1)"
		return 0
	fi
	tests/deps.sh "$results/deps.tap" 2>"$results/deps.log"
	return 0
}

kdir61=${KDIR:-$(tests/vm/find-kdir 2>/dev/null)}

stage_modules() {
	local tap=$results/build-modules.tap rel

	if [ -z "$kdir61" ] || [ ! -d "$kdir61" ]; then
		tap_result "$tap" 1 "a kernel build tree to build the modules against (KDIR)"
		return 0
	fi
	rel=$(kdir_release "$kdir61")
	# Never test a module left over from an earlier build.
	rm -f kthing.ko kthing_sim.ko
	make_step "$tap" "modules build with W=1 -Werror against $rel" \
		"$results/build-modules-$rel.log" -j"$jobs" modules KDIR="$kdir61"
	for ko in kthing.ko kthing_sim.ko; do
		[ -f "$ko" ]
		tap_result "$tap" $? "$ko built for $rel"
	done
}

# copy_sources DIR: the module sources, copied into DIR for a build of its
# own (external modules cannot have a separate output directory before 6.13).
copy_sources() {
	rm -rf "$1"
	mkdir -p "$1"
	find . \( -path ./build -o -path ./.git \) -prune -o -type f \
		\( -name '*.[chS]' -o -name Kbuild -o -name Makefile \) -print0 2>/dev/null |
		cpio -0 -pdm --quiet "$1"
}

# The 6.12 build works on a copy of the sources so the 6.1 objects the VM
# loads stay as they are.
stage_modules_612() {
	local tap=$results/build-modules-6.12.tap kdir copy rel

	kdir=${KDIR_612:-$(cat build/deps/kdir-6.12 2>/dev/null)}
	if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
		tap_result "$tap" 1 "6.12 kernel headers to compile the modules against (KDIR_612)"
		return 0
	fi
	rel=$(kdir_release "$kdir")
	copy=build/modules/$rel
	copy_sources "$copy"
	make_step "$tap" "modules build with W=1 -Werror against $rel" \
		"$results/build-modules-6.12.log" -j"$jobs" -C "$kdir" M="$src/$copy" \
		W=1 KCFLAGS=-Werror modules
}

# print_var VAR: a variable of the Makefile (empty if make fails).
print_var() {
	"${make[@]}" -s "print-$1" 2>/dev/null
}

stage_userspace() {
	local tap=$results/build-userspace.tap fuzzers

	make_step "$tap" "programs build with -Werror" \
		"$results/build-programs.log" -k -j"$jobs" programs
	make_step "$tap" "sanitized programs build with -Werror" \
		"$results/build-san-programs.log" -k -j"$jobs" san-programs
	make_step "$tap" "host tests build with -Werror" \
		"$results/build-host-tests.log" -k -j"$jobs" host-tests
	make_step "$tap" "in-VM test helpers build with -Werror" \
		"$results/build-vm-progs.log" -k -j"$jobs" vm-progs
	fuzzers=$(print_var FUZZERS)
	if [ -n "$fuzzers" ]; then
		make_step "$tap" "fuzzers build with -Werror" \
			"$results/build-fuzzers.log" -k -j"$jobs" $fuzzers
	fi
}

# checkpatch.pl with the data files it reads beside it, from Debian's
# linux-source tarball, unpacked once into build/checkpatch.
checkpatch_tool() {
	local dir=build/checkpatch tarball

	if [ -x "$dir/checkpatch.pl" ] && [ -f "$dir/spelling.txt" ]; then
		echo "$dir/checkpatch.pl"
		return 0
	fi
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || { echo "no /usr/src/linux-source-*.tar.xz (linux-source)" >&2; return 1; }
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xJf "$tarball" -C "$dir.tmp" --strip-components=2 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' >&2 || return 1
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	echo "$dir/checkpatch.pl"
}

stage_lint() {
	local tap=$results/lint.tap log checkpatch files status

	mapfile -t files < <(find kmod -name '*.[ch]' 2>/dev/null | LC_ALL=C sort)
	files+=(include/uapi/linux/kthing.h)

	log=$results/lint-checkpatch.log
	if checkpatch=$(checkpatch_tool 2>"$log"); then
		perl "$checkpatch" --strict --no-tree --no-summary --show-types \
			--terse -f "${files[@]}" >"$log" 2>&1
		status=$?
		tap_result "$tap" "$status" "checkpatch --strict: kmod/ and the UAPI header (${#files[@]} files)"
		[ "$status" = 0 ] || tap_comment "$tap" 40 <"$log"
	else
		tap_result "$tap" 1 "checkpatch --strict: kmod/ and the UAPI header"
		tap_comment "$tap" <"$log"
	fi

	log=$results/lint-sparse.log
	if [ -z "$kdir61" ] || [ ! -d "$kdir61" ]; then
		tap_result "$tap" 1 "sparse: no kernel build tree (KDIR)"
		return 0
	fi
	if ! command -v sparse >/dev/null; then
		tap_result "$tap" 1 "sparse: not installed"
		return 0
	fi
	# C=2 checks every file, built or not; only our own files count. The
	# same flags as `make modules`, so nothing is rebuilt for sparse.
	"${make[@]}" -C "$kdir61" M="$src" W=1 KCFLAGS=-Werror C=2 modules >"$log" 2>&1
	status=$?
	if [ "$status" != 0 ]; then
		tap_result "$tap" 1 "sparse: the modules build under make C=2"
		grep -E 'error|warning' "$log" | tap_comment "$tap" 25
		return 0
	fi
	grep -E "^($src/)?(kmod|include|kthing)[^:]*:[0-9]+:[0-9]+: (warning|error)" "$log" \
		>"$log.ours"
	[ ! -s "$log.ours" ]
	tap_result "$tap" $? "sparse (make C=2): no warnings in kmod/ and include/"
	tap_comment "$tap" 40 <"$log.ours"
}

stage_host_tests() {
	local t name tap status tests

	tests=$(print_var HOST_TESTS)
	if [ -z "$tests" ]; then
		say "no host tests"
		return 0
	fi
	for t in $tests; do
		name=${t##*/}
		tap=$results/host-$name.tap
		: >"$tap"
		if [ ! -x "$t" ]; then
			tap_result "$tap" 1 "$name built (see build-host-tests.log)"
			continue
		fi
		CMOCKA_MESSAGE_OUTPUT=TAP \
		ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			timeout -k 10 "$host_timeout" "$t" >"$tap" 2>"$results/host-$name.log" </dev/null
		status=$?
		tap_finish "$tap" "$name" "$status" "$host_timeout"
		if [ "$status" != 0 ]; then
			tail -n 30 "$results/host-$name.log" | tap_comment "$tap" 30
		fi
		read -r pass fail skip < <(tap_count "$tap")
		say "  $name: $pass ok, $fail not ok"
	done
}

stage_uapi() {
	local tap=$results/uapi.tap status

	tests/uapi/run >"$tap" 2>"$results/uapi.log"
	status=$?
	tap_finish "$tap" uapi "$status"
}

# lane_modules RELEASE KDIR: build the modules for one kernel into
# build/modules/RELEASE (once per run), one TAP line in vm-RELEASE-build.tap.
lane_modules() {
	local rel=$1 kdir=$2 dir=build/modules/$1 tap=$results/vm-$1-build.tap

	if [ -f "$dir/kthing.ko" ] && [ "$dir/kthing.ko" -nt "$stamp" ]; then
		return 0
	fi
	copy_sources "$dir"
	make_step "$tap" "modules build with W=1 -Werror against $rel" \
		"$results/vm-$rel-build-modules.log" -j"$jobs" -C "$kdir" M="$src/$dir" \
		W=1 KCFLAGS=-Werror modules
}

# vm_lane RELEASE KDIR [IMAGE MODULES]: the in-VM suite on one kernel, with
# the modules built for it. Results: build/results/vm-RELEASE-*.tap, every
# line naming RELEASE. IMAGE and MODULES: a kernel not installed in /boot
# and /lib/modules.
vm_lane() {
	local rel=$1 kdir=$2 image=${3:-} kmods=${4:-} dir=build/modules/$1 start status

	start=$(date +%s)
	lane_modules "$rel" "$kdir"
	if [ ! -f "$dir/kthing.ko" ]; then
		tap_result "$results/vm-$rel-harness.tap" 1 "$rel: kthing.ko built, to test in the VM"
		return 0
	fi
	KDIR=$kdir KTHING_MODDIR=$src/$dir KTHING_VM_TAG=$rel \
		KTHING_VM_KERNEL=$image KTHING_VM_MODULES=$kmods tests/vm/run
	status=$?
	# 0: all passed, 1: failures are in the TAP files; anything else is the
	# harness failing before it could report.
	[ "$status" -le 1 ] ||
		tap_result "$results/vm-$rel-harness.tap" 1 "$rel: tests/vm/run (status $status)"
	echo "$rel $(($(date +%s) - start))" >>"$results/lanes"
	say "lane $rel took $(($(date +%s) - start)) s"
	return 0
}

# fetched_lane FLAVOUR: the in-VM suite on a 6.12 kernel tests/vm/fetch-kernel
# unpacks (amd64, rt-amd64).
fetched_lane() {
	local KERNEL_KDIR KERNEL_IMAGE KERNEL_MODULES KERNEL_RELEASE env

	if ! env=$(tests/vm/fetch-kernel "$1" 2>"$results/fetch-kernel-$1.log"); then
		tap_result "$results/vm-6.12-$1-harness.tap" 1 "6.12 $1 kernel fetched (see fetch-kernel-$1.log)"
		return 0
	fi
	eval "$env"
	vm_lane "$KERNEL_RELEASE" "$KERNEL_KDIR" "$KERNEL_IMAGE" "$KERNEL_MODULES"
}

stage_vm() {
	local rel

	if [ -z "$kdir61" ] || [ ! -d "$kdir61" ]; then
		tap_result "$results/vm-harness.tap" 1 "a 6.1 kernel build tree (KDIR)"
	else
		rel=$(kdir_release "$kdir61")
		vm_lane "$rel" "$kdir61"
	fi
	fetched_lane amd64
}

# Measured under emulation on a busy host, the suite takes about 1700 s on
# the PREEMPT_RT kernel, past the run's default 1200 s: deadlines x2.
stage_vm_rt() {
	KTHING_VM_TIME_SCALE=${KTHING_VM_TIME_SCALE:-2} fetched_lane rt-amd64
}

# The debug kernel: built (or taken from its cache), the modules and the
# KUnit tests built against it, the whole suite run on it.
stage_vm_debug() {
	local tap=$results/vm-debug-kernel.tap env KTHING_DEBUG_KDIR KTHING_DEBUG_KERNEL
	local KTHING_DEBUG_MODULES KTHING_DEBUG_KVER KTHING_DEBUG_BUILD_SECONDS
	local KTHING_DEBUG_BUILD_TIMES

	if ! env=$(tests/debug-kernel/build 2>"$results/debug-kernel.log"); then
		tap_result "$tap" 1 "debug kernel built (see debug-kernel.log)"
		tail -n 20 "$results/debug-kernel.log" | tap_comment "$tap" 20
		return 0
	fi
	eval "$env"
	tap_result "$tap" 0 "debug kernel $KTHING_DEBUG_KVER built"
	echo "# cold build: ${KTHING_DEBUG_BUILD_SECONDS} s in all; compiling took" \
		"wall, user, system seconds: $KTHING_DEBUG_BUILD_TIMES" >>"$tap"
	lane_modules "$KTHING_DEBUG_KVER" "$KTHING_DEBUG_KDIR"
	kunit_modules "$KTHING_DEBUG_KVER" "$KTHING_DEBUG_KDIR"
	# The same suite, about four times slower (more on a busy host): every
	# deadline of the run, the cases and the test programs stretches by 5.
	KTHING_VM_TIME_SCALE=${KTHING_VM_TIME_SCALE:-5} \
		vm_lane "$KTHING_DEBUG_KVER" "$KTHING_DEBUG_KDIR" "$KTHING_DEBUG_KERNEL" "$KTHING_DEBUG_MODULES"
}

# kunit_modules RELEASE KDIR: the KUnit tests (kmod/tests), a module of their
# own beside kthing.ko in build/modules/RELEASE, for kernels with KUnit.
kunit_modules() {
	local rel=$1 kdir=$2 dir=build/modules/$1 tap=$results/vm-$1-build.tap

	[ -f "$dir/kthing.ko" ] || return 0
	make_step "$tap" "KUnit tests build against $rel" \
		"$results/build-kunit-$rel.log" -j"$jobs" -C "$kdir" M="$src/$dir/kmod/tests" \
		KBUILD_EXTRA_SYMBOLS="$src/$dir/Module.symvers" W=1 KCFLAGS=-Werror modules
	cp "$dir"/kmod/tests/*.ko "$dir"/ 2>/dev/null
	return 0
}

# What the VM lanes covered, for the summary.
lanes_summary() {
	[ -s "$results/lanes" ] || return 0
	echo "VM lanes (kernel, seconds including the module build):"
	sed 's/^/  /' "$results/lanes"
}

# What else the run covered: fuzz iterations, and each "# covered: ..."
# comment a test prints (faults injected, events in a soak).
coverage_summary() {
	local runs

	if [ -s "$results/fuzz.tap" ]; then
		runs=$(sed -n 's/^# fuzz \(.*\) runs=\([0-9]*\)$/\1 \2/p' "$results/fuzz.tap" |
			awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $1, $2; t += $2 }
				END { if (NR) printf " (%d in all)\n", t }')
		[ -z "$runs" ] || echo "Fuzz runs: $runs"
	fi
	# The in-VM fuzzers and fault cases, summed over the kernels.
	cat "$@" 2>/dev/null | awk '
		/^# [a-z]+ fuzz: [0-9]+ calls, .* in all/ { calls[$2] += $4 }
		/^# faults injected: [0-9]+$/ { faults += $4 }
		/^# soak: / { sub(/^# soak: /, ""); sub(/; samples .*/, ""); soak = soak (soak ? " | " : "") $0 }
		END {
			for (k in calls) line = line (line ? ", " : "") k " " calls[k]
			if (line) print "Kernel fuzz calls: " line
			if (faults) print "Faults injected and survived: " faults
			if (soak) print "Soak: " soak
		}'
	grep -h '^# covered: ' "$@" 2>/dev/null | sed 's/^# covered: /Covered: /'
}

stage_fuzz_smoke() {
	local tap=$results/fuzz.tap status

	[ -n "$(print_var FUZZERS)" ] || return 0
	"${make[@]}" -n fuzz-smoke >/dev/null 2>&1 || return 0
	"${make[@]}" fuzz-smoke >"$results/fuzz.log" 2>&1
	status=$?
	grep -E '^(not )?ok\b|^#' "$results/fuzz.log" >"$tap"
	tap_result "$tap" "$status" "fuzzers run their corpus cleanly (make fuzz-smoke)"
}

# make bench-smoke: the benchmark's code path with tiny counts, in a VM of
# its own; TAP says whether every stage produced numbers (never timing).
stage_bench_smoke() {
	local tap=$results/bench-smoke.tap status

	"${make[@]}" -s bench-smoke >"$tap" 2>"$results/bench-smoke.log"
	status=$?
	tap_result "$tap" "$status" "make bench-smoke ran to completion"
	[ "$status" = 0 ] || tail -n 20 "$results/bench-smoke.log" | tap_comment "$tap" 20
}

# The result files each stage writes (build/results/PATTERN.tap); a stage
# not named here may have written any.
declare -A stage_results=(
	[deps]=deps [modules]=build-modules [modules_612]=build-modules-6.12
	[userspace]=build-userspace [lint]=lint [host_tests]='host-*'
	[uapi]=uapi [fuzz_smoke]=fuzz [bench_smoke]=bench-smoke [vm]='vm-*'
	[vm_rt]='vm-*-rt-amd64-*' [vm_debug]='vm-*'
)

what=${1:-all}
case $what in
all) stages=(deps modules modules_612 userspace lint host_tests uapi fuzz_smoke bench_smoke vm) ;;
host) stages=(userspace host_tests uapi) ;;
vm) stages=(modules userspace vm) ;;
lint) stages=(lint) ;;
matrix) stages=(deps modules modules_612 userspace lint host_tests uapi fuzz_smoke vm vm_rt) ;;
rt) stages=(deps modules userspace vm_rt) ;;
debug) stages=(deps userspace vm_debug) ;;
*)
	echo "usage: $0 [all|host|vm|lint|matrix|rt|debug]" >&2
	exit 2
	;;
esac

mkdir -p "$results"
case $what in
all | matrix | rt | debug) rm -f "$results"/*.tap "$results"/*.log "$results"/*.ours ;;
esac
rm -f "$results/lanes"
stamp=$results/.started
touch "$stamp"
rm -f "$results/check.tap"
started=$(date +%s)

for s in "${stages[@]}"; do
	# A stage's results start afresh (a glob: not quoted).
	[ -z "${stage_results[$s]:-}" ] || rm -f "$results"/${stage_results[$s]}.tap
	run_stage "${s//_/-}" "stage_$s"
done

# Count what this run's stages wrote.
find_args=(-name check.tap)
for s in "${stages[@]}"; do
	find_args+=(-o -name "${stage_results[$s]:-*}.tap")
done
mapfile -t taps < <(find "$results" -maxdepth 1 -newer "$stamp" \( "${find_args[@]}" \) |
	LC_ALL=C sort)
read -r passed failed skipped < <(tap_count "${taps[@]}")
if [ "$failed" != 0 ]; then
	echo "Failures:"
	for t in "${taps[@]}"; do
		grep -E '^not ok\b' "$t" | grep -viE '# *TODO' | sed "s|^|  ${t##*/}: |"
	done
fi
say "took $(($(date +%s) - started)) s; results in $results/"
lanes_summary
coverage_summary "${taps[@]}"
[ "$skipped" = 0 ] || echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
