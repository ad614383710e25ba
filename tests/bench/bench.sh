#!/bin/sh
# make bench: one table of what users feel (issue 17), certwiz against the
# program a user would otherwise run, interleaved, RUNS (default 5) runs
# each, min/median/max and the ratio of the medians, with the goal and
# pass/FAIL per row.  The result is kept in
# $top_builddir/bench-results/DATE.tsv; a later run compares with one:
#   make bench BENCH_COMPARE=bench-results/2026-12-04T203000.tsv
#   make bench BENCH=scp          # parts: scp sc3 tui cert bundle (default all),
#                                 # extra = the older per-subsystem scripts,
#                                 # fleet = the Ansible role over 20 and 100
#                                 # appliances (minutes; not in the default)
# Numbers, never a test: `make check` does not run this.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
BENCH=$(echo "${BENCH:-scp sc3 tui cert bundle}" | tr ',' ' ')
RESULTS=${BENCH_RESULTS:-$top_builddir/bench-results}
mkdir -p "$RESULTS"
stamp=$(date -u +%Y-%m-%dT%H%M%S)
BENCH_SAMPLES=$RESULTS/$stamp.samples
export BENCH_SAMPLES
: > "$BENCH_SAMPLES"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
for part in $BENCH; do
	case $part in
	scp|sc3|tui|cert|bundle|fleet)
		echo "== $part" >&2
		rc=0
		${SHELL:-/bin/sh} "$top_srcdir/tests/bench/bench-$part.sh" || rc=$?
		[ $rc = 0 ] || [ $rc = 77 ] || { echo "bench: part $part failed ($rc)" >&2; exit 1; }
		;;
	extra)
		for b in ${BENCH_EXTRA:-}; do
			echo "== $b"
			${SHELL:-/bin/sh} "$top_srcdir/$b"
		done
		;;
	*) echo "bench: unknown part '$part' (scp sc3 tui cert bundle extra fleet)" >&2; exit 2 ;;
	esac
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
meta="$stamp $(uname -n) $(nproc) cores; load $load0 -> $load1; RUNS=${RUNS:-5}; $(($(date +%s) - t0)) s; $(cd "$top_srcdir" && git describe --always --dirty 2>/dev/null || echo '?')"
echo
echo "make bench $meta"
"${PYTHON3:-python3}" "$top_srcdir/tests/bench/table.py" "$BENCH_SAMPLES" "$RESULTS/$stamp.tsv" \
	${BENCH_COMPARE:+--compare "$BENCH_COMPARE"} --meta "$meta"
echo "kept in $RESULTS/$stamp.tsv (samples: $stamp.samples)"
