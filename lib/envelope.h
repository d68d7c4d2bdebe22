/* Internal: the envelope-analysis engine shared by the extractor's envelope group and the
 * per-recording diagnosis. Everything is allocated at create; the per-frame calls never
 * allocate. Definitions: docs/DIAGNOSTICS.md. */
#ifndef VIGIL_LIB_ENVELOPE_H
#define VIGIL_LIB_ENVELOPE_H

#include <stddef.h>

typedef struct vigil__env vigil__env;

/* Dyadic candidate bands of the automatic (spectral-kurtosis) choice: levels 1..3. */
#define VIGIL__SK_LEVELS 3

/* n: frame length; lo = hi = 0: automatic band per frame; otherwise lo < hi, bins with
 * lo <= f_k < hi (DC never used). whiten: divide each bin by its magnitude before demodulation
 * (cepstral prewhitening). Returns VIGIL_OK, VIGIL_ENOMEM. */
int vigil__env_create(double rate, size_t n, double lo, double hi, int whiten, vigil__env **out);
void vigil__env_destroy(vigil__env *e);
/* Validate a demodulation band for frames of n samples at `rate` (the rule of
 * vigil_extractor_enable_envelope(), shared with the diagnosis): 0, 0 (automatic) or
 * 0 <= lo < hi, lo < rate/2, at least 2 bins. VIGIL_OK or VIGIL_EINVAL with a message. */
int vigil__env_band_check(double rate, size_t n, double lo_hz, double hi_hz);
size_t vigil__env_memory(const vigil__env *e);

/* Envelope amplitude spectrum of one frame from its r2c spectrum `spec` (FFT of the
 * Hann-windowed, mean-removed frame; n/2+1 interleaved bins) into env[0..n/2]. The band used
 * (Hz) goes to *band_lo, *band_hi. */
void vigil__env_spectrum(vigil__env *e, const double *spec, double *env, double *band_lo,
                         double *band_hi);

/* Tolerance of the line search (fraction of the line frequency) and the floor window. */
#define VIGIL__LINE_TOL 0.01
#define VIGIL__FLOOR_MIN_BINS 16
#define VIGIL__FLOOR_FRACTION 0.1

/* Measure the line nearest f (Hz) in spectrum a[0..nbins) with bin spacing df: *amp = the
 * largest a[k] with f(1-tol) <= k df <= f(1+tol) (bins floor(f(1-tol)/df)..ceil(f(1+tol)/df),
 * clipped to 1..nbins-1), *floor = median of the bins within W = max(16, ceil(0.1 f/df)) bins
 * either side of that window (window excluded), *freq = the bin frequency of the maximum.
 * scratch: nbins doubles. A line above the last bin gives amp = floor = freq = 0. */
void vigil__line(const double *a, size_t nbins, double df, double f, double tol, double *scratch,
                 double *amp, double *floor_, double *freq);

/* amp / floor, 0 when floor is 0. */
double vigil__prominence(double amp, double floor_);

#endif
