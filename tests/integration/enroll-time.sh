#!/bin/sh
# The enrollment's time check with certwiz's NTP configuration (ntp.h)
# against a loopback NTP responder: a good server proves the time and the
# confirmation shows the offset; a server whose clock is an hour off blocks
# the enrollment before the OTP is sent (exit 9), and the same OTP then
# works once the time is right.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

free_port() {
	"$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# fake_ntp OFFSET: a responder on $NTP_PORT with its clock OFFSET seconds off.
fake_ntp() {
	rm -f "$T/ntp.ready"
	"$PY" "$top_srcdir/tests/lab/fake-ntp.py" --port "$NTP_PORT" --ready "$T/ntp.ready" \
		--mode good --offset "$1" >"$T/ntp.log" 2>&1 &
	NTP_PID=$!
	CW_PIDS="$CW_PIDS $NTP_PID"
	i=0
	while [ ! -f "$T/ntp.ready" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "fake-ntp did not start"; sleep 0.1
	done
}

lab_start
CW_TIME_LINE=	# the time check at work: no override
NTP_PORT=$(free_port)
A=$T/a
cw_conf "$A" "" "port = $NTP_PORT
timeout_ms = 800
max_offset_ms = 1000"

# The clock an hour off: refused before the OTP is sent.
fake_ntp 3600
cw_rc 9 "$A" ntp set --primary 127.0.0.1
new_otp
n0=$(grep -c simpleenroll "$T/lab/estd.log" || true)
fetch_rc 9 "$A"
expect_out 'No OTP was used'
[ "$(grep -c simpleenroll "$T/lab/estd.log" || true)" = "$n0" ] || fail "the OTP was sent with a wrong clock"
[ ! -e "$A/cert/device.crt" ] || fail "installed with a wrong clock"
pass "a clock an hour off blocks the enrollment before the OTP is sent (exit 9)"

# The right time: proven, shown, and the same OTP works.
kill "$NTP_PID"; wait "$NTP_PID" 2>/dev/null || true
fake_ntp 0
fetch_rc 0 "$A"
expect_out 'time: *proven: offset [-+][0-9]+ ms from 127.0.0.1'
valid_install "$A"
pass "the time proven by NTP is shown in the confirmation; the OTP was still usable"
otp_never_on_disk
