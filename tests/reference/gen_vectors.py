#!/usr/bin/python3
"""Generate tests/ref_vectors.h: reference feature rows for the C unit tests.

Each case is a short synthetic signal chosen to exercise one part of FEATURES.md
(odd/even and non-power-of-two frames, hop < N, bands, zero denominators).  The
expected rows come from features_ref.py (the independent numpy implementation).
Both the input samples and the expected values are printed with %.17g, which
round-trips every double exactly, so the C test sees bit-for-bit the same input
that numpy used and only the feature arithmetic can differ.

Deterministic: every random draw comes from numpy.random.default_rng(seed) with
a fixed per-case seed, so re-running this script reproduces the header byte for
byte (with the same numpy; the header is committed, so tests never need numpy).

    /usr/bin/python3 tests/reference/gen_vectors.py [--out tests/ref_vectors.h]
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import features_ref  # noqa: E402  (sibling module, path set just above)


def damped_resonance(t, fn, zeta):
    """Impulse response of a single-degree-of-freedom structure (unit peak-ish).

    A bearing defect strike is far shorter than the structure's period, so what the
    accelerometer sees is the structure ringing at its natural frequency fn and
    decaying with damping ratio zeta.  Zero for t < 0.
    """
    wn = 2.0 * np.pi * fn
    wd = wn * np.sqrt(1.0 - zeta * zeta)
    return np.where(t >= 0.0, np.exp(-zeta * wn * np.maximum(t, 0.0)) * np.sin(wd * t), 0.0)


def case_noise_sines():
    """Gaussian noise + two sines + DC + a few impulses (the everyday case)."""
    rng = np.random.default_rng(20240101)
    rate, n = 12000.0, 4096
    t = np.arange(n) / rate
    x = (0.05
         + 1.0 * np.sin(2 * np.pi * 157.0 * t + 0.3)
         + 0.4 * np.sin(2 * np.pi * 2890.0 * t + 1.1)
         + rng.normal(0.0, 0.3, n))
    # A few isolated impulses (sign and size random) so kurtosis/crest move off
    # their Gaussian values in the frames that hold one.
    pos = rng.choice(n, size=5, replace=False)
    x[pos] += rng.choice([-1.0, 1.0], size=5) * rng.uniform(2.0, 4.0, size=5)
    return dict(name="noise_sines", rate=rate, frame=1024, hop=512,
                bands=[(0, 500), (500, 2000), (2000, 6000)], x=x,
                doc="Gaussian noise (sigma 0.3) + 157 Hz (amp 1.0) + 2890 Hz (amp 0.4)\n"
                    " * + DC 0.05 + 5 impulses of 2..4")


def case_odd_frame():
    """Odd N: no Nyquist bin, every k >= 1 has c_k = 2; hop does not divide N's tail."""
    rng = np.random.default_rng(20240102)
    rate, n = 1000.0, 600
    t = np.arange(n) / rate
    x = rng.uniform(-0.5, 0.5, n) + np.sin(2 * np.pi * 60.0 * t)
    return dict(name="odd_frame", rate=rate, frame=99, hop=33, bands=[], x=x,
                doc="uniform noise (-0.5..0.5) + 60 Hz sine (amp 1.0)")


def case_nonpow2():
    """N = 1000 (not a power of two): an outer-race-like bearing fault.

    Impulses at 107.36 Hz (BPFO of a 6205 at 1797 rpm) with 1% jitter, each
    ringing a 3 kHz resonance (damping ratio 0.05), amplitude-modulated at the
    30 Hz shaft rate, plus a little Gaussian noise.
    """
    rng = np.random.default_rng(20240103)
    rate, n = 25600.0, 3000
    t = np.arange(n) / rate
    period = 1.0 / 107.36
    times = np.cumsum(period * (1.0 + 0.01 * rng.standard_normal(40))) - 0.5 * period
    times = times[times < n / rate]
    amps = 1.0 + 0.5 * np.cos(2 * np.pi * 29.95 * times)
    x = rng.normal(0.0, 0.05, n)
    for ti, ai in zip(times, amps):
        x += ai * damped_resonance(t - ti, 3000.0, 0.05)
    return dict(name="nonpow2", rate=rate, frame=1000, hop=1000,
                bands=[(0, 1000), (1000, 12800)], x=x,
                doc="107.36 Hz impulse train (1% jitter) ringing a 3 kHz resonance\n"
                    " * (zeta 0.05), modulated at 29.95 Hz, + noise sigma 0.05")


def case_constant():
    """All samples 2.5: every central moment and the whole spectrum are exactly 0.

    2.5 is exact in binary and 16 * 2.5 = 40 sums exactly, so the mean is exactly
    2.5, d = 0 exactly and the zero-denominator rules (kurtosis, skewness = 0;
    spectral statistics = 0 because T = 0) are tested without rounding noise.
    """
    return dict(name="constant", rate=100.0, frame=16, hop=8, bands=[],
                x=np.full(64, 2.5), doc="64 samples, all 2.5")


def case_zeros():
    """All zeros: every ratio has a zero denominator, all features 0."""
    return dict(name="zeros", rate=100.0, frame=16, hop=16, bands=[],
                x=np.zeros(48), doc="48 zeros")


CASES = (case_noise_sines, case_odd_frame, case_nonpow2, case_constant, case_zeros)


def c_doubles(values, per_line=4, indent="    "):
    """Body of a C double array initializer, %.17g (exact round-trip)."""
    vals = ["%.17g" % float(v) for v in values]
    lines = []
    for i in range(0, len(vals), per_line):
        lines.append(indent + ", ".join(vals[i:i + per_line]) + ",")
    return "\n".join(lines)


def render(cases):
    out = []
    w = out.append
    w("/* ref_vectors.h: reference feature rows for the C unit tests.")
    w(" *")
    w(" * GENERATED by tests/reference/gen_vectors.py from the independent numpy")
    w(" * implementation tests/reference/features_ref.py (FEATURES.md). DO NOT EDIT.")
    w(" * Regenerate from the repository root with:")
    w(" *     /usr/bin/python3 tests/reference/gen_vectors.py --out tests/ref_vectors.h")
    w(" *")
    w(" * Every number is printed with %.17g, so each double round-trips exactly.")
    w(" * rows is row-major, nrows x ncols; columns are ref_column_names[] followed")
    w(" * by one band column per configured band (band_lo[i] <= f < band_hi[i]).")
    w(" * Cases without bands have a 1-element dummy band array and nbands = 0,")
    w(" * because ISO C has no zero-length arrays.")
    w(" */")
    w("#ifndef VIGIL_TESTS_REF_VECTORS_H")
    w("#define VIGIL_TESTS_REF_VECTORS_H")
    w("")
    w("#include <stddef.h>")
    w("")
    w("struct ref_case {")
    w("    const char *name;")
    w("    double rate;")
    w("    size_t frame, hop, nbands;")
    w("    const double *band_lo, *band_hi;")
    w("    size_t nsamples;")
    w("    const double *x;")
    w("    size_t nrows, ncols;")
    w("    const double *rows;")
    w("};")
    w("")
    w("#define REF_BASE_COLUMNS %d" % len(features_ref.BASE_COLUMNS))
    w("")
    w("static const char *const ref_column_names[REF_BASE_COLUMNS] = {")
    names = ['"%s"' % n for n in features_ref.BASE_COLUMNS]
    for i in range(0, len(names), 6):
        w("    " + ", ".join(names[i:i + 6]) + ",")
    w("};")

    entries = []
    for c in cases:
        nm = c["name"]
        names, rows = features_ref.features(c["x"], c["rate"], c["frame"], c["hop"], c["bands"])
        nrows, ncols = rows.shape
        w("")
        w("/* ---- %s ----" % nm)
        w(" * %s" % c["doc"])
        w(" * rate %g Hz, frame %d, hop %d, %d samples -> %d rows x %d columns" %
          (c["rate"], c["frame"], c["hop"], len(c["x"]), nrows, ncols))
        if c["bands"]:
            w(" * bands: %s" % ", ".join(names[len(features_ref.BASE_COLUMNS):]))
        w(" */")
        if c["bands"]:
            lo = [b[0] for b in c["bands"]]
            hi = [b[1] for b in c["bands"]]
        else:
            lo, hi = [0.0], [0.0]      # dummy: nbands = 0
        w("static const double ref_%s_band_lo[%d] = {" % (nm, len(lo)))
        w(c_doubles(lo, per_line=8))
        w("};")
        w("static const double ref_%s_band_hi[%d] = {" % (nm, len(hi)))
        w(c_doubles(hi, per_line=8))
        w("};")
        w("static const double ref_%s_x[%d] = {" % (nm, len(c["x"])))
        w(c_doubles(c["x"]))
        w("};")
        w("static const double ref_%s_rows[%d] = {" % (nm, nrows * ncols))
        for j in range(nrows):
            w("    /* frame %d */" % j)
            w(c_doubles(rows[j], per_line=4, indent="    "))
        w("};")
        entries.append("    {\"%s\", %.17g, %d, %d, %d, ref_%s_band_lo, ref_%s_band_hi,\n"
                       "     %d, ref_%s_x, %d, %d, ref_%s_rows}," %
                       (nm, c["rate"], c["frame"], c["hop"], len(c["bands"]), nm, nm,
                        len(c["x"]), nm, nrows, ncols, nm))

    w("")
    w("static const struct ref_case ref_cases[] = {")
    out.extend(entries)
    w("};")
    w("")
    w("static const size_t ref_case_count = sizeof ref_cases / sizeof ref_cases[0];")
    w("")
    w("#endif /* VIGIL_TESTS_REF_VECTORS_H */")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(HERE, "..", "ref_vectors.h")),
                    help="output header (default tests/ref_vectors.h)")
    args = ap.parse_args(argv)
    cases = [make() for make in CASES]
    text = render(cases)
    with open(args.out, "w", newline="\n") as fh:
        fh.write(text)
    print("wrote %s (%d bytes, %d cases)" % (args.out, len(text.encode()), len(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
