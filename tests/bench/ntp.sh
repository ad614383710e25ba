#!/bin/sh
# make bench: what authentication costs an `ntp test` against the lab
# chronyd.  Prints per-run wall time and round-trip delay for no key, MD5
# and SHA1, and the keyed/plain ratios.  Never fails on time.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lab/ntp-lab.sh"
lab_ntp_netns "$0"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/ntp-lab.sh"

N=${NTP_BENCH_RUNS:-40}
PORT=$(lab_free_port)
lab_chronyd "$T/chronyd" "$PORT"
ntp_conf "$PORT"
key_file md5.key 'ASCII:LabMD5Key-0001'
key_file sha1.key 'HEX:4c61622053484131206b65792030303032212121'

measure() {	# measure NAME SET-ARGS...: prints "NAME wall_ms delay_ms"
	name=$1; shift
	"$CERTWIZ" --config "$T/certwiz.conf" ntp set --primary 127.0.0.1 "$@" >/dev/null
	"$PYTHON3" - "$CERTWIZ" "$T/certwiz.conf" "$N" "$name" <<'EOP'
import json, subprocess, sys, time
cw, conf, n, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
walls, delays = [], []
for _ in range(n):
    t = time.perf_counter()
    out = subprocess.run([cw, "--config", conf, "ntp", "test", "--json"],
                         capture_output=True, check=True).stdout
    walls.append((time.perf_counter() - t) * 1000)
    delays.append(json.loads(out)["servers"][0]["delay_ms"])
walls.sort(); delays.sort()
print(f"{name} {walls[n // 2]:.3f} {delays[n // 2]:.4f}")
EOP
}
measure none > "$T/none"
measure md5 --primary-key 1:md5:"$T/md5.key" > "$T/md5"
measure sha1 --primary-key 2:sha1:"$T/sha1.key" > "$T/sha1"
cat "$T/none" "$T/md5" "$T/sha1" | awk -v n="$N" '
	{ w[$1] = $2; d[$1] = $3 }
	END {
		printf "ntp test, median of %d runs against the lab chronyd:\n", n
		for (k in w) printf "  %-5s wall %8.3f ms  round trip %7.4f ms\n", k, w[k], d[k]
		printf "  ratio wall      md5/none %.2f  sha1/none %.2f\n", w["md5"] / w["none"], w["sha1"] / w["none"]
		printf "  ratio round trip md5/none %.2f  sha1/none %.2f\n", d["md5"] / d["none"], d["sha1"] / d["none"]
	}'
