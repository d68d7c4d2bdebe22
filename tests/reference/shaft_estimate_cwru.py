#!/usr/bin/env python3
"""Measure the shaft-rate estimate on the CWRU recordings (docs/DIAGNOSTICS.md, "Shaft-rate
estimate"; not run by meson: tests/test_diagnose_cwru.c asserts the per-recording results).

usage: PYTHONPATH=python VIGIL_LIB=build/lib/libvigil.so \
           /usr/bin/python3 tests/reference/shaft_estimate_cwru.py [DATASETS_DIR]

Truth is the manifest's rpm / 60. For the default range (5-100 Hz) and the range of a 4-pole
motor on 60 Hz (28-30.5 Hz), prints:
  - the extractor's per-frame estimate (column `shaft_hz` of the orders group, frames N = 4096
    and 16384, hop N/2; N x 4 for the 48 kHz recording): frames within 3 % of the truth;
  - the diagnosis's per-recording estimate (frame: the smallest power of two >= rate):
    recordings within 1 %, recordings named as labelled, wrong fault types.
"""
import csv
import os
import sys

import vigil

RANGES = (("5-100 Hz (default)", None), ("28-30.5 Hz", (28.0, 30.5)))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared", "datasets")
    with open(os.path.join(root, "MANIFEST.tsv")) as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["path"].startswith("cwru/")]
    data = [(r, vigil.read_csv(os.path.join(root, r["path"]))["de"]) for r in rows]
    for title, rng in RANGES:
        print("== shaft range %s" % title)
        for n in (4096, 16384):
            good = total = 0
            for r, x in data:
                rate, fr = float(r["rate_hz"]), float(r["rpm"]) / 60.0
                frame = n * 4 if rate == 48000.0 else n
                cols = vigil.features(x, rate, frame, frame // 2, orders=True, shaft_range=rng)
                est = list(cols["shaft_hz"])
                good += sum(abs(e / fr - 1.0) < 0.03 for e in est)
                total += len(est)
            print("extractor, N = %5d: %d of %d frames within 3 %% (%.1f %%)"
                  % (n, good, total, 100.0 * good / total))
        within = right = wrong = 0
        for r, x in data:
            rate, fr = float(r["rate_hz"]), float(r["rpm"]) / 60.0
            d = vigil.diagnose(x, rate, None, "n=9,d=0.3126,D=1.537,angle=0", shaft_range=rng)
            within += abs(d["shaft_hz"] / fr - 1.0) < 0.01
            right += d["fault"] == r["label"]
            wrong += d["fault"] not in (r["label"], "normal", "inconclusive")
            print("  %-38s %-11s %-11s shaft %.3f Hz (truth %.3f)"
                  % (os.path.basename(r["path"]), r["label"], d["fault"], d["shaft_hz"], fr))
        print("diagnosis: shaft within 1 %% on %d of %d, %d named as labelled, %d wrong types"
              % (within, len(data), right, wrong))


if __name__ == "__main__":
    main()
