#!/bin/sh
# sshd.sh - a real OpenSSH sshd on loopback for the SCP tests, everything
# (host key, config, authorized_keys, pid file, log) under DIR.
#
#   sshd.sh init  DIR         host key, client key (DIR/id_ed25519), config
#   sshd.sh start DIR [PORT]  start on 127.0.0.1 and ::1 at PORT or a free
#                             high port; prints the port, leaves DIR/port
#                             and DIR/pid
#   sshd.sh stop  DIR         stop it by PID (DIR/pid) and wait for it
#   sshd.sh rekey DIR         a new host key (restart to use it)
#   sshd.sh config DIR LINE   append an sshd_config line (before start)
#
# It logs in the user running the tests with the client key only
# (PermitRootLogin prohibit-password): no system account or password is
# touched.  Password logins reach sshd's real check and are refused for
# locked accounts (nobody), which is what the wrong-password test needs.
# As root, sshd needs its privilege-separation dir /run/sshd.
set -eu

SSHD=${SSHD:-/usr/sbin/sshd}
cmd=${1:?usage: sshd.sh init|start|stop|rekey|config DIR}
D=${2:?usage: sshd.sh $cmd DIR}

case $cmd in
init)
	mkdir -p "$D"
	chmod 700 "$D"
	rm -f "$D/host_key" "$D/host_key.pub" "$D/id_ed25519" "$D/id_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C certwiz-lab-host -f "$D/host_key"
	ssh-keygen -q -t ed25519 -N '' -C certwiz-lab-client -f "$D/id_ed25519"
	cp "$D/id_ed25519.pub" "$D/authorized_keys"
	chmod 600 "$D/authorized_keys"
	cat > "$D/sshd_config" <<EOF
ListenAddress 127.0.0.1
ListenAddress ::1
HostKey $D/host_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
MaxAuthTries 6
MaxStartups 50
LogLevel VERBOSE
EOF
	;;
config)
	echo "${3:?sshd.sh config DIR LINE}" >> "$D/sshd_config"
	;;
rekey)
	rm -f "$D/host_key" "$D/host_key.pub"
	ssh-keygen -q -t ed25519 -N '' -C certwiz-lab-host -f "$D/host_key"
	;;
start)
	[ -x "$SSHD" ] || { echo "sshd.sh: $SSHD not found (Debian: openssh-server)" >&2; exit 77; }
	if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd
	fi
	tries=0
	while :; do
		tries=$((tries + 1))
		if [ -n "${3:-}" ]; then
			port=$3
		else
			port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ))
		fi
		: > "$D/sshd.log"
		"$SSHD" -D -e -f "$D/sshd_config" -o "Port $port" >>"$D/sshd.log" 2>&1 &
		pid=$!
		i=0
		while [ $i -lt 100 ]; do
			if grep -q "Server listening on 127.0.0.1" "$D/sshd.log"; then
				echo "$pid" > "$D/pid"
				echo "$port" > "$D/port"
				echo "$port"
				exit 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
			i=$((i + 1))
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ -z "${3:-}" ] || sleep 0.2
		if [ $tries -ge 10 ]; then
			echo "sshd.sh: sshd did not start:" >&2
			cat "$D/sshd.log" >&2
			exit 1
		fi
	done
	;;
stop)
	[ -f "$D/pid" ] || exit 0
	pid=$(cat "$D/pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$D/pid"
	;;
*)
	echo "sshd.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
