#!/bin/sh
# lab.sh - start and stop the loopback lab's EST service.
#
#   lab.sh est-start STATE_DIR [estd.py serve options...]
#       starts estd.py in the background, waits until it listens, prints
#       "port=N pid=N" (also in STATE_DIR/port and STATE_DIR/pid)
#   lab.sh est-stop STATE_DIR
#       stops the service by the PID in STATE_DIR/pid
#   lab.sh est-otp STATE_DIR SERIAL
#       prints a fresh OTP (like the support portal)
#   lab.sh proxy-start STATE_DIR / proxy-stop STATE_DIR
#       an HTTP CONNECT proxy (loopback only): STATE_DIR/proxy.port,
#       proxy.pid, proxy.log (one line per CONNECT)
#
# The service's stdout/stderr go to STATE_DIR/estd.out.  PYTHON3 selects
# the interpreter (default /usr/bin/python3: Debian's python3-cryptography).
set -eu

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON3:-/usr/bin/python3}

usage() {
	echo "usage: lab.sh est-start STATE_DIR [serve options] | est-stop STATE_DIR | est-otp STATE_DIR SERIAL" >&2
	echo "       lab.sh proxy-start STATE_DIR | proxy-stop STATE_DIR" >&2
	exit 2
}

[ $# -ge 2 ] || usage
cmd=$1 state=$2
shift 2

# start NAME PREFIX SCRIPT ARGS...: runs SCRIPT in the background and waits
# for STATE/PREFIXport; prints "port=N pid=N".
start() {
	name=$1 prefix=$2 script=$3
	shift 3
	mkdir -p "$state"
	rm -f "$state/${prefix}port" "$state/${prefix}pid"
	"$PY" "$LAB_DIR/$script" "$@" >>"$state/$name.out" 2>&1 </dev/null &
	pid=$!
	i=0
	while [ ! -s "$state/${prefix}port" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$state/$name.out" >&2
			echo "lab.sh: $script exited before listening" >&2
			exit 1
		fi
		i=$((i + 1))
		[ $i -le 300 ] || { kill "$pid"; echo "lab.sh: $script did not start" >&2; exit 1; }
		sleep 0.1
	done
	echo "port=$(cat "$state/${prefix}port") pid=$pid"
}

# stop PREFIX: by the PID in STATE/PREFIXpid, waiting until it is gone.
stop() {
	[ -s "$state/${1}pid" ] || return 0
	pid=$(cat "$state/${1}pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$state/${1}pid" "$state/${1}port"
}

case $cmd in
est-start)
	start estd "" estd.py serve --state "$state" "$@"
	;;
est-stop)
	stop ""
	;;
proxy-start)
	start proxy proxy. connectproxy.py --state "$state" "$@"
	;;
proxy-stop)
	stop proxy.
	;;
est-otp)
	[ $# -eq 1 ] || usage
	"$PY" "$LAB_DIR/estd.py" otp new "$1" --state "$state"
	;;
*)
	usage
	;;
esac
