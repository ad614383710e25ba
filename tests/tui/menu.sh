#!/bin/sh
# The wizard's main menu in a real terminal: arrows, Enter, a screen that
# says its backend is missing, Esc back, a letter shortcut, the log viewer
# (the log listed and read through the backend), Quit.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

write_conf
mkdir -p "$T/log"
echo "2026-11-23T10:00:00Z INFO SC3 Backup success" > "$T/log/sc3migration.log"
echo "2026-11-23T10:01:00Z INFO enrolled" > "$T/log/enroll.log"

tui_start "TERM=xterm-256color '$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_wait "Check prerequisites"
tui_wait "F1: help"
pass "main menu shown"

tui_keys Down Down
tui_wait "Enrolls for a device certificate with a one-time password"
pass "the selected entry's help is shown above the status line"
tui_keys Enter
tui_wait "Generate the one-time password"
tui_wait "Install device certificate"
pass "arrows and Enter open the third entry, the enrollment steps"

tui_keys Escape
tui_wait "What do you want to do"
tui_gone "Generate the one-time password"
pass "Esc goes back to the menu"

tui_keys l
tui_wait "sc3migration.log"
tui_wait "enroll.log"
tui_keys Down Enter
tui_wait "SC3 Backup success"
pass "View logs lists log_dir and shows a log"

tui_keys Escape
tui_wait "Choose a log"
tui_keys Escape
tui_wait "What do you want to do"
tui_keys F1
tui_wait "step by step"
tui_keys Escape
tui_wait "What do you want to do"
pass "F1 shows help, Esc closes it"

tui_keys q
tui_wait "EXIT=0"
tui_gone "Main menu"
pass "q quits with 0 and the terminal is restored"
