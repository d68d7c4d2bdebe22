#!/usr/bin/python3
"""Generate tests/diag_vectors.h: reference values for the diagnostics tests.

Independent numpy implementation of docs/DIAGNOSTICS.md (envelope spectrum with
prewhitening, line amplitude/floor, the spectral-kurtosis band choice, velocity
RMS) applied to synthetic signals with known defect impulses: a train of decaying
resonance bursts (3.2 kHz, damping 5 %) repeating at a defect frequency, plus
seeded Gaussian noise.  Signals and expected values are printed with %.17g so the
C test sees exactly numpy's input.

    /usr/bin/python3 tests/reference/gen_diag_vectors.py --out tests/diag_vectors.h
"""
import argparse

import numpy as np

RATE = 12000.0
N = 4096
SHAFT = 29.95
GEOM = (9, 0.3126, 1.537, 0.0)  # CWRU 6205 drive-end bearing


def defect_orders(n, d, D, angle):
    r = d / D * np.cos(np.radians(angle))
    return {"ftf": 0.5 * (1 - r), "bpfo": 0.5 * n * (1 - r), "bpfi": 0.5 * n * (1 + r),
            "bsf": D / (2 * d) * (1 - r * r)}


def bursts(n, rate, f_rep, rng, fn=3200.0, zeta=0.05, amp=1.0, jitter=0.01):
    """Impulse responses of a resonance at fn, about one every 1/f_rep seconds, each interval
    jittered by `jitter` (sd, relative) as rolling-element slip does in real bearings."""
    t = np.arange(n) / rate
    x = np.zeros(n)
    t0 = 0.0
    while t0 < t[-1]:
        tau = t - t0
        m = tau >= 0
        x[m] += amp * np.exp(-zeta * 2 * np.pi * fn * tau[m]) * np.sin(
            2 * np.pi * fn * np.sqrt(1 - zeta ** 2) * tau[m])
        t0 += (1.0 + jitter * rng.standard_normal()) / f_rep
    return x


AVG_N = 1024


def hann(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def env_spectrum(x, rate, k0, k1, whiten=True):
    n = len(x)
    w = hann(n)
    s1 = w.sum()
    X = np.fft.rfft((x - x.mean()) * w)
    c = np.zeros(n, complex)
    for k in range(k0, k1):
        v = X[k]
        if whiten and abs(v) > 0:
            v = v / abs(v)
        c[k] = (1.0 if 2 * k == n else 2.0) * v
    e = np.abs(np.fft.ifft(c))
    e = e - (e.sum() / s1) * w
    E = np.abs(np.fft.rfft(e)) / s1
    E[1:] *= 2
    if n % 2 == 0:
        E[-1] /= 2
    return E


def first_bin_at_or_above(f, rate, n):
    nb = n // 2 + 1
    k = 0
    while k < nb and k * rate / n < f:
        k += 1
    return k


def sk_band(x, rate):
    n = len(x)
    w = hann(n)
    X = np.fft.rfft((x - x.mean()) * w)
    nb = n // 2 + 1
    best = (-np.inf, 1, nb)
    for level in (1, 2, 3):
        m = 2 ** level
        bw = rate / 2 / m
        for b in range(m):
            a0 = max(1, first_bin_at_or_above(b * bw, rate, n))
            a1 = nb if b == m - 1 else first_bin_at_or_above((b + 1) * bw, rate, n)
            c = np.zeros(n, complex)
            for k in range(a0, a1):
                c[k] = (1.0 if 2 * k == n else 2.0) * X[k]
            z = np.fft.ifft(c)[n // 4: 3 * n // 4]
            p = np.abs(z) ** 2
            kurt = np.mean(p ** 2) / np.mean(p) ** 2 - 2
            if kurt > best[0]:
                best = (kurt, a0, a1)
    return best[1], best[2]


def line(E, df, f, tol=0.01):
    nb = len(E)
    lo, hi = np.floor(f * (1 - tol) / df), np.ceil(f * (1 + tol) / df)
    if lo > nb - 1:
        return 0.0, 0.0
    k0, k1 = max(1, int(lo)), min(nb - 1, int(hi))
    seg = E[k0:k1 + 1]
    amp = seg.max()
    W = max(16, int(np.ceil(0.1 * f / df)))
    neigh = np.r_[E[max(1, k0 - W):k0], E[k1 + 1:min(nb, k1 + W + 1)]]
    return amp, (np.median(neigh) if len(neigh) else 0.0)


def env_columns(x, rate, k0, k1):
    E = env_spectrum(x, rate, k0, k1)
    df = rate / len(x)
    o = defect_orders(*GEOM)
    amps, proms = [], []
    for name in ("ftf", "bpfo", "bpfi", "bsf"):
        a = fl = 0.0
        for h in (1, 2, 3):
            aa, ff = line(E, df, h * o[name] * SHAFT)
            a += aa
            fl += ff
        amps.append(a)
        proms.append(a / fl if fl > 0 else 0.0)
    return amps + proms + [k0 * rate / len(x), k1 * rate / len(x)]


def velocity_rms(x, rate, scale):
    n = len(x)
    w = hann(n)
    X = np.fft.rfft((x - x.mean()) * w)
    psd = np.abs(X) ** 2 / (rate * (w ** 2).sum())
    psd[1:] *= 2
    if n % 2 == 0:
        psd[-1] /= 2
    f = np.arange(len(psd)) * rate / n
    m = (f >= 10) & (f <= 1000) & (np.arange(len(psd)) > 0)
    return 1000 * scale * np.sqrt(np.sum(psd[m] * (rate / n) / (2 * np.pi * f[m]) ** 2))


def arr(name, v):
    body = ",\n".join("    " + ", ".join("%.17g" % a for a in v[i:i + 4]) for i in range(0, len(v), 4))
    return "static const double %s[%d] = {\n%s\n};\n" % (name, len(v), body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/diag_vectors.h")
    args = ap.parse_args()
    rng = np.random.default_rng(20240611)
    o = defect_orders(*GEOM)
    # Outer-race signal: bursts at BPFO (1 % slip jitter), 0.5 g, plus 0.05 g noise.
    outer = 0.5 * bursts(N, RATE, o["bpfo"] * SHAFT, rng) + 0.05 * rng.standard_normal(N)
    # A random broadband signal for the velocity reference (not bin-centred).
    broad = 0.3 * rng.standard_normal(N) + 0.8 * np.sin(2 * np.pi * 123.4 * np.arange(N) / RATE)
    full = env_columns(outer, RATE, 1, N // 2 + 1)
    fixed_k0 = first_bin_at_or_above(2000.0, RATE, N)
    fixed_k1 = first_bin_at_or_above(5000.0, RATE, N)
    fixed = env_columns(outer, RATE, fixed_k0, fixed_k1)
    ak0, ak1 = sk_band(outer, RATE)
    auto = env_columns(outer, RATE, ak0, ak1)
    # The diagnosis' averaged envelope spectrum: frames of AVG_N, hop AVG_N/2, whole spectrum.
    starts = range(0, N - AVG_N + 1, AVG_N // 2)
    avg_env = np.mean([env_spectrum(outer[s:s + AVG_N], RATE, 1, AVG_N // 2 + 1)
                       for s in starts], axis=0)
    with open(args.out, "w") as f:
        f.write("/* diag_vectors.h: reference values for the diagnostics tests.\n"
                " * GENERATED by tests/reference/gen_diag_vectors.py (numpy %s). DO NOT EDIT.\n"
                " * Regenerate: /usr/bin/python3 tests/reference/gen_diag_vectors.py "
                "--out tests/diag_vectors.h\n */\n" % np.__version__)
        f.write("#define DV_RATE %.17g\n#define DV_N %d\n#define DV_SHAFT %.17g\n" % (RATE, N, SHAFT))
        f.write("/* outer-race bursts at BPFO = %.6f Hz (1 %% jitter), 0.5 amplitude, noise sd 0.05 */\n"
                % (o["bpfo"] * SHAFT))
        f.write(arr("dv_outer", outer))
        f.write("/* env_* columns (ftf bpfo bpfi bsf, *_prom, band_lo, band_hi) */\n")
        f.write(arr("dv_env_full", full))
        f.write(arr("dv_env_2000_5000", fixed))
        f.write(arr("dv_env_auto", auto))
        f.write("/* mean envelope spectrum of dv_outer, frames of DV_AVG_N, hop DV_AVG_N/2, whole "
                "spectrum, prewhitened (%d frames) */\n#define DV_AVG_N %d\n" % (len(starts), AVG_N))
        f.write(arr("dv_avg_env", avg_env))
        f.write(arr("dv_broad", broad))
        f.write("#define DV_BROAD_VRMS_G %.17g /* mm/s, samples in g */\n"
                % velocity_rms(broad, RATE, 9.80665))
        f.write("#define DV_BROAD_VRMS_MS2 %.17g /* mm/s, samples in m/s^2 */\n"
                % velocity_rms(broad, RATE, 1.0))


if __name__ == "__main__":
    main()
