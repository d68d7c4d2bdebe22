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
 * Every change of state is queued as an event (time, from, to); the queue holds the last 256
 * events (older ones are dropped and counted).
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
