#!/usr/bin/python3
"""Runs a command on a fresh pseudo-terminal and answers its passphrase
prompts: Debian's age reads passphrases only from a terminal.

usage: age-pty.py PASSFILE CMD [ARGS...]
The passphrase comes from PASSFILE (never argv).  Exits with CMD's status;
whatever CMD writes on the terminal goes to stderr."""
import os
import pty
import sys
import termios
import time


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1], "rb") as f:
        secret = f.read().strip()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    seen = b""
    answered = 0
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stderr.buffer.write(data)
        seen += data
        # One answer per prompt ("Enter passphrase", "Confirm passphrase").
        if seen.lower().count(b"passphrase") > answered and seen.rstrip().endswith(b":"):
            # Answer once the program has turned echo off, so the
            # passphrase is never echoed into the log.
            for _ in range(500):
                if not termios.tcgetattr(fd)[3] & termios.ECHO:
                    break
                time.sleep(0.01)
            os.write(fd, secret + b"\n")
            answered = seen.lower().count(b"passphrase")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
