/* Internal: the interface every anomaly detector implements (one source file per detector).
 * Inputs are rows of d standardised features (the monitor's baseline and direction clipping
 * already applied). Scores are >= 0 and larger means more anomalous. create allocates
 * everything score/update need; fit may allocate temporaries; score and update never allocate.
 * A detector's load fills a detector created with the same d and params. */
#ifndef VIGIL_LIB_DETECTOR_H
#define VIGIL_LIB_DETECTOR_H

#include "model_io.h"

#include <stddef.h>
#include <stdint.h>

/* Standardised values are clipped to +-VIGIL__Z_MAX robust scales before they reach a
 * detector. A departure of a million scales is a certain alarm already; the clip keeps every
 * detector's arithmetic (squares, covariances, smoothing) finite, so an extreme but finite row
 * can neither give a NaN score nor leave an infinity in a detector's state. */
#define VIGIL__Z_MAX 1e6

typedef struct vigil__detector_params {
    double alpha;  /* z-score EWMA weight */
    uint64_t seed; /* random trees */
} vigil__detector_params;

typedef struct vigil__detector vigil__detector;

typedef struct vigil__detector_ops {
    int kind; /* VIGIL_DETECTOR_* */
    const char *name;
    size_t min_rows; /* fewest rows fit accepts */
    int (*create)(size_t d, const vigil__detector_params *p, vigil__detector **out);
    int (*fit)(vigil__detector *det, const double *z, size_t rows);
    int (*update)(vigil__detector *det, const double *z);
    /* contrib: d entries, filled with each feature's share of the score */
    double (*score)(vigil__detector *det, const double *z, double *contrib);
    void (*reset)(vigil__detector *det); /* stream state only (smoothing) */
    void (*save)(const vigil__detector *det, vigil__wbuf *w);
    int (*load)(vigil__detector *det, vigil__rbuf *r); /* VIGIL_OK or VIGIL_EFORMAT */
    void (*destroy)(vigil__detector *det);
    /* Bytes per d * d of the saved state (its matrices; 0 if it has none): the loader checks that
     * the payload holds them before create allocates d * d matrices (issue 17). */
    size_t saved_per_d2;
    /* The stream state reset() clears (smoothing), for a saved stream (VIGIL_SAVE_STREAM), so
     * that a restarted host scores the next row as if it had never stopped. Both NULL for a
     * detector without one. load_stream: VIGIL_OK or VIGIL_EFORMAT. */
    void (*save_stream)(const vigil__detector *det, vigil__wbuf *w);
    int (*load_stream)(vigil__detector *det, vigil__rbuf *r);
} vigil__detector_ops;

/* Every detector struct starts with this. */
struct vigil__detector {
    const vigil__detector_ops *ops;
    size_t d;
    double stat[2]; /* PCA: T^2 and SPE of the last score */
};

extern const vigil__detector_ops vigil__detector_zscore;
extern const vigil__detector_ops vigil__detector_mahalanobis;
extern const vigil__detector_ops vigil__detector_pca;
extern const vigil__detector_ops vigil__detector_hst;

/* The ops of a VIGIL_DETECTOR_* kind, NULL if unknown. */
const vigil__detector_ops *vigil__detector_find(int kind);

/* Shared numerical helpers (detector_zscore.c). */
/* q-quantile (0..1, linear interpolation, numpy's default) of x[0..n); sorts x in place. */
double vigil__quantile(double *x, size_t n, double q);
/* Ledoit-Wolf shrinkage of the covariance of rows z (n x d) around mean mu into cov (d x d,
 * row-major): returns the shrinkage weight used (>= floor). */
double vigil__shrunk_cov(const double *z, size_t n, size_t d, const double *mu, double floor,
                         double *cov);
/* Smallest variance of any direction of the standardised rows, in squared baseline scale
 * units (issue 16). The baseline already says that a move of one scale unit of a feature (at
 * least 5 % of its median, vigil_monitor_set_scale_floor) is operating-point noise; a
 * covariance learnt from a short, correlated training span can still have directions of far
 * smaller variance (crest, impulse and clearance are nearly the same ratio), and a Mahalanobis
 * or PCA score divides by them: unseen healthy frames that move a few tenths of a unit across
 * such a direction scored as tens of units. Flooring every eigenvalue at one unit squared
 * extends the per-feature floor to every combination of features. */
#define VIGIL__DIRECTION_FLOOR 1.0
/* Raise every eigenvalue of the symmetric d x d matrix cov below `floor` to it (cov = V
 * max(L, floor) V^T, symmetrised). Fit time only: allocates GSL work space.
 * Returns VIGIL_OK or VIGIL_ENOMEM; cov must be finite. */
int vigil__floor_eigenvalues(double *cov, size_t d, double floor);
/* Deterministic 64-bit generator (splitmix64). */
uint64_t vigil__rand_next(uint64_t *state);
/* Uniform in [0, 1). */
double vigil__rand_uniform(uint64_t *state);

#endif
