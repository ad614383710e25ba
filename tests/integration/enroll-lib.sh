# enroll-lib.sh - sourced by the enroll-*.sh and renew-*.sh tests: the lab
# (est-lib.sh) plus certwiz configured against it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

[ -x "$CERTWIZ" ] || fail "no $CERTWIZ (run make)"
command -v openssl >/dev/null || skip "openssl CLI missing (build-aux/install-deps)"

# cw_conf DIR [ENROLL LINES [NTP LINES]]: $DIR/certwiz.conf against the
# running lab, every path under DIR (NTP files too: never the system's);
# the trust anchor is bootstrapped (not installed).  NTP is certwiz's probe
# alone (daemon = none), and these tests enroll without NTP: the
# documented lab override require_proven_time = no, unless the test sets
# CW_TIME_LINE (empty: the time must be proven).
cw_conf() {
	d=$1; shift
	mkdir -p "$d"
	cat > "$d/certwiz.conf" <<EOC
[device]
serial = $SERIAL
[paths]
state_dir = $d/state
cert_dir = $d/cert
sc3_dir = $d/sc3
log_dir = $d/log
[enroll]
url = $URL
trust_anchor = $d/cert/trust-anchor.pem
${CW_TIME_LINE-require_proven_time = no}
${1:-}
[ntp]
daemon = none
conf_file = $d/chrony/certwiz.conf
keys_file = $d/chrony/certwiz.keys
reload_command = true
${2:-}
[log]
syslog = no
EOC
}
lab_fp() { fingerprint "$T/lab/ca.pem"; }

# fetch_rc WANT DIR [ARGS...]: certwiz cert fetch with $OTP on stdin (as a
# pasted line with blanks around), output in $T/out.
fetch_rc() {
	want=$1 d=$2; shift 2
	set +e
	printf '  %s \n' "${OTP:-}" | ${CERTWIZ_WRAPPER:-} "$CERTWIZ" --config "$d/certwiz.conf" \
		cert fetch --otp-file - --yes --accept-ca "$(lab_fp)" "$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" >&2; fail "cert fetch in $d exited $got, want $want"; }
}
# fetch_as WANT DIR FINGERPRINT [OTPFILE]: cert fetch --accept-ca
# FINGERPRINT with the OTP from OTPFILE (default: $OTP on stdin).
fetch_as() {
	want=$1 d=$2 fp=$3 of=${4:--}
	set +e
	printf '%s\n' "${OTP:-}" | "$CERTWIZ" --config "$d/certwiz.conf" cert fetch \
		--otp-file "$of" --yes --accept-ca "$fp" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" >&2; fail "cert fetch in $d exited $got, want $want"; }
}
cw_rc() {
	want=$1 d=$2; shift 2
	set +e
	${CERTWIZ_WRAPPER:-} "$CERTWIZ" --config "$d/certwiz.conf" "$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" >&2; fail "certwiz $* in $d exited $got, want $want"; }
}

# snapshot DIR: the installed files and their contents, in one line each.
snapshot() {
	(cd "$1/cert" 2>/dev/null && for f in $(ls -A); do
		printf '%s %s %s\n' "$f" "$(stat -c %a "$f")" "$(sha256sum < "$f" | cut -c1-64)"
	done) || true
}

# valid_install DIR: one certificate for our key, CN = serial, chains to
# the lab CA, key 0600.
valid_install() {
	c=$1/cert
	[ -s "$c/device.crt" ] || fail "no device.crt in $c"
	[ "$(stat -c %a "$c/device.key")" = 600 ] || fail "device.key is not 0600"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$c/device.crt")" = 1 ] || fail "device.crt holds more than one certificate"
	[ "$(pubkey_of_cert "$c/device.crt")" = "$(pubkey_of_key "$c/device.key")" ] ||
		fail "the installed certificate is not for the installed key"
	openssl x509 -in "$c/device.crt" -noout -subject | grep -q "CN *= *$SERIAL" ||
		fail "the certificate's CN is not the serial"
	openssl verify -CAfile "$T/lab/ca.pem" ${2:+-attime $2} "$c/device.crt" >/dev/null ||
		fail "the certificate does not chain to the lab CA"
}
