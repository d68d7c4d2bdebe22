/**
 * @file vigil/alarm.h
 * @brief Alarm state machine: ok / warn / alarm with persistence and hysteresis, and the health
 *        index.
 *
 * Each frame gives a score and a threshold. The machine keeps the last `n` frames and counts
 * how many exceed the threshold (`hi`) and how many exceed `clear_ratio * threshold` (`lo`):
 *  - any state -> ALARM when hi >= k (default 3 of the last n = 5);
 *  - OK -> WARN when hi >= k_warn (default 2), below the alarm rule;
 *  - WARN -> OK and ALARM -> OK when lo == 0 (no frame of the last n above clear_ratio, default
 *    0.8, times the threshold): leaving needs a whole clean window, not just one quiet frame;
 *  - ALARM -> WARN never happens directly: an alarm stays until the window is clean.
 * A single score above the threshold therefore never raises anything on its own, and a score
 * hovering at the threshold does not make the state flip every frame.
 *
 * That is the k-of-n rule (VIGIL_ALARM_KOFN, the default of a bare vigil_alarm). The onset
 * test (VIGIL_ALARM_CUSUM, the monitor's default; vigil_alarm_set_rule()) is a Bernoulli CUSUM
 * of the exceedances "score > threshold": each frame adds log(p1/p0) when it exceeds and
 * log((1-p1)/(1-p0)) when not (p0: the healthy exceedance rate, 1 - the calibration quantile;
 * p1 = 0.5: a degraded machine exceeds half the time), the sum held in [0, 2h] with
 * h = ln(false-alarm period in frames) (default 1e5: by Lorden's bound a healthy stream with
 * exceedance rate p0 reaches h less than once per 1e5 frames on average):
 *  - OK -> WARN when the sum reaches h: an episode opens; its onset is the first exceedance
 *    since the sum was last 0 (the test's estimate of the change point);
 *  - WARN -> ALARM when the sum has stayed >= h for longer than a burst that stopped could keep
 *    it there ((2h - h) / |log((1-p1)/(1-p0))| frames: 17 with the defaults) plus `confirm`
 *    frames (default 5) and `confirm_s` seconds (default 0; vigil_alarm_set_confirm()): the
 *    exceedances went on, so it is not a burst;
 *  - WARN -> OK when the sum falls below h first: a transient (an impact, a run-in burst),
 *    reported as an event of kind VIGIL_EVENT_TRANSIENT, never as an alarm;
 *  - ALARM -> OK when the sum is back to 0 (about 2h / |log((1-p1)/(1-p0))| = 34 frames without
 *    exceedance with the defaults) and has stayed at 0 for as long as an episode must hold to
 *    become an alarm (more than 17 + `confirm` frames and `confirm_s` seconds; an exceedance
 *    restarts the count): a degradation alarm does not chatter, and an alarm clears on as much
 *    evidence as it was raised on.
 * An exceedance rate below about 13 % (defaults) drifts the sum down, so a threshold that is
 * even 10 times too low on unseen healthy data still gives no lasting alarm.
 *
 * Every change of state is queued as an event (time, from, to, kind, onset); the queue holds
 * the last 256 events (older ones are dropped and counted).
 *
 * Hot path: vigil_alarm_update() never allocates. Thread rules: one object per thread at a time
 * (the getters included); distinct objects may be used in parallel; vigil_health() is a pure
 * function, safe from any thread.
 */
#ifndef VIGIL_ALARM_H
#define VIGIL_ALARM_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** States. */
enum vigil_state {
    VIGIL_STATE_OK = 0,    /**< healthy */
    VIGIL_STATE_WARN = 1,  /**< repeated exceedances, not yet persistent */
    VIGIL_STATE_ALARM = 2  /**< persistent exceedance: act */
};

/** Alarm rules. */
enum vigil_alarm_rule {
    VIGIL_ALARM_KOFN = 0,  /**< k of the last n frames above the threshold (file comment) */
    VIGIL_ALARM_CUSUM = 1  /**< onset test: Bernoulli CUSUM of the exceedances */
};

/** Event kinds. */
enum vigil_event_kind {
    VIGIL_EVENT_CHANGE = 0,    /**< a change of state */
    VIGIL_EVENT_TRANSIENT = 1  /**< WARN -> OK of an episode that cleared by itself (CUSUM) */
};

/** One queued event (vigil_alarm_next_event_ex()). */
typedef struct vigil_alarm_event {
    double t;      /**< time of the change (seconds) */
    double onset;  /**< onset of the episode the change belongs to (seconds; NaN if none) */
    int from, to;  /**< states */
    int kind;      /**< a vigil_event_kind */
} vigil_alarm_event;

/** Largest persistence window. */
#define VIGIL_ALARM_WINDOW_MAX 64

/** Opaque alarm state machine. */
typedef struct vigil_alarm vigil_alarm;

/** Create with the defaults (k = 3, n = 5, k_warn = 2, clear_ratio = 0.8).
 *  @return VIGIL_OK, VIGIL_EINVAL (NULL out), VIGIL_ENOMEM. */
VIGIL_API int vigil_alarm_create(vigil_alarm **out);
/** Free. NULL is a no-op. */
VIGIL_API void vigil_alarm_destroy(vigil_alarm *a);
/** Back to OK with an empty window and no events. @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_alarm_reset(vigil_alarm *a);
/** Forget the window only (state and events kept), e.g. after a gap in time.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_alarm_clear_window(vigil_alarm *a);
/**
 * Persistence: alarm when at least k of the last n frames exceed the threshold.
 * @param k 1..n. @param n 1..VIGIL_ALARM_WINDOW_MAX. Resets the window.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_set_persistence(vigil_alarm *a, size_t k, size_t n);
/**
 * Warning level and hysteresis.
 * @param k_warn 1..k (k_warn == k disables WARN).
 * @param clear_ratio 0 < r <= 1: the fraction of the threshold all of the last n frames must
 *        stay below to return to OK.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_set_hysteresis(vigil_alarm *a, size_t k_warn, double clear_ratio);
/**
 * Feed one frame.
 * @param score     anomaly score (>= 0 by convention; NaN is rejected).
 * @param threshold > 0, finite.
 * @param t         time of the frame in seconds (recorded in events).
 * @return the new state (VIGIL_STATE_*) or VIGIL_EINVAL / VIGIL_ENONFINITE (state unchanged).
 */
VIGIL_API int vigil_alarm_update(vigil_alarm *a, double score, double threshold, double t);
/** @return the current state (VIGIL_STATE_OK for NULL). */
VIGIL_API int vigil_alarm_state(const vigil_alarm *a);
/** @return the number of queued events (0 for NULL). */
VIGIL_API size_t vigil_alarm_event_count(const vigil_alarm *a);
/**
 * Pop the oldest queued event.
 * @param t receives its time (seconds); @param from, to receive the states. All non-NULL.
 * @return 1 if an event was popped, 0 if none, VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_next_event(vigil_alarm *a, double *t, int *from, int *to);
/**
 * Pop the oldest queued event with its kind and onset (the same queue as
 * vigil_alarm_next_event()). @return 1, 0 (none) or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_next_event_ex(vigil_alarm *a, vigil_alarm_event *out);
/** Choose the rule (a vigil_alarm_rule); clears the window and the CUSUM sum.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_alarm_set_rule(vigil_alarm *a, int rule);
/** @return the rule (VIGIL_ALARM_*), VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_alarm_rule(const vigil_alarm *a);
/**
 * Parameters of the CUSUM rule.
 * @param p0 exceedance rate of a healthy stream (0 < p0 < p1; the monitor uses 1 - quantile).
 * @param p1 exceedance rate of a degraded one (p1 < 1; default 0.5).
 * @param false_alarm_frames in-control period of the test in frames, 2..1e15 (default 1e5):
 *        h = ln(false_alarm_frames).
 * Clears the sum. @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_set_cusum(vigil_alarm *a, double p0, double p1,
                                    double false_alarm_frames);
/**
 * Persistence of the CUSUM rule in frames and in time: an episode becomes ALARM only after the
 * burst decay plus `frames` frames with the sum >= h, and at least `seconds` after it opened
 * (e.g. 1800 for "above threshold for 30 min" on snapshots 10 s or 10 min apart).
 * @param frames 0..1000000 (default 5). @param seconds finite, >= 0 (default 0).
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_set_confirm(vigil_alarm *a, size_t frames, double seconds);
/**
 * Weight of one frame's evidence in the CUSUM rule: both log-likelihood ratios are multiplied
 * by `weight`, so that frames sharing samples are not counted as independent observations (one
 * impulse seen by 8 frames at hop = frame / 8 is one observation, not 8). The burst decay
 * (vigil_alarm_confirm_frames()) grows by 1 / weight: the same evidence, in more frames.
 * The monitor sets it from the framing (vigil_monitor_set_overlap()).
 * @param weight 0.001..1 (default 1: independent frames). Clears the sum.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_alarm_set_evidence_weight(vigil_alarm *a, double weight);
/** @return the evidence weight (1 by default; NaN for NULL). */
VIGIL_API double vigil_alarm_evidence_weight(const vigil_alarm *a);
/** @return the frames an episode must hold before ALARM (burst decay + confirm; 0 for NULL). */
VIGIL_API size_t vigil_alarm_confirm_frames(const vigil_alarm *a);
/** @return the onset time of the current episode (WARN or ALARM), NaN when OK or NULL. */
VIGIL_API double vigil_alarm_onset(const vigil_alarm *a);
/** @return transient episodes since reset (0 for NULL). */
VIGIL_API size_t vigil_alarm_transients(const vigil_alarm *a);
/** @return events dropped because the queue was full (0 for NULL). */
VIGIL_API size_t vigil_alarm_events_dropped(const vigil_alarm *a);

/**
 * Health index in [0, 1] of a score against a threshold: 1 / (1 + (score/threshold)^4).
 * 1 at score 0, 0.94 at half the threshold, 0.5 at the threshold, 0.06 at twice it.
 * @return the index; 0 for NaN score or threshold <= 0; 1 for score <= 0.
 */
VIGIL_API double vigil_health(double score, double threshold);

VIGIL_END_DECLS

#endif /* VIGIL_ALARM_H */
