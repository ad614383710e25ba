#!/bin/sh
# The EST client goes through an HTTP(S) proxy: the configured one, else
# the environment's (https_proxy).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

lab_start
PYTHON3=$PY sh "$LAB" proxy-start "$T/lab" >/dev/null
CW_PIDS="$CW_PIDS $(cat "$T/lab/proxy.pid")"
PROXY=http://127.0.0.1:$(cat "$T/lab/proxy.port")
tunnels() { grep -c "^CONNECT 127.0.0.1:$PORT HTTP/1.1 200" "$T/lab/proxy.log" || true; }

new_otp
enroll_rc 0 --key "$T/k1.pem" --proxy "$PROXY"
[ "$(tunnels)" = 1 ] || fail "the configured proxy was not used"
pass "enrollment through the configured proxy"

new_otp
(https_proxy=$PROXY; export https_proxy; enroll_rc 0 --key "$T/k2.pem")
[ "$(tunnels)" = 2 ] || fail "the environment's proxy was not used"
pass "enrollment through the environment's proxy (https_proxy)"

# A dead proxy: nothing reaches the service, the OTP stays unspent.
PYTHON3=$PY sh "$LAB" proxy-stop "$T/lab"
new_otp
enroll_rc 6 --key "$T/k3.pem" --proxy "$PROXY"
expect_result network 0 not-sent
enroll_rc 0 --key "$T/k3.pem"
pass "a dead proxy: network error, nothing sent"

lab_stop
otp_never_on_disk
