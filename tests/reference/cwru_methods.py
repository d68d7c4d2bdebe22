#!/usr/bin/env python3
"""Evaluate envelope-analysis variants on the CWRU recordings (issue 4; not run by meson).

usage: /usr/bin/python3 cwru_methods.py DATASETS_DIR [_0hp_|_1hp_]
Prints, per recording, the prominence (max over +-1 % / median of the neighbours, as
lib/envelope.c's vigil__line) of the evidence lines BPFO, BPFI, 2xBSF, FTF for: the envelope
amplitude spectrum averaged over frames (vigil's method), the squared-envelope spectrum (SES)
magnitude and power, and the pooled decoy rank p of the best line (decoys: the same measurement
at 0.5-1.5 x each evidence frequency, step 0.25 %, away from defect lines and sidebands).
Frames 16384, hop 8192, Hann, whole-spectrum prewhitening. Results: docs/DIAGNOSTICS.md.
"""
import gzip, os, sys
import numpy as np

ORD = {'bpfo': 3.5848, 'bpfi': 5.4152, 'bsf': 2.3567, 'ftf': 0.39828}
EV = (('bpfo', 1), ('bpfi', 1), ('bsf', 2), ('ftf', 1))


def env_spectrum(x, n, squared, power):
    hop = n // 2
    f = np.stack([x[i * hop:i * hop + n] for i in range((len(x) - n) // hop + 1)])
    w = np.hanning(n + 1)[:n]
    X = np.fft.rfft((f - f.mean(1, keepdims=True)) * w, axis=1)
    X = X / np.maximum(np.abs(X), 1e-300)
    C = np.zeros((f.shape[0], n), complex)
    C[:, 1:n // 2] = 2 * X[:, 1:n // 2]
    C[:, n // 2] = X[:, n // 2]
    a = np.abs(np.fft.ifft(C, axis=1))
    e = a ** 2 if squared else a
    e = e - (e.sum(1, keepdims=True) / w.sum()) * w
    E = np.abs(np.fft.rfft(e, axis=1))
    return (E ** 2 if power else E).mean(0)


def prominence(E, df, f, tol=0.01):
    lo, hi = max(1, int(np.floor(f * (1 - tol) / df))), int(np.ceil(f * (1 + tol) / df))
    if hi >= len(E):
        return 0.0
    W = max(16, int(np.ceil(0.1 * f / df)))
    fl = np.median(np.concatenate([E[max(1, lo - W):lo], E[hi + 1:hi + 1 + W]]))
    return E[lo:hi + 1].max() / fl if fl > 0 else 0.0


def decoy_p(E, df, fr, obs):
    ex = [h * ORD[q] * fr for q in ORD for h in range(1, 11)]
    ex += [(h * ORD['bpfi'] + m) * fr for h in (1, 2, 3) for m in (-2, -1, 1, 2)]
    ex += [(h * ORD['bsf'] + m * ORD['ftf']) * fr for h in (1, 2, 3, 4) for m in (-1, 1)]
    ex = np.array(ex)
    dec = []
    for q, h in EV:
        for s in np.arange(0.5, 1.5 + 1e-9, 0.0025):
            g = h * ORD[q] * fr * s
            if np.min(np.abs(g - ex) / ex) >= 0.02:
                dec.append(prominence(E, df, g))
    dec = np.array(dec)
    return (1 + (dec >= obs).sum()) / (1 + len(dec))


def main():
    root, sel = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else '_0hp_'
    for row in open(os.path.join(root, 'MANIFEST.tsv')):
        c = row.rstrip('\n').split('\t')
        if not c[0].startswith('cwru/') or sel not in c[0] or c[2] != '12000':
            continue
        with gzip.open(os.path.join(root, c[0]), 'rt') as fh:
            col = fh.readline().strip().split(',').index('de')
            x = np.loadtxt(fh, delimiter=',', usecols=[col])
        fr, n = float(c[9]) / 60, 16384
        out = []
        for label, sq, pw in (('env', 0, 0), ('ses', 1, 0), ('ses^2', 1, 1)):
            E = env_spectrum(x, n, sq, pw)
            p = [prominence(E, 12000 / n, h * ORD[q] * fr) for q, h in EV]
            out.append(label + ' ' + ' '.join('%.1f' % v for v in p))
            if label == 'env':
                out.append('decoy p %.4f' % decoy_p(E, 12000 / n, fr, max(p)))
        print('%-28s %-10s %s' % (os.path.basename(c[0])[:-7], c[5], ' | '.join(out)))


if __name__ == '__main__':
    main()
