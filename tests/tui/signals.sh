#!/bin/sh
# Signals: SIGTERM and SIGHUP (dropped SSH) and Ctrl-C restore the
# terminal and exit 128+signal; while work is in progress Ctrl-C and the
# Cancel key ask first, a "no" lets the work go on, and a resize does not
# disturb it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

write_conf
# The terminal modes after the program: canonical input and echo again.
AFTER="stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo MODES"

for sig in TERM HUP; do
	case $sig in TERM) code=143 ;; HUP) code=129 ;; esac
	tui_start "sh -c 'echo \$\$ > \"$T/pid\"; exec \"$CERTWIZ\" --config \"$T/certwiz.conf\"'; echo EXIT=\$?; $AFTER"
	tui_wait "Main menu"
	kill -$sig "$(cat "$T/pid")"
	tui_wait "EXIT=$code"
	tui_wait "icanon echo MODES"
	tui_gone "Main menu"
	pass "SIG$sig: exit $code, terminal restored"
done

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'; echo EXIT=\$?; $AFTER"
tui_wait "Main menu"
tui_keys C-c
tui_wait "EXIT=130"
tui_wait "icanon echo MODES"
pass "Ctrl-C when idle: exit 130, terminal restored"

# Work in progress: the gauge of a four-step job.
tui_start "UIDEMO_OUT='$T/g1' '$DEMO' gauge"
tui_wait "Step [12] of 4"
tui_keys c
tui_wait "Stop after the current step"
tui_keys y
tui_wait "EXIT="
grep -q "cancelled=1" "$T/g1" || { cat "$T/g1" >&2; fail "Cancel did not reach the job"; }
grep -q "step=4" "$T/g1" && fail "the job ran to the end despite Cancel"
pass "Cancel key asks, then stops the job"

tui_start "UIDEMO_OUT='$T/g2' '$DEMO' gauge"
tui_wait "Step [12] of 4"
tui_keys C-c
tui_wait "Stop after the current step"
tui_keys n
tui_wait "Step [34] of 4"
tui_resize 100 30
tui_resize 80 24
tui_wait "EXIT=0"
grep -q "cancelled=0 step=4" "$T/g2" || { cat "$T/g2" >&2; fail "job did not finish"; }
pass "Ctrl-C while busy asks; 'no' and resizes let the job finish"

tui_start "sh -c 'echo \$\$ > \"$T/pid\"; UIDEMO_OUT=\"$T/g3\" exec \"$DEMO\" gauge'; echo EXIT=\$?; $AFTER"
tui_wait "Step [12] of 4"
kill -TERM "$(cat "$T/pid")"
tui_wait "icanon echo MODES"
grep -q "cancelled=1" "$T/g3" || { cat "$T/g3" >&2; fail "SIGTERM did not stop the job"; }
grep -q "quit=15" "$T/g3" || fail "SIGTERM not reported"
pass "SIGTERM during work stops it between steps, terminal restored"
