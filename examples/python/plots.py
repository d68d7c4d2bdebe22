#!/usr/bin/env python3
"""Pictures of vigil's results (vigil.plot): a health trend, an envelope spectrum and feature
trends, from the bundled demo recordings and, when the datasets are present, from a PRONOSTIA
run-to-failure history.

    /usr/bin/python3 examples/python/plots.py OUTDIR          # demo PNGs (+ PRONOSTIA ones)
    /usr/bin/python3 examples/python/plots.py --readme        # the README's two pictures

Demo (datasets/demo, 12 kHz, SKF 6205, shaft 29.95 Hz): the healthy recording followed by the
outer-race one as one machine's history, 1024-sample frames with hop 512, the first 30 frames
learnt; the outer-race recording's diagnosis. PRONOSTIA (../shared/datasets/femto, or
$VIGIL_DATASETS/femto): Bearing1_1, one feature row per 0.1 s snapshot (one every 10 s), the
first 300 snapshots (50 min) learnt, and the remaining life of the peak amplitude to the
challenge's 20 g end-of-life level fitted (vigil.remaining_life) over the history since the
first alarm.

Needs matplotlib (Debian: python3-matplotlib, installed for /usr/bin/python3).
"""

import argparse
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "python"))  # run from a source checkout

import vigil  # noqa: E402
from vigil import plot  # noqa: E402

DEMO = os.path.join(ROOT, "datasets", "demo")
DEMO_RATE, DEMO_SHAFT = 12000, 29.95
DEMO_BEARING = "n=9,d=0.3126,D=1.537,angle=0"  # SKF 6205, as datasets/generate.py
DEMO_FRAME, DEMO_HOP, DEMO_LEARN = 1024, 512, 30

FEMTO_RATE, FEMTO_SNAPSHOT_S, FEMTO_LEARN = 25600, 10.0, 300
FEMTO_END_OF_LIFE_G = 20.0   # the challenge stops a test past 20 g (datasets/README.md)
FEMTO_RUL_EVERY = 10         # a remaining-life fit every 10 snapshots (100 s)


def demo_history():
    """Features and monitor results of healthy + outer_race as one stream."""
    x = []
    for name in ("healthy", "outer_race"):
        x.extend(vigil.read_csv(os.path.join(DEMO, name + ".csv.gz"))["de"])
    cols = vigil.features(x, rate=DEMO_RATE, frame=DEMO_FRAME, hop=DEMO_HOP)
    res = vigil.monitor_rows(cols, learn=DEMO_LEARN)
    res["monitor"].close()
    return cols, res


def demo_diagnosis():
    x = vigil.read_csv(os.path.join(DEMO, "outer_race.csv.gz"))["de"]
    d = vigil.Diagnosis(DEMO_RATE, DEMO_BEARING, shaft_hz=DEMO_SHAFT)
    d.push(x)
    d.decide()
    return d


def demo_plots(out, small=False):
    cols, res = demo_history()
    kw = {"dpi": 80} if small else {}
    paths = []
    p = os.path.join(out, "demo_health.png")
    plot.health_trend(res, title="demo: healthy, then an outer-race fault (learnt: first %d "
                      "frames)" % DEMO_LEARN, path=p, **kw)
    paths.append(p)
    with demo_diagnosis() as d:
        p = os.path.join(out, "demo_envelope.png")
        plot.envelope_spectrum(d, fmax=500, path=p, **kw)
        paths.append(p)
    if not small:
        p = os.path.join(out, "demo_features.png")
        plot.feature_trends(cols, ["rms", "kurtosis", "crest", "peak_freq"],
                            units={"rms": "g", "peak_freq": "Hz"},
                            title="demo: frame features (1024 samples, hop 512)", path=p)
        paths.append(p)
    return paths


def femto_dir():
    base = (os.environ.get("VIGIL_DATASETS") or os.environ.get("VIGIL_DATASETS_DEFAULT") or
            os.path.join(ROOT, "..", "shared", "datasets"))
    d = os.path.join(base, "femto", "Bearing1_1")
    return d if os.path.isdir(d) else None


def femto_history(folder):
    """One feature row per snapshot of channel h, 10 s apart."""
    files = sorted(f for f in os.listdir(folder) if f.endswith(".csv.gz"))
    rows = {}
    for i, f in enumerate(files):
        x = vigil.read_csv(os.path.join(folder, f))["h"]
        c = vigil.features(x, rate=FEMTO_RATE, frame=len(x))
        for k, v in c.items():
            rows.setdefault(k, []).append(float(v[0]))
        rows["t_start"][-1] = i * FEMTO_SNAPSHOT_S
    return rows


def rolling_rul(t, peak, start):
    """Remaining life of the peak amplitude to 20 g, refitted every FEMTO_RUL_EVERY snapshots
    over the history since `start` (NaN where the fit is refused: no significant growth)."""
    rul, lo, hi = ([math.nan] * len(t) for _ in range(3))
    for i in range(start + vigil.rul.MIN_POINTS, len(t), FEMTO_RUL_EVERY):
        try:
            r = vigil.remaining_life(t[start:i + 1], peak[start:i + 1], FEMTO_END_OF_LIFE_G)
        except vigil.VigilError:
            continue
        rul[i], lo[i], hi[i] = r["rul"], r["rul_lo"], r["rul_hi"]
    return rul, lo, hi


def femto_plots(out, folder):
    cols = femto_history(folder)
    names = [n for n in cols if n not in ("frame", "t_start")]
    res = vigil.monitor_rows(cols, names=names, learn=FEMTO_LEARN)
    res["monitor"].close()
    t = list(res["t"])
    peak = cols["peak"][FEMTO_LEARN:]
    first_alarm = next((i for i, s in enumerate(res["state"]) if s == "alarm"), None)
    if first_alarm is not None:
        res["rul"], res["rul_lo"], res["rul_hi"] = rolling_rul(t, peak, first_alarm)
    paths = [os.path.join(out, "pronostia_health.png"), os.path.join(out, "pronostia_features.png")]
    plot.health_trend(res, time_unit="h", title="PRONOSTIA Bearing1_1: health and remaining "
                      "life (peak to 20 g)", path=paths[0])
    plot.feature_trends(cols, ["rms", "peak", "kurtosis", "band_6400_12800"
                               if "band_6400_12800" in cols else "crest"],
                        time_unit="h", units={"rms": "g", "peak": "g"},
                        title="PRONOSTIA Bearing1_1: features per snapshot (channel h)",
                        path=paths[1])
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", help="folder for the PNGs (created)")
    ap.add_argument("--readme", action="store_true",
                    help="write the README's two pictures to docs/img (small PNGs)")
    ap.add_argument("--demo-only", action="store_true",
                    help="skip the PRONOSTIA pictures even when the datasets are present")
    ap.add_argument("--require-datasets", action="store_true",
                    help="exit with status 77 (a skipped test) when PRONOSTIA is absent")
    args = ap.parse_args(argv)
    if args.readme:
        out = os.path.join(ROOT, "docs", "img")
    elif args.outdir:
        out = args.outdir
    else:
        ap.error("give OUTDIR or --readme")
    folder = None if args.readme or args.demo_only else femto_dir()
    if args.require_datasets and not folder:
        print("SKIP: PRONOSTIA history not found (../shared/datasets/femto or $VIGIL_DATASETS)")
        return 77
    os.makedirs(out, exist_ok=True)
    paths = demo_plots(out, small=args.readme)
    if folder:
        paths += femto_plots(out, folder)
    elif not (args.readme or args.demo_only):
        print("PRONOSTIA history not found (../shared/datasets/femto or $VIGIL_DATASETS): "
              "demo pictures only")
    for p in paths:
        print(os.path.normpath(p))
    return 0


if __name__ == "__main__":
    sys.exit(main())
