#!/bin/sh
# fleet.sh - the Ansible role (data/ansible/site.yml, roles/certwiz) over 20
# simulated appliances on this machine (ansible_connection=local, each its
# own config root and serial), -f 10, against the loopback EST lab and a
# chronyd serving with the lab's MD5 key (issue 16, Fleet role):
#  - run 1: every good appliance ends with a certificate whose subject CN
#    is its serial and that `openssl verify`s against the lab CA, and its
#    NTP files (the chrony snippet, the keys file); a chronyd started on
#    one appliance's snippet reaches the lab server authenticated
#    (chronyc); the appliance given a wrong OTP fails alone with the lab's
#    reason, the others are ok; the status facts are in the fact cache;
#  - run 2: PLAY RECAP changed=0 for every host, no OTP spent (no new
#    successful simpleenroll in the lab's log);
#  - the failed appliance, given a good OTP: --check says it would change
#    and sends nothing; then it converges alone (--limit);
#  - no OTP and no NTP key in Ansible's output, its log (ANSIBLE_LOG_PATH)
#    or any file left under the test dir.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/integration/fleet-lib.sh"

# FLEET_TEST_N, FLEET_TEST_BAD: a smaller fleet while working on the role.
N=${FLEET_TEST_N:-20} BAD=${FLEET_TEST_BAD:-7}
fleet_setup $N $BAD
bad=$(host_name $BAD)
good_hosts() {
	i=1
	while [ $i -le $N ]; do
		[ $i = $BAD ] || echo "$i"
		i=$((i + 1))
	done
}
enrolled() { grep -c 'simpleenroll 200' "$T/lab/estd.log" || true; }
simpleenrolls() { grep -c 'simpleenroll' "$T/lab/estd.log" || true; }

# ---- run 1
ansible_run ansible-playbook --syntax-check -i "$T/inventory.yml" -e "certwiz_otps_file=$T/otps.yml" \
	--vault-password-file "$T/vault.pw" "$PLAYBOOK" >"$T/syntax.out" 2>&1 ||
	{ cat "$T/syntax.out" >&2; fail "site.yml does not pass --syntax-check"; }
fleet_play "$T/run1.out"
[ "$PLAY_RC" = 2 ] || { cat "$T/run1.out" >&2; fail "run 1: ansible-playbook exited $PLAY_RC, want 2 (one host failed)"; }
for i in $(good_hosts); do
	h=$(host_name $i)
	r=$(recap "$T/run1.out" "$h")
	case $r in
	*" failed=0 "*) ;;
	*) cat "$T/run1.out" >&2; fail "run 1: $h: '$r', want failed=0" ;;
	esac
	case $r in
	*" changed=0 "*) cat "$T/run1.out" >&2; fail "run 1: $h reports changed=0 on its first setup" ;;
	esac
	case $r in
	*" unreachable=0 "*) ;;
	*) fail "run 1: $h: '$r'" ;;
	esac
done
case $(recap "$T/run1.out" "$bad") in
*" failed=1 "*) ;;
*) cat "$T/run1.out" >&2; fail "run 1: $bad: '$(recap "$T/run1.out" "$bad")', want failed=1" ;;
esac
grep -E "^fatal: \[$bad\]: FAILED! => .*certwiz apply failed in \[enroll\] \(exit 7\).*OTP wrong, used or expired" \
	"$T/run1.out" >/dev/null || { cat "$T/run1.out" >&2; fail "run 1: no failure of $bad with the lab's reason"; }
[ "$(grep -c '^fatal: ' "$T/run1.out")" = "$(grep -c "^fatal: \[$bad\]" "$T/run1.out")" ] ||
	{ grep '^fatal: ' "$T/run1.out" >&2; fail "run 1: another host failed"; }
pass "run 1 (${PLAY_S} s): $((N - 1)) appliances ok, $bad failed alone with the lab's reason (OTP wrong, used or expired)"
grep "^fatal: \[$bad\]: FAILED! => .*certwiz apply failed" "$T/run1.out" | cut -c1-400

for i in $(good_hosts); do
	h=$(host_name $i) SERIAL=$(host_serial $i)
	valid_install "$T/hosts/$h"
	grep -qx "server 127.0.0.1 port $NTP_PORT key 1 iburst" "$T/hosts/$h/chrony/certwiz.conf" ||
		{ cat "$T/hosts/$h/chrony/certwiz.conf" >&2; fail "$h: no keyed server line in its NTP snippet"; }
	grep -qx "1 MD5 HEX:$FLEET_NTP_KEY_HEX" "$T/hosts/$h/chrony/certwiz.keys" ||
		fail "$h: key 1 not in its NTP keys file"
	[ "$(stat -c %a "$T/hosts/$h/chrony/certwiz.keys")" = 600 ] || fail "$h: NTP keys file not 0600"
done
[ ! -e "$T/hosts/$bad/cert/device.crt" ] || fail "$bad has a certificate"
for i in $(seq 1 $N); do
	[ ! -e "$T/hosts/$(host_name $i)/run/otp" ] || fail "the OTP file of $(host_name $i) was left behind"
done
pass "run 1: every good appliance has a certificate for its serial that verifies against the lab CA, and its NTP files"

# chronyd itself on the files certwiz wrote for app001: it reaches the
# lab server and authenticates it with key 1 (chronyc over its own socket).
h1=$(host_name 1)
mkdir -p "$T/client" && chmod 700 "$T/client"
cat > "$T/client/chrony.conf" <<EOC
include $T/hosts/$h1/chrony/certwiz.conf
pidfile $T/client/chronyd.pid
driftfile $T/client/drift
port 0
cmdport 0
bindcmdaddress $T/client/chronyd.sock
EOC
/usr/sbin/chronyd -d -x -u root -f "$T/client/chrony.conf" >"$T/client/log" 2>&1 &
CW_PIDS="$CW_PIDS $!"
i=0
until chronyc -h "$T/client/chronyd.sock" -n ntpdata 127.0.0.1 2>/dev/null |
      grep -Eq '^Authenticated +: Yes'; do
	i=$((i + 1))
	[ $i -lt 150 ] || { cat "$T/client/log" >&2; chronyc -h "$T/client/chronyd.sock" -n sources >&2 || true; fail "chronyd on $h1's snippet never authenticated the lab server"; }
	sleep 0.2
done
chronyc -h "$T/client/chronyd.sock" -n authdata > "$T/client/authdata"
grep -Eq '^127\.0\.0\.1 +SK +1 +1 +112 ' "$T/client/authdata" ||
	{ cat "$T/client/authdata" >&2; fail "chronyc authdata does not show key 1 (type 1 = MD5, 112 bits: the 14-character ASCII key)"; }
pass "chronyd on $h1's NTP files authenticates the lab server with key 1 MD5 (chronyc ntpdata, authdata)"

# The status facts (set_fact cacheable: the jsonfile fact cache).
for i in $(good_hosts); do
	h=$(host_name $i)
	[ -s "$T/facts/$h" ] || fail "no cached facts for $h"
	got=$("$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["certwiz_status"]["state"], d["certwiz_status"]["subject"], d["certwiz_apply_result"]["changed"])' "$T/facts/$h") ||
		fail "$h: no certwiz_status or certwiz_apply_result in the cached facts"
	[ "$got" = "valid CN=$(host_serial $i) True" ] || fail "$h: facts say '$got'"
done
grep -q "ok: \[$h1\] => {" "$T/run1.out" && grep -q "\"msg\": \"valid: CN=$(host_serial 1)," "$T/run1.out" ||
	{ cat "$T/run1.out" >&2; fail "site.yml does not show the status of $h1"; }
pass "run 1: certwiz_status gathered for every good appliance (state valid, subject its serial)"

# ---- run 2: nothing changes, no OTP spent; /run was emptied as by a
# reboot (the OTP file's directory is scratch, making it is no change)
n_ok=$(enrolled) n_all=$(simpleenrolls)
for i in $(seq 1 $N); do rm -rf "$T/hosts/$(host_name "$i")/run"; done
fleet_play "$T/run2.out"
[ "$PLAY_RC" = 2 ] || { cat "$T/run2.out" >&2; fail "run 2: ansible-playbook exited $PLAY_RC, want 2"; }
for i in $(seq 1 $N); do
	h=$(host_name $i)
	r=$(recap "$T/run2.out" "$h")
	case $r in
	*" changed=0 "*) ;;
	*) cat "$T/run2.out" >&2; fail "run 2: $h: '$r', want changed=0" ;;
	esac
	[ $i = $BAD ] && continue
	case $r in
	*" failed=0 "*) ;;
	*) cat "$T/run2.out" >&2; fail "run 2: $h: '$r', want failed=0" ;;
	esac
done
[ "$(enrolled)" = "$n_ok" ] || fail "run 2 enrolled again ($(enrolled) successful simpleenrolls, were $n_ok)"
# The only new request is the wrong OTP of $bad, refused again.
[ "$(simpleenrolls)" = $((n_all + 1)) ] || fail "run 2 sent $(($(simpleenrolls) - n_all)) simpleenrolls, want 1 ($bad's)"
[ "$(sed -n '$p' "$T/lab/estd.log" | grep -c 'simpleenroll 401')" = 1 ] || fail "the last request is not $bad's refused one"
for i in $(good_hosts); do
	h=$(host_name $i)
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); r = d["certwiz_apply_result"]; assert not r["changed"] and all(s["result"] == "unchanged" for s in r["sections"]), r' \
		"$T/facts/$h" || fail "run 2: apply on $h did not report every section unchanged"
done
pass "run 2 (${PLAY_S} s): PLAY RECAP changed=0 for all $N hosts, every section unchanged, no OTP spent"

# ---- the failed appliance with a good OTP: it alone converges
SERIAL=$(host_serial $BAD)
new_otp "$SERIAL"
eval "OTP_$BAD=\$OTP"
unset OTP
fleet_vault
# Check mode first: apply --check says the enrollment would change
# something, and changes nothing (no request, no certificate).
n_all=$(simpleenrolls)
fleet_play "$T/check.out" --limit "$bad" --check
[ "$PLAY_RC" = 0 ] || { cat "$T/check.out" >&2; fail "check run: ansible-playbook exited $PLAY_RC"; }
case $(recap "$T/check.out" "$bad") in
*" changed=0 "*|*" failed=1 "*) cat "$T/check.out" >&2; fail "check run: $bad: '$(recap "$T/check.out" "$bad")', want changed" ;;
esac
"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["certwiz_apply_result"]; assert r["check_mode"] and r["changed"], r' \
	"$T/facts/$bad" || fail "check run: apply --check did not report the enrollment as a change"
[ "$(simpleenrolls)" = "$n_all" ] || fail "check run: a request was sent"
[ ! -e "$T/hosts/$bad/cert/device.crt" ] || fail "check run: a certificate was installed"
pass "check mode: apply --check reports $bad's enrollment as a change and sends nothing"
# Verbose and with --diff: what an admin chasing a failure would run.
fleet_play "$T/run3.out" --limit "$bad" -vvv --diff
[ "$PLAY_RC" = 0 ] || { cat "$T/run3.out" >&2; fail "run 3: ansible-playbook exited $PLAY_RC"; }
case $(recap "$T/run3.out" "$bad") in
*" changed=0 "*|*" failed=1 "*) cat "$T/run3.out" >&2; fail "run 3: $bad: '$(recap "$T/run3.out" "$bad")'" ;;
esac
valid_install "$T/hosts/$bad"
pass "run 3 (${PLAY_S} s): $bad, given a good OTP, enrolls alone"

# ---- no secret in Ansible's output, its log or any file under $T
[ -s "$ANSIBLE_LOG_PATH" ] || fail "no Ansible log at $ANSIBLE_LOG_PATH"
grep -q 'certwiz apply' "$ANSIBLE_LOG_PATH" || fail "the Ansible log lacks the apply task"
for s in $ALL_OTPS LabMD5Key-0001 $FLEET_NTP_KEY_HEX; do
	for f in "$T/run1.out" "$T/run2.out" "$T/check.out" "$T/run3.out" "$ANSIBLE_LOG_PATH"; do
		! grep -qF -- "$s" "$f" || fail "a secret ($(echo "$s" | cut -c1-4)...) is in $f"
	done
done
pass "no OTP and no NTP key in Ansible's output or log ($(echo $ALL_OTPS | wc -w) OTPs)"
otp_never_on_disk
