#!/bin/sh
# Failures against a real sshd, each with a clear code and nothing lost:
# remote path not writable, remote dir missing, connection cut mid-upload
# and mid-download (sshd's per-connection processes killed by PID), a
# server that accepts TCP but never speaks (timeout), no server at all.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

start_sshd
trust
R=$T/remote
L=$T/local
mkdir -p "$R" "$L"
echo "the good copy" > "$R/good"
echo "the good local copy" > "$L/keep"
cp "$R/good" "$T/good.ref"
cp "$L/keep" "$T/keep.ref"
head -c 32000000 /dev/urandom > "$L/large"

# ---- remote directory not writable
RO=$R/ro
mkdir -p "$RO"
cp "$R/good" "$RO/good"
IMMUTABLE=
if [ "$(id -u)" != 0 ]; then
	chmod 555 "$RO"
elif chattr +i "$RO" 2>/dev/null; then
	IMMUTABLE=1
	trap 'chattr -i "$RO" 2>/dev/null; cleanup' EXIT INT TERM
else
	RO=/sys	# root may write anywhere else; sysfs refuses new files
fi
expect_code io sti upload "$L/large" "$ME@127.0.0.1:$RO/good"
expect_out "Permission denied|Operation not permitted"
[ "$RO" = /sys ] || cmp "$RO/good" "$T/good.ref" || fail "unwritable dir: good file changed"
expect_code io sti probe "$ME@127.0.0.1:$RO"
[ -z "$IMMUTABLE" ] || chattr -i "$RO"
[ "$(id -u)" = 0 ] || chmod 755 "$RO"
pass "remote path not writable: refused, good remote file intact"

expect_code io sti upload "$L/keep" "$ME@127.0.0.1:$R/no/such/dir/file"
expect_out "No such file"
pass "remote directory missing: refused"

# ---- the connection cut while data flows
cut_during() {
	rm -f "$T/mark"
	st --identity "$S/id_ed25519" --marker "$T/mark" "$@" >"$T/out" 2>&1 &
	tool=$!
	i=0
	while [ ! -e "$T/mark" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$T/mark" ] || { kill "$tool"; fail "transfer never got going"; }
	for p in $(descendants "$(cat "$S/pid")"); do kill -9 "$p" 2>/dev/null || true; done
	set +e
	wait "$tool"
	rc=$?
	set -e
	[ "$rc" != 0 ] || { cat "$T/out" >&2; fail "transfer survived the cut"; }
	grep -q '^code=network$' "$T/out" || { cat "$T/out" >&2; fail "cut: want code=network"; }
}

cut_during upload "$L/large" "$ME@127.0.0.1:$R/good"
cmp "$R/good" "$T/good.ref" || fail "cut upload replaced the good remote file"
pass "connection cut mid-upload: network error, good remote file intact"

cp "$L/large" "$R/large"
cut_during download "$ME@127.0.0.1:$R/large" "$L/keep"
cmp "$L/keep" "$T/keep.ref" || fail "cut download replaced the good local file"
[ "$(ls -A "$L" | grep -cv '^keep$\|^large$' || true)" = 0 ] || { ls -la "$L" >&2; fail "cut download left a temp file"; }
pass "connection cut mid-download: network error, good local file intact, no temp file"

# stall_during WHAT ARGS...: runs the transfer, stops every sshd process
# serving it (stopped, not killed) once it is under way, and expects the
# I/O timeout to end the wait: a network error that says so.
stall_during() {
	what=$1
	rm -f "$T/mark"
	st --timeout-ms 1000 --identity "$S/id_ed25519" --marker "$T/mark" \
	    "$@" >"$T/out" 2>&1 &
	tool=$!
	i=0
	while [ ! -e "$T/mark" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	STOPPED=$(descendants "$(cat "$S/pid")")
	for p in $STOPPED; do kill -STOP "$p" 2>/dev/null || true; done
	set +e
	wait "$tool"
	rc=$?
	set -e
	for p in $STOPPED; do kill -9 "$p" 2>/dev/null || true; kill -CONT "$p" 2>/dev/null || true; done
	[ "$rc" != 0 ] && grep -q '^code=network$' "$T/out" || { cat "$T/out" >&2; fail "$what stall: want code=network"; }
	grep -q "no answer" "$T/out" || { cat "$T/out" >&2; fail "$what stall: message does not say it timed out"; }
}

stall_during download "$ME@127.0.0.1:$R/large" "$L/keep"
cmp "$L/keep" "$T/keep.ref" || fail "stalled download replaced the good local file"
pass "server stalls mid-download: I/O timeout, good local file intact"

# While uploading: the server stops taking data, the window stays shut,
# the blocked write ends with the timeout.
stall_during upload "$L/large" "$ME@127.0.0.1:$R/good"
cmp "$R/good" "$T/good.ref" || fail "stalled upload replaced the good remote file"
pass "server stalls mid-upload: I/O timeout, good remote file intact"

# The server still works afterwards (only the connection was cut).
expect_ok sti download "$ME@127.0.0.1:$R/good" "$L/keep"
cmp "$L/keep" "$T/good.ref" || fail "download after the cut"

# ---- a server that accepts but never answers: the timeout ends it.
kill -STOP "$(cat "$S/pid")"
expect_code network st --timeout-ms 1000 --identity "$S/id_ed25519" connect "$ME@127.0.0.1:x"
kill -CONT "$(cat "$S/pid")"
pass "silent server: timeout"

stop_sshd
expect_code network sti connect "$ME@127.0.0.1:x"
pass "no server: connection refused"

# ---- an scp-only account (no other command): the upload stays in
# PATH.part, PATH is unchanged, and the error says so.
cp "$top_srcdir/tests/lab/scp-only.sh" "$T/scp-only.sh"
chmod 755 "$T/scp-only.sh"
sh "$LAB" config "$S" "ForceCommand $T/scp-only.sh"
start_sshd "$PORT"
cp "$T/good.ref" "$R/good"
expect_code protocol sti upload "$L/keep" "$ME@127.0.0.1:$R/good"
expect_out "good.part"
expect_out "scp only"
cmp "$R/good" "$T/good.ref" || fail "scp-only: good file changed"
cmp "$R/good.part" "$L/keep" || fail "scp-only: the data is not in good.part"
expect_code protocol sti probe "$ME@127.0.0.1:$R"
pass "scp-only account: data left in PATH.part, PATH unchanged, clear error"
stop_sshd
