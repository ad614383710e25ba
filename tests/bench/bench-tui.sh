#!/bin/sh
# make bench, part "tui": the real certwiz wizard (the installed-to-be
# binary, not tests/tui/uidemo) from exec to its first full frame (the
# 8-item main menu) on a pty, against `dialog --menu` and `whiptail --menu`
# with the same title, text and 8 items, under TERM=vt100 LC_ALL=C:
# time to the frame's last byte, peak RSS (VmHWM) at the first frame,
# bytes of the first frame (tests/bench/ptyrec.py --first-only).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/bench/lib-bench.sh"

PY=${PYTHON3:-/usr/bin/python3}
REC="$top_srcdir/tests/bench/ptyrec.py"
command -v dialog >/dev/null || skip "no dialog (build-aux/install-deps)"
command -v whiptail >/dev/null || skip "no whiptail (build-aux/install-deps)"
write_conf
# Enter is never pressed; keep the check on loopback all the same.
printf '[network]\nendpoints = 127.0.0.1:9\n' >> "$T/certwiz.conf"

# The same screen: certwiz's background title (with the serial write_conf
# sets), box title, text and 8 items.  16 rows is the least whiptail and
# dialog need to show the text above 8 items and the buttons (at 14 they
# drop the text, and the bytes with it).
set -- --title "Main menu" --backtitle "certwiz - appliance 007951000123456" \
	--menu "What do you want to do?" 16 44 8 \
	c "Check prerequisites" n "Configure NTP" i "Install device certificate (OTP)" \
	s "Certificate status" b "Back up SC3" r "Restore SC3" l "View logs" q "Quit"
rec() {	# rec SIDE_TIME SIDE_BYTES CMD...: one pty run, three samples
	ts=$1 bs=$2; shift 2
	TERM=vt100 LC_ALL=C "$PY" "$REC" --first-only -- "$@" > "$T/rec.json"
	"$PY" - "$T/rec.json" "$ts" "$bs" >> "$BENCH_SAMPLES" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
ts, bs = sys.argv[2], sys.argv[3]
if ts != "-":
    print("wiz_first", ts, "%.4f" % r["first_s"])
    print("wiz_rss", ts, r["rss_kib"] / 1024.0)
if bs != "-":
    print("vt100_bytes", bs, r["first"])
PYEOF
}
cw() { rec cw cw "$CERTWIZ" --config "$T/certwiz.conf"; }
peers() { rec peer - dialog "$@"; rec - peer whiptail "$@"; }
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) = 0 ]; then cw; peers "$@"; else peers "$@"; cw; fi
	i=$((i + 1))
done
