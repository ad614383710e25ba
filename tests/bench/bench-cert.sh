#!/bin/sh
# make bench, part "cert": `certwiz cert fetch` end to end against the lab
# EST service (preflight, key, CSR, OTP, simpleenroll, verify, install),
# against what an admin would otherwise run with the same service:
#   openssl req (EC P-256 key + CSR) | curl --cacert CA -u SERIAL:OTP
#   .../simpleenroll | openssl pkcs7 -print_certs > device.crt
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/bench/lib-bench.sh"
command -v curl >/dev/null || skip "no curl (build-aux/install-deps)"

lab_start
n=0
cw_fetch() {
	n=$((n + 1))
	cw_conf "$T/r$n"
	mkdir -p "$T/r$n/cert" && cp "$T/lab/ca.pem" "$T/r$n/cert/trust-anchor.pem"
	new_otp
	fp=$(lab_fp)
	timed cert_fetch cw sh -c "printf '%s\n' '$OTP' | '$CERTWIZ' --config '$T/r$n/certwiz.conf' cert fetch --otp-file - --yes --accept-ca $fp"
}
peer_fetch() {
	n=$((n + 1))
	mkdir -p "$T/p$n"
	new_otp
	timed cert_fetch peer sh -c "cd '$T/p$n' &&
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key \
			-subj /CN=$SERIAL -outform DER 2>/dev/null | base64 > csr.b64 &&
		curl -sSf --cacert '$T/lab/ca.pem' -u '$SERIAL:$OTP' -H 'Content-Type: application/pkcs10' \
			--data-binary @csr.b64 '$URL/simpleenroll' -o resp.b64 &&
		tr -d '\\r' < resp.b64 | base64 -d | openssl pkcs7 -inform DER -print_certs -out device.crt &&
		openssl verify -CAfile '$T/lab/ca.pem' device.crt >/dev/null"
}
pair cert_fetch cw_fetch peer_fetch
lab_stop
