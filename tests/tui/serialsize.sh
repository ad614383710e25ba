#!/bin/sh
# A serial console has no kernel window size (TIOCGWINSZ says 0x0): the
# size comes from a cursor position query, else it is taken as 80x24.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
DEMO="$top_builddir/tests/tui/uidemo"
S="$top_srcdir/tests/tui/serialsize.py"

# A 40-column box: centred at column 41 on 120 columns, 21 on 80.
col=$("$PY" "$S" "$DEMO" "40;120")
[ "$col" = 41 ] || fail "answered 40x120: box at column $col, want 41"
pass "size from the cursor position query"

col=$("$PY" "$S" "$DEMO" "")
[ "$col" = 21 ] || fail "no answer: box at column $col, want 21"
pass "no answer: 80x24"
