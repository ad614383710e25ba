#!/usr/bin/python3
"""widths.py - reads a captured screen on stdin and prints, for each line
that contains the given text, its display width and the display column of
its last non-blank character (East Asian wide characters count 2)."""
import sys
import unicodedata


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


for line in sys.stdin.read().splitlines():
    if len(sys.argv) < 2 or sys.argv[1] in line:
        print(width(line.rstrip()))
