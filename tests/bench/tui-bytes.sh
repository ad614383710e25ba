#!/bin/sh
# tui-bytes.sh - make bench, part 1: what the text UI costs a serial line.
# For an input box the size of `dialog --inputbox "NTP server" 8 40`:
# bytes and time from exec to the first full frame, peak RSS then, bytes
# for one keystroke echo, one backspace, and the transition to a second
# box; certwiz's widgets (tests/tui/uidemo bench) side by side with dialog
# and whiptail, under TERM=vt100 and TERM=xterm-256color, LC_ALL=C.
# Prints numbers and ratios; never fails on them (timing is not a test).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=${PYTHON3:-/usr/bin/python3}
REC="$top_srcdir/tests/bench/ptyrec.py"
DEMO="$top_builddir/tests/tui/uidemo"
[ -x "$DEMO" ] || skip "uidemo not built"
RUNS=${BENCH_RUNS:-5}

run() {	# run NAME TERM CMD: median of RUNS, one JSON line per run
	name=$1 term=$2; shift 2
	i=0
	: > "$T/$name.$term"
	while [ $i -lt "$RUNS" ]; do
		TERM=$term LC_ALL=C "$PY" "$REC" -- "$@" >> "$T/$name.$term"
		i=$((i + 1))
	done
}

write_conf
for term in vt100 xterm-256color; do
	run certwiz $term "$DEMO" bench
	# For information: the real wizard's main menu, Enter to its first screen.
	run wizard $term "$CERTWIZ" --config "$T/certwiz.conf"
	if command -v dialog >/dev/null 2>&1; then
		run dialog $term sh -c 'exec dialog --inputbox "NTP server" 8 40 --and-widget --inputbox "NTP key ID" 8 40 2>/dev/null'
	fi
	if command -v whiptail >/dev/null 2>&1; then
		run whiptail $term sh -c 'whiptail --inputbox "NTP server" 8 40 2>/dev/null; exec whiptail --inputbox "NTP key ID" 8 40 2>/dev/null'
	fi
done

"$PY" - "$T" <<'PYEOF'
import json, os, statistics, sys
d = sys.argv[1]
def load(name, term):
    p = os.path.join(d, f"{name}.{term}")
    if not os.path.exists(p):
        return None
    rows = [json.loads(l) for l in open(p) if l.strip()]
    med = lambda k: statistics.median(r[k] for r in rows if r.get(k) is not None)
    return {k: med(k) for k in ("first", "first_s", "rss_kib", "key", "backspace", "transition")}
for term in ("vt100", "xterm-256color"):
    print(f"TERM={term} LC_ALL=C  (median of {os.environ.get('BENCH_RUNS', '5')} runs)")
    print(f"  {'':10} {'first B':>8} {'ms':>6} {'RSS KiB':>8} {'key B':>6} {'bs B':>5} {'trans B':>8}")
    res = {n: load(n, term) for n in ("certwiz", "dialog", "whiptail")}
    for n, r in res.items():
        if r:
            print(f"  {n:10} {r['first']:8.0f} {r['first_s']*1000:6.1f} {r['rss_kib']:8.0f} {r['key']:6.0f} {r['backspace']:5.0f} {r['transition']:8.0f}")
    wz = load("wizard", term)
    if wz:
        print(f"  (wizard main menu, for information: first {wz['first']:.0f} B in {wz['first_s']*1000:.1f} ms, "
              f"RSS {wz['rss_kib']:.0f} KiB, Enter to the next box {wz['transition']:.0f} B)")
    c = res["certwiz"]
    for other in ("dialog", "whiptail"):
        o = res[other]
        if not o:
            continue
        ratio = lambda k: c[k] / o[k] if o[k] else float("nan")
        print(f"  certwiz/{other}: first {ratio('first'):.2f}  time {ratio('first_s'):.2f}  "
              f"RSS {ratio('rss_kib'):.2f}  key {ratio('key'):.2f}  backspace {ratio('backspace'):.2f}  "
              f"transition {ratio('transition'):.2f}")
    w = res["whiptail"]
    print("  targets: first <= whiptail: %s   key <= 2 B: %s   transition <= 200 B: %s   RSS <= 8 MiB: %s" % (
        ("yes" if w and c["first"] <= w["first"] else "NO") if w else "n/a",
        "yes" if c["key"] <= 2 else "NO",
        "yes" if c["transition"] <= 200 else "NO",
        "yes" if c["rss_kib"] <= 8192 else "NO"))
    print()
PYEOF

# Line drawing on a VT100 in a UTF-8 locale: the terminal's 7-bit ACS
# (SO/SI), never UTF-8 box characters a real VT100 shows as garbage.
for name in certwiz whiptail; do
	case $name in
	certwiz) set -- "$DEMO" bench ;;
	whiptail) command -v whiptail >/dev/null 2>&1 || continue
		set -- sh -c 'exec whiptail --inputbox "NTP server" 8 40 2>/dev/null' ;;
	esac
	TERM=vt100 LC_ALL=C.UTF-8 "$PY" "$REC" --dump "$T/u8.bin" -- "$@" >/dev/null
	"$PY" -c "import sys; d=open(sys.argv[1],'rb').read(); print('TERM=vt100 LC_ALL=C.UTF-8 %-9s line drawing: %d SO (7-bit ACS), %d UTF-8 box characters' % (sys.argv[2], d.count(b'\x0e'), d.count(b'\xe2\x94')))" "$T/u8.bin" $name
done
