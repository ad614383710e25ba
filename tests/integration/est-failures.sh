#!/bin/sh
# Every way the lab can be told to fail gives the right error code, says
# how far the request got, writes no certificate and leaves no copy of the
# OTP in the client's memory.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

lab_start

# fail_case MODE EXIT CODE HTTP DELIVERY: one enrollment against MODE.
fail_case() {
	mode=$1 rc=$2 code=$3 http=$4 delivery=$5
	shift 5
	lab_set --fail "$mode"
	new_otp
	rm -f "$T/c.pem"
	enroll_rc "$rc" --key "$T/k.pem" --out "$T/c.pem" --scan-memory "$@"
	expect_result "$code" "$http" "$delivery"
	expect_otp_wiped
	[ ! -e "$T/c.pem" ] || fail "$mode: a certificate was written"
	lab_set --fail none
}

fail_case 401 7 auth 401 answered
fail_case 400 6 protocol 400 answered
fail_case 415 6 protocol 415 answered
fail_case 500 6 protocol 500 answered
fail_case 503 6 protocol 503 answered
pass "401, 400, 415, 500, 503 give auth / protocol errors"
# Status failures leave the OTP unspent: it still works.
enroll_rc 0 --key "$T/k.pem"
pass "the OTP still works after an injected status failure"

fail_case content-type 6 protocol 200 answered
fail_case garbage-base64 6 protocol 200 answered
fail_case garbage-pkcs7 6 protocol 200 answered
fail_case other-key 8 crypto 200 answered
fail_case huge 6 protocol 200 answered
pass "wrong content type, garbage base64, garbage PKCS#7, certificate for another key"
# The OTP was spent by the broken answer; the same OTP and key replay.
enroll_rc 0 --key "$T/k.pem" --out "$T/c.pem"
[ "$(pubkey_of_cert "$T/c.pem")" = "$(pubkey_of_key "$T/k.pem")" ] || fail "replay for another key"
pass "after a broken answer, the same OTP + key replays the certificate"

# The connection breaks after the request was sent: "maybe received".
fail_case drop 6 network 0 maybe-received
enroll_rc 0 --key "$T/k.pem" --out "$T/c.pem"
pass "connection closed after the request: network, maybe-received; replay works"

# An answer slower than the timeout: also "maybe received".
fail_case hang:3 6 network 0 maybe-received --timeout-ms 1000
pass "timeout after sending: network, maybe-received"

# 202 + Retry-After: polled, with a countdown, then the certificate.
lab_set --fail 202 --count 2 --retry-after 1
new_otp
enroll_rc 0 --key "$T/k202.pem" --out "$T/c202.pem"
expect_result ok 200 answered
grep -q "waiting: poll 2, 1 s left" "$T/out" || { cat "$T/out"; fail "no countdown"; }
[ "$(pubkey_of_cert "$T/c202.pem")" = "$(pubkey_of_key "$T/k202.pem")" ] || fail "202 cert key"
pass "202 + Retry-After is polled with a countdown"
lab_set --fail 202 --count 5 --retry-after 1
new_otp
enroll_rc 18 --key "$T/k202b.pem" --max-polls 2
expect_result pending 202 answered
lab_set --fail 202 --count 5 --retry-after 30
enroll_rc 18 --key "$T/k202b.pem" --max-wait 10
expect_result pending 202 answered
lab_set --fail 202 --count 5 --retry-after 1
enroll_rc 12 --key "$T/k202b.pem" --cancel-after-polls 1
expect_result cancelled 202 answered
lab_set --fail none
enroll_rc 0 --key "$T/k202b.pem"
pass "202 polling is bounded by count and time, and can be cancelled"

# The service closes the connection after each response (no
# "Connection: close"), also between polls; and after a 401.
lab_set --close always --fail 202 --count 2
new_otp
enroll_rc 0 --key "$T/kc.pem"
lab_set --close after-401 --fail 401 --count 1
new_otp
enroll_rc 7 --key "$T/kc2.pem"
expect_result auth 401
enroll_rc 0 --key "$T/kc2.pem"
lab_set --close none
pass "a service that closes after each response or after a 401"

# Interop: DER with Content-Transfer-Encoding: binary.
lab_set --fail binary
new_otp
enroll_rc 0 --key "$T/kb.pem" --out "$T/cb.pem"
[ "$(pubkey_of_cert "$T/cb.pem")" = "$(pubkey_of_key "$T/kb.pem")" ] || fail "binary: wrong cert"
lab_set --fail none

# Interop: no Content-Transfer-Encoding, 76 columns, one line, a chain.
lab_set --no-cte --wrap 76 --chain
new_otp
enroll_rc 0 --key "$T/ki.pem" --chain-out "$T/chain.pem"
grep -q "certs=2" "$T/out" || fail "chain not returned"
cmp -s "$T/chain.pem" "$T/lab/ca.pem" || fail "chain is not the CA"
lab_set --cte --wrap 0 --no-chain
new_otp
enroll_rc 0 --key "$T/ki2.pem"
pass "answers with or without Content-Transfer-Encoding, any wrapping, with a chain"

# Nothing listening: network, not sent (the OTP is certainly unspent).
lab_stop
new_otp 2>/dev/null || true
enroll_rc 6 --key "$T/k.pem"
expect_result network 0 not-sent
pass "no service: network error, not sent"

otp_never_on_disk
