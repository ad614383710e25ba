#!/usr/bin/python3
"""sandbox-trace.py UNIT TRACE DIR... - does a traced run fit the unit's sandbox?

UNIT is a service file, TRACE the output of `strace -f -qq -o TRACE`, DIR the
directories the service may write (its StateDirectory=, LogsDirectory=...).
Fails, naming them, on system calls outside the unit's SystemCallFilter=
lines (expanded with `systemd-analyze syscall-filter`), socket address
families outside RestrictAddressFamilies=, and files created, opened for
writing, renamed, linked or removed outside DIR... (ProtectSystem=strict).
An mkdir that finds its directory is fine: a read-only parent says EEXIST.
"""
import re, subprocess, sys

unit, trace, writable = sys.argv[1], sys.argv[2], sys.argv[3:]

def expand(name, seen=None):
    seen = set() if seen is None else seen
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", name],
                         check=True, capture_output=True, text=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        w = line.strip()
        if w and not w.startswith("#"):
            calls |= expand(w, seen)
    return calls

allowed, families = None, None
for line in open(unit):
    m = re.match(r"(SystemCallFilter|RestrictAddressFamilies)=(~?)(.*)", line.strip())
    if not m:
        continue
    items = set(m.group(3).split())
    if m.group(1) == "RestrictAddressFamilies":
        families = items
        continue
    s = set().union(*(expand(i) for i in items))
    if m.group(2):
        allowed = (allowed or set()) - s
    else:
        allowed = s if allowed is None else allowed | s

used, fams, bad_writes = set(), set(), []
write_calls = ("mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
               "rmdir", "link", "linkat", "symlink", "symlinkat", "truncate", "chmod",
               "fchmodat", "chown", "lchown", "fchownat", "mknod", "mknodat")
for line in open(trace):
    m = re.match(r"\d+\s+([a-z0-9_]+)\((.*)", line)
    if not m:
        continue
    call, rest = m.groups()
    used.add(call)
    f = re.match(r"(AF_[A-Z0-9]+)", rest)
    if call in ("socket", "socketpair") and f:
        fams.add(f.group(1))
    paths = []
    if call in ("open", "openat", "creat") and re.search(r"O_(WRONLY|RDWR|CREAT|TRUNC)", rest):
        paths = re.findall(r'"([^"]*)"', rest)[:1]
    elif call in write_calls and not re.search(r"= -1 EEXIST", rest):
        paths = re.findall(r'"([^"]*)"', rest)
    for p in paths:
        if p == "/dev/null" or any(p == w or p.startswith(w + "/") for w in writable):
            continue
        bad_writes.append("%s %s" % (call, p))

bad_calls = sorted(used - allowed)
bad_fams = sorted(fams - families)
print("syscalls: %d used, %d allowed by the unit" % (len(used), len(allowed)))
for what, bad in (("system calls outside SystemCallFilter", bad_calls),
                  ("address families outside RestrictAddressFamilies", bad_fams),
                  ("writes outside the writable directories", sorted(set(bad_writes)))):
    if bad:
        print("FAIL: %s: %s" % (what, " ".join(bad)))
sys.exit(1 if bad_calls or bad_fams or bad_writes else 0)
