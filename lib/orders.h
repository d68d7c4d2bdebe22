/* Internal: the amplitude spectrum, the shaft-rate estimate and shaft-order amplitudes, for one
 * frame (the extractor's groups) or for a spectrum averaged over a recording (the diagnosis). */
#ifndef VIGIL_LIB_ORDERS_H
#define VIGIL_LIB_ORDERS_H

#include "feature_group.h"

/* Amplitude spectrum A[k] = c_k |X_k| / S1 (FEATURES.md) of bin k of an r2c output. */
double vigil__amplitude(const double *spec, size_t k, size_t n, double s1);

/* Where the amplitudes come from: `amp` (nbins values, e.g. an average over frames) when it is
 * not NULL, else computed bin by bin from one frame's r2c output `spec`. */
typedef struct vigil__amps {
    const double *amp;
    const double *spec;
    size_t n, nbins; /* frame length, n/2 + 1 */
    double s1, df;   /* sum of the Hann window, bin spacing in Hz */
} vigil__amps;

/* The amplitudes of a frame (computed from its spectrum when read). */
vigil__amps vigil__frame_amps(const vigil__frame *f);

/* Prominence a line needs to count as the shaft's 1x in the subharmonic check (at least; more
 * when few frames are averaged), and the probability that noise alone makes the estimate jump
 * to a subharmonic (over the two candidates). */
#define VIGIL__SHAFT_LINE_PROM 3.0
#define VIGIL__SHAFT_FALSE_JUMP 0.01

/* Shaft rate (Hz) estimated within [lo, hi] (lo = hi = 0: VIGIL_SHAFT_MIN_HZ..VIGIL_SHAFT_MAX_HZ)
 * from an amplitude spectrum that is one frame's (frames = 1) or the mean of `frames`
 * half-overlapping frames; docs/DIAGNOSTICS.md "Shaft-rate estimate": the largest line of the
 * range, refined by a parabola; then, for m = 3 and 2, if f/m is still in the range and a line
 * there stands out of its neighbours (has_line() in orders.c), that line instead, and the check
 * again from it, at most 4 times (the largest line of a machine is often 2x or 3x, and 1x is
 * rarely absent); clamped into [lo, hi]. 0 when
 * the spectrum has fewer than 3 bins. Never allocates. */
double vigil__shaft_estimate(const vigil__amps *a, double lo, double hi, double frames);

/* Largest A[k] within +-max(1 %, 1 bin) of frequency hz; 0 above the last bin. */
double vigil__order_amplitude(const vigil__amps *a, double hz);

#endif
