#!/bin/sh
# Masked input: the secret never reaches the terminal in clear - not on the
# screen, not in the pane history, not in any byte written - typed or
# pasted; it still arrives intact.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

SECRET="S3cr3t-OTP-4711"
tui_start "UIDEMO_OUT='$T/out' UIDEMO_EXPECT='${SECRET}xyz' '$DEMO' password"
tui_wait "one-time password"
tui_text "S3cr3t"
# The rest is pasted, as an admin does from the support portal.
tmx set-buffer -b otp -- "-OTP-4711"
tmx paste-buffer -b otp -t t -d
tui_text "xyz"
tui_wait "\\[\\*{18} *\\]"
pass "18 characters show as 18 '*'"

for part in "$SECRET" "S3cr3t" "OTP-4711" "xyz"; do
	tui_history | grep -qF -- "$part" && fail "'$part' in the pane history"
	grep -qF -- "$part" "$T/pane.raw" && fail "'$part' written to the terminal"
done
pass "no part of the secret on screen, in history or in the output bytes"

tui_keys Enter
tui_wait "EXIT=0"
grep -qx "match=1" "$T/out" || { cat "$T/out" >&2; fail "secret not delivered intact"; }
grep -qx "len=18" "$T/out" || fail "secret length"
tui_history | grep -qF -- "OTP" && fail "secret in history after exit"
pass "the secret arrives intact"
