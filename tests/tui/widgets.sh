#!/bin/sh
# The other widgets, each on its own: menu (arrows, letter shortcut, Esc),
# check list (Space toggles), radio list, yes/no by letter, the text viewer
# scrolling a long text, F1 help.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

tui_start "UIDEMO_OUT='$T/m' '$DEMO' menu"
tui_wait "a  Alpha"
tui_keys Down Down Up Enter
tui_wait "EXIT=0"
grep -qx "sel=1" "$T/m" || { cat "$T/m" >&2; fail "arrows + Enter"; }
tui_start "UIDEMO_OUT='$T/m' '$DEMO' menu"
tui_wait "a  Alpha"
tui_keys d
tui_wait "EXIT=0"
grep -qx "sel=3" "$T/m" || fail "letter shortcut"
tui_start "UIDEMO_OUT='$T/m' '$DEMO' menu"
tui_wait "a  Alpha"
tui_keys Escape
tui_wait "EXIT=0"
grep -qx "menu rc=2" "$T/m" || fail "Esc in a menu"
pass "menu: arrows, letter, Esc"

tui_start "UIDEMO_OUT='$T/c' '$DEMO' check"
tui_wait "\\[X\\] b  Bravo"
tui_keys Space Down Space c Space
tui_wait "\\[X\\] c  Charlie"
tui_wait "\\[ \\] b  Bravo"
tui_keys Enter
tui_wait "EXIT=0"
grep -qx "on=1010" "$T/c" || { cat "$T/c" >&2; fail "check list states"; }
pass "check list: Space toggles"

tui_start "UIDEMO_OUT='$T/r' '$DEMO' radio"
tui_wait "\\(\\*\\) b  Bravo"
tui_keys Down Down Space
tui_wait "\\(\\*\\) d  Delta"
tui_gone "\\(\\*\\) b  Bravo"
tui_keys Tab Enter
tui_wait "EXIT=0"
grep -qx "on=0001" "$T/r" || { cat "$T/r" >&2; fail "radio list state"; }
pass "radio list: one choice"

tui_start "UIDEMO_OUT='$T/y' '$DEMO' yesno"
tui_wait "< Yes >"
tui_keys n
tui_wait "EXIT=0"
grep -qx "yesno rc=1" "$T/y" || fail "n is No"
pass "yes/no by letter"

tui_start "UIDEMO_OUT='$T/v' '$DEMO' view"
tui_wait "line 1:"
tui_gone "line 40:"
tui_keys NPage NPage
tui_wait_gone "line 1:"
tui_wait "line [0-9]+:"
tui_keys End
tui_wait "line 60:"
tui_keys Home
tui_wait "line 1:"
tui_keys F1
tui_wait "Ctrl-L"
tui_keys Escape
tui_wait "line 1:"
tui_keys C-l
tui_wait "line 1:"
tui_keys q
tui_wait "EXIT=0"
pass "text viewer scrolls; F1 help; Ctrl-L redraws"
