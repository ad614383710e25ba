#!/bin/sh
# TERM=dumb (or unset): no curses, plain numbered prompts line by line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

write_conf
for term in dumb ""; do
	tui_start "TERM='$term' '$CERTWIZ' --config '$T/certwiz.conf'"
	tui_wait "1\\) Check prerequisites"
	tui_wait "8\\) Quit"
	LC_ALL=C grep -q "$(printf '\033')" "$T/pane.raw" && fail "escape sequences sent to TERM='$term'"
	tui_text "3"
	tui_keys Enter
	tui_wait "Generate the one-time password"
	tui_text "n"
	tui_keys Enter
	tui_text "8"
	tui_keys Enter
	tui_wait "EXIT=0"
	pass "TERM='$term': plain menu"
done

tui_start "TERM=dumb UIDEMO_OUT='$T/p' UIDEMO_EXPECT=hunter2 '$DEMO' password"
tui_wait "Value:"
tui_text "hunter2"
tui_keys Enter
tui_wait "EXIT=0"
tui_history | grep -q hunter2 && fail "plain mode echoed the secret"
grep -qx "match=1" "$T/p" || fail "plain secret not delivered"
pass "plain masked input does not echo"

# SIGTERM while plain mode waits for a line: it quits at once.
tui_start "sh -c 'echo \$\$ > \"$T/pid\"; TERM=dumb exec \"$CERTWIZ\" --config \"$T/certwiz.conf\"'; echo EXIT=\$?"
tui_wait "8\\) Quit"
kill -TERM "$(cat "$T/pid")"
tui_wait "EXIT=143"
pass "plain mode: SIGTERM ends the wait for input"
