#!/bin/sh
# `certwiz apply FILE` against real peers: the lab EST service, the lab
# chronyd (MD5 and SHA1 keys) and the lab sshd holding an SC3 bundle.
#  - from nothing, a full answer file (ntp with keys, check, enroll, sc3
#    restore over SCP) changes every section: the certificate verifies
#    with `openssl verify`, the NTP files hold the servers and keys and
#    `certwiz ntp test` proves the time with them, the SC3 dir is the old
#    unit's;
#  - run again (the OTP file removed): every section unchanged,
#    changed:false, no new simpleenroll at the lab, nothing on disk moved;
#  - --check on a fresh root changes nothing (snapshot) and says changed,
#    and its OTP then still works;
#  - a wrong OTP: enroll fails with the lab's reason and the enrollment's
#    exit code, sc3 is skipped;
#  - an unknown key, a placeholder, two OTP sources: exit 2, nothing changed;
#  - the OTP from an environment variable;
#  - another key in a key file (same ID and algorithm) is a change;
#  - no OTP, NTP key or master key in the output, a journal or a log.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/apply-lib.sh"

apply_lab
# everything DIR: the files of an appliance that apply may change.
everything() { (cd "$1" && find cert chrony sc3 state -type f 2>/dev/null |
	grep -v '^state/journal/done/\|^state/lock' | LC_ALL=C sort |
	while read -r f; do echo "$(stat -c %a "$f") $(sha256sum < "$f" | cut -c1-64) $f"; done); }
no_secret_in() {	# no_secret_in DIR...: no OTP or key in the files
	for s in $ALL_OTPS NotTheLabKey-01 LabMD5Key-0001 4c61622053484131206b65792030303032212121 apply-test-master-key; do
		for d in "$@"; do
			[ -e "$d" ] || continue
			! grep -rqF -- "$s" "$d" || { grep -rlF -- "$s" "$d" >&2; fail "a secret is in $d"; }
		done
	done
}

# ---- from nothing: every section changed
A=$T/a; appliance "$A"; answers "$A"
n0=$(simpleenrolls)
apply_rc 0 "$A" --json
jq -e . "$T/out" >/dev/null || fail "stdout is not one JSON object"
[ "$(jq -r '[.check_mode, .changed, .failed] | @tsv' "$T/out")" = "false	true	false" ] ||
	{ cat "$T/out"; fail "top level"; }
[ "$(jq -r '[.sections[].name] | join(" ")' "$T/out")" = "ntp check enroll sc3" ] || fail "sections or their order"
for s in ntp enroll sc3; do [ "$(jres $s)" = changed ] || { cat "$T/out"; fail "$s: $(jres $s), want changed"; }; done
[ "$(jres check)" = unchanged ] || fail "check: $(jres check)"
jq -e '.sections[] | select(.result != "failed") | .message | length > 0' "$T/out" >/dev/null || fail "no message"
[ "$(simpleenrolls)" = $((n0 + 1)) ] || fail "want one simpleenroll"
valid_install "$A"
grep -q "^server 127.0.0.1 port $NTP_PORT key 1 iburst" "$A/chrony/certwiz.conf" || { cat "$A/chrony/certwiz.conf"; fail "no primary server line"; }
grep -q "^server localhost port $NTP_PORT key 2 iburst" "$A/chrony/certwiz.conf" || fail "no secondary server line"
grep -q '^1 MD5 HEX:' "$A/chrony/certwiz.keys" && grep -q '^2 SHA1 HEX:4c61622053484131206b65792030303032212121$' "$A/chrony/certwiz.keys" ||
	fail "the keys file lacks the keys"
[ "$(stat -c %a "$A/chrony/certwiz.keys")" = 600 ] || fail "keys file mode"
cw_rc 0 "$A" ntp test
expect_out "The time is proven"
expect_out ", authenticated"
[ "$(tree "$A/sc3")" = "$(tree "$T/old/sc3")" ] || fail "the restored SC3 dir differs from the old unit's"
[ -s "$A/restarted" ] || fail "the restart command did not run"
[ "$(stat -c %a "$A/state/apply-sc3")" = 600 ] || fail "the SC3 record is not 0600"
grep -q "^source=$(id -un)@127.0.0.1:$T/remote/bundle$" "$A/state/apply-sc3" || fail "the SC3 record lacks the source"
[ -z "$(ls "$A/state/journal"/*.journal 2>/dev/null)" ] || fail "a run is left unfinished"
pass "from nothing: ntp, enroll, sc3 changed; certificate verified, NTP proven with the keys, SC3 restored"

# ---- again, the OTP file gone: nothing changes, no OTP spent
before=$(everything "$A")
restarts=$(wc -l < "$A/restarted")
rm "$A/otp"
apply_rc 0 "$A" --json
[ "$(jq -r '[.changed, .failed] | @tsv' "$T/out")" = "false	false" ] || { cat "$T/out"; fail "second run: top level"; }
for s in ntp check enroll sc3; do [ "$(jres $s)" = unchanged ] || { cat "$T/out"; fail "second run: $s: $(jres $s)"; }; done
[ "$(simpleenrolls)" = $((n0 + 1)) ] || fail "the second run enrolled again"
[ "$(everything "$A")" = "$before" ] || fail "the second run changed files"
[ "$(wc -l < "$A/restarted")" = "$restarts" ] || fail "the second run restarted the service"
apply_rc 0 "$A"
expect_out() { grep -Eq -- "$1" "$T/out" || { cat "$T/out" >&2; fail "output lacks /$1/"; }; }
expect_out '^ntp: unchanged — .*the time is proven'
expect_out '^check: unchanged — '
expect_out '^enroll: unchanged — .*no one-time password was used'
expect_out '^sc3: unchanged — '
pass "second run: every section unchanged, changed:false, no simpleenroll, the OTP file not needed"

# ---- --check on a fresh root: says what would change, changes nothing
B=$T/b; appliance "$B"; answers "$B"
before=$(find "$B" | LC_ALL=C sort; everything "$B")
apply_rc 0 "$B" --check --json
[ "$(jq -r '[.check_mode, .changed, .failed] | @tsv' "$T/out")" = "true	true	false" ] || { cat "$T/out"; fail "--check: top level"; }
for s in ntp enroll sc3; do [ "$(jres $s)" = changed ] || { cat "$T/out"; fail "--check: $s: $(jres $s)"; }; done
[ "$(find "$B" | LC_ALL=C sort; everything "$B")" = "$before" ] || fail "--check changed files"
[ "$(simpleenrolls)" = $((n0 + 1)) ] || fail "--check sent a request"
apply_rc 0 "$B" --check
expect_out '^enroll: changed — would enroll'
# The OTP was not spent: the real run enrolls with it.
apply_rc 0 "$B" --json
valid_install "$B"
pass "--check: changed reported, nothing written, the OTP still usable afterwards"

# ---- a wrong OTP: enroll fails with the lab's reason, sc3 skipped
C=$T/c; appliance "$C"; answers "$C" "ntp enroll sc3"
printf 'WrongOtp12345678\n' > "$C/otp"
apply_rc 7 "$C" --json
[ "$(jres ntp)" = changed ] && [ "$(jres enroll)" = failed ] && [ "$(jres sc3)" = skipped ] ||
	{ cat "$T/out"; fail "wrong OTP: results"; }
[ "$(jq -r '.sections[] | select(.name == "enroll") | .code' "$T/out")" = 7 ] || fail "enroll's code"
jq -r '.sections[] | select(.name == "enroll") | .error' "$T/out" | grep -q "OTP wrong, used or expired" ||
	{ cat "$T/out"; fail "the lab's reason is not in the error"; }
[ "$(jq -r .failed "$T/out")" = true ] || fail "failed is not true"
[ ! -e "$C/sc3" ] || [ -z "$(ls -A "$C/sc3")" ] || fail "sc3 ran after a failed enroll"
[ ! -e "$C/cert/device.crt" ] || fail "a certificate was installed"
pass "wrong OTP: enroll failed with the lab's reason and exit 7, sc3 skipped"

# ---- files that cannot be used: exit 2, nothing changed
D=$T/d; appliance "$D"; answers "$D"
bad_file() {	# bad_file SED WHAT: the full file edited by SED is refused
	answers "$D"
	sed -i "$1" "$D/answers.ini"
	before=$(find "$D" | LC_ALL=C sort)
	apply_rc 2 "$D" --json
	[ "$(jq -r .failed "$T/out")" = true ] && [ "$(jq -r .code "$T/out")" = 2 ] || { cat "$T/out"; fail "$2: JSON"; }
	grep -q -- "$2" "$T/err" || { cat "$T/err"; fail "the error does not name $2"; }
	[ "$(find "$D" | LC_ALL=C sort)" = "$before" ] || fail "$2: files changed"
}
bad_file 's/^otp_file = otp$/otpfile = otp/' "otpfile"
bad_file 's/^master_key_file = .*/master_key_file = <FILL IN: file holding the SC3 master key>/' "master_key_file"
bad_file 's/^\[check\]$/[checks]/' "checks"
bad_file 's/^otp_file = otp$/otp_file = otp\notp_env = CW_OTP/' "otp_env"
bad_file 's/^primary_key = .*/primary_key = 1:sha256:ntp-md5.key/' "primary_key"
bad_file 's/^port = .*/port = 0/' "port"
[ "$(simpleenrolls)" = $((n0 + 3)) ] || fail "a refused file reached the lab"
pass "unknown key, placeholder, unknown section, two OTP sources, bad key spec, bad port: exit 2, nothing changed"

# ---- the OTP from an environment variable
E=$T/e; appliance "$E"; answers "$E" "ntp enroll"
sed -i 's/^otp_file = otp$/otp_env = CW_APPLY_OTP/' "$E/answers.ini"
rm "$E/otp"
apply_rc 2 "$E" --json
[ "$(jres ntp)" = changed ] && [ "$(jres enroll)" = failed ] || { cat "$T/out"; fail "otp_env unset: results"; }
jq -r '.sections[1].error' "$T/out" | grep -q CW_APPLY_OTP || fail "the error does not name the variable"
set +e
CW_APPLY_OTP=$OTP "$CERTWIZ" --config "$E/certwiz.conf" apply "$E/answers.ini" --json >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$T/out" "$T/err"; fail "otp_env: exit $rc"; }
[ "$(jres enroll)" = changed ] || fail "otp_env: enroll $(jres enroll)"
valid_install "$E"
pass "the OTP from the environment variable named by otp_env"

# ---- another key in a key file (same ID and algorithm): the key
# material is compared, not only the IDs.  The secondary's SHA1 key still
# proves the time with the lab.
key_file a-md5.key 'ASCII:NotTheLabKey-01'
cp "$T/a-md5.key" "$A/ntp-md5.key"
cp "$A/chrony/certwiz.keys" "$T/keys.before"
apply_rc 0 "$A" --json
[ "$(jres ntp)" = changed ] && [ "$(jres enroll)" = unchanged ] || { cat "$T/out"; fail "another NTP key: results"; }
! cmp -s "$A/chrony/certwiz.keys" "$T/keys.before" || fail "the keys file still holds the old key"
grep -q "^1 MD5 HEX:$(printf 'NotTheLabKey-01' | od -An -tx1 | tr -d ' \n')$" "$A/chrony/certwiz.keys" ||
	{ cat "$A/chrony/certwiz.keys"; fail "the new key is not in the keys file"; }
CW_TEST_SECRETS="$CW_TEST_SECRETS NotTheLabKey-01"
pass "another key in the key file: ntp changed, the keys file holds the new key"

no_secret_in "$A/state" "$A/log" "$B/state" "$B/log" "$C/state" "$C/log" "$E/state" "$E/log"
pass "no OTP, NTP key or master key in a journal, a log or the state"
