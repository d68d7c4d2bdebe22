/* Internal: the FEATURES.md formulas for one frame (time-domain statistics and the spectral
 * statistics of a one-sided Hann periodogram). Pure functions: no allocation, no state. */
#ifndef VIGIL_LIB_FRAME_FEATURES_H
#define VIGIL_LIB_FRAME_FEATURES_H

#include <stddef.h>

/* Columns written by vigil__time_features, in FEATURES.md order. */
#define VIGIL__TIME_COLS 12
/* Columns written by vigil__spectral_features. */
#define VIGIL__SPECTRAL_COLS 7

extern const char *const vigil__time_names[VIGIL__TIME_COLS];
extern const char *const vigil__spectral_names[VIGIL__SPECTRAL_COLS];

/* Periodic Hann window of length n into w; returns S1 = sum w and S2 = sum w^2. */
void vigil__hann(double *w, size_t n, double *s1, double *s2);

/* Time-domain features of x[0..n) into out[0..12): mean rms std peak p2p crest kurtosis skewness
 * shape impulse clearance zcr. In the same pass over the data it writes y[i] = (x[i]-mean)*w[i],
 * the FFT input (y may not alias x). Returns the mean. */
double vigil__time_features(const double *x, size_t n, const double *w, double *y, double *out);

/* One-sided PSD from r2c output spec (interleaved re, im; n/2+1 bins):
 * psd[k] = c_k |X_k|^2 / (rate * S2). */
void vigil__psd(const double *spec, size_t n, double rate, double s2, double *psd);

/* Spectral features into out[0..7): power centroid spread flatness entropy peak_freq peak_amp.
 * psd has n/2+1 bins; spec is the r2c output (for peak_amp); s1 = sum of the window. */
void vigil__spectral_features(const double *psd, const double *spec, size_t n, double rate,
                              double s1, double *out);

/* The same with a table freq[k] = k * rate / n (k = 0..n/2, from vigil__bin_freqs()), which
 * gives identical results without a division per bin. freq may be NULL. */
void vigil__spectral_features_tab(const double *psd, const double *spec, const double *freq,
                                  size_t n, double rate, double s1, double *out);
void vigil__bin_freqs(double *freq, size_t n, double rate);

/* Sum of psd[k] * df over bins k0 <= k < k1 (the caller maps band edges to bins). */
double vigil__band_power(const double *psd, size_t k0, size_t k1, double df);

#endif
