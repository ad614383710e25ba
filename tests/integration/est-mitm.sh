#!/bin/sh
# CA bootstrap against a man in the middle (issue 18, 1): a service with
# TLS from its own CA whose /cacerts answers [genuine root, its own root]
# or [its own, genuine].  The admin confirms the genuine root
# (--accept-ca): the MITM never receives the OTP (its log records every
# Authorization header it gets: none), nothing is installed, and its CA is
# in no anchor file.  Against the genuine service, /cacerts with
# [root, intermediate, other root]: the root and the intermediate are
# installed, the other root is not; a confirmed certificate that is not a
# root is refused.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

lab_start
GENUINE_URL=$URL
GENUINE_PORT=$PORT
GFP=$(lab_fp)

# The MITM: its own state (own CA "other", TLS from it); its "ca" entry is
# the genuine root it relays (a copy of the lab's files: the fixture never
# uses the key, only the certificate goes into /cacerts).
M=$T/mitm
mkdir -p "$M"
cp "$T/lab/ca.pem" "$T/lab/ca.key" "$M/"
PYTHON3=$PY sh "$LAB" est-start "$M" --untrusted --cacerts ca,other >/dev/null
CW_PIDS="$CW_PIDS $(cat "$M/pid")"
MITM_URL=https://127.0.0.1:$(cat "$M/port")/.well-known/est
MFP=$(fingerprint "$M/other-ca.pem")
[ "$MFP" != "$GFP" ] || fail "the MITM's CA is the lab's"

# anchor_lacks FILE FP: FILE (if any) holds no certificate with that SHA-256.
anchor_lacks() {
	[ -e "$1" ] || return 0
	openssl crl2pkcs7 -nocrl -certfile "$1" | openssl pkcs7 -print_certs >"$T/anchor.certs"
	awk '/BEGIN CERT/{n++; f=sprintf("'"$T"'/ac%d.pem", n)} f{print > f}' "$T/anchor.certs"
	for c in "$T"/ac*.pem; do
		[ -e "$c" ] || continue
		[ "$(fingerprint "$c")" != "$2" ] || fail "the anchor $1 holds the certificate $2"
	done
	rm -f "$T"/ac*.pem
}

for order in ca,other other,ca; do
	"$PY" "$ESTD" set --state "$M" --cacerts "$order"
	D=$T/m-$order
	URL=$MITM_URL
	cw_conf "$D"
	new_otp
	fetch_rc 6 "$D"
	expect_out 'does not chain to the confirmed root'
	expect_out "$MFP"
	expect_out "$GFP"
	grep -q "auth=" "$M/estd.log" && { cat "$M/estd.log"; fail "the MITM received an Authorization header ($order)"; }
	grep -q "simpleenroll" "$M/estd.log" && fail "the MITM received an enrollment request ($order)"
	[ ! -e "$D/cert/trust-anchor.pem" ] || fail "a trust anchor was installed after the MITM's TLS failed ($order)"
	anchor_lacks "$D/cert/trust-anchor.pem" "$MFP"
	[ ! -e "$D/cert/device.crt" ] || fail "a certificate was installed ($order)"
	# The OTP was not used: the genuine service takes it.
	URL=$GENUINE_URL
	cw_conf "$T/g-$order"
	fetch_rc 0 "$T/g-$order"
	valid_install "$T/g-$order"
	pass "MITM /cacerts [$order]: its TLS does not chain to the confirmed root, no Authorization header reached it, nothing installed, the OTP still works"
done
PORT=$GENUINE_PORT
URL=$GENUINE_URL
lab_set --cacerts ca

# Renewal: the mTLS connection verifies against the installed anchor only;
# pointed at the MITM, it fails before any request reaches it.
D=$T/g-ca,other
sed -i "s|^url = .*|url = $MITM_URL|" "$D/certwiz.conf"
before=$(snapshot "$D")
cw_rc 6 "$D" renew --force
grep -q "simplereenroll" "$M/estd.log" && fail "the MITM received a renewal request"
[ "$(snapshot "$D")" = "$before" ] || fail "a renewal against the MITM changed installed files"
pass "renewal against the MITM: refused by TLS (only the installed anchor is trusted), nothing sent, nothing changed"

# The genuine service sends root, intermediate and another root.
lab_set --cacerts ca,inter,other
D=$T/chain
cw_conf "$D"
new_otp
fetch_rc 0 "$D"
expect_out "$(fingerprint "$T/lab/inter-ca.pem")"
valid_install "$D"
a=$D/cert/trust-anchor.pem
[ "$(grep -c 'BEGIN CERTIFICATE' "$a")" = 2 ] || { cat "$a"; fail "the anchor does not hold exactly root + intermediate"; }
anchor_lacks "$a" "$(fingerprint "$T/lab/other-ca.pem")"
openssl verify -CAfile "$T/lab/ca.pem" "$a" >/dev/null 2>&1 || true
head -n "$(grep -n 'END CERTIFICATE' "$a" | head -1 | cut -d: -f1)" "$a" >"$T/first.pem"
[ "$(fingerprint "$T/first.pem")" = "$GFP" ] || fail "the anchor's first certificate is not the confirmed root"
openssl verify -CAfile "$T/first.pem" "$T/lab/inter-ca.pem" >/dev/null || fail "the installed intermediate does not chain to the root"
pass "/cacerts [root, intermediate, other root]: root and intermediate installed, the other root not"

# Confirming the intermediate (not a root) is refused; nothing installed.
D=$T/notroot
cw_conf "$D"
new_otp
fetch_as 8 "$D" "$(fingerprint "$T/lab/inter-ca.pem")"
expect_out 'not a root'
[ ! -e "$D/cert/trust-anchor.pem" ] || fail "an anchor was installed for a non-root"
pass "a confirmed certificate that is not a root is refused (exit 8), nothing installed"
lab_set --cacerts ca

otp_never_on_disk
