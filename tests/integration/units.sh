#!/bin/sh
# The renewal timer and service pass systemd-analyze verify.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze not installed: the units were not verified"
mkdir -p "$T/units"
# The service as installed, but pointing at the binary under test.
sed "s|@bindir@/certwiz|$CERTWIZ|" "$top_srcdir/data/certwiz-renew.service.in" > "$T/units/certwiz-renew.service"
cp "$top_srcdir/data/certwiz-renew.timer" "$T/units/"
expect_rc 0 systemd-analyze verify --man=no "$T/units/certwiz-renew.timer" "$T/units/certwiz-renew.service"
[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "systemd-analyze warns about the units"; }
pass "units verify"

# A broken unit must fail, or this test proves nothing.
printf '[Timer]\nOnCalendar=not a time\n' > "$T/units/broken.timer"
printf '[Service]\nExecStart=%s renew\n' "$CERTWIZ" > "$T/units/broken.service"
set +e
systemd-analyze verify --man=no "$T/units/broken.timer" >"$T/out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "systemd-analyze accepted a broken timer"
pass "a broken timer is caught"
grep -q '^Persistent=true' "$T/units/certwiz-renew.timer" || fail "timer not persistent"
grep -q '^RandomizedDelaySec=' "$T/units/certwiz-renew.timer" || fail "timer has no randomized delay"
pass "timer is persistent with a randomized delay"

# Before the first enrollment the service is skipped, not failed: its
# conditions (evaluated by systemd itself) hold only once the certificate
# file the enrollment installs (CW_CERT_CRT_FILE) exists.
crt=$(sed -n 's/^#define CW_CERT_CRT_FILE "\(.*\)"/\1/p' "$top_srcdir/src/pki/cert.h")
[ -n "$crt" ] || fail "no CW_CERT_CRT_FILE in cert.h"
grep -q "^ConditionPathExists=/var/lib/certwiz/cert/$crt\$" "$T/units/certwiz-renew.service" ||
	fail "the service is not conditioned on /var/lib/certwiz/cert/$crt"
mkdir -p "$T/root/cert"
conds() { sed -n "s|^\(Condition[A-Za-z]*=\)/var/lib/certwiz|\1$T/root|p" "$T/units/certwiz-renew.service"; }
[ -n "$(conds)" ] || fail "no conditions found"
# shellcheck disable=SC2046
if (IFS='
'; systemd-analyze condition $(conds)) >"$T/out" 2>&1; then
	cat "$T/out" >&2; fail "the service would run without a certificate"
fi
: > "$T/root/cert/$crt"
# shellcheck disable=SC2046
(IFS='
'; systemd-analyze condition $(conds)) >"$T/out" 2>&1 || { cat "$T/out" >&2; fail "the service would not run with a certificate"; }
pass "the service is skipped until $crt exists, runs once it does"

# The sandbox: `systemd-analyze security` rates the service's exposure at
# most 3.0 (its --threshold counts in tenths).  The same check on a copy
# without the sandbox must fail, or it proves nothing.
security() {
	systemd-analyze security --offline=true --threshold=30 --no-pager "$1" >"$T/out" 2>&1
}
exposure() { sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/out"; }
security "$T/units/certwiz-renew.service" || { cat "$T/out" >&2; fail "the service's exposure $(exposure) is above 3.0"; }
score=$(exposure)
[ -n "$score" ] || { cat "$T/out" >&2; fail "no exposure level in systemd-analyze's output"; }
sed '/^UMask=/,$d' "$T/units/certwiz-renew.service" > "$T/units/loose.service"
if security "$T/units/loose.service"; then cat "$T/out" >&2; fail "the exposure check passed a service without a sandbox"; fi
pass "service sandbox: exposure $score (at most 3.0; $(exposure) without the sandbox is caught)"

# The path unit certwiz.conf(5) shows (SANDBOX) for restarting another
# service when the certificate changes verifies as printed.
mkdir -p "$T/examples"
awk -v dir="$T/examples" '
/^\.SH SANDBOX/ { sb = 1 }
/^\.SH SEE ALSO/ { sb = 0 }
sb && /^\.EX/ { ex = 1; next }
/^\.EE/ { ex = 0; f = ""; next }
sb && ex && /^# \/etc\/systemd\/system\// { f = substr($0, 23); gsub(/\\-/, "-", f); f = dir "/" f; next }
sb && ex && f != "" { l = $0; gsub(/\\-/, "-", l); print l > f }
' "$top_srcdir/data/certwiz.conf.5"
[ -s "$T/examples/certwiz-cert.path" ] && [ -s "$T/examples/certwiz-cert-changed.service" ] ||
	fail "certwiz.conf(5) lacks the path unit example"
expect_rc 0 systemd-analyze verify --man=no "$T/examples/certwiz-cert.path" "$T/examples/certwiz-cert-changed.service"
[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "systemd-analyze warns about the path unit example"; }
pass "the path unit example of certwiz.conf(5) verifies"
