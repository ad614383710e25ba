#!/bin/sh
# make bench: SCP throughput of a 64 MiB file over loopback, certwiz's
# libssh2 transport (scptool) against OpenSSH `scp -O` with its default
# cipher (chacha20-poly1305; libssh2 1.10 negotiates aes128-ctr +
# hmac-sha2-256), same sshd, same run.  Best of ROUNDS for each, then the
# ratio certwiz/OpenSSH (>= 1 is as fast or faster).  certwiz's download
# also fsyncs the file before its rename; scp does not.  Prints numbers,
# never fails on them.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"

ROUNDS=${ROUNDS:-3}
MIB=${MIB:-64}
start_sshd
trust
mkdir -p "$T/r" "$T/l"
head -c $((MIB * 1048576)) /dev/urandom > "$T/big"
SCP="scp -O -q -F /dev/null -P $PORT -i $S/id_ed25519 -o IdentitiesOnly=yes \
 -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o BatchMode=yes"

now() { date +%s.%N; }
# best SECONDS of ROUNDS runs of CMD...
best() {
	b=
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		t0=$(now)
		"$@" >"$T/out" 2>&1 || { cat "$T/out" >&2; fail "'$*' failed"; }
		t1=$(now)
		b=$(echo "$t0 $t1 ${b:-x}" | awk '{d=$2-$1; if ($3=="x" || d<$3) print d; else print $3}')
		r=$((r + 1))
	done
	echo "$b"
}

up_cw=$(best sti --no-confirm upload "$T/big" "$ME@127.0.0.1:$T/r/cw")
up_ssh=$(best $SCP "$T/big" "$ME@127.0.0.1:$T/r/ssh")
down_cw=$(best sti download "$ME@127.0.0.1:$T/r/cw" "$T/l/cw")
down_ssh=$(best $SCP "$ME@127.0.0.1:$T/r/ssh" "$T/l/ssh")
cmp "$T/big" "$T/l/cw" || fail "certwiz copy differs"

awk -v mib="$MIB" -v uc="$up_cw" -v us="$up_ssh" -v dc="$down_cw" -v ds="$down_ssh" 'BEGIN {
	printf "scp %d MiB upload:   certwiz %7.1f MiB/s  OpenSSH scp -O %7.1f MiB/s  ratio %.2f\n", mib, mib/uc, mib/us, us/uc
	printf "scp %d MiB download: certwiz %7.1f MiB/s  OpenSSH scp -O %7.1f MiB/s  ratio %.2f\n", mib, mib/dc, mib/ds, ds/dc
}'
