#!/bin/sh
# certwiz status / cert show against certificates made with the openssl
# CLI: every --json field compared with `openssl x509` output of the
# installed certificate, and the exit code of each state.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
command -v openssl >/dev/null || skip "openssl not installed"
SERIAL=007951000123456

write_conf
cat >> "$T/certwiz.conf" <<EOC
[enroll]
trust_anchor = $T/ca/root.crt
EOC
cd "$T"
mkdir ca cert
# Root CA -> issuing CA -> device certificate, like the enrollment service.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca/root.key -out ca/root.crt -subj "/CN=certwiz test root" -days 30 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca/inter.key -out ca/inter.csr -subj "/O=certwiz test/CN=issuing CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca/ca.ext
openssl x509 -req -in ca/inter.csr -CA ca/root.crt -CAkey ca/root.key -CAcreateserial \
	-extfile ca/ca.ext -out ca/inter.crt -days 30 2>/dev/null

# issue KEYSPEC DAYS: a device key and certificate into cert/.
issue() {
	rm -f cert/*
	openssl genpkey $1 -out cert/device.key 2>/dev/null
	chmod 600 cert/device.key
	openssl req -new -key cert/device.key -subj "/CN=$SERIAL" -out ca/dev.csr 2>/dev/null
	openssl x509 -req -in ca/dev.csr -CA ca/inter.crt -CAkey ca/inter.key \
		-CAcreateserial -out cert/device.crt -days "$2" 2>/dev/null
	cp ca/inter.crt cert/chain.pem
}

# j KEY: a value from the JSON in $T/out ("null" for null).
j() {
	"$PY" -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print("null" if v is None else v)' "$T/out" "$1"
}
same() { [ "$1" = "$2" ] || { cat "$T/out" >&2; fail "$3: '$1', want '$2'"; }; }
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

expect_rc 24 "$CERTWIZ" --config "$T/certwiz.conf" status --json
same "$(j state)" missing state
same "$(j fingerprint_sha256)" null fingerprint
same "$(j days_left)" null days_left
expect_rc 24 "$CERTWIZ" --config "$T/certwiz.conf" status
expect_out "Device certificate: not installed"
expect_out "certwiz cert fetch"
pass "no certificate: missing, exit 24"

for keyspec in "-algorithm EC -pkeyopt ec_paramgen_curve:P-256 ec-p256" "-algorithm RSA -pkeyopt rsa_keygen_bits:3072 rsa-3072"; do
	want_type=${keyspec##* }
	issue "${keyspec% *}" 30
	before=$(date +%s)
	expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" status --json
	after=$(date +%s)
	C=cert/device.crt
	same "$(j state)" valid state
	same "$(j subject)" "$(openssl x509 -in $C -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" subject
	same "$(j issuer)" "$(openssl x509 -in $C -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')" issuer
	same "$(j serial)" "$(openssl x509 -in $C -noout -serial | sed 's/^serial=//' | tr A-F a-f)" serial
	same "$(j fingerprint_sha256)" "$(openssl x509 -in $C -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr A-F a-f)" fingerprint
	nb=$(openssl x509 -in $C -noout -startdate | sed 's/^notBefore=//')
	na=$(openssl x509 -in $C -noout -enddate | sed 's/^notAfter=//')
	same "$(j not_before)" "$(iso "$nb")" not_before
	same "$(j not_after)" "$(iso "$na")" not_after
	na_s=$(date -u -d "$na" +%s)
	same "$(j renew_at)" "$(date -u -d "@$((na_s - 15 * 86400))" +%Y-%m-%dT%H:%M:%SZ)" renew_at
	d=$(j days_left)
	[ "$d" = $(((na_s - before) / 86400)) ] || [ "$d" = $(((na_s - after) / 86400)) ] ||
		fail "days_left $d does not match not_after $na"
	same "$(j key_type)" "$want_type" key_type
	same "$(j last_renewal_error)" null last_renewal_error
	same "$("$PY" -c 'import json, sys; print(",".join(json.load(open(sys.argv[1]))))' "$T/out")" \
		state,subject,issuer,serial,fingerprint_sha256,not_before,not_after,days_left,renew_at,key_type,last_renewal_error keys
	pass "status --json matches openssl x509 ($want_type)"
done

expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" status
expect_out "Device certificate: valid"
expect_out "^  Subject: +CN=$SERIAL$"
expect_out "[0-9]+ days left"
expect_out "^  Not after: +.* \([0-9-]+T[0-9:]+Z\)$"
anchor_fp=$(openssl x509 -in ca/root.crt -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr A-F a-f)
expect_out "^  Trust anchor: +CN=certwiz test root \(SHA-256 $anchor_fp\) in $T/ca/root.crt$"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" cert show --json
same "$(j state)" valid "cert show state"
pass "human status and cert show"

# Renewal due: 30-day certificate with renew_before_days = 40.
sed 's/^\[enroll\]$/[enroll]\nrenew_before_days = 40/' certwiz.conf > due.conf
expect_rc 20 "$CERTWIZ" --config "$T/due.conf" status --json
same "$(j state)" renewal_due state
pass "renewal due: exit 20"

# Expired: half a day after not_after (faketime at an absolute time, so a
# slow machine cannot move the answer), when available.
if command -v faketime >/dev/null; then
	issue "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" 1
	na=$(openssl x509 -in cert/device.crt -noout -enddate | cut -d= -f2)
	at=$(TZ=UTC date -u -d "$na + 12 hours" '+%Y-%m-%d %H:%M:%S')
	set +e
	# faketime preloads itself; an ASan build must not object to that.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 TZ=UTC \
		faketime -f "@$at" "$CERTWIZ" --config "$T/certwiz.conf" status --json >"$T/out" 2>&1
	rc=$?
	set -e
	[ "$rc" = 22 ] || { cat "$T/out" >&2; fail "expired: exit $rc, want 22"; }
	same "$(j state)" expired state
	same "$(j days_left)" -1 days_left
	pass "expired: exit 22"
fi

# Broken: a key that is not the certificate's.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cert/device.key 2>/dev/null
chmod 600 cert/device.key
expect_rc 23 "$CERTWIZ" --config "$T/certwiz.conf" status --json
same "$(j state)" broken state
expect_rc 23 "$CERTWIZ" --config "$T/certwiz.conf" status
expect_out "does not belong"
# Broken: chain does not reach the trust anchor.
issue "-algorithm EC -pkeyopt ec_paramgen_curve:P-256" 30
: > cert/chain.pem
expect_rc 23 "$CERTWIZ" --config "$T/certwiz.conf" status --json
same "$(j state)" broken state
pass "broken: exit 23"

expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" status --bogus
expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" cert frob
expect_rc 2 "$CERTWIZ" --config "$T/certwiz.conf" cert fetch --bogus
pass "bad options"
