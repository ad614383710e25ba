#!/bin/sh
# apply-chrony.sh - an answer file's [ntp] section against Debian's own
# chronyd with its stock configuration (in a private mount and network
# namespace, as ntp-chrony.sh: the machine's /etc/chrony and clock are not
# touched), certwiz's default [ntp] paths.  What chronyd uses is what
# chronyc says: after `certwiz apply` the lab server is a source with key
# ID 2 (SHA1), reached and authenticated; a second apply is unchanged
# (the key material compared with chrony's keyfile) and proves the time
# again through the daemon.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_private_ns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

command -v jq >/dev/null || skip "no jq (build-aux/install-deps)"
lab_system_chrony_dirs
PORT=$(lab_free_port)
lab_chronyd "$T/lab" "$PORT"
lab_system_chronyd

system_ntp_conf "$PORT"
mkdir -p "$T/answers"
key_file answers/sha1.key 4c61622053484131206b65792030303032212121
CW_TEST_SECRETS="4c61622053484131206b65792030303032212121"
printf '[ntp]\nprimary = 127.0.0.1\nprimary_key = 2:sha1:sha1.key\n' > "$T/answers/a.ini"
SOURCES=/etc/chrony/sources.d/certwiz.sources
ap() {	# ap WANT ARGS: certwiz apply, JSON in $T/out
	want=$1; shift
	set +e
	"$CERTWIZ" --config "$T/certwiz.conf" apply "$T/answers/a.ini" "$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" "$T/err" >&2; fail "apply $* exited $got, want $want"; }
}

ap 0 --check --json
[ "$(jq -r '.sections[0].result' "$T/out")" = changed ] || { cat "$T/out"; fail "--check: not changed"; }
[ ! -e "$SOURCES" ] || fail "--check wrote $SOURCES"

ap 0 --json
[ "$(jq -r '.sections[0].result' "$T/out")" = changed ] || { cat "$T/out"; fail "first apply: not changed"; }
grep -q "^server 127.0.0.1 port $PORT key 2 iburst" "$SOURCES" || { cat "$SOURCES" >&2; fail "no server line in $SOURCES"; }
chronyc -n sources > "$T/sources"
grep -Eq "^\^. 127\.0\.0\.1 " "$T/sources" || { cat "$T/sources" >&2; fail "chronyc sources does not list 127.0.0.1"; }
chronyc -n authdata > "$T/authdata"
grep -Eq "^127\.0\.0\.1 +SK +2 +2 +160 " "$T/authdata" ||
	{ cat "$T/authdata" >&2; fail "chronyc authdata does not show key 2 (type 2 = SHA1, 160 bits)"; }
chronyc -n ntpdata 127.0.0.1 | grep -Eq "^Authenticated +: Yes" || fail "chronyc ntpdata: not authenticated"
pass "apply: chronyc lists the server with key 2 SHA1, authenticated"

cp "$SOURCES" "$T/sources.1"; cp /etc/chrony/chrony.keys "$T/keys.1"
ap 0 --json
[ "$(jq -r '[.changed, .sections[0].result] | @tsv' "$T/out")" = "false	unchanged" ] || { cat "$T/out"; fail "second apply"; }
jq -r '.sections[0].message' "$T/out" | grep -q "the time is proven" || fail "second apply: the time was not proven"
cmp -s "$SOURCES" "$T/sources.1" && cmp -s /etc/chrony/chrony.keys "$T/keys.1" || fail "the second apply rewrote chrony's files"
pass "second apply: unchanged, chrony's files untouched, the time proven through chronyd"
