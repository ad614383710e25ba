#!/usr/bin/python3
"""Crafts hostile SC3 bundle contents in the real format (a pax tar whose
first member is the MANIFEST, see src/sc3/bundle.h), for age to encrypt
with the master key, and runs a command under limits.

usage: sc3-craft.py tar CASE OUT.tar
       sc3-craft.py workfactor IN.age N OUT.age
       sc3-craft.py run RESULT -- CMD [ARGS...]

CASE: sparse    a sparse member whose manifest line is honest: 256 MiB of
                zeros from a 1-byte member (libarchive fills the holes)
      inflate   the manifest claims 10 bytes, the member is sparse and
                expands to 64 GiB
      big       a plain 100000-byte file (over a 64 KiB cap)
      total     two plain 40000-byte files (each under, together over 64 KiB)
      symlink   sc3/ca.pem is a symlink to /etc/passwd
      hardlink  sc3/b.pem is a hard link to sc3/a.pem
      fifo      sc3/ca.pem is a FIFO
      device    sc3/ca.pem is a character device (1,3)
      good      a small valid tree (the control)
SC3_CRAFT_MANIFEST=1 in the environment writes the version 1 manifest
(no origin lines) that certwiz before issue 14 reads.
`workfactor` rewrites the scrypt stanza's work factor of an age file
(the header MAC then no longer matches: a refusal must come first).
`run` runs CMD with RLIMIT_FSIZE 64 MiB and writes to RESULT
"rc=N secs=S maxrss_kb=K" (rc -N: killed by signal N)."""
import hashlib
import io
import os
import resource
import subprocess
import sys
import tarfile
import time

ORIGIN = ("o serial 007951000999999\no hostname old-unit\n"
          "o address 192.0.2.10\no version 0.0-test\n")


def manifest(entries):
    """entries: list of (type, mode, size, sha, path) below the root."""
    if os.environ.get("SC3_CRAFT_MANIFEST") == "1":
        # The version 1 manifest of older certwiz: no origin lines.
        lines = ["certwiz-sc3-bundle 1\n", "d 0700 0 - .\n"]
    else:
        lines = ["certwiz-sc3-bundle 2\n", ORIGIN, "d 0700 0 - .\n"]
    for t, mode, size, sha, path in sorted(entries, key=lambda e: e[4]):
        if t == "d":
            lines.append("d %04o 0 - %s\n" % (mode, path))
        else:
            lines.append("f %04o %d %s %s\n" % (mode, size, sha, path))
    return "".join(lines).encode()


def add(tf, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = kw.pop("mode", 0o600)
    for k, v in kw.items():
        setattr(ti, k, v)
    tf.addfile(ti, io.BytesIO(data) if data else None)


def sparse_member(tf, name, realsize, data_off, data):
    """GNU sparse 1.0 in pax (what GNU tar --sparse --format=pax writes):
    the map (count, offset, size) in the first 512 bytes of the data."""
    smap = ("1\n%d\n%d\n" % (data_off, len(data))).encode()
    smap += b"\0" * (512 - len(smap))
    ti = tarfile.TarInfo("sc3/GNUSparseFile.0/" + name.split("/")[-1])
    ti.size = len(smap) + len(data)
    ti.mode = 0o600
    ti.pax_headers = {
        "GNU.sparse.major": "1", "GNU.sparse.minor": "0",
        "GNU.sparse.name": name, "GNU.sparse.realsize": str(realsize),
    }
    tf.addfile(ti, io.BytesIO(smap + data))


def sha(b):
    return hashlib.sha256(b).hexdigest()


def zeros_sha(n):
    h = hashlib.sha256()
    chunk = b"\0" * (1 << 20)
    while n > 0:
        k = min(n, len(chunk))
        h.update(chunk[:k])
        n -= k
    return h.hexdigest()


def build(case):
    out = io.BytesIO()
    tf = tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT)
    ca = b"CA certificate\n"
    if case == "sparse":
        real = 256 << 20
        m = manifest([("f", 0o600, real, zeros_sha(real), "big.bin")])
        add(tf, "MANIFEST", m)
        sparse_member(tf, "sc3/big.bin", real, real - 1, b"\0")
    elif case == "inflate":
        small = b"0123456789"
        m = manifest([("f", 0o600, len(small), sha(small), "small.bin")])
        add(tf, "MANIFEST", m)
        sparse_member(tf, "sc3/small.bin", 64 << 30, 0, small)
    elif case == "big":
        data = os.urandom(100000)
        add(tf, "MANIFEST", manifest([("f", 0o600, len(data), sha(data), "big.bin")]))
        add(tf, "sc3/big.bin", data)
    elif case == "total":
        a, b = os.urandom(40000), os.urandom(40000)
        add(tf, "MANIFEST", manifest([("f", 0o600, len(a), sha(a), "a.bin"),
                                      ("f", 0o600, len(b), sha(b), "b.bin")]))
        add(tf, "sc3/a.bin", a)
        add(tf, "sc3/b.bin", b)
    elif case == "symlink":
        add(tf, "MANIFEST", manifest([("f", 0o600, len(ca), sha(ca), "ca.pem")]))
        add(tf, "sc3/ca.pem", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    elif case == "hardlink":
        add(tf, "MANIFEST", manifest([("f", 0o600, len(ca), sha(ca), "a.pem"),
                                      ("f", 0o600, len(ca), sha(ca), "b.pem")]))
        add(tf, "sc3/a.pem", ca)
        add(tf, "sc3/b.pem", type=tarfile.LNKTYPE, linkname="sc3/a.pem")
    elif case == "fifo":
        add(tf, "MANIFEST", manifest([("f", 0o600, len(ca), sha(ca), "ca.pem")]))
        add(tf, "sc3/ca.pem", type=tarfile.FIFOTYPE)
    elif case == "device":
        add(tf, "MANIFEST", manifest([("f", 0o600, len(ca), sha(ca), "ca.pem")]))
        add(tf, "sc3/ca.pem", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    elif case == "good":
        add(tf, "MANIFEST", manifest([("d", 0o755, 0, None, "ca"),
                                      ("f", 0o644, len(ca), sha(ca), "ca/ca.pem")]))
        add(tf, "sc3/ca/", type=tarfile.DIRTYPE, mode=0o755)
        add(tf, "sc3/ca/ca.pem", ca, mode=0o644)
    else:
        raise SystemExit("unknown case " + case)
    tf.close()
    return out.getvalue()


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "tar":
        with open(a[2], "wb") as f:
            f.write(build(a[1]))
        return 0
    if len(a) == 4 and a[0] == "workfactor":
        data = open(a[1], "rb").read()
        head, sep, rest = data.partition(b"\n-> scrypt ")
        line, nl, tail = rest.partition(b"\n")
        salt, wf = line.split(b" ")
        if not sep or not nl:
            raise SystemExit("not a binary age scrypt file")
        with open(a[3], "wb") as f:
            f.write(head + sep + salt + b" " + a[2].encode() + nl + tail)
        return 0
    if len(a) >= 4 and a[0] == "run" and a[2] == "--":
        def limits():
            resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
        t0 = time.monotonic()
        p = subprocess.run(a[3:], preexec_fn=limits, stdout=sys.stdout,
                           stderr=sys.stderr)
        secs = time.monotonic() - t0
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with open(a[1], "w") as f:
            f.write("rc=%d secs=%.2f maxrss_kb=%d\n" % (p.returncode, secs, rss))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
