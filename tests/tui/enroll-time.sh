#!/bin/sh
# The wizard's "Install device certificate (OTP)" on an unproven clock (no
# NTP configured, no lab override): before anything else it says an NTP
# server is required and offers "Configure NTP now" (the NTP form) or
# Cancel; nothing is asked for or sent.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

lab_start
CW_TIME_LINE=	# the time must be proven
A=$T/a
cw_conf "$A"
n0=$(grep -c simpleenroll "$T/lab/estd.log" || true)
tui_start "TERM=xterm-256color '$CERTWIZ' --config '$A/certwiz.conf'"
tui_wait 'Install device certificate'
tui_keys i
tui_wait '60 minutes and works once'
tui_keys Enter
tui_wait 'An NTP server is required'
tui_wait 'Configure NTP now'
tui_screen | grep -q 'has not configured NTP yet' || { tui_screen >&2; fail "the reason is not shown"; }
tui_keys n
tui_wait 'Primary NTP server'
tui_keys Escape
# Back from the NTP form without a change: still unproven, asked again.
tui_wait 'Configure NTP now'
tui_keys c
tui_wait 'Main menu'
tui_screen | grep -q 'Paste the OTP' && fail "the OTP was asked for"
[ "$(grep -c simpleenroll "$T/lab/estd.log" || true)" = "$n0" ] || fail "a request was sent"
[ ! -e "$A/cert/trust-anchor.pem" ] || fail "the CA was installed"
pass "unproven time: the wizard offers Configure NTP now before the OTP, Cancel goes back"
