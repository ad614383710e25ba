#!/bin/sh
# Crash matrix of the enrollment: `certwiz cert fetch` is killed with
# SIGKILL after the N-th journal write / fsync / rename (CERTWIZ_FAULT=
# after:N), for every N until a run completes; each killed run is resumed
# by running the same command again with the same OTP.  Every N must end
# with exactly one valid installed certificate, no run left unfinished and
# no staging dir; the OTP is in no file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

lab_start
n=1
late=0
notice=0
while :; do
	d=$T/n$n
	cw_conf "$d"
	new_otp
	set +e
	# In a subshell: the shell's "Killed" goes to the file too.
	(printf '%s\n' "$OTP" | CERTWIZ_FAULT="after:$n" "$CERTWIZ" --config "$d/certwiz.conf" \
		cert fetch --otp-file - --yes --accept-ca "$(lab_fp)") >"$d/run1" 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] && break	# never reached the N-th point: every N covered
	[ "$rc" = 137 ] || { cat "$d/run1"; fail "N=$n: exit $rc, want 137 (SIGKILL)"; }
	if [ -z "$(ls "$d/state/journal"/*.journal 2>/dev/null)" ] && [ -s "$d/cert/device.crt" ]; then
		late=$((late + 1))	# killed after the run finished and was retired
	else
		fetch_rc 0 "$d"
		cp "$T/out" "$d/run2"
		grep -q 'interrupted after the one-time password was sent' "$d/run2" && notice=$((notice + 1))
	fi
	valid_install "$d"
	[ -z "$(ls "$d/state/journal"/*.journal 2>/dev/null)" ] || fail "N=$n: a run is left unfinished"
	[ -z "$(ls "$d/state/runs" 2>/dev/null)" ] || fail "N=$n: staging dir left behind"
	cw_rc 0 "$d" status
	n=$((n + 1))
done
valid_install "$d"
[ "$n" -gt 20 ] || fail "only $n fault points: is --enable-fault-injection on?"
[ "$notice" -gt 0 ] || fail "no resume explained that the OTP may be spent"
pass "killed at each of the $((n - 1)) fault points ($late after the end, $notice resumed after sending): one valid certificate each time"
otp_never_on_disk
