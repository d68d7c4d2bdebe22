#!/usr/bin/python3
"""Compare two feature CSV files (vigil features / features_ref.py output).

Passes when both files have the same header and row count and, cell by cell,
numeric values satisfy |a - b| <= atol + rtol * |b| (b from the second file, the
reference) and non-numeric values (the 'source' column) are equal as strings.
Prints the worst relative error and where it is; exit status 0 on pass, 1 on fail,
2 on a usage or format error.

Only the standard library is used so the comparison runs with any python3.
"""

import argparse
import csv
import gzip
import math
import sys


def read_csv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    if not rows:
        raise ValueError("%s: empty file (no header)" % path)
    return rows[0], rows[1:]


def as_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare two feature CSVs: pass when |a-b| <= atol + rtol*|b| for "
                    "every numeric value (B is the reference) and other columns match "
                    "as strings.",
        epilog="The atol floor exists for values that are exactly zero or near zero in "
               "one implementation, e.g. the mean of a zero-mean signal (1e-17 in one, "
               "-3e-18 in the other) or a band holding only the DC bin, which mean "
               "removal leaves at rounding level: "
               "relative error is meaningless there. Keep it far below any value that "
               "matters.")
    ap.add_argument("a", metavar="A.csv")
    ap.add_argument("b", metavar="B.csv", help="the reference")
    ap.add_argument("--rtol", type=float, default=1e-6, help="relative tolerance (1e-6)")
    ap.add_argument("--atol", type=float, default=1e-12,
                    help="absolute floor for near-zero values (1e-12)")
    args = ap.parse_args(argv)

    try:
        ha, ra = read_csv(args.a)
        hb, rb = read_csv(args.b)
    except (OSError, ValueError) as exc:
        print("compare_csv: %s" % exc, file=sys.stderr)
        return 2

    if ha != hb:
        print("FAIL: headers differ:\n  %s: %s\n  %s: %s"
              % (args.a, ",".join(ha), args.b, ",".join(hb)))
        return 1
    if len(ra) != len(rb):
        print("FAIL: row counts differ: %s has %d, %s has %d"
              % (args.a, len(ra), args.b, len(rb)))
        return 1

    worst_rel = (0.0, None, None, None, None)     # rel, row, col, a, b (|b| > atol)
    worst_bad = (0.0, None, None, None, None)     # excess over the tolerance
    failures = 0
    ncells = 0
    for i, (rowa, rowb) in enumerate(zip(ra, rb)):
        if len(rowa) != len(ha) or len(rowb) != len(hb):
            print("FAIL: data row %d has %d / %d fields, header has %d"
                  % (i, len(rowa), len(rowb), len(ha)))
            return 1
        for col, sa, sb in zip(ha, rowa, rowb):
            ncells += 1
            fa, fb = as_float(sa), as_float(sb)
            if fa is None or fb is None:
                if sa != sb:
                    failures += 1
                    if worst_bad[1] is None:
                        worst_bad = (math.inf, i, col, sa, sb)
                continue
            if math.isnan(fa) or math.isnan(fb):
                ok = math.isnan(fa) and math.isnan(fb)
                err = 0.0 if ok else math.inf
            elif math.isinf(fa) or math.isinf(fb):
                ok = fa == fb
                err = 0.0 if ok else math.inf
            else:
                err = abs(fa - fb)
                ok = err <= args.atol + args.rtol * abs(fb)
            # Relative error is reported only where it means something (|b| above the
            # atol floor); near-zero cells are covered by the pass/fail test itself.
            if abs(fb) > args.atol and not math.isnan(fb):
                rel = err / abs(fb)
                if rel > worst_rel[0] or worst_rel[1] is None:
                    worst_rel = (rel, i, col, sa, sb)
            if not ok:
                failures += 1
                excess = err / (args.atol + args.rtol * abs(fb)) if not math.isinf(err) else math.inf
                if excess > worst_bad[0] or worst_bad[1] is None:
                    worst_bad = (excess, i, col, sa, sb)

    rel, i, col, sa, sb = worst_rel
    if i is None:
        print("compared %d rows, %d cells; no value above atol" % (len(ra), ncells))
    else:
        print("compared %d rows, %d cells; worst relative error %.3g at data row %d (0-based) column %s "
              "(%s vs %s)" % (len(ra), ncells, rel, i, col, sa, sb))
    if failures:
        excess, i, col, sa, sb = worst_bad
        print("FAIL: %d value(s) outside |a-b| <= %g + %g*|b|; worst at data row %d (0-based) "
              "column %s: %s vs %s (%.3g times the tolerance)"
              % (failures, args.atol, args.rtol, i, col, sa, sb, excess))
        return 1
    print("PASS (rtol %g, atol %g)" % (args.rtol, args.atol))
    return 0


if __name__ == "__main__":
    sys.exit(main())
