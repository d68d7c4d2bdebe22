#!/usr/bin/python3
"""Independent numpy reference for vigil's frame features (docs: FEATURES.md).

This module is deliberately written without looking at the C code: it follows the
numerical contract in FEATURES.md line by line, so that when the two implementations
agree to floating-point tolerance we learn something about both.  It is also the
"numpy peer" in benchmarks, so it is vectorised the way a careful Python user would
write it: every complete frame becomes one row of a 2-D view (no copy), each feature
is one reduction along axis 1, and the spectra come from one ``np.fft.rfft`` call.
There is no Python loop over frames.

Library use::

    names, rows = features(x, rate=12000, frame=1024, hop=512, bands=[(0, 500)])

Command line (same output format as ``vigil features``)::

    features_ref.py --rate 12000 --frame 1024 [--hop 512] [--column de]
                    [--bands 0-500,500-2000] FILE.csv[.gz] ...

Conventions (each is a choice FEATURES.md pins down; they are repeated here because a
different but "reasonable" choice changes results by far more than rounding):

* Frame j covers x[j*hop : j*hop + N]; only complete frames; t_start = j*hop/rate.
* Time-domain features use the raw frame (no window); moments are population
  moments (ddof = 0); kurtosis is m4/m2^2 (NOT excess: Gaussian noise gives 3).
* zcr counts n in 1..N-1 where (d[n-1] >= 0) != (d[n] >= 0), d = x - mean, over N-1.
  Using ">= 0" (not sign()) means an exact zero counts as positive, like the C code.
* Window: periodic Hann w[n] = 0.5 - 0.5 cos(2 pi n / N) (not scipy's symmetric
  default of np.hanning), S1 = sum w, S2 = sum w^2.
* y = (x - mean) * w: the mean is removed before windowing (scipy's
  detrend='constant'), so DC leakage does not pollute the low bins.
* c_k = 1 for k = 0 and, when N is even, k = N/2 (bins that have no mirror image);
  c_k = 2 otherwise (one-sided spectrum folds the negative frequencies in).
* PSD[k] = c_k |X_k|^2 / (rate * S2)   (density scaling, units^2/Hz)
  A[k]   = c_k |X_k| / S1              (amplitude scaling: a bin-centred sine of
                                        amplitude a reads a)
* f_k = k * rate / N, computed literally as ``k * rate / N``.  np.fft.rfftfreq
  computes k * (1 / (N * d)) with d = 1/rate, which rounds differently in the last
  bit; band edges (LO <= f_k < HI) are exact comparisons, so that bit matters.
* power and the band_LO_HI columns sum PSD[k] * df over k = 0..floor(N/2), DC
  included (after mean removal DC is tiny but not always exactly 0).
* Spectral statistics use k = 1..floor(N/2) (DC excluded): P_k = PSD[k], T = sum P_k.
  flatness = exp(mean(ln(P + 1e-30))) / mean(P + 1e-30) (the 1e-30 keeps ln finite
  for exactly-zero bins); entropy = -sum p ln p / ln K with p = P/T, 0 ln 0 = 0 and
  K = floor(N/2), the number of bins used.
* peak_freq / peak_amp come from the FIRST k maximising P_k (np.argmax returns the
  first maximum, which is also what a C loop with ">" does).
* Any ratio whose denominator is exactly 0 is reported as 0, never NaN/inf: crest,
  kurtosis, skewness, shape, impulse, clearance; and when T == 0, centroid, spread,
  flatness, entropy, peak_freq and peak_amp are all 0.  (Also entropy when K == 1,
  since ln 1 = 0, and zcr when N == 1.)
"""

import argparse
import csv
import gzip
import io
import math
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# Base columns, in the FEATURES.md order.  Bands follow, one column each.
BASE_COLUMNS = (
    "frame", "t_start", "mean", "rms", "std", "peak", "p2p", "crest", "kurtosis",
    "skewness", "shape", "impulse", "clearance", "zcr", "power", "centroid",
    "spread", "flatness", "entropy", "peak_freq", "peak_amp",
)


def band_name(lo, hi):
    """Column name of a band, LO and HI formatted like C's %g (Python's %g is the same)."""
    return "band_%g_%g" % (lo, hi)


def feature_names(bands=()):
    """All column names for a configuration with these (lo, hi) bands."""
    return list(BASE_COLUMNS) + [band_name(lo, hi) for lo, hi in bands]


def _safe_div(num, den):
    """num / den elementwise, 0 where den is exactly 0 (the FEATURES.md rule).

    np.divide with where= never evaluates the masked entries, so no warnings and
    no NaN leak out; the 0 comes from the zero-filled output array.
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    num, den = np.broadcast_arrays(num, den)
    out = np.zeros(num.shape, dtype=np.float64)
    np.divide(num, den, out=out, where=(den != 0))
    return out


def frames_view(x, frame, hop):
    """All complete frames as a (nframes, frame) read-only view of x (no copy)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.shape[0] < frame:
        return np.empty((0, frame), dtype=np.float64)
    # sliding_window_view gives every start 0, 1, 2, ...; stepping by hop keeps
    # starts 0, hop, 2*hop, ... and drops the incomplete tail automatically.
    return sliding_window_view(x, frame)[::hop]


def features(x, rate, frame, hop=None, bands=()):
    """Compute the FEATURES.md feature rows of signal x.

    x      1-D samples (any real dtype; accumulated in float64)
    rate   sample rate in Hz (> 0)
    frame  frame length N (>= 1)
    hop    frame step (>= 1), default N
    bands  sequence of (lo, hi) in Hz; band membership is lo <= f_k < hi

    Returns (names, rows): names is a list of column names, rows a float64 array
    of shape (nframes, len(names)); column 0 is the frame index j as a float.
    """
    rate = float(rate)
    N = int(frame)
    hop = N if hop is None else int(hop)
    if N < 1 or hop < 1 or not rate > 0:
        raise ValueError("need frame >= 1, hop >= 1 and rate > 0")
    bands = [(float(lo), float(hi)) for lo, hi in bands]
    names = feature_names(bands)

    F = frames_view(np.asarray(x, dtype=np.float64).ravel(), N, hop)
    nf = F.shape[0]
    cols = {}

    j = np.arange(nf, dtype=np.float64)
    cols["frame"] = j
    # t_start = j*hop/rate: the product j*hop is an exact integer in double, so
    # this is one correctly rounded division, the same as the C expression.
    cols["t_start"] = j * hop / rate

    # ---- time domain (raw frame, no window) --------------------------------
    # FEATURES.md: a constant frame has exactly-zero central moments (its ratios are then 0).
    # Summing N copies of a constant can round, so the mean of a constant frame is taken as
    # the constant itself (the same rule as the C code, docs/FEATURES.md).
    const = F.max(axis=1) == F.min(axis=1)
    mean = np.where(const, F[:, 0], F.mean(axis=1))
    d = F - mean[:, None]
    absF = np.abs(F)
    ms = np.mean(F * F, axis=1)                 # includes the mean (rms, not std)
    rms = np.sqrt(ms)
    m2 = np.mean(d * d, axis=1)                 # population central moments
    m3 = np.mean(d * d * d, axis=1)
    m4 = np.mean((d * d) * (d * d), axis=1)
    peak = absF.max(axis=1)
    mean_abs = absF.mean(axis=1)
    mean_sqrt_abs = np.sqrt(absF).mean(axis=1)

    cols["mean"] = mean
    cols["rms"] = rms
    cols["std"] = np.sqrt(m2)
    cols["peak"] = peak
    cols["p2p"] = F.max(axis=1) - F.min(axis=1)
    cols["crest"] = _safe_div(peak, rms)
    cols["kurtosis"] = _safe_div(m4, m2 * m2)
    cols["skewness"] = _safe_div(m3, m2 ** 1.5)
    cols["shape"] = _safe_div(rms, mean_abs)
    cols["impulse"] = _safe_div(peak, mean_abs)
    cols["clearance"] = _safe_div(peak, mean_sqrt_abs * mean_sqrt_abs)
    # Sign changes of d with ">= 0" as "positive"; N-1 gaps between N samples.
    pos = d >= 0
    crossings = np.count_nonzero(pos[:, 1:] != pos[:, :-1], axis=1)
    cols["zcr"] = _safe_div(crossings.astype(np.float64), float(N - 1))

    # ---- spectrum (periodic Hann, density scaling) -------------------------
    n = np.arange(N, dtype=np.float64)
    w = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / N)   # periodic: divide by N, not N-1
    S1 = w.sum()
    S2 = np.sum(w * w)
    X = np.fft.rfft(d * w[None, :], axis=1)       # k = 0..floor(N/2)
    K = N // 2
    k = np.arange(K + 1, dtype=np.float64)
    c = np.full(K + 1, 2.0)
    c[0] = 1.0                                    # DC has no mirror image
    if N % 2 == 0:
        c[K] = 1.0                                # neither has Nyquist (even N)
    mag2 = X.real * X.real + X.imag * X.imag
    psd = c[None, :] * mag2 / (rate * S2)
    amp = c[None, :] * np.sqrt(mag2) / S1
    f = k * rate / N                              # literally k*rate/N (see docstring)
    df = rate / N

    cols["power"] = np.sum(psd * df, axis=1)      # DC included

    P = psd[:, 1:]                                # k = 1..K, DC excluded
    fk = f[1:]
    T = P.sum(axis=1)
    has = T != 0
    centroid = _safe_div(np.sum(fk[None, :] * P, axis=1), T)
    dev = fk[None, :] - centroid[:, None]
    spread = np.sqrt(_safe_div(np.sum(dev * dev * P, axis=1), T))
    if K > 0:
        Pe = P + 1e-30
        flatness = np.exp(np.mean(np.log(Pe), axis=1)) / np.mean(Pe, axis=1)
        p = _safe_div(P, T[:, None])
        # 0 ln 0 = 0: evaluate the log only where p > 0.
        plogp = np.zeros_like(p)
        np.multiply(p, np.log(p, out=np.zeros_like(p), where=p > 0), out=plogp,
                    where=p > 0)
        entropy = _safe_div(-plogp.sum(axis=1), math.log(K))
        ipk = np.argmax(P, axis=1) + 1            # first maximum; +1 for skipped DC
        peak_freq = f[ipk]
        peak_amp = amp[np.arange(nf), ipk]
    else:                                         # N == 1: no bins at all
        flatness = entropy = peak_freq = peak_amp = np.zeros(nf)
    cols["centroid"] = np.where(has, centroid, 0.0)
    cols["spread"] = np.where(has, spread, 0.0)
    cols["flatness"] = np.where(has, flatness, 0.0)
    cols["entropy"] = np.where(has, entropy, 0.0)
    cols["peak_freq"] = np.where(has, peak_freq, 0.0)
    cols["peak_amp"] = np.where(has, peak_amp, 0.0)

    # ---- bands: exact comparisons on f_k, DC included ----------------------
    band_cols = []
    for lo, hi in bands:
        mask = (f >= lo) & (f < hi)
        band_cols.append(np.sum(psd[:, mask] * df, axis=1))

    rows = np.empty((nf, len(names)), dtype=np.float64)
    for i, name in enumerate(BASE_COLUMNS):
        rows[:, i] = cols[name]
    for i, col in enumerate(band_cols):
        rows[:, len(BASE_COLUMNS) + i] = col
    return names, rows


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def parse_bands(text):
    """'0-500,500-2000,0.5-1e+06' -> [(0, 500), (500, 2000), (0.5, 1e6)].

    The separator is the first '-' that leaves two parseable numbers, so
    exponents such as 1e-3 inside LO or HI are not mistaken for it.
    """
    out = []
    if not text:
        return out
    for item in text.split(","):
        item = item.strip()
        for i, ch in enumerate(item):
            if ch != "-" or i == 0:
                continue
            try:
                lo, hi = float(item[:i]), float(item[i + 1:])
            except ValueError:
                continue
            break
        else:
            raise ValueError("bad band %r (want LO-HI)" % item)
        if not lo < hi:
            raise ValueError("bad band %r (need LO < HI)" % item)
        out.append((lo, hi))
    return out


def read_column(path, column):
    """One channel of a .csv / .csv.gz file with a header row, as float64.

    column is a channel name or a 0-based index (given as a string of digits).
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as fh:
        header = next(csv.reader([fh.readline()]))
        header = [h.strip() for h in header]
        if column in header:
            idx = header.index(column)
        elif column.isdigit() and int(column) < len(header):
            idx = int(column)
        else:
            raise SystemExit("%s: no column %r (have %s)" % (path, column, ", ".join(header)))
        # numpy >= 1.23 has a C loadtxt; usecols skips non-numeric columns.
        data = np.loadtxt(fh, delimiter=",", usecols=(idx,), dtype=np.float64, ndmin=1)
    return data


def format_rows(names, rows, source=None):
    """CSV lines (no header): frame as integer, everything else '%.17g'."""
    lines = []
    for row in rows:
        fields = [] if source is None else [source]
        fields.append("%d" % int(row[0]))
        fields.extend("%.17g" % v for v in row[1:])
        lines.append(",".join(fields))
    return lines


def _csv_field(text):
    """Quote a source path only when CSV needs it."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([text])
    return buf.getvalue()


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Frame features per FEATURES.md (independent numpy reference). "
                    "Prints CSV with a header row; with several FILEs a first column "
                    "'source' names the file and frame numbering restarts per file.")
    ap.add_argument("--rate", type=float, required=True, help="sample rate, Hz")
    ap.add_argument("--frame", type=int, required=True, help="frame length N, samples")
    ap.add_argument("--hop", type=int, default=None, help="frame step, samples (default N)")
    ap.add_argument("--column", default="0",
                    help="channel name or 0-based index (default 0: the first)")
    ap.add_argument("--bands", default="", help="LO-HI[,LO-HI...] in Hz")
    ap.add_argument("files", nargs="+", metavar="FILE", help=".csv or .csv.gz")
    args = ap.parse_args(argv)
    try:
        bands = parse_bands(args.bands)
    except ValueError as exc:
        ap.error(str(exc))
    if args.frame < 1 or (args.hop is not None and args.hop < 1) or not args.rate > 0:
        ap.error("need --frame >= 1, --hop >= 1, --rate > 0")

    multi = len(args.files) > 1
    names = feature_names(bands)
    out = sys.stdout
    out.write(",".join((["source"] if multi else []) + names) + "\n")
    for path in args.files:
        x = read_column(path, args.column)
        _, rows = features(x, args.rate, args.frame, args.hop, bands)
        lines = format_rows(names, rows, _csv_field(path) if multi else None)
        if lines:
            out.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
