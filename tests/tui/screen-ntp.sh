#!/bin/sh
# The Configure NTP screen against a real chronyd (tests/lab/chronyd.sh):
# inline errors (empty primary; the backend's validators for key ID 0 and
# 65535), then a valid form is applied and the probe result (offset,
# stratum) shown; the masked key is in no pane history and no byte written
# to the terminal, only in the keys file (0600).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"
. "$top_srcdir/tests/tui/tmux.sh"

PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
ntp_conf "$PORT" "echo reloaded >> $T/reloads"
KEY=LabMD5Key-0001

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys n
tui_wait "Primary NTP server"
tui_keys Enter
tui_wait "A value is required here"
pass "an empty primary server is refused inline"
tui_text "127.0.0.1"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys s				# Symmetric Key
tui_wait "SHA1"
tui_keys m				# MD5
tui_wait "Key ID \\(1-65534\\)"
tui_text "65535"
tui_keys Tab
tui_wait "key ID '65535' is out of range"
tui_keys C-u
tui_text "0"
tui_keys Tab
tui_wait "key ID '0' is out of range"
tui_keys C-u
tui_text "1"
tui_keys Tab
# The message goes once the key reaches the form (not at once).
n=0
while tui_screen | grep -q "out of range"; do
	n=$((n + 1)); [ $n -lt 150 ] || fail "a valid key ID kept the error"
	sleep 0.1
done
pass "key IDs 0 and 65535 are refused inline, 1 accepted"
tui_text "$KEY"
tui_wait "\\[\\*{14} *\\]"
tui_keys Enter
tui_wait "enrollment may proceed" 30
tui_wait "Offset: +[-+][0-9]+\\.[0-9]+ ms"
tui_wait "Stratum: +[0-9]+"
tui_wait "Reference ID: +[0-9.]+"
pass "the settings are applied and the authenticated probe shown"

grep -qx "server 127.0.0.1 port $PORT key 1 iburst" "$T/chrony/conf.d/certwiz.conf" ||
	fail "snippet not written"
grep -qx "1 MD5 HEX:4c61624d44354b65792d30303031" "$T/chrony/certwiz.keys" || fail "key not written"
[ "$(stat -c %a "$T/chrony/certwiz.keys")" = 600 ] || fail "keys file mode"
[ -s "$T/reloads" ] || fail "reload command not run"
pass "snippet and keys file written, daemon reloaded"

tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
tui_history | grep -qF -- "$KEY" && fail "the key is in the pane history"
grep -qF -- "$KEY" "$T/pane.raw" && fail "the key was written to the terminal"
grep -rqF -- "$KEY" "$T/log" "$T/state" 2>/dev/null && fail "the key is in a log or the journal"
pass "the key appears nowhere but in the keys file"

# TERM=vt100: pre-filled from what is configured; a wrong key is applied
# but the time is not proven, and the screen says so.
tui_start "TERM=vt100 '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys n
tui_wait "Primary NTP server +\\[127\\.0\\.0\\.1"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys Enter				# the preselected Symmetric Key
tui_wait "SHA1"
tui_keys Enter				# the preselected MD5
tui_wait "Key ID \\(1-65534\\) +\\[1 "
tui_keys Tab
tui_text "WrongKey-0001"
tui_keys Enter
tui_wait "NOT proven" 30
pass "pre-filled form; a wrong key is reported (TERM=vt100)"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
