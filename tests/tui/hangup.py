#!/usr/bin/python3
"""hangup.py DEMO - the terminal goes away under the UI (the pty master is
closed) while SIGHUP is blocked, so only the failing reads tell: the UI
must notice and exit (130) instead of spinning.  Prints the exit code, or
"running" after 8 s."""
import os
import pty
import signal
import sys
import time

pid, fd = pty.fork()
if pid == 0:
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP])
    os.environ["TERM"] = "vt100"
    os.execv(sys.argv[1], [sys.argv[1], "input"])
time.sleep(0.5)
os.read(fd, 65536)
os.close(fd)
t = time.monotonic()
while time.monotonic() - t < 8:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        print(os.waitstatus_to_exitcode(st))
        sys.exit(0)
    time.sleep(0.1)
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print("running")
