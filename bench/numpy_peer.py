#!/usr/bin/python3
"""numpy peer of `vigil-bench features`: the same FEATURES.md features, the same data, the same
frames, computed the way a careful Python user would (tests/reference/features_ref.py: all frames
of the stream as one 2-D strided view, one reduction per feature along axis 1, one batched
np.fft.rfft), timed, and compared with vigil's throughput from `vigil-bench features --json`.

    /usr/bin/python3 bench/numpy_peer.py [--bench build/bench/vigil-bench]
        [--input FILE --rate HZ [--column C]] [--samples 1048576]
        [--frames 1024,4096,16384] [--hop-divisors 1,2] [--min-time 1] [--repeat 3] [--json]
        [--no-python] [--clock cpu|wall] [--planner estimate|measure]

The two sides alternate: for each frame/hop point, --repeat pairs of (numpy timed for
--min-time, then vigil-bench for that point alone, for --min-time), and the ratio is taken
within each pair. A shared VM changes speed over minutes, and numpy gains more from a fast
phase than vigil does, so a ratio of two measurements taken minutes apart moves by several x;
within a pair both sides see the same phase. The median pair (the lower middle one for an even
--repeat) is reported, with the range of the pairs' ratios. In each round vigil.features()
from Python (the binding in python/, on the same numpy array) runs right after the C bench, and
C / Python is reported the same way.

Times are CPU time by default (--clock cpu: time.process_time() here, `vigil-bench --cpu-time`
there), as issue 18 asks: on a shared VM the wall clock also counts the time other processes
and the hypervisor take, which neither side spent. --clock wall uses the monotonic wall clock on
both sides. --planner sets vigil's FFTW planner mode on both vigil sides (the C bench's
--planners and vigil.set_planner() in Python); numpy's pocketfft has no planner.

Without --input a vibration-like signal is generated (seeded) and written to a temporary CSV
that vigil-bench then reads, so both sides see bit-identical samples. Both sides tile the data
to --samples samples (np.resize here, x[i % len] in C), use the same eight equal bands from 0 to
rate/2, and count input samples consumed per second.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import features_ref  # noqa: E402  (path set just above)

BANDS = 8  # as in bench/bench_features.c


def bands_for(rate):
    """Eight equal bands from 0 to rate/2, computed with the same expressions as the C bench."""
    return [(b * rate / (2 * BANDS), (b + 1) * rate / (2 * BANDS)) for b in range(BANDS)]


def generated_signal(n, rate):
    """Shaft harmonics, bearing-like impulses ringing a 3 kHz resonance, Gaussian noise."""
    rng = np.random.default_rng(20240601)
    t = np.arange(n) / rate
    fr, bpfo, fn, zeta = 29.95, 107.36, 3000.0, 0.05
    wn = 2 * np.pi * fn
    wd = wn * math.sqrt(1 - zeta * zeta)
    tau = np.mod(t, 1.0 / bpfo)
    return (0.040 * np.sin(2 * np.pi * fr * t) + 0.015 * np.sin(4 * np.pi * fr * t + 0.7)
            + 0.008 * np.sin(6 * np.pi * fr * t + 1.9) + rng.normal(0.0, 0.060, n)
            + 0.5 * np.exp(-zeta * wn * tau) * np.sin(wd * tau))


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def time_numpy(x, rate, frame, hop, bands, min_time, clock):
    """Total input samples per second over repeated runs (at least one)."""
    features_ref.features(x[: max(frame, 1 << 14)], rate, frame, hop, bands)  # warm up
    runs, spent = 0, 0.0
    while True:
        t0 = clock()
        _, rows = features_ref.features(x, rate, frame, hop, bands)
        spent += clock() - t0
        runs += 1
        if spent >= min_time:
            break
    return len(x) * runs / spent, rows.shape[0]


def import_binding():
    """vigil's Python binding from this tree (python/), or None when it does not load."""
    sys.path.insert(0, os.path.join(ROOT, "python"))
    try:
        import vigil
        return vigil
    except (ImportError, OSError):
        return None


def time_python(vigil, x, rate, frame, hop, bands, min_time, clock):
    """vigil.features() from Python on the same samples: input samples per second."""
    vigil.features(x[: max(frame, 1 << 14)], rate, frame, hop, bands)  # warm up
    runs, spent = 0, 0.0
    while True:
        t0 = clock()
        vigil.features(x, rate, frame, hop, bands)
        spent += clock() - t0
        runs += 1
        if spent >= min_time:
            break
    return len(x) * runs / spent


def run_vigil(bench, path, args, frame, div):
    """vigil-bench's JSON row for one frame length and hop divisor."""
    cmd = [bench, "features", "--json", "--input", path, "--rate", repr(args.rate),
           "--column", args.column, "--samples", str(args.samples), "--frames", str(frame),
           "--hop-divisors", str(div), "--min-time", repr(args.min_time),
           "--planners", args.planner, "--no-group-costs"]
    if args.clock == "cpu":
        cmd.append("--cpu-time")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    if len(rows) != 1 or rows[0]["frame"] != frame or rows[0]["hop"] != frame // div:
        raise RuntimeError("unexpected vigil-bench output: %r" % out)
    return rows[0]


def default_bench():
    env = os.environ.get("VIGIL_BENCH")
    return env if env else os.path.join(ROOT, "build", "bench", "vigil-bench")


def report(args, path, x):
    """Time each point in alternating pairs and print one line (or JSON object) per point."""
    bands = bands_for(args.rate)
    binding = import_binding() if args.python else None
    if binding:
        binding.set_planner(args.planner)
    clock = CLOCKS[args.clock]
    if not args.json:
        print("numpy peer (tests/reference/features_ref.py, numpy %s) vs vigil-bench, %s, "
              "%d samples, %d alternating pair(s) per point, median pair, %s time, vigil's "
              "planner %s" %
              (np.__version__, os.path.basename(args.input or "generated"), args.samples,
               args.repeat, args.clock.upper(), args.planner))
        print("%6s %6s %12s %12s %9s %16s%s" % ("N", "hop", "numpy MS/s", "vigil MS/s",
                                                "vigil/np", "range",
                                                "   Python MS/s  C/Python" if binding else ""))
    for frame in map(int, args.frames.split(",")):
        for div in map(int, args.hop_divisors.split(",")):
            hop = frame // div
            pairs, py = [], []
            for _ in range(args.repeat):
                np_rate, nrows = time_numpy(x, args.rate, frame, hop, bands, args.min_time,
                                            clock)
                v = run_vigil(args.bench, path, args, frame, div)
                pairs.append((v["samples_per_s"] / np_rate, np_rate, v))
                if binding:  # the binding right after the C bench: C / Python within the round
                    p_rate = time_python(binding, x, args.rate, frame, hop, bands, args.min_time,
                                         clock)
                    py.append((v["samples_per_s"] / p_rate, p_rate))
            pairs.sort(key=lambda p: p[0])
            ratio, np_rate, v = pairs[(len(pairs) - 1) // 2]  # the median pair (lower middle)
            lo, hi = pairs[0][0], pairs[-1][0]
            py.sort()
            c_py, py_rate = py[(len(py) - 1) // 2] if py else (None, None)
            if args.json:
                print(json.dumps({"bench": "numpy_peer", "frame": frame, "hop": hop,
                                  "clock": args.clock, "planner": args.planner,
                                  "samples_per_s": np_rate,
                                  "vigil_samples_per_s": v["samples_per_s"],
                                  "fftw_samples_per_s": v["fftw_samples_per_s"],
                                  "vigil_over_numpy": ratio, "vigil_over_numpy_min": lo,
                                  "vigil_over_numpy_max": hi, "pairs": len(pairs),
                                  "frames": nrows, "python_samples_per_s": py_rate,
                                  "c_over_python": c_py,
                                  "c_over_python_range": [py[0][0], py[-1][0]] if py else None}))
            else:
                print("%6d %6d %12.2f %12.2f %8.1fx %16s%s" % (
                    frame, hop, np_rate / 1e6, v["samples_per_s"] / 1e6, ratio,
                    "%.1f-%.1fx" % (lo, hi),
                    "   %11.2f  %.2fx (%.2f-%.2f)" % (py_rate / 1e6, c_py, py[0][0], py[-1][0])
                    if py else ""))
            sys.stdout.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default=default_bench(),
                    help="vigil-bench executable (default $VIGIL_BENCH or build/bench/vigil-bench)")
    ap.add_argument("--input", help="recording (CSV or gzip CSV); default: generated signal")
    ap.add_argument("--column", default="0", help="column name or 0-based index (default 0)")
    ap.add_argument("--rate", type=float, default=None, help="sample rate, Hz (generated: 25600)")
    ap.add_argument("--samples", type=int, default=1 << 20, help="stream length (default 2^20)")
    ap.add_argument("--frames", default="1024,4096,16384")
    ap.add_argument("--hop-divisors", default="1,2")
    ap.add_argument("--min-time", type=float, default=1.0,
                    help="timed seconds per side of each pair")
    ap.add_argument("--repeat", type=int, default=3,
                    help="alternating numpy/vigil pairs per point (default 3)")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--no-python", dest="python", action="store_false",
                    help="leave out vigil.features() from Python (timed after the C bench in "
                         "each round, C / Python reported; skipped if the binding does not load)")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="cpu (default: process CPU time on both sides) or wall")
    ap.add_argument("--planner", choices=("estimate", "measure"), default="estimate",
                    help="vigil's FFTW planner mode on both vigil sides (default estimate)")
    args = ap.parse_args(argv)
    if args.input and args.rate is None:
        ap.error("--rate is required with --input")
    if args.rate is None:
        args.rate = 25600.0
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")

    tmp = None
    try:
        if args.input:
            path = args.input
            x = features_ref.read_column(path, args.column)
        else:
            x = generated_signal(args.samples, args.rate)
            fd, tmp = tempfile.mkstemp(prefix="vigil_peer_", suffix=".csv")
            with os.fdopen(fd, "w") as fh:
                fh.write("x\n")
                np.savetxt(fh, x, fmt="%.17g")  # round-trips every double exactly
            path = tmp
        x = np.resize(np.asarray(x, dtype=np.float64), args.samples)  # tile, as the C bench
        report(args, path, x)
    finally:
        if tmp:
            os.unlink(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
