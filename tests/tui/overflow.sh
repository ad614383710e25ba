#!/bin/sh
# A question taller than the screen and a title wider than the box (long
# German or Japanese text does this): the box stays whole (layout.py), the
# title ends in an ellipsis, the text scrolls with Down to its last line,
# and the buttons stay whole and answer.  A form whose text cannot fit
# keeps its fields and buttons and says that its text is cut.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"
PY=${PYTHON3:-/usr/bin/python3}
LAYOUT=$top_srcdir/tests/tui/layout.py

whole() {	# ARGS: layout.py's, on the screen now
	tmx capture-pane -p -e -t t > "$T/screen"
	"$PY" "$LAYOUT" "$T/screen" "$@" || { tui_screen >&2; fail "the box is not whole"; }
}

tui_start "LC_ALL=C.UTF-8 UIDEMO_OUT='$T/out' '$DEMO' long"
tui_wait "item 1 of the list"
whole --button Yes --button No
tui_wait "A title far wider.*(…|\\.\\.\\.) "
tui_gone "Go on\\?"
pass "a tall question: the box whole, the title cut with an ellipsis"

n=0
while ! tui_screen | grep -q "Go on?"; do
	tui_keys Down
	n=$((n + 1))
	[ $n -le 60 ] || { tui_screen >&2; fail "Down never scrolled to the end"; }
	sleep 0.05
done
tui_gone "item 1 of the list"
whole --button Yes --button No --text "- item 40 of the list"
pass "Down scrolls the text to its end ($n rows), the box stays whole"

tui_keys Enter
tui_wait "EXIT=0"
grep -q "^long rc=0" "$T/out" || { cat "$T/out" >&2; fail "Enter did not answer Yes"; }
pass "the buttons still answer"

tui_start "LC_ALL=C.UTF-8 UIDEMO_OUT='$T/out' '$DEMO' longform"
tui_wait "note 1 about"
whole --text Server --text ntp.example.com --button OK --button Cancel
tui_wait "note [0-9]+ about the server(…|\\.\\.\\.) "
tui_gone "note 40 about"
tui_keys Enter
tui_wait "EXIT=0"
grep -q "^longform rc=0" "$T/out" || { cat "$T/out" >&2; fail "the form did not answer OK"; }
pass "a form with too much text: fields and buttons whole, the text cut with an ellipsis"
