#!/bin/sh
# EST against the lab over real TLS: bootstrap, enrollment, the OTP rules
# (single use, replay for the same key, 60-minute expiry by time travel),
# re-enrollment with mutual TLS, and no OTP ever on disk.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

lab_start
ca_fp=$(fingerprint "$T/lab/ca.pem")

# /cacerts: with the trust anchor, and as a bootstrap without one.
est_rc 0 cacerts --url "$URL" --ca "$T/lab/ca.pem" --out "$T/ca-got.pem"
expect_result ok 200 answered
grep -q "fingerprint=$ca_fp" "$T/out" || fail "cacerts fingerprint differs"
cmp -s "$T/ca-got.pem" "$T/lab/ca.pem" || fail "cacerts returned another certificate"
est_rc 0 cacerts --url "$URL" --insecure
grep -q "fingerprint=$ca_fp" "$T/out" || fail "bootstrap fingerprint differs"
pass "cacerts returns the CA and its SHA-256 fingerprint (verified and bootstrap)"

# A full enrollment.
new_otp
enroll_rc 0 --key "$T/k1.pem" --out "$T/c1.pem" --scan-memory
expect_result ok 200 answered
expect_otp_wiped
[ "$(stat -c %a "$T/k1.pem")" = 600 ] || fail "key not 0600"
openssl verify -CAfile "$T/lab/ca.pem" "$T/c1.pem" >/dev/null || fail "cert does not verify"
openssl x509 -in "$T/c1.pem" -noout -subject | grep -q "CN *= *$SERIAL" || fail "CN is not the serial"
[ "$(pubkey_of_cert "$T/c1.pem")" = "$(pubkey_of_key "$T/k1.pem")" ] || fail "cert is for another key"
openssl x509 -in "$T/c1.pem" -noout -checkend $((89 * 86400)) >/dev/null || fail "lifetime < 89 days"
! openssl x509 -in "$T/c1.pem" -noout -checkend $((91 * 86400)) >/dev/null || fail "lifetime > 91 days"
pass "enrollment issues a 90-day certificate for our key with CN = serial, OTP wiped from memory"
first_otp=$OTP
fp1=$(fingerprint "$T/c1.pem")

# The same OTP with a CSR for the same key: the certificate is replayed.
enroll_rc 0 --key "$T/k1.pem" --out "$T/c1b.pem"
[ "$(fingerprint "$T/c1b.pem")" = "$fp1" ] || fail "replay returned another certificate"
pass "same OTP + same key replays the issued certificate"

# The same OTP with another key: refused.
enroll_rc 7 --key "$T/k2.pem" --out "$T/c2.pem"
expect_result auth 401 answered
[ ! -e "$T/c2.pem" ] || fail "a certificate was written after a 401"
pass "same OTP + other key is refused (401)"

OTP=WRONGWRONGWRONGWRONGWRONGWRONG23
enroll_rc 7 --key "$T/k2.pem"
expect_result auth 401
pass "a wrong OTP is refused (401)"

# Expiry: 60 minutes on the service's clock.
new_otp
lab_set --clock-offset 3601
enroll_rc 7 --key "$T/k2.pem" --out "$T/c2.pem"
expect_result auth 401
[ ! -e "$T/c2.pem" ] || fail "a certificate was written for an expired OTP"
lab_set --clock-offset 3500
enroll_rc 0 --key "$T/k2.pem" --out "$T/c2.pem"
pass "an OTP older than 60 minutes is refused, younger works"
lab_set --clock-offset 0

# An OTP issued for another serial.
new_otp 007951000999999
enroll_rc 7 --key "$T/k3.pem"
expect_result auth 401
pass "an OTP for another serial is refused"

# RSA 3072 keys work too.
new_otp
enroll_rc 0 --key "$T/krsa.pem" --rsa --out "$T/crsa.pem"
openssl x509 -in "$T/crsa.pem" -noout -text | grep -q "Public-Key: (3072 bit)" || fail "not RSA 3072"
pass "RSA 3072 enrollment"

# Short lifetimes for tests.
lab_set --lifetime-seconds 600
new_otp
enroll_rc 0 --key "$T/kshort.pem" --out "$T/cshort.pem"
openssl x509 -in "$T/cshort.pem" -noout -checkend 300 >/dev/null || fail "short lifetime < 300 s"
! openssl x509 -in "$T/cshort.pem" -noout -checkend 900 >/dev/null || fail "short lifetime > 900 s"
lab_set --lifetime-days 90
pass "certificate lifetime configurable in seconds"

# CN other than the serial: refused (400), OTP untouched.
new_otp
enroll_rc 6 --key "$T/k4.pem" --cn someone-else
expect_result protocol 400
enroll_rc 0 --key "$T/k4.pem"
pass "a CSR whose CN is not the serial is refused (400) without spending the OTP"

# Re-enrollment with the current certificate (mutual TLS), new key.
est_rc 0 reenroll --url "$URL" --serial "$SERIAL" --ca "$T/lab/ca.pem" --cert "$T/c1.pem" \
	--client-key "$T/k1.pem" --key "$T/k5.pem" --out "$T/c5.pem"
expect_result ok 200 answered
openssl verify -CAfile "$T/lab/ca.pem" "$T/c5.pem" >/dev/null || fail "reenrolled cert does not verify"
[ "$(pubkey_of_cert "$T/c5.pem")" = "$(pubkey_of_key "$T/k5.pem")" ] || fail "reenrolled cert for another key"
openssl x509 -in "$T/c5.pem" -noout -subject | grep -q "CN *= *$SERIAL" || fail "reenrolled CN"
pass "simplereenroll with the current certificate (mTLS)"

# Without a client certificate: refused by the service.
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/lab/ca.pem" \
	-H 'Content-Type: application/pkcs10' --data-binary @/dev/null \
	"$URL/simplereenroll" || true)
[ "$code" = 403 ] || fail "simplereenroll without a client certificate gave $code"
# A certificate the lab CA did not issue: the TLS handshake is refused.
openssl req -x509 -new -key "$T/k1.pem" -subj "/CN=$SERIAL" -days 2 -out "$T/self.pem" 2>/dev/null
est_rc 6 reenroll --url "$URL" --serial "$SERIAL" --ca "$T/lab/ca.pem" --cert "$T/self.pem" \
	--client-key "$T/k1.pem" --key "$T/k6.pem" --out "$T/c6.pem"
# With TLS 1.3 the service refuses the certificate after our side of the
# handshake is done: we read its alert (tls) or find the connection gone
# (network), depending on timing.
grep -Eq '^result=(tls|network) http=0 ' "$T/out" || { cat "$T/out"; fail "foreign client certificate accepted?"; }
[ ! -e "$T/c6.pem" ] || fail "a certificate was written"
# The current certificate expired on the service's clock: refused.
lab_set --clock-offset $((100 * 86400))
est_rc 7 reenroll --url "$URL" --serial "$SERIAL" --ca "$T/lab/ca.pem" --cert "$T/c1.pem" \
	--client-key "$T/k1.pem" --key "$T/k6.pem"
expect_result auth 403
lab_set --clock-offset 0
pass "simplereenroll refused without a client cert, with a foreign one, with an expired one"

grep -Eq "simpleenroll 200 serial=$SERIAL b64-line=64( auth=basic)?$" "$T/lab/estd.log" ||
	fail "lab log lacks requests, or the CSR was not wrapped at 64 columns"
! grep -Ev "b64-line=64( auth=[a-z]+)?$" "$T/lab/estd.log" | grep -q "b64-line=" || fail "a CSR not wrapped at 64"
lab_stop
otp_never_on_disk
