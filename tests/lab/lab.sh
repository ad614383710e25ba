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
#
# The service's stdout/stderr go to STATE_DIR/estd.out.  PYTHON3 selects
# the interpreter (default /usr/bin/python3: Debian's python3-cryptography).
set -eu

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON3:-/usr/bin/python3}

usage() {
	echo "usage: lab.sh est-start STATE_DIR [serve options] | est-stop STATE_DIR | est-otp STATE_DIR SERIAL" >&2
	exit 2
}

[ $# -ge 2 ] || usage
cmd=$1 state=$2
shift 2

case $cmd in
est-start)
	mkdir -p "$state"
	rm -f "$state/port" "$state/pid"
	"$PY" "$LAB_DIR/estd.py" serve --state "$state" "$@" \
		>>"$state/estd.out" 2>&1 </dev/null &
	pid=$!
	i=0
	while [ ! -s "$state/port" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$state/estd.out" >&2
			echo "lab.sh: estd.py exited before listening" >&2
			exit 1
		fi
		i=$((i + 1))
		[ $i -le 300 ] || { kill "$pid"; echo "lab.sh: estd.py did not start" >&2; exit 1; }
		sleep 0.1
	done
	echo "port=$(cat "$state/port") pid=$pid"
	;;
est-stop)
	[ -s "$state/pid" ] || exit 0
	pid=$(cat "$state/pid")
	kill "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$state/pid" "$state/port"
	;;
est-otp)
	[ $# -eq 1 ] || usage
	"$PY" "$LAB_DIR/estd.py" otp new "$1" --state "$state"
	;;
*)
	usage
	;;
esac
