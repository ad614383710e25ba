#!/usr/bin/python3
"""serialsize.py DEMO ANSWER - runs `DEMO input` on a pty whose kernel
size is 0x0, like a serial console, answering the cursor position query
with ANSWER ("ROWS;COLS", or "" for a terminal that does not answer).
Prints the column (1-based) of the box's top-left corner in the first
frame, found from the cursor address of the top border."""
import os
import pty
import re
import select
import sys
import time

demo, answer = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("LINES", None)
    os.environ.pop("COLUMNS", None)
    os.environ["TERM"] = "vt100"
    os.execv(demo, [demo, "input"])
buf = b""
answered = False
end = time.monotonic() + 10
while time.monotonic() < end:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        if b"lq" in buf or b"+-" in buf:
            break
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    buf += data
    if not answered and b"\x1b[6n" in buf and answer:
        os.write(fd, ("\x1b[%sR" % answer).encode())
        answered = True
os.write(fd, b"\x1b")
time.sleep(0.3)
try:
    os.kill(pid, 9)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
m = re.search(rb"\x1b\[(\d+);(\d+)H(?:\x1b\[0m)?\x0el", buf)
print(m.group(2).decode() if m else "none")
