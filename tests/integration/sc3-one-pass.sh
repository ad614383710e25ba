#!/bin/sh
# SC3 backup and restore do each byte's work once (issue 17), proven with
# strace on the real binary:
#  - a backup reads every SC3 file exactly once (hashed while tarred), and
#    the sealed bundle twice (the proof, the copy), never for a hash alone;
#  - a restore decrypts and extracts while it copies: the staging file is
#    created before the last read of the source, no copy of the bundle is
#    written or read back, the staging tree is synced by one syncfs;
#  - a restore killed in the middle of the copy (source: a FIFO that stays
#    open) leaves the SC3 directory untouched; the same command then
#    resumes, completes from the whole bundle, leaves no staging directory.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v strace >/dev/null || skip "strace is missing (build-aux/install-deps installs it)"
strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
# LeakSanitizer cannot run under ptrace (sanitizer builds): the leak
# check stays on in every other test.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
PY=${PYTHON3:-/usr/bin/python3}

conf() { sc3_unit "$1" "restart_command ="; }	# conf DIR
tree() { (cd "$1" && find . | LC_ALL=C sort | while read -r f; do
	if [ -d "$f" ]; then echo "$(stat -c %a "$f") dir $f"
	else echo "$(stat -c '%a %s' "$f") $(sha256sum < "$f" | cut -c1-64) $f"; fi; done); }

# bytes TRACE PREFIX: "PATH BYTES" read (read/pread64) from each file under
# PREFIX, from strace -y output.
bytes() {
	$PY - "$1" "$2" <<'EOF'
import re, sys
tot, pending = {}, {}
call = re.compile(r'^(\d+)\s+(?:read|pread64)\(\d+<([^>]*)>')
done = re.compile(r'\)\s+=\s+(\d+)')
resumed = re.compile(r'^(\d+)\s+<\.\.\. (?:read|pread64) resumed>')
for line in open(sys.argv[1], errors='replace'):
    m = call.match(line)
    if m:	# a whole call, or "<unfinished ...>" finished by a resumed line
        path = m.group(2)
        if line.rstrip().endswith('<unfinished ...>'):
            pending[m.group(1)] = path
            continue
    else:
        m = resumed.match(line)
        if not m or m.group(1) not in pending:
            continue
        path = pending.pop(m.group(1))
    d = done.search(line)
    if d and path.startswith(sys.argv[2]):
        tot[path] = tot.get(path, 0) + int(d.group(1))
for p in sorted(tot):
    print(p, tot[p])
EOF
}

printf 'one-pass-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
conf "$T/src"
mkdir -p "$T/src/sc3/keys/sub"
head -c 300000 /dev/urandom > "$T/src/sc3/keys/a"
printf x > "$T/src/sc3/b"
head -c 70000 /dev/urandom > "$T/src/sc3/keys/sub/c"
head -c 8388608 /dev/urandom > "$T/src/sc3/keys/big"
new=$(tree "$T/src/sc3")

# ---- backup: every SC3 file read once
strace -f -qq -y -e trace=read,pread64 -o "$T/b.st" \
	"$CERTWIZ" --config "$T/src/certwiz.conf" sc3 backup --to "$T/bundle" \
	--master-key-file "$T/mk" $(wf 4) >"$T/out" 2>&1 || { cat "$T/out"; fail "backup"; }
bytes "$T/b.st" "$T/src/sc3/" > "$T/b.read"
for f in keys/a b keys/sub/c keys/big; do
	want=$(stat -c %s "$T/src/sc3/$f")
	got=$(awk -v p="$T/src/sc3/$f" '$1 == p { print $2 }' "$T/b.read")
	[ "$got" = "$want" ] || { cat "$T/b.read"; fail "backup read $f ${got:-0} bytes, it has $want: not one pass"; }
done
size=$(stat -c %s "$T/bundle")
got=$(bytes "$T/b.st" "$T/src/state/runs/" | awk '{ s += $2 } END { print s + 0 }')
[ "$got" = $((2 * size)) ] ||
	fail "the sealed bundle ($size bytes) was read $got bytes: want twice (the proof, the copy), no hash pass"
# The local destination is read back once to confirm it (size and SHA-256).
got=$(bytes "$T/b.st" "$T/bundle" | awk '{ s += $2 } END { print s + 0 }')
[ "$got" = "$size" ] || fail "the copy was read back $got bytes, it has $size"
grep -q "The copy was read back: same size, same SHA-256." "$T/out" || fail "no read-back message"
pass "backup: each SC3 file read once, the bundle twice (proof, copy), the copy once (confirm)"

# --no-verify: the copy is confirmed by its size, not read.
strace -f -qq -y -e trace=read,pread64 -o "$T/b2.st" \
	"$CERTWIZ" --config "$T/src/certwiz.conf" sc3 backup --to "$T/bundle2" --no-verify \
	--master-key-file "$T/mk" $(wf 4) >"$T/out" 2>&1 || { cat "$T/out"; fail "backup --no-verify"; }
got=$(bytes "$T/b2.st" "$T/bundle2" | awk '{ s += $2 } END { print s + 0 }')
[ "$got" = 0 ] || fail "backup --no-verify read its copy ($got bytes)"
pass "backup --no-verify: the copy is not read back"

# ---- restore: opened while it is copied, no local copy, one syncfs
conf "$T/dst"; mkdir -p "$T/dst/sc3/ca"; printf 'old CA\n' > "$T/dst/sc3/ca/ca.pem"
strace -f -qq -y -e trace=read,openat,fsync,fdatasync,syncfs -o "$T/r.st" \
	"$CERTWIZ" --config "$T/dst/certwiz.conf" sc3 restore --from "$T/bundle" \
	--master-key-file "$T/mk" --yes >"$T/out" 2>&1 || { cat "$T/out"; fail "restore"; }
[ "$(tree "$T/dst/sc3")" = "$new" ] || fail "restore: not the backed-up tree"
got=$(bytes "$T/r.st" "$T/bundle" | awk '{ s += $2 } END { print s + 0 }')
[ "$got" = "$size" ] || fail "restore read the source bundle $got bytes, it has $size"
! grep -E "openat\(.*/state/runs/.*sc3migration" "$T/r.st" >&2 ||
	fail "restore made or read a local copy of the bundle"
first=$(grep -n 'openat(.*\.sc3\.stage\.[^/]*/keys/big".*O_CREAT' "$T/r.st" | head -1 | cut -d: -f1)
last=$(grep -n "read([0-9]*<$T/bundle>" "$T/r.st" | tail -1 | cut -d: -f1)
[ -n "$first" ] && [ -n "$last" ] || fail "restore: staging file or source reads not traced"
[ "$first" -lt "$last" ] ||
	fail "restore: the staging file was created (line $first) after the copy ended (line $last): not streamed"
! grep -E "fsync\([0-9]*<[^>]*\.sc3\.stage\." "$T/r.st" >&2 || fail "restore: an fsync per staged file"
[ "$(grep -c 'syncfs(' "$T/r.st")" = 1 ] || fail "restore: the staging tree is not synced by one syncfs"
pass "restore: decrypted and staged while copied (line $first < $last), no local copy, one syncfs"

# ---- restore killed in the middle of the copy
conf "$T/k"; mkdir -p "$T/k/sc3/ca"; printf 'old CA\n' > "$T/k/sc3/ca/ca.pem"
old=$(tree "$T/k/sc3")
mkfifo "$T/fifo"
# Half the bundle, then the writer stays open: the copy cannot end.
(head -c $((size / 2)) "$T/bundle"; exec sleep 600) > "$T/fifo" &
writer=$!; CW_PIDS="$CW_PIDS $writer"
"$CERTWIZ" --config "$T/k/certwiz.conf" sc3 restore --from "$T/fifo" \
	--master-key-file "$T/mk" --yes >"$T/kout" 2>&1 &
cw=$!; CW_PIDS="$CW_PIDS $cw"
i=0
until ls -d "$T/k/.sc3.stage."*/keys/big >/dev/null 2>&1; do
	kill -0 "$cw" 2>/dev/null || { cat "$T/kout"; fail "killed restore: certwiz ended before the copy did"; }
	i=$((i + 1)); [ $i -lt 600 ] || fail "no staging file while half the bundle was copied: not opened while copying"
	sleep 0.1
done
kill -9 "$cw"; wait "$cw" 2>/dev/null || true
kill "$writer" 2>/dev/null || true	# the subshell exec'd sleep: this is it
[ "$(tree "$T/k/sc3")" = "$old" ] || fail "killed restore: the SC3 dir changed"
[ ! -e "$T/k/sc3.prev" ] || fail "killed restore: a .prev appeared"
# The same command resumes the run; this time the whole bundle comes.
cat "$T/bundle" > "$T/fifo" &
writer=$!; CW_PIDS="$CW_PIDS $writer"
"$CERTWIZ" --config "$T/k/certwiz.conf" sc3 restore --from "$T/fifo" \
	--master-key-file "$T/mk" --yes >"$T/kout2" 2>&1 || { cat "$T/kout2"; fail "restore after the kill"; }
wait "$writer"
[ "$(tree "$T/k/sc3")" = "$new" ] || fail "restore after the kill: not the new tree"
[ "$(tree "$T/k/sc3.prev")" = "$old" ] || fail "restore after the kill: old tree not kept as .prev"
[ -z "$(ls -a "$T/k" | grep '\.stage\.')" ] || fail "restore after the kill: a staging dir was left behind"
pass "restore killed mid-copy: SC3 dir untouched; the next restore completes, no staging left"
