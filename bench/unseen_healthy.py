#!/usr/bin/python3
"""Exceedance rate of a monitor on healthy data it has not seen (issue 16, part 3).

A long healthy record from the generator's physical model (datasets/generate.py: shaft
harmonics, broadband noise, the ADC), with the slow variation of a real machine: the level
drifts by +-10 % over a 70 s period and the shaft speed by +-2 % over 95 s (the phase of each
harmonic integrates the varying speed). The monitor learns the first LEARN_S seconds and scores
the rest; the script prints, per detector, the unseen frames, the share above the threshold
against the stated rate (1 - quantile), the frames in alarm and the transient events.

    /usr/bin/python3 bench/unseen_healthy.py [--seconds 120] [--learn 13] [--hop 512]

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--learn", type=float, default=13.0, help="seconds learnt")
    ap.add_argument("--frame", type=int, default=1024)
    ap.add_argument("--hop", type=int, default=512)
    a = ap.parse_args()
    x = long_healthy(a.seconds)
    cut = int(a.learn * gen.FS)
    print("detector      learnt  unseen  exceed %  stated %  ratio  alarm frames  transients")
    for det in ("mahalanobis", "zscore", "pca", "hst"):
        with vigil.FeatureExtractor(gen.FS, frame=a.frame, hop=a.hop) as ex, \
                vigil.Monitor(ex, detector=det) as m:
            learn = vigil.features(x[:cut], gen.FS, frame=a.frame, hop=a.hop)
            m.learn(learn)
            m.fit()
            r = m.score(vigil.features(x[cut:], gen.FS, frame=a.frame, hop=a.hop))
            s, thr = np.asarray(r["score"]), np.asarray(r["threshold"])
            rate = float(np.mean(s > thr))
            print("%-12s %7d %7d %9.2f %9.2f %6.1f %13d %11d"
                  % (det, len(learn["rms"]), len(s), 100 * rate, 0.5, rate / 0.005,
                     r["state"].count("alarm"), m.transients))
    return 0


if __name__ == "__main__":
    sys.exit(main())
