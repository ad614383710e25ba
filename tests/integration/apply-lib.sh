# apply-lib.sh - sourced by apply.sh and apply-crash.sh: the lab EST
# service (enroll-lib.sh), the lab chronyd serving with its MD5 and SHA1
# keys (ntp-lab.sh), the lab sshd holding an SC3 bundle, and an appliance
# configuration plus a full answer file against them.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/integration/enroll-lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"
# ntp-lab.sh's LAB is the lab directory, est-lib.sh's the lab script.
NTP_LAB=$LAB
LAB=$top_srcdir/tests/lab/lab.sh

[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (Debian: openssh-server)"
command -v ssh-keygen >/dev/null || skip "no ssh-keygen"
command -v jq >/dev/null || skip "no jq (build-aux/install-deps)"
unset SSH_AUTH_SOCK

# tree DIR: every file with its mode, size and digest.
tree() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r f; do
	if [ -d "$f" ]; then echo "$(stat -c %a "$f") dir $f"
	else echo "$(stat -c '%a %s' "$f") $(sha256sum < "$f" | cut -c1-64) $f"; fi; done); }

# apply_lab [NOSSH]: starts the lab EST service, chronyd and (unless
# NOSSH) sshd, seals the SC3 bundle the restores fetch, writes the keys.
apply_lab() {
	lab_start
	NTP_PORT=$(lab_free_port)
	LAB=$NTP_LAB
	lab_chronyd "$T/chronyd" "$NTP_PORT"
	LAB=$top_srcdir/tests/lab/lab.sh
	key_file ntp-md5.key 'ASCII:LabMD5Key-0001'
	key_file ntp-sha1.key 'HEX:4c61622053484131206b65792030303032212121'
	CW_TEST_SECRETS="$CW_TEST_SECRETS LabMD5Key-0001 4c61622053484131206b65792030303032212121"
	printf 'apply-test-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
	# The old unit's SC3 dir, sealed into the bundle.
	sc3_conf "$T/old"
	mkdir -p "$T/old/sc3/ca" "$T/old/sc3/keys" "$T/remote"
	printf 'CA\n' > "$T/old/sc3/ca/ca.pem"
	printf 'key\n' > "$T/old/sc3/keys/k1"; chmod 600 "$T/old/sc3/keys/k1"
	head -c 100000 /dev/urandom > "$T/old/sc3/keys/k2"
	"$CERTWIZ" --config "$T/old/certwiz.conf" sc3 backup --to "$T/remote/bundle" \
		--master-key-file "$T/mk" $(wf 4) >"$T/out" 2>&1 || { cat "$T/out"; fail "backup"; }
	[ -n "${1:-}" ] && return 0
	S=$T/sshd
	sh "$top_srcdir/tests/lab/sshd.sh" init "$S"
	SSH_PORT=$(sh "$top_srcdir/tests/lab/sshd.sh" start "$S")
	CW_PIDS="$CW_PIDS $(cat "$S/pid")"
	HOST_FP=$(ssh-keygen -lf "$S/host_key.pub" | awk '{print $2}')
}

# appliance DIR: DIR/certwiz.conf, every path under DIR: enrollment
# against the lab with the time proven by certwiz's NTP settings (no
# override), NTP files under DIR (daemon none: certwiz's own probe of the
# lab chronyd proves the time), the check against the lab's port.
appliance() {
	d=$1
	mkdir -p "$d"
	cat > "$d/certwiz.conf" <<EOC
[device]
serial = $SERIAL
[paths]
state_dir = $d/state
cert_dir = $d/cert
sc3_dir = $d/sc3
log_dir = $d/log
[enroll]
url = $URL
trust_anchor = $d/cert/trust-anchor.pem
[ntp]
daemon = none
conf_file = $d/chrony/certwiz.conf
keys_file = $d/chrony/certwiz.keys
reload_command = true
port = $NTP_PORT
timeout_ms = 800
max_offset_ms = 1000
[network]
endpoints = 127.0.0.1:$PORT
[sc3]
known_hosts = $d/known_hosts
restart_command = echo restarted >> $d/restarted
[log]
syslog = no
EOC
}

# answers DIR [SECTIONS]: DIR/answers.ini, the sections named (default
# "ntp check enroll sc3"), key and OTP files relative to it; the OTP file
# DIR/otp holds a fresh OTP from the lab.
answers() {
	d=$1 secs=${2:-ntp check enroll sc3}
	new_otp
	printf '%s\n' "$OTP" > "$d/otp"; chmod 600 "$d/otp"
	cp "$T/ntp-md5.key" "$T/ntp-sha1.key" "$d/"
	{
		echo "# certwiz answer file of the apply tests"
		for s in $secs; do case $s in
		ntp) printf '[ntp]\nprimary = 127.0.0.1\nprimary_key = 1:md5:ntp-md5.key\nsecondary = localhost\nsecondary_key = 2:sha1:ntp-sha1.key\nrequire_proven = yes\n' ;;
		check) printf '[check]\nrun = yes\n' ;;
		enroll) printf '[enroll]\notp_file = otp\naccept_ca = %s\n' "$(lab_fp)" ;;
		sc3) printf '[sc3]\nrestore_from = %s@127.0.0.1:%s/remote/bundle\nport = %s\nauth = identity\nidentity = %s\naccept_host_key = %s\nmaster_key_file = %s\n' \
			"$(id -un)" "$T" "$SSH_PORT" "$S/id_ed25519" "$HOST_FP" "$T/mk" ;;
		esac; done
	} > "$d/answers.ini"
}

# apply_rc WANT DIR [ARGS]: certwiz apply DIR/answers.ini, stdout in
# $T/out, stderr in $T/err.
apply_rc() {
	want=$1 d=$2; shift 2
	set +e
	"$CERTWIZ" --config "$d/certwiz.conf" apply "$d/answers.ini" "$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" "$T/err" >&2; fail "apply $* in $d exited $got, want $want"; }
}
# jres NAME: the result of section NAME in the last --json output.
jres() { jq -r --arg n "$1" '.sections[] | select(.name == $n) | .result' "$T/out"; }
simpleenrolls() { grep -c 'simpleenroll' "$T/lab/estd.log" || true; }
