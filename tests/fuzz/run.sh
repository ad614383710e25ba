#!/bin/sh
# tests/fuzz/run.sh - runs every libFuzzer harness, one at a time (the
# machine has two cores and the rest of `make check` runs beside it).
#
#   run.sh          (make check, distcheck, CI) each harness over its seed
#                   corpus and regression inputs, then FUZZ_SECONDS (default
#                   10) of fuzzing; new inputs go to a temp dir and are
#                   dropped.  Skipped (77) when configure found no clang with
#                   libFuzzer.
#   run.sh --long   (make fuzz FUZZ_SECONDS=N) the same for N seconds each
#                   (default 60), new inputs kept in BUILDDIR/tests/fuzz/
#                   work/NAME for the next run; see tests/fuzz/README.md for
#                   folding them into the committed corpus.
#
# FUZZ_NAMES picks harnesses (default: all).  A crash, leak, timeout or
# sanitizer report fails the run, names the input that caused it and the
# command that replays it.  Per harness, one line: seconds, executions,
# coverage (libFuzzer's cov: edges, ft: features) and corpus size.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

long=no
[ "${1:-}" = --long ] && long=yes
if [ $long = yes ]; then
	secs=${FUZZ_SECONDS:-60}
else
	secs=${FUZZ_SECONDS:-10}
fi
names=${FUZZ_NAMES:-journal cfg est sntp age bundle known_hosts kexinit scp_target answers}
F=$top_builddir/tests/fuzz
S=$top_srcdir/tests/fuzz

if ! ls "$F"/fuzz_* >/dev/null 2>&1; then
	# CI installs clang (build-aux/install-deps): there a skip hides a fault.
	[ -n "${CI:-}" ] && fail "no fuzz harnesses built: run build-aux/install-deps, configure again"
	skip "no fuzz harnesses built: configure found no clang with libFuzzer (Debian: clang libclang-rt-14-dev)"
fi

failed=""
total=0
for n in $names; do
	bin=$F/fuzz_$n
	[ -x "$bin" ] || fail "$bin is missing (make fuzz-harnesses)"
	[ -d "$S/corpus/$n" ] || fail "no seed corpus $S/corpus/$n"
	if [ $long = yes ]; then
		work=$F/work/$n
	else
		work=$T/work-$n
	fi
	mkdir -p "$work" "$T/art-$n"
	set -- "$work" "$S/corpus/$n"
	[ -d "$S/regress/$n" ] && set -- "$@" "$S/regress/$n"
	# -timeout: one input that takes 20 s is a finding (the work factor
	# caps, the restore caps); -rss_limit_mb likewise for memory.
	rss=2048
	t0=$(date +%s)
	if "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=$rss \
	    -print_final_stats=1 -artifact_prefix="$T/art-$n/" "$@" \
	    >"$T/log-$n" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	t1=$(date +%s)
	total=$((total + t1 - t0))
	stats=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$T/log-$n" | tail -1 |
	    sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/execs: \1 /; s/ exec\/s:.*//')
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/log-$n")
	printf '%-12s %4ss  %s  (%s runs)\n' "$n" "$((t1 - t0))" "$stats" "${runs:-?}"
	if [ $rc -ne 0 ]; then
		tail -40 "$T/log-$n" >&2
		for a in "$T/art-$n"/*; do
			[ -f "$a" ] || continue
			keep=$top_builddir/tests/fuzz/crash-$n-$(basename "$a")
			cp "$a" "$keep"
			echo "FAIL: fuzz_$n: input kept as $keep; replay: $bin $keep" >&2
		done
		failed="$failed $n"
	fi
done
echo "fuzzing took ${total}s"
[ -z "$failed" ] || fail "harnesses that found a problem:$failed"
pass "every harness ran its corpus, its regression inputs and ${secs}s of fuzzing"
