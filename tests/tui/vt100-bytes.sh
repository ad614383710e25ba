#!/bin/sh
# The serial console's bill: the bytes of the wizard's first screen (the
# 8-item main menu) under TERM=vt100 LC_ALL=C at 80x24 stay within a fixed
# budget, 856 B, what `whiptail --menu` sends for the same menu (issue 17;
# at 9600 baud every 100 B is ~0.1 s).  Byte counts are deterministic
# (ncurses' output for one terminal description and size), so this is a
# test; the time to the frame is a bench (make bench BENCH=tui).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
BUDGET=856
"$PY" -c 'import pty' 2>/dev/null || skip "no $PY"
infocmp vt100 >/dev/null 2>&1 || skip "no vt100 terminfo entry"
write_conf
# Enter is never pressed; keep the check on loopback all the same.
printf '[network]\nendpoints = 127.0.0.1:9\n' >> "$T/certwiz.conf"
# A long quiet time: a loaded machine may pause inside the frame.
TERM=vt100 LC_ALL=C "$PY" "$top_srcdir/tests/bench/ptyrec.py" --first-only \
	--quiet 1500 --dump "$T/frame.bin" -- "$CERTWIZ" --config "$T/certwiz.conf" \
	> "$T/rec.json" || fail "ptyrec.py failed"
n=$(wc -c < "$T/frame.bin")
# The whole frame, not a cut one: the last item, the hint, the key line
# and the cursor parked on the first item after them.
for s in "q  Quit" "Checks that the enrollment service" "F1: help"; do
	LC_ALL=C grep -qF "$s" "$T/frame.bin" || fail "first frame incomplete: no '$s'"
done
[ "$n" -le "$BUDGET" ] || {
	"$PY" -c 'import sys; print(repr(open(sys.argv[1], "rb").read()))' "$T/frame.bin" >&2
	fail "vt100 first screen is $n B, over the $BUDGET B budget (whiptail's)"
}
pass "vt100 first screen: $n B <= $BUDGET B"
