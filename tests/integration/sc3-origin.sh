#!/bin/sh
# SC3 migration prerequisites (issue 14): the bundle records the unit that
# made it (serial, host name, management addresses, certwiz version) inside
# the encryption; a restore on a unit with no management address in common
# stops and names both lists, --yes overrides with a logged warning, a
# bundle without origin (older certwiz) needs --yes; --dry-run fetches,
# opens, verifies and compares without a swap; a flipped byte in the origin
# fields is refused by age's STREAM (and by `age -d`).  The tests set the
# addresses with [device] mgmt_addresses.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
PTY="$PY $top_srcdir/tests/interop/age-pty.py"
AGE=$(command -v age || true)

printf 'origin-test-master-key\n' > "$T/mk"; chmod 600 "$T/mk"

unit() {	# unit NAME SERIAL ADDRESSES: a unit under $T/NAME
	mkdir -p "$T/$1/sc3/ca"
	printf 'CA of %s\n' "$1" > "$T/$1/sc3/ca/ca.pem"
	cat > "$T/$1/certwiz.conf" <<EOC
[device]
serial = $2
mgmt_addresses = $3
[paths]
state_dir = $T/$1/state
sc3_dir = $T/$1/sc3
log_dir = $T/$1/log
[sc3]
restart_command =
[log]
syslog = no
EOC
}
cw() { u=$1; shift; "$CERTWIZ" --config "$T/$u/certwiz.conf" sc3 "$@" --master-key-file "$T/mk"; }
# cwtty UNIT ARGS: the same on a terminal (script(1)) whose admin answers
# "y" to the checklist: what certwiz checks itself must still stop it.
command -v script >/dev/null || skip "no script(1) (util-linux)"
cwtty() { u=$1; shift; printf 'y\n' | script -qec "$CERTWIZ --config $T/$u/certwiz.conf sc3 $* --master-key-file $T/mk" /dev/null; }
listing() { (cd "$T/$1" && find . -path ./state -prune -o -path ./log -prune -o -print |
	LC_ALL=C sort | while read -r f; do echo "$(stat -c %s "$f") $f"; done); }

unit old 007951000111111 "192.0.2.10, 2001:db8::10"
expect_rc 0 cw old backup --to "$T/bundle" $(wf 4)
pass "the old unit backs up"

# The manifest carries the origin, inside the encryption.
if [ -n "$AGE" ]; then
	expect_rc 0 $PTY "$T/mk" "$AGE" -d -o "$T/plain.tar" "$T/bundle"
	tar -xOf "$T/plain.tar" MANIFEST > "$T/manifest"
	head -1 "$T/manifest" | grep -qx "certwiz-sc3-bundle 2" || fail "manifest version"
	grep -qx "o serial 007951000111111" "$T/manifest" || fail "no serial in the manifest"
	grep -qx "o hostname $(hostname)" "$T/manifest" || fail "no hostname in the manifest"
	grep -qx "o address 192.0.2.10" "$T/manifest" || fail "no IPv4 address in the manifest"
	grep -qx "o address 2001:db8::10" "$T/manifest" || fail "no IPv6 address in the manifest"
	grep -q "^o version [0-9]" "$T/manifest" || fail "no version in the manifest"
	if grep -a -q "007951000111111" "$T/bundle"; then fail "the origin is readable without the key"; fi
	pass "the manifest records serial, host name, addresses and version, encrypted (age -d reads it)"
fi

# Another address: stopped, both lists named, nothing changed.
unit other 007951000222222 "192.0.2.99"
listing other > "$T/before"
expect_rc 11 cwtty other restore --from "$T/bundle"
expect_out "192\.0\.2\.10, 2001:db8::10"
expect_out "192\.0\.2\.99"
expect_out "same IP address"
listing other > "$T/after"
diff "$T/before" "$T/after" || fail "a refused restore changed the SC3 dir"
pass "no management address in common: stopped, both address lists shown, nothing changed"

# The checklist says what certwiz checks and what the admin confirms.
expect_out "certwiz checks"
expect_out "you confirm"
pass "the checklist separates what certwiz checks from what the admin confirms"

# --dry-run: the same comparison, and nothing kept.
expect_rc 11 cw other restore --from "$T/bundle" --dry-run
expect_out "192\.0\.2\.99"
listing other > "$T/after"
diff "$T/before" "$T/after" || fail "a dry run changed the SC3 dir"
pass "restore --dry-run compares the origin too"

# --yes: restored, with a warning on screen and in the log.
expect_rc 0 cw other restore --from "$T/bundle" --yes
expect_out "Warning: no management address in common"
[ "$(cat "$T/other/sc3/ca/ca.pem")" = "CA of old" ] || fail "--yes did not restore"
grep -q "WARNING.*(--yes): restoring although no management address is in common: bundle 192.0.2.10, 2001:db8::10, this unit 192.0.2.99" \
	"$T/other/log/sc3migration.log" || { cat "$T/other/log/sc3migration.log"; fail "the override is not logged"; }
pass "--yes overrides, logged as a warning in sc3migration.log"

# An address in common (written another way): restored without --yes
# being needed for the addresses (--yes only answers the checklist).
unit new 007951000333333 "10.0.0.1, 2001:DB8:0:0::10"
listing new > "$T/before"
expect_rc 0 cw new restore --from "$T/bundle" --dry-run
expect_out "Dry run"
expect_out "Bundle made on: serial 007951000111111"
expect_out "Checked: the master key opens the bundle, and this unit has the old unit's management address 2001:db8::10"
listing new > "$T/after"
diff "$T/before" "$T/after" || fail "a dry run changed the SC3 dir"
[ ! -e "$T/new/sc3.prev" ] || fail "a dry run swapped"
if ls -d "$T/new/state"/.sc3-check.* 2>/dev/null; then fail "a dry run left its copy"; fi
pass "restore --dry-run: fetched, opened, verified, compared; nothing changed or left"
expect_rc 0 cw new restore --from "$T/bundle" --yes
if grep -q "Warning" "$T/out"; then cat "$T/out"; fail "a warning with an address in common"; fi
[ "$(cat "$T/new/sc3/ca/ca.pem")" = "CA of old" ] || fail "not restored"
pass "an address in common (IPv6 in another spelling): restored"

# A flipped byte in the origin fields: the plaintext would name this unit's
# address (192.0.2.10 -> 192.0.2.19), but age's STREAM refuses the chunk.
if [ -n "$AGE" ]; then
	unit victim 007951000444444 "192.0.2.19"
	"$PY" - "$T/bundle" "$T/plain.tar" "$T/flipped" <<'PYEOF'
import sys
bundle, tar, out = sys.argv[1:]
data = bytearray(open(bundle, "rb").read())
plain = open(tar, "rb").read()
hdr = data.index(b"\n--- ")
hdr = data.index(b"\n", hdr + 1) + 1          # header end
pos = plain.index(b"o address 192.0.2.10\n") + len("o address 192.0.2.1")
data[hdr + 16 + pos] ^= ord("0") ^ ord("9")  # nonce, then the first chunk
open(out, "wb").write(data)
PYEOF
	listing victim > "$T/before"
	expect_rc 8 cwtty victim restore --from "$T/flipped"
	expect_out "altered"
	listing victim > "$T/after"
	diff "$T/before" "$T/after" || fail "an altered bundle changed the SC3 dir"
	expect_rc 1 $PTY "$T/mk" "$AGE" -d -o "$T/nope.tar" "$T/flipped"
	pass "a flipped byte in the origin fields is refused (altered), age -d refuses it too"
fi

# A bundle from an older certwiz (version 1 manifest, no origin): refused
# without --yes, with a clear message; restored with --yes and a warning.
if [ -n "$AGE" ]; then
	mkdir "$T/v1" && (cd "$T/v1" && tar -xf "$T/plain.tar")
	grep -v '^o ' "$T/v1/MANIFEST" | sed '1s/.*/certwiz-sc3-bundle 1/' > "$T/v1/M" && mv "$T/v1/M" "$T/v1/MANIFEST"
	tar -tf "$T/plain.tar" > "$T/v1.list"	# the same members, in order
	(cd "$T/v1" && tar --format=pax --no-recursion -cf "$T/v1.tar" -T "$T/v1.list")
	expect_rc 0 $PTY "$T/mk" "$AGE" -p -o "$T/v1.age" "$T/v1.tar"
	unit legacy 007951000555555 "192.0.2.10"
	expect_rc 11 cwtty legacy restore --from "$T/v1.age"
	expect_out "does not say which unit made it"
	expect_rc 0 cw legacy restore --from "$T/v1.age" --yes
	expect_out "Warning: the bundle does not say which unit made it"
	grep -q "WARNING.*without origin" "$T/legacy/log/sc3migration.log" || fail "not logged"
	pass "a bundle without origin (older certwiz): refused without --yes, restored with it (logged)"
fi
