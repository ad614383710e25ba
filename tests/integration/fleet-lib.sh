# fleet-lib.sh - sourced by tests/integration/fleet.sh and
# tests/bench/bench-fleet.sh: N simulated appliances on this machine for
# the Ansible role (data/ansible/site.yml with roles/certwiz), against the
# loopback lab: the EST service and a chronyd serving with the lab's keys.
# Each appliance is an inventory host with ansible_connection=local and its
# own config root $FLEET/hosts/NAME (certwiz.conf, state, cert, NTP files),
# its own serial and its own OTP, kept in an Ansible Vault file.
# Sourced after tests/lab/ntp-lab.sh (its lab_ntp_netns: chronyd needs
# root; its lab_free_port).  Not sourced again here: its LAB is not
# est-lib.sh's.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"
command -v ansible-playbook >/dev/null 2>&1 && command -v ansible-vault >/dev/null 2>&1 ||
	skip "ansible-playbook is not installed (build-aux/install-deps installs ansible-core)"

PLAYBOOK=$top_srcdir/data/ansible/site.yml
# The lab's MD5 key (tests/lab/chronyd.sh), as the vendor hands it out.
FLEET_NTP_KEY=ASCII:LabMD5Key-0001
FLEET_NTP_KEY_HEX=4c61624d44354b65792d30303031
CW_TEST_SECRETS="$CW_TEST_SECRETS LabMD5Key-0001 $FLEET_NTP_KEY_HEX"

# Ansible keeps everything under $T: its home, temp dirs, log, fact cache;
# no ansible.cfg from the caller applies.
ANSIBLE_CONFIG=$T/ansible.cfg
ANSIBLE_HOME=$T/ansible
ANSIBLE_LOCAL_TEMP=$T/ansible/tmp
ANSIBLE_REMOTE_TEMP=$T/ansible/remote-tmp
ANSIBLE_LOG_PATH=$T/ansible.log
ANSIBLE_CACHE_PLUGIN=jsonfile
ANSIBLE_CACHE_PLUGIN_CONNECTION=$T/facts
ANSIBLE_NOCOLOR=1
ANSIBLE_RETRY_FILES_ENABLED=0
ANSIBLE_PIPELINING=1
ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_CONFIG ANSIBLE_HOME ANSIBLE_LOCAL_TEMP ANSIBLE_REMOTE_TEMP ANSIBLE_LOG_PATH \
	ANSIBLE_CACHE_PLUGIN ANSIBLE_CACHE_PLUGIN_CONNECTION ANSIBLE_NOCOLOR \
	ANSIBLE_RETRY_FILES_ENABLED ANSIBLE_PIPELINING ANSIBLE_PYTHON_INTERPRETER
: > "$ANSIBLE_CONFIG"
# Ansible refuses a locale whose encoding is not UTF-8 (lib.sh sets C).
ansible_run() { LC_ALL=C.UTF-8 "$@"; }
mkdir -p "$ANSIBLE_HOME"

# host_name I / host_serial I: appliance I's inventory name and serial.
host_name() { printf 'app%03d' "$1"; }
host_serial() { printf '0079510%08d' "$1"; }

# fleet_lab: the lab's EST service and chronyd (NTP_PORT), the lab CA's
# fingerprint in FLEET_FP.
fleet_lab() {
	lab_start
	NTP_PORT=$(lab_free_port)
	mkdir -p "$T/chronyd"
	pid=$(PYTHON3=$PY sh "$top_srcdir/tests/lab/chronyd.sh" start "$T/chronyd" "$NTP_PORT") || {
		rc=$?; [ "$rc" = 77 ] && skip "chronyd is not installed"; fail "chronyd did not start"; }
	CW_PIDS="$CW_PIDS $pid"
	CW_TIME_LINE=	# no lab override: the time is proven by the keyed chronyd
	FLEET_FP=$(lab_fp)
}

# fleet_hosts N [BAD]: N appliances under $FLEET (default $T), an OTP each
# from the lab, appliance BAD (if given) with a wrong OTP: writes
# $FLEET/inventory.yml, the vaulted $FLEET/otps.yml (password in
# $T/vault.pw), the config roots $FLEET/hosts/NAME.  Sets FLEET_N,
# FLEET_BAD and the OTP of appliance I in OTP_I.
FLEET=$T
fleet_hosts() {
	FLEET_N=$1 FLEET_BAD=${2:-0}
	fp=$FLEET_FP
	mkdir -p "$FLEET/hosts"
	printf 'vault password of the fleet test %s\n' "$$" > "$T/vault.pw"
	chmod 600 "$T/vault.pw"
	{
		cat <<EOI
appliances:
  vars:
    ansible_connection: local
    certwiz_become: false
    certwiz_owner: "$(id -un)"
    certwiz_group: "$(id -gn)"
    certwiz_install: binary
    certwiz_binary_src: "$CERTWIZ"
    certwiz_bin: "{{ cw_root }}/bin/certwiz"
    certwiz_config_src: "{{ cw_root }}.conf"
    certwiz_config: "{{ cw_root }}/etc/certwiz.conf"
    certwiz_answers: "{{ cw_root }}/etc/answers.ini"
    certwiz_key_dir: "{{ cw_root }}/etc/keys"
    certwiz_otp_file: "{{ cw_root }}/run/otp"
    certwiz_ntp_primary: 127.0.0.1
    certwiz_ntp_primary_key: {id: 1, alg: md5, secret: "$FLEET_NTP_KEY"}
    certwiz_accept_ca: "$fp"
  hosts:
EOI
		i=1
		while [ $i -le "$FLEET_N" ]; do
			printf '    %s: {cw_root: "%s"}\n' "$(host_name $i)" "$FLEET/hosts/$(host_name $i)"
			i=$((i + 1))
		done
	} > "$FLEET/inventory.yml"
	i=1
	while [ $i -le "$FLEET_N" ]; do
		h=$(host_name $i)
		SERIAL=$(host_serial $i)
		# The appliance's own certwiz.conf (copied by the role), every
		# path under its root.
		cw_conf "$FLEET/hosts/$h" "" "port = $NTP_PORT
timeout_ms = 800
max_offset_ms = 1000"
		mv "$FLEET/hosts/$h/certwiz.conf" "$FLEET/hosts/$h.conf"
		if [ $i = "$FLEET_BAD" ]; then
			OTP=WRONGOTPWRONGOTPWRONGOTP$(printf '%08d' $i)
			ALL_OTPS="$ALL_OTPS $OTP"
		else
			new_otp "$SERIAL"
		fi
		eval "OTP_$i=\$OTP"
		i=$((i + 1))
	done
	unset OTP
	fleet_vault
}

# fleet_vault: $FLEET/otps.yml, certwiz_otps {NAME: OTP_I} for the N
# appliances, encrypted with Ansible Vault from standard input: the plain
# text never touches the disk.
fleet_vault() {
	otps="certwiz_otps:"
	i=1
	while [ $i -le "$FLEET_N" ]; do
		eval "o=\$OTP_$i"
		otps="$otps
  $(host_name $i): \"$o\""
		i=$((i + 1))
	done
	rm -f "$FLEET/otps.yml"
	printf '%s\n' "$otps" | ansible_run ansible-vault encrypt --vault-password-file "$T/vault.pw" \
		--output "$FLEET/otps.yml" >/dev/null 2>"$T/vault.err" ||
		{ cat "$T/vault.err" >&2; fail "ansible-vault encrypt failed"; }
	unset otps o
}

# fleet_setup N [BAD]: fleet_lab, then fleet_hosts N BAD.
fleet_setup() {
	fleet_lab
	fleet_hosts "$@"
}

# fleet_play OUT [ansible-playbook ARGS...]: site.yml over the inventory,
# 10 forks, stdout+stderr in OUT; sets PLAY_RC and PLAY_S (wall seconds).
fleet_play() {
	out=$1; shift
	set +e
	t0=$(date +%s%N)
	ansible_run ansible-playbook -f 10 -i "$FLEET/inventory.yml" --vault-password-file "$T/vault.pw" \
		-e "certwiz_otps_file=$FLEET/otps.yml" "$@" "$PLAYBOOK" >"$out" 2>&1
	PLAY_RC=$?
	PLAY_S=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	set -e
}

# recap OUT HOST: HOST's PLAY RECAP line in OUT, as "ok=N changed=N ...".
recap() {
	sed -n "s/^$2 *: *//p" "$1" | tail -n 1 | tr -s ' '
}
