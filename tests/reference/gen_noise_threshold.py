#!/usr/bin/env python3
"""Reference values of vigil__noise_threshold (lib/evidence.c), printed for tests/test_diagnose.c.

Exact Gamma quantiles (scipy) of the model the C code approximates with Wilson-Hilferty: the mean
of m = (frames + 1) / 2 Rayleigh bins as a Gamma law of shape k = m pi / (4 - pi); threshold =
quantile(1 - p_bin) / median, p_bin = 1 - (1 - p)^(1/w). A Monte Carlo of Rayleigh means shows the
Gamma model itself is conservative (m = 7, p_bin = 5e-4: 1.735 simulated, 1.803 Gamma; m = 1,
p_bin = 0.0025: 2.938 simulated, 3.391 Gamma), which the second table prints (2e6 draws, seed 1).
"""
import numpy as np
from scipy.stats import gamma

for frames, w, p in ((13, 5, 0.0025), (4, 3, 0.0025), (1, 1, 0.0025), (100, 8, 0.0025)):
    m = (frames + 1) / 2
    k = m * np.pi / (4 - np.pi)
    pb = 1 - (1 - p) ** (1 / w)
    print(f"{{{frames}, {w}, {p}, {gamma.isf(pb, k) / gamma.median(k):.6f}}},")
rng = np.random.default_rng(1)
for m, pb in ((7, 5e-4), (1, 0.0025)):
    x = rng.rayleigh(size=(2000000, m)).mean(1)
    k = m * np.pi / (4 - np.pi)
    print(f"# m={m} p_bin={pb}: simulated {np.quantile(x, 1 - pb) / np.median(x):.3f}, "
          f"gamma {gamma.isf(pb, k) / gamma.median(k):.3f}")
