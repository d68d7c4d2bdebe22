/* Internal: the noise threshold of a defect line's prominence: the prominence that the largest
 * bin of a W-bin search window exceeds with probability p when the averaged envelope spectrum
 * holds only Gaussian noise (docs/DIAGNOSTICS.md, "Noise threshold"). */
#ifndef VIGIL_LIB_EVIDENCE_H
#define VIGIL_LIB_EVIDENCE_H

#include <stddef.h>

/* Number of bins vigil__line() searches for a line at f Hz (0 above the last bin). */
size_t vigil__line_bins(size_t nbins, double df, double f, double tol);

/* Noise-only (1 - p) quantile of max(window) / median for an envelope amplitude spectrum that is
 * the mean of `frames` half-overlapping frames, window of w bins (w >= 1, 0 < p < 1, frames >= 1).
 * Model: each frame's bin is Rayleigh; the mean of m_eff = (frames + 1) / 2 independent ones
 * (only non-overlapping frames counted: conservative) is approximated by the Gamma law with the
 * same mean and variance, shape k = m_eff pi / (4 - pi); the Gamma quantiles by Wilson-Hilferty.
 * The w bins are taken as independent: per-bin probability 1 - (1 - p)^(1/w). */
double vigil__noise_threshold(double frames, size_t w, double p);

#endif
