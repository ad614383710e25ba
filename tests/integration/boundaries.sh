#!/bin/sh
# House rules that a grep can keep: the backend never includes curses, the
# UI never does I/O itself.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

cd "$top_srcdir"
if grep -nE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|form|menu|panel)' $(find src -name '*.[ch]'); then
	fail "src/ includes curses"
fi
pass "src/ has no curses"

if grep -nE '\b(open|fopen|openat|creat|socket|connect|curl_[a-z_]+|libssh2_[a-z_]+|SSL_[A-Za-z_]+|rename|unlink)[[:space:]]*\(' ui/*.c ui/*.h; then
	fail "ui/ does I/O itself"
fi
pass "ui/ does no I/O"
