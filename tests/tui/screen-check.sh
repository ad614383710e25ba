#!/bin/sh
# The Check prerequisites screen against loopback peers (the listeners of
# tests/integration/check-peer.py): a listening port shows ok, a closed
# port FAILED with "connection refused", in one aligned table at 80x24.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

PY=${PYTHON3:-/usr/bin/python3}
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
"$PY" "$top_srcdir/tests/integration/check-peer.py" "$T/ports" tcp closed &
CW_PIDS="$CW_PIDS $!"
i=0
while [ ! -f "$T/ports" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the test peers did not start"
	sleep 0.1
done
port() { awk -v n="$1" '$1 == n { print $2; exit }' "$T/ports"; }
TCP=$(port tcp); CLOSED=$(port closed)
write_conf
cat >> "$T/certwiz.conf" <<EOC
[network]
endpoints = 127.0.0.1:$TCP, 127.0.0.1:$CLOSED
tls_ports = 443
timeout_ms = 20000
EOC

tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys c
tui_wait "1 of 2 endpoints cannot be reached" 30
tui_wait "ENDPOINT +RESULT +TIME +REASON"
tui_wait "127\\.0\\.0\\.1:$TCP +ok +[0-9]+ ms {2,}.\$"
tui_wait "127\\.0\\.0\\.1:$CLOSED +FAILED +[0-9]+ ms +TCP $CLOSED: connection refused"
# Columns line up: RESULT's column is where both rows' results start.
c_head=$(tui_col RESULT)
c_ok=$(tui_col " ok ")
[ "$c_ok" = "$((c_head - 1))" ] || { tui_screen >&2; fail "ok at column $c_ok, RESULT at $c_head"; }
pass "an ok and a refused endpoint, aligned under their headings"
tui_keys Escape
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"

# Cancel: an endpoint that never answers (its SYNs dropped) keeps the
# gauge up; Cancel asks, then the check stops and says nothing changed.
"$PY" "$top_srcdir/tests/integration/check-peer.py" "$T/ports2" blackhole &
CW_PIDS="$CW_PIDS $!"
i=0
while [ ! -f "$T/ports2" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the blackhole did not start"
	sleep 0.1
done
BH=$(awk '$1 == "blackhole" { print $2 }' "$T/ports2")
write_conf
cat >> "$T/certwiz.conf" <<EOC
[network]
endpoints = 127.0.0.1:$BH
timeout_ms = 3000
EOC
tui_start "'$CERTWIZ' --config '$T/certwiz.conf'"
tui_wait "Main menu"
tui_keys c
tui_wait "Checking the endpoints"
tui_keys c
tui_wait "Stop the check\\?" 30
tui_keys y
tui_wait "The check was stopped" 30
tui_gone "ENDPOINT"
tui_keys Enter
tui_wait "Main menu"
tui_keys q
tui_wait "EXIT=0"
pass "Cancel stops the check"
