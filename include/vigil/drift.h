/**
 * @file vigil/drift.h
 * @brief Slow drift and change detection on one scalar stream with timestamps.
 *
 * A `vigil_drift` follows one value over time (a feature of successive frames, a temperature
 * read once a minute, an RMS value from a transmitter) and keeps:
 *  - an EWMA level whose weight depends on elapsed time, alpha = 1 - exp(-dt / tau), so irregular
 *    sampling and gaps are weighted by time, not by sample count;
 *  - the least-squares slope (gsl_fit_linear) of the points whose time lies within the last
 *    `horizon` seconds, in value units per hour;
 *  - a two-sided tabular CUSUM with reference k and decision interval h (both in units of the
 *    reference sigma);
 *  - a two-sided Page-Hinkley test with tolerance delta and threshold lambda (in sigmas).
 *
 * Reference: the in-control mean and sigma of CUSUM/Page-Hinkley come from
 * vigil_drift_set_reference(), or else from the first `warmup` samples (default 30).
 *
 * Gaps: an interval longer than `gap` seconds (vigil_drift_set_gap(); default: 10 times the
 * median of the first 15 intervals) is a gap: the EWMA restarts at the new value and CUSUM and
 * Page-Hinkley sums restart at 0 (a change across a pause is not accumulated as if the samples
 * were contiguous). The slope always uses true times, so a gap simply spaces the points. The
 * number of gaps seen is reported by vigil_drift_gaps().
 *
 * Hot path: vigil_drift_update() never allocates. Thread rules: one object per thread at a time;
 * distinct objects may be used in parallel.
 */
#ifndef VIGIL_DRIFT_H
#define VIGIL_DRIFT_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Flags returned by vigil_drift_update() (bitwise OR). */
enum vigil_drift_flag {
    VIGIL_DRIFT_CUSUM_UP = 1,   /**< upper CUSUM crossed h at this sample (then restarts) */
    VIGIL_DRIFT_CUSUM_DOWN = 2, /**< lower CUSUM crossed h at this sample (then restarts) */
    VIGIL_DRIFT_PH_UP = 4,      /**< Page-Hinkley detected an increase (then restarts) */
    VIGIL_DRIFT_PH_DOWN = 8,    /**< Page-Hinkley detected a decrease (then restarts) */
    VIGIL_DRIFT_GAP = 16        /**< the interval before this sample was a gap */
};

/** Largest magnitude of a value the monitor and the drift tracker accept (1e150): anything
 *  beyond is no physical measurement (a unit mistake, a corrupt word) and squaring it, as the
 *  variance and slope sums do, would overflow. Such values are rejected like NaN
 *  (VIGIL_ENONFINITE), with nothing changed. */
#define VIGIL_VALUE_MAX 1e150

/** Opaque drift tracker. */
typedef struct vigil_drift vigil_drift;

/**
 * Create a tracker.
 * @param horizon  slope horizon in seconds, finite, > 0.
 * @param capacity most points kept for the slope, 2..1048576 (older points in the horizon are
 *                 dropped first when the ring is full).
 * @param out      receives the tracker (free with vigil_drift_destroy()); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. Defaults: tau = horizon / 4, CUSUM k = 0.5,
 *         h = 5 (two-sided in-control run length about 230 samples for Gaussian noise),
 *         Page-Hinkley delta = 0.5, lambda = 10, warmup 30 samples, automatic gap rule.
 */
VIGIL_API int vigil_drift_create(double horizon, size_t capacity, vigil_drift **out);
/** Free a tracker. NULL is a no-op. */
VIGIL_API void vigil_drift_destroy(vigil_drift *d);
/** Clear the stream state (EWMA, points, sums, learnt reference unless set explicitly).
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_reset(vigil_drift *d);
/** EWMA time constant in seconds (finite, > 0). @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_set_tau(vigil_drift *d, double tau);
/** CUSUM reference k and decision interval h in sigmas (finite, k >= 0, h > 0).
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_set_cusum(vigil_drift *d, double k, double h);
/** Page-Hinkley tolerance delta and threshold lambda in sigmas (delta >= 0, lambda > 0).
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_set_page_hinkley(vigil_drift *d, double delta, double lambda);
/** In-control mean and sigma (finite, sigma > 0) for CUSUM and Page-Hinkley; overrides the
 *  warm-up estimate. @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_set_reference(vigil_drift *d, double mean, double sigma);
/** Gap rule: an interval longer than `seconds` (finite, > 0) is a gap; 0 restores the automatic
 *  rule (10 x median of the first 15 intervals); infinity disables gaps.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_drift_set_gap(vigil_drift *d, double seconds);

/**
 * Add one sample.
 * @param t time in seconds (any origin, e.g. Unix time); finite and not before the previous
 *          sample's time.
 * @param v value, finite, |v| <= VIGIL_VALUE_MAX.
 * @return a non-negative combination of vigil_drift_flag, VIGIL_EINVAL (NULL, time going
 *         backwards; nothing changed) or VIGIL_ENONFINITE (NaN, infinite or beyond
 *         VIGIL_VALUE_MAX; nothing changed).
 */
VIGIL_API int vigil_drift_update(vigil_drift *d, double t, double v);

/** @return the EWMA level (NaN before the first sample or for NULL). */
VIGIL_API double vigil_drift_level(const vigil_drift *d);
/** @return the least-squares slope in value units per hour over the horizon; NaN with fewer
 *  than 2 points of distinct times or for NULL. Fitted on each call (O(points in the horizon),
 *  no allocation): read it when needed, not necessarily every update. Uses the object's
 *  scratch memory, so the one-object-per-thread rule holds for this reader too. */
VIGIL_API double vigil_drift_slope(const vigil_drift *d);
/** @return the number of points currently in the slope horizon (0 for NULL). */
VIGIL_API size_t vigil_drift_points(const vigil_drift *d);
/** Current CUSUM sums in sigmas. @return VIGIL_OK or VIGIL_EINVAL (NULL arguments). */
VIGIL_API int vigil_drift_cusum(const vigil_drift *d, double *upper, double *lower);
/** @return the number of change detections (CUSUM or Page-Hinkley, either side) so far. */
VIGIL_API size_t vigil_drift_changes(const vigil_drift *d);
/** @return the number of gaps seen so far. */
VIGIL_API size_t vigil_drift_gaps(const vigil_drift *d);

VIGIL_END_DECLS

#endif /* VIGIL_DRIFT_H */
