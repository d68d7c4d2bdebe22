#!/usr/bin/python3
"""Cross-check `vigil features` against the independent numpy implementation of FEATURES.md.

  check_features_numpy.py --vigil PATH --set demo   # bundled datasets/demo (numeric suite)
  check_features_numpy.py --vigil PATH --set cwru   # ../shared/datasets CWRU files (data suite)

Both programs get the same files and options; tests/reference/compare_csv.py compares every value
with |a - b| <= 1e-12 + 1e-6 |b| (the 1e-6 relative bound is the acceptance criterion of the
core-library issue; the 1e-12 floor covers values that are zero in exact arithmetic) and prints
the worst relative error. Exit 77 (skip) when numpy or the datasets are missing.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))

try:
    import numpy  # noqa: F401  (features_ref needs it)
except ImportError:
    print("SKIP: numpy is not installed for %s (apt-get install python3-numpy)" % sys.executable)
    sys.exit(77)

import compare_csv  # noqa: E402
import features_ref  # noqa: E402


def datasets_dir():
    return os.environ.get("VIGIL_DATASETS") or os.environ.get("VIGIL_DATASETS_DEFAULT") or \
        os.path.join(HERE, "..", "..", "shared", "datasets")


def runs(which):
    """(label, options, files) for each invocation."""
    if which == "demo":
        demo = os.path.join(HERE, "..", "datasets", "demo")
        files = sorted(glob.glob(os.path.join(demo, "*.csv.gz")))
        opts = ["--rate", "12000", "--frame", "1024", "--hop", "512", "--column", "de",
                "--bands", "0-500,500-2000,2000-6000"]
        return [("demo", opts, files)]
    cwru = os.path.join(datasets_dir(), "cwru")
    if not os.path.isdir(cwru):
        print("SKIP: no CWRU data at %s (set VIGIL_DATASETS)" % cwru)
        sys.exit(77)
    # The settings: column de, frame 4096, hop 2048, three bands. The 12 kHz files run
    # at 12000 Hz; the normal recording as published is 48 kHz and runs at 48000 Hz.
    opts = ["--frame", "4096", "--hop", "2048", "--column", "de",
            "--bands", "0-500,500-2000,2000-6000"]
    all_files = sorted(glob.glob(os.path.join(cwru, "*.csv.gz")))
    f48 = [f for f in all_files if f.endswith("normal_000_0hp_97.csv.gz")]
    f12 = [f for f in all_files if f not in f48]
    return [("cwru 12 kHz (%d files)" % len(f12), ["--rate", "12000"] + opts, f12),
            ("cwru 48 kHz normal", ["--rate", "48000"] + opts, f48)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vigil", required=True, help="path of the built vigil command")
    ap.add_argument("--set", choices=["demo", "cwru"], required=True)
    args = ap.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for label, opts, files in runs(args.set):
            if not files:
                print("SKIP: no files for %s" % label)
                return 77
            c_out = os.path.join(tmp, "c.csv")
            py_out = os.path.join(tmp, "py.csv")
            with open(c_out, "w") as fh:
                subprocess.run([args.vigil, "features"] + opts + files, stdout=fh, check=True)
            with open(py_out, "w") as fh:
                old = sys.stdout
                sys.stdout = fh
                try:
                    rc = features_ref.main(opts + files)
                finally:
                    sys.stdout = old
                if rc:
                    print("numpy reference failed on %s" % label)
                    return 1
            print("%s:" % label, end=" ", flush=True)
            status |= compare_csv.main([c_out, py_out, "--rtol", "1e-6", "--atol", "1e-12"])
    return status


if __name__ == "__main__":
    sys.exit(main())
