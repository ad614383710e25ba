#!/bin/sh
# make bench, part "bundle": the SC3 bundle against Debian's age on the
# same 64 MiB, the rows issue 17 says must stay as they are: seal with
# scrypt 2^18 (certwiz sc3 seal: walk, hash, tar, seal, staged write with
# fsync) against `age -p` of the same tar, and open + restore (decrypt,
# verify, extract, fsync, swap) against `age -d`.  age asks for its
# passphrase on a terminal: it runs under tests/interop/age-pty.py, whose
# Python start counts on age's side.
#
# Both sides are mostly scrypt's 256 MiB.  age (Go) asks for transparent
# huge pages, and when the kernel must compact memory to find them its
# scrypt takes 1.2-1.4 s instead of 0.68 s: without help its median moved
# by a third between runs.  As root, memory is compacted before every run
# (best effort; certwiz does not use huge pages), so age is measured at
# its best.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/bench/lib-bench.sh"

AGE=$(command -v age || true)
[ -n "$AGE" ] || skip "Debian's age is not installed"
PTY="${PYTHON3:-/usr/bin/python3} $top_srcdir/tests/interop/age-pty.py"
MIB=${BENCH_BUNDLE_MIB:-64}

write_conf
mkdir -p "$T/sc3" "$T/new/sc3"
head -c $((MIB * 1048576)) /dev/urandom > "$T/sc3/phosphorus.bin"
printf 'CA\n' > "$T/sc3/ca.pem"
printf 'bench-master-key\n' > "$T/mk"
chmod 600 "$T/mk"
sed "s#$T/sc3#$T/new/sc3#" "$T/certwiz.conf" > "$T/new.conf"
# The tar age seals is the one inside certwiz's bundle.
"$CERTWIZ" --config "$T/certwiz.conf" sc3 seal --to "$T/b" --master-key-file "$T/mk" >/dev/null
$PTY "$T/mk" "$AGE" -d -o "$T/p.tar" "$T/b" 2>/dev/null
$PTY "$T/mk" "$AGE" -p -o "$T/a" "$T/p.tar" 2>/dev/null

compact() { echo 1 > /proc/sys/vm/compact_memory 2>/dev/null || true; }
seal_cw()   { compact; timed bundle_seal cw "$CERTWIZ" --config "$T/certwiz.conf" sc3 seal --to "$T/b" --master-key-file "$T/mk"; }
seal_age()  { compact; timed bundle_seal peer $PTY "$T/mk" "$AGE" -p -o "$T/a" "$T/p.tar"; }
open_cw()   { compact; timed bundle_open cw "$CERTWIZ" --config "$T/new.conf" sc3 open --from "$T/b" --master-key-file "$T/mk"; }
open_age()  { rm -f "$T/a.out"; compact; timed bundle_open peer $PTY "$T/mk" "$AGE" -d -o "$T/a.out" "$T/a"; }
pair bundle_seal seal_cw seal_age
pair bundle_open open_cw open_age
cmp "$T/p.tar" "$T/a.out" || fail "age round trip differs"
cmp "$T/sc3/phosphorus.bin" "$T/new/sc3/phosphorus.bin" || fail "certwiz's restore differs"
