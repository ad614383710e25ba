#!/bin/sh
# make bench: replay of a 100,000-record journal (read, CRC32C of every
# line, parse).  Prints wall-clock and CPU time (best of 5) and their ratio
# to the 50 ms budget; never fails on time.  On a loaded machine the CPU
# figure is the one to compare.
set -eu
: "${top_builddir:=.}"
out=$("$top_builddir/tests/bench/journal_bench" 100000)
echo "journal replay: $out"
printf '%s\n' "$out" | awk '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "journal replay: 100000 records: wall %.2f ms = %.2f of the 50 ms budget, cpu %.2f ms = %.2f\n",
	    v["replay_ms"], v["replay_ms"] / 50, v["cpu_ms"], v["cpu_ms"] / 50 }'
