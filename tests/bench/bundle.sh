#!/bin/sh
# make bench: seal and open a 64 MiB SC3 bundle with certwiz and with
# Debian's age in the same run, and print the ratios (certwiz / age; lower
# is faster).  age reads passphrases only from a terminal: it is driven
# through a pty (tests/interop/age-pty.py).  Both use scrypt 2^18; the bulk
# phase alone is compared with certwiz at work factor 1 against age with an
# X25519 recipient.  Prints numbers, never fails on time.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
PTY="$PY $top_srcdir/tests/interop/age-pty.py"
AGE=$(command -v age || true)
[ -n "$AGE" ] || skip "Debian's age is not installed"
MIB=${BENCH_MIB:-64}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

write_conf
mkdir -p "$T/sc3" "$T/new/sc3"
head -c $((MIB * 1024 * 1024)) /dev/urandom > "$T/sc3/phosphorus.bin"
printf 'CA\n' > "$T/sc3/ca.pem"
printf 'bench-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
sed "s#$T/sc3#$T/new/sc3#" "$T/certwiz.conf" > "$T/new.conf"

t0=$(now); "$CERTWIZ" --config "$T/certwiz.conf" sc3 seal --to "$T/b" --master-key-file "$T/mk" >/dev/null; t1=$(now)
cw_seal=$(secs "$t0" "$t1")
t0=$(now); "$CERTWIZ" --config "$T/new.conf" sc3 open --from "$T/b" --master-key-file "$T/mk" >/dev/null; t1=$(now)
cw_open=$(secs "$t0" "$t1")
t0=$(now); "$CERTWIZ" --config "$T/certwiz.conf" sc3 seal --to "$T/b1" --master-key-file "$T/mk" $(wf 1) >/dev/null; t1=$(now)
cw_seal_bulk=$(secs "$t0" "$t1")
t0=$(now); "$CERTWIZ" --config "$T/certwiz.conf" sc3 open --from "$T/b1" --master-key-file "$T/mk" --verify-only >/dev/null; t1=$(now)
cw_open_bulk=$(secs "$t0" "$t1")

# age on the same plaintext (the bundle's tar).
$PTY "$T/mk" "$AGE" -d -o "$T/p.tar" "$T/b" 2>/dev/null
t0=$(now); $PTY "$T/mk" "$AGE" -p -o "$T/a" "$T/p.tar" 2>/dev/null; t1=$(now)
age_seal=$(secs "$t0" "$t1")
t0=$(now); $PTY "$T/mk" "$AGE" -d -o "$T/a.out" "$T/a" 2>/dev/null; t1=$(now)
age_open=$(secs "$t0" "$t1")
age-keygen -o "$T/id" 2>/dev/null
rcpt=$(age-keygen -y "$T/id")
t0=$(now); "$AGE" -r "$rcpt" -o "$T/x" "$T/p.tar"; t1=$(now)
age_seal_bulk=$(secs "$t0" "$t1")
t0=$(now); "$AGE" -d -i "$T/id" -o "$T/x.out" "$T/x"; t1=$(now)
age_open_bulk=$(secs "$t0" "$t1")
cmp -s "$T/p.tar" "$T/a.out" || fail "age round trip differs"

echo "bundle of $MIB MiB (seconds; ratio = certwiz / age, lower is faster)"
printf '  %-34s certwiz %7s  age %7s  ratio %s\n' \
	"seal, scrypt 2^18 (age -p)" "$cw_seal" "$age_seal" "$(ratio "$cw_seal" "$age_seal")" \
	"open+restore, scrypt 2^18 (age -d)" "$cw_open" "$age_open" "$(ratio "$cw_open" "$age_open")" \
	"seal, bulk (wf 1 vs X25519)" "$cw_seal_bulk" "$age_seal_bulk" "$(ratio "$cw_seal_bulk" "$age_seal_bulk")" \
	"open, bulk (wf 1 vs X25519)" "$cw_open_bulk" "$age_open_bulk" "$(ratio "$cw_open_bulk" "$age_open_bulk")"
echo "  certwiz seal/open include walking, hashing and tarring the SC3 dir, the"
echo "  staged write with fsync and, for open, extraction, fsync and the swap."
