#!/usr/bin/python3
"""ptyrec.py - run a text UI on a pseudo terminal, type a script of keys and
count the bytes it writes to the terminal after each one.

  ptyrec.py [--rows 24 --cols 80] [--dump FILE] -- CMD ARGS...

Phases (one JSON object on stdout):
  first      bytes and seconds from exec to the end of the first frame
  key        bytes echoed for one keystroke ('a')
  backspace  bytes for one backspace (DEL)
  transition bytes from Enter to the end of the next box's frame
  rss_kib    peak RSS (VmHWM) of the process tree at the first frame
A frame ends when the program has been quiet for --quiet ms; the time
reported is that of its last byte, not of the quiet wait.
"""
import argparse
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import fcntl
import time


def tree(pid):
    out = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            for c in f.read().split():
                out += tree(int(c))
    except OSError:
        pass
    return out


def hwm_kib(pid):
    best = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best


def drain(fd, quiet, limit=10.0, sink=None):
    """Reads until quiet seconds pass without output; returns (bytes, time of
    last byte or None)."""
    total = 0
    last = None
    start = time.monotonic()
    while time.monotonic() - start < limit:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            if total > 0 or time.monotonic() - start > 2 * quiet + 1.0:
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        last = time.monotonic()
        total += len(data)
        if sink is not None:
            sink.append(data)
    return total, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--quiet", type=int, default=250)
    ap.add_argument("--dump")
    ap.add_argument("--first-only", action="store_true",
                    help="stop after the first frame (no keys)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    quiet = a.quiet / 1000.0
    chunks = []

    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    # The child may not read its size before this lands: the kernel keeps
    # the winsize on the pty, set it at once.
    fcntl.ioctl(fd, termios.TIOCSWINSZ,
                struct.pack("HHHH", a.rows, a.cols, 0, 0))
    res = {}
    first, last = drain(fd, quiet, sink=chunks)
    res["first"] = first
    res["first_s"] = (last - t0) if last else None
    res["rss_kib"] = hwm_kib(pid)
    marks = [sum(len(c) for c in chunks)]
    for name, key in (() if a.first_only else
                      (("key", b"a"), ("backspace", b"\x7f"),
                       ("transition", b"\r"))):
        os.write(fd, key)
        n, _ = drain(fd, quiet, sink=chunks)
        res[name] = n
        marks.append(sum(len(c) for c in chunks))
    if not a.first_only:
        os.write(fd, b"\x1b")
        drain(fd, quiet)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if a.dump:
        with open(a.dump, "wb") as f:
            f.write(b"".join(chunks))
        res["marks"] = marks
    print(json.dumps(res))


if __name__ == "__main__":
    sys.exit(main())
