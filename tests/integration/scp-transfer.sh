#!/bin/sh
# SCP round trips against a real sshd: byte-identical files, modes, the
# .part + mv upload, IPv6, overwrite, empty file, size cap, probe, cancel.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

start_sshd
trust
R=$T/remote
L=$T/local
mkdir -p "$R" "$L"
head -c 3000000 /dev/urandom > "$L/bundle"

expect_ok sti upload "$L/bundle" "$ME@127.0.0.1:$R/bundle"
cmp "$L/bundle" "$R/bundle" || fail "uploaded copy differs"
[ ! -e "$R/bundle.part" ] || fail "upload left bundle.part"
[ "$(stat -c %a "$R/bundle")" = 600 ] || fail "remote mode is not 600"
pass "upload is byte-identical, mode 600, no .part left"

expect_ok sti download "$ME@127.0.0.1:$R/bundle" "$L/back"
cmp "$L/bundle" "$L/back" || fail "downloaded copy differs"
[ "$(stat -c %a "$L/back")" = 600 ] || fail "local mode is not 600"
[ -z "$(ls -A "$L" | grep -v '^bundle$' | grep -v '^back$')" ] || fail "download left a temp file"
pass "download is byte-identical, mode 600, no temp file"

# Overwrite with other content: replaced as a whole.
head -c 1000 /dev/urandom > "$L/other"
expect_ok sti upload "$L/other" "$ME@127.0.0.1:$R/bundle"
cmp "$L/other" "$R/bundle" || fail "overwrite did not replace"
expect_ok sti download "$ME@127.0.0.1:$R/bundle" "$L/back"
cmp "$L/other" "$L/back" || fail "download did not replace the local file"
pass "overwrite both ways"

: > "$L/empty"
expect_ok sti upload "$L/empty" "$ME@127.0.0.1:$R/empty"
expect_ok sti download "$ME@127.0.0.1:$R/empty" "$L/empty2"
[ -f "$R/empty" ] && [ ! -s "$R/empty" ] && [ -f "$L/empty2" ] && [ ! -s "$L/empty2" ] ||
	fail "empty file round trip"
pass "empty file both ways"

# A path with spaces and a quote goes through the remote shell intact.
expect_ok sti upload "$L/other" "$ME@127.0.0.1:$R/it's a file"
cmp "$L/other" "$R/it's a file" || fail "quoted path"
pass "remote path with a space and a quote"

if grep -q "Server listening on ::1" "$S/sshd.log"; then
	echo "[::1]:$PORT $(cut -d' ' -f1,2 "$S/host_key.pub")" >> "$KH"
	expect_ok sti download "$ME@[::1]:$R/bundle" "$L/v6"
	cmp "$L/other" "$L/v6" || fail "IPv6 download differs"
	pass "IPv6 [::1]"
else
	echo "# no ::1 on this host: IPv6 not tested"
fi

# Size cap: a larger remote file is refused, the local file kept.
cp "$L/bundle" "$L/keep"
expect_code protocol sti --max-size 100 download "$ME@127.0.0.1:$R/bundle" "$L/keep"
cmp "$L/bundle" "$L/keep" || fail "capped download changed the local file"
pass "download over the size cap refused, local file intact"

expect_code io sti download "$ME@127.0.0.1:$R/missing" "$L/keep"
expect_out "No such file"
cmp "$L/bundle" "$L/keep" || fail "failed download changed the local file"
pass "missing remote file: clear error, local file intact"

# Cancel from the progress callback, both ways.
head -c 8000000 /dev/urandom > "$L/large"
cp "$L/other" "$R/good"
expect_code cancelled sti --cancel-at 1000000 upload "$L/large" "$ME@127.0.0.1:$R/good"
cmp "$L/other" "$R/good" || fail "cancelled upload changed the remote file"
[ ! -e "$R/good.part" ] || fail "cancelled upload left good.part"
cp "$L/large" "$R/large"
expect_code cancelled sti --cancel-at 1000000 download "$ME@127.0.0.1:$R/large" "$L/keep"
cmp "$L/bundle" "$L/keep" || fail "cancelled download changed the local file"
pass "cancel both ways: nothing replaced"

expect_ok sti probe "$ME@127.0.0.1:$R"
[ -z "$(ls -A "$R" | grep certwiz-probe || true)" ] || fail "probe file left behind"
pass "probe writes and removes its file"

[ "$("$SCPTOOL" fingerprint "$S/host_key.pub")" = "$(host_fp)" ] || fail "fingerprint differs from ssh-keygen -lf"
expect_ok sti connect "$ME@127.0.0.1:x"
grep -q "ssh-ed25519 $(host_fp)" "$T/out" || fail "connect shows another fingerprint"
pass "fingerprint matches ssh-keygen -lf"

# Confirmation of the remote copy: size, then content.
cp "$L/bundle" "$R/check"
expect_ok sti verify "$L/bundle" "$ME@127.0.0.1:$R/check"
printf 'x' | dd of="$R/check" bs=1 seek=1000 conv=notrunc 2>/dev/null
expect_ok sti --no-verify verify "$L/bundle" "$ME@127.0.0.1:$R/check"
expect_code protocol sti verify "$L/bundle" "$ME@127.0.0.1:$R/check"
expect_out "SHA-256"
head -c 100 "$L/bundle" > "$R/check"
expect_code protocol sti --no-verify verify "$L/bundle" "$ME@127.0.0.1:$R/check"
expect_out "100 bytes"
pass "remote copy confirmed by size and SHA-256; differences refused"
