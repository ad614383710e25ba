#!/bin/sh
# Crash matrix of `certwiz apply` over a full answer file (ntp with keys,
# check, enroll, sc3 restore over SCP): killed with SIGKILL after the N-th
# journal write / fsync / rename (CERTWIZ_FAULT=after:N), for every N until
# a run completes, then run again with the same file (and OTP).  Every N
# ends in the state of an uninterrupted run: the certificate for the
# serial, the same NTP snippet and keys file, the same SC3 files, no run
# left unfinished; and a third run changes nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/apply-lib.sh"

grep -q '^#define CW_FAULT_INJECTION 1' "$top_builddir/config.h" ||
	skip "built without --enable-fault-injection"

apply_lab
subject() { openssl x509 -in "$1/cert/device.crt" -noout -subject; }
unchanged_run() {	# unchanged_run DIR: apply changes nothing
	apply_rc 0 "$1" --json
	[ "$(jq -r '[.changed, .failed] | @tsv' "$T/out")" = "false	false" ] ||
		{ cat "$T/out"; fail "$1: the run after the end state changed something"; }
}
# end_state DIR: what an uninterrupted run leaves, compared with $REF.
end_state() {
	valid_install "$1"
	[ "$(subject "$1")" = "$(subject "$REF")" ] || fail "$1: certificate subject $(subject "$1")"
	[ "$(sed "s|$1/|DIR/|g" "$1/chrony/certwiz.conf")" = "$(sed "s|$REF/|DIR/|g" "$REF/chrony/certwiz.conf")" ] ||
		fail "$1: NTP snippet differs"
	cmp -s "$1/chrony/certwiz.keys" "$REF/chrony/certwiz.keys" || fail "$1: NTP keys file differs"
	[ "$(tree "$1/sc3")" = "$(tree "$T/old/sc3")" ] || fail "$1: SC3 files differ"
	# A run killed between its "finished" record and the journal's
	# rotation is finished: only running or failed runs are unfinished.
	"$CERTWIZ" --config "$1/certwiz.conf" journal list --json >"$T/runs"
	[ "$(jq '[.[] | select(.state == "running" or .state == "failed")] | length' "$T/runs")" = 0 ] ||
		{ cat "$T/runs"; fail "$1: a run is left unfinished"; }
	[ -s "$1/state/apply-sc3" ] || fail "$1: no SC3 record"
}

# The uninterrupted run.
REF=$T/ref; appliance "$REF"; answers "$REF"
apply_rc 0 "$REF" --json
[ "$(jq -r .changed "$T/out")" = true ] || fail "reference run"
end_state "$REF"
unchanged_run "$REF"

n=1 kills=0 late=0
while :; do
	d=$T/n$n; appliance "$d"; answers "$d"
	set +e
	# In a subshell: the shell's "Killed" goes to the file too.
	(CERTWIZ_FAULT="after:$n" "$CERTWIZ" --config "$d/certwiz.conf" apply "$d/answers.ini" --json) \
		>"$d/run1" 2>&1
	rc=$?
	set -e
	[ "$rc" = 0 ] && break	# never reached the N-th point: every N covered
	[ "$rc" = 137 ] || { cat "$d/run1"; fail "N=$n: exit $rc, want 137 (SIGKILL)"; }
	kills=$((kills + 1))
	apply_rc 0 "$d" --json
	cp "$T/out" "$d/run2"
	[ "$(jq -r .changed "$T/out")" = true ] || late=$((late + 1))
	end_state "$d"
	unchanged_run "$d"
	rm -rf "$d"	# keep the test dir small
	n=$((n + 1))
done
end_state "$d"
[ "$kills" -gt 30 ] || fail "only $kills fault points: is --enable-fault-injection on?"
pass "apply killed at each of the $kills fault points ($late after every change was made): run again, it ends as an uninterrupted run, and a third run changes nothing"
