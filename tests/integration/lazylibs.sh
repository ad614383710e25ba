#!/bin/sh
# certwiz does not link libcurl, libssh or libarchive at start (no
# DT_NEEDED, nothing of theirs mapped while the wizard shows its first
# screen); they are loaded when a job calls into them (the SCP, EST and
# bundle tests prove the jobs still work).  Issue 17: their dependency
# trees were 40 of the 49 objects mapped at start.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
command -v readelf >/dev/null || skip "no readelf (binutils)"

needed=$(readelf -d "$CERTWIZ" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for lib in libcurl libssh libarchive; do
	echo "$needed" | grep -q "^$lib\.so" && fail "certwiz has DT_NEEDED $lib"
done
pass "no DT_NEEDED on libcurl, libssh, libarchive"

write_conf
"$PY" - "$CERTWIZ" "$T/certwiz.conf" > "$T/maps" <<'PYEOF'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "vt100"
    os.execv(sys.argv[1], [sys.argv[1], "--config", sys.argv[2]])
got, end = b"", time.time() + 10
while b"Main menu" not in got and time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.5)
    if r:
        got += os.read(fd, 65536)
maps = open("/proc/%d/maps" % pid).read()
os.kill(pid, signal.SIGTERM)
os.waitpid(pid, 0)
if b"Main menu" not in got:
    sys.exit("no main menu")
print("".join(sorted({l.split()[-1] + "\n" for l in maps.splitlines() if ".so" in l})))
PYEOF
grep -q 'libncurses' "$T/maps" || { cat "$T/maps" >&2; fail "the maps read is not the wizard's"; }
# libstdc++ counts only without the sanitizers: GCC's libasan/libubsan
# need it themselves (distcheck builds with them).
heavy='curl|libssh|archive|gnutls|krb5|ldap|icu|xml2|stdc\+\+'
grep -Eq 'lib(asan|ubsan)' "$T/maps" && heavy='curl|libssh|archive|gnutls|krb5|ldap|icu|xml2'
if grep -E "lib($heavy)" "$T/maps" >&2; then
	fail "the wizard's first screen maps the libraries above"
fi
pass "first screen: $(wc -l < "$T/maps") shared objects mapped, none of curl/libssh/archive"
