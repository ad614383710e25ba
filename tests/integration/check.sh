#!/bin/sh
# certwiz check against real loopback peers: a TLS server with a
# self-signed certificate (not trusted), one with a certificate from a CA
# given as [network] ca_file (trusted), a plain TCP listener, a closed port
# (refused), an unresolvable name (DNS), a listener whose full backlog drops
# every SYN (timeout), and a wildcard entry checked through its
# representative host.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
# Loopback peers only: no proxy from the environment (tested via config).
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
command -v openssl >/dev/null || skip "openssl not installed"

# Certificates: a self-signed one, and a CA + a server certificate for 127.0.0.1.
cd "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout self.key -out self.crt -subj /CN=127.0.0.1 -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ca.key -out ca.crt -subj /CN=certwiz-test-ca -days 2 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > srv.ext
openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-extfile srv.ext -out srv.crt -days 2 2>/dev/null

# An expired server certificate from the same CA, when faketime can backdate it.
EXPIRED_PEER=
if command -v faketime >/dev/null; then
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout old.key -out old.csr -subj /CN=127.0.0.1 2>/dev/null
	faketime -f -3d openssl x509 -req -in old.csr -CA ca.crt -CAkey ca.key \
		-CAcreateserial -extfile srv.ext -out old.crt -days 1 2>/dev/null
	EXPIRED_PEER="tls:$T/old.crt:$T/old.key"
fi

"$PY" "$top_srcdir/tests/integration/check-peer.py" "$T/ports" \
	"tls:$T/self.crt:$T/self.key" "tls:$T/srv.crt:$T/srv.key" $EXPIRED_PEER \
	tcp blackhole closed "proxy:$T/proxy.log" &
CW_PIDS="$CW_PIDS $!"
i=0
while [ ! -f "$T/ports" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the test peers did not start"
	sleep 0.1
done
port() { awk -v n="$1" -v k="${2:-1}" '$1 == n { if (++c == k) print $2 }' "$T/ports"; }
SELF=$(port tls 1); GOOD=$(port tls 2); TCP=$(port tcp); BH=$(port blackhole); CLOSED=$(port closed)
PROXY=$(port proxy)

write_conf
cat >> "$T/certwiz.conf" <<EOC
[network]
endpoints = 127.0.0.1:$SELF, 127.0.0.1:$GOOD, 127.0.0.1:$TCP, 127.0.0.1:$CLOSED, nonexistent.invalid:80, *.wild.test:$TCP, [::1]:$CLOSED
tls_ports = $SELF,$GOOD
wildcard_hosts = *.wild.test=127.0.0.1
ca_file = $T/ca.crt
# Generous: a loaded CI machine (sanitizers, parallel jobs) must not time
# out on loopback.  The blackhole has its own short timeout below.
timeout_ms = 20000
EOC

# field ENDPOINT KEY: one value from the JSON report in $T/out.
field() {
	"$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
e = [x for x in d["endpoints"] if x["endpoint"] == sys.argv[2]]
v = e[0][sys.argv[3]] if e else d[sys.argv[3]]
print(str(v).lower() if isinstance(v, bool) else v)' "$T/out" "$1" "$2"
}
want() {
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || { cat "$T/out" >&2; fail "$1: $2 is '$got', want '$3'"; }
}

set +e
"$CERTWIZ" --config "$T/certwiz.conf" check --json >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" = 6 ] || { cat "$T/out" "$T/err" >&2; fail "check --json exited $rc, want 6"; }
want - ok false
want - failed 4
want "127.0.0.1:$SELF" stage tls
want "127.0.0.1:$SELF" reason "TLS: certificate not trusted"
want "127.0.0.1:$GOOD" ok true
want "127.0.0.1:$GOOD" tls true
want "127.0.0.1:$TCP" ok true
want "127.0.0.1:$TCP" tls false
want "127.0.0.1:$CLOSED" stage tcp
want "127.0.0.1:$CLOSED" reason "TCP $CLOSED: connection refused"
want nonexistent.invalid:80 stage dns
want nonexistent.invalid:80 reason "DNS: no such host"
want "*.wild.test:$TCP" ok true
want "*.wild.test:$TCP" host 127.0.0.1
# Nothing listens on ::1 (refused, or unreachable without IPv6): a TCP failure.
want "[::1]:$CLOSED" stage tcp
want "[::1]:$CLOSED" host ::1
pass "check --json: every failure named with its stage and reason, exit 6"

expect_rc 6 "$CERTWIZ" --config "$T/certwiz.conf" check
expect_out "^ENDPOINT +RESULT +TIME +REASON"
expect_out "^127\.0\.0\.1:$SELF +FAILED +[0-9]+ ms +TLS: certificate not trusted$"
expect_out "^127\.0\.0\.1:$GOOD +ok +[0-9]+ ms$"
expect_out "^nonexistent\.invalid:80 +FAILED +[0-9]+ ms +DNS: no such host$"
expect_out "checked through 127\.0\.0\.1"
expect_out "4 of 7 endpoints cannot be reached"
pass "check: aligned table and a summary on failure"

# The blackhole: the SYN is dropped, the connect times out.
cat > "$T/bh.conf" <<EOC
[log]
syslog = no
[network]
endpoints = 127.0.0.1:$BH
timeout_ms = 1500
EOC
expect_rc 6 "$CERTWIZ" --config "$T/bh.conf" check --json
want "127.0.0.1:$BH" stage tcp
want "127.0.0.1:$BH" reason "TCP $BH: timed out after 1.5 s"
pass "a blackhole times out with the configured timeout"

# Without ca_file the CA-signed server is not trusted either: the trust
# store really is consulted.
sed -i '/^ca_file/d' "$T/certwiz.conf"
expect_rc 6 "$CERTWIZ" --config "$T/certwiz.conf" check --json
want "127.0.0.1:$GOOD" reason "TLS: certificate not trusted"
pass "the TLS check verifies against the trust store"

# The trusted server's certificate names 127.0.0.1, not localhost; an
# expired certificate is named as such.
cat > "$T/tls.conf" <<EOC
[log]
syslog = no
[network]
endpoints = localhost:$GOOD
tls_ports = $GOOD
ca_file = $T/ca.crt
timeout_ms = 20000
EOC
expect_rc 6 "$CERTWIZ" --config "$T/tls.conf" check --json
want "localhost:$GOOD" stage tls
want "localhost:$GOOD" reason "TLS: certificate is not for 'localhost'"
if [ -n "$EXPIRED_PEER" ]; then
	OLD=$(port tls 3)
	sed -i "s/^endpoints = .*/endpoints = 127.0.0.1:$OLD/; s/^tls_ports = .*/tls_ports = $OLD/" "$T/tls.conf"
	expect_rc 6 "$CERTWIZ" --config "$T/tls.conf" check --json
	want "127.0.0.1:$OLD" reason "TLS: certificate expired"
fi
pass "TLS: name mismatch and expired certificate"

# All reachable: exit 0.
cat > "$T/ok.conf" <<EOC
[log]
syslog = no
[network]
endpoints = 127.0.0.1:$GOOD, 127.0.0.1:$TCP
tls_ports = $GOOD
ca_file = $T/ca.crt
timeout_ms = 20000
EOC
expect_rc 0 "$CERTWIZ" --config "$T/ok.conf" check
expect_out "^127\.0\.0\.1:$TCP +ok"
pass "check exits 0 when every endpoint is reachable"

# Through a proxy from the environment: every endpoint is reached with a
# CONNECT tunnel (the proxy logs the targets), TLS still verified end to end.
: > "$T/proxy.log"
expect_rc 0 env https_proxy="http://127.0.0.1:$PROXY" http_proxy="http://127.0.0.1:$PROXY" \
	"$CERTWIZ" --config "$T/ok.conf" check --json
grep -qx "127.0.0.1:$GOOD" "$T/proxy.log" || fail "the TLS endpoint was not reached through the proxy"
grep -qx "127.0.0.1:$TCP" "$T/proxy.log" || fail "the TCP endpoint was not reached through the proxy"
pass "the proxy from the environment is used"

# [network] proxy wins over the environment; a dead proxy fails every endpoint.
: > "$T/proxy.log"
cp "$T/ok.conf" "$T/proxy.conf"
printf 'proxy = http://127.0.0.1:%s\n' "$PROXY" >> "$T/proxy.conf"
expect_rc 0 env https_proxy="http://127.0.0.1:$CLOSED" http_proxy="http://127.0.0.1:$CLOSED" \
	"$CERTWIZ" --config "$T/proxy.conf" check --json
grep -qx "127.0.0.1:$GOOD" "$T/proxy.log" || fail "[network] proxy was not used"
# The proxy cannot reach a closed port: it says so (HTTP 502).
sed -i "s/^endpoints = .*/endpoints = 127.0.0.1:$CLOSED/" "$T/proxy.conf"
expect_rc 6 "$CERTWIZ" --config "$T/proxy.conf" check --json
want "127.0.0.1:$CLOSED" stage proxy
want "127.0.0.1:$CLOSED" reason "proxy: cannot reach it (HTTP 502)"
printf 'proxy = http://127.0.0.1:%s\n' "$CLOSED" >> "$T/ok.conf"
expect_rc 6 "$CERTWIZ" --config "$T/ok.conf" check --json
want "127.0.0.1:$TCP" reason "proxy: connection refused"
want "127.0.0.1:$GOOD" stage proxy
# no_proxy exempts a host: then it is reached directly.
expect_rc 0 env no_proxy=127.0.0.1 "$CERTWIZ" --config "$T/ok.conf" check --json
want "127.0.0.1:$TCP" ok true
pass "[network] proxy is used; its failures are named as the proxy's"

printf '[network]\ntls_ports = 443,x\n' > "$T/bad.conf"
expect_rc 3 "$CERTWIZ" --config "$T/bad.conf" check
printf '[network]\nwildcard_hosts = gp.com=x\n' > "$T/bad.conf"
expect_rc 3 "$CERTWIZ" --config "$T/bad.conf" check
expect_rc 2 "$CERTWIZ" --config "$T/ok.conf" check --bogus
pass "bad [network] values and options are refused"
