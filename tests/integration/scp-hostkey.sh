#!/bin/sh
# Host keys against a real sshd: unknown refused in batch mode (fingerprint
# shown), wrong --accept-host-key refused, accepted key saved in a form
# OpenSSH reads, hashed entries, changed key refused (both fingerprints),
# @revoked refused, unparseable lines skipped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

start_sshd
FP=$(host_fp)
T_=$ME@127.0.0.1:x

expect_code hostkey sti connect "$T_"
expect_fixed "$FP"
expect_out "accept-host-key"
[ ! -e "$KH" ] || fail "an unknown key was written to known_hosts"
pass "unknown host key refused in batch mode, fingerprint shown"

expect_code hostkey sti --accept-host-key "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" connect "$T_"
expect_fixed "$FP"
[ ! -e "$KH" ] || fail "a wrong --accept-host-key wrote known_hosts"
pass "--accept-host-key with another fingerprint refused"

expect_ok sti --no-save --accept-host-key "$FP" connect "$T_"
[ ! -e "$KH" ] || fail "--no-save wrote known_hosts"
pass "accepted with --no-save (dry run): connects, known_hosts untouched"

expect_code hostkey sti --confirm no connect "$T_"
expect_fixed "confirm: 127.0.0.1 port $PORT ssh-ed25519 $FP"
[ ! -e "$KH" ] || fail "a declined key was written to known_hosts"
pass "unknown key declined through the confirm callback (the TUI's question)"

expect_ok sti --confirm yes connect "$T_"
expect_fixed "confirm: 127.0.0.1 port $PORT ssh-ed25519 $FP"
ssh-keygen -F "[127.0.0.1]:$PORT" -f "$KH" >/dev/null || fail "confirmed key not saved"
rm -f "$KH"
pass "unknown key accepted through the confirm callback, saved"

expect_ok sti --accept-host-key "$FP" connect "$T_"
ssh-keygen -F "[127.0.0.1]:$PORT" -f "$KH" >/dev/null || fail "OpenSSH does not find the saved key"
expect_ok sti connect "$T_"
pass "accepted key saved (OpenSSH finds it) and then works without accepting"

ssh-keygen -q -H -f "$KH" 2>/dev/null
grep -q '^|1|' "$KH" || fail "ssh-keygen -H did not hash"
expect_ok sti connect "$T_"
pass "hashed known_hosts entry matches"

# Lines libssh cannot parse do not hide the others.
{ echo "# comment"; echo "garbage"; echo "@cert-authority *.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPf69APmah62Xb8y7PbjXrrqCRUvCB1E7Whx+035W61S";
  echo "[127.0.0.1]:$PORT sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIH7bVfJq0tU1Ao2ey0Z5xUkcOvMHqOKA6BgqkZO5hJHyAAAABHNzaDo="; cat "$KH"; } > "$KH.new"
mv "$KH.new" "$KH"
expect_ok sti connect "$T_"
pass "unparseable known_hosts lines skipped"

cp "$KH" "$KH.good"
echo "@revoked * $(cut -d' ' -f1,2 "$S/host_key.pub")" >> "$KH"
expect_code hostkey sti connect "$T_"
expect_out "revoked"
cp "$KH.good" "$KH"
pass "@revoked key refused"

# The server gets a new host key: refused, both fingerprints shown, even
# when the new one is offered for acceptance; known_hosts untouched.
stop_sshd
sh "$LAB" rekey "$S"
start_sshd "$PORT"
NEWFP=$(host_fp)
[ "$NEWFP" != "$FP" ] || fail "rekey kept the key"
cp "$KH" "$KH.before"
expect_code hostkey sti connect "$T_"
expect_out "CHANGED"
expect_fixed "$FP"
expect_fixed "$NEWFP"
expect_code hostkey sti --accept-host-key "$NEWFP" connect "$T_"
cmp "$KH" "$KH.before" || fail "a changed key touched known_hosts"
expect_code hostkey sti --accept-host-key "$NEWFP" upload "$S/host_key.pub" "$ME@127.0.0.1:$T/never"
[ ! -e "$T/never" ] && [ ! -e "$T/never.part" ] || fail "copied despite a changed key"
pass "changed host key refused with both fingerprints, even when offered to accept"

# A server with two host keys: the type known_hosts has is the one asked
# for (libssh alone would take Ed25519 first), hashed entries included.
stop_sshd
ssh-keygen -q -t ecdsa -N '' -f "$S/host_ecdsa"
sh "$LAB" config "$S" "HostKey $S/host_ecdsa"
start_sshd "$PORT"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/host_key.pub")" > "$KH"
ssh-keygen -q -H -f "$KH" 2>/dev/null
expect_ok sti connect "$T_"
expect_out "^ssh-ed25519 "
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/host_ecdsa.pub")" > "$KH"
expect_ok sti connect "$T_"
expect_out "^ecdsa-sha2-nistp256 "
pass "the host key type known_hosts has is negotiated"

# issue 18: known_hosts holds the ECDSA key, the server keeps its ECDSA key
# among others: accepted, the negotiation picked ECDSA.
ECFP=$(ssh-keygen -lf "$S/host_ecdsa.pub" | awk '{print $2}')
EDFP=$(host_fp)
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/host_ecdsa.pub")" > "$KH"
expect_ok sti connect "$T_"
expect_out "^ecdsa-sha2-nistp256 "
expect_fixed "$ECFP"
pass "known ECDSA key still offered among others: accepted, ECDSA negotiated"

# The server's ECDSA key is replaced by an Ed25519 one (it offers only
# that): CHANGED, not unknown, both fingerprints, refused even with
# --accept-host-key of the new key; known_hosts untouched, nothing copied.
stop_sshd
sed -i "\\#^HostKey $S/host_ecdsa\$#d" "$S/sshd_config"
start_sshd "$PORT"
cp "$KH" "$KH.before"
expect_code hostkey sti connect "$T_"
expect_out "CHANGED"
expect_fixed "ecdsa-sha2-nistp256 $ECFP"
expect_fixed "ssh-ed25519 $EDFP"
expect_code hostkey sti --accept-host-key "$EDFP" connect "$T_"
expect_out "CHANGED"
expect_code hostkey sti --confirm yes connect "$T_"
if grep -q "^confirm:" "$T/out"; then fail "a changed key was offered for confirmation"; fi
expect_code hostkey sti --accept-host-key "$EDFP" upload "$S/host_key.pub" "$ME@127.0.0.1:$T/never2"
[ ! -e "$T/never2" ] && [ ! -e "$T/never2.part" ] || fail "copied despite a key of another type"
cmp "$KH" "$KH.before" || fail "a key of another type touched known_hosts"
# Hashed entries and the certwiz command line, the same.
ssh-keygen -q -H -f "$KH" 2>/dev/null
expect_code hostkey sti --accept-host-key "$EDFP" connect "$T_"
expect_fixed "ecdsa-sha2-nistp256 $ECFP"
pass "known ECDSA key replaced by an Ed25519 one: refused as CHANGED with both fingerprints, whatever --accept-host-key says"
