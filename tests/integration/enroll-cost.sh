#!/bin/sh
# What a `certwiz cert fetch` costs, counted with strace (counts, not
# timings: deterministic): with the trust anchor installed, the preflight
# and the request ride one TLS connection (verified against that anchor);
# without it, the unverified first-contact /cacerts connection is never
# reused (two connections); the flow's journal is group-committed, so the
# whole fetch stays within an fsync budget, and the "send" intent record
# is on disk before a byte of the request leaves.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
command -v strace >/dev/null || skip "no strace (build-aux/install-deps)"
# LeakSanitizer cannot run under ptrace (sanitizer builds): the leak
# check stays on in every other test.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

FSYNC_BUDGET=25
lab_start
trace() {	# trace DIR: fetch under strace, the trace in DIR/trace
	CERTWIZ_WRAPPER="strace -f -qq -s 64 -e trace=connect,close,write,fsync,sendto -o $1/trace"
	new_otp
	fetch_rc 0 "$1"
	CERTWIZ_WRAPPER=
	valid_install "$1"
}
conns() { grep -c "connect(.*htons($PORT)" "$1/trace" || true; }

# Installed anchor: one connection, the fsync budget, intent before send.
d=$T/installed
cw_conf "$d"
mkdir -p "$d/cert" && cp "$T/lab/ca.pem" "$d/cert/trust-anchor.pem"
trace "$d"
n=$(conns "$d")
[ "$n" = 1 ] || fail "anchor installed: $n TLS connections to the service, want 1"
pass "anchor installed: preflight and request on one connection"
n=$(grep -c ' fsync(' "$d/trace" || true)
[ "$n" -le "$FSYNC_BUDGET" ] || fail "cert fetch made $n fsyncs, budget $FSYNC_BUDGET"
pass "cert fetch: $n fsyncs (budget $FSYNC_BUDGET)"
# The first event after the intent record's write on the journal's fd:
# its fsync, before any sendto().
awk '
	!fd && /write\([0-9]+, "[0-9]+ [^ ]+ intent step=simpleenroll what=send/ {
		fd = $2; sub(/^write\(/, "", fd); sub(/,.*/, "", fd); next
	}
	fd && $2 ~ "^fsync\\(" fd "\\)" { ok = 1; exit }
	fd && $2 ~ /^sendto\(/ { exit }
	END { exit !ok }' "$d/trace" ||
	fail "the send intent is not fsynced before the request goes out"
pass "the send intent is on disk before the request leaves"

# First contact: the unverified /cacerts connection is closed before the
# next one opens (never reused); then the check against the confirmed root
# (a new handshake), and one connection for preflight and request.
d=$T/bootstrap
cw_conf "$d"
trace "$d"
n=$(conns "$d")
[ "$n" = 3 ] || fail "first contact: $n TLS connections, want 3 (unverified bootstrap, check, enrollment)"
awk -v port="$PORT" '
	!fd && $0 ~ "connect\\(.*htons\\(" port "\\)" {
		fd = $2; sub(/^connect\(/, "", fd); sub(/,.*/, "", fd); next
	}
	fd && $2 ~ "^close\\(" fd "\\)" { ok = 1; exit }
	fd && $0 ~ "connect\\(.*htons\\(" port "\\)" { exit }
	END { exit !ok }' "$d/trace" ||
	fail "first contact: the unverified connection was not closed before the next one"
pass "first contact: the unverified /cacerts connection is closed, not reused ($n connections)"
