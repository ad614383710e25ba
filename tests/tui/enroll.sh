#!/bin/sh
# The wizard's "Install device certificate (OTP)" screen against the lab
# over real TLS, in a real terminal (tmux): the steps and OTP rules, the CA
# fingerprint question, the OTP in a masked field (never drawn), the one
# confirmation with what was checked, then the certificate's summary.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

lab_start
A=$T/a
cw_conf "$A"
new_otp
tui_start "TERM=xterm-256color '$CERTWIZ' --config '$A/certwiz.conf'"
tui_wait 'Install device certificate'
tui_keys i
tui_wait '60 minutes and works once'
tui_keys Enter
tui_wait 'Trust the enrollment CA'
fp=$(lab_fp)
tui_screen | tr -d ' \n' | grep -q "$(echo "$fp" | cut -c1-32)" || { tui_screen >&2; fail "the CA fingerprint is not shown"; }
tui_keys y
tui_wait 'Paste the OTP'
tui_text "  $OTP "
tui_screen | grep -qF "$(echo "$OTP" | cut -c1-8)" && fail "the OTP is drawn in clear"
tui_keys Enter
tui_wait 'Send the request'
tui_screen | grep -qi 'time: ' || { tui_screen >&2; fail "the confirmation lacks the time"; }
tui_keys y
tui_wait 'certificate is installed' 30
tui_wait "CN=$SERIAL"
valid_install "$A"
grep -qF "$OTP" "$T/pane.raw" && fail "the OTP reached the terminal"
pass "the wizard enrolls: CA fingerprint, masked OTP, one confirmation, summary"
tui_stop

# /cacerts with another root first: every certificate is shown, one root
# is asked for at a time; "no" to the other, "yes" to the lab's: only the
# lab's root is installed.
lab_set --cacerts other,ca
B=$T/b
cw_conf "$B"
new_otp
tui_start "TERM=xterm-256color '$CERTWIZ' --config '$B/certwiz.conf'"
tui_wait 'Install device certificate'
tui_keys i
tui_wait '60 minutes and works once'
tui_keys Enter
tui_wait 'Trust root \[1\]'
ofp=$(fingerprint "$T/lab/other-ca.pem")
tui_history | tr -d ' \n' | grep -q "$(echo "$ofp" | cut -c1-32)" || { tui_history >&2; fail "the other root is not shown"; }
tui_history | tr -d ' \n' | grep -q "$(echo "$fp" | cut -c1-32)" || { tui_history >&2; fail "the lab root is not shown"; }
tui_keys n
tui_wait 'Trust root \[2\]'
tui_keys y
tui_otp_send "$OTP"
valid_install "$B"
cmp -s "$B/cert/trust-anchor.pem" "$T/lab/ca.pem" || fail "the anchor is not the lab root alone"
lab_set --cacerts ca
pass "the wizard shows every /cacerts certificate and installs only the root confirmed"
otp_never_on_disk

# Certificate status, "Renew now": a dry run first (nothing installed),
# then the renewal itself; the new certificate replaces the old one.
old=$(openssl x509 -in "$B/cert/device.crt" -noout -serial)
tui_keys Enter
tui_wait 'Main menu'
tui_keys s
tui_wait 'State: +valid'
tui_wait 'Renew now'
tui_keys r
tui_wait 'Dry run: the renewal works' 60
[ "$(openssl x509 -in "$B/cert/device.crt" -noout -serial)" = "$old" ] || fail "the dry run installed a certificate"
tui_keys y
tui_wait 'The device certificate was renewed' 60
new=$(openssl x509 -in "$B/cert/device.crt" -noout -serial)
[ "$new" != "$old" ] || fail "Renew now did not install a new certificate"
[ -f "$B/cert/device.crt.prev" ] || fail "no device.crt.prev kept"
valid_install "$B"
pass "status screen: Renew now, a dry run first, then the renewal"
tui_keys Enter
tui_wait 'Main menu'
tui_keys q
tui_wait 'EXIT=0'
