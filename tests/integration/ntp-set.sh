#!/bin/sh
# `certwiz ntp set`: validation before anything is touched, the files and
# their modes, the reload command, the restore when the reload fails, the
# lock, and keys that never reach output, log or a world-readable file.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
RELOAD_OK="echo reloaded >> $T/reloads"
# iniparser takes ';' for a comment: the failing reload is a script.
printf 'echo reloaded >> %s/reloads\necho "chronyc: daemon refused" >&2\nexit 3\n' "$T" > "$T/reload-bad.sh"
RELOAD_BAD="sh $T/reload-bad.sh"
ntp_conf "$PORT" "$RELOAD_OK"
key_file md5.key 'ASCII:LabMD5Key-0001'
key_file sha1.key 'HEX:4c61622053484131206b65792030303032212121'
CONF=$T/chrony/conf.d/certwiz.conf
KEYS=$T/chrony/certwiz.keys
mode_of() { stat -c %a "$1"; }
reloads() { [ -f "$T/reloads" ] && wc -l < "$T/reloads" | tr -d ' ' || echo 0; }

# ---- nothing configured yet
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp show
expect_out "has not configured NTP yet"
cw_json 0 ntp show --json
jexpect 'd["configured"]' False
jexpect 'd["servers"]' '[]'
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" ntp test
expect_out "ntp set --primary"
expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" ntp frob
expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" ntp show --bogus
pass "show and test before anything was set"

# ---- bad values: exit 2, nothing written, nothing run
bad() {
	expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" ntp set "$@"
	[ ! -e "$CONF" ] && [ ! -e "$KEYS" ] || fail "'ntp set $*' wrote files"
	[ "$(reloads)" = 0 ] || fail "'ntp set $*' ran the reload command"
}
bad --primary 127.0.0.1 --primary-key 0:md5:"$T/md5.key"
expect_out "out of range"
bad --primary 127.0.0.1 --primary-key 65535:md5:"$T/md5.key"
bad --primary 127.0.0.1 --primary-key abc:md5:"$T/md5.key"
expect_out "not a number"
bad --primary 127.0.0.1 --primary-key 1:sha256:"$T/md5.key"
expect_out "choose MD5 or SHA1"
bad --primary 127.0.0.1 --primary-key 1:md5
bad --primary ''
bad --secondary 127.0.0.1
bad --primary 'ntp..example.com'
expect_out "not a valid hostname"
bad --primary '-ntp.example.com'
bad --primary '300.1.2.3'
expect_out "not a valid IPv4"
bad --primary '2001:db8::zz'
bad --primary 127.0.0.1 --secondary 127.0.0.1
bad --primary 127.0.0.1 --secondary-key 1:md5:"$T/md5.key"
key_file long.key 'ASCII:ThisKeyIsLongerThanTwenty'
bad --primary 127.0.0.1 --primary-key 1:md5:"$T/long.key"
expect_out "too long"
key_file longhex.key 'HEX:4c61622053484131206b6579203030303221212122'
bad --primary 127.0.0.1 --primary-key 1:md5:"$T/longhex.key"
key_file badhex.key 'HEX:4c6g'
bad --primary 127.0.0.1 --primary-key 1:md5:"$T/badhex.key"
key_file shared.key 'ASCII:LabMD5Key-0001'
chmod 644 "$T/shared.key"
bad --primary 127.0.0.1 --primary-key 1:md5:"$T/shared.key"
expect_out "readable by other users"
bad --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key" \
	--secondary ::1 --secondary-key 1:sha1:"$T/sha1.key"
pass "bad values are refused before anything is written or run"

# ---- a good set: files, modes, reload, read back
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 \
	--primary-key 1:md5:"$T/md5.key" --secondary localhost --secondary-key 2:sha1:"$T/sha1.key"
[ "$(mode_of "$KEYS")" = 600 ] || fail "keys file mode $(mode_of "$KEYS")"
[ "$(mode_of "$CONF")" = 644 ] || fail "snippet mode $(mode_of "$CONF")"
grep -qx "server 127.0.0.1 port $PORT key 1 iburst" "$CONF" || { cat "$CONF"; fail "primary line"; }
grep -qx "server localhost port $PORT key 2 iburst" "$CONF" || { cat "$CONF"; fail "secondary line"; }
grep -qx "keyfile $KEYS" "$CONF" || fail "keyfile line"
grep -qx "1 MD5 HEX:4c61624d44354b65792d30303031" "$KEYS" || { cat "$KEYS"; fail "MD5 key line"; }
grep -qx "2 SHA1 HEX:4c61622053484131206b65792030303032212121" "$KEYS" || fail "SHA1 key line"
[ "$(reloads)" = 1 ] || fail "reload ran $(reloads) times"
pass "ntp set writes the snippet (0644) and the keys (0600) and reloads"

# chronyd itself accepts the files certwiz wrote (a second instance
# started on them, checked with -p: parse and exit).
if /usr/sbin/chronyd -p -f "$CONF" >"$T/parse" 2>&1; then
	grep -q "server 127.0.0.1" "$T/parse" || { cat "$T/parse"; fail "chronyd -p lost the server line"; }
	pass "chronyd parses the snippet"
fi

cw_json 0 ntp show --json
jexpect 'd["configured"]' True
jexpect '[s["host"] for s in d["servers"]]' "['127.0.0.1', 'localhost']"
jexpect '[s.get("key_id") for s in d["servers"]]' '[1, 2]'
jexpect '[s.get("algorithm") for s in d["servers"]]' "['MD5', 'SHA1']"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp show
expect_out 'primary +127.0.0.1 +symmetric key, key ID 1, MD5'
pass "ntp show reads back what set wrote"

# ---- keys appear nowhere but in the keys file
for f in "$T/out" "$T/json" "$T/err" "$T/log/ntp.log" "$CONF"; do
	if grep -Eq 'LabMD5Key|Lab SHA1|4c61624d44354b|4c616220534841' "$f"; then
		fail "a key leaked into $f"
	fi
done
pass "keys appear in no output, log or snippet"

# ---- the key from standard input
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 \
	--primary-key 1:md5:- < "$T/md5.key"
grep -qx "1 MD5 HEX:4c61624d44354b65792d30303031" "$KEYS" || fail "key from stdin"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 \
	--primary-key 1:md5:"$T/md5.key" --secondary localhost --secondary-key 2:sha1:"$T/sha1.key"
pass "the key can come from standard input"

# ---- a failed reload restores the previous files
cp "$CONF" "$T/conf.before"
cp "$KEYS" "$T/keys.before"
ntp_conf "$PORT" "$RELOAD_BAD"
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
expect_out "exit code 3"
expect_out "daemon refused"
expect_out "previous NTP configuration was restored"
cmp -s "$CONF" "$T/conf.before" || fail "snippet not restored"
cmp -s "$KEYS" "$T/keys.before" || fail "keys not restored"
[ "$(mode_of "$KEYS")" = 600 ] || fail "restored keys file mode $(mode_of "$KEYS")"
[ ! -e "$CONF.prev" ] || fail "a .prev was left after the restore"
pass "failed reload restores the previous files and says so"

# Without a previous version the restore removes what it wrote.
rm -f "$CONF" "$KEYS"
expect_rc 11 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
[ ! -e "$CONF" ] && [ ! -e "$KEYS" ] || fail "files of a failed first set were left"
pass "failed first reload leaves no files"

# ---- a good set keeps the replaced version as .prev
ntp_conf "$PORT" "$RELOAD_OK"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 --primary-key 1:md5:"$T/md5.key"
grep -q "key 1" "$CONF" || fail "new snippet"
[ -f "$CONF.prev" ] && ! grep -q "key 1" "$CONF.prev" || fail "previous snippet not kept"
[ "$(mode_of "$KEYS.prev")" = 600 ] || fail ".prev keys file mode"
pass "the replaced files are kept as .prev"

# ---- port 123 is not written
ntp_conf 123 "$RELOAD_OK"
# (Whether something answers on 123 here does not matter: the file does.)
"$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 >"$T/out" 2>&1 || true
grep -qx "server 127.0.0.1 iburst" "$CONF" || { cat "$CONF"; fail "port 123 written"; }
pass "the default port is left out"

# ---- the lock
ntp_conf "$PORT" "$RELOAD_OK"
mkdir -p "$T/state"
"$PYTHON3" -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close(); time.sleep(60)' "$T/state/certwiz.lock" "$T/locked" &
LOCKER=$!
CW_PIDS="$CW_PIDS $LOCKER"
while [ ! -f "$T/locked" ]; do sleep 0.1; done
n=$(reloads)
expect_rc 5 "$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1
[ "$(reloads)" = "$n" ] || fail "reload ran without the lock"
kill "$LOCKER"
pass "ntp set takes the state lock"
