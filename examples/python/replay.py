#!/usr/bin/env python3
"""Replay a recording through vigil as if it arrived live, and summarise its features.

The samples are pushed in chunks the size of an acquisition block (--block seconds), exactly as
a gateway would push them; rows are printed as frames complete, with a mark on rows where a
feature passes a threshold you are tuning (--alert FEATURE=VALUE). At the end, a table of each
feature's minimum, median and maximum over the recording. No plotting library needed.

    PYTHONPATH=python python3 examples/python/replay.py datasets/demo/outer_race.csv.gz \
        --rate 12000 --alert kurtosis=5

Runs with or without numpy.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))  # run from a source checkout

import vigil  # noqa: E402

DEFAULT = os.path.join(HERE, "..", "..", "datasets", "demo", "outer_race.csv.gz")
SHOWN = ("rms", "peak", "crest", "kurtosis", "peak_freq")


def parse_alert(text):
    name, _, value = text.partition("=")
    return name, vigil.parse_number(value)


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else 0.5 * (s[mid - 1] + s[mid])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", nargs="?", default=DEFAULT, help="CSV or gzip CSV recording")
    ap.add_argument("--rate", type=float, default=12000.0, help="sample rate in Hz")
    ap.add_argument("--column", default="0", help="column name or index (default the first)")
    ap.add_argument("--frame", type=int, default=4096, help="frame length in samples")
    ap.add_argument("--hop", type=int, default=None, help="samples between frame starts")
    ap.add_argument("--bands", default="", help="bands in Hz, e.g. 0-500,2000-4000")
    ap.add_argument("--block", type=float, default=0.1, help="seconds pushed per block")
    ap.add_argument("--alert", action="append", default=[], type=parse_alert,
                    metavar="FEATURE=VALUE", help="mark rows where FEATURE > VALUE")
    args = ap.parse_args(argv)

    (name, x), = vigil.read_csv(args.path, columns=[args.column]).items()
    block = max(1, int(args.block * args.rate))
    print("%s: column %r, %d samples = %.2f s at %g Hz, blocks of %d samples"
          % (os.path.basename(args.path), name, len(x), len(x) / args.rate, args.rate, block))

    history = {}
    alerts = 0
    with vigil.FeatureExtractor(args.rate, args.frame, hop=args.hop,
                                bands=args.bands or ()) as ex:
        for f, _ in args.alert:
            ex.index(f)  # KeyError now rather than after the replay
        print("%6s %9s " % ("frame", "t_start") + " ".join("%10s" % c for c in SHOWN))
        for start in range(0, len(x), block):
            ex.push(x[start:start + block])
            for row in ex:
                for key, value in row.items():
                    history.setdefault(key, []).append(value)
                hits = [f for f, limit in args.alert if row[f] > limit]
                alerts += bool(hits)
                print("%6d %9.3f " % (row["frame"], row["t_start"]) +
                      " ".join("%10.4g" % row[c] for c in SHOWN) +
                      ("  <- " + ", ".join(hits) if hits else ""))
        names = ex.names[2:]

    if not history:
        print("recording shorter than one frame: no rows")
        return 0
    print("\n%-14s %12s %12s %12s" % ("feature", "min", "median", "max"))
    for key in names:
        v = history[key]
        print("%-14s %12.5g %12.5g %12.5g" % (key, min(v), median(v), max(v)))
    if args.alert:
        print("\n%d of %d frames passed an alert threshold" % (alerts, len(history["frame"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
