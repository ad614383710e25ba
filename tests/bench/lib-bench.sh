# lib-bench.sh - sourced by the bench-*.sh parts of `make bench`
# (tests/bench/bench.sh).  Each part appends samples to $BENCH_SAMPLES, one
# line each: "ROW SIDE VALUE" (SIDE: cw, peer, cwfix = certwiz's fixed
# cost); tests/bench/table.py turns them into the table.  Pairs run
# interleaved, RUNS times each, the order swapped every run, so that a
# load spike on the shared machine hits both sides.  Never fails on time.
RUNS=${RUNS:-5}
: "${BENCH_SAMPLES:?run through tests/bench/bench.sh (make bench)}"

now_ns() { date +%s%N; }
sample() { echo "$1 $2 $3" >> "$BENCH_SAMPLES"; }
# timed ROW SIDE CMD...: runs CMD (output to $T/out), records its wall time
# in seconds; a failing CMD fails the bench (a fast failure is no result).
timed() {
	row=$1 side=$2; shift 2
	t0=$(now_ns)
	"$@" >"$T/out" 2>&1 || { cat "$T/out" >&2; echo "bench: '$*' failed" >&2; exit 1; }
	t1=$(now_ns)
	sample "$row" "$side" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')"
}
# pair ROW CW_FN PEER_FN: RUNS interleaved runs of two shell functions
# (each called with the run number), cw first on even runs.
pair() {
	row=$1 cwf=$2 peerf=$3 i=0
	while [ $i -lt "$RUNS" ]; do
		if [ $((i % 2)) = 0 ]; then
			$cwf $i; $peerf $i
		else
			$peerf $i; $cwf $i
		fi
		i=$((i + 1))
	done
}
