#!/bin/sh
# certwiz --record FILE in a real terminal (tmux) against the loopback lab
# (chronyd, the EST service, sshd): NTP set with a typed Symmetric Key,
# the connectivity check, an enrollment with the CA fingerprint confirmed
# and the OTP typed, an SC3 restore over SCP with the master key typed and
# the unknown host key trusted.  FILE is the answer file
# (certwiz-answers(5)): 0600, the answers given, placeholders where the
# key, the OTP and the master key were typed, the fingerprints the person
# confirmed; no key material, OTP or master key in it.  Then the template at work: as recorded, `certwiz apply` refuses it
# (placeholders) and changes nothing; with the placeholders filled with
# files, `certwiz apply --json` on a fresh appliance (a new OTP) ends in
# the same state as the wizard's: NTP written, a valid certificate whose
# subject CN is the serial, the same trust anchor, the same SC3 files.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (Debian: openssh-server)"
command -v ssh-keygen >/dev/null || skip "no ssh-keygen"
unset SSH_AUTH_SOCK

KEYHEX=4c61622053484131206b65792030303032212121	# the lab's key 2 (SHA1)
KEYASCII='Lab SHA1 key 0002!!!'
MK=record-test-master-key-$$
CW_TEST_SECRETS="$CW_TEST_SECRETS $KEYHEX $MK"

# chronyd (ntp-lab.sh's LAB is est-lib's now: its script by path)
NTP_PORT=$(lab_free_port)
mkdir -p "$T/chronyd"
pid=$(PYTHON3=$PY sh "$top_srcdir/tests/lab/chronyd.sh" start "$T/chronyd" "$NTP_PORT") || {
	rc=$?; [ "$rc" = 77 ] && skip "chronyd is not installed"; fail "chronyd did not start"; }
CW_PIDS="$CW_PIDS $pid"
lab_start
# sshd, and the old unit's SC3 bundle beside it (sealed by the CLI).
S=$T/sshd
sh "$top_srcdir/tests/lab/sshd.sh" init "$S"
SSH_PORT=$(sh "$top_srcdir/tests/lab/sshd.sh" start "$S")
CW_PIDS="$CW_PIDS $(cat "$S/pid")"
HOST_FP=$(ssh-keygen -lf "$S/host_key.pub" | awk '{print $2}')
printf '%s\n' "$MK" > "$T/mk"; chmod 600 "$T/mk"
sc3_conf "$T/old"
mkdir -p "$T/old/sc3/ca" "$T/remote"
printf 'the CA\n' > "$T/old/sc3/ca/ca.pem"
printf 'a key\n' > "$T/old/sc3/k1"; chmod 600 "$T/old/sc3/k1"
expect_rc 0 "$CERTWIZ" --config "$T/old/certwiz.conf" sc3 backup --to "$T/remote/bundle" \
	--master-key-file "$T/mk" $(wf 4)

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
[sc3]
known_hosts = $1/known_hosts
restart_command = echo restarted >> $1/restarted
EOC
	mkdir -p "$1/sc3"
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
tui_otp_send "$OTP"
valid_install "$A"
tui_keys Enter
tui_wait "Main menu"

# SC3 restore over SCP: the master key typed, an identity file, the
# unknown host key trusted once.
SRC="$(id -un)@127.0.0.1:$T/remote/bundle"
tui_keys r
tui_wait "Source"
tui_text "$SRC"
tui_keys Tab
tui_text "$MK"
tui_keys Tab
tui_text "$SSH_PORT"
tui_keys Enter Enter
tui_wait "How should certwiz log in"
tui_keys i
tui_wait "The private key file"
tui_text "$S/id_ed25519"
tui_keys Enter
tui_wait "same master key as the old unit" 30
tui_keys y
tui_wait "Unknown host key" 60
tui_keys 1
tui_wait "Restart the management service" 120
tui_keys y
tui_wait "Restored SC3 CA" 60
diff -r "$T/old/sc3" "$A/sc3" >&2 || fail "the wizard's restore differs from the old unit's SC3"
tui_keys Escape
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
expect_val sc3 restore_from "$SRC"
expect_val sc3 port "$SSH_PORT"
expect_val sc3 auth identity
expect_val sc3 identity "$S/id_ed25519"
expect_val sc3 accept_host_key "$HOST_FP"
expect_val sc3 master_key_file "<FILL IN: file holding the SC3 master key>"
# Sections in apply's order, nothing else.
[ "$(grep '^\[' "$F" | tr -d '\n')" = "[ntp][check][enroll][sc3]" ] || { cat "$F" >&2; fail "sections"; }
[ "$(grep -c ' = ' "$F")" = 12 ] || { cat "$F" >&2; fail "other keys than the answers"; }
pass "the answer file: 0600, the answers, placeholders for the NTP key, the OTP and the master key, the confirmed CA and host key"
grep -qiF "$KEYHEX" "$F" && fail "the NTP key (hex) is in the answer file"
grep -qF "$KEYASCII" "$F" && fail "the NTP key (text) is in the answer file"
grep -qF "$OTP" "$F" && fail "the OTP is in the answer file"
grep -qF "$MK" "$F" && fail "the master key is in the answer file"
pass "neither the NTP key, the OTP nor the master key is in the answer file"
sed "s/^/    /" "$F"
otp_never_on_disk

# ---- the recorded answers on a fresh appliance B
B=$T/b
appliance "$B"
cw_rc 2 "$B" apply "$F" --json
grep -q 'FILL' "$T/out" || { cat "$T/out" >&2; fail "apply of the unfilled template names no placeholder"; }
[ ! -e "$B/cert/device.crt" ] && [ ! -e "$B/chrony/certwiz.keys" ] ||
	fail "apply of the unfilled template changed something"
pass "apply refuses the template while it holds placeholders; nothing changed"

# The placeholders filled with files (0600): the key, a new OTP.
mkdir -p "$T/fill"
printf 'HEX:%s\n' "$KEYHEX" > "$T/fill/ntp-key-2"
new_otp
printf '%s\n' "$OTP" > "$T/fill/otp"
chmod 600 "$T/fill/ntp-key-2" "$T/fill/otp"
sed -e "s|<FILL IN: file holding key ID 2>|$T/fill/ntp-key-2|" \
    -e "s|<FILL IN: file holding the one-time password>|$T/fill/otp|" \
    -e "s|<FILL IN: file holding the SC3 master key>|$T/mk|" "$F" > "$T/fill/answers.ini"
grep -q ' = .*<FILL' "$T/fill/answers.ini" && fail "a placeholder is left"
set +e
"$CERTWIZ" --config "$B/certwiz.conf" apply "$T/fill/answers.ini" --json >"$T/json" 2>"$T/err"
got=$?
set -e
[ "$got" = 0 ] || { cat "$T/json" "$T/err" >&2; fail "apply of the filled answer file exited $got"; }
res=$("$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["failed"], d["changed"], " ".join(s["name"] + "=" + s["result"] for s in d["sections"]))' "$T/json") ||
	{ cat "$T/json" >&2; fail "apply --json printed no JSON"; }
[ "$res" = "False True ntp=changed check=unchanged enroll=changed sc3=changed" ] ||
	{ cat "$T/json" >&2; fail "apply: $res"; }
rm -f "$T/fill/otp"	# spent; otp_never_on_disk below proves no other copy
pass "apply of the filled template: ntp, enroll and sc3 changed, the check passed"

# The same state as the wizard's appliance.
"$CERTWIZ" --config "$B/certwiz.conf" status --json > "$T/status.json" ||
	{ cat "$T/status.json" >&2; fail "status --json"; }
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "valid", d["state"]
assert "CN=" + sys.argv[2] in d["subject"].replace(" = ", "="), d["subject"]' "$T/status.json" "$SERIAL" ||
	{ cat "$T/status.json" >&2; fail "B is not valid with CN = serial"; }
valid_install "$B"
cmp -s "$A/cert/trust-anchor.pem" "$B/cert/trust-anchor.pem" || fail "B trusts another CA than A"
sed "s|$A/|$B/|g" "$A/chrony/certwiz.conf" | diff - "$B/chrony/certwiz.conf" >&2 ||
	fail "B's NTP configuration differs from A's"
grep -q "^server 127\.0\.0\.1 .*key 2" "$B/chrony/certwiz.conf" || fail "B's NTP server has no key 2"
cmp -s "$A/chrony/certwiz.keys" "$B/chrony/certwiz.keys" || fail "B's NTP keys differ from A's"
[ "$(stat -c %a "$B/chrony/certwiz.keys")" = 600 ] || fail "B's keys file is not 0600"
diff -r "$A/sc3" "$B/sc3" >&2 || fail "B's SC3 files differ from A's"
pass "the fresh appliance ends in the wizard's state: NTP written, certificate valid with CN = serial, same CA, same SC3 files"
otp_never_on_disk
