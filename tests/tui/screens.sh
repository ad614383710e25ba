#!/bin/sh
# The screens whose backend is in: Certificate status (nothing installed:
# the state and what to do) and Check prerequisites (a listening and a
# closed loopback port: one reachable, one refused, under a gauge).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

PY=${PYTHON3:-/usr/bin/python3}
# A TCP listener on a free loopback port; its port goes to $T/port.
"$PY" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.close()
' "$T/port" &
CW_PIDS="$CW_PIDS $!"
n=0
while [ ! -s "$T/port" ]; do sleep 0.1; n=$((n + 1)); [ $n -lt 100 ] || fail "listener did not start"; done
OPEN=$(cat "$T/port")
# A port nobody listens on: bind one, close it.
CLOSED=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

write_conf
cat >> "$T/certwiz.conf" <<EOC
[network]
endpoints = 127.0.0.1:$OPEN,127.0.0.1:$CLOSED
timeout_ms = 3000
EOC

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys s
tui_wait "State: +not installed"
tui_wait "Install device certificate \\(OTP\\)"
tui_keys Escape
tui_wait "Main menu"
pass "Certificate status shows the state and what to do"

tui_keys c
tui_wait "1 of 2 endpoints cannot be reached"
tui_wait "127\\.0\\.0\\.1:$OPEN +ok"
tui_wait "127\\.0\\.0\\.1:$CLOSED +FAILED"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
pass "Check prerequisites lists each endpoint's result"
