#!/bin/sh
# The SC3 bundle against two independent age implementations: Debian's
# `age` (Go; passphrases only from a terminal, so driven through a pty) and
# the npm `age-encryption` package (TypeScript, from a Node script).  Each
# decrypts a bundle certwiz sealed, and certwiz opens and restores what each
# encrypted, binary and armored.  Then refusals through the CLI: wrong key,
# truncated, altered, not an age file; the SC3 dir never changes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
PTY="$PY $top_srcdir/tests/interop/age-pty.py"
NODE_JS="$top_srcdir/tests/interop/age-node.mjs"
NODE_PREFIX=${CW_NODE_PREFIX:-/usr/local/lib/certwiz-tests}
AGE=$(command -v age || true)

[ -n "$AGE" ] || { [ -n "${CI:-}" ] && fail "age is missing: run build-aux/install-deps"; skip "Debian's age is not installed (build-aux/install-deps installs it)"; }
have_node=yes
if ! command -v node >/dev/null 2>&1 || [ ! -f "$NODE_PREFIX/node_modules/age-encryption/package.json" ]; then
	[ -n "${CI:-}" ] && fail "npm age-encryption missing under $NODE_PREFIX: run build-aux/install-deps"
	have_node=no
	echo "note: npm age-encryption not under $NODE_PREFIX: Node interop not run"
fi

write_conf
mkdir -p "$T/sc3/ca" "$T/sc3/phosphorus"
chmod 750 "$T/sc3"
printf 'CA certificate\n' > "$T/sc3/ca/ca.pem"; chmod 644 "$T/sc3/ca/ca.pem"
printf 'CA private key\n' > "$T/sc3/ca/ca.key"; chmod 600 "$T/sc3/ca/ca.key"
head -c 200000 /dev/urandom > "$T/sc3/phosphorus/keys.bin"; chmod 640 "$T/sc3/phosphorus/keys.bin"
printf 'pem with a space in its name\n' > "$T/sc3/phosphorus/node 2.pem"; chmod 600 "$T/sc3/phosphorus/node 2.pem"
printf 'master-key-of-this-unit\n' > "$T/mk"; chmod 600 "$T/mk"
printf 'another-key\n' > "$T/wrongkey"; chmod 600 "$T/wrongkey"

# A listing of a tree: mode, size, content hash, name.
tree() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
	if [ -d "$f" ]; then echo "$(stat -c %a "$f") dir $f"
	else echo "$(stat -c '%a %s' "$f") $(sha256sum < "$f" | cut -c1-64) $f"; fi; done
	stat -c '%a root' .); }
tree "$T/sc3" > "$T/orig.list"

# A second appliance: its own SC3 dir, restored into.
sed "s#$T/sc3#$T/new/sc3#" "$T/certwiz.conf" > "$T/new.conf"
mkdir -p "$T/new/sc3"; echo old > "$T/new/sc3/old.pem"

cw() { "$CERTWIZ" --config "$T/certwiz.conf" "$@"; }
cwnew() { "$CERTWIZ" --config "$T/new.conf" "$@"; }

# -- certwiz seals (age's own default work factor, 18), age decrypts.
expect_rc 0 cw sc3 seal --to "$T/b18" --master-key-file "$T/mk"
[ "$(stat -c %a "$T/b18")" = 600 ] || fail "bundle mode is not 0600"
expect_rc 0 $PTY "$T/mk" "$AGE" -d -o "$T/age.tar" "$T/b18"
[ "$(tar tf "$T/age.tar" | head -1)" = MANIFEST ] || fail "MANIFEST is not the first member"
mkdir "$T/x" && tar xf "$T/age.tar" -C "$T/x"
cmp "$T/x/sc3/phosphorus/keys.bin" "$T/sc3/phosphorus/keys.bin" || fail "age decrypted other bytes"
grep -q "^f 0640 200000 $(sha256sum < "$T/sc3/phosphorus/keys.bin" | cut -c1-64) phosphorus/keys.bin$" "$T/x/MANIFEST" ||
	fail "manifest line for keys.bin"
expect_rc 1 $PTY "$T/wrongkey" "$AGE" -d -o "$T/nope.tar" "$T/b18"
pass "Debian age decrypts a bundle certwiz sealed (work factor 18), not with a wrong key"

# -- age encrypts (binary and armored), certwiz opens and restores.
expect_rc 0 $PTY "$T/mk" "$AGE" -p -o "$T/byage" "$T/age.tar"
expect_rc 0 $PTY "$T/mk" "$AGE" -p -a -o "$T/byage.asc" "$T/age.tar"
head -1 "$T/byage.asc" | grep -q -- '-----BEGIN AGE ENCRYPTED FILE-----' || fail "age -a output"
expect_rc 0 cwnew sc3 open --from "$T/byage.asc" --master-key-file "$T/mk" --verify-only
expect_rc 0 cwnew sc3 open --from "$T/byage" --master-key-file "$T/mk"
tree "$T/new/sc3" > "$T/new.list"
diff "$T/orig.list" "$T/new.list" || fail "restored tree differs (content or modes)"
[ -f "$T/new/sc3.prev/old.pem" ] || fail "previous SC3 dir not kept as .prev"
pass "certwiz restores bundles Debian age encrypted (binary, armored): same files, same modes"

if [ "$have_node" = yes ]; then
	expect_rc 0 cw sc3 seal --to "$T/b10" --master-key-file "$T/mk" $(wf 10)
	expect_rc 0 node "$NODE_JS" decrypt "$T/mk" "$T/b10" "$T/node.tar"
	mkdir "$T/y" && tar xf "$T/node.tar" -C "$T/y"
	diff -r "$T/x" "$T/y" || fail "age-encryption decrypted other content"
	expect_rc 1 node "$NODE_JS" decrypt "$T/wrongkey" "$T/b10" "$T/nope.tar"
	expect_rc 0 node "$NODE_JS" encrypt "$T/mk" "$T/node.tar" "$T/bynode" --work-factor 12
	expect_rc 0 node "$NODE_JS" encrypt "$T/mk" "$T/node.tar" "$T/bynode.asc" --armor --work-factor 12
	rm -rf "$T/new/sc3" "$T/new/sc3.prev"; mkdir -p "$T/new/sc3"; echo old > "$T/new/sc3/old.pem"
	expect_rc 0 cwnew sc3 open --from "$T/bynode.asc" --master-key-file "$T/mk" --verify-only
	expect_rc 0 cwnew sc3 open --from "$T/bynode" --master-key-file "$T/mk"
	tree "$T/new/sc3" > "$T/new.list"
	diff "$T/orig.list" "$T/new.list" || fail "restored tree differs (content or modes)"
	pass "npm age-encryption decrypts certwiz's bundle, certwiz restores what it encrypted"
fi

# -- refusals: the SC3 dir and its parent stay as they are.
before=$(tree "$T/new/sc3"; ls -a "$T/new")
expect_rc 7 cwnew sc3 open --from "$T/byage" --master-key-file "$T/wrongkey"
expect_out 'reason: wrong-key'
size=$(stat -c %s "$T/byage")
head -c $((size - 1000)) "$T/byage" > "$T/cut"
expect_rc 8 cwnew sc3 open --from "$T/cut" --master-key-file "$T/mk"
expect_out 'reason: (truncated|altered)'
head -c $((16 + 65536 + 16 + $(head -4 "$T/byage" | wc -c))) "$T/byage" > "$T/cut"
expect_rc 8 cwnew sc3 open --from "$T/cut" --master-key-file "$T/mk"
expect_out 'reason: truncated'
cp "$T/byage" "$T/flip"
printf 'X' | dd of="$T/flip" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_rc 8 cwnew sc3 open --from "$T/flip" --master-key-file "$T/mk"
expect_out 'reason: altered'
expect_rc 8 cwnew sc3 open --from "$T/age.tar" --master-key-file "$T/mk"
expect_out 'reason: not-age'
after=$(tree "$T/new/sc3"; ls -a "$T/new")
[ "$before" = "$after" ] || fail "a refused bundle changed the SC3 dir or its parent"
pass "wrong key, truncated, altered and foreign files refused; nothing changed"
