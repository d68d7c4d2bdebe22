#!/usr/bin/python3
"""Exceedance rate of a monitor on healthy data it has not seen (issue 16, part 3).

A long healthy record from the generator's physical model (datasets/generate.py: shaft
harmonics, broadband noise, the ADC), with the slow variation of a real machine: the level
drifts by +-10 % over a 70 s period and the shaft speed by +-2 % over 95 s (the phase of each
harmonic integrates the varying speed). The monitor learns the first LEARN_S seconds and scores
the rest; the script prints, per detector, the unseen frames, the share above the threshold
against the rate the monitor states (Monitor.stated_rate, 1 - quantile), the frames in alarm
and the transient events. With the datasets (--datasets, $VIGIL_DATASETS or ../shared/datasets)
it does the same for the CWRU normal recording: learn its first half at hop 512, score the
unseen second half at hop 14 (2106 frames).

    /usr/bin/python3 bench/unseen_healthy.py [--seconds 120] [--learn 13] [--hop 512] [--check]
    /usr/bin/python3 bench/unseen_healthy.py --sweep     # other seeds and learning spans
    /usr/bin/python3 bench/unseen_healthy.py --bearing   # bearing-aware defaults (issue 16)

--bearing gives the extractor the drive-end 6205 bearing and the nominal shaft rate (the
generator's 1797 rpm while its speed wanders by +-2 %; CWRU normal's 1796 rpm): the monitor's
default selection then takes the envelope amplitudes env_bpfo, env_bpfi, env_bsf too.

--check exits 1 unless the default detector (Mahalanobis) meets issue 16's target on every
record: at least 2000 unseen frames, exceedances at most 2 x the stated rate, no alarm.
Needs numpy and the built library (python/vigil finds build/lib)."""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "datasets"))
import generate as gen  # noqa: E402
import vigil  # noqa: E402


def long_healthy(seconds, seed=2024):
    rng = np.random.default_rng(seed)
    n = int(round(seconds * gen.FS))
    t = np.arange(n) / gen.FS
    fr = gen.FR * (1.0 + 0.02 * np.sin(2.0 * np.pi * t / 95.0))
    phase = 2.0 * np.pi * np.cumsum(fr) / gen.FS
    x = np.zeros(n)
    for h, (a, ph) in enumerate(zip(gen.HARMONIC_AMPS, gen.HARMONIC_PHASES), start=1):
        x += a * np.sin(h * phase + ph)
    x += rng.normal(0.0, gen.NOISE_G, n)
    x *= 1.0 + 0.10 * np.sin(2.0 * np.pi * t / 70.0 + 1.0)
    return gen.adc(x)


DETECTORS = ("mahalanobis", "zscore", "pca", "hst")


BEARING_6205 = "n=9,d=0.3126,D=1.537,angle=0"


def measure(name, fs, learn_x, unseen_x, frame, hop_learn, hop_unseen, shaft_hz=None):
    """Rows of (record, detector, learnt, unseen, rate, stated, alarm frames, transients).
    shaft_hz: the bearing-aware defaults at that configured shaft rate."""
    rows = []
    groups = ({"bearing": BEARING_6205, "shaft_hz": shaft_hz, "envelope": True} if shaft_hz
              else {})
    learn = vigil.features(learn_x, fs, frame=frame, hop=hop_learn, **groups)
    unseen = vigil.features(unseen_x, fs, frame=frame, hop=hop_unseen, **groups)
    for det in DETECTORS:
        with vigil.FeatureExtractor(fs, frame=frame, hop=hop_learn, **groups) as ex, \
                vigil.Monitor(ex, detector=det) as m:
            m.learn(learn)
            m.fit()
            r = m.score(unseen)
            s, thr = np.asarray(r["score"]), np.asarray(r["threshold"])
            rows.append((name, det, len(learn["rms"]), len(s), float(np.mean(s > thr)),
                         m.stated_rate, r["state"].count("alarm"), m.transients))
    return rows


def datasets_dir(arg):
    for d in (arg, os.environ.get("VIGIL_DATASETS"),
              os.path.join(HERE, "..", "..", "shared", "datasets")):
        if d and os.path.isfile(os.path.join(d, "cwru", "normal_000_0hp_97_dec12k.csv.gz")):
            return d
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--learn", type=float, default=13.0, help="seconds learnt")
    ap.add_argument("--frame", type=int, default=1024)
    ap.add_argument("--hop", type=int, default=512)
    ap.add_argument("--datasets", help="folder with cwru/ (default: $VIGIL_DATASETS, "
                    "../shared/datasets); the CWRU record is skipped when absent")
    ap.add_argument("--seed", type=int, default=2024, help="noise seed of the generated record")
    ap.add_argument("--sweep", action="store_true",
                    help="held-out check: seeds 1, 7, 99 x learning 8, 13, 30 s of a 150 s "
                         "record, Mahalanobis, z-score, PCA, HST (exceed %% / alarm frames)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless Mahalanobis meets the target on every record")
    ap.add_argument("--bearing", action="store_true",
                    help="bearing-aware defaults: the 6205 bearing at the nominal shaft rate")
    a = ap.parse_args()
    fr_gen, fr_cwru = (gen.FR, 1796.0 / 60.0) if a.bearing else (None, None)
    if a.sweep:
        for seed in (1, 7, 99):
            for learn in (8, 13, 30):
                x = long_healthy(150, seed=seed)
                cut = int(learn * gen.FS)
                rows = measure("sweep", gen.FS, x[:cut], x[cut:], a.frame, a.hop, a.hop, fr_gen)
                print("seed %3d learn %2d s: " % (seed, learn) + "  ".join(
                    "%s %.2f %%/%d" % (r[1], 100 * r[4], r[6]) for r in rows))
        return 0
    x = long_healthy(a.seconds, seed=a.seed)
    cut = int(a.learn * gen.FS)
    rows = measure("generator", gen.FS, x[:cut], x[cut:], a.frame, a.hop, a.hop, fr_gen)
    d = datasets_dir(a.datasets)
    if d:
        c = vigil.read_csv(os.path.join(d, "cwru", "normal_000_0hp_97_dec12k.csv.gz"))["de"]
        h = len(c) // 2
        rows += measure("cwru-normal", 12000, c[:h], c[h:], 1024, 512, 14, fr_cwru)
    else:
        print("(CWRU normal recording not found: generator record only)")
    print("record       detector      learnt  unseen  exceed %  stated %  ratio  alarm frames"
          "  transients")
    bad = []
    for rec, det, nl, nu, rate, stated, alarms, trans in rows:
        print("%-12s %-12s %7d %7d %9.2f %9.2f %6.1f %13d %11d"
              % (rec, det, nl, nu, 100 * rate, 100 * stated, rate / stated, alarms, trans))
        if det == "mahalanobis" and (nu < 2000 or rate > 2 * stated
                                     or alarms):
            bad.append(rec)
    if a.check and bad:
        print("FAIL: the default detector misses the target (>= 2000 unseen frames, at most "
              "2 x the stated rate, no alarm) on: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
