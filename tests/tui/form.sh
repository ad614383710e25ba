#!/bin/sh
# A form: the validation error is shown inline under its field, the focus
# stays on the invalid field, and the values reach the caller on OK.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

tui_start "UIDEMO_OUT='$T/out' UIDEMO_EXPECT=k3y '$DEMO' form"
tui_wait "Server \\["
tui_text "ntp.example.org"
tui_keys Tab
tui_text "99999"
tui_keys Tab
tui_wait "Key ID must be a number from 1 to 65534"
# The message is on the line right under the Key ID field.
tui_screen | grep -A1 "Key ID \\[99999" | tail -1 | grep -q "must be a number" ||
	fail "the error is not under its field"
pass "invalid Key ID shows its message inline"

tui_text "x"
tui_wait "Key ID \\[99999x"
pass "the focus stays on the invalid field"

tui_keys BSpace BSpace BSpace BSpace BSpace BSpace
tui_text "42"
tui_keys Tab
tui_wait "Key    \\[ *\\]"
tui_gone "must be a number"
tui_text "k3y"
tui_keys Enter
tui_keys Enter
tui_wait "EXIT=0"
grep -qx "form rc=0" "$T/out" || { cat "$T/out" >&2; fail "form not OK"; }
grep -qx "host=ntp.example.org" "$T/out" || fail "host lost"
grep -qx "keyid=42" "$T/out" || fail "key id lost"
grep -qx "keymatch=1" "$T/out" || fail "masked key not delivered"
pass "values delivered on OK"

# An empty required field blocks OK with an inline message; Esc goes back.
tui_stop
tui_start "UIDEMO_OUT='$T/out2' '$DEMO' form"
tui_wait "Server \\["
tui_keys Enter
tui_wait "A value is required here"
tui_keys Escape
tui_wait "EXIT=0"
grep -qx "form rc=2" "$T/out2" || { cat "$T/out2" >&2; fail "Esc is not back"; }
pass "required field enforced, Esc returns back"
