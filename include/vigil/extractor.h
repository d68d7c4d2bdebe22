/**
 * @file vigil/extractor.h
 * @brief Streaming frame features: samples in, one feature row per complete frame out.
 *
 * A `vigil_extractor` cuts one channel's sample stream into frames of N samples every `hop`
 * samples and computes, for each complete frame, the feature row defined in FEATURES.md
 * (docs/FEATURES.md in this repository):
 *
 *     frame, t_start, mean, rms, std, peak, p2p, crest, kurtosis, skewness, shape, impulse,
 *     clearance, zcr, power, centroid, spread, flatness, entropy, peak_freq, peak_amp,
 *     band_LO_HI..., then optional groups (envelope, shaft orders, severity)
 *
 * The row includes `frame` (0-based frame index, an integer stored as double) and `t_start`
 * (seconds from the first sample since create or reset) so that a row is self-describing; use
 * vigil_extractor_feature_count() and vigil_extractor_feature_name() instead of hard-coding the
 * layout.
 *
 * Life cycle: create -> optional setters (hop, bands, queue, further groups) -> push / pop ...
 * -> reset (optional) -> destroy. Setters are only accepted before the first push (or after a
 * reset); afterwards they return VIGIL_ESTATE.
 *
 * Hot path: vigil_extractor_push(), vigil_extractor_push_f32() and vigil_extractor_pop() never
 * allocate memory, take locks, plan FFTs or do I/O. All memory is allocated and the FFTW plan made
 * by create and the setters. Memory per extractor is bounded:
 * about 8*(3N + 2(N/2+1) + Q*C) bytes plus FFTW's plan, where Q is the row-queue capacity and C
 * the feature count; vigil_extractor_memory() reports the exact figure.
 *
 * Value ranges: samples are accepted within +-VIGIL_SAMPLE_MAX and rates within
 * VIGIL_RATE_MIN..VIGIL_RATE_MAX Hz. Inside these ranges every feature, time and severity is
 * finite for every frame length and group (tests/test_ranges.c checks the corners). A push whose
 * chunk holds any NaN, infinity or sample beyond +-VIGIL_SAMPLE_MAX is rejected whole with
 * VIGIL_ENONFINITE; nothing of it is consumed and the stream state is unchanged, so the caller
 * may repair or drop the bad samples and push again. Features are never computed from NaN/inf.
 *
 * Determinism: pushing the same samples in any chunking gives bit-identical rows; reset gives
 * the same rows as a freshly created extractor with the same configuration. FFTW plans are made
 * with FFTW_ESTIMATE by default, so every extractor of the same frame length uses the same
 * algorithm in every process; vigil/planner.h offers FFTW_MEASURE with wisdom as an opt-in.
 *
 * Thread rules: one extractor must not be used by two threads at once; distinct extractors may
 * be used in parallel from any threads. Create and destroy may be called from any thread
 * concurrently: FFTW's planner (not thread-safe) runs under one internal lock.
 */
#ifndef VIGIL_EXTRACTOR_H
#define VIGIL_EXTRACTOR_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Smallest accepted frame length (low-rate streams, e.g. 12 hourly readings, use short frames). */
#define VIGIL_FRAME_MIN 4
/** Largest accepted frame length (2^20). */
#define VIGIL_FRAME_MAX 1048576
/** Largest accepted sample magnitude (any unit). Far above any sensor (a 32-bit ADC count is
 *  4.3e9, 1e6 g is a shock no accelerometer survives), and low enough that the fourth powers of
 *  a frame of VIGIL_FRAME_MAX samples and the spectra at VIGIL_RATE_MIN stay finite. */
#define VIGIL_SAMPLE_MAX 1e30
/** Smallest accepted sample rate, Hz (one sample in 11.6 days). */
#define VIGIL_RATE_MIN 1e-6
/** Largest accepted sample rate, Hz (1 GHz). */
#define VIGIL_RATE_MAX 1e9
/** Largest number of frequency bands per extractor. */
#define VIGIL_BANDS_MAX 64
/** Default capacity of the queue of computed rows waiting to be popped. */
#define VIGIL_QUEUE_DEFAULT 64

/** Opaque streaming feature extractor for one channel. */
typedef struct vigil_extractor vigil_extractor;

/**
 * Create an extractor.
 *
 * @param rate   sample rate in Hz, VIGIL_RATE_MIN..VIGIL_RATE_MAX.
 * @param frame  frame length N in samples, VIGIL_FRAME_MIN..VIGIL_FRAME_MAX (any N, not only
 *               powers of two; FFTW is fastest for N with small prime factors).
 * @param out    receives the new extractor (caller owns it; free with vigil_extractor_destroy()).
 *               Set to NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL out, bad rate or frame) or VIGIL_ENOMEM.
 *         Hop defaults to N, no bands, queue VIGIL_QUEUE_DEFAULT rows.
 */
VIGIL_API int vigil_extractor_create(double rate, size_t frame, vigil_extractor **out);

/**
 * Free an extractor and everything it owns. NULL is a no-op.
 */
VIGIL_API void vigil_extractor_destroy(vigil_extractor *ex);

/**
 * Set the hop (samples between the starts of consecutive frames).
 *
 * @param hop 1..N. hop < N gives overlapping frames (hop = N/2 is 50 % overlap).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL or hop out of range), VIGIL_ESTATE (samples pushed since
 *         create/reset).
 */
VIGIL_API int vigil_extractor_set_hop(vigil_extractor *ex, size_t hop);

/**
 * Append a frequency band; it adds one column `band_LO_HI` (LO and HI printed with C's "%g")
 * holding sum(PSD[k] * df) over bins k = 0..N/2 with LO <= k*rate/N < HI (DC included).
 *
 * @param lo,hi band edges in Hz, finite, 0 <= lo < hi. A band may extend past rate/2 (its
 *              upper part is then empty).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, bad edges, more than VIGIL_BANDS_MAX bands),
 *         VIGIL_ESTATE (samples pushed since create/reset), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_extractor_add_band(vigil_extractor *ex, double lo, double hi);

/**
 * Set the capacity of the queue of computed rows (rows are computed as frames complete during a
 * push and wait there until popped). Memory grows by 8 * capacity * feature_count bytes.
 *
 * @param rows 1..65536.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (samples pushed since create/reset), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_extractor_set_queue(vigil_extractor *ex, size_t rows);

/**
 * Push samples. Frames that complete are computed at once and their rows queued.
 *
 * With `consumed` non-NULL the call takes as many samples as fit (stopping when the row queue
 * is full) and stores how many it took in `*consumed`; pop rows and push the rest. With
 * `consumed` NULL the call takes all `n` samples or none: if they would complete more frames
 * than the queue has free places it returns VIGIL_EFULL and takes none.
 *
 * @param x  samples (any unit; accelerations are usually in g or m/s^2); may be NULL if n == 0.
 * @param n  number of samples; any size, including 0.
 * @param consumed  optional: receives the number of samples taken (0..n).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL ex, or NULL x with n > 0), VIGIL_ENONFINITE (a NaN,
 *         infinite or beyond +-VIGIL_SAMPLE_MAX sample among those that would be taken: none
 *         taken, state unchanged),
 *         VIGIL_EFULL (consumed NULL and not everything fits: none taken).
 */
VIGIL_API int vigil_extractor_push(vigil_extractor *ex, const double *x, size_t n,
                                   size_t *consumed);

/**
 * Same as vigil_extractor_push() for single-precision samples (ADC-style data). Samples are
 * widened to double; results equal pushing the widened values.
 */
VIGIL_API int vigil_extractor_push_f32(vigil_extractor *ex, const float *x, size_t n,
                                       size_t *consumed);

/**
 * Pop the oldest queued row.
 *
 * @param row  output, at least vigil_extractor_feature_count() doubles.
 * @param cap  number of doubles `row` can hold.
 * @param written optional: receives the number of doubles written (feature count, or 0).
 * @return 1 if a row was written, 0 if no row is ready, VIGIL_EINVAL (NULL ex/row),
 *         VIGIL_ESPACE (cap too small; the row stays queued).
 */
VIGIL_API int vigil_extractor_pop(vigil_extractor *ex, double *row, size_t cap, size_t *written);

/**
 * Pop as many of the oldest queued rows as fit, in order, one after the other (row-major): one
 * call instead of one per row, for bindings where a call costs more than a row (Python's ctypes:
 * about 2 us per call).
 *
 * @param rows output: room for cap doubles; rows land at rows + i * vigil_extractor_feature_count().
 * @param cap  number of doubles `rows` can hold; at most cap / feature count rows are popped.
 * @param written optional: receives the number of doubles written (rows popped times the feature
 *                count).
 * @return the number of rows popped (0 if none is ready), VIGIL_EINVAL (NULL ex/rows),
 *         VIGIL_ESPACE (a row is ready but cap is less than one row; nothing popped).
 *         Same thread rules as vigil_extractor_pop(); no allocation.
 */
VIGIL_API int vigil_extractor_pop_many(vigil_extractor *ex, double *rows, size_t cap,
                                       size_t *written);

/** @return number of rows waiting in the queue (0 for NULL). */
VIGIL_API size_t vigil_extractor_ready(const vigil_extractor *ex);

/**
 * Clear the stream: buffered samples, queued rows and the frame counter (the next frame is 0
 * again). Configuration and memory are kept; setters are allowed again.
 * @return VIGIL_OK or VIGIL_EINVAL (NULL).
 */
VIGIL_API int vigil_extractor_reset(vigil_extractor *ex);

/** @return number of columns of a row, including `frame` and `t_start` (0 for NULL). */
VIGIL_API size_t vigil_extractor_feature_count(const vigil_extractor *ex);

/**
 * Name of column i (e.g. "rms", "band_0_500").
 * @return a string owned by the extractor, valid until it is destroyed or reconfigured; NULL if
 *         ex is NULL or i >= feature count.
 */
VIGIL_API const char *vigil_extractor_feature_name(const vigil_extractor *ex, size_t i);

/**
 * Index of the column called `name`.
 * @return the index (>= 0), VIGIL_ENOTFOUND, or VIGIL_EINVAL (NULL arguments).
 */
VIGIL_API int vigil_extractor_feature_index(const vigil_extractor *ex, const char *name);

/** @return the sample rate in Hz (0 for NULL). */
VIGIL_API double vigil_extractor_rate(const vigil_extractor *ex);
/** @return the frame length N (0 for NULL). */
VIGIL_API size_t vigil_extractor_frame(const vigil_extractor *ex);
/** @return the hop (0 for NULL). */
VIGIL_API size_t vigil_extractor_hop(const vigil_extractor *ex);
/** @return the number of frames completed since create or reset (0 for NULL). */
VIGIL_API size_t vigil_extractor_frames_done(const vigil_extractor *ex);

/**
 * Bytes of heap memory owned by the extractor, including the FFT buffers (FFTW's internal plan
 * storage, a few KB, is not counted). Constant after configuration.
 * @return bytes, 0 for NULL.
 */
VIGIL_API size_t vigil_extractor_memory(const vigil_extractor *ex);

VIGIL_END_DECLS

#endif /* VIGIL_EXTRACTOR_H */
