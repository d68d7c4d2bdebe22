#!/usr/bin/python3
"""Compare vigil's detectors with scikit-learn's IsolationForest and EllipticEnvelope on CWRU.

Same features (vigil's default set, computed by `vigil features`), same split: train on the
first half of normal_000_0hp_97_dec12k (drive end, frame 1024, hop 512), test on its second
half (false alarms) and on every 12 kHz fault recording (detections).

Quality, per frame: detection rate = fault frames flagged, false-alarm rate = held-out normal
frames flagged, AUC of the scores (healthy held-out vs fault frames). For vigil two flags are
reported: the raw exceedance (score > threshold, comparable to sklearn's predict) and the alarm
state (after 3-of-5 persistence). Speed: fit and score wall time; for vigil this includes the
feature extraction done inside `vigil train/score`, for sklearn only fit/predict on
precomputed features (so the comparison favours sklearn).

usage: bench/models_vs_sklearn.py [VIGIL_BINARY] [DATASETS_DIR]
"""
import csv
import glob
import io
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

VIGIL = sys.argv[1] if len(sys.argv) > 1 else "build/tools/vigil"
DATA = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets")
FEATURES = ["rms", "peak", "crest", "kurtosis", "impulse", "clearance", "shape"]
FRAME = ["--rate", "12000", "--frame", "1024", "--hop", "512", "--column", "de"]


def features(path):
    out = subprocess.run([VIGIL, "features", *FRAME, path], check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return np.array([[float(r[f]) for f in FEATURES] for r in rows])


def main():
    cwru = os.path.join(DATA, "cwru")
    x = np.loadtxt(os.path.join(cwru, "normal_000_0hp_97_dec12k.csv.gz"), delimiter=",", skiprows=1)
    half = len(x) // 2
    tmp = tempfile.mkdtemp()
    train_f, held_f = os.path.join(tmp, "train.csv"), os.path.join(tmp, "held.csv")
    for p, part in ((train_f, x[:half]), (held_f, x[half:])):
        np.savetxt(p, part, delimiter=",", header="de,fe", comments="", fmt="%.8g")
    faults = sorted(glob.glob(os.path.join(cwru, "[bio]*_*.csv.gz")))

    xtr, xho = features(train_f), features(held_f)
    xf = [features(f) for f in faults]
    xfa = np.vstack(xf)
    print(f"train {len(xtr)} frames, held-out normal {len(xho)}, fault {len(xfa)} in {len(faults)} files")
    print(f"{'model':<26}{'detect%':>8}{'min file%':>10}{'false%':>8}{'AUC':>7}{'fit ms':>9}{'score ms':>9}")

    mu, sd = xtr.mean(0), xtr.std(0) + 1e-12
    for name, make in (("sklearn IsolationForest", lambda: IsolationForest(random_state=1)),
                       ("sklearn EllipticEnvelope", lambda: EllipticEnvelope(random_state=1))):
        t0 = time.perf_counter()
        mdl = make().fit((xtr - mu) / sd)
        t1 = time.perf_counter()
        s_ho = -mdl.score_samples((xho - mu) / sd)
        s_f = [-mdl.score_samples((f - mu) / sd) for f in xf]
        flag_ho = mdl.predict((xho - mu) / sd) == -1
        flag_f = [mdl.predict((f - mu) / sd) == -1 for f in xf]
        t2 = time.perf_counter()
        auc = roc_auc_score(np.r_[np.zeros(len(s_ho)), np.ones(len(xfa))], np.r_[s_ho, np.concatenate(s_f)])
        det = 100 * np.mean(np.concatenate(flag_f))
        print(f"{name:<26}{det:8.1f}{min(100 * np.mean(f) for f in flag_f):10.1f}{100 * np.mean(flag_ho):8.1f}{auc:7.3f}"
              f"{1e3 * (t1 - t0):9.1f}{1e3 * (t2 - t1):9.1f}")

    for kind in ("zscore", "mahalanobis", "pca", "hst"):
        mdl = os.path.join(tmp, kind + ".mdl")
        t0 = time.perf_counter()
        subprocess.run([VIGIL, "train", *FRAME, "--detector", kind, "-o", mdl, train_f], check=True, capture_output=True)
        t1 = time.perf_counter()
        out = subprocess.run([VIGIL, "score", "--model", mdl, held_f, *faults], check=True, capture_output=True, text=True).stdout
        t2 = time.perf_counter()
        rows = list(csv.DictReader(io.StringIO(out)))
        by = {}
        for r in rows:
            by.setdefault(r["source"], []).append((float(r["score"]), float(r["threshold"]), r["state"]))
        ho = np.array([s for s, _, _ in by[held_f]])
        thr = by[held_f][0][1]
        fa = [np.array([s for s, _, _ in by[f]]) for f in faults]
        auc = roc_auc_score(np.r_[np.zeros(len(ho)), np.ones(sum(map(len, fa)))], np.r_[ho, np.concatenate(fa)])
        for label, flag in (("exceed", lambda v: v[0] > v[1]), ("alarm", lambda v: v[2] == "alarm")):
            det_files = [100 * np.mean([flag(v) for v in by[f]]) for f in faults]
            det = 100 * np.mean([flag(v) for f in faults for v in by[f]])
            fal = 100 * np.mean([flag(v) for v in by[held_f]])
            print(f"{'vigil ' + kind + ' ' + label:<26}{det:8.1f}{min(det_files):10.1f}{fal:8.1f}{auc:7.3f}"
                  f"{1e3 * (t1 - t0):9.1f}{1e3 * (t2 - t1):9.1f}")
    del thr


if __name__ == "__main__":
    main()
