#!/bin/sh
# The NTP screen in a real terminal against the lab chronyd: inline
# validation, Symmetric Key with SHA1, apply with the result box; opened
# again it is prefilled and an empty key keeps the current key; a wrong key
# ends in "NOT proven".
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"
. "$top_srcdir/tests/tui/tmux.sh"

PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
ntp_conf "$PORT" "echo reloaded >> $T/reloads"
KEYS=$T/chrony/certwiz.keys

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys n
tui_wait "Primary NTP server"
tui_text "ntp..bad"
tui_keys Tab
tui_wait "'ntp..bad' is not a valid hostname"
tui_keys C-u
pass "a bad hostname is refused inline"
for i in 1 2 3 4 5 6 7 8; do tui_keys BSpace; done
tui_text "127.0.0.1"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys s				# Symmetric Key
tui_wait "SHA1"
tui_keys s				# SHA1
tui_wait "Key ID \\(1-65534\\)"
tui_text "0"
tui_keys Tab
tui_wait "key ID '0' is out of range"
pass "key ID 0 is refused inline"
tui_keys BSpace
tui_text "2"
tui_keys Tab
tui_text "HEX:4c61622053484131206b65792030303032212121"
tui_keys Enter
tui_wait "The time is proven: enrollment may proceed"
tui_wait "Authenticated: +yes"
tui_gone "4c616220"
[ "$(stat -c %a "$KEYS")" = 600 ] || fail "keys file mode"
grep -qx "2 SHA1 HEX:4c61622053484131206b65792030303032212121" "$KEYS" || fail "key not written"
pass "Symmetric Key SHA1 applied and proven"

# The same settings from the CLI (another state dir) journal the same
# records and facts as the wizard's run.
sed -e "s|^state_dir = .*|state_dir = $T/c/state|" -e "s|^reload_command = .*|reload_command = true|" \
    "$T/certwiz.conf" > "$T/c.conf"
printf 'HEX:4c61622053484131206b65792030303032212121\n' > "$T/k2"; chmod 600 "$T/k2"
expect_rc 0 "$CERTWIZ" --config "$T/c.conf" ntp set --primary 127.0.0.1 --primary-key "2:sha1:$T/k2"
vary='^(inputs|in\.request|f\..*_offset_ms)$'
journal_facts "$(ls "$T"/state/journal/done/ntp-*.journal)" "$vary" > "$T/ntp.tui"
journal_facts "$(ls "$T"/c/state/journal/done/ntp-*.journal)" "$vary" > "$T/ntp.cli"
grep -q "in.primary=127.0.0.1" "$T/ntp.tui" || { cat "$T/ntp.tui" >&2; fail "no primary in the wizard's journal"; }
diff "$T/ntp.tui" "$T/ntp.cli" || fail "the CLI and the wizard journal other facts for the same NTP settings"
pass "the CLI and the wizard journal the same facts for the same NTP settings"
tui_keys Enter
tui_wait "Main menu"

# Again: prefilled, and an empty key keeps the current one.
tui_keys n
tui_wait "Primary NTP server +\\[127\\.0\\.0\\.1"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys Enter				# the preselected Symmetric Key
tui_wait "SHA1"
tui_keys Enter
tui_wait "empty to keep the current key"
tui_keys Enter Enter
tui_wait "The time is proven: enrollment may proceed"
[ "$(wc -l < "$T/reloads")" = 2 ] || fail "second apply did not reload"
grep -qx "2 SHA1 HEX:4c61622053484131206b65792030303032212121" "$KEYS" || fail "kept key lost"
pass "prefilled form, empty key keeps the current key"
tui_keys Enter
tui_wait "Main menu"

# Only the server changes (a new address for the same server): the empty
# key keeps the key certwiz has for that key ID.
if grep -q '^0*1 ' /proc/net/if_inet6 2>/dev/null; then
	tui_keys n
	tui_wait "Primary NTP server +\\[127\\.0\\.0\\.1"
	tui_keys C-u
	for i in 1 2 3 4 5 6 7 8 9; do tui_keys BSpace; done
	tui_text "::1"
	tui_keys Enter Enter
	tui_wait "Authentication: primary"
	tui_keys Enter
	tui_wait "SHA1"
	tui_keys Enter
	tui_wait "empty to keep the current key"
	tui_keys Enter Enter
	tui_wait "The time is proven: enrollment may proceed"
	tui_wait "Authenticated: +yes"
	grep -q "server ::1" "$T/chrony/conf.d/certwiz.conf" || fail "the new server address was not written"
	grep -qx "2 SHA1 HEX:4c61622053484131206b65792030303032212121" "$KEYS" || fail "the key was lost when only the server changed"
	pass "a new server address keeps the key"
	tui_keys Enter
	tui_wait "Main menu"
fi

# A wrong key: applied, but the time is not proven.
tui_keys n
tui_wait "Primary NTP server"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys Enter
tui_wait "SHA1"
tui_keys Enter
tui_wait "empty to keep"
tui_keys Tab
tui_text "NotTheKey"
tui_keys Enter
tui_wait "The time is NOT proven" 20
tui_wait "key ID 2"
pass "a wrong key is reported in the result"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
