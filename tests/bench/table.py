#!/usr/bin/python3
"""table.py - the `make bench` table from the parts' samples.

  table.py SAMPLES OUT.tsv [--compare OLD.tsv] [--meta TEXT]

SAMPLES has one "ROW SIDE VALUE" line per measurement (SIDE cw, peer or
cwfix).  For every row of issue 17 with samples: min/median/max of each
side, the ratio of the medians in the row's direction, its goal and
pass/FAIL.  Medians only: never a best-of.  OUT.tsv keeps the result (one
line per row) so that a later run can compare with it (--compare).
"""
import argparse
import statistics
import sys

# key, what, unit, peer, ratio kind, goal (op, value), printed goal
#   speed: peer median / certwiz median (higher is better)
#   cost:  certwiz median / peer median (lower is better)
#   var:   (certwiz - certwiz fixed cost) / peer, medians (lower is better)
#   abs:   certwiz median itself against the goal; ratio for information
import os
SCP_MIB = os.environ.get("BENCH_SCP_MIB", "512")
STALL_MIB = os.environ.get("BENCH_STALL_MIB", "64")
SC3_MIB = os.environ.get("BENCH_SC3_MIB", "256")
BUNDLE_MIB = os.environ.get("BENCH_BUNDLE_MIB", "64")
ROWS = [
    ("scp_up", "SCP upload %s MiB" % SCP_MIB, "s", "scp -O", "speed", (">=", 0.9)),
    ("scp_down", "SCP download %s MiB" % SCP_MIB, "s", "scp -O", "speed", (">=", 0.9)),
    ("scp_stall", "SCP download %s MiB, no stall" % STALL_MIB, "s", "scp -O", "speed", (">=", 0.9)),
    ("sc3_backup", "sc3 backup --no-verify %s MiB, variable part" % SC3_MIB, "s",
     "tar + age -r + scp -O", "var", ("<=", 1.18)),
    ("sc3_restore", "sc3 restore %s MiB, variable part" % SC3_MIB, "s",
     "scp -O + age -d + tar -x", "var", ("<=", 1.18)),
    ("wiz_first", "wizard: exec -> first frame", "ms", "dialog --menu", "cost", ("<=", 1.5)),
    ("wiz_rss", "wizard: peak RSS at first frame", "MiB", "dialog --menu", "abs", ("<=", 8.0)),
    ("vt100_bytes", "first screen, vt100, 8-item menu", "B", "whiptail --menu", "cost", ("<=", 1.0)),
    ("cert_fetch", "cert fetch", "ms", "openssl req + curl", "cost", ("<=", 1.3)),
    # "stays as is" in issue 17: the ratios it measured, kept as goals
    ("bundle_seal", "bundle seal %s MiB, scrypt 2^18" % BUNDLE_MIB, "s", "age -p", "cost", ("<=", 1.13)),
    ("bundle_open", "bundle open + restore %s MiB" % BUNDLE_MIB, "s", "age -d", "cost", ("<=", 0.94)),
]
SCALE = {"s": 1.0, "ms": 1000.0, "MiB": 1.0, "B": 1.0}
# A certwiz download slower than this many times the peer's median stalled.
STALL = 2.0


def stats(v):
    return (min(v), statistics.median(v), max(v)) if v else None


def fmt(x, unit):
    if x is None:
        return "-"
    x *= SCALE[unit]
    return "%.0f" % x if unit == "B" or x >= 100 else ("%.1f" % x if x >= 10 else "%.2f" % x)


def triple(s, unit):
    return "%s / %s / %s %s" % (fmt(s[0], unit), fmt(s[1], unit), fmt(s[2], unit), unit) if s else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples")
    ap.add_argument("out")
    ap.add_argument("--compare")
    ap.add_argument("--meta", default="")
    a = ap.parse_args()

    samples = {}
    for line in open(a.samples):
        p = line.split()
        if len(p) == 3:
            samples.setdefault((p[0], p[1]), []).append(float(p[2]))
    old = {}
    if a.compare:
        for line in open(a.compare):
            if line.startswith("#") or line.startswith("key\t"):
                continue
            f = line.rstrip("\n").split("\t")
            old[f[0]] = f
    out = open(a.out, "w")
    out.write("# %s\n" % a.meta)
    out.write("key\twhat\tunit\tn\tcw_min\tcw_med\tcw_max\tcwfix_med\tpeer\tpeer_min\tpeer_med\tpeer_max\tratio\tgoal\tresult\n")
    table = []
    for key, what, unit, peer, kind, (op, goal) in ROWS:
        cw = stats(samples.get((key, "cw"), []))
        if cw is None:
            continue
        pe = stats(samples.get((key, "peer"), []))
        fx = stats(samples.get((key, "cwfix"), []))
        n = len(samples[(key, "cw")])
        ratio = None
        if pe and pe[1] > 0:
            if kind == "speed":
                ratio = pe[1] / cw[1]
            elif kind == "cost" or kind == "abs":
                ratio = cw[1] / pe[1]
            elif kind == "var" and fx:
                ratio = (cw[1] - fx[1]) / pe[1]
        val = cw[1] * SCALE[unit] if kind == "abs" else ratio
        ok = val is not None and (val >= goal if op == ">=" else val <= goal)
        note = ""
        if key in ("scp_down", "scp_stall") and pe:
            stalls = sum(1 for x in samples[(key, "cw")] if x > STALL * pe[1])
            if stalls:
                ok = False
                note = " %d stall(s)" % stalls
        goal_s = "%s %g%s" % (op, goal, " " + unit if kind == "abs" else "")
        res = ("pass" if ok else "FAIL") + note
        cwtxt = triple(cw, unit) + ("  (fixed %s)" % fmt(fx[1], unit) if fx else "")
        table.append((what, cwtxt, "%s: %s" % (peer, triple(pe, unit)),
                      "-" if ratio is None else "%.2f" % ratio, goal_s, res, key))
        out.write("\t".join(str(x) for x in (
            key, what, unit, n, cw[0], cw[1], cw[2], fx[1] if fx else "",
            peer, pe[0] if pe else "", pe[1] if pe else "", pe[2] if pe else "",
            "" if ratio is None else "%.4f" % ratio, goal_s, res)) + "\n")
    out.close()

    hdr = ("what", "certwiz min / median / max", "peer min / median / max",
           "ratio", "goal", "result")
    w = [max(len(r[i]) for r in table + [hdr]) for i in range(6)]
    line = lambda r: "| " + " | ".join(r[i].ljust(w[i]) for i in range(6)) + " |"
    print(line(hdr))
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in table:
        print(line(r))
    if old:
        print("\ncompared with %s (medians):" % a.compare)
        for r in table:
            o = old.get(r[6])
            if o is None:
                continue
            unit = o[2]
            print("  %-48s certwiz median %s -> %s %s, ratio %s -> %s, %s -> %s" % (
                r[0], fmt(float(o[5]), unit), r[1].split(" / ")[1], unit,
                "%.2f" % float(o[12]) if o[12] else "-", r[3], o[14], r[5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
