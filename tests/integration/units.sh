#!/bin/sh
# The renewal timer and service pass systemd-analyze verify.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze not installed: the units were not verified"
mkdir -p "$T/units"
# The service as installed, but pointing at the binary under test.
sed "s|@bindir@/certwiz|$CERTWIZ|" "$top_srcdir/data/certwiz-renew.service.in" > "$T/units/certwiz-renew.service"
cp "$top_srcdir/data/certwiz-renew.timer" "$T/units/"
expect_rc 0 systemd-analyze verify --man=no "$T/units/certwiz-renew.timer" "$T/units/certwiz-renew.service"
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
