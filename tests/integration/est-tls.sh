#!/bin/sh
# TLS: 1.2-only and 1.3-only services both work; an untrusted server
# certificate is refused before anything is sent (the OTP stays unspent).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

# s_client_ok VERSION: does a handshake with only that version succeed?
# (s_client's exit code also reflects how the server closed: not used.)
s_client_ok() {
	echo | openssl s_client -connect "127.0.0.1:$PORT" "-$1" \
		-CAfile "$T/lab/ca.pem" >"$T/s_client.out" 2>&1 || true
	grep -q '^New, TLSv1\.[23], Cipher is' "$T/s_client.out"
}

for v in 1.2 1.3; do
	lab_start --tls "$v"
	if [ "$v" = 1.2 ]; then
		s_client_ok tls1_2 || { cat "$T/s_client.out"; fail "1.2-only service refuses TLS 1.2"; }
		! s_client_ok tls1_3 || fail "1.2-only service speaks TLS 1.3"
	else
		s_client_ok tls1_3 || fail "1.3-only service refuses TLS 1.3"
		! s_client_ok tls1_2 || fail "1.3-only service speaks TLS 1.2"
	fi
	new_otp
	enroll_rc 0 --key "$T/k$v.pem" --out "$T/c$v.pem"
	expect_result ok 200 answered
	est_rc 0 reenroll --url "$URL" --serial "$SERIAL" --ca "$T/lab/ca.pem" \
		--cert "$T/c$v.pem" --client-key "$T/k$v.pem" --key "$T/k$v-2.pem"
	lab_stop
	pass "TLS $v only: enrollment and mTLS re-enrollment"
done

# The name in the URL is checked too: localhost is in the certificate.
lab_start
new_otp
est_rc 0 enroll --url "https://localhost:$PORT/.well-known/est" --ca "$T/lab/ca.pem" \
	--serial "$SERIAL" --otp-file - --key "$T/kl.pem"
pass "https://localhost works (name checked against the certificate)"
lab_stop

# IPv6 loopback, where the host has it.
if "$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	lab_start --host ::1
	new_otp
	est_rc 0 enroll --url "https://[::1]:$PORT/.well-known/est" --ca "$T/lab/ca.pem" \
		--serial "$SERIAL" --otp-file - --key "$T/k6.pem"
	lab_stop
	pass "enrollment over IPv6 loopback"
else
	echo "no IPv6 loopback: IPv6 case not run"
fi

# A service whose certificate comes from another CA.
lab_start --untrusted
new_otp
enroll_rc 6 --key "$T/ku.pem" --out "$T/cu.pem"
expect_result tls 0 not-sent
[ ! -e "$T/cu.pem" ] || fail "a certificate was written"
est_rc 6 cacerts --url "$URL" --ca "$T/lab/ca.pem"
expect_result tls 0 not-sent
# Bootstrap without a trust anchor still works: the admin checks the
# fingerprint, which is the lab CA's.
est_rc 0 cacerts --url "$URL" --insecure
grep -q "fingerprint=$(fingerprint "$T/lab/ca.pem")" "$T/out" || fail "bootstrap fingerprint"
lab_stop
# The OTP was never sent, so it works against the right service.
lab_start
enroll_rc 0 --key "$T/ku.pem" --out "$T/cu.pem"
lab_stop
pass "untrusted server certificate refused, nothing sent, OTP still valid"

otp_never_on_disk
