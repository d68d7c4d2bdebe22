/* Internal: the FEATURES.md formulas for one frame (time-domain statistics and the spectral
 * statistics of a one-sided Hann periodogram). Pure functions: no allocation, no state. */
#ifndef VIGIL_LIB_FRAME_FEATURES_H
#define VIGIL_LIB_FRAME_FEATURES_H

#include "frame_kernels.h"

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
 * shape impulse clearance zcr, except clearance (out[10], set to 0): vigil__spectrum_features
 * completes it from *roots (the square roots this call started: frame_kernels.h). In the same
 * pass over the data it writes y[i] = (x[i]-mean)*w[i],
 * the FFT input (y may not alias x). kern from vigil__kernels_select(). Returns the mean. */
double vigil__time_features(const vigil__kernels *kern, const double *x, size_t n,
                            const double *w, double *y, double *out, vigil__roots *roots);

/* One-sided PSD from r2c output spec (interleaved re, im; n/2+1 bins):
 * psd[k] = c_k |X_k|^2 / (rate * S2). */
void vigil__psd(const double *spec, size_t n, double rate, double s2, double *psd);

/* Table freq[k] = k * rate / n for k = 0..n/2, FEATURES.md's f_k. */
void vigil__bin_freqs(double *freq, size_t n, double rate);

/* From the r2c output spec of a frame of n: the PSD into psd[0..n/2] (as vigil__psd) and the
 * spectral features into out[0..7): power centroid spread flatness entropy peak_freq peak_amp.
 * s1, s2 = sums of the window and its square; freq from vigil__bin_freqs(). x[0..n) is the
 * frame's samples and time_out the row vigil__time_features() wrote for them: the clearance
 * (time_out[10], from time_out[3] = peak) is completed here, with the square roots in *roots
 * (from vigil__time_features(), or {{0}, 0}). scratch: n / 2 + 1 doubles that
 * are overwritten (the FFT's input, no longer needed, serves); reduced: 2 (n / 2 + 1) doubles,
 * overwritten (the logarithms' first parts: frame_kernels.h). */
void vigil__spectrum_features(const vigil__kernels *kern, const double *spec, size_t n,
                              double rate, double s1, double s2, const double *freq, double *psd,
                              double *scratch, double *reduced, const double *x,
                              const vigil__roots *roots, double *time_out, double *out);

/* Sum of psd[k] * df over bins k0 <= k < k1 (the caller maps band edges to bins). */
double vigil__band_power(const vigil__kernels *kern, const double *psd, size_t k0, size_t k1,
                         double df);

#endif
