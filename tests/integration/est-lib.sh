# est-lib.sh - sourced by the est-*.sh tests: the lab EST service and the
# esttool driver.  Every OTP a test uses is remembered in $ALL_OTPS so that
# otp_never_on_disk can prove none reached a file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
"$PY" -c 'import cryptography.hazmat.primitives.serialization.pkcs7' 2>/dev/null ||
	skip "python3-cryptography is not installed (build-aux/install-deps)"
# Loopback only: no proxy from the environment.
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

ESTTOOL=$top_builddir/tests/integration/esttool
LAB=$top_srcdir/tests/lab/lab.sh
ESTD=$top_srcdir/tests/lab/estd.py
SERIAL=007951000123456
ALL_OTPS=""

lab_start() {
	PYTHON3=$PY sh "$LAB" est-start "$T/lab" "$@" >/dev/null
	CW_PIDS="$CW_PIDS $(cat "$T/lab/pid")"
	PORT=$(cat "$T/lab/port")
	URL=https://127.0.0.1:$PORT/.well-known/est
}
lab_stop() { PYTHON3=$PY sh "$LAB" est-stop "$T/lab"; }
lab_set() { "$PY" "$ESTD" set --state "$T/lab" "$@"; }
new_otp() {
	OTP=$(PYTHON3=$PY sh "$LAB" est-otp "$T/lab" "${1:-$SERIAL}")
	ALL_OTPS="$ALL_OTPS $OTP"
}

# est_rc WANT CMD ARGS...: esttool CMD with the OTP on stdin, output in
# $T/out, exit code checked.
est_rc() {
	want=$1; shift
	set +e
	# ESTTOOL_WRAPPER: e.g. "valgrind -q --error-exitcode=99 --leak-check=full"
	printf '%s\n' "${OTP:-}" | ${ESTTOOL_WRAPPER:-} "$ESTTOOL" "$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" >&2; fail "esttool $* exited $got, want $want"; }
}
enroll_rc() {
	want=$1; shift
	est_rc "$want" enroll --url "$URL" --ca "$T/lab/ca.pem" --serial "$SERIAL" \
		--otp-file - "$@"
}
# expect_result CODE HTTP [DELIVERY]: the result line of the last esttool.
expect_result() {
	line=$(grep '^result=' "$T/out" || true)
	case $line in
	"result=$1 http=$2 "*) ;;
	*) cat "$T/out" >&2; fail "want result=$1 http=$2, got '$line'" ;;
	esac
	if [ $# -ge 3 ]; then
		case $line in
		*" delivery=$3"*) ;;
		*) cat "$T/out" >&2; fail "want delivery=$3, got '$line'" ;;
		esac
	fi
}
# After esttool --scan-memory: neither the OTP nor the Basic credentials
# are left anywhere in the client's writable memory once it is done.
# (Not under a wrapper such as valgrind: its own bookkeeping is scanned too.)
expect_otp_wiped() {
	[ -z "${ESTTOOL_WRAPPER:-}" ] || return 0
	grep -q '^otp-in-memory=0$' "$T/out" || { cat "$T/out" >&2; fail "the OTP is still in memory"; }
}
fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; }
pubkey_of_cert() { openssl x509 -in "$1" -noout -pubkey; }
pubkey_of_key() { openssl pkey -in "$1" -pubout; }

otp_never_on_disk() {
	for o in $ALL_OTPS; do
		if grep -rqF -- "$o" "$T"; then
			grep -rlF -- "$o" "$T" >&2
			fail "an OTP was written to a file under the test dir"
		fi
	done
	pass "no OTP in any file under the test dir ($(echo $ALL_OTPS | wc -w) OTPs)"
}
