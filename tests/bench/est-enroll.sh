#!/bin/sh
# make bench: end-to-end EST enrollment against the lab (new key, CSR,
# TLS, simpleenroll, PKCS#7 parse), against a bare /cacerts GET as the
# baseline (process start + TLS handshake).  Prints times and their ratio.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/est-lib.sh"

N=${EST_BENCH_N:-10}
lab_start
otps=""
i=0
while [ $i -lt $N ]; do new_otp; otps="$otps $OTP"; i=$((i + 1)); done

ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(ms)
i=0
while [ $i -lt $N ]; do
	est_rc 0 cacerts --url "$URL" --ca "$T/lab/ca.pem"
	i=$((i + 1))
done
t1=$(ms)
i=0
for OTP in $otps; do
	enroll_rc 0 --key "$T/k$i.pem"
	i=$((i + 1))
done
t2=$(ms)
lab_stop

base=$(( (t1 - t0) / N )) enr=$(( (t2 - t1) / N ))
echo "est: $N enrollments, ${enr} ms each (EC P-256 key + CSR + simpleenroll over TLS)"
echo "est: $N /cacerts GETs, ${base} ms each (baseline: process + TLS handshake)"
awk -v a="$enr" -v b="$base" 'BEGIN { if (b > 0) printf "est: enrollment / cacerts ratio %.2f\n", a / b }'
