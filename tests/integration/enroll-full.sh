#!/bin/sh
# Enrollment against the lab over real TLS: from an empty state with the
# CA fingerprint confirmed; the same OTP a second time refused; an expired
# OTP refused; an untrusted server certificate refused without spending the
# OTP; a wrong --accept-ca refused; a malformed OTP never sent; the OTP
# never in any file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

lab_start
A=$T/a
cw_conf "$A"

# A full enrollment from nothing: the trust anchor is bootstrapped.
new_otp
fetch_rc 0 "$A"
expect_out 'matches --accept-ca'
expect_out 'time: *UNPROVEN'
valid_install "$A"
cmp -s "$A/cert/trust-anchor.pem" "$T/lab/ca.pem" || fail "trust anchor is not the lab CA"
cw_rc 0 "$A" status --json
[ "$(jq -r .state "$T/out")" = valid ] || fail "status is not valid"
[ -z "$(ls "$A/state/runs" 2>/dev/null)" ] || fail "staging dir left behind"
grep -q 'device certificate installed' "$A/log/enroll.log" || fail "enroll.log lacks the install"
pass "full enrollment from an empty state (trust anchor bootstrapped, key 0600, chain verified)"

# The same OTP again (a new run, so a new key): refused, nothing changed.
before=$(snapshot "$A")
fetch_rc 7 "$A"
expect_out 'OTP|one-time password'
[ "$(snapshot "$A")" = "$before" ] || fail "a refused OTP changed installed files"
# The failed run stays resumable; abandon it for the next case.
run=$(ls "$A/state/journal" | grep '^enroll-.*\.journal$' | sed 's/\.journal$//')
cw_rc 0 "$A" journal abandon "$run"
pass "the same OTP a second time is refused (exit 7), installed files unchanged"

# An expired OTP (the service clock 61 minutes ahead).
new_otp
lab_set --clock-offset 3660
fetch_rc 7 "$A"
lab_set --clock-offset 0
[ "$(snapshot "$A")" = "$before" ] || fail "an expired OTP changed installed files"
run=$(ls "$A/state/journal" | grep '^enroll-.*\.journal$' | sed 's/\.journal$//')
cw_rc 0 "$A" journal abandon "$run"
pass "an expired OTP is refused (exit 7), installed files unchanged"

# A malformed OTP is not sent.
n0=$(grep -c simpleenroll "$T/lab/estd.log")
OTP='abc$def!ghij'
fetch_rc 2 "$A"
expect_out 'letters and digits'
grep -qF 'abc$def' "$T/out" && fail "the malformed OTP was echoed"
[ "$(grep -c simpleenroll "$T/lab/estd.log")" = "$n0" ] || fail "a malformed OTP was sent"
OTP=short
fetch_rc 2 "$A"
[ "$(snapshot "$A")" = "$before" ] || fail "a malformed OTP changed installed files"
run=$(ls "$A/state/journal" | grep '^enroll-.*\.journal$' | sed 's/\.journal$//')
cw_rc 0 "$A" journal abandon "$run"
pass "a malformed OTP is refused before sending (exit 2)"

# Untrusted server certificate: a trust anchor from another CA.
B=$T/b
cw_conf "$B"
mkdir -p "$B/cert"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/other.key" \
	-subj /CN=other-ca -days 2 -out "$B/cert/trust-anchor.pem" 2>/dev/null
new_otp
n0=$(grep -c simpleenroll "$T/lab/estd.log")
fetch_rc 6 "$B"
expect_out 'TLS|certificate'
[ ! -e "$B/cert/device.crt" ] || fail "installed with an untrusted server"
[ "$(grep -c simpleenroll "$T/lab/estd.log")" = "$n0" ] || fail "the OTP was sent to an untrusted server"
# The OTP was not spent: with the right anchor it works.
cp "$T/lab/ca.pem" "$B/cert/trust-anchor.pem"
fetch_rc 0 "$B"
valid_install "$B"
pass "an untrusted server certificate is refused before the OTP is sent (exit 6); the OTP stays usable"

# A wrong --accept-ca: refused, no trust anchor installed, OTP unused.
C=$T/c
cw_conf "$C"
new_otp
fetch_as 8 "$C" 0000000000000000000000000000000000000000000000000000000000000000
[ ! -e "$C/cert/trust-anchor.pem" ] || fail "a trust anchor was installed without a match"
pass "a CA fingerprint that does not match --accept-ca is refused (exit 8)"

# No terminal and no --otp-file: a clear usage error, nothing sent.
set +e
"$CERTWIZ" --config "$C/certwiz.conf" cert fetch --yes --accept-ca "$(lab_fp)" </dev/null >"$T/out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$T/out"; fail "no terminal exited $rc, want 2"; }
expect_out 'otp-file'

otp_never_on_disk
