#!/bin/sh
# EST in its stricter modes (issue 19), `certwiz cert fetch` against the
# lab, the issued certificate checked with openssl:
#  - /csrattrs enforced (P-384, ecdsa-with-SHA384, serialNumber,
#    macAddress, emailAddress): enrolls; the certificate carries them;
#    the summary and the journal name them
#  - no [device] contact_email: stops in the preflight, before the OTP
#    prompt, naming the OID, its name and the config key (exit 16)
#  - an attribute certwiz has nothing for: the same, without a key
#  - [enroll] key_type set and different: said, and it wins
#  - PoP linking required over TLS 1.2: enrolls (tls-unique matches);
#    over TLS 1.3 a refusal reported as PoP, not as a wrong OTP (exit 15);
#    announced by /csrattrs over TLS 1.3: stopped before the OTP (exit 15);
#    pop_linking = required: TLS 1.2, enrolls
#  - HTTP Digest: enrolls
#  - manual approval: 202 + Retry-After, exit 18, then the same command
#    with the same OTP after approval enrolls
#  - a policy refusal: exit 17, the server's reason shown
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

# The management interface: the first one with a real MAC address.
IF= MAC=
for d in /sys/class/net/*; do
	n=${d##*/}
	[ "$n" != lo ] || continue
	m=$(cat "$d/address" 2>/dev/null || true)
	case $m in ??:??:??:??:??:??) [ "$m" != 00:00:00:00:00:00 ] && { IF=$n MAC=$m; break; } ;; esac
done
[ -n "$IF" ] || skip "no network interface with a MAC address"

# conf_device DIR [ENROLL LINES]: cw_conf plus contact_email and the
# management interface.
conf_device() {
	cw_conf "$1" "${2:-}"
	sed -i "s|^serial = .*|&\ncontact_email = ops@example.com\nmgmt_interface = $IF|" "$1/certwiz.conf"
}
journal_text() { cat "$1"/state/journal/*.journal "$1"/state/journal/done/*.journal 2>/dev/null || true; }
run_of() { ls "$1/state/journal" | grep '^enroll-.*\.journal$' | sed 's/\.journal$//'; }
n_enroll() { grep -c 'POST /.well-known/est/simpleenroll' "$T/lab/estd.log" || true; }

# ---- CSR attributes enforced
lab_start --csrattrs enforced
D=$T/attrs
conf_device "$D"
new_otp
fetch_rc 0 "$D"
expect_out "request: *ec-p384, sha384, serialNumber=$SERIAL, macAddress=$MAC \\($IF\\), emailAddress=ops@example.com"
valid_install "$D"
c=$D/cert/device.crt
openssl x509 -in "$c" -noout -text >"$T/text"
grep -q 'NIST CURVE: P-384' "$T/text" || fail "the key is not P-384"
grep -q 'Signature Algorithm: ecdsa-with-SHA384' "$T/text" || fail "not signed with SHA-384"
openssl x509 -in "$c" -noout -subject -nameopt RFC2253 >"$T/subj"
grep -q "serialNumber=$SERIAL" "$T/subj" || { cat "$T/subj"; fail "no serialNumber in the subject"; }
grep -q "emailAddress=ops@example.com" "$T/subj" || { cat "$T/subj"; fail "no emailAddress in the subject"; }
grep -A1 '1.3.6.1.1.1.1.22' "$T/text" | grep -q "$MAC" || { cat "$T/text"; fail "no macAddress $MAC in the certificate"; }
journal_text "$D" | grep -q "macAddress=$MAC" || fail "the journal does not record the CSR attributes used"
pass "csrattrs enforced: P-384 key, SHA-384, serialNumber, macAddress, emailAddress in the certificate; shown and journaled"

# ---- the renewal asks /csrattrs too: the new key is P-384 again, and the
# strict server (which checks a renewal's request as well) accepts it.
old_fp=$(openssl x509 -in "$c" -noout -fingerprint -sha256)
cw_rc 0 "$D" renew --force
new_fp=$(openssl x509 -in "$c" -noout -fingerprint -sha256)
[ "$old_fp" != "$new_fp" ] || fail "renew --force installed no new certificate"
openssl x509 -in "$c" -noout -text | grep -q 'NIST CURVE: P-384' || fail "the renewed key is not P-384"
openssl x509 -in "$c" -noout -subject -nameopt RFC2253 | grep -q "emailAddress=ops@example.com" ||
	fail "no emailAddress in the renewed certificate"
pass "renewal under enforced csrattrs: P-384 again, attributes kept, accepted"

# ---- no contact e-mail: stopped before the OTP prompt
D=$T/noemail
cw_conf "$D"
sed -i "s|^serial = .*|&\nmgmt_interface = $IF|" "$D/certwiz.conf"
n0=$(n_enroll)
fetch_as 16 "$D" "$(lab_fp)" "$T/no-such-otp-file"
expect_out '1\.2\.840\.113549\.1\.9\.1'
expect_out 'emailAddress'
expect_out '\[device\] contact_email'
grep -q 'one-time password\]\|Enter the one-time password' "$T/out" && fail "the OTP was asked for"
[ "$(n_enroll)" = "$n0" ] || fail "a request was sent"
cw_rc 0 "$D" journal abandon "$(run_of "$D")"
pass "no [device] contact_email: stopped in the preflight before the OTP prompt (exit 16), OID, name and key named"

# ---- an attribute certwiz cannot fill at all
lab_set --csrattrs offered --csrattrs-extra 2.5.4.12
D=$T/title
conf_device "$D"
fetch_as 16 "$D" "$(lab_fp)" "$T/no-such-otp-file"
expect_out '2\.5\.4\.12 \(title\)'
cw_rc 0 "$D" journal abandon "$(run_of "$D")"
pass "an attribute certwiz cannot fill (title) stops the preflight (exit 16)"

# ---- [enroll] key_type set and different: it wins, and says so
lab_set --csrattrs offered --csrattrs-extra ""
D=$T/keytype
conf_device "$D" "key_type = rsa-3072"
new_otp
fetch_rc 0 "$D"
expect_out 'key_type = rsa-3072 is set: certwiz makes that key, although the EST server asks for ec-p384'
openssl x509 -in "$D/cert/device.crt" -noout -text | grep -q 'Public-Key: (3072 bit)' || fail "not an RSA 3072 key"
openssl x509 -in "$D/cert/device.crt" -noout -text | grep -q 'Signature Algorithm: ecdsa-with-SHA384' || fail "not signed with SHA-384"
pass "[enroll] key_type wins over /csrattrs and is announced; the hash is still SHA-384"
lab_stop

# ---- PoP linking required, TLS 1.2: the request's tls-unique matches
lab_start --tls 1.2 --pop required
D=$T/pop12
cw_conf "$D"
new_otp
fetch_rc 0 "$D"
expect_out 'linking: *tls-unique of the TLS 1.2 connection'
valid_install "$D"
grep -q 'bound to the connection (tls-unique)' "$D/log/enroll.log" || fail "enroll.log does not say the request was bound"
pass "PoP linking required over TLS 1.2: the CSR carries the connection's tls-unique, enrolled"
# The renewal is linked too: the strict service checks a renewal's
# tls-unique as it checks an enrollment's.
old_fp=$(openssl x509 -in "$D/cert/device.crt" -noout -fingerprint -sha256)
cw_rc 0 "$D" renew --force
[ "$(openssl x509 -in "$D/cert/device.crt" -noout -fingerprint -sha256)" != "$old_fp" ] || fail "renew --force installed no new certificate"
openssl verify -CAfile "$T/lab/ca.pem" "$D/cert/device.crt" >/dev/null || fail "the renewed certificate does not verify"
grep -q 'renewal request sent over TLSv1.2, bound to the connection (tls-unique)' "$D/log/renew.log" || fail "renew.log does not say the renewal was bound"
grep -q 'simplereenroll 200' "$T/lab/estd.log" || fail "the lab issued no renewal"
pass "PoP linking required: the renewal's CSR carries its connection's tls-unique, renewed"
lab_stop

# ---- PoP linking required, TLS 1.3 without /csrattrs: a PoP refusal
lab_start --pop required
D=$T/pop13
cw_conf "$D"
new_otp
fetch_rc 15 "$D"
expect_out 'proof-of-possession'
expect_out 'Proof of Possession Mismatch'
expect_out 'may have counted this attempt'
expect_out 'pop_linking = required'
grep -q 'refused the one-time password' "$T/out" && fail "a PoP refusal was reported as a wrong OTP"
cw_rc 0 "$D" journal abandon "$(run_of "$D")"
pass "PoP refusal over TLS 1.3 reported as such (exit 15), with the server's reason, not as a wrong OTP"

# pop_linking = required: TLS 1.2 with the same service; the OTP was not spent.
cw_conf "$D" "pop_linking = required"
fetch_rc 0 "$D"
valid_install "$D"
pass "pop_linking = required caps TLS at 1.2: enrolled with the same OTP"

# /csrattrs announces linking, the connection is TLS 1.3: stopped before the OTP.
lab_set --csrattrs offered
D=$T/pop13b
conf_device "$D"
n0=$(n_enroll)
fetch_as 15 "$D" "$(lab_fp)" "$T/no-such-otp-file"
expect_out 'TLS 1.3 does not have'
[ "$(n_enroll)" = "$n0" ] || fail "a request was sent"
cw_rc 0 "$D" journal abandon "$(run_of "$D")"
pass "linking asked by /csrattrs over TLS 1.3: stopped in the preflight (exit 15)"
lab_stop

# ---- HTTP Digest
lab_start --auth digest
D=$T/digest
cw_conf "$D"
new_otp
fetch_rc 0 "$D"
valid_install "$D"
grep -q 'simpleenroll 200 serial=.* auth=digest' "$T/lab/estd.log" || { cat "$T/lab/estd.log"; fail "not enrolled with Digest"; }
# The Digest credentials (libcurl's copies) are wiped too.
new_otp
enroll_rc 0 --key "$T/kd.pem" --scan-memory
expect_otp_wiped
pass "HTTP Digest authentication: enrolled; no copy of the OTP left in memory"

# ---- policy refusal
lab_set --fail policy --endpoint simpleenroll
D=$T/policy
cw_conf "$D"
new_otp
fetch_rc 17 "$D"
expect_out "policy"
expect_out 'not permitted by CA policy'
cw_rc 0 "$D" journal abandon "$(run_of "$D")"
lab_set --fail none
pass "a policy refusal has its own message and exit code (17), with the server's reason"
lab_stop

# ---- manual approval: 202 + Retry-After, then the same command resumes
lab_start --approval manual --retry-after 1
D=$T/manual
cw_conf "$D"
new_otp
fetch_rc 18 "$D"
expect_out 'manual approval'
expect_out 'same one-time password'
"$PY" "$ESTD" approve "$SERIAL" --state "$T/lab"
fetch_rc 0 "$D"
valid_install "$D"
pass "manual approval: exit 18 while pending, then the same command with the same OTP enrolls"
lab_stop

otp_never_on_disk
