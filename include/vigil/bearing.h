/**
 * @file vigil/bearing.h
 * @brief Rolling-element bearing geometry: defect frequencies, the "n=9,d=..,D=..,angle=.."
 *        option syntax, and the machine facts an extractor's diagnostic groups use.
 *
 * Defect frequencies follow FEATURES.md ("Bearing defect frequencies"); for shaft rate fr,
 * n rolling elements, element diameter d, pitch diameter D and contact angle phi:
 *
 *     FTF  = fr/2 (1 - d/D cos phi)          cage (fundamental train)
 *     BPFO = n fr/2 (1 - d/D cos phi)        ball pass, outer race
 *     BPFI = n fr/2 (1 + d/D cos phi)        ball pass, inner race
 *     BSF  = D fr/(2 d) (1 - (d/D cos phi)^2) ball spin (a ball defect strikes both races, so
 *                                            its envelope line is usually at 2 BSF)
 *
 * d and D only enter as their ratio: any length unit works if both use it.
 *
 * Thread rules: the functions without an extractor argument are safe from any thread. The
 * extractor setters follow vigil/extractor.h (one extractor per thread at a time).
 */
#ifndef VIGIL_BEARING_H
#define VIGIL_BEARING_H

#include "common.h"
#include "extractor.h"

VIGIL_BEGIN_DECLS

/** Index of each defect frequency in the arrays of this API. */
enum vigil_defect {
    VIGIL_DEFECT_FTF = 0,  /**< cage, fundamental train frequency */
    VIGIL_DEFECT_BPFO = 1, /**< ball pass frequency, outer race */
    VIGIL_DEFECT_BPFI = 2, /**< ball pass frequency, inner race */
    VIGIL_DEFECT_BSF = 3   /**< ball spin frequency */
};
/** Number of defect frequencies (the size of the output of vigil_bearing_frequencies()). */
#define VIGIL_DEFECT_COUNT 4

/**
 * Defect frequencies of a bearing at a shaft rate.
 *
 * @param balls      number of rolling elements, 1..1000 (a whole number).
 * @param d          rolling-element diameter, > 0, finite, at least 0.001 D (real bearings
 *                   have d/D of about 0.1-0.5; far below is a unit mistake).
 * @param pitch      pitch diameter D, > d, finite (same unit as d).
 * @param angle_deg  contact angle in degrees, 0 <= angle < 90.
 * @param shaft_hz   shaft rate in Hz, >= 0, finite (1 gives the frequencies as orders).
 * @param out        receives FTF, BPFO, BPFI, BSF in Hz (indices enum vigil_defect).
 * @param cap        capacity of out, >= VIGIL_DEFECT_COUNT.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL out or a value out of range, with a message; also a
 *         shaft rate so large that a frequency would overflow), VIGIL_ESPACE (cap too small);
 *         out is written only on VIGIL_OK.
 */
VIGIL_API int vigil_bearing_frequencies(double balls, double d, double pitch, double angle_deg,
                                        double shaft_hz, double *out, size_t cap);

/**
 * Short lower-case name of a defect index: "ftf", "bpfo", "bpfi", "bsf" (the suffix of the
 * feature columns env_ftf, ...).
 * @return a static string; NULL for an index out of range.
 */
VIGIL_API const char *vigil_defect_name(int defect);

/**
 * Parse a bearing description such as "n=9,d=0.3126,D=1.537,angle=0": comma-separated
 * key=value items in any order, keys `n` (rolling elements), `d` (element diameter), `D` (pitch
 * diameter) and optionally `angle` (contact angle in degrees, default 0). Keys are case
 * sensitive (d and D differ); spaces around items are allowed; each key at most once. The values
 * are validated as by vigil_bearing_frequencies().
 *
 * @return VIGIL_OK, VIGIL_EINVAL (NULL argument), VIGIL_EFORMAT (malformed text, unknown or
 *         repeated key, missing n/d/D, value out of range; detail in vigil_last_error()).
 *         Outputs are written only on success.
 */
VIGIL_API int vigil_parse_bearing(const char *s, double *balls, double *d, double *pitch,
                                  double *angle_deg);

/**
 * Give the extractor the geometry of the monitored bearing (needed by the envelope group,
 * vigil/envelope.h). May be called before or after the group is enabled.
 *
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, bad geometry as for vigil_bearing_frequencies()),
 *         VIGIL_ESTATE (samples pushed since create/reset).
 */
VIGIL_API int vigil_extractor_set_bearing(vigil_extractor *ex, double balls, double d,
                                          double pitch, double angle_deg);

/**
 * Set the shaft rate used by the envelope and shaft-order groups.
 *
 * @param shaft_hz shaft rate in Hz, finite, 0 < shaft_hz < rate/2; or 0 (the default): estimate
 *        it in each frame from the amplitude spectrum within the range of
 *        vigil_extractor_set_shaft_range() (docs/DIAGNOSTICS.md, "Shaft-rate estimate"): the
 *        largest line of the range, refined by parabolic interpolation, replaced by a line at
 *        1/3 or 1/2 of its frequency when one stands out there, again from that line (the
 *        largest line is often 2x or 3x, or a supply line). Give the rate (a tachometer, the nameplate rpm) or at least a range whenever
 *        you can: a frame without a clear 1x line gives a wrong estimate.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (samples pushed since create/reset).
 */
VIGIL_API int vigil_extractor_set_shaft_hz(vigil_extractor *ex, double shaft_hz);

/** Lowest shaft rate (Hz) the estimate considers by default (300 rpm). */
#define VIGIL_SHAFT_MIN_HZ 5.0
/** Highest shaft rate (Hz) the estimate considers by default (6000 rpm). */
#define VIGIL_SHAFT_MAX_HZ 100.0

/**
 * Limit the shaft-rate estimate (used when the shaft rate is 0) to lo_hz..hi_hz, e.g. the
 * nominal speed of an induction motor -5 % .. +1 % (slip), or a variable-speed drive's range.
 * Within a range that excludes 2x and 3x the estimate cannot mistake them for 1x. The estimate
 * always lies within the range.
 *
 * @param lo_hz,hi_hz finite, 0 < lo_hz < hi_hz < rate/2; or 0, 0: the default range
 *        VIGIL_SHAFT_MIN_HZ..VIGIL_SHAFT_MAX_HZ.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (samples pushed since create/reset).
 */
VIGIL_API int vigil_extractor_set_shaft_range(vigil_extractor *ex, double lo_hz, double hi_hz);

VIGIL_END_DECLS

#endif /* VIGIL_BEARING_H */
