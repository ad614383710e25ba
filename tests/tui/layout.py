#!/usr/bin/python3
"""layout.py SCREEN [--title T] [--button B]... [--text S]... - checks one
screen captured with `tmux capture-pane -p -e` (an 80x24 pane):

 - every box is whole: its top-right and bottom-right corners and the
   right border of every row between are in the same DISPLAY column (wide
   characters count two, as the terminal drew them), the left border too,
   the bottom edge unbroken; only a whole box on top (a question over a
   progress box) may cover part of another;
 - nothing is drawn outside the boxes on their rows (a label or button
   written past the edge), and a background line (title, hint, status)
   that fills its 78 columns ends in an ellipsis (cut on purpose, not run
   off the screen);
 - --title: the box's title is shown whole in its top edge;
 - --button: "< B >" is shown whole on a row inside the box;
 - --text: S is inside the box, whole (compared without blanks: wrapping
   may break a line at any blank, or between two Japanese characters).

Prints one line per problem and exits 1 if there is any.  Widths are the C
library's wcwidth() (the one certwiz and tmux use), else Unicode's East
Asian Width."""
import ctypes
import ctypes.util
import re
import sys
import unicodedata

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c"))
    _libc.setlocale.restype = ctypes.c_char_p
    if not _libc.setlocale(6, b"C.UTF-8") and not _libc.setlocale(6, b"en_US.UTF-8"):
        raise OSError("no UTF-8 locale")
    _libc.wcwidth.argtypes = [ctypes.c_wchar]

    def wcwidth(c):
        w = _libc.wcwidth(c)
        return 1 if w < 0 else w
except (OSError, AttributeError):
    def wcwidth(c):
        if unicodedata.combining(c):
            return 0
        return 2 if unicodedata.east_asian_width(c) in "WF" else 1

# VT100 line drawing (what a non-UTF-8 locale gets: ACS between SO and SI).
ACS = {"l": "┌", "k": "┐", "m": "└", "j": "┘", "q": "─", "x": "│",
       "t": "├", "u": "┤", "w": "┬", "v": "┴", "n": "┼", "-": "↑", ".": "↓"}
RIGHT = "│┤↑↓"
LEFT = "│├"
COLS = 80


def cells(line, state):
    """The line as one entry per display column: the character in its
    first column, None in the second column of a wide one."""
    out = []
    line = re.sub(r"\x1b\[[0-9;:]*[A-Za-z]|\x1b[()][0-9A-Za-z]", "", line)
    for c in line:
        if c == "\x0e":
            state[0] = True
            continue
        if c == "\x0f":
            state[0] = False
            continue
        if state[0]:
            c = ACS.get(c, c)
        w = wcwidth(c)
        if w == 0 and out:
            continue
        out.append(c)
        if w == 2:
            out.append(None)
    return out


def at(row, x):
    return row[x] if 0 <= x < len(row) and row[x] is not None else " "


def text_of(row, a, b):
    return "".join(c for c in row[a:b] if c is not None)


def find_boxes(grid):
    """Every box from its top-left corner: (top, left, bottom, right,
    problems), each problem (row, column, text)."""
    boxes = []
    for y, row in enumerate(grid):
        for x, c in enumerate(row):
            if c != "┌":
                continue
            bad = []
            r = next((i for i in range(x + 1, len(row)) if row[i] == "┐"), None)
            if r is None:
                bad.append((y, x, "row %d: a box's top edge has no right corner: %r"
                            % (y + 1, text_of(row, x, len(row)))))
                boxes.append((y, x, y, len(row) - 1, bad))
                continue
            bottom = None
            for yy in range(y + 1, len(grid)):
                cl, cr = at(grid[yy], x), at(grid[yy], r)
                if cl == "└":
                    bottom = yy
                    if cr != "┘":
                        bad.append((yy, r, "row %d: the bottom-right corner is not in column %d (the top one's): %r"
                                    % (yy + 1, r + 1, text_of(grid[yy], x, len(grid[yy])))))
                    for i in range(x + 1, r):
                        if at(grid[yy], i) != "─":
                            bad.append((yy, i, "row %d: the bottom edge is broken: %r"
                                        % (yy + 1, text_of(grid[yy], x, r + 1))))
                            break
                    break
                if cl not in LEFT:
                    bad.append((yy, x, "row %d: no left border in column %d: %r"
                                % (yy + 1, x + 1, text_of(grid[yy], 0, len(grid[yy])))))
                if cr not in RIGHT:
                    bad.append((yy, r, "row %d: the right border is not in column %d: %r"
                                % (yy + 1, r + 1, text_of(grid[yy], x, len(grid[yy])))))
            if bottom is None:
                bad.append((y, x, "row %d: a box without a bottom edge" % (y + 1)))
                bottom = len(grid) - 1
            boxes.append((y, x, bottom, r, bad))
    return boxes


def inside(box, y, x):
    t, l, b, r = box[:4]
    return t <= y <= b and l <= x <= r


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    want = {"--title": [], "--button": [], "--text": []}
    while args:
        opt = args.pop(0)
        want[opt].append(args.pop(0))
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    state = [False]
    grid = [cells(l, state) for l in lines[:24]]
    problems = []
    for y, row in enumerate(grid):
        if len(row) > COLS:
            problems.append("row %d: %d columns, wider than the terminal" % (y + 1, len(row)))
    boxes = find_boxes(grid)
    if not boxes:
        problems.append("no box on the screen")
    # A box drawn whole is on top (a question over a progress box): what
    # it covers of the boxes under it is no fault of theirs.
    whole = [b for b in boxes if not b[4]]
    for b in boxes:
        for (y, x, msg) in b[4]:
            if not any(c is not b and inside(c, y, x) for c in whole):
                problems.append(msg)
    # Outside the boxes, on their rows: nothing.
    for y, row in enumerate(grid):
        spans = [(x, r) for (t, x, b, r, _) in boxes if t <= y <= b]
        if not spans:
            # A background line (title, hint, status) has COLS - 2
            # columns from the second: one that fills them was cut, and
            # must say so.
            end = max([i + 1 for i, c in enumerate(row) if c != " "] or [0])
            line = text_of(row, 0, len(row)).rstrip()
            # A help line wrapped onto the next one (not the status line,
            # the last) may fill its row.
            nxt = grid[y + 1] if y + 2 < len(grid) else []
            wrapped = not any(t <= y + 1 <= b for (t, _, b, _, _) in boxes) and \
                text_of(nxt, 0, len(nxt)).strip() != ""
            if end >= COLS - 1 and not wrapped and not line.endswith(("…", "...")):
                problems.append("row %d: the line fills the screen without an ellipsis: %r"
                                % (y + 1, line))
            continue
        for x in range(len(row)):
            if any(a <= x <= r for (a, r) in spans):
                continue
            if at(row, x) != " ":
                problems.append("row %d: text outside the box, column %d: %r"
                                % (y + 1, x + 1, text_of(row, 0, len(row))))
                break
    # The box the strings must be in: the one on top.
    if boxes:
        t, x, b, r, _ = (whole or boxes)[-1]
        top = text_of(grid[t], x + 1, r)
        for title in want["--title"]:
            if " %s " % title not in top:
                problems.append("title %r not whole in the top edge %r" % (title, top))
        inner = [text_of(grid[y], x + 1, r) for y in range(t + 1, b)]
        for label in want["--button"]:
            if not any("< %s >" % label in l for l in inner):
                problems.append("button '< %s >' not whole inside the box" % label)
        flat = re.sub(r"\s+", "", "".join(inner))
        for s in want["--text"]:
            if re.sub(r"\s+", "", s) not in flat:
                problems.append("text %r not whole inside the box" % s)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
