#!/bin/sh
# SC3 backup and restore end to end over SCP, against a real OpenSSH sshd on
# 127.0.0.1 (tests/lab/sshd.sh, stopped by PID): unknown host key refused in
# batch mode, accepted with --accept-host-key; backup uploads, reads the copy
# back and logs "SC3 Backup success"; a dry run leaves nothing remotely;
# restore into a second unit gives the same files with the same modes,
# logs "SC3 certs has been restored!" / "Restored SC3 CA" and runs the
# restart command; a wrong master key changes nothing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/integration/scp-lib.sh"

tree() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
	if [ -d "$f" ]; then echo "$(stat -c %a "$f") dir $f"
	else echo "$(stat -c '%a %s' "$f") $(sha256sum < "$f" | cut -c1-64) $f"; fi; done
	stat -c '%a root' .); }
unit() { sc3_unit "$1" "known_hosts = $KH" "restart_command = echo restarted > $1/restarted"; }	# unit DIR
printf 'scp-test-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
printf 'not-the-key\n' > "$T/bad"; chmod 600 "$T/bad"
unit "$T/old"; unit "$T/new"
mkdir -p "$T/old/sc3/ca" "$T/old/sc3/phosphorus" "$T/new/sc3" "$T/remote"
printf 'CA\n' > "$T/old/sc3/ca/ca.pem"
printf 'key\n' > "$T/old/sc3/ca/ca.key"; chmod 600 "$T/old/sc3/ca/ca.key"
head -c 300000 /dev/urandom > "$T/old/sc3/phosphorus/p.bin"; chmod 640 "$T/old/sc3/phosphorus/p.bin"
printf 'previous\n' > "$T/new/sc3/prev.pem"
: > "$KH"
start_sshd
REMOTE="$ME@127.0.0.1:$T/remote/sc3migration"
ssh_opts="--port $PORT --identity $S/id_ed25519"
cw_old() { "$CERTWIZ" --config "$T/old/certwiz.conf" sc3 "$@" --master-key-file "$T/mk" $ssh_opts </dev/null; }

expect_rc 13 cw_old backup --to "$REMOTE" $(wf 10)
expect_fixed "$(host_fp)"
[ ! -e "$T/remote/sc3migration" ] || fail "uploaded despite an unknown host key"
[ ! -s "$KH" ] || fail "an unaccepted key was saved"
pass "unknown host key refused in batch mode, its fingerprint shown"

expect_rc 0 cw_old backup --to "$REMOTE" $(wf 10) --dry-run --accept-host-key "$(host_fp)"
[ -z "$(ls -A "$T/remote")" ] || fail "the dry run left files remotely"
[ ! -s "$KH" ] || fail "the dry run saved the host key"
pass "dry run: connects, probes the remote dir, leaves nothing"

expect_rc 0 cw_old backup --to "$REMOTE" $(wf 10) --accept-host-key "$(host_fp)"
expect_out 'Bundle SHA-256: [0-9a-f]{64}'
expect_out 'The copy was read back'
expect_out 'SC3 Backup success'
[ "$(stat -c %a "$T/remote/sc3migration")" = 600 ] || fail "remote bundle mode"
grep -q 'SC3 Backup success' "$T/old/log/sc3migration.log" || fail "no 'SC3 Backup success' in the log"
grep -q "127.0.0.1" "$KH" || fail "accepted host key not saved"
sha=$(sed -n 's/^Bundle SHA-256: //p' "$T/out")
[ "$(sha256sum < "$T/remote/sc3migration" | cut -c1-64)" = "$sha" ] || fail "remote copy differs"
pass "backup over SCP: sealed, proved, uploaded, read back, logged"

cw_new() { "$CERTWIZ" --config "$T/new/certwiz.conf" sc3 restore --from "$REMOTE" $ssh_opts --yes "$@" </dev/null; }
before=$(tree "$T/new/sc3")
expect_rc 7 cw_new --master-key-file "$T/bad"
[ "$(tree "$T/new/sc3")" = "$before" ] || fail "a wrong key changed the SC3 dir"
ls -a "$T/new" | grep -q stage && fail "staging left behind"
"$CERTWIZ" --config "$T/new/certwiz.conf" journal abandon \
	"$(ls "$T/new/state/journal" | sed -n 's/\.journal$//p' | head -1)" >/dev/null 2>&1 || true
pass "wrong master key refused, nothing changed"

expect_rc 0 cw_new --master-key-file "$T/mk"
expect_out 'SC3 certs has been restored!'
expect_out 'Restored SC3 CA'
[ "$(tree "$T/new/sc3")" = "$(tree "$T/old/sc3")" ] || fail "restored tree differs"
[ -f "$T/new/sc3.prev/prev.pem" ] || fail "previous SC3 dir not kept"
[ -f "$T/new/restarted" ] || fail "restart command did not run"
grep -q 'Restored SC3 CA' "$T/new/log/sc3migration.log" || fail "no 'Restored SC3 CA' in the log"
grep -q 'SC3 certs has been restored!' "$T/new/log/sc3migration.log" || fail "log line"
pass "restore over SCP: same files and modes, old dir kept, logged, service restarted"
