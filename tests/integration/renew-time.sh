#!/bin/sh
# Renewal with time travel (faketime for certwiz, --clock-offset for the
# lab): day 0 enroll; day 74 nothing to do; day 76 a dry run installs
# nothing, then the renewal happens over mutual TLS and the new certificate
# is installed (status JSON checked field by field against openssl x509);
# from the day-0 state again: the lab down at day 76 leaves the
# certificate unchanged and the status "renewal_failing"; day 91 the status
# is expired, renew refuses, and the OTP flow restores the certificate.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
command -v faketime >/dev/null || skip "faketime is not installed (build-aux/install-deps)"
command -v jq >/dev/null || skip "jq is not installed"

DAY=86400
# at DAYS: certwiz runs DAYS days from now (faketime preloads itself; an
# ASan build must not object to that).
at() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	CERTWIZ_WRAPPER="faketime -f +${1}d"
}
now_at() { echo $(( $(date +%s) + $1 * DAY )); }
reenrolls() { grep -c 'simplereenroll 200' "$T/lab/estd.log" || true; }
j() { jq -r ".$1" "$T/out"; }
same() { [ "$1" = "$2" ] || fail "$3: status says '$1', openssl says '$2'"; }
rfc3339() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

lab_start
A=$T/a
cw_conf "$A" "post_install_command = echo hook-output-line && touch $A/hook-ran"
new_otp
fetch_rc 0 "$A"
valid_install "$A"
rm -f "$A/hook-ran"
# The day-0 state, for the second story.
cp -a "$A" "$T/b"
B=$T/b
sed -i "s|$A|$B|g" "$B/certwiz.conf"
cp -a "$A" "$T/c"
C=$T/c
sed -i "s|$A|$C|g" "$C/certwiz.conf"
day0=$(snapshot "$A")

# Day 74: nothing to do, nothing said.
at 74
cw_rc 0 "$A" renew
[ ! -s "$T/out" ] || { cat "$T/out"; fail "day 74: renew said something"; }
[ "$(snapshot "$A")" = "$day0" ] || fail "day 74: files changed"
[ "$(reenrolls)" = 0 ] || fail "day 74: the service was asked"
cw_rc 0 "$A" status
pass "day 74: valid, renew does nothing and is quiet"

# Day 76, the service's clock too.
lab_set --clock-offset $((76 * DAY))
at 76
cw_rc 20 "$A" status
cw_rc 0 "$A" renew --dry-run
expect_out 'would install'
[ "$(snapshot "$A")" = "$day0" ] || fail "day 76: the dry run changed files"
[ "$(reenrolls)" = 1 ] || fail "day 76: the dry run did not go to the service"
[ ! -e "$A/hook-ran" ] || fail "day 76: the dry run ran the post-install command"
pass "day 76: --dry-run goes through /simplereenroll and installs nothing"

cw_rc 0 "$A" renew
[ ! -s "$T/out" ] || { cat "$T/out"; fail "day 76: renew is not quiet on success"; }
[ "$(reenrolls)" = 2 ] || fail "day 76: no mutual-TLS re-enrollment at the service"
[ "$(snapshot "$A")" != "$day0" ] || fail "day 76: nothing installed"
valid_install "$A" "$(now_at 76)"
cmp -s "$B/cert/device.crt" "$A/cert/device.crt.prev" || fail "day 76: the old certificate is not kept as .prev"
[ "$(pubkey_of_key "$A/cert/device.key")" != "$(pubkey_of_key "$B/cert/device.key")" ] ||
	fail "day 76: the key was not renewed"
[ -e "$A/hook-ran" ] || fail "day 76: post_install_command did not run"
grep -q 'hook-output-line' "$A/log/renew.log" || fail "day 76: the hook's output is not logged"
pass "day 76: renewed over mutual TLS (new key, old kept as .prev), quiet, post-install command run and logged"

# Status JSON field by field against openssl x509 of the installed cert.
cw_rc 0 "$A" status --json
c=$A/cert/device.crt
x() { openssl x509 -in "$c" -noout -nameopt RFC2253 "$@" | sed 's/^[^=]*=//'; }
same "$(j state)" valid state
same "$(j subject)" "$(x -subject)" subject
same "$(j issuer)" "$(x -issuer)" issuer
same "$(j serial | sed 's/^0*//')" "$(x -serial | tr A-F a-f | sed 's/^0*//')" serial
same "$(j fingerprint_sha256)" "$(fingerprint "$c")" fingerprint_sha256
same "$(j not_before)" "$(rfc3339 "$(x -startdate)")" not_before
same "$(j not_after)" "$(rfc3339 "$(x -enddate)")" not_after
na=$(date -u -d "$(x -enddate)" +%s)
same "$(j renew_at)" "$(date -u -d "@$((na - 15 * DAY))" +%Y-%m-%dT%H:%M:%SZ)" renew_at
dl=$(j days_left)
[ "$dl" -ge 88 ] && [ "$dl" -le 90 ] || fail "days_left $dl, want about 89"
same "$(j key_type)" ec-p256 key_type
same "$(j last_renewal_error)" null last_renewal_error
pass "day 76: status JSON matches openssl x509 field by field"

# A failing post-install command is reported (exit 11, one line); the new
# certificate stays installed.  (From day 0, on the real clock: the lab's
# TLS layer checks client certificates against the real time.)
lab_set --clock-offset 0
CERTWIZ_WRAPPER=
sed -i 's|^post_install_command = .*|post_install_command = echo hook-broke \&\& exit 3|' "$C/certwiz.conf"
cw_rc 11 "$C" renew --force
[ "$(wc -l < "$T/out")" = 1 ] || { cat "$T/out"; fail "hook failure: not one line"; }
expect_out 'post-install command failed with exit code 3'
[ "$(snapshot "$C")" != "$day0" ] || fail "hook failure: the new certificate is not installed"
valid_install "$C"
grep -q 'hook-broke' "$C/log/renew.log" || fail "the failing hook's output is not logged"
pass "a failing post_install_command is reported (exit 11), the new certificate stays"

# Second story, from day 0: the service is down at day 76.
lab_stop
lab_set --clock-offset 0
at 76
cw_rc 6 "$B" renew
[ "$(wc -l < "$T/out")" = 1 ] || { cat "$T/out"; fail "day 76, lab down: not one line"; }
expect_out 'renewal failed.*unchanged.*next attempt'
[ "$(snapshot "$B")" = "$day0" ] || fail "day 76, lab down: files changed"
cw_rc 21 "$B" status --json
same "$(j state)" renewal_failing state
[ "$(j last_renewal_error)" != null ] || fail "no last_renewal_error"
cw_rc 21 "$B" status
expect_out 'Last renewal attempt'
# The next timer run before the next attempt waits quietly.
cw_rc 0 "$B" renew
[ ! -s "$T/out" ] || { cat "$T/out"; fail "backing off is not quiet"; }
pass "day 76, lab down: certificate unchanged, status renewal_failing (exit 21), backoff"

# Day 91: expired; renew refuses; a new OTP restores.
at 91
cw_rc 22 "$B" status --json
same "$(j state)" expired state
cw_rc 22 "$B" renew
[ "$(wc -l < "$T/out")" = 1 ] || { cat "$T/out"; fail "day 91: not one line"; }
expect_out 'new one-time password.*cert fetch'
[ "$(snapshot "$B")" = "$day0" ] || fail "day 91: files changed"
lab_start --port "$PORT"
lab_set --clock-offset $((91 * DAY))
new_otp
CERTWIZ_WRAPPER="faketime -f +91d"
fetch_rc 0 "$B"
valid_install "$B" "$(now_at 91)"
cw_rc 0 "$B" status
pass "day 91: expired (exit 22), renew refuses (exit 22), the OTP flow restores"
otp_never_on_disk
