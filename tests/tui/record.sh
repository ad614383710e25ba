#!/bin/sh
# certwiz --record FILE in a real terminal (tmux) against the loopback lab
# (chronyd, the EST service): NTP set with a typed Symmetric Key, the
# connectivity check, an enrollment with the CA fingerprint confirmed and
# the OTP typed.  FILE is the answer file (certwiz-answers(5)): 0600, the
# answers given, placeholders where the key and the OTP were typed, the
# fingerprint the person confirmed; neither key material nor the OTP in
# it.  (The answer file's placeholders filled, `certwiz apply` on a fresh
# appliance reaches the same state: below, once apply exists.)
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

KEYHEX=4c61622053484131206b65792030303032212121	# the lab's key 2 (SHA1)
KEYASCII='Lab SHA1 key 0002!!!'
CW_TEST_SECRETS="$CW_TEST_SECRETS $KEYHEX"

# chronyd (ntp-lab.sh's LAB is est-lib's now: its script by path)
NTP_PORT=$(lab_free_port)
mkdir -p "$T/chronyd"
pid=$(PYTHON3=$PY sh "$top_srcdir/tests/lab/chronyd.sh" start "$T/chronyd" "$NTP_PORT") || {
	rc=$?; [ "$rc" = 77 ] && skip "chronyd is not installed"; fail "chronyd did not start"; }
CW_PIDS="$CW_PIDS $pid"
lab_start

# appliance DIR: certwiz.conf for a fresh appliance under DIR, the time
# to be proven by the lab chronyd, the check against the EST service.
appliance() {
	CW_TIME_LINE= cw_conf "$1" "" "port = $NTP_PORT
timeout_ms = 800
max_offset_ms = 1000"
	cat >> "$1/certwiz.conf" <<EOC
[network]
endpoints = 127.0.0.1:$PORT
timeout_ms = 20000
EOC
}

A=$T/a
appliance "$A"
mkdir -p "$T/rec"
F=$T/rec/answers.ini
new_otp
fp=$(lab_fp)

# --record refuses a directory that cannot hold the file, before the
# wizard starts.
expect_rc 2 "$CERTWIZ" --config "$A/certwiz.conf" --record "$T/nodir/answers.ini"
grep -q "cannot record answers into" "$T/out" || { cat "$T/out" >&2; fail "no reason for the refused --record"; }
expect_rc 2 "$CERTWIZ" --config "$A/certwiz.conf" --record "$F" status
pass "--record: an unusable file or a command is refused before anything runs"

tui_start "TERM=xterm-256color '$CERTWIZ' --config '$A/certwiz.conf' --record '$F'"
tui_wait "Main menu"

# NTP: primary 127.0.0.1, Symmetric Key, SHA1, key ID 2, the key typed.
tui_keys n
tui_wait "Primary NTP server"
tui_text "127.0.0.1"
tui_keys Enter Enter
tui_wait "Authentication: primary"
tui_keys s
tui_wait "SHA1"
tui_keys s
tui_wait "Key ID \\(1-65534\\)"
tui_text "2"
tui_keys Tab
tui_text "HEX:$KEYHEX"
tui_keys Enter
tui_wait "The time is proven: enrollment may proceed" 30
[ -f "$F" ] || fail "no answer file after NTP set"
grep -qx '\[ntp\]' "$F" || { cat "$F" >&2; fail "no [ntp] after NTP set"; }
grep -q '^\[enroll\]' "$F" && fail "[enroll] before any enrollment"
tui_keys Enter
tui_wait "Main menu"
pass "NTP set: the answer file is written after the job"

# The connectivity check.
tui_keys c
tui_wait "127\\.0\\.0\\.1:$PORT +ok" 30
tui_keys Escape
tui_wait "Main menu"

# Enrollment: the CA fingerprint confirmed, the OTP typed.
tui_keys i
tui_wait '60 minutes and works once'
tui_keys Enter
tui_wait 'Trust the enrollment CA'
tui_keys y
tui_wait 'Paste the OTP'
tui_text "$OTP"
tui_keys Enter
tui_wait 'Send the request'
tui_keys y
tui_wait 'certificate is installed' 30
valid_install "$A"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
tui_stop

# The answer file.
[ "$(stat -c %a "$F")" = 600 ] || fail "the answer file is $(stat -c %a "$F"), not 0600"
head -n 1 "$F" | grep -q 'certwiz-answers(5)' || { cat "$F" >&2; fail "no header naming certwiz-answers(5)"; }
# section key: the value iniparser (and so apply) reads (a value with
# ; or # would be quoted; none here).
val() {
	awk -v s="[$1]" -v k="$2" '
		/^\[/ { in_s = ($0 == s); next }
		in_s && index($0, k " = ") == 1 { print substr($0, length(k) + 4); exit }' "$F"
}
expect_val() {
	got=$(val "$1" "$2")
	[ "$got" = "$3" ] || { cat "$F" >&2; fail "[$1] $2 = '$got', want '$3'"; }
}
expect_val ntp primary 127.0.0.1
expect_val ntp primary_key "2:sha1:<FILL IN: file holding key ID 2>"
expect_val ntp secondary ""
expect_val ntp require_proven yes
expect_val check run yes
expect_val enroll otp_file "<FILL IN: file holding the one-time password>"
expect_val enroll accept_ca "$fp"
grep -q '^\[sc3\]' "$F" && { cat "$F" >&2; fail "an [sc3] section without a restore"; }
# Sections in apply's order, nothing else.
[ "$(grep '^\[' "$F" | tr -d '\n')" = "[ntp][check][enroll]" ] || { cat "$F" >&2; fail "sections"; }
[ "$(grep -c ' = ' "$F")" = 6 ] || { cat "$F" >&2; fail "other keys than the answers"; }
pass "the answer file: 0600, the answers, placeholders for the key and the OTP, the confirmed CA"
grep -qiF "$KEYHEX" "$F" && fail "the NTP key (hex) is in the answer file"
grep -qF "$KEYASCII" "$F" && fail "the NTP key (text) is in the answer file"
grep -qF "$OTP" "$F" && fail "the OTP is in the answer file"
pass "neither the NTP key nor the OTP is in the answer file"
sed "s/^/    /" "$F"
otp_never_on_disk
