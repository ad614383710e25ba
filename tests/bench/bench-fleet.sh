#!/bin/sh
# make bench BENCH=fleet (not in the default set: minutes): the wall time of
# the sample playbook data/ansible/site.yml with the certwiz role, -f 10,
# over N simulated appliances on this machine (ansible_connection=local,
# each its own config root, serial and OTP; tests/integration/fleet-lib.sh)
# against the loopback EST lab and chronyd: the first run (install, NTP
# with a key, time proven, enrollment, status) and the second (nothing to
# do: changed=0).  N is BENCH_FLEET_N (default "20 100").  One run each:
# the numbers are printed and kept as samples (rows fleet_first_N and
# fleet_again_N), never judged.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/integration/fleet-lib.sh"
: "${BENCH_SAMPLES:=/dev/null}"

fleet_lab
for n in ${BENCH_FLEET_N:-20 100}; do
	FLEET=$T/n$n
	fleet_hosts "$n" 0
	fleet_play "$FLEET/first.out"
	[ "$PLAY_RC" = 0 ] || { tail -n 40 "$FLEET/first.out" >&2; fail "fleet of $n: the first run exited $PLAY_RC"; }
	first=$PLAY_S
	fleet_play "$FLEET/again.out"
	[ "$PLAY_RC" = 0 ] || { tail -n 40 "$FLEET/again.out" >&2; fail "fleet of $n: the second run exited $PLAY_RC"; }
	grep -Eq ' changed=[1-9]' "$FLEET/again.out" && fail "fleet of $n: the second run changed something"
	echo "fleet of $n appliances, -f 10: first run $first s, second run (changed=0) $PLAY_S s ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
	echo "fleet_first_$n cw $first" >> "$BENCH_SAMPLES"
	echo "fleet_again_$n cw $PLAY_S" >> "$BENCH_SAMPLES"
done
