#!/bin/sh
# make bench: SCP throughput of a 64 MiB file over loopback, certwiz's
# libssh2 transport (scptool) against OpenSSH `scp -O` with its default
# cipher (chacha20-poly1305; libssh2 1.10 negotiates aes128-ctr +
# hmac-sha2-256), same sshd, same run.  Best of ROUNDS for each, then the
# ratio certwiz/OpenSSH (>= 1 is as fast or faster).  certwiz's download
# also fsyncs the file before its rename; scp does not.  Prints numbers,
# never fails on them.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

ROUNDS=${ROUNDS:-5}
MIB=${MIB:-64}
start_sshd
trust
mkdir -p "$T/r" "$T/l"
head -c $((MIB * 1048576)) /dev/urandom > "$T/big"
SCP="scp -O -q -F /dev/null -P $PORT -i $S/id_ed25519 -o IdentitiesOnly=yes \
 -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o BatchMode=yes"

now() { date +%s.%N; }
# run CMD...: prints its wall time in seconds.
run() {
	t0=$(now)
	"$@" >"$T/out" 2>&1 || { cat "$T/out" >&2; fail "'$*' failed"; }
	t1=$(now)
	echo "$t0 $t1" | awk '{print $2 - $1}'
}
min() { echo "$1 ${2:-x}" | awk '{ if ($2 == "x" || $1 < $2) print $1; else print $2 }'; }

# Rounds alternate certwiz and OpenSSH so that a load spike on a shared
# machine hits both; the best round of each counts.
up_cw= up_ssh= down_cw= down_ssh=
r=0
while [ $r -lt "$ROUNDS" ]; do
	up_cw=$(min "$(run sti --no-confirm upload "$T/big" "$ME@127.0.0.1:$T/r/cw")" "$up_cw")
	up_ssh=$(min "$(run $SCP "$T/big" "$ME@127.0.0.1:$T/r/ssh")" "$up_ssh")
	down_cw=$(min "$(run sti download "$ME@127.0.0.1:$T/r/cw" "$T/l/cw")" "$down_cw")
	down_ssh=$(min "$(run $SCP "$ME@127.0.0.1:$T/r/ssh" "$T/l/ssh")" "$down_ssh")
	r=$((r + 1))
done
cmp "$T/big" "$T/l/cw" || fail "certwiz copy differs"

awk -v mib="$MIB" -v uc="$up_cw" -v us="$up_ssh" -v dc="$down_cw" -v ds="$down_ssh" 'BEGIN {
	printf "scp %d MiB upload:   certwiz %7.1f MiB/s  OpenSSH scp -O %7.1f MiB/s  ratio %.2f\n", mib, mib/uc, mib/us, us/uc
	printf "scp %d MiB download: certwiz %7.1f MiB/s  OpenSSH scp -O %7.1f MiB/s  ratio %.2f\n", mib, mib/dc, mib/ds, ds/dc
}'
