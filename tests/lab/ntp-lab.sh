# ntp-lab.sh - helpers for the NTP integration tests.  Sourced AFTER
# tests/lib.sh; tests call lab_ntp_netns "$0" BEFORE sourcing lib.sh.
#
# chronyd must run as root.  CI is root; elsewhere the test re-runs itself
# inside a user + network namespace (unshare -rn) with its own loopback,
# where it is root and disturbs nothing.

lab_ntp_netns() {
	[ "$(id -u)" = 0 ] && return 0
	if ! command -v unshare >/dev/null 2>&1 || ! unshare -rn true 2>/dev/null; then
		echo "SKIP: needs root or 'unshare -rn' (user namespaces) to run chronyd"
		exit 77
	fi
	exec unshare -rn sh -c 'ip link set lo up 2>/dev/null || true; exec sh "$0"' "$1"
}

: "${PYTHON3:=/usr/bin/python3}"
LAB=$top_srcdir/tests/lab

# A free UDP port on 127.0.0.1 (bound and released: the race is harmless
# on a test host).
lab_free_port() {
	"$PYTHON3" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# lab_chronyd DIR PORT [ADDR]: starts the lab chronyd, registers its PID.
lab_chronyd() {
	mkdir -p "$1"
	pid=$(PYTHON3=$PYTHON3 sh "$LAB/chronyd.sh" start "$1" "$2" ${3:+"$3"}) || {
		rc=$?; [ "$rc" = 77 ] && skip "chronyd is not installed"; fail "chronyd did not start"; }
	CW_PIDS="$CW_PIDS $pid"
}

# lab_fake NAME PORT ARGS...: starts fake-ntp.py, waits until bound.
lab_fake() {
	name=$1 port=$2; shift 2
	"$PYTHON3" "$LAB/fake-ntp.py" --port "$port" --ready "$T/$name.ready" "$@" \
		>"$T/$name.log" 2>&1 &
	CW_PIDS="$CW_PIDS $!"
	i=0
	while [ ! -f "$T/$name.ready" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$T/$name.log" >&2; fail "fake-ntp $name did not start"; }
		sleep 0.1
	done
}

# ntp_conf PORT [RELOAD_COMMAND]: $T/certwiz.conf with NTP files under $T
# and no daemon to read back (daemon = none): these tests are about
# certwiz's own probe against the lab servers.
ntp_conf() {
	write_conf
	cat >> "$T/certwiz.conf" <<EOC
[ntp]
daemon = none
conf_file = $T/chrony/conf.d/certwiz.conf
keys_file = $T/chrony/certwiz.keys
reload_command = ${2:-true}
port = $1
timeout_ms = 800
max_offset_ms = 1000
EOC
}

# system_ntp_conf PORT: $T/certwiz.conf for the tests against the stock
# system chronyd (lab_system_chronyd): Debian's files and daemon, the lab
# server on PORT.
system_ntp_conf() {
	write_conf
	cat >> "$T/certwiz.conf" <<EOC
[ntp]
port = $1
timeout_ms = 800
reach_wait_s = 10
EOC
}

# cw_json WANT_RC ARGS...: runs certwiz with the test config, stdout (JSON)
# to $T/json, stderr to $T/err, checks the exit code.
cw_json() {
	want=$1; shift
	set +e
	"$CERTWIZ" --config "$T/certwiz.conf" "$@" >"$T/json" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/json" "$T/err" >&2; fail "'certwiz $*' exited $got, want $want"; }
}

# jget EXPR: a Python expression over d = the last JSON output.
jget() {
	"$PYTHON3" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/json" "$1"
}

# jexpect EXPR WANT
jexpect() {
	got=$(jget "$1") || { cat "$T/json" >&2; fail "no JSON"; }
	[ "$got" = "$2" ] || { cat "$T/json" "$T/err" >&2; fail "$1 = '$got', want '$2'"; }
}

# A key file (0600) with the given content.
key_file() {
	printf '%s\n' "$2" > "$T/$1"
	chmod 600 "$T/$1"
}

# ---- a real time daemon with its stock files, in a private namespace

# lab_private_ns "$0": re-runs the test as root in its own mount and
# network namespace (unshare -mn), loopback up.  Mounts made there (the
# daemon's directories, below) are invisible to the machine: its /etc,
# /run and /var/lib stay untouched.  Skips when not root.
lab_private_ns() {
	[ "${CW_PRIVATE_NS:-}" = 1 ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 ||
	   ! unshare -mn true 2>/dev/null; then
		echo "SKIP: needs root and 'unshare -mn' to run the system's time daemon privately"
		exit 77
	fi
	CW_PRIVATE_NS=1 exec unshare -mn --propagation private \
		sh -c 'ip link set lo up 2>/dev/null || true; exec sh "$0"' "$1"
}

# ns_private DIR...: inside lab_private_ns, each DIR becomes a private copy
# (bind mount of a copy under $T) or, when the machine has no DIR, a new
# empty one (an overlay on its parent whose changes live under $T).
ns_private() {
	[ "${CW_PRIVATE_NS:-}" = 1 ] || fail "ns_private outside lab_private_ns"
	for d in "$@"; do
		n=$(echo "$d" | tr / _)
		if [ -d "$d" ]; then
			mkdir -p "$T/ns/$n"
			cp -a "$d/." "$T/ns/$n/"
			chown --reference="$d" "$T/ns/$n"
			chmod --reference="$d" "$T/ns/$n"
			mount --bind "$T/ns/$n" "$d" || fail "cannot bind-mount over $d"
		else
			parent=$(dirname "$d")
			mkdir -p "$T/ov/$n/up" "$T/ov/$n/work"
			mount -t overlay overlay -o \
				"lowerdir=$parent,upperdir=$T/ov/$n/up,workdir=$T/ov/$n/work" \
				"$parent" || fail "cannot overlay $parent"
			mkdir -p "$d"
		fi
	done
}

# Debian's own chronyd with the stock configuration, inside lab_private_ns:
# lab_system_chrony_dirs makes its directories private copies (ns_private),
# skipping when chrony or its stock configuration is missing; then
# lab_system_chronyd starts it in the foreground, never adjusting the
# clock, its command socket the private /run/chrony's, registers its PID
# and waits until chronyc answers (start lab_chronyd before it when the
# lab server must be up first).
lab_system_chrony_dirs() {
	[ -x /usr/sbin/chronyd ] && command -v chronyc >/dev/null 2>&1 || skip "chrony is not installed"
	[ -f /etc/chrony/chrony.conf ] || skip "no stock /etc/chrony/chrony.conf"
	ns_private /etc/chrony /run/chrony /var/lib/chrony
	# chronyd drops to _chrony: its run and state directories are its own.
	chown _chrony:_chrony /run/chrony /var/lib/chrony 2>/dev/null || true
	chmod 0750 /run/chrony
}
lab_system_chronyd() {
	/usr/sbin/chronyd -d -x -f /etc/chrony/chrony.conf >"$T/chronyd.log" 2>&1 &
	CW_PIDS="$CW_PIDS $!"
	i=0
	until chronyc -n tracking >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/chronyd.log" >&2; fail "chronyd did not start"; }
		sleep 0.1
	done
}
