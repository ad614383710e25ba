#!/bin/sh
# make bench: `certwiz cert fetch` end to end against the lab (preflight
# with /cacerts over verified TLS, key, CSR, OTP, simpleenroll, verify,
# atomic install, every step journaled and fsynced), against the bare EST
# enrollment by esttool (key + CSR + simpleenroll) as the baseline.  Prints
# times and the ratio: the cost of the flow, journal and checks.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/enroll-lib.sh"

N=${ENROLL_BENCH_N:-10}
lab_start
ms() { echo $(( $(date +%s%N) / 1000000 )); }

i=0 base=0
while [ $i -lt $N ]; do
	new_otp
	t0=$(ms)
	enroll_rc 0 --key "$T/k$i.pem"
	base=$((base + $(ms) - t0))
	i=$((i + 1))
done
i=0 full=0
while [ $i -lt $N ]; do
	cw_conf "$T/r$i"
	mkdir -p "$T/r$i/cert" && cp "$T/lab/ca.pem" "$T/r$i/cert/trust-anchor.pem"
	new_otp
	t0=$(ms)
	fetch_rc 0 "$T/r$i"
	full=$((full + $(ms) - t0))
	i=$((i + 1))
done
lab_stop
echo "enroll: $N 'certwiz cert fetch' runs, $((full / N)) ms each (journaled flow, preflight, verify, install)"
echo "enroll: $N bare EST enrollments (esttool), $((base / N)) ms each"
awk -v a="$full" -v b="$base" 'BEGIN { if (b > 0) printf "enroll: cert fetch / bare enrollment ratio %.2f\n", a / b }'
