#!/bin/sh
# A terminal that disappears without a SIGHUP reaching us (reads fail at
# once): the UI quits as on SIGHUP instead of spinning on the dead tty.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

got=$("${PYTHON3:-/usr/bin/python3}" "$top_srcdir/tests/tui/hangup.py" "$top_builddir/tests/tui/uidemo")
[ "$got" = 130 ] || fail "after the terminal went away: $got, want exit 130"
pass "a vanished terminal ends the UI"
