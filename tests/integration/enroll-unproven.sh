#!/bin/sh
# An unproven clock blocks `cert fetch` before the OTP is asked for (the
# seed: "An NTP server is required"): with no NTP configured, the fetch
# stops with exit 9, the reason and the way out, before the CA is
# confirmed or the OTP read; nothing is sent or installed.  The documented
# lab overrides, --allow-unproven-time and [enroll] require_proven_time =
# no, let it proceed, and the log says which one was used.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

lab_start
CW_TIME_LINE=	# no override in the configuration
A=$T/a
cw_conf "$A"

# ---- no NTP configured: stops before the OTP is asked for
new_otp
n0=$(grep -c simpleenroll "$T/lab/estd.log" || true)
# No terminal and no --otp-file: asking for the OTP would be a usage
# error (exit 2); the time check comes first (exit 9).
cw_rc 9 "$A" cert fetch --yes --accept-ca "$(lab_fp)"
expect_out "needs a proven clock"
expect_out "has not configured NTP yet"
expect_out "certwiz ntp set --primary HOST"
expect_out "allow-unproven-time"
expect_out "No OTP was asked for or used"
# An OTP file that is not there is not even opened.
cw_rc 9 "$A" cert fetch --otp-file "$T/no-such-otp" --yes --accept-ca "$(lab_fp)"
fetch_rc 9 "$A"
[ "$(grep -c simpleenroll "$T/lab/estd.log" || true)" = "$n0" ] || fail "the OTP was sent on an unproven clock"
[ ! -e "$A/cert/trust-anchor.pem" ] || fail "the CA was installed before the time was proven"
[ ! -e "$A/cert/device.crt" ] || fail "installed on an unproven clock"
grep -q "enrollment stopped" "$A/log/enroll.log" || fail "the log does not say why the enrollment stopped"
pass "no NTP: cert fetch stops before the OTP is asked for (exit 9), with the reason and the way out"

# ---- --allow-unproven-time: proceeds, logged
fetch_rc 0 "$A" --allow-unproven-time
expect_out "UNPROVEN"
valid_install "$A"
grep -q "enrolling anyway: --allow-unproven-time" "$A/log/enroll.log" ||
	{ cat "$A/log/enroll.log" >&2; fail "the override is not in the log"; }
pass "--allow-unproven-time: the enrollment proceeds and the log says so"

# ---- [enroll] require_proven_time = no: proceeds, logged
B=$T/b
cw_conf "$B" "require_proven_time = no"
new_otp
fetch_rc 0 "$B"
valid_install "$B"
grep -q "enrolling anyway: \[enroll\] require_proven_time = no" "$B/log/enroll.log" ||
	{ cat "$B/log/enroll.log" >&2; fail "the override is not in the log"; }
pass "[enroll] require_proven_time = no: the enrollment proceeds and the log says so"
otp_never_on_disk
