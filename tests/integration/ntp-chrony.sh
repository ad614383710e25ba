#!/bin/sh
# ntp-chrony.sh - certwiz with its DEFAULT [ntp] paths against Debian's own
# chronyd running the machine's stock /etc/chrony (copied into a private
# mount namespace: /etc/chrony, /run/chrony and /var/lib/chrony are private
# copies, the machine's files are not touched; chronyd -x never touches the
# clock).  The NTP server is the lab chronyd on 127.0.0.1 at a high port,
# serving with keys.  What chronyd uses is what chronyc says:
#  - after `ntp set`, `chronyc sources` lists the server, `chronyc
#    authdata` shows key ID 2 with SHA1, Reach > 0; chrony.keys keeps its
#    stock lines, owner root:_chrony and mode 0640;
#  - `ntp show --json` reports the daemon's view (selected, reach,
#    authenticated);
#  - a wrong key: chronyd gets no valid answer, `ntp set` fails with the
#    daemon's words, and the previous files are back and in use.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_private_ns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

lab_system_chrony_dirs
STOCK_KEYS=$T/stock.keys
cp /etc/chrony/chrony.keys "$STOCK_KEYS" 2>/dev/null || : > "$STOCK_KEYS"

PORT=$(lab_free_port)
lab_chronyd "$T/lab" "$PORT"
lab_system_chronyd

system_ntp_conf "$PORT"
cw() { "$CERTWIZ" --config "$T/certwiz.conf" "$@"; }
key_file sha1.key 4c61622053484131206b65792030303032212121
key_file wrong.key 0000000000000000000000000000000000000001
SOURCES=/etc/chrony/sources.d/certwiz.sources
KEYS=/etc/chrony/chrony.keys
CW_TEST_SECRETS="4c61622053484131206b65792030303032212121"

# ---- nothing configured: show says so, from the default paths
expect_rc 0 cw ntp show
expect_out "has not configured NTP yet \('$SOURCES'"

# ---- set: the SHA1 key as 40 bare hex digits, default paths
expect_rc 0 cw ntp set --primary 127.0.0.1 --primary-key "2:sha1:$T/sha1.key"
expect_out "the time daemon \(chrony\) uses the servers"
expect_out "The time is proven"
grep -q "^server 127.0.0.1 port $PORT key 2 iburst" "$SOURCES" || { cat "$SOURCES" >&2; fail "no server line in $SOURCES"; }
[ "$(stat -c '%U:%G %a' "$KEYS")" = "root:_chrony 640" ] ||
	fail "chrony.keys is $(stat -c '%U:%G %a' "$KEYS"), want root:_chrony 640"
# Every stock line kept, in order, before certwiz's block.
head -n "$(wc -l < "$STOCK_KEYS")" "$KEYS" | cmp -s - "$STOCK_KEYS" || fail "the stock lines of chrony.keys changed"
grep -q "^2 SHA1 HEX:4c61622053484131206b65792030303032212121$" "$KEYS" || fail "key 2 not in chrony.keys"
pass "ntp set wrote the sourcedir file and chrony's own keyfile (owner, mode and stock lines kept)"

chronyc -n sources > "$T/sources"
grep -Eq "^\^. 127\.0\.0\.1 " "$T/sources" || { cat "$T/sources" >&2; fail "chronyc sources does not list 127.0.0.1"; }
chronyc -n authdata > "$T/authdata"
grep -Eq "^127\.0\.0\.1 +SK +2 +2 +160 " "$T/authdata" ||
	{ cat "$T/authdata" >&2; fail "chronyc authdata does not show key 2 (type 2 = SHA1, 160 bits)"; }
reach=$(chronyc -n -c sources | awk -F, '$3 == "127.0.0.1" { print $6 }')
[ -n "$reach" ] && [ "$reach" != 0 ] || fail "Reach is '$reach'"
chronyc -n ntpdata 127.0.0.1 | grep -Eq "^Authenticated +: Yes" || fail "chronyc ntpdata: not authenticated"
pass "chronyc: sources lists 127.0.0.1, authdata shows key 2 SHA1, Reach $reach, authenticated"

cw_json 0 ntp show --json
jexpect 'd["daemon"]' chrony
jexpect 'd["conf_file"]' "$SOURCES"
jexpect 'd["keys_file"]' "$KEYS"
jexpect 'd["servers"][0]["daemon"]["listed"]' True
jexpect 'd["servers"][0]["daemon"]["key_id"]' 2
jexpect 'd["servers"][0]["daemon"]["key_type"]' SHA1
jexpect 'd["servers"][0]["daemon"]["authenticated"]' True
jexpect 'd["servers"][0]["daemon"]["reach"] > 0' True
expect_rc 0 cw ntp show
expect_out "chrony: 127\.0\.0\.1, .*reach [0-7]+, authenticated: yes"
expect_rc 0 cw ntp test
pass "ntp show reports what chronyd reports"

# The wizard's status screen shows chronyd's view too.
if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/tui/tmux.sh"
	tui_start "TERM=xterm-256color '$CERTWIZ' --config '$T/certwiz.conf'"
	tui_wait "Main menu"
	tui_keys s
	tui_wait "NTP:"
	i=0
	until tui_screen | tr '\n' ' ' | tr -s ' x' ' ' |
	      grep -Eq "chrony: (selected|not selected), reach [0-7]+, authenticated: yes"; do
		i=$((i + 1)); [ $i -lt 50 ] || { tui_screen >&2; fail "the status screen lacks chronyd's view"; }
		sleep 0.1
	done
	tui_keys Escape
	tui_wait "Main menu"
	tui_keys q
	pass "the status screen shows what chronyd reports"
fi

# ---- a wrong key: chronyd gets no valid answer; the previous files are back
cp "$SOURCES" "$T/good.sources"
cp "$KEYS" "$T/good.keys"
expect_rc 9 cw ntp set --primary 127.0.0.1 --primary-key "2:sha1:$T/wrong.key"
expect_out "the time daemon \(chrony\) has had no valid answer from the primary NTP server '127\.0\.0\.1'"
cat "$T/out"
expect_out "previous NTP configuration was restored"
cmp -s "$SOURCES" "$T/good.sources" || fail "the sources file was not restored"
cmp -s "$KEYS" "$T/good.keys" || fail "chrony.keys was not restored"
[ "$(stat -c '%U:%G %a' "$KEYS")" = "root:_chrony 640" ] || fail "restored chrony.keys lost its owner or mode"
# chronyd runs the restored key again: a fresh valid answer with key 2.
chronyc -n authdata | grep -Eq "^127\.0\.0\.1 +SK +2 +2 " || fail "authdata after the restore"
expect_rc 0 cw ntp test
grep -q "ntp set" "$T/log/ntp.log" 2>/dev/null || true
grep -q "previous NTP files restored" "$T/log/ntp.log" || fail "the log does not say the files were restored"
pass "a wrong key: ntp set failed with chronyd's view, previous configuration back and in use"

# ---- a foreign key ID is never overwritten
printf '7 MD5 ASCII:AdminsOwnKey\n' >> "$KEYS"
key_file md5.key 'ASCII:LabMD5Key-0001'
cp "$KEYS" "$T/before.keys"
expect_rc 3 cw ntp set --primary 127.0.0.1 --primary-key "7:md5:$T/md5.key"
expect_out "key ID 7 is already in '$KEYS'"
cmp -s "$KEYS" "$T/before.keys" || fail "chrony.keys changed"
pass "a key ID that is not certwiz's is refused, nothing changed"

# ---- the old defaults are refused: chronyd would never read them
cp "$T/certwiz.conf" "$T/old.conf"
printf 'conf_file = /etc/chrony/conf.d/certwiz.conf\n' >> "$T/old.conf"
expect_rc 3 "$CERTWIZ" --config "$T/old.conf" ntp set --primary 127.0.0.1
expect_out "chronyd does not re-read '/etc/chrony/conf.d/certwiz.conf' at run time"
[ ! -e /etc/chrony/conf.d/certwiz.conf ] || fail "a conf.d snippet was written"
cp "$T/certwiz.conf" "$T/old.conf"
printf 'keys_file = /etc/chrony/certwiz.keys\n' >> "$T/old.conf"
expect_rc 3 "$CERTWIZ" --config "$T/old.conf" ntp set --primary 127.0.0.1 --primary-key "2:sha1:$T/sha1.key"
expect_out "chronyd takes its keys from '/etc/chrony/chrony.keys'"
[ ! -e /etc/chrony/certwiz.keys ] || fail "a keys file chronyd does not read was written"
pass "a snippet chronyd does not re-read, or keys it does not use, are refused"
