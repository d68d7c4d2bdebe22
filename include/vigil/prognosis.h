/**
 * @file vigil/prognosis.h
 * @brief Remaining useful life from a health indicator, updated at every frame or snapshot:
 *        onset of degradation, Bayesian degradation models with an optional fleet prior, and an
 *        interval a maintenance planner can act on.
 *
 * A `vigil_prognoser` is fed one (time, indicator) pair per frame or snapshot. The indicator is
 * any value that grows as the machine degrades: a feature (`peak`, `rms`, an envelope
 * amplitude) or a monitor's score. docs/PROGNOSIS.md gives the mathematics and the source of
 * every default; in short:
 *
 *  1. **Baseline** (the first `baseline` points, default 30): median and MAD of the indicator's
 *     working scale (log h for the exponential and automatic models, h for the linear one).
 *  2. **Onset**: a one-sided tabular CUSUM (Page 1954) of z = (y - median) / (1.4826 MAD) with
 *     reference k = max(0.5, ln(2) / (2 sigma)) (half a doubling of the indicator, +6 dB, or half
 *     a sigma if that is larger) and decision interval h = 5. For iid Gaussian in-control data
 *     the average run length to a false onset is at least 930 updates (Siegmund's approximation
 *     at k = 0.5). The onset time is the start of the CUSUM's last run above zero (the usual
 *     change-point estimate); the points since then (up to the last 512) seed the models. Before
 *     the onset there is no estimate (reason VIGIL_PROGNOSIS_HEALTHY). The onset is final.
 *  3. **Models**, from the onset time t0 on, tau = t - t0 in seconds:
 *     exponential  log h = log(baseline) + a + b tau + e   (Gebraeel et al. 2005, phi = 0),
 *     linear       h     = baseline      + a + b tau + e,
 *     e ~ N(0, s^2). Each is a Bayesian linear regression with the conjugate normal-inverse-gamma
 *     prior (a, b) | s^2 ~ N(m0, s^2 L0^-1), s^2 ~ IG(a0, b0), updated recursively from running
 *     sums (O(1) per update). Without a fleet prior the reference prior (flat on a, b; 1/s^2)
 *     makes the posterior mean the least-squares fit and the intervals Student-t with n - 2
 *     degrees of freedom. The automatic choice (default) takes the model with the larger
 *     likelihood of the indicator values themselves (log model corrected by its Jacobian).
 *  4. **RUL**: the failure time T is the first time the indicator's predictive distribution
 *     reaches the failure level D (Gebraeel's P(T <= t) = P(S(t) >= D)); its quantiles solve a
 *     quadratic in t in closed form. The estimate is the median, the interval the central
 *     `level` (default 0.95) quantiles, all minus the current time and clipped at 0. The upper
 *     end is +infinity when the slope is too uncertain for the level to be reached with the
 *     interval's probability. With a prior, D is the fleet's level at end of life (mean and
 *     spread), else the failure level given at create.
 *  5. **No estimate, and why**: vigil_prognoser_reason() says which of baseline, healthy, too
 *     few points (default 5 since onset), or no significant upward trend (the slope is not > 0
 *     with one-sided 95 % confidence) holds. A value at or above the failure level gives RUL 0
 *     (reason VIGIL_PROGNOSIS_FAILED).
 *
 * Hot path: vigil_prognoser_update() never allocates; its cost is bounded (O(1), plus one pass
 * over at most 512 kept points at the onset). Thread rules: one object per thread at a time;
 * distinct objects (and priors) may be used in parallel; a prior is read-only once built and may
 * be given to prognosers in several threads.
 */
#ifndef VIGIL_PROGNOSIS_H
#define VIGIL_PROGNOSIS_H

#include "common.h"
#include "monitor.h"
#include "pipeline.h"

VIGIL_BEGIN_DECLS

/** Degradation models. Values are stable. */
enum vigil_prognosis_model {
    VIGIL_PROGNOSIS_AUTO = 0,        /**< fit both, use the more likely one at each update */
    VIGIL_PROGNOSIS_EXPONENTIAL = 1, /**< log h linear in time (indicator must be > 0) */
    VIGIL_PROGNOSIS_LINEAR = 2,      /**< h linear in time */
    /** the fleet's survival model answered (vigil_prognoser_model() only; not settable): the
     *  remaining life of the prior's Weibull lives given the age reached */
    VIGIL_PROGNOSIS_SURVIVAL = 3
};

/** Why there is or is not an estimate. Values are stable. */
enum vigil_prognosis_reason {
    VIGIL_PROGNOSIS_ESTIMATE = 0,   /**< an estimate with its interval exists */
    VIGIL_PROGNOSIS_BASELINE = 1,   /**< still learning the healthy baseline */
    VIGIL_PROGNOSIS_HEALTHY = 2,    /**< no onset of degradation detected */
    VIGIL_PROGNOSIS_FEW_POINTS = 3, /**< onset detected, too few points since */
    VIGIL_PROGNOSIS_NO_TREND = 4,   /**< no significant upward trend since the onset */
    VIGIL_PROGNOSIS_FAILED = 5,     /**< the indicator has reached the failure level: RUL 0 */
    VIGIL_PROGNOSIS_OVERDUE = 6     /**< the unit has outlived the degradation model's failure
                                         time (under 1e-9 probability of lasting this long):
                                         the model is contradicted, no estimate from it */
};

/** Opaque prognoser. */
typedef struct vigil_prognoser vigil_prognoser;
/** Opaque fleet prior, learnt from complete run-to-failure histories. */
typedef struct vigil_prognosis_prior vigil_prognosis_prior;

/** Points kept for seeding the models at the onset (the ring's capacity). */
#define VIGIL_PROGNOSIS_KEEP 512

/**
 * Name of a model ("auto", "exponential", "linear", "survival").
 * @return a static string; "unknown" for other values. Never NULL. Any thread.
 */
VIGIL_API const char *vigil_prognosis_model_name(int model);

/** Model by name ("auto", "exponential", "linear"): the value, or VIGIL_EINVAL. Any thread. */
VIGIL_API int vigil_prognosis_model_parse(const char *name);

/**
 * Name of a reason ("estimate", "baseline", "healthy", "few_points", "no_trend", "failed",
 * "overdue").
 * @return a static string; "unknown" for other values. Never NULL. Any thread.
 */
VIGIL_API const char *vigil_prognosis_reason_name(int reason);

/**
 * Create a prognoser.
 * @param feature       name of the indicator (1..63 printable characters, e.g. "peak"); a prior
 *                      must have been made for the same name.
 * @param failure_level level of the indicator taken as failure, finite (> 0 for the
 *                      exponential and automatic models: checked at the first update).
 * @param out           receives the prognoser (free with vigil_prognoser_destroy()).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. Defaults: automatic model, baseline 30 points,
 *         CUSUM delta ln 2 and h = 5, 5 points since onset, interval level 0.95, no prior.
 */
VIGIL_API int vigil_prognoser_create(const char *feature, double failure_level,
                                     vigil_prognoser **out);
/** Free a prognoser. NULL is a no-op. */
VIGIL_API void vigil_prognoser_destroy(vigil_prognoser *p);
/** Clear the history (baseline, onset, fits); keep the settings and the prior.
 *  @return VIGIL_OK or VIGIL_EINVAL (NULL). */
VIGIL_API int vigil_prognoser_reset(vigil_prognoser *p);

/** Model: a vigil_prognosis_model value. Only before the first update (else VIGIL_ESTATE).
 *  The exponential and automatic models need failure_level > 0.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_prognoser_set_model(vigil_prognoser *p, int model);
/**
 * Onset test. Only before the first update (else VIGIL_ESTATE).
 * @param baseline points of the healthy baseline, 5..100000.
 * @param delta    smallest rise worth detecting on the working scale (log units for the
 *                 exponential/automatic models: ln 2 is a doubling), finite, >= 0; the CUSUM
 *                 reference is k = max(0.5, delta / (2 sigma)).
 * @param h        CUSUM decision interval in sigmas, finite, > 0.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_prognoser_set_onset(vigil_prognoser *p, size_t baseline, double delta,
                                        double h);
/** Fewest points since onset before an estimate, 3..1000000 (default 5).
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_prognoser_set_min_points(vigil_prognoser *p, size_t n);
/**
 * When the unit's life started, in seconds on the points' clock (finite): the fleet's survival
 * model counts the age from it. Default: the first point's time, right for a unit monitored
 * from new; a host that feeds the prognoser after a learning period (vigil monitor --learn)
 * gives the first row's time; a unit installed earlier, its installation time. Only before
 * the first point (else VIGIL_ESTATE); a first point before it is refused (VIGIL_EINVAL).
 * vigil_prognoser_reset() clears it. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE.
 */
VIGIL_API int vigil_prognoser_set_start(vigil_prognoser *p, double t0);
/**
 * Quantile of the remaining-life distribution given as the estimate (vigil_prognoser_rul()'s
 * `rul`), 0.01..0.99; default 0.5, the median. A planner who pays more for a late repair than
 * for an early one asks for a lower quantile: under an asymmetric linear loss with costs c_late
 * (per second the estimate is too long) and c_early, the best estimate is the quantile
 * c_early / (c_early + c_late) (Koenker, *Quantile Regression*, 2005); the PHM 2012 score's
 * slopes at zero error (ln 2 / 5 % over, ln 2 / 20 % under) make that 0.2. The interval is
 * widened to hold the estimate if it falls outside. Any time (from the next update on).
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_prognoser_set_point(vigil_prognoser *p, double q);
/** The estimate's quantile (vigil_prognoser_set_point()), or NaN for NULL. */
VIGIL_API double vigil_prognoser_point(const vigil_prognoser *p);
/** Central probability of the interval, 0.5..0.999 (default 0.95).
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_prognoser_set_level(vigil_prognoser *p, double level);
/**
 * Use a fleet prior (copied; the prior may be destroyed after). NULL removes the prior. Only
 * before the onset (else VIGIL_ESTATE).
 * @return VIGIL_OK; VIGIL_EMISMATCH (prior made for another feature or failure level: message
 *         names both), VIGIL_ENODATA (prior with fewer than 2 histories and 2
 *         lives), VIGIL_ENONFINITE
 *         (the histories give a non-finite or degenerate model, e.g. from indicator values near
 *         the double range), VIGIL_ESTATE, VIGIL_EINVAL. Nothing changes on failure.
 */
VIGIL_API int vigil_prognoser_set_prior(vigil_prognoser *p, const vigil_prognosis_prior *prior);

/**
 * Add one point and update the estimate. Never allocates.
 * @param t time in seconds, finite, strictly greater than the previous point's.
 * @param h indicator value, finite (> 0 for the exponential and automatic models).
 * @return the reason (vigil_prognosis_reason, >= 0) after this point; VIGIL_EINVAL (NULL, time
 *         not increasing, h <= 0 for a log model, the first point already at or above the
 *         failure level), VIGIL_ENONFINITE (NaN/inf). On failure the point is not taken and the
 *         state is unchanged; vigil_last_error() says why.
 */
VIGIL_API int vigil_prognoser_update(vigil_prognoser *p, double t, double h);

/**
 * Remaining life after the last update, in seconds from the last point's time: the degradation
 * models' estimate when they have one (reason estimate or failed), else, with a prior that has
 * lives, the fleet's survival estimate (vigil_prognoser_survival(); vigil_prognoser_model()
 * says VIGIL_PROGNOSIS_SURVIVAL).
 * @param rul,rul_lo,rul_hi receive the median and the interval's ends (0 <= lo <= rul <= hi;
 *                          hi may be +infinity); each may be NULL. Written only on VIGIL_OK.
 * @return VIGIL_OK (reason estimate or failed), VIGIL_ENOTREND (no estimate: the message and
 *         vigil_prognoser_reason() say why), VIGIL_EINVAL (p NULL).
 */
VIGIL_API int vigil_prognoser_rul(const vigil_prognoser *p, double *rul, double *rul_lo,
                                  double *rul_hi);
/**
 * The fleet's survival estimate after the last update, from the age alone (the time since the
 * prognoser's first point), whether or not it is the answer vigil_prognoser_rul() gives: the
 * remaining life of a unit whose life is Weibull (shape 1.5, ISO 281's slope; scale learnt
 * from the prior's lives, its uncertainty included: the predictive is Lomax) given that it has
 * lived that long. Median and central `level` interval, in seconds from the last point.
 * @return VIGIL_OK; VIGIL_ENOTREND (no prior with lives, no point yet, or the age unknown: a
 *         prognoser saved by a version without it); VIGIL_EINVAL (p NULL). Outputs may be NULL;
 *         written only on VIGIL_OK.
 */
VIGIL_API int vigil_prognoser_survival(const vigil_prognoser *p, double *rul, double *rul_lo,
                                       double *rul_hi);
/** Reason after the last update (vigil_prognosis_reason), or VIGIL_EINVAL for NULL. It
 *  describes the degradation models: with a fleet prior, vigil_prognoser_rul() still answers
 *  before the onset or without a trend, from the fleet's survival model
 *  (vigil_prognoser_model() says VIGIL_PROGNOSIS_SURVIVAL). */
VIGIL_API int vigil_prognoser_reason(const vigil_prognoser *p);
/** Model behind the last estimate: SURVIVAL when the fleet's survival model answered (no
 *  degradation estimate: the reason says why), else EXPONENTIAL or LINEAR (the configured one
 *  before any estimate); VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_prognoser_model(const vigil_prognoser *p);
/** Points the current fit uses (since onset; 0 before), or 0 for NULL. */
VIGIL_API size_t vigil_prognoser_points(const vigil_prognoser *p);
/** Onset time in seconds. @return VIGIL_OK, VIGIL_ENOTREND (no onset yet), VIGIL_EINVAL. */
VIGIL_API int vigil_prognoser_onset(const vigil_prognoser *p, double *t);
/** Time of the last point taken, in seconds, or NaN before the first (or for NULL). A host
 *  continuing a saved history on a relative clock starts after it. */
VIGIL_API double vigil_prognoser_last_time(const vigil_prognoser *p);
/** The indicator's name given at create (owned by p), or "" for NULL. */
VIGIL_API const char *vigil_prognoser_feature(const vigil_prognoser *p);
/** The failure level given at create, or NaN for NULL. */
VIGIL_API double vigil_prognoser_failure_level(const vigil_prognoser *p);

/** Bytes vigil_prognoser_save() writes. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. */
VIGIL_API int vigil_prognoser_save_size(const vigil_prognoser *p, size_t *size);
/**
 * Save settings, prior and state (versioned, zlib CRC-32 checked container) to memory.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESPACE (cap too small; *written = size needed),
 *         VIGIL_ENOMEM.
 */
VIGIL_API int vigil_prognoser_save(const vigil_prognoser *p, void *buf, size_t cap,
                                   size_t *written);
/**
 * Load a prognoser saved by vigil_prognoser_save(); it continues exactly where the saved one
 * stood (the same estimates for the same next points).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EFORMAT (corrupt, foreign or newer blob), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_prognoser_load(const void *buf, size_t len, vigil_prognoser **out);

/**
 * Create an empty fleet prior.
 * @param feature       indicator name (as for vigil_prognoser_create()).
 * @param failure_level the failure level prognosers using it will be given (finite, > 0).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. The onset test is the prognoser's default
 *         unless vigil_prognosis_prior_set_onset() says otherwise.
 */
VIGIL_API int vigil_prognosis_prior_create(const char *feature, double failure_level,
                                           vigil_prognosis_prior **out);
/** Onset test used to read the histories (as vigil_prognoser_set_onset(); give prognosers
 *  using this prior the same). Only before the first history.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_prognosis_prior_set_onset(vigil_prognosis_prior *pr, size_t baseline,
                                              double delta, double h);
/** Free a prior. NULL is a no-op. */
VIGIL_API void vigil_prognosis_prior_destroy(vigil_prognosis_prior *pr);
/**
 * Learn from one complete run-to-failure history (failure = its last point): runs the onset
 * test, fits both models from the onset to the end by least squares, and keeps their parameters,
 * residual variance and the indicator's level at the end.
 * @param t,h times (s, strictly increasing) and indicator values (finite, > 0), n points.
 * Every history whose points are valid also gives its life (last time - first time) to the
 * fleet's survival model, even when its degradation fit is not used.
 * @return VIGIL_OK; VIGIL_ENOTREND (no onset, a falling fit, or fewer than 3 points after the
 *         onset: not used for the degradation models, message says why; its life is kept),
 *         VIGIL_ENODATA (n too small for a baseline), VIGIL_EINVAL, VIGIL_ENONFINITE,
 *         VIGIL_ENOMEM (at most 1024 histories). Nothing else changes on failure.
 */
VIGIL_API int vigil_prognosis_prior_add_history(vigil_prognosis_prior *pr, const double *t,
                                                const double *h, size_t n);
/** Histories learnt, or 0 for NULL. */
VIGIL_API size_t vigil_prognosis_prior_count(const vigil_prognosis_prior *pr);
/**
 * Summary of one history learnt (for reports).
 * @param i        0..count-1.
 * @param onset    receives the onset time (s, on that history's clock), may be NULL.
 * @param end      receives the indicator's value at the end, may be NULL.
 * @param rate_exp receives the exponential model's growth rate b (1/s), may be NULL.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_prognosis_prior_history(const vigil_prognosis_prior *pr, size_t i,
                                            double *onset, double *end, double *rate_exp);
/** Lives learnt (every history read whole, whether or not its degradation fit was used; 0 for
 *  a prior saved by a version without them), or 0 for NULL. */
VIGIL_API size_t vigil_prognosis_prior_life_count(const vigil_prognosis_prior *pr);
/** Life of history i (0..life_count-1), seconds from its first point to its last, into *life.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_prognosis_prior_life(const vigil_prognosis_prior *pr, size_t i,
                                         double *life);
/** The prior's indicator name, or "" for NULL. */
VIGIL_API const char *vigil_prognosis_prior_feature(const vigil_prognosis_prior *pr);
/** The prior's failure level, or NaN for NULL. */
VIGIL_API double vigil_prognosis_prior_failure_level(const vigil_prognosis_prior *pr);
/** Bytes vigil_prognosis_prior_save() writes. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. */
VIGIL_API int vigil_prognosis_prior_save_size(const vigil_prognosis_prior *pr, size_t *size);
/** Save to memory (versioned, CRC-checked container). @return VIGIL_OK, VIGIL_EINVAL,
 *  VIGIL_ESPACE (*written = size needed), VIGIL_ENOMEM. */
VIGIL_API int vigil_prognosis_prior_save(const vigil_prognosis_prior *pr, void *buf, size_t cap,
                                         size_t *written);
/** Load from memory. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EFORMAT, VIGIL_ENOMEM. */
VIGIL_API int vigil_prognosis_prior_load(const void *buf, size_t len,
                                         vigil_prognosis_prior **out);
/** Save to a file (written to a temporary file, then renamed). @return VIGIL_OK, VIGIL_EINVAL,
 *  VIGIL_EIO, VIGIL_ENOMEM. */
VIGIL_API int vigil_prognosis_prior_save_file(const vigil_prognosis_prior *pr, const char *path);
/** Load from a file. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EIO, VIGIL_EFORMAT, VIGIL_ENOMEM. */
VIGIL_API int vigil_prognosis_prior_load_file(const char *path, vigil_prognosis_prior **out);

/**
 * Give a monitor a prognoser (copied, with its prior and state): after every row the monitor
 * scores (not a dropped duplicate or a refused row) it feeds the prognoser the row's column
 * named like the prognoser's indicator, or its score when the indicator is "score", at the
 * row's time. A point the prognoser refuses (time not after its last point, a non-positive
 * value for a log model) is left out and the monitor goes on. vigil_monitor_reset() resets it;
 * vigil_monitor_save() saves it (an optional section of the model file, read back by
 * vigil_monitor_load()). NULL removes it.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOTFOUND (the indicator is not a column of the
 *         monitor's rows nor "score"; nothing changes), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_set_prognoser(vigil_monitor *m, const vigil_prognoser *p);
/** The monitor's prognoser (owned by m, valid until m changes it or is destroyed; read it from
 *  the thread using m), or NULL if none. */
VIGIL_API const vigil_prognoser *vigil_monitor_prognoser(const vigil_monitor *m);
/**
 * Build a prognoser from a pipeline's prognosis.* keys (prognosis.feature, prognosis.failure,
 * prognosis.model, prognosis.baseline, prognosis.rise, prognosis.cusum_h,
 * prognosis.min_points, prognosis.level, prognosis.point).
 * @return VIGIL_OK, VIGIL_ENOTFOUND (prognosis.feature = none), VIGIL_EINVAL, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_pipeline_create_prognoser(const vigil_pipeline *pl, vigil_prognoser **out);

VIGIL_END_DECLS

#endif /* VIGIL_PROGNOSIS_H */
