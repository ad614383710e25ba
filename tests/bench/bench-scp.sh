#!/bin/sh
# make bench, part "scp": SCP over loopback, certwiz's libssh transport
# (the code `sc3 backup/restore` runs, driven by tests/integration/scptool)
# against OpenSSH `scp -O` to the same lab sshd: 512 MiB up and down, and
# 64 MiB down with more runs (the size that stalled).
#
# Every run writes a file that does not exist yet, as a backup does: scp
# overwrites an existing file in place (its cached pages reused) while
# certwiz writes NAME.part and renames it over NAME (the old file's 512
# MiB freed in the timed run), so a target left from the previous run
# measured the page cache, not the transfer.  The removal and a sync are
# outside the timed part.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/scp-lib.sh"
. "$top_srcdir/tests/bench/lib-bench.sh"

BIG=${BENCH_SCP_MIB:-512}
SMALL=${BENCH_STALL_MIB:-64}
start_sshd
trust
mkdir -p "$T/r" "$T/l"
SCP="scp -O -q -F /dev/null -P $PORT -i $S/id_ed25519 -o IdentitiesOnly=yes \
 -o UserKnownHostsFile=$KH -o StrictHostKeyChecking=yes -o BatchMode=yes"
R=$ME@127.0.0.1

for mib in $BIG $SMALL; do
	head -c $((mib * 1048576)) /dev/urandom > "$T/big"
	if [ "$mib" = "$BIG" ]; then up=scp_up dn=scp_down; else up=- dn=scp_stall; fi
	fresh()   { rm -f "$@"; sync; }
	up_cw()   { fresh "$T/r/cw"; timed $up cw sti --no-confirm upload "$T/big" "$R:$T/r/cw"; }
	up_ssh()  { fresh "$T/r/ssh"; timed $up peer $SCP "$T/big" "$R:$T/r/ssh"; }
	dn_cw()   { fresh "$T/l/cw"; timed $dn cw sti download "$R:$T/r/cw" "$T/l/cw"; }
	dn_ssh()  { fresh "$T/l/ssh"; timed $dn peer $SCP "$R:$T/r/ssh" "$T/l/ssh"; }
	if [ "$mib" = "$BIG" ]; then
		pair $up up_cw up_ssh
		pair $dn dn_cw dn_ssh
	else
		# The stall check: more runs, a stall shows in the max.
		sti --no-confirm upload "$T/big" "$R:$T/r/cw" >/dev/null
		$SCP "$T/big" "$R:$T/r/ssh"
		RUNS=$((RUNS * 2)) pair $dn dn_cw dn_ssh
	fi
	cmp "$T/big" "$T/l/cw" || fail "certwiz's download differs"
	rm -f "$T/r/cw" "$T/r/ssh" "$T/l/cw" "$T/l/ssh"
done
