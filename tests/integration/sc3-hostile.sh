#!/bin/sh
# Hostile SC3 bundles (issue 18): made in the real format (a pax tar with
# the MANIFEST first, tests/integration/sc3-craft.py) and encrypted with the
# master key by Debian's `age`, so that they open: what is inside is still
# input.  Each is given to `certwiz sc3 restore --from FILE --yes` with the
# file size limited to 64 MiB (a restore that writes more is killed) and
# must be refused with its reason, under 1 GiB RSS, with the SC3 dir and
# its parent exactly as before (no staging directory left).  The times are
# printed, not asserted (make bench measures).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
CRAFT="$PY $top_srcdir/tests/integration/sc3-craft.py"
PTY="$PY $top_srcdir/tests/interop/age-pty.py"
AGE=$(command -v age || true)
[ -n "$AGE" ] || { [ -n "${CI:-}" ] && fail "age is missing: run build-aux/install-deps"; skip "Debian's age is not installed (build-aux/install-deps installs it)"; }

printf 'hostile-test-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
mkdir -p "$T/unit/sc3/ca"
printf 'the CA this unit has\n' > "$T/unit/sc3/ca/ca.pem"
cat > "$T/certwiz.conf" <<EOC
[device]
serial = 007951000123456
mgmt_addresses = 192.0.2.10
[paths]
state_dir = $T/unit/state
sc3_dir = $T/unit/sc3
log_dir = $T/unit/log
[sc3]
restart_command =
max_restore_bytes = 64K
[log]
syslog = no
EOC

listing() { (cd "$T/unit" && find . -path ./state -prune -o -path ./log -prune -o -print |
	LC_ALL=C sort | while read -r f; do echo "$(stat -c '%a %s' "$f") $f"; done); }
listing > "$T/before"

# seal CASE: the case's tar, encrypted by age with the master key.
seal() {
	$CRAFT tar "$1" "$T/$1.tar"
	$PTY "$T/mk" "$AGE" -p -o "$T/$1.age" "$T/$1.tar" 2>"$T/age.err" || { cat "$T/age.err"; fail "age -p $1"; }
}

# refused CASE BUNDLE PATTERN: restore refused, PATTERN in the output,
# limits kept, nothing written.
refused() {
	case_=$1 bundle=$2 want=$3
	rm -rf "$T/unit/state" "$T/unit/log"
	$CRAFT run "$T/res" -- "$CERTWIZ" --config "$T/certwiz.conf" sc3 restore \
		--from "$bundle" --master-key-file "$T/mk" --yes >"$T/out" 2>&1
	read -r res < "$T/res"
	rc=${res#rc=}; rc=${rc%% *}
	rss=${res##*maxrss_kb=}
	case $rc in
	0) cat "$T/out" >&2; fail "$case_: the hostile bundle was restored" ;;
	-*) cat "$T/out" >&2; fail "$case_: certwiz was killed (signal ${rc#-}): it wrote past 64 MiB or worse" ;;
	esac
	grep -Eq -- "$want" "$T/out" || { cat "$T/out" >&2; fail "$case_: output lacks /$want/"; }
	[ "$rss" -lt 1048576 ] || fail "$case_: max RSS $rss KiB, not under 1 GiB"
	listing > "$T/after"
	diff "$T/before" "$T/after" >&2 || fail "$case_: the SC3 dir or its parent changed"
	pass "$case_ refused ($res)"
}

# The control: a valid bundle made the same way restores.
seal good
sed -i 's/^max_restore_bytes = 64K$/max_restore_bytes = 1G/' "$T/certwiz.conf"
expect_rc 0 "$CERTWIZ" --config "$T/certwiz.conf" sc3 restore --from "$T/good.age" \
	--master-key-file "$T/mk" --yes
[ "$(cat "$T/unit/sc3/ca/ca.pem")" = "CA certificate" ] || fail "control bundle not restored"
rm -rf "$T/unit/sc3"; mv "$T/unit/sc3.prev" "$T/unit/sc3"
pass "control: a crafted valid bundle restores"

# With the default cap (1 GiB): sparse, inflating, links, special files.
for c in sparse inflate symlink hardlink fifo device; do seal "$c"; done
[ "$(stat -c %s "$T/sparse.age")" -lt 20000 ] || fail "the sparse bundle is not small"
refused sparse "$T/sparse.age" "sparse"
refused inflate "$T/inflate.age" "sparse|size differs"
refused symlink "$T/symlink.age" "link, device or FIFO"
refused hardlink "$T/hardlink.age" "link, device or FIFO"
refused fifo "$T/fifo.age" "link, device or FIFO"
refused device "$T/device.age" "link, device or FIFO"

# The age header's work factor is not authenticated: 22 is refused before
# scrypt runs (2^22 would take 4 GiB), the message names the factor.
$CRAFT workfactor "$T/good.age" 22 "$T/wf22.age"
refused workfactor-22 "$T/wf22.age" "work factor 22"

# [sc3] max_restore_bytes: a file over it, and files that together are.
sed -i 's/^max_restore_bytes = 1G$/max_restore_bytes = 64K/' "$T/certwiz.conf"
seal big; seal total
refused oversized-file "$T/big.age" "more than the 65536 allowed"
refused oversized-total "$T/total.age" "more than the 65536 bytes allowed"
grep -q "bundle refused (too-big)" "$T/unit/log/sc3migration.log" || fail "the refusal is not in sc3migration.log"
pass "refusals logged in sc3migration.log"

# Free space: the SC3 dir on a 64 KiB tmpfs (a private mount namespace, the
# machine's mounts untouched): a 100000-byte bundle is refused before the
# staging directory is made.
sed -i 's/^max_restore_bytes = 64K$/max_restore_bytes = 1G/' "$T/certwiz.conf"
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	mkdir -p "$T/small"; rm -rf "$T/unit/state"
	sed "s#^sc3_dir = .*#sc3_dir = $T/small/sc3#" "$T/certwiz.conf" > "$T/small.conf"
	set +e
	unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$T/small' && mkdir '$T/small/sc3' &&
		echo old > '$T/small/sc3/old.pem' &&
		'$CERTWIZ' --config '$T/small.conf' sc3 restore --from '$T/big.age' \
			--master-key-file '$T/mk' --yes; rc=\$?; ls -A '$T/small' > '$T/small.list'; exit \$rc" >"$T/out" 2>&1
	rc=$?
	set -e
	[ "$rc" = 4 ] || { cat "$T/out"; fail "free space: exit $rc, want 4"; }
	expect_out "has [0-9]+ free"
	[ "$(cat "$T/small.list")" = sc3 ] || fail "free space: left $(cat "$T/small.list")"
	pass "more than the free space of the SC3 file system: refused before extracting"
else
	echo "note: no private mount namespace (unshare -m): free-space case not run"
fi
