#!/bin/sh
# Terminal types: on TERM=vt100 (even in a UTF-8 locale) boxes are drawn
# with the terminal's own 7-bit line drawing set (SO/SI), no colour, the
# selection in reverse video; a terminal without line drawing gets ASCII
# corners; NO_COLOR turns colour off on a colour terminal.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

write_conf
locale -a 2>/dev/null | grep -qix 'c.utf-\{0,1\}8' && U8=C.UTF-8 || U8=C
tui_start "TERM=vt100 LC_ALL=$U8 '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys Down
tui_wait "Configure NTP"
tui_keys q
tui_wait "EXIT=0"
grep -q "$(printf '\016')" "$T/pane.raw" || fail "no SO (7-bit line drawing) on vt100"
LC_ALL=C grep -q "$(printf '\342\224')" "$T/pane.raw" && fail "UTF-8 box characters sent to a vt100"
LC_ALL=C grep -q "$(printf '\033')\\[[34][0-9]m" "$T/pane.raw" && fail "colour sent to a vt100"
LC_ALL=C grep -Eq "$(printf '\033')\\[(0;)?7m" "$T/pane.raw" || fail "no reverse video for the selection"
pass "vt100 in $U8: 7-bit ACS, no colour, reverse video"

# The Linux console's type.
tui_start "TERM=linux '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys n
tui_wait "Configure NTP"
tui_wait "Primary NTP server"
tui_keys Escape q
tui_wait "EXIT=0"
pass "TERM=linux"

# No line drawing in the terminal description: ASCII corners.
infocmp -1 vt100 | sed -e 's/^vt100|/vt100-noacs|/' -e '/acsc=/d' -e '/smacs=/d' \
	-e '/rmacs=/d' -e '/enacs=/d' -e 's/%?%p9%t\\016%e\\017%;//' > "$T/noacs.src"
tic -o "$T/terminfo" "$T/noacs.src" 2>/dev/null || skip "tic failed"
tui_start "TERMINFO='$T/terminfo' TERM=vt100-noacs '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "\\+- Main menu -+"
tui_wait "^ +\\| c  Check prerequisites"
tui_keys q
tui_wait "EXIT=0"
pass "no ACS: ASCII box"

# Colour for the inline error on a colour terminal, none with NO_COLOR.
tui_start "TERM=xterm-256color '$DEMO' form"
tui_wait "Server"
tui_keys Tab Tab
tui_wait "A value is required"
LC_ALL=C grep -q "$(printf '\033')\\[31m" "$T/pane.raw" || fail "no colour for the error on xterm-256color"
tui_start "NO_COLOR=1 TERM=xterm-256color '$DEMO' form"
tui_wait "Server"
tui_keys Tab Tab
tui_wait "A value is required"
LC_ALL=C grep -q "$(printf '\033')\\[3[0-9]m" "$T/pane.raw" && fail "colour despite NO_COLOR"
LC_ALL=C grep -Eq "$(printf '\033')\\[([0-9]+;)*1m" "$T/pane.raw" || fail "NO_COLOR: the error is not bold"
pass "colour on xterm-256color, none with NO_COLOR"
