#!/bin/sh
# `certwiz status` shows when the renewal timer runs next, asked from
# systemd (`systemctl show certwiz-renew.timer`), and nothing about a timer
# when systemd is not running.  A fake systemctl (test hooks) prints the
# time the way systemd does: local time of its TZ with the zone name, so a
# certwiz that did not run it with TZ=UTC reads the wrong time.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
grep -q '^#define CW_TEST_HOOKS 1' "$top_builddir/config.h" 2>/dev/null ||
	skip "needs configure --enable-test-hooks (the fake systemctl)"

write_conf
make_device_cert 007951000123456 30
printf '[enroll]\ntrust_anchor = %s/ca/root.crt\n' "$T" >> "$T/certwiz.conf"
mkdir -p "$T/run-systemd" "$T/bin"
export CERTWIZ_TEST_SYSTEMCTL="$T/bin/systemctl"
# The next run, 2027-01-02T03:04:05Z, in the fake's TZ like systemd (a
# machine in Tokyo when it has none); what it prints comes from files, as
# commands may run with a minimal environment.
cat > "$T/bin/systemctl" <<EOS
#!/bin/sh
echo "\$*" >> "$T/systemctl.log"
[ "\$*" = "show --property=NextElapseUSecRealtime certwiz-renew.timer" ] || exit 1
case \$(cat "$T/fake-mode") in
scheduled) echo "NextElapseUSecRealtime=\$(TZ=\${TZ:-Asia/Tokyo} date -d @1798859045 '+%a %Y-%m-%d %H:%M:%S %Z')" ;;
inactive) echo "NextElapseUSecRealtime=" ;;
garbage) echo "NextElapseUSecRealtime=soon" ;;
fail) echo "Failed to connect to bus: No such file or directory" >&2; exit 1 ;;
esac
EOS
chmod +x "$T/bin/systemctl"
FAKE_LOG=$T/systemctl.log
mode() { echo "$1" > "$T/fake-mode"; }
mode scheduled

st() { expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" status; }

# No systemd: no timer row, systemctl never asked.
export CERTWIZ_TEST_SYSTEMD_DIR="$T/no-such-dir"
st
if grep -q 'timer' "$T/out"; then cat "$T/out" >&2; fail "a timer row without systemd"; fi
[ ! -e "$FAKE_LOG" ] || fail "systemctl was run without systemd"
pass "without systemd: no timer row, systemctl not run"

export CERTWIZ_TEST_SYSTEMD_DIR="$T/run-systemd"
for tz in UTC Asia/Tokyo America/New_York; do
	TZ=$tz st
	expect_out '^  Next timer run: +.* \(2027-01-02T03:04:05Z\)$'
done
pass "scheduled: the next run in UTC whatever the TZ"

mode inactive
st
expect_out "^  Next timer run: +not scheduled \('systemctl enable --now certwiz-renew.timer' starts it\)$"
pass "inactive timer: says how to start it"

mode garbage
st
expect_out "^  Next timer run: +cannot read when 'certwiz-renew.timer' runs next: NextElapseUSecRealtime=soon$"
mode fail
st
expect_out "^  Next timer run: +cannot ask systemd when 'certwiz-renew.timer' runs next: Failed to connect to bus"
pass "systemctl failing or unreadable: said on the row, status still exits with the certificate's state"

# The wizard's status screen shows the same row, from the same function.
TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
if [ -n "$TMUX_BIN" ]; then
	. "$top_srcdir/tests/tui/tmux.sh"
	mode scheduled
	tui_start "TZ=UTC CERTWIZ_TEST_SYSTEMCTL='$T/bin/systemctl' CERTWIZ_TEST_SYSTEMD_DIR='$T/run-systemd' '$CERTWIZ' --config '$T/certwiz.conf'"
	tui_wait "Main menu"
	tui_keys s
	tui_wait "Next timer run: +.*2027-01-02T03:04:05Z"
	tui_keys Escape
	tui_wait "Main menu"
	tui_keys q
	tui_wait "EXIT=0"
	pass "the status screen shows the next timer run too"
fi
