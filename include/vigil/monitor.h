/**
 * @file vigil/monitor.h
 * @brief The monitor: learns what healthy looks like for one machine and raises early warnings.
 *
 * A `vigil_monitor` takes feature rows (an extractor's rows, or precomputed rows such as a
 * historian's overall values with a time column) and, per frame, gives an anomaly score, a
 * threshold, a health index in [0, 1], an alarm state and the features that explain the score.
 * See docs/MODELS.md for every default and why it was chosen.
 *
 * Pipeline for one row (all columns as created; the monitor picks its selected features):
 *  1. baseline: per operating condition c, each selected feature is standardised with the
 *     median and 1.4826 * MAD of the rows learnt for c (robust to a few bad training frames),
 *     the scale floored at 5 % of the median (vigil_monitor_set_scale_floor()); training rows
 *     beyond 6 scale units in a fault direction (run-in transients) are left out of the fit;
 *  2. direction: for features whose increase is the fault direction (rms, peak, kurtosis, crest,
 *     band energies, ...: see vigil_monitor_direction()), a value below the baseline median is
 *     clipped to it (z = max(z, 0)), so a machine that runs in and gets quieter never alarms on
 *     the fall; two-sided features keep both signs;
 *  3. detector (one per condition): robust z-score + EWMA, Mahalanobis with Ledoit-Wolf
 *     shrinkage and every direction's variance at least one baseline scale (GSL Cholesky), PCA with Hotelling T^2 and SPE/Q (GSL eigen), or Half-Space
 *     Trees (seeded, deterministic);
 *  4. threshold: calibrated at fit time as the `quantile` (default 0.995) of out-of-fold scores
 *     of the training rows (5 contiguous folds: each fold is scored by a detector fit on the
 *     other four, so the threshold reflects unseen healthy data), its tail extrapolated by a
 *     peaks-over-threshold fit so that a short, correlated sample keeps the stated rate
 *     (vigil_monitor_stated_rate()), or the chi-square bound for Mahalanobis
 *     (vigil_monitor_set_threshold_mode());
 *  5. alarm state machine (vigil/alarm.h): k of n persistence and hysteresis; events, each
 *     with the features that drove it in baseline scales (vigil_monitor_next_event_explained());
 *  6. drift: one vigil_drift per selected feature on the raw values (vigil/drift.h).
 *
 * Life cycle: create -> setters -> learn rows (per condition) -> fit -> score rows ... ;
 * reset clears the stream state (smoothing, alarm window and state, events, drift), keeping
 * the trained model. Selection, conditions and model setters are only accepted before fit.
 *
 * Gaps in time: rows carry times (seconds). An interval longer than the gap (default: 10 times
 * the median of the first 15 scored intervals; vigil_monitor_set_gap()) clears the persistence
 * window and the smoothing; with VIGIL_GAP_REREF the next `relearn` rows (state held meanwhile) re-estimate
 * the baseline medians and scales of the condition (a change of operating point after a pause, as in the IMS
 * test after its six-day stop, is then absorbed; a fault that appeared during the pause is
 * absorbed too, which is why the default is VIGIL_GAP_KEEP).
 *
 * Hot path: vigil_monitor_score() never allocates. vigil_monitor_learn() may grow the training
 * buffer (amortised). Thread rules: one monitor per thread at a time, the const getters and
 * save included (the drift trackers it hands out use their monitor's scratch memory); distinct
 * monitors may be used in parallel, and create, load and destroy may run concurrently from any
 * threads; a loaded monitor is independent of the one saved (tests/test_threads.c).
 */
#ifndef VIGIL_MONITOR_H
#define VIGIL_MONITOR_H

#include "common.h"
#include "alarm.h"
#include "extractor.h"
#include "drift.h"

#include <stdint.h>

VIGIL_BEGIN_DECLS

/** Detector kinds. */
enum vigil_detector_kind {
    VIGIL_DETECTOR_ZSCORE = 1,      /**< max over features of the EWMA-smoothed robust z */
    VIGIL_DETECTOR_MAHALANOBIS = 2, /**< squared Mahalanobis distance, shrinkage covariance */
    VIGIL_DETECTOR_PCA = 3,         /**< T^2/T^2_99 + SPE/SPE_99 of a PCA model */
    VIGIL_DETECTOR_HST = 4          /**< Half-Space Trees: -log2 of the normalised mass */
};

/** Fault direction of a feature. */
enum vigil_direction {
    VIGIL_DIR_BOTH = 0, /**< any departure from the baseline counts */
    VIGIL_DIR_UP = 1,   /**< only increases count (rms, kurtosis, band energy, ...) */
    VIGIL_DIR_DOWN = 2  /**< only decreases count */
};

/** Gap policies. */
enum vigil_gap_policy {
    VIGIL_GAP_KEEP = 0, /**< keep the baseline; clear the persistence window and smoothing */
    VIGIL_GAP_REREF = 1 /**< as KEEP, and re-estimate the baseline medians and scales */
};

/** Threshold modes. */
enum vigil_threshold_mode {
    /** quantile of out-of-fold training scores, its tail extrapolated by a peaks-over-threshold
     *  fit and never below the plain quantile (default; docs/MODELS.md, "Calibration") */
    VIGIL_THRESHOLD_QUANTILE = 0,
    VIGIL_THRESHOLD_CHI2 = 1,     /**< Mahalanobis only: chi-square(quantile, features) */
    VIGIL_THRESHOLD_EMPIRICAL = 2 /**< the plain quantile of out-of-fold scores (before issue 16) */
};

/** Largest relearn x selected features x conditions (the re-reference buffers: 2^25 doubles,
 *  256 MiB), vigil_monitor_set_gap(). */
#define VIGIL_RELEARN_VALUES_MAX 33554432

/**
 * What happened to the rows offered to vigil_monitor_score() since fit, load or reset
 * (vigil_monitor_counter()). The time-quirk policy, in the order it is applied:
 *  - a row with a bad value or time (NaN, infinity, beyond +-VIGIL_VALUE_MAX, wrong width) is
 *    rejected with its status, as always, and counted in REJECTED;
 *  - a row equal to the last accepted one (same time, condition and selected values) is an
 *    exact duplicate: dropped, the current state returned, counted in DUPLICATES;
 *  - a row whose time is before the last accepted one (a clock set back: DST, NTP, a re-sent
 *    block) starts a new segment (STEPS_BACK), one whose time equals it with other values
 *    starts one too (REPEATS), and so does a forward step longer than the gap (GAPS). A new
 *    segment is handled like a gap: the persistence window and the smoothing restart, the
 *    alarm state is kept, VIGIL_GAP_REREF re-learns the baseline; the row is then scored.
 * SEGMENTS counts the segments scored (1 once a row has been scored, +1 per gap, step back or
 * repeat); SCORED the rows scored.
 */
enum vigil_counter {
    VIGIL_COUNTER_SCORED = 0,     /**< rows scored */
    VIGIL_COUNTER_SEGMENTS = 1,   /**< segments of the stream (1 + gaps + steps back + repeats) */
    VIGIL_COUNTER_GAPS = 2,       /**< forward steps longer than the gap */
    VIGIL_COUNTER_STEPS_BACK = 3, /**< rows whose time is before the previous one */
    VIGIL_COUNTER_REPEATS = 4,    /**< rows with the previous time and other values */
    VIGIL_COUNTER_DUPLICATES = 5, /**< exact repeats of the previous row, dropped */
    VIGIL_COUNTER_REJECTED = 6,   /**< rows refused with a negative status (after fit) */
    VIGIL_COUNTER_COUNT = 7       /**< number of counters */
};

/** Largest number of operating conditions. */
#define VIGIL_CONDITIONS_MAX 64

/** Opaque monitor. */
typedef struct vigil_monitor vigil_monitor;

/**
 * Create a monitor for rows with the given column names.
 *
 * The default selection is every column whose name is in the default vibration set (rms, peak,
 * crest, kurtosis, impulse, clearance, shape, every band_*, and the columns the feature groups
 * select: docs/MODELS.md); if none of those names exists, the same statistics under a
 * historian's names (the part after the last '_' is rms, peak, max, crest, kurtosis, impulse,
 * clearance or clearence, shape: "B1_x_rms", a machine channel's "x_max"); if none of those
 * either (e.g. a historian's table of other values), every column except `frame`, `t_start`,
 * `time` and `timestamp` is selected.
 *
 * @param names column names (copied); n of them, 1..4096, each non-empty, distinct, without
 *              control characters or commas (a specification lists them).
 * @param kind  a vigil_detector_kind.
 * @param out   receives the monitor (free with vigil_monitor_destroy()); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_create(const char *const *names, size_t n, int kind,
                                   vigil_monitor **out);
/** Create for the rows of an extractor (its feature names). When the extractor has a bearing and
 *  a configured shaft rate (not estimated), the default selection also takes the envelope
 *  amplitudes env_bpfo, env_bpfi, env_bsf (docs/MODELS.md, "Bearing-aware defaults").
 *  @return as vigil_monitor_create(). */
VIGIL_API int vigil_monitor_create_for_extractor(const vigil_extractor *ex, int kind,
                                                 vigil_monitor **out);
/** Free. NULL is a no-op. */
VIGIL_API void vigil_monitor_destroy(vigil_monitor *m);

/**
 * Select the features to model by name (replaces the default selection). Before learning.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOTFOUND (a name not among the columns),
 *         VIGIL_ESTATE (rows already learnt).
 */
VIGIL_API int vigil_monitor_select(vigil_monitor *m, const char *const *names, size_t n);
/** Set the fault direction of a selected feature (a vigil_direction). Before fit.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOTFOUND, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_direction(vigil_monitor *m, const char *name, int direction);
/** Number of operating conditions, 1..VIGIL_CONDITIONS_MAX (default 1). Before learning.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_conditions(vigil_monitor *m, size_t count);
/** Seed of the random generator (HST trees), 0..2^53 (exact as the specification's number).
 *  Default 1. Before fit.
 *  @return VIGIL_OK, VIGIL_EINVAL (NULL, or above 2^53), VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_seed(vigil_monitor *m, uint64_t seed);
/** Calibration quantile, 0.5 <= q < 1 (default 0.995). Before fit.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_quantile(vigil_monitor *m, double q);
/** Threshold mode (vigil_threshold_mode); CHI2 only for Mahalanobis. Before fit.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_threshold_mode(vigil_monitor *m, int mode);
/** Override the threshold of a condition after fit (finite, > 0).
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (not fitted). */
VIGIL_API int vigil_monitor_set_threshold(vigil_monitor *m, size_t condition, double threshold);
/** Relative scale floor: each feature's baseline scale is at least rel * |median| (default
 *  0.05), so that changes too small to matter in practice never alarm, however consistent.
 *  0 <= rel <= 1 (0: pure statistics). Before fit. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_scale_floor(vigil_monitor *m, double rel);
/** EWMA weight of the z-score detector, 0 < alpha <= 1 (default 0.3; 1 = no smoothing).
 *  Before fit. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_monitor_set_smoothing(vigil_monitor *m, double alpha);
/** Alarm persistence, see vigil_alarm_set_persistence() (default 3 of 5); selects the k-of-n
 *  rule (VIGIL_ALARM_KOFN) instead of the onset test.
 *  @return VIGIL_OK, VIGIL_EINVAL. */
VIGIL_API int vigil_monitor_set_persistence(vigil_monitor *m, size_t k, size_t n);
/**
 * Alarm rule (a vigil_alarm_rule, include/vigil/alarm.h): VIGIL_ALARM_CUSUM, the onset test
 * (default), or VIGIL_ALARM_KOFN, the k-of-n persistence of vigil_monitor_set_persistence().
 * Any time; clears the alarm window. Saved with the model (pipeline key monitor.alarm, with
 * monitor.onset_p1, .false_alarm, .confirm, .confirm_time). @return VIGIL_OK, VIGIL_EINVAL.
 */
VIGIL_API int vigil_monitor_set_alarm_rule(vigil_monitor *m, int rule);
/**
 * Onset test parameters (vigil_alarm_set_cusum()): p0 is the calibrated healthy exceedance
 * rate 1 - quantile; `p1` the degraded one (default 0.5), 1 - quantile < p1 < 1;
 * `false_alarm_frames` the in-control period (default 1e5, 2..1e15). Set the quantile first.
 * @return VIGIL_OK, VIGIL_EINVAL.
 */
VIGIL_API int vigil_monitor_set_onset_test(vigil_monitor *m, double p1, double false_alarm_frames);
/**
 * Persistence of the onset test in frames and in time (vigil_alarm_set_confirm()): an episode
 * becomes an alarm after the burst decay plus `frames` (default 5) and at least `seconds`
 * (default 0) after it opened; one that clears before is a transient event. An alarm clears
 * after its sum has stayed at 0 for as long again.
 * @return VIGIL_OK, VIGIL_EINVAL.
 */
VIGIL_API int vigil_monitor_set_confirm(vigil_monitor *m, size_t frames, double seconds);
/**
 * The framing of the scored frames, for the onset test's evidence (vigil_alarm_set_evidence_
 * weight()): frames that overlap by more than half (hop < frame / 2) see one impulse in
 * n = ceil(frame / hop) frames, and each frame's evidence is weighted 2 / n, so that one impulse
 * weighs what 2 disjoint frames do and never opens an episode by itself (the test needs 3).
 * hop >= frame / 2 (and feature tables, which are never framed): weight 1. A pipeline's monitor
 * gets it from the specification's frame and hop, also when loaded. Any time; clears the
 * alarm's sum. @param frame, hop samples, 1 <= hop <= frame <= VIGIL_FRAME_MAX.
 * @return VIGIL_OK, VIGIL_EINVAL.
 */
VIGIL_API int vigil_monitor_set_overlap(vigil_monitor *m, size_t frame, size_t hop);
/** @return the onset test's evidence weight per frame (vigil_monitor_set_overlap(); 1 by
 *  default), NaN for NULL. */
VIGIL_API double vigil_monitor_evidence_weight(const vigil_monitor *m);
/** Warning level and hysteresis, see vigil_alarm_set_hysteresis() (default 2, 0.8).
 *  @return VIGIL_OK, VIGIL_EINVAL. */
VIGIL_API int vigil_monitor_set_hysteresis(vigil_monitor *m, size_t k_warn, double clear_ratio);
/**
 * Gap handling.
 * @param seconds interval that counts as a gap (0 < s <= 1e12), 0 for the automatic rule
 *                (10 x median of the first 15 scored intervals), infinity for never.
 * @param policy  a vigil_gap_policy.
 * @param relearn rows after a gap that re-estimate the medians (REREF), 1..65536; the buffers
 *                it needs (relearn x selected features x conditions doubles) must not exceed
 *                VIGIL_RELEARN_VALUES_MAX, checked at fit (VIGIL_EINVAL) and load.
 * @return VIGIL_OK, VIGIL_EINVAL.
 */
VIGIL_API int vigil_monitor_set_gap(vigil_monitor *m, double seconds, int policy, size_t relearn);

/**
 * Attach a free-text note saved with the model (e.g. how rows were made: rate, frame, hop,
 * column; the vigil command stores its framing options here). Copied; at most 4096 bytes.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_set_note(vigil_monitor *m, const char *note);
/** @return the note ("" if none; owned by the monitor), NULL for NULL. */
VIGIL_API const char *vigil_monitor_note(const vigil_monitor *m);

/** @return the number of columns of an input row (0 for NULL). */
VIGIL_API size_t vigil_monitor_column_count(const vigil_monitor *m);
/** @return the number of selected features (0 for NULL). */
VIGIL_API size_t vigil_monitor_feature_count(const vigil_monitor *m);
/** @return the name of selected feature i (owned by the monitor), NULL if out of range. */
VIGIL_API const char *vigil_monitor_feature_name(const vigil_monitor *m, size_t i);
/** @return the direction of selected feature i (VIGIL_DIR_*), VIGIL_EINVAL if out of range. */
VIGIL_API int vigil_monitor_direction(const vigil_monitor *m, size_t i);
/** @return the detector kind (VIGIL_DETECTOR_*), VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_monitor_kind(const vigil_monitor *m);
/** @return the number of conditions (0 for NULL). */
VIGIL_API size_t vigil_monitor_conditions(const vigil_monitor *m);

/**
 * Learn one healthy row for a condition (before fit).
 * @param row all columns, `n` = vigil_monitor_column_count(); selected values must be finite
 *            and within +-VIGIL_VALUE_MAX (vigil/drift.h); unselected columns are ignored.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH (n differs), VIGIL_ENONFINITE,
 *         VIGIL_ESTATE (already fitted), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_learn(vigil_monitor *m, const double *row, size_t n,
                                  size_t condition);
/** @return rows learnt for a condition (0 for NULL or out of range); kept after fit and saved
 *  with the model (a format-1 file loads with 0). */
VIGIL_API size_t vigil_monitor_learned(const vigil_monitor *m, size_t condition);
/**
 * Fit baselines, detectors and thresholds of every condition from the learnt rows, then free
 * them. Each condition needs at least 10 rows (and Mahalanobis/PCA at least 10).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (already fitted), VIGIL_ENODATA (a condition with
 *         too few rows; message names it), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_fit(vigil_monitor *m);
/** @return 1 if fitted, 0 if not (or NULL). */
VIGIL_API int vigil_monitor_fitted(const vigil_monitor *m);

/**
 * Score one row.
 * @param row all columns (n = vigil_monitor_column_count()); selected values finite and within
 *            +-VIGIL_VALUE_MAX (unselected columns are ignored, NaN included).
 * @param t   time of the row in seconds (t_start, or a timestamp); finite. A time before or
 *            equal to the previous row's starts a new segment and an exact repeat of the
 *            previous row is dropped (enum vigil_counter has the whole policy).
 * @param condition 0..conditions-1.
 * @return the new state (VIGIL_STATE_*), or VIGIL_EINVAL, VIGIL_EMISMATCH, VIGIL_ENONFINITE,
 *         VIGIL_ESTATE (not fitted). On failure nothing changes but the REJECTED counter: the
 *         rows that follow score bit-identically to a stream that never saw the rejected call. An accepted row always
 *         gives a score that is not NaN (standardised values are clipped to +-1e6 scales; a
 *         score that still overflows counts as +infinity, health 0).
 */
VIGIL_API int vigil_monitor_score(vigil_monitor *m, const double *row, size_t n, double t,
                                  size_t condition);
/**
 * Adapt a condition's detector with a row known to be healthy (online update; after fit).
 * Z-score: exponentially weighted location/scale (weight 0.01); Mahalanobis/PCA: exponentially
 * weighted mean and covariance (weight 0.01, refactorised); HST: latest-window mass.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH, VIGIL_ENONFINITE (a bad value, or an update
 *         that would leave a covariance that is not positive definite), VIGIL_ESTATE. On
 *         failure the model is unchanged.
 */
VIGIL_API int vigil_monitor_update(vigil_monitor *m, const double *row, size_t n,
                                   size_t condition);

/** @return the last score (NaN before the first, or for NULL). */
VIGIL_API double vigil_monitor_last_score(const vigil_monitor *m);
/** @return the threshold the last score was compared with (NaN before the first). */
VIGIL_API double vigil_monitor_last_threshold(const vigil_monitor *m);
/** @return the health index of the last row, vigil_health(score, threshold) (NaN before). */
VIGIL_API double vigil_monitor_last_health(const vigil_monitor *m);
/** @return the current state (VIGIL_STATE_OK for NULL). */
VIGIL_API int vigil_monitor_state(const vigil_monitor *m);
/** @return the index (among selected features) of the top contributor of the last score,
 *  VIGIL_ESTATE before the first score, VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_monitor_top_feature(const vigil_monitor *m);
/** Hotelling T^2 and SPE (Q) of the last row (PCA detector only).
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (other detector, or nothing scored). */
VIGIL_API int vigil_monitor_pca_stats(const vigil_monitor *m, double *t2, double *spe);
/** Threshold of a condition (NaN if not fitted or out of range). */
VIGIL_API double vigil_monitor_threshold(const vigil_monitor *m, size_t condition);
/**
 * The k largest contributions to the last score, largest first.
 * @param idx receives selected-feature indices; @param contrib their contributions (in score
 *        units for Mahalanobis/PCA, smoothed |z| for z-score, share of the isolation for HST);
 *        both of `cap` entries. @param written receives min(cap, feature count).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (nothing scored).
 */
VIGIL_API int vigil_monitor_explain(const vigil_monitor *m, size_t *idx, double *contrib,
                                    size_t cap, size_t *written);
/**
 * How far selected feature i of the last scored row was from its baseline, in baseline scales:
 * (value - median) / scale of the row's condition, after the direction clipping the detectors
 * see (an UP feature below its median gives 0) and clipped to +-1e6. What an explanation
 * quotes as "kurtosis +8.3 scales".
 * @return the value; NaN before the first score, for NULL or i out of range.
 */
VIGIL_API double vigil_monitor_last_z(const vigil_monitor *m, size_t i);
/** @return the drift tracker of selected feature i (owned by the monitor), NULL if none. */
VIGIL_API const vigil_drift *vigil_monitor_drift(const vigil_monitor *m, size_t i);

/** @return queued state-change events (0 for NULL). */
VIGIL_API size_t vigil_monitor_event_count(const vigil_monitor *m);
/** Pop the oldest event: time (s), previous and new state.
 *  @return 1, 0 (none) or VIGIL_EINVAL. */
VIGIL_API int vigil_monitor_next_event(vigil_monitor *m, double *t, int *from, int *to);
/** Pop the oldest event with its kind (VIGIL_EVENT_CHANGE, VIGIL_EVENT_TRANSIENT) and the
 *  onset of its episode (the same queue as vigil_monitor_next_event()).
 *  @return 1, 0 (none) or VIGIL_EINVAL. */
VIGIL_API int vigil_monitor_next_event_ex(vigil_monitor *m, vigil_alarm_event *ev);
/** Features an event explanation quotes at most. */
#define VIGIL_EXPLAIN_MAX 4

/**
 * An event with what drove it (vigil_monitor_next_event_explained()): the features of largest
 * |z| in the event's episode, in baseline scales. The episode is the rows from the one whose
 * state left OK to the row that raised the event (for the return to OK or a transient, the
 * whole episode); each feature's z is its signed value of largest |z| over those rows, as
 * vigil_monitor_last_z() gives it per row (direction-clipped, so an UP feature quotes >= 0).
 * Features whose z stayed 0 are not quoted.
 */
typedef struct vigil_event_explanation {
    vigil_alarm_event event;             /**< time, states, kind, onset (since when) */
    size_t channel;                      /**< 0 for a monitor; the channel for a machine */
    size_t count;                        /**< features quoted, 0..VIGIL_EXPLAIN_MAX (0 also for
                                              an event restored from a saved stream) */
    size_t feature[VIGIL_EXPLAIN_MAX];   /**< selected-feature indices, largest |z| first
                                              (vigil_monitor_feature_name()) */
    double z[VIGIL_EXPLAIN_MAX];         /**< their signed z in baseline scales */
} vigil_event_explanation;

/**
 * Pop the oldest event with its explanation (the same queue as vigil_monitor_next_event()).
 * The explanation is taken when the event is raised, inside vigil_monitor_score(), into a
 * fixed ring made at fit or load (no allocation per row); out->channel is 0.
 * @return 1, 0 (none) or VIGIL_EINVAL (NULL m or out).
 */
VIGIL_API int vigil_monitor_next_event_explained(vigil_monitor *m, vigil_event_explanation *out);
/**
 * Write an explanation as text a planner reads: up to VIGIL_EXPLAIN_MAX pairs "NAME +6.2"
 * separated by ", " ("-" when none is quoted), names from m. Never writes more than cap bytes
 * (NUL included); a cut text ends at a whole pair. Any thread that owns m.
 * @return the length written (excluding the NUL), or VIGIL_EINVAL (NULL, cap 0, or a feature
 *         index out of range).
 */
VIGIL_API int vigil_monitor_format_explanation(const vigil_monitor *m,
                                               const vigil_event_explanation *e, char *buf,
                                               size_t cap);
/** @return the onset time of the current episode (WARN or ALARM; seconds), NaN when OK. */
VIGIL_API double vigil_monitor_onset(const vigil_monitor *m);
/** @return the threshold mode (a vigil_threshold_mode), -1 for NULL. */
VIGIL_API int vigil_monitor_threshold_mode(const vigil_monitor *m);
/** @return the exceedance rate per healthy frame the calibration states, 1 - quantile (0.005
 *  by default): the share of unseen healthy frames expected above the threshold, and the
 *  onset test's p0 (docs/MODELS.md, "Calibration"); NaN for NULL. Any thread that owns m. */
VIGIL_API double vigil_monitor_stated_rate(const vigil_monitor *m);
/** @return transient episodes (bursts that cleared by themselves) since fit/reset. */
VIGIL_API size_t vigil_monitor_transients(const vigil_monitor *m);
/** @return gaps in time seen since fit/reset (0 for NULL). */
VIGIL_API size_t vigil_monitor_gaps(const vigil_monitor *m);
/** @return counter `which` (a vigil_counter) since fit, load or reset; 0 for NULL or an
 *  unknown counter. Same thread rule as the other getters. */
VIGIL_API size_t vigil_monitor_counter(const vigil_monitor *m, int which);
/** @return the name of a counter ("scored", "segments", "gaps", "steps_back", "repeats",
 *  "duplicates", "rejected"; static storage), NULL for an unknown one. Any thread. */
VIGIL_API const char *vigil_counter_name(int which);
/** Clear the stream state (counters included); keeps the trained model.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_monitor_reset(vigil_monitor *m);

/**
 * Size in bytes of the saved form of a fitted monitor.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (not fitted), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_save_size(const vigil_monitor *m, size_t *size);
/**
 * Save a fitted monitor (configuration, baselines, thresholds, detector state, and the
 * pipeline specification it was made with, see vigil/pipeline.h; not the stream state, see
 * vigil_monitor_save_ex()) into a buffer: magic "VIGILMDL", format version 2, little-endian
 * fields, zlib-compressed payload, CRC-32 of header and payload.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE, VIGIL_ESPACE (cap too small: see save_size),
 *         VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_save(const vigil_monitor *m, void *buf, size_t cap, size_t *written);
/**
 * Load a monitor saved by vigil_monitor_save() (format 2, any host), or a format-1 file whose
 * note is one the hosts wrote (the `vigil` command's, the gateway's: the pipeline is rebuilt
 * from it; a note that is not a host's leaves a rows source). A format-1 host note that cannot
 * rebuild the model's columns, and truncated, corrupt, foreign or newer-version data, give
 * VIGIL_EFORMAT with the reason (never a crash).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EFORMAT, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_monitor_load(const void *buf, size_t len, vigil_monitor **out);
/** Save to a file: written to a new temporary file beside PATH ("PATH.tmp-" and 16 random hex
 *  digits, created exclusively: never an existing file or a planted symlink, never shared by
 *  concurrent saves), fsync'ed, renamed over PATH, then the folder fsync'ed; so a crash never
 *  leaves a half-written PATH and a failed save leaves the old PATH and no temporary file.
 *  Safe from several threads or processes on one PATH (the last rename wins).
 *  @return as save, plus VIGIL_EIO (message names the file). */
VIGIL_API int vigil_monitor_save_file(const vigil_monitor *m, const char *path);
/** Load from a file. @return as vigil_monitor_load(), plus VIGIL_EIO. */
VIGIL_API int vigil_monitor_load_file(const char *path, vigil_monitor **out);

/* ---- saving with the stream state (issue 14) ---------------------------------------------- */

/** @return the name of input column i (owned by the monitor), NULL if out of range or NULL m. */
VIGIL_API const char *vigil_monitor_column_name(const vigil_monitor *m, size_t i);

/** vigil_monitor_save_ex() flag: add the stream-state section, so that a host that restarts
 *  resumes where it stopped: the alarm's window, state, onset test and pending events with their
 *  explanations, gap bookkeeping and time-quirk counters, the previous row (duplicates), a
 *  re-reference in progress with its rows, the z-score smoothing, the last score. A monitor
 *  loaded from it scores the following rows exactly (bit for bit) as the one that saved it.
 *  Only the drift trackers (vigil_monitor_drift(), reporting only) start afresh: their rings
 *  of up to 4096 points per feature would make every saved stream megabytes. */
#define VIGIL_SAVE_STREAM 1

/** As vigil_monitor_save_size() with flags (0 or VIGIL_SAVE_STREAM).
 *  @return as vigil_monitor_save_size(), VIGIL_EINVAL for unknown flags. */
VIGIL_API int vigil_monitor_save_size_ex(const vigil_monitor *m, int flags, size_t *size);
/**
 * As vigil_monitor_save() with flags. The saved form is format 2: a list of sections (the
 * trained model, its pipeline specification as text, the rows learnt, optionally the stream
 * state, and the prognoser when one is attached; docs/ARCHITECTURE.md "The model file").
 * vigil_monitor_load() restores the stream state when present.
 * The model id (vigil_monitor_model_id()) does not depend on the stream state.
 * @return as vigil_monitor_save(), VIGIL_EINVAL for unknown flags.
 */
VIGIL_API int vigil_monitor_save_ex(const vigil_monitor *m, int flags, void *buf, size_t cap,
                                    size_t *written);
/** As vigil_monitor_save_file() with flags. @return as vigil_monitor_save_file(). */
VIGIL_API int vigil_monitor_save_file_ex(const vigil_monitor *m, const char *path, int flags);

VIGIL_END_DECLS

#endif /* VIGIL_MONITOR_H */
