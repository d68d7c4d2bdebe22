/**
 * @file vigil/diagnose.h
 * @brief Per-recording diagnosis of a rotating machine: which fault (outer race, inner race,
 *        ball, cage, imbalance, none, or inconclusive), how severe (ISO zone), how sure,
 *        and on what evidence.
 *
 * A `vigil_diagnosis` is an averaging stage on an extractor's framer (vigil/extractor.h: the
 * same validation, float push, Hann window and FFT; frame N, hop N/2 unless set): it takes each
 * frame's envelope spectrum (vigil/envelope.h), amplitude spectrum and velocity RMS
 * (vigil/severity.h), and averages them over the recording. vigil_diagnosis_decide() takes the
 * shaft rate (when not given) and the shaft orders (vigil/orders.h) from the mean amplitude
 * spectrum, then measures the defect lines of the averaged envelope spectrum and applies the
 * rules of docs/DIAGNOSTICS.md. In short, with prominence = line amplitude / median of the
 * neighbouring bins and T = VIGIL_DIAG_PROMINENCE:
 *
 *  1. the primary bearing lines are BPFO (outer race), BPFI (inner race), 2 x BSF (ball: a ball
 *     defect strikes both races once per spin turn) and FTF (cage); each has supporting lines
 *     (harmonics, sidebands: vigil_diagnosis_evidence()). A fault is named when its primary
 *     line reaches T (raised when few frames are averaged), at least one support (two for
 *     the cage) stands above its noise threshold, the line is not a member of a shaft-harmonic
 *     family present in the spectrum, no second fault qualifies with half its strength, and
 *     the shaft rate is given or found on its own by a majority of the frames;
 *  2. otherwise `inconclusive` when some primary line stands above its noise threshold (the
 *     strongest candidate and its strength are reported);
 *  3. otherwise, with severity configured, `imbalance` when the zone is C or D and the 1x line
 *     carries at least half of the velocity power;
 *  4. otherwise `normal`.
 * The strongest envelope line that is no bearing line, and the largest line of the amplitude
 * spectrum, are reported and classified (shaft harmonic, mains, other) but never name a fault.
 *
 * Averaging envelope spectra over frames (rather than features) lowers the floor's variance,
 * which is what makes a fixed prominence threshold meaningful across recordings.
 *
 * Hot path: vigil_diagnosis_push() never allocates; everything is allocated by create and the
 * setters. Thread rules: one diagnosis per thread at a time; distinct ones may run in parallel.
 */
#ifndef VIGIL_DIAGNOSE_H
#define VIGIL_DIAGNOSE_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Fault labels. */
enum vigil_fault {
    VIGIL_FAULT_NORMAL = 0,
    VIGIL_FAULT_OUTER_RACE = 1,
    VIGIL_FAULT_INNER_RACE = 2,
    VIGIL_FAULT_BALL = 3,
    VIGIL_FAULT_CAGE = 4,
    VIGIL_FAULT_IMBALANCE = 5,
    VIGIL_FAULT_INCONCLUSIVE = 6 /**< a bearing line stands above the noise but the evidence
                                      does not name a part (VIGIL_DIAG_CANDIDATE says which
                                      part it points to, VIGIL_DIAG_STRENGTH how strongly) */
};
/** Number of fault labels. */
#define VIGIL_FAULT_COUNT 7

/** Prominence (line / local floor) a defect line needs to name a bearing fault: 3 (9.5 dB), or
 *  more when so few frames are averaged that Gaussian noise alone would reach 3 with a
 *  probability above VIGIL_DIAG_FALSE_ALARM / 4 (docs/DIAGNOSTICS.md, "Noise threshold"). */
#define VIGIL_DIAG_PROMINENCE 3.0
/** Family-wise false-alarm probability of the noise threshold (over the 4 faults tested). */
#define VIGIL_DIAG_FALSE_ALARM 0.01
/** False-alarm probability of each supporting line's threshold (harmonics, sidebands): the larger
 *  of the Gaussian-noise level and the same quantile of the record's own decoy lines. */
#define VIGIL_DIAG_SUPPORT_FALSE_ALARM 0.01
/** Supporting lines the cage needs (of 2xFTF, 3xFTF, 4xFTF; the other faults need 1): FTF is
 *  also the rate at which a rolling-element defect is carried through the load zone, which
 *  gives an FTF line with few harmonics, while an impacting cage repeats once per cage turn and
 *  gives the whole comb (docs/DIAGNOSTICS.md, "Evidence-based decision"). */
#define VIGIL_DIAG_CAGE_SUPPORT 2
/** A second named fault whose strength is at least this share of the first's makes the
 *  verdict inconclusive (two parts at once, or one line family read two ways). */
#define VIGIL_DIAG_RIVAL_SHARE 0.5
/** An estimated shaft rate names a fault only when more than this share of the frames find
 *  it on their own (within 2 %): a majority. Otherwise the verdict is at most inconclusive. */
#define VIGIL_DIAG_SHAFT_MAJORITY 0.5
/** Largest number of evidence lines of one fault (primary + supports). */
#define VIGIL_DIAG_EVIDENCE_MAX 5

/** What a line that is not a bearing line is (VIGIL_DIAG_OTHER_KIND, VIGIL_DIAG_SPECTRUM_KIND). */
enum vigil_line_kind {
    VIGIL_LINE_NONE = 0,    /**< no line stands out */
    VIGIL_LINE_SHAFT = 1,   /**< a shaft harmonic k x fr (within 1 %, at least 1 bin) */
    VIGIL_LINE_MAINS = 2,   /**< a multiple of 50 or 60 Hz (within 0.5 %, at least 1 bin) */
    VIGIL_LINE_OTHER = 3    /**< neither: gear mesh, a resonance, another machine, ... */
};

/** Scalars reported by vigil_diagnosis_value(). */
enum vigil_diag_value {
    VIGIL_DIAG_FRAMES = 0,        /**< frames averaged */
    VIGIL_DIAG_SHAFT_HZ = 1,      /**< shaft rate used (given, or estimated from the mean
                                       amplitude spectrum) */
    VIGIL_DIAG_VELOCITY_RMS = 2,  /**< velocity RMS 10-1000 Hz over the recording, mm/s (0 if
                                       severity is not configured) */
    VIGIL_DIAG_ISO_ZONE = 3,      /**< 1..4 (A..D), 0 if severity is not configured */
    VIGIL_DIAG_ORDER_1X = 4,      /**< 1x amplitude of the mean amplitude spectrum (FEATURES.md
                                       A[k], largest within +-max(1 %, 1 bin)), input units
                                       (peak) */
    VIGIL_DIAG_ORDER_2X = 5,
    VIGIL_DIAG_ORDER_3X = 6,
    VIGIL_DIAG_ORDER_1X_VELOCITY = 7, /**< the 1x line as velocity RMS, mm/s (0 without severity) */
    VIGIL_DIAG_BAND_LO = 8,       /**< demodulation band of the last frame, Hz */
    VIGIL_DIAG_BAND_HI = 9,
    VIGIL_DIAG_CONFIDENCE = 10,   /**< 0..1: share of the verdict's evidence lines above their
                                       noise thresholds (normal: share of the 4 primary lines
                                       below theirs); docs/DIAGNOSTICS.md */
    VIGIL_DIAG_CANDIDATE = 11,    /**< the bearing fault the strongest evidence points to
                                       (enum vigil_fault), 0 when no primary line is above noise */
    VIGIL_DIAG_STRENGTH = 12,     /**< that fault's primary prominence / the prominence needed to
                                       name it (>= 1 when it could be named) */
    VIGIL_DIAG_SUPPORT = 13,      /**< supporting lines (harmonics, sidebands) of the candidate
                                       above their noise thresholds */
    VIGIL_DIAG_SHAFT_CONFIDENCE = 14, /**< share of frames whose own shaft estimate is within
                                       2 % of the rate used (1 when the rate was given) */
    VIGIL_DIAG_SHAFT_ALT = 15,    /**< the best other candidate for 1x among 0.5, 2, 3 x the rate
                                       used (as that multiple; 0 when the rate was given) */
    VIGIL_DIAG_SHAFT_ALT_SHARE = 16, /**< share of frames voting for it */
    VIGIL_DIAG_OTHER_HZ = 17,     /**< strongest envelope line outside every bearing line's
                                       window, Hz (0: none above the noise threshold) */
    VIGIL_DIAG_OTHER_PROM = 18,   /**< its prominence */
    VIGIL_DIAG_OTHER_KIND = 19,   /**< enum vigil_line_kind */
    VIGIL_DIAG_SPECTRUM_HZ = 20,  /**< largest line of the mean amplitude spectrum that stands
                                       >= 3x above its neighbours, Hz (0: none) */
    VIGIL_DIAG_SPECTRUM_PROM = 21,/**< its ratio to the median of its neighbours */
    VIGIL_DIAG_SPECTRUM_KIND = 22 /**< enum vigil_line_kind */
};
/** Number of values of enum vigil_diag_value. */
#define VIGIL_DIAG_VALUE_COUNT 23

/** Opaque per-recording diagnosis. */
typedef struct vigil_diagnosis vigil_diagnosis;

/**
 * Short name of a fault label: "normal", "outer_race", "inner_race", "ball", "cage",
 * "imbalance", "inconclusive". @return a static string, NULL for an unknown label.
 */
VIGIL_API const char *vigil_fault_name(int fault);

/** Smallest frame a diagnosis accepts: shorter frames cannot separate defect lines. */
#define VIGIL_DIAGNOSIS_FRAME_MIN 64

/**
 * Create a diagnosis.
 * @param rate  sample rate, Hz, finite, > 0.
 * @param frame frame length N, VIGIL_DIAGNOSIS_FRAME_MIN..VIGIL_FRAME_MAX (vigil/extractor.h);
 *              the envelope spectrum's resolution is rate/N (aim for <= 1 Hz: N >= rate).
 * @param out   receives the object (free with vigil_diagnosis_destroy()); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ENOMEM. Defaults: no bearing (required before pushing),
 *         shaft rate estimated, demodulation band the whole spectrum, no severity.
 */
VIGIL_API int vigil_diagnosis_create(double rate, size_t frame, vigil_diagnosis **out);

/** Free a diagnosis. NULL is a no-op. */
VIGIL_API void vigil_diagnosis_destroy(vigil_diagnosis *d);

/** Hop between frames, 1..N samples (default N/2), as vigil_extractor_set_hop(). The noise
 *  threshold counts M frames at hop h as 1 + (M - 1) h / N independent ones.
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (samples pushed since create/reset). */
VIGIL_API int vigil_diagnosis_set_hop(vigil_diagnosis *d, size_t hop);

/** Bearing geometry, as vigil_bearing_frequencies(). @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE
 *  (samples pushed since create/reset). */
VIGIL_API int vigil_diagnosis_set_bearing(vigil_diagnosis *d, double balls, double ball_d,
                                          double pitch, double angle_deg);

/** Shaft rate in Hz (0 < f < rate/2), or 0 (the default) to estimate it from the recording's
 *  mean amplitude spectrum, by the rule of vigil_extractor_set_shaft_hz() (vigil/bearing.h).
 *  @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_diagnosis_set_shaft_hz(vigil_diagnosis *d, double shaft_hz);

/** Range of the shaft-rate estimate, as vigil_extractor_set_shaft_range(): 0 < lo < hi < rate/2,
 *  or 0, 0 for VIGIL_SHAFT_MIN_HZ..VIGIL_SHAFT_MAX_HZ (the default). Unused when the shaft rate
 *  is given. @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE. */
VIGIL_API int vigil_diagnosis_set_shaft_range(vigil_diagnosis *d, double lo_hz, double hi_hz);

/**
 * Demodulation band, as vigil_extractor_enable_envelope(): lo <= f < hi with at least 2 bins,
 * or 0,0 for the per-frame spectral-kurtosis choice. The default is the whole spectrum
 * (1 bin .. rate/2), which with prewhitening needs no band choice (docs/DIAGNOSTICS.md).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_diagnosis_set_band(vigil_diagnosis *d, double lo_hz, double hi_hz);

/**
 * Enable severity (velocity RMS, ISO zone) and the imbalance rule.
 * @param units an enum vigil_units value (vigil/severity.h); machine_class an enum
 *        vigil_machine_class value.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE.
 */
VIGIL_API int vigil_diagnosis_set_severity(vigil_diagnosis *d, int units, int machine_class);

/**
 * Push samples of the recording (any chunking gives the same result).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL d, NULL x with n > 0), VIGIL_ESTATE (no bearing set),
 *         VIGIL_ENONFINITE (a NaN/inf sample: the chunk is rejected whole, state unchanged).
 */
VIGIL_API int vigil_diagnosis_push(vigil_diagnosis *d, const double *x, size_t n);

/** vigil_diagnosis_push() for float samples (converted to double exactly; same validation). */
VIGIL_API int vigil_diagnosis_push_f32(vigil_diagnosis *d, const float *x, size_t n);

/**
 * The averaged envelope spectrum of the frames pushed so far (what the decision measures lines
 * in; needs no decision): amp[k] = mean over frames of the frame's envelope amplitude spectrum
 * (docs/DIAGNOSTICS.md; unitless with the default prewhitening) at frequency k * df_hz,
 * k = 0 .. N/2.
 * @param amp     receives N/2 + 1 values; may be NULL only with cap 0 (a size query).
 * @param cap     capacity of amp in values.
 * @param written optional: values written, or the count needed when cap is too small.
 * @param df_hz   optional: bin spacing rate / N, Hz.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL d, NULL amp with cap > 0), VIGIL_ENODATA (no complete
 *         frame yet), VIGIL_ESPACE (cap < N/2 + 1; *written = N/2 + 1, nothing else written
 *         but *df_hz). Reads only: may run alongside nothing that pushes to or resets d.
 */
VIGIL_API int vigil_diagnosis_envelope_spectrum(const vigil_diagnosis *d, double *amp, size_t cap,
                                                size_t *written, double *df_hz);

/**
 * Decide from the frames pushed so far (may be called repeatedly; pushing more refines it).
 * @return the fault label (>= 0, enum vigil_fault), or VIGIL_EINVAL, VIGIL_ENODATA (no complete
 *         frame yet).
 */
VIGIL_API int vigil_diagnosis_decide(vigil_diagnosis *d);

/**
 * One line of the decision's averaged envelope spectrum (valid after vigil_diagnosis_decide()).
 * @param defect an enum vigil_defect value (vigil/bearing.h); harmonic 1..3.
 * @param freq,amp,prom optional outputs: expected line frequency h x defect frequency (Hz), the
 *        envelope amplitude found (unitless, prewhitened) and its prominence (amp / floor).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (no decision yet).
 */
VIGIL_API int vigil_diagnosis_line(const vigil_diagnosis *d, int defect, int harmonic,
                                   double *freq, double *amp, double *prom);

/**
 * One evidence line of a bearing fault, as measured at the last decision. Index 0 is the
 * primary line (BPFO, BPFI, 2xBSF, FTF), the next ones its supports: outer race 2xBPFO,
 * 3xBPFO; inner race 2xBPFI, 3xBPFI, BPFI-1x, BPFI+1x (shaft-rate sidebands: the defect turns
 * with the shaft through the load zone); ball 4xBSF, 2xBSF-FTF, 2xBSF+FTF (cage-rate
 * sidebands); cage 2xFTF, 3xFTF, 4xFTF.
 * @param fault VIGIL_FAULT_OUTER_RACE .. VIGIL_FAULT_CAGE; index 0 .. VIGIL_DIAG_EVIDENCE_MAX-1.
 * @param freq,prom,threshold,name optional outputs: expected frequency (Hz), prominence, the
 *        threshold it is held to (primary: the prominence needed to name the fault; supports:
 *        the larger of their noise threshold and the record's decoy quantile), a static name
 *        such as "BPFI+1x".
 *        The cage's supports are 2xFTF, 3xFTF, 4xFTF.
 * @return the number of evidence lines of that fault (> 0: 3 outer race, 5 inner race, 4 ball,
 *         4 cage), or VIGIL_ENOTFOUND (index past the fault's last line), VIGIL_EINVAL,
 *         VIGIL_ESTATE (no decision yet).
 */
VIGIL_API int vigil_diagnosis_evidence(const vigil_diagnosis *d, int fault, size_t index,
                                       double *freq, double *prom, double *threshold,
                                       const char **name);

/** Short name of an enum vigil_line_kind: "none", "shaft", "mains", "other"; NULL if unknown. */
VIGIL_API const char *vigil_line_kind_name(int kind);

/** A scalar of the last decision (enum vigil_diag_value); 0 for NULL, an unknown key, or before
 *  the first decision. */
VIGIL_API double vigil_diagnosis_value(const vigil_diagnosis *d, int key);

/**
 * Why the last decision was made, in one English sentence group naming the deciding line(s),
 * their prominences and the severity, e.g. "outer_race: BPFO 107.4 Hz line 16.4x its local
 * floor (threshold 3) ...". @return a string owned by d, valid until the next decide, reset or
 * destroy; "" before the first decision; never NULL for non-NULL d.
 */
VIGIL_API const char *vigil_diagnosis_reason(const vigil_diagnosis *d);

/** Forget all pushed samples and the decision; keep configuration and memory.
 *  @return VIGIL_OK or VIGIL_EINVAL. */
VIGIL_API int vigil_diagnosis_reset(vigil_diagnosis *d);

VIGIL_END_DECLS

#endif /* VIGIL_DIAGNOSE_H */
