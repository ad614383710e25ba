#!/bin/sh
# chronyd.sh - the lab's NTP server: a real chronyd on loopback that serves
# time with an MD5 and a SHA1 key and never touches the system clock (-x).
#
#   chronyd.sh start DIR PORT [ADDR]
#                               writes DIR/chrony.conf and DIR/chrony.keys,
#                               starts chronyd on ADDR (127.0.0.1 and ::1
#                               by default), waits until it answers and
#                               prints its PID (stop it by that PID)
#   chronyd.sh stop DIR         kills the chronyd whose PID is in DIR/pid
#
# Everything (conf, keys, pid, drift, log) lives in DIR.  chronyd must run
# as root: CI is root; elsewhere run the test inside `unshare -rn` (the
# tests do that themselves, see lab_enter_netns in tests/lab/lab.sh).
# Debian's chronyd drops privileges to _chrony, which could not read DIR
# (mode 0700): -u root keeps it root.
#
# The keys, known to the tests:
#   1 MD5  ASCII:LabMD5Key-0001
#   2 SHA1 HEX:4c61622053484131206b65792030303032212121   ("Lab SHA1 key 0002!!!")
set -eu

CHRONYD=${CHRONYD:-/usr/sbin/chronyd}
PYTHON3=${PYTHON3:-/usr/bin/python3}

case ${1:-} in
start)
	dir=$2 port=$3 addr=${4:-127.0.0.1}
	[ -x "$CHRONYD" ] || { echo "chronyd.sh: $CHRONYD not found (apt-get install chrony)" >&2; exit 77; }
	cat > "$dir/chrony.keys" <<EOK
1 MD5 ASCII:LabMD5Key-0001
2 SHA1 HEX:4c61622053484131206b65792030303032212121
EOK
	chmod 600 "$dir/chrony.keys"
	{
		echo "pidfile $dir/chronyd.pid"
		echo "driftfile $dir/chrony.drift"
		echo "keyfile $dir/chrony.keys"
		echo "port $port"
		echo "bindaddress $addr"
		# IPv6 loopback when the host has it.
		[ "$addr" = 127.0.0.1 ] && [ -e /proc/net/if_inet6 ] &&
			grep -q '^0*1 ' /proc/net/if_inet6 2>/dev/null &&
			echo "bindaddress ::1"
		echo "cmdport 0"
		# No command socket: /run/chrony is the system chronyd's.
		echo "bindcmdaddress /"
		echo "local stratum 8"
		echo "allow 127.0.0.1"
		echo "allow ::1"
		# Its own subnet when it serves on another address.
		[ "$addr" = 127.0.0.1 ] || echo "allow ${addr%.*}.0/24"
	} > "$dir/chrony.conf"
	# -d: foreground, so $! is chronyd itself; -x: never set the clock.
	"$CHRONYD" -d -x -u root -f "$dir/chrony.conf" >"$dir/chronyd.log" 2>&1 &
	pid=$!
	echo "$pid" > "$dir/pid"
	# Ready when it answers a plain client query.
	"$PYTHON3" - "$port" "$addr" <<'EOP' || { kill "$pid" 2>/dev/null; cat "$dir/chronyd.log" >&2; exit 1; }
import socket, sys, time
port, addr = int(sys.argv[1]), sys.argv[2]
end = time.time() + 10
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    try:
        s.sendto(b"\x23" + b"\0" * 39 + b"\x01" * 8, (addr, port))
        if len(s.recv(512)) >= 48:
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
    finally:
        s.close()
sys.exit(1)
EOP
	echo "$pid"
	;;
stop)
	dir=$2
	[ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
	;;
*)
	echo "usage: chronyd.sh start DIR PORT | stop DIR" >&2
	exit 2
	;;
esac
