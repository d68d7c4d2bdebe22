/* Internal: shaft-rate estimate and shaft-order amplitudes from a frame's spectrum. */
#ifndef VIGIL_LIB_ORDERS_H
#define VIGIL_LIB_ORDERS_H

#include "feature_group.h"

/* Amplitude spectrum A[k] = c_k |X_k| / S1 (FEATURES.md) of bin k of an r2c output. */
double vigil__amplitude(const double *spec, size_t k, size_t n, double s1);

/* Shaft rate (Hz) estimated from the frame: the largest A[k] with VIGIL_SHAFT_MIN_HZ <= f_k <=
 * VIGIL_SHAFT_MAX_HZ, refined by a parabola through it and its neighbours. 0 if that range holds
 * no bin. */
double vigil__shaft_estimate(const vigil__frame *f);

/* Largest A[k] within +-max(1 %, 1 bin) of frequency hz; 0 above the last bin. */
double vigil__order_amplitude(const vigil__frame *f, double hz);

#endif
