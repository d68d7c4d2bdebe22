/**
 * @file vigil/machine.h
 * @brief A machine: several channels (bearings, sensors) monitored together, one call per row.
 *
 * A `vigil_machine` holds one vigil_monitor per channel, all with the same columns and
 * settings (the same specification), and takes rows of `channels` blocks of `width` values,
 * block g holding channel g's features in the column order (value j of channel g at index
 * g * width + j: a historian table's B1_rms, B1_kurtosis, B2_rms, B2_kurtosis, ...).
 *
 * Common mode (vigil/common_mode.h): each channel's features are referred to the median of
 * the same feature on the other channels before its monitor sees them (ratio for amplitudes,
 * difference for shape values, vigil_common_mode_kind_of() of the column name). A change that
 * moves every channel at once (a restart, a load or speed change) cancels; a fault in one
 * bearing does not. The default is ON with 3 or more channels and OFF with 2:
 *  - with 3 or more channels the reference of a faulty channel is made of the others, and a
 *    fault in one of them enters another channel's reference only as a fall of its ratio or
 *    difference, which the fault-direction clipping of the monitor ignores for UP features;
 *  - with 2 channels the "median of the others" is the other channel itself: each channel's
 *    row is the mirror of the other's (a/b and b/a), so a fault on either gives one the same
 *    evidence as the other (two-sided features) and a fault that both bearings share (wear of
 *    a shaft line, imbalance) disappears entirely. Two channels keep their absolute rows
 *    unless the host asks for common mode (vigil_machine_set_common_mode()) knowing this.
 *
 * Step rule (common mode on, the monitors' gap policy VIGIL_GAP_KEEP): after a gap or a clock
 * step every channel holds its state for the monitors' relearn rows (20), then, if the
 * channels' amplitudes stepped together (the shared step in log over 3 x its spread across
 * channels and 3 x the noise before the gap, docs/MODELS.md "A machine's channels"), each
 * channel's baseline medians move to those rows' (scales kept): the residue of a restart whose
 * step differs a little by channel. A step on one channel (a fault grown during the pause) is
 * kept. With VIGIL_GAP_REREF the monitors re-learn after every gap instead.
 *
 * Per row (vigil_machine_score()) every channel's monitor is scored: its state, score,
 * explanation, events, counters and drift trackers are those of vigil_machine_monitor(m, g),
 * which accepts every getter of vigil/monitor.h; the time-quirk policy applies per channel.
 *
 * Saved as one model file (format 2, a machine section holding the channel names, the common
 * mode setting and each channel's monitor with its specification and, with VIGIL_SAVE_STREAM,
 * its stream state and the rows the step rule holds around a gap, so that a machine loaded
 * from it scores on exactly as the one that saved it). A reader older than the machine section refuses the file ("unknown
 * section"); vigil_monitor_load() refuses it naming vigil_machine_load(); vigil_machine_load()
 * tells a single monitor's file apart (VIGIL_ENOTFOUND), which still loads with
 * vigil_monitor_load().
 *
 * Hot path: vigil_machine_score() never allocates (one scratch row made at creation). Thread
 * rules: one machine per thread at a time (its monitors included); distinct machines in
 * parallel; create, load and destroy from any thread.
 */
#ifndef VIGIL_MACHINE_H
#define VIGIL_MACHINE_H

#include "common.h"
#include "monitor.h"

VIGIL_BEGIN_DECLS

/** Largest number of channels of a machine (vigil_common_mode's limit). */
#define VIGIL_MACHINE_CHANNELS_MAX 64

/** Opaque machine. */
typedef struct vigil_machine vigil_machine;

/**
 * Create a machine whose channels each get a monitor made by vigil_monitor_create(names,
 * width, kind) (configure them through vigil_machine_monitor() before learning).
 * @param channels channel names (copied): nch of them, 1..VIGIL_MACHINE_CHANNELS_MAX, each
 *                 1..64 bytes of letters, digits, '_', '-', '.', distinct.
 * @param names    the columns of one channel (without channel prefix: "x_rms", not
 *                 "B1_x_rms"), width of them, as vigil_monitor_create() takes them.
 * @param kind     a vigil_detector_kind.
 * @param out      receives the machine (free with vigil_machine_destroy()); NULL on failure.
 * @return VIGIL_OK, VIGIL_EINVAL (message says which argument), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_machine_create(const char *const *channels, size_t nch,
                                   const char *const *names, size_t width, int kind,
                                   vigil_machine **out);
/**
 * Create a machine from monitors the host made (each with its specification and settings,
 * e.g. by vigil_pipeline_create_monitor()), with the same columns: either all unfitted with
 * nothing learnt (the machine learns and fits them), or all fitted (monitors trained apart on
 * their own channel's rows, as the gateway does: common mode is then off and stays off, so
 * that they keep seeing the rows they were trained on). On VIGIL_OK the machine owns them (the
 * array itself stays the caller's); on failure the caller still owns them.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, bad names, different columns), VIGIL_ESTATE (fitted and
 *         unfitted mixed, or rows learnt), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_machine_adopt(const char *const *channels, size_t nch,
                                  vigil_monitor **monitors, vigil_machine **out);
/** Free the machine and its monitors. NULL is a no-op. */
VIGIL_API void vigil_machine_destroy(vigil_machine *m);

/**
 * Turn common mode on (1) or off (0); see the file comment for the default. Before learning;
 * needs 2 or more channels to turn on.
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (rows already learnt).
 */
VIGIL_API int vigil_machine_set_common_mode(vigil_machine *m, int on);
/** @return 1 if common mode is on, 0 if off or NULL. */
VIGIL_API int vigil_machine_common_mode(const vigil_machine *m);

/** @return the number of channels (0 for NULL). */
VIGIL_API size_t vigil_machine_channel_count(const vigil_machine *m);
/** @return the name of channel g (owned by the machine), NULL if out of range. */
VIGIL_API const char *vigil_machine_channel_name(const vigil_machine *m, size_t g);
/** @return the index of the named channel, VIGIL_ENOTFOUND if none, VIGIL_EINVAL for NULL. */
VIGIL_API int vigil_machine_find_channel(const vigil_machine *m, const char *name);
/** @return values per channel in a row, the monitors' column count (0 for NULL). */
VIGIL_API size_t vigil_machine_width(const vigil_machine *m);
/**
 * The monitor of channel g (owned by the machine; valid until it is destroyed). Every
 * vigil/monitor.h setter and getter applies to it; do not destroy, learn, fit or score it
 * directly (the machine feeds it the common-mode row).
 * @return the monitor, NULL if out of range or NULL m.
 */
VIGIL_API vigil_monitor *vigil_machine_monitor(const vigil_machine *m, size_t g);

/**
 * Learn one healthy row for a condition (before fit).
 * @param row  channels x width values (layout in the file comment); with common mode every
 *             value must be finite and amplitudes (ratio features) > 0 on the other channels.
 * @param n    vigil_machine_channel_count() * vigil_machine_width().
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EMISMATCH (n differs), VIGIL_ENONFINITE,
 *         VIGIL_EFORMAT (a ratio's reference <= 0), VIGIL_ESTATE (fitted), VIGIL_ENOMEM. On
 *         failure no channel has learnt the row (but with VIGIL_ENOMEM the channels before
 *         the one that ran out of memory have: the message names it).
 */
VIGIL_API int vigil_machine_learn(vigil_machine *m, const double *row, size_t n,
                                  size_t condition);
/** Fit every channel's monitor (vigil_monitor_fit()). On failure the channels before the
 *  failing one stay fitted; the machine is not (score and save give VIGIL_ESTATE).
 *  @return VIGIL_OK or the first failing channel's status (message names the channel). */
VIGIL_API int vigil_machine_fit(vigil_machine *m);
/** @return 1 if fitted, 0 if not (or NULL). */
VIGIL_API int vigil_machine_fitted(const vigil_machine *m);

/**
 * Score one row on every channel.
 * @param row, n as vigil_machine_learn(); @param t time (s); @param condition 0..conditions-1.
 * @param states receives each channel's state (VIGIL_STATE_*; channels entries) or NULL.
 * @return the worst channel state (VIGIL_STATE_*), or VIGIL_EINVAL, VIGIL_EMISMATCH,
 *         VIGIL_ESTATE (not fitted), VIGIL_ENONFINITE (a non-finite value or time: with common
 *         mode the whole row, without it each channel with a bad value, is rejected and counted
 *         in that channel's REJECTED counter; channels without a bad value are scored and
 *         `states` is filled), VIGIL_EFORMAT (common mode: a ratio's reference <= 0; the row
 *         is rejected on every channel). No allocation.
 */
VIGIL_API int vigil_machine_score(vigil_machine *m, const double *row, size_t n, double t,
                                  size_t condition, int *states);
/** Clear every channel's stream state (vigil_monitor_reset()). @return VIGIL_OK, VIGIL_EINVAL. */
VIGIL_API int vigil_machine_reset(vigil_machine *m);
/**
 * Pop the machine's oldest queued event across channels (smallest time; a tie goes to the
 * lower channel) with its explanation (vigil_monitor_next_event_explained()), out->channel
 * naming the channel (vigil_machine_channel_name()). Per channel the order is its queue's.
 * @return 1, 0 (none) or VIGIL_EINVAL.
 */
VIGIL_API int vigil_machine_next_event(vigil_machine *m, vigil_event_explanation *out);

/**
 * Save a fitted machine (flags 0 or VIGIL_SAVE_STREAM, as vigil_monitor_save_ex()) into a
 * buffer; *size from vigil_machine_save_size().
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_ESTATE (not fitted), VIGIL_ESPACE, VIGIL_ENOMEM.
 */
VIGIL_API int vigil_machine_save(const vigil_machine *m, int flags, void *buf, size_t cap,
                                 size_t *written);
/** Size of the saved form. @return as vigil_machine_save(). */
VIGIL_API int vigil_machine_save_size(const vigil_machine *m, int flags, size_t *size);
/** Save to a file, replaced atomically as vigil_monitor_save_file() does.
 *  @return as vigil_machine_save(), plus VIGIL_EIO. */
VIGIL_API int vigil_machine_save_file(const vigil_machine *m, const char *path, int flags);
/**
 * Load a machine saved by vigil_machine_save() (each channel's stream state too, when saved).
 * @return VIGIL_OK, VIGIL_EINVAL, VIGIL_EFORMAT (corrupt, truncated, inconsistent channels),
 *         VIGIL_ENOTFOUND (a valid model of one monitor, not a machine: vigil_monitor_load()),
 *         VIGIL_ENOMEM.
 */
VIGIL_API int vigil_machine_load(const void *buf, size_t len, vigil_machine **out);
/** Load from a file. @return as vigil_machine_load(), plus VIGIL_EIO. */
VIGIL_API int vigil_machine_load_file(const char *path, vigil_machine **out);

VIGIL_END_DECLS

#endif /* VIGIL_MACHINE_H */
