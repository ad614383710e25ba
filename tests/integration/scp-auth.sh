#!/bin/sh
# Authentication against a real sshd: key file, wrong key, wrong password
# (an account that cannot log in: the server refuses), encrypted key with
# no one to ask, ssh-agent, and a cipher negotiation failure naming the
# server's ciphers.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

start_sshd
trust
T_=$ME@127.0.0.1:x

expect_ok sti connect "$T_"
pass "key file accepted"

ssh-keygen -q -t ed25519 -N '' -f "$T/stranger"
expect_code auth st --identity "$T/stranger" connect "$T_"
expect_out "publickey"
expect_out "stranger"
pass "key not in authorized_keys refused, methods listed"

# A locked account (no usable password): sshd's own check refuses it.
if id nobody >/dev/null 2>&1; then
	LOCKED=nobody
else
	LOCKED=$ME
fi
printf 'not-the-password\n' > "$T/pw"
chmod 600 "$T/pw"
expect_code auth st --password-file "$T/pw" connect "$LOCKED@127.0.0.1:x"
expect_out "password"
pass "wrong password refused"

expect_code auth st connect "$T_"
pass "no credentials: refused with the methods offered"

ssh-keygen -q -t ed25519 -N 'secret phrase' -f "$T/locked_key"
cat "$T/locked_key.pub" >> "$S/authorized_keys"
expect_code usage st --identity "$T/locked_key" connect "$T_" </dev/null
expect_out "passphrase"
pass "encrypted key with no terminal: clear usage error"

printf 'secret phrase\n' > "$T/phrase"
printf 'wrong phrase\n' > "$T/wrong"
chmod 600 "$T/phrase" "$T/wrong"
expect_ok st --ask-file "$T/phrase" --identity "$T/locked_key" connect "$T_"
expect_out "asked: Passphrase"
pass "encrypted key: passphrase asked through the callback, accepted"
expect_code auth st --ask-file "$T/wrong" --identity "$T/locked_key" connect "$T_"
expect_out "passphrase"
pass "encrypted key with a wrong passphrase refused"

expect_code auth st --ask-file "$T/pw" connect "$LOCKED@127.0.0.1:x"
expect_out "asked: Password for $LOCKED@127.0.0.1"
pass "password asked through the callback when no key works, refused"

ssh-keygen -q -t ed25519 -N '' -f "$T/pem_key" -m PEM
cat "$T/pem_key.pub" >> "$S/authorized_keys"
expect_ok st --identity "$T/pem_key" connect "$T_"
pass "PEM key file accepted"

if command -v ssh-agent >/dev/null && command -v ssh-add >/dev/null; then
	ssh-agent -D -a "$T/agent.sock" >/dev/null 2>&1 &
	CW_PIDS="$CW_PIDS $!"
	i=0
	while [ ! -S "$T/agent.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	SSH_AUTH_SOCK=$T/agent.sock ssh-add -q "$S/id_ed25519" 2>/dev/null
	expect_ok env SSH_AUTH_SOCK="$T/agent.sock" "$SCPTOOL" --port "$PORT" \
	    --known-hosts "$KH" connect "$T_"
	pass "ssh-agent identity accepted"
fi

# Only algorithms certwiz does not allow: the message names what the
# server offers, for MACs, host key types and ciphers.
stop_sshd
cp "$S/sshd_config" "$T/sshd_config.base"
sh "$LAB" config "$S" "Ciphers aes128-ctr"
sh "$LAB" config "$S" "MACs umac-128-etm@openssh.com,umac-64@openssh.com"
start_sshd "$PORT"
expect_code network sti connect "$T_"
expect_out "no MAC in common"
expect_out "umac-128-etm@openssh.com"
pass "MAC negotiation failure names the server's MACs"

# An AEAD cipher brings its own MAC: the server's MAC list then does not
# matter (as in OpenSSH), even when it holds only MD5.
stop_sshd
cp "$T/sshd_config.base" "$S/sshd_config"
sh "$LAB" config "$S" "Ciphers chacha20-poly1305@openssh.com"
sh "$LAB" config "$S" "MACs hmac-md5"
start_sshd "$PORT"
expect_ok sti connect "$T_"
pass "ChaCha20-Poly1305 with an MD5-only MAC list: connected (the MAC is not used)"

# RSA host keys sign with SHA-2 (rsa-sha2-512/256); SHA-1 "ssh-rsa"
# signatures are refused, as OpenSSH >= 8.8 refuses them.
stop_sshd
ssh-keygen -q -t rsa -b 2048 -N '' -f "$S/host_rsa"
sed "s|^HostKey .*|HostKey $S/host_rsa|" "$T/sshd_config.base" > "$S/sshd_config"
start_sshd "$PORT"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/host_rsa.pub")" > "$T/kh_rsa"
expect_ok "$SCPTOOL" --no-agent --port "$PORT" --known-hosts "$T/kh_rsa" \
    --timeout-ms 5000 --identity "$S/id_ed25519" connect "$T_"
expect_out "ssh-rsa"
pass "RSA host key (rsa-sha2 signatures) checked against known_hosts and accepted"
stop_sshd
sh "$LAB" config "$S" "HostKeyAlgorithms ssh-rsa"
start_sshd "$PORT"
expect_code network "$SCPTOOL" --no-agent --port "$PORT" --known-hosts "$T/kh_rsa" \
    --timeout-ms 5000 --identity "$S/id_ed25519" connect "$T_"
expect_out "host key type"
expect_out "offers ssh-rsa"
pass "SHA-1 ssh-rsa host key signatures refused, the server's types named"

# No CBC cipher and no MD5 MAC, even when the server offers nothing else
# (libssh has them): refused, our list named.
stop_sshd
cp "$T/sshd_config.base" "$S/sshd_config"
sh "$LAB" config "$S" "Ciphers aes128-cbc,aes256-cbc"
start_sshd "$PORT"
expect_code network sti connect "$T_"
expect_out "no cipher in common"
expect_out "supports aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr"
grep -q 'supports.*cbc' "$T/out" && fail "a CBC cipher is named as supported"
stop_sshd
cp "$T/sshd_config.base" "$S/sshd_config"
sh "$LAB" config "$S" "Ciphers aes256-ctr"
sh "$LAB" config "$S" "MACs hmac-md5,hmac-md5-96"
start_sshd "$PORT"
expect_code network sti connect "$T_"
expect_out "no MAC in common"
expect_out "supports hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1"
grep -q 'supports.*md5' "$T/out" && fail "an MD5 MAC is named as supported"
pass "a server offering only CBC ciphers or MD5 MACs is refused, certwiz's list named"

# keyboard-interactive (the password over PAM, as many appliances' sshd
# offer it): the server offers no "password" method, certwiz answers
# PAM's hidden prompt with the password.  sshd's own log proves the
# answer reached PAM (a locked account: refused, never logged in).
if [ "$LOCKED" = nobody ] && [ -f /etc/pam.d/sshd ]; then
	stop_sshd
	sed -e 's/^UsePAM no/UsePAM yes/' \
	    -e 's/^PasswordAuthentication yes/PasswordAuthentication no/' \
	    -e 's/^KbdInteractiveAuthentication no/KbdInteractiveAuthentication yes/' \
	    "$T/sshd_config.base" > "$S/sshd_config"
	start_sshd "$PORT"
	expect_code auth st --password-file "$T/pw" connect "$LOCKED@127.0.0.1:x"
	expect_out "accepts: publickey,keyboard-interactive"
	expect_out "tried: password"
	i=0
	until grep -q "Failed keyboard-interactive/pam for $LOCKED" "$S/sshd.log" || [ $i -ge 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "Failed keyboard-interactive/pam for $LOCKED" "$S/sshd.log" ||
	    { tail -5 "$S/sshd.log" >&2; fail "sshd saw no keyboard-interactive answer"; }
	pass "keyboard-interactive: the password answers PAM's prompt (sshd logs the PAM failure)"
else
	echo "# no 'nobody' account or no /etc/pam.d/sshd: keyboard-interactive not tested"
fi
