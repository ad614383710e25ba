# scp-lib.sh - sourced by the scp-*.sh tests: a lab sshd under $T/sshd
# (started by PID, stopped by lib.sh's cleanup), the scptool driver, and
# helpers.  Assertions are on the error code line "code=NAME".
. "$top_srcdir/tests/lib.sh"

SCPTOOL=$top_builddir/tests/integration/scptool
LAB="$top_srcdir/tests/lab/sshd.sh"
[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (Debian: openssh-server)"
command -v ssh-keygen >/dev/null || skip "no ssh-keygen"
[ -x "$SCPTOOL" ] || fail "$SCPTOOL not built"

S=$T/sshd
KH=$T/known_hosts
ME=$(id -un)
unset SSH_AUTH_SOCK
sh "$LAB" init "$S"

# start_sshd [PORT]
start_sshd() {
	PORT=$(sh "$LAB" start "$S" ${1:-})
	CW_PIDS="$CW_PIDS $(cat "$S/pid")"
}
stop_sshd() { sh "$LAB" stop "$S"; }
host_fp() { ssh-keygen -lf "$S/host_key.pub" | awk '{print $2}'; }
# Trusts the lab's current host key the way ssh-keyscan writes it.
trust() { echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$S/host_key.pub")" >> "$KH"; }
# scptool with the lab's defaults; more options may follow.
st() { "$SCPTOOL" --no-agent --port "$PORT" --known-hosts "$KH" --timeout-ms 5000 "$@"; }
sti() { st --identity "$S/id_ed25519" "$@"; }

# expect_code NAME CMD...: CMD fails and reports code=NAME.
expect_code() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" != 0 ] || { cat "$T/out" >&2; fail "'$*' succeeded, want code=$want"; }
	grep -q "^code=$want\$" "$T/out" || { cat "$T/out" >&2; fail "'$*': want code=$want"; }
}
expect_ok() {
	"$@" >"$T/out" 2>&1 || { cat "$T/out" >&2; fail "'$*' failed"; }
}
# All descendants of a PID (sshd's per-connection processes), from /proc
# (no procps in a minimal system).
children() {
	# "PID (comm) STATE PPID ...": the PPID follows the last ')'.
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '{
		pid = $1; sub(/^.*\) /, ""); if ($2 == p) print pid }'
}
descendants() {
	for c in $(children "$1"); do
		echo "$c"
		descendants "$c"
	done
}
# expect_fixed STRING: grep -F in the last output.
expect_fixed() {
	grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "output lacks '$1'"; }
}
