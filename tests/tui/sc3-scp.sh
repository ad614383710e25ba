#!/bin/sh
# The SC3 jobs over SCP in the wizard alone, against a real sshd on a
# non-default port (tests/lab/sshd.sh) with password authentication for a
# test account made here (useradd, chpasswd) and removed at the end:
#  1. Back up SC3: destination HOST:PATH, port, user, "Password"; the
#     unknown host key shown with its algorithm and SHA256 fingerprint and
#     trusted and saved on screen; the password asked masked.  The upload
#     is held by the server (a ForceCommand wrapper) and certwiz is killed
#     in the middle of it.
#  2. The next start offers the run under "Unfinished work"; Resume asks
#     the master key and the password in masked fields (curses, never
#     /dev/tty) and finishes the backup.
#  3. Restore SC3 of that bundle into a second state root and SC3 dir:
#     the checklist, the host key trusted once (not saved), the password.
#  4. The same backup from the CLI writes the same inputs and options as
#     facts as the wizard's run.
#  5. An identity file whose passphrase is asked in a masked field; a
#     changed host key refused with both fingerprints and what to do.
# Secrets (master key, password) never reach the screen, the terminal's
# bytes, a journal or a log.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

[ "$(id -u)" = 0 ] || skip "needs root to make a test account"
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (Debian: openssh-server)"
for t in useradd userdel chpasswd ssh-keygen; do
	command -v "$t" >/dev/null || skip "no $t"
done
unset SSH_AUTH_SOCK

U=cwt$$
PW=tui-scp-Pass-$$
MK=tui-scp-master-key-$$
CW_TEST_SECRETS="$CW_TEST_SECRETS $PW $MK"
H=$T/home
chmod 711 "$T"
mkdir -p "$H"
useradd -M -d "$H" -s /bin/sh "$U"
# The account goes with the test, whatever happens.
trap 'rc=$?; rm -f "$T/hold"; userdel -f "$U" >/dev/null 2>&1 || true; (exit $rc); cleanup' EXIT INT TERM
chown "$U" "$H"
echo "$U:$PW" | chpasswd

# Holds an upload while $T/hold exists: the transfer has begun (certwiz
# sent the file's header), the server never answers.
cat > "$T/wrap.sh" <<EOW
#!/bin/sh
case "\$SSH_ORIGINAL_COMMAND" in
"scp -t "*)
	if [ -e "$T/hold" ]; then
		: > "$H/upload-started"
		while [ -e "$T/hold" ]; do sleep 0.1; done
		exit 1
	fi ;;
esac
exec /bin/sh -c "\$SSH_ORIGINAL_COMMAND"
EOW
chmod 755 "$T/wrap.sh"

S=$T/sshd
LAB="$top_srcdir/tests/lab/sshd.sh"
sh "$LAB" init "$S"
sh "$LAB" config "$S" "Match User $U"
sh "$LAB" config "$S" "  ForceCommand $T/wrap.sh"
sh "$LAB" config "$S" "  AuthorizedKeysFile $H/.authorized_keys"
PORT=$(sh "$LAB" start "$S")
CW_PIDS="$CW_PIDS $(cat "$S/pid")"
[ "$PORT" != 22 ] || fail "the lab sshd is on port 22"
FP=$(ssh-keygen -lf "$S/host_key.pub" | awk '{print $2}')

conf() { sc3_conf "$1" "known_hosts = $1/known_hosts" "[network]" "timeout_ms = 60000"; }
conf "$T/a"
mkdir -p "$T/a/sc3/ca" "$T/a/sc3/keys"
printf 'the CA\n' > "$T/a/sc3/ca/ca.pem"
printf 'a key\n' > "$T/a/sc3/keys/k1"; chmod 600 "$T/a/sc3/keys/k1"
head -c 200000 /dev/urandom > "$T/a/sc3/keys/blob"

# ---- 1. backup, killed in the middle of the upload
: > "$T/hold"
tui_start "sh -c 'echo \$\$ > \"$T/pid\"; exec \"$CERTWIZ\" --config \"$T/a/certwiz.conf\"'"
tui_wait "Main menu"
tui_sc3_backup_form "127.0.0.1:$H/sc3.age" "$MK" "$PORT" "$U"
tui_wait "How should certwiz log in"
tui_wait "Password"
tui_keys p
tui_wait "Unknown host key" 120
tui_wait "port $PORT is not known"
tui_wait "ssh-ed25519"
tui_screen | tr -d ' \n' | grep -qF "$FP" || { tui_screen >&2; fail "the host key fingerprint is not shown"; }
tui_wait "Trust and save"
tui_keys 2
tui_wait "SSH password"
tui_text "$PW"
tui_keys Enter
while [ ! -e "$H/upload-started" ]; do sleep 0.1; done
tui_wait "Copy the bundle"
kill -9 "$(cat "$T/pid")"
tui_wait "EXIT=137"
rm -f "$T/hold"
[ ! -e "$H/sc3.age" ] || fail "the bundle is in place although the upload was cut"
grep -q "127.0.0.1\]:$PORT ssh-ed25519" "$T/a/known_hosts" || fail "the trusted host key was not saved"
pass "backup over SCP: port, user, password, unknown host key trusted and saved on screen; killed during the upload"

# ---- 2. resume from "Unfinished work"
tui_start "'$CERTWIZ' --config '$T/a/certwiz.conf'"
tui_wait "Unfinished work"
tui_wait "Back up SC3: stopped after step"
tui_keys r
tui_wait "Master key"
tui_text "$MK"
tui_keys Enter
tui_wait "SSH password" 120
tui_text "$PW"
tui_keys Enter
tui_wait "The run finished" 120
tui_wait "SC3 Backup success"
[ -s "$H/sc3.age" ] || fail "the resumed backup did not upload the bundle"
grep -q 'SC3 Backup success' "$T/a/log/sc3migration.log" || fail "no 'SC3 Backup success' in the log"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
ls "$T/a/state/journal/"*.journal >/dev/null 2>&1 && fail "the run is still unfinished"
pass "the next start resumes it: master key and password asked in the wizard, the backup finished"
for s in "$MK" "$PW"; do
	tui_history | grep -qF -- "$s" && fail "a secret is in the pane"
	grep -qF -- "$s" "$T/pane.raw" && fail "a secret was written to the terminal"
done

# ---- 3. restore into a second state root
conf "$T/b"
mkdir -p "$T/b/sc3"
printf 'old\n' > "$T/b/sc3/old.pem"
tui_start "'$CERTWIZ' --config '$T/b/certwiz.conf'"
tui_wait "Main menu"
tui_keys r
tui_wait "Source"
tui_text "$U@127.0.0.1:$H/sc3.age"
tui_keys Tab
tui_text "$MK"
tui_keys Tab
tui_text "$PORT"
tui_keys Enter Enter
tui_wait "How should certwiz log in"
tui_keys p
tui_wait "same master key as the old unit"
tui_keys y
tui_wait "Unknown host key" 60
tui_keys 1
tui_wait "SSH password"
tui_text "$PW"
tui_keys Enter
tui_wait "Restart the management service" 120
tui_keys y
tui_wait "Restored SC3 CA" 60
diff -r "$T/a/sc3" "$T/b/sc3" || fail "the restored SC3 dir differs"
[ ! -s "$T/b/known_hosts" ] || fail "a host key trusted once was saved"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
for s in "$MK" "$PW"; do
	grep -qF -- "$s" "$T/pane.raw" && fail "a secret was written to the terminal"
done
pass "restore over SCP into a second state root: checklist, host key trusted once (not saved), password"

# ---- 4. the CLI with the same inputs: the same facts
conf "$T/c"
cp "$T/a/known_hosts" "$T/c/known_hosts"
sed -i "s|sc3_dir = $T/c/sc3|sc3_dir = $T/a/sc3|" "$T/c/certwiz.conf"
printf '%s\n' "$MK" > "$T/mk"; chmod 600 "$T/mk"
printf '%s\n' "$PW" > "$T/pw"; chmod 600 "$T/pw"
expect_rc 0 "$CERTWIZ" --config "$T/c/certwiz.conf" sc3 backup --to "127.0.0.1:$H/sc3.age" \
    --user "$U" --port "$PORT" --auth password --password-file "$T/pw" --master-key-file "$T/mk" </dev/null
# The start record (inputs and their hash) and the facts of the first
# step (the remembered SSH options), without times, ids and the random
# bundle digest (a resumed run has more records after them).
facts() {
	for j in "$1"/state/journal/done/sc3-backup-*.journal; do
		# The CLI read the password from a file, the wizard asked.
		journal_facts "$j" '^f\.bundle_sha256$' |
		    awk '$1 == "start" || ($1 == "done" && /step=seal/)' |
		    sed 's/ f\.password_file=[^ ]*//'
	done
}
facts "$T/a" > "$T/facts.tui"
facts "$T/c" > "$T/facts.cli"
grep -q " in.target=$U@127.0.0.1:$H/sc3.age" "$T/facts.tui" || { cat "$T/facts.tui" >&2; fail "the wizard's run lacks its target"; }
grep -q " f.auth=password" "$T/facts.tui" || { cat "$T/facts.tui" >&2; fail "the wizard's run lacks its login method"; }
diff "$T/facts.tui" "$T/facts.cli" || fail "the CLI and the wizard journal other facts for the same backup"
pass "the CLI and the wizard journal the same inputs and facts for the same backup"

# ---- 4b. an identity file with a passphrase, asked masked
KP=tui-key-phrase-$$
CW_TEST_SECRETS="$CW_TEST_SECRETS $KP"
ssh-keygen -q -t ed25519 -N "$KP" -C certwiz-tui -f "$T/id_pass"
cat "$T/id_pass.pub" > "$H/.authorized_keys"
chown "$U" "$H/.authorized_keys"
tui_start "'$CERTWIZ' --config '$T/a/certwiz.conf'"
tui_wait "Main menu"
tui_sc3_backup_form "$U@127.0.0.1:$H/sc3-key.age" "$MK" "$PORT"
tui_wait "How should certwiz log in"
tui_keys i
tui_wait "private key file"
tui_text "$T/id_pass"
tui_keys Enter
tui_wait "Key passphrase" 120
tui_text "$KP"
tui_keys Enter
tui_wait "SC3 Backup success" 120
[ -s "$H/sc3-key.age" ] || fail "no bundle copied with the identity file"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
grep -qF -- "$KP" "$T/pane.raw" && fail "the key passphrase was written to the terminal"
pass "backup with an identity file whose passphrase is asked in a masked field"

# ---- 5. the server's host key changed: refused, both fingerprints, what to do
sh "$LAB" stop "$S"
sh "$LAB" rekey "$S"
sh "$LAB" start "$S" "$PORT" >/dev/null
CW_PIDS="$CW_PIDS $(cat "$S/pid")"
FP2=$(ssh-keygen -lf "$S/host_key.pub" | awk '{print $2}')
cp "$T/a/known_hosts" "$T/kh.before"
tui_start "'$CERTWIZ' --config '$T/a/certwiz.conf'"
tui_wait "Main menu"
tui_sc3_backup_form "$U@127.0.0.1:$H/sc3-2.age" "$MK" "$PORT"
tui_wait "How should certwiz log in"
tui_keys p
tui_wait "has CHANGED" 120
tui_screen | tr -d ' \n' | grep -qF "$FP" || { tui_screen >&2; fail "the known fingerprint is not shown"; }
tui_screen | tr -d ' \n' | grep -qF "$FP2" || { tui_screen >&2; fail "the server's new fingerprint is not shown"; }
tui_wait "ssh-keygen -R"
tui_gone "SSH password"
cmp -s "$T/kh.before" "$T/a/known_hosts" || fail "known_hosts changed"
[ ! -e "$H/sc3-2.age" ] || fail "a bundle was copied to a server with a changed key"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
pass "a changed host key is refused in the wizard: both fingerprints, what to do, nothing copied"
