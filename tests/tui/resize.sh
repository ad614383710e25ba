#!/bin/sh
# Resize 80x24 -> 100x30 -> 80x24 keeps what was typed and re-centres the
# box; below 80x24 a clear "too small" note replaces it, and the typed
# text is still there when the terminal grows back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

tui_start "UIDEMO_OUT='$T/out' '$DEMO' form"
tui_wait "Server \\["
tui_text "ntp1.example.org"
tui_keys Tab
tui_text "123"
col80=$(tui_col "Server [")

tui_resize 100 30
col100=$(tui_wait_col "Server [" "$col80")
[ "$col100" -gt "$col80" ] || fail "box not re-centred at 100 columns ($col80 -> $col100)"
tui_wait "Server \\[ntp1.example.org"
tui_wait "Key ID \\[123"
pass "100x30: typed input kept, box re-centred"

tui_resize 80 24
col=$(tui_wait_col "Server [" "$col100")
tui_wait "Server \\[ntp1.example.org"
tui_wait "Key ID \\[123"
[ "$col" = "$col80" ] || fail "box not back in place ($col80 -> $col)"
pass "back to 80x24: input kept"

tui_resize 60 20
tui_wait "too small"
tui_gone "Server \\["
tui_resize 80 24
tui_wait "Server \\[ntp1.example.org"
pass "too small terminal: a note, then the form again with its input"

# typing goes on where it was
tui_text "4"
tui_keys Enter
tui_text "k"
tui_keys Enter Enter
tui_wait "EXIT=0"
grep -qx "keyid=1234" "$T/out" || { cat "$T/out" >&2; fail "typing after resize lost"; }
grep -qx "host=ntp1.example.org" "$T/out" || fail "host lost"
pass "input after the resizes delivered"
