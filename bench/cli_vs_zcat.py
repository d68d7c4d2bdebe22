#!/usr/bin/env python3
"""`vigil features` on recordings against `zcat` alone on the same files: elapsed time, paired.

    python3 bench/cli_vs_zcat.py [--vigil build/tools/vigil] [--baseline OTHER_VIGIL]
        [--datasets DIR] [--repeat 5] [--json]

Every CWRU file of DIR/cwru/MANIFEST.tsv (default $VIGIL_DATASETS, else ../shared/datasets;
exit 77 without it) goes through one command, `vigil features --rate R --column de FILES...`
(the 12 kHz files in one run and the 48 kHz one in another, since the rate is per run), output
to /dev/null, and through `zcat FILES > /dev/null`, the least any reader of the files must do.
The commands alternate, --repeat rounds of (zcat, vigil[, baseline]); each round's ratio is
vigil / zcat (and baseline / vigil), taken within the round, so that both sides of a ratio run
within the same second or so of a shared machine; the median round is reported with the range.
Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def manifest(dirname):
    """{rate: [paths]} of the CWRU rows, first channel 'de' assumed by the command line."""
    groups = {}
    with open(os.path.join(dirname, "cwru", "MANIFEST.tsv")) as f:
        for line in f:
            field = line.rstrip("\n").split("\t")
            if len(field) < 4 or field[0] == "path":
                continue
            groups.setdefault(field[2], []).append(os.path.join(dirname, field[0]))
    return groups


def elapsed(commands):
    """Seconds to run every command in turn, output discarded."""
    t0 = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def median(v):
    s = sorted(v)
    return s[(len(s) - 1) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigil", default=os.path.join(ROOT, "build", "tools", "vigil"))
    ap.add_argument("--baseline", help="another vigil binary to compare (e.g. an older build)")
    ap.add_argument("--datasets", default=os.environ.get("VIGIL_DATASETS") or
                    os.environ.get("VIGIL_DATASETS_DEFAULT") or
                    os.path.join(ROOT, "..", "shared", "datasets"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.datasets, "cwru", "MANIFEST.tsv")):
        print(f"skip: no {a.datasets}/cwru/MANIFEST.tsv (set --datasets or VIGIL_DATASETS)",
              file=sys.stderr)
        return 77
    groups = manifest(a.datasets)
    files = [p for paths in groups.values() for p in paths]

    def features(binary):
        return [[binary, "features", "--rate", rate, "--column", "de"] + paths
                for rate, paths in groups.items()]

    sides = {"zcat": [["zcat"] + files], "vigil": features(a.vigil)}
    if a.baseline:
        sides["baseline"] = features(a.baseline)
    for cmd in sides.values():  # warm the page cache and the binaries
        elapsed(cmd)
    times = {k: [] for k in sides}
    for _ in range(max(1, a.repeat)):
        for k, cmd in sides.items():
            times[k].append(elapsed(cmd))
    vz = [v / z for v, z in zip(times["vigil"], times["zcat"])]
    res = {"bench": "cli_vs_zcat", "files": len(files), "rounds": len(vz),
           "zcat_s": median(times["zcat"]), "vigil_s": median(times["vigil"]),
           "vigil_over_zcat": median(vz), "vigil_over_zcat_range": [min(vz), max(vz)]}
    if a.baseline:
        bv = [b / v for b, v in zip(times["baseline"], times["vigil"])]
        res.update({"baseline_s": median(times["baseline"]), "speedup": median(bv),
                    "speedup_range": [min(bv), max(bv)]})
    if a.json:
        print(json.dumps(res))
    else:
        print(f"{len(files)} CWRU files, {len(vz)} rounds, median (range of the rounds):")
        print(f"  zcat alone        {res['zcat_s']:.3f} s")
        print(f"  vigil features    {res['vigil_s']:.3f} s   vigil / zcat {median(vz):.2f}x "
              f"({min(vz):.2f}-{max(vz):.2f})")
        if a.baseline:
            print(f"  baseline          {res['baseline_s']:.3f} s   baseline / vigil "
                  f"{res['speedup']:.2f}x ({min(bv):.2f}-{max(bv):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
