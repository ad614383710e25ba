#!/bin/sh
# make bench, part "sc3": `certwiz sc3 backup --no-verify` and `sc3 restore`
# of a 256 MiB SC3 dir over SCP to the lab sshd, end to end (default scrypt
# work factor, as a user runs it), against what a user would otherwise run:
#   backup:  tar -cf - DIR | age -r KEY > F && scp -O F HOST:
#   restore: scp -O HOST:F F && age -d -i ID F | tar -x -C DIR
# certwiz's fixed cost (a 1-byte SC3 dir: scrypt, SSH setup, flow) is
# measured the same way and subtracted (row *_fix), as in issue 17.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"
. "$top_srcdir/tests/bench/lib-bench.sh"
command -v age >/dev/null || skip "no age (build-aux/install-deps)"

MIB=${BENCH_SC3_MIB:-256}
start_sshd
trust
SCP="scp -O -q -F /dev/null -P $PORT -i $S/id_ed25519 -o IdentitiesOnly=yes \
 -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o BatchMode=yes"
R=$ME@127.0.0.1
mkdir -p "$T/remote"
printf 'bench-master-key\n' > "$T/mk"; chmod 600 "$T/mk"
age-keygen -o "$T/id" 2>/dev/null
RCPT=$(age-keygen -y "$T/id")

unit() { sc3_unit "$1" "known_hosts = $KH" "restart_command = true"; }	# unit DIR
# The SC3 dirs: big (MIB of key material, a CA, a few small files) and tiny.
unit "$T/big"; unit "$T/tiny"; unit "$T/new"
mkdir -p "$T/big/sc3/ca" "$T/big/sc3/phosphorus" "$T/tiny/sc3"
printf 'CA\n' > "$T/big/sc3/ca/ca.pem"
head -c $((MIB * 1048576)) /dev/urandom > "$T/big/sc3/phosphorus/p.bin"
printf x > "$T/tiny/sc3/x"
ssh="--port $PORT --identity $S/id_ed25519"

backup() {	# backup UNIT ROW SIDE
	timed "$2" "$3" "$CERTWIZ" --config "$T/$1/certwiz.conf" sc3 backup \
		--to "$R:$T/remote/$1.cw" --no-verify --master-key-file "$T/mk" $ssh
}
restore() {	# restore UNIT ROW SIDE: from UNIT's bundle into a fresh "new"
	rm -rf "$T/new/sc3" "$T/new/sc3.prev" "$T/new/state" "$T/new/log"
	mkdir -p "$T/new/sc3"
	timed "$2" "$3" "$CERTWIZ" --config "$T/new/certwiz.conf" sc3 restore \
		--from "$R:$T/remote/$1.cw" --yes --master-key-file "$T/mk" $ssh
}
peer_backup() {
	timed sc3_backup peer sh -c "tar -C '$T/big/sc3' -cf - . | age -r '$RCPT' > '$T/peer.age' && $SCP '$T/peer.age' '$R:$T/remote/peer.age'"
}
peer_restore() {
	rm -rf "$T/peer-out"; mkdir -p "$T/peer-out"
	timed sc3_restore peer sh -c "$SCP '$R:$T/remote/peer.age' '$T/peer-dl.age' && age -d -i '$T/id' '$T/peer-dl.age' | tar -x -C '$T/peer-out'"
}
cw_backup() { backup big sc3_backup cw; backup tiny sc3_backup cwfix; }
cw_restore() { restore big sc3_restore cw; restore tiny sc3_restore cwfix; }

pair sc3_backup cw_backup peer_backup
pair sc3_restore cw_restore peer_restore
rm -rf "$T/new/sc3" "$T/new/sc3.prev"; mkdir -p "$T/new/sc3"
"$CERTWIZ" --config "$T/new/certwiz.conf" sc3 restore --from "$R:$T/remote/big.cw" \
	--yes --master-key-file "$T/mk" $ssh >/dev/null
cmp "$T/big/sc3/phosphorus/p.bin" "$T/new/sc3/phosphorus/p.bin" || fail "certwiz's restore differs"
cmp "$T/big/sc3/phosphorus/p.bin" "$T/peer-out/phosphorus/p.bin" || fail "the peer's restore differs"
