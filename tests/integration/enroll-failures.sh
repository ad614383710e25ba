#!/bin/sh
# Every failure mode of the lab at /simpleenroll, against an appliance that
# already has a certificate: the command fails with a clear message, no
# installed file changes; then the same command with the same OTP resumes
# the run (same key, same CSR) and installs a new certificate, because
# status failures leave the OTP unused and broken answers let the service
# replay the certificate it issued.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

lab_start --retry-after 1
A=$T/a
cw_conf "$A"
new_otp
fetch_rc 0 "$A"
valid_install "$A"

# mode exit-code
for m in "401 7" "400 6" "415 6" "500 6" "503 6" "content-type 6" "garbage-base64 6" \
	 "garbage-pkcs7 6" "other-key 8" "huge 6" "drop 6"; do
	set -- $m
	mode=$1 code=$2
	before=$(snapshot "$A")
	new_otp
	lab_set --fail "$mode" --endpoint simpleenroll --count 1
	fetch_rc "$code" "$A"
	grep -q '^certwiz: ' "$T/out" || { cat "$T/out"; fail "$mode: no error line"; }
	[ "$(snapshot "$A")" = "$before" ] || fail "$mode: installed files changed"
	[ -n "$(ls "$A/state/journal"/enroll-*.journal 2>/dev/null)" ] || fail "$mode: no resumable run"
	[ "$mode" != drop ] || expect_out 'may be used up|may be spent'
	# Again with the same OTP: the run resumes and finishes.
	fetch_rc 0 "$A"
	[ "$mode" != drop ] || expect_out 'interrupted after the one-time password was sent'
	valid_install "$A"
	[ "$(snapshot "$A")" != "$before" ] || fail "$mode: the resumed run installed nothing"
	[ -z "$(ls "$A/state/journal"/enroll-*.journal 2>/dev/null)" ] || fail "$mode: run left unfinished"
	pass "$mode: exit $code, nothing changed; the same OTP then installs"
done
lab_set --fail none

# DER with Content-Transfer-Encoding: binary is a conforming answer.
new_otp
lab_set --fail binary --endpoint simpleenroll --count 1
fetch_rc 0 "$A"
valid_install "$A"
pass "a binary DER answer is installed"

# 202 + Retry-After: polled, then issued.
new_otp
lab_set --fail 202 --endpoint simpleenroll --count 1
fetch_rc 0 "$A"
valid_install "$A"
lab_set --fail none
pass "202 with Retry-After is polled and then installed"

# Service down: refused in the preflight, the OTP not used.
before=$(snapshot "$A")
new_otp
lab_stop
fetch_rc 6 "$A"
expect_out 'no OTP was used'
[ "$(snapshot "$A")" = "$before" ] || fail "service down: installed files changed"
pass "service down: refused before the OTP is sent (exit 6)"

otp_never_on_disk
