#!/bin/sh
# `make demo` (tests/lab/demo.sh) on a fresh directory gives what every
# menu entry needs, and each job works end to end against it: the
# connectivity check reaches the lab's own services (listed beside the
# seed's), NTP is set against the lab chronyd (as root), the certificate is
# enrolled, the sample SC3 directory (a demo CA with its key and PEM files)
# is backed up over SCP to the target, port and key demo.conf names, and
# restored.  The wizard's place is taken by a script that runs those jobs
# with the configuration the demo wrote.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
"$PY" -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
[ -x /usr/sbin/sshd ] || skip "openssh-server missing"

D=$T/demo
cat > "$T/jobs.sh" <<EOS
#!/bin/sh
set -eu
conf=\$2
cw() { "$CERTWIZ" --config "\$conf" "\$@"; }
get() { sed -n "s/^\$1 = //p" "\$conf"; }
{
set +e
cw check --json > "$T/check.json"; echo "check \$?"
if [ -f "$D/lab/chrony/chrony.keys" ]; then
	printf '4c61622053484131206b65792030303032212121\n' > "$T/ntp.key"; chmod 600 "$T/ntp.key"
	cw ntp set --primary 127.0.0.1 --primary-key 2:sha1:$T/ntp.key > "$T/ntp.out" 2>&1; echo "ntp \$?"
fi
PYTHON3=$PY sh "$top_srcdir/tests/lab/lab.sh" est-otp "$D/lab/est" "\$(get serial)" |
	cw cert fetch --otp-file - --yes --accept-ca "\$(openssl x509 -in $D/lab/est/ca.pem -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')" > "$T/fetch.out" 2>&1
echo "fetch \$?"
cw sc3 backup --to "\$(get target)" > "$T/backup.out" 2>&1; echo "backup \$?"
cw sc3 restore --from "\$(get target)" --yes > "$T/restore.out" 2>&1; echo "restore \$?"
cw status --json > "$T/status.json"; echo "status \$?"
} > "$T/rcs"
EOS
chmod +x "$T/jobs.sh"
set +e
sh "$top_srcdir/tests/lab/demo.sh" "$top_srcdir" "$T/jobs.sh" "$D" </dev/null >"$T/demo.out" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$T/demo.out" >&2; fail "demo.sh exited $rc"; }
rc_of() { sed -n "s/^$1 //p" "$T/rcs"; }

# What the demo made.
[ -f "$D/sc3/ca/demo-ca.crt" ] && [ -f "$D/sc3/ca/demo-ca.key" ] || fail "no demo CA in the SC3 directory"
[ "$(ls "$D/sc3/certs/"*.pem | wc -l)" -ge 3 ] || fail "no PEM files in the SC3 directory"
for f in "$D"/sc3/certs/*.pem; do
	openssl verify -CAfile "$D/sc3/ca/demo-ca.crt" "$f" >/dev/null || fail "$f does not verify against the demo CA"
done
grep -q "^port = [0-9]" "$D/demo.conf" && grep -q "^identity = /" "$D/demo.conf" &&
	grep -q "^target = .*@127.0.0.1:" "$D/demo.conf" || { cat "$D/demo.conf" >&2; fail "demo.conf has no SCP target, port and identity"; }
pass "the demo made a sample SC3 directory (CA, key, PEM files) and an SCP target in demo.conf"

# The connectivity check: the lab's services are in the list and reachable.
est=$(sed -n 's|^url = https://\([^/]*\)/.*|\1|p' "$D/demo.conf")
ssh_port=$(sed -n 's/^port = //p' "$D/demo.conf" | tail -n 1)
"$PY" - "$T/check.json" "$est" "127.0.0.1:$ssh_port" <<'EOP' || { cat "$T/check.json" >&2; fail "check"; }
import json, sys
d = json.load(open(sys.argv[1]))
items = d.get("endpoints", d.get("results", d)) if isinstance(d, dict) else d
text = json.dumps(d)
for ep in sys.argv[2:]:
    host, port = ep.rsplit(":", 1)
    ok = [e for e in items if isinstance(e, dict) and e.get("host") == host and str(e.get("port")) == port and e.get("ok", e.get("status") == "ok")]
    if not ok:
        sys.exit("%s not reachable in the check" % ep)
if "ocsp.paloaltonetworks.com" not in text:
    sys.exit("the seed's endpoints are missing")
EOP
pass "the connectivity check lists the seed's endpoints and reaches the lab's own"

if [ -n "$(rc_of ntp)" ]; then
	[ "$(rc_of ntp)" = 0 ] || { cat "$T/ntp.out" >&2; fail "ntp set exited $(rc_of ntp)"; }
	pass "NTP set against the lab chronyd"
fi
[ "$(rc_of fetch)" = 0 ] || { cat "$T/fetch.out" >&2; fail "cert fetch exited $(rc_of fetch)"; }
openssl verify -CAfile "$D/lab/est/ca.pem" "$D/cert/device.crt" >/dev/null || fail "the certificate does not verify"
pass "the certificate is enrolled from the lab"
[ "$(rc_of backup)" = 0 ] || { cat "$T/backup.out" >&2; fail "sc3 backup exited $(rc_of backup)"; }
[ -s "$D/sc3-remote/sc3.age" ] || fail "no bundle at the SCP target"
[ "$(rc_of restore)" = 0 ] || { cat "$T/restore.out" >&2; fail "sc3 restore exited $(rc_of restore)"; }
openssl verify -CAfile "$D/sc3/ca/demo-ca.crt" "$D/sc3/certs/firewall-1.pem" >/dev/null || fail "the restored SC3 files"
pass "SC3 backup and restore over SCP with demo.conf's port, key and known host"
[ "$(rc_of status)" = 0 ] || fail "status exited $(rc_of status)"
pass "every job works on the demo"
