#!/bin/sh
# ntp-ntpsec.sh - certwiz with [ntp] daemon = ntpsec and its default paths
# against a real ntpd (NTPsec) running the package's stock
# /etc/ntpsec/ntp.conf, in a private mount and network namespace (the
# machine's /etc, /var/lib are not touched).  ntpd runs without
# CAP_SYS_TIME (setpriv), so it cannot set or slew the clock: its
# ntp_adjtime calls fail with EPERM, which the test checks in its log.
# The NTP server is the lab chronyd with keys on 192.0.2.2, port 123
# (ntpd has no server port option), in a network namespace of its own.
#
# ntpd re-reads ntp.conf and its keys only when it starts: the reload
# command restarts it (on an appliance: systemctl restart ntpsec, the
# default).  What ntpd uses is what ntpq says:
#  - after `ntp set`: ntp.conf keeps every stock line and gains one
#    includefile line; `ntpq -p` lists 192.0.2.2, `ntpq -c associations`
#    shows auth ok, readvar shows keyid=2 and reach > 0;
#  - a wrong key: ntpd reaches nothing, `ntp set` fails with ntpd's view,
#    the previous files are back and ntpd runs them again.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_private_ns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

# The Debian package conflicts with chrony (both provide time-daemon):
# build-aux/install-deps unpacks it under NTPSEC_PREFIX instead.
: "${NTPSEC_PREFIX:=/usr/local/lib/certwiz-tests/ntpsec}"
if [ -x /usr/sbin/ntpd ] && [ -x /usr/bin/ntpq ] && [ -f /etc/ntpsec/ntp.conf ]; then
	NTPD=/usr/sbin/ntpd NTPQ=/usr/bin/ntpq STOCK=/etc/ntpsec
else
	NTPD=$NTPSEC_PREFIX/usr/sbin/ntpd NTPQ=$NTPSEC_PREFIX/usr/bin/ntpq
	STOCK=$NTPSEC_PREFIX/etc/ntpsec
fi
[ -x "$NTPD" ] && [ -x "$NTPQ" ] && [ -f "$STOCK/ntp.conf" ] ||
	skip "ntpsec is not installed (run build-aux/install-deps)"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is missing"

ns_private /etc/ntpsec /var/lib/ntpsec /var/log/ntpsec
[ -f /etc/ntpsec/ntp.conf ] || cp -a "$STOCK/." /etc/ntpsec/
cp /etc/ntpsec/ntp.conf "$T/stock.conf"

# ntpd talks to port 123 only and takes every local address's port 123
# (and refuses 127.x servers other than 127.0.0.1): the lab server lives in
# a network namespace of its own, 192.0.2.2, joined to ours (192.0.2.1) by
# a veth pair that exists in these two private namespaces only.
unshare -n sleep 3600 &
NSPID=$!
CW_PIDS="$CW_PIDS $NSPID"
sleep 0.1
ip link add cw0 type veth peer name lab0 || skip "no veth support"
ip link set lab0 netns "$NSPID"
ip addr add 192.0.2.1/24 dev cw0
ip link set cw0 up
nsenter -t "$NSPID" -n sh -c 'ip link set lo up; ip addr add 192.0.2.2/24 dev lab0; ip link set lab0 up'
mkdir -p "$T/lab"
labpid=$(nsenter -t "$NSPID" -n env PYTHON3="$PYTHON3" sh "$LAB/chronyd.sh" start "$T/lab" 123 192.0.2.2) ||
	fail "the lab chronyd did not start"
CW_PIDS="$CW_PIDS $labpid"

# The reload: stop ntpd, start it again without CAP_SYS_TIME, detached
# (its own session, its output in files), wait until ntpq gets an answer.
cat > "$T/restart-ntpd.sh" <<EOS
pidf=$T/ntpd.pid
if [ -f "\$pidf" ]; then
	pid=\$(cat "\$pidf"); kill "\$pid" 2>/dev/null
	i=0; while kill -0 "\$pid" 2>/dev/null && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
	rm -f "\$pidf"
fi
setsid -f setpriv --bounding-set -sys_time --inh-caps -sys_time \\
	$NTPD -n -c /etc/ntpsec/ntp.conf -p "\$pidf" -l $T/ntpd.log </dev/null >/dev/null 2>&1
i=0
until [ -f "\$pidf" ] && $NTPQ -n -c "rv 0 version" >/dev/null 2>&1; do
	i=\$((i + 1)); [ \$i -lt 100 ] || { echo "ntpd did not start" >&2; exit 1; }
	sleep 0.1
done
EOS
stop_ntpd() { [ -f "$T/ntpd.pid" ] && kill "$(cat "$T/ntpd.pid")" 2>/dev/null || true; }
trap 'rc=$?; stop_ntpd; (exit $rc); cleanup' EXIT INT TERM
sh "$T/restart-ntpd.sh" || fail "ntpd did not start"
grep -q "ntp_adjtime: Operation not permitted" "$T/ntpd.log" ||
	{ cat "$T/ntpd.log" >&2; fail "ntpd could adjust the clock: it must run without CAP_SYS_TIME"; }

write_conf
cat >> "$T/certwiz.conf" <<EOC
[ntp]
daemon = ntpsec
ntpq = $NTPQ
reload_command = sh $T/restart-ntpd.sh
timeout_ms = 800
reach_wait_s = 15
EOC
cw() { "$CERTWIZ" --config "$T/certwiz.conf" "$@"; }
key_file sha1.key 4c61622053484131206b65792030303032212121
key_file wrong.key 0000000000000000000000000000000000000001
CONF=/etc/ntpsec/certwiz.conf
KEYS=/etc/ntpsec/ntp.keys
CW_TEST_SECRETS="4c61622053484131206b65792030303032212121"

# ---- set
expect_rc 0 cw ntp set --primary 192.0.2.2 --primary-key "2:sha1:$T/sha1.key"
expect_out "the time daemon \(ntpsec\) uses the servers"
expect_out "The time is proven"
head -n "$(wc -l < "$T/stock.conf")" /etc/ntpsec/ntp.conf | cmp -s - "$T/stock.conf" ||
	fail "the stock lines of ntp.conf changed"
[ "$(grep -c "^includefile $CONF\$" /etc/ntpsec/ntp.conf)" = 1 ] || fail "no includefile line for $CONF"
grep -q "^keys $KEYS\$" "$CONF" && grep -q "^trustedkey 2\$" "$CONF" &&
	grep -q "^server 192.0.2.2 key 2 iburst\$" "$CONF" || { cat "$CONF" >&2; fail "snippet"; }
grep -q "^2 SHA1 4c61622053484131206b65792030303032212121\$" "$KEYS" || fail "key 2 not in ntp.keys"
[ "$(stat -c %a "$KEYS")" = 600 ] || [ "$(stat -c %a "$KEYS")" = 640 ] || fail "ntp.keys mode $(stat -c %a "$KEYS")"
pass "ntp set wrote the included snippet and ntp.keys, ntp.conf kept"

"$NTPQ" -n -p > "$T/peers"
grep -q "192\.0\.2\.2" "$T/peers" || { cat "$T/peers" >&2; fail "ntpq -p does not list 192.0.2.2"; }
"$NTPQ" -n -c associations > "$T/assoc"
assid=""
for a in $(awk '$1 ~ /^[0-9]+$/ { print $2 }' "$T/assoc"); do
	"$NTPQ" -n -c "rv $a srcadr,keyid,reach" > "$T/rv"
	grep -q "srcadr=192.0.2.2" "$T/rv" && assid=$a && break
done
[ -n "$assid" ] || { cat "$T/assoc" >&2; fail "no association for 192.0.2.2"; }
grep -q "keyid=2" "$T/rv" || { cat "$T/rv" >&2; fail "the association has no keyid 2"; }
grep -Eq "reach=0*[1-7][0-7]*" "$T/rv" || { cat "$T/rv" >&2; fail "reach is 0"; }
awk -v a="$assid" '$2 == a { print $6 }' "$T/assoc" | grep -qx ok ||
	{ cat "$T/assoc" >&2; fail "ntpq associations: auth is not ok"; }
pass "ntpq: 192.0.2.2 listed, keyid 2, auth ok, reach > 0"

cw_json 0 ntp show --json
jexpect 'd["daemon"]' ntpsec
jexpect 'd["conf_file"]' "$CONF"
jexpect 'd["keys_file"]' "$KEYS"
jexpect 'd["servers"][0]["daemon"]["listed"]' True
jexpect 'd["servers"][0]["daemon"]["key_id"]' 2
jexpect 'd["servers"][0]["daemon"]["authenticated"]' True
jexpect 'd["servers"][0]["daemon"]["reach"] > 0' True
expect_rc 0 cw ntp test
pass "ntp show and ntp test report what ntpd reports"

# ---- a wrong key
cp "$CONF" "$T/good.conf"
cp "$KEYS" "$T/good.keys"
cp /etc/ntpsec/ntp.conf "$T/good.ntp.conf"
expect_rc 9 cw ntp set --primary 192.0.2.2 --primary-key "2:sha1:$T/wrong.key"
expect_out "the time daemon \(ntpsec\) has had no valid answer from the primary NTP server '192\.0\.2\.2'"
expect_out "previous NTP configuration was restored"
cmp -s "$CONF" "$T/good.conf" || fail "the snippet was not restored"
cmp -s "$KEYS" "$T/good.keys" || fail "ntp.keys was not restored"
cmp -s /etc/ntpsec/ntp.conf "$T/good.ntp.conf" || fail "ntp.conf changed"
expect_rc 0 cw ntp test
pass "a wrong key: ntp set failed with ntpd's view, previous configuration back and in use"
