/**
 * @file vigil/common_mode.h
 * @brief Common-mode removal across the channels (bearings, sensors) of one machine.
 *
 * A change of operating condition (load, speed, temperature, a restart after a pause) moves
 * every channel of a machine at the same moment; a bearing fault starts in one bearing. Dividing
 * each channel's feature by the median of the same feature on the OTHER channels (or
 * subtracting it) removes what all channels share and keeps what one channel does alone, so a
 * monitor fed with the result does not alarm on a machine-wide step (the IMS test 1 restart
 * after its six-day pause raises every channel's RMS by about 17 %) yet still sees one bearing
 * departing from its neighbours. With two channels faulty out of four, the median of the others
 * of a faulty channel still comes from a healthy one. What it cannot see: a change that every
 * channel shows alike (a machine-wide fault such as imbalance, or all bearings wearing at the
 * same rate); keep an absolute monitor for those (see docs/MODELS.md).
 *
 * Row layout: `groups` blocks of `width` values, block g holding channel g's features in the
 * same order (value j of channel g at index g * width + j), as in a historian table with columns
 * B1_rms, B1_kurtosis, B2_rms, B2_kurtosis, ...
 *
 * Thread rules: pure function of its arguments, no state: any thread, any time. No allocation.
 */
#ifndef VIGIL_COMMON_MODE_H
#define VIGIL_COMMON_MODE_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** How a feature is referred to the other channels. */
enum vigil_common_mode_kind {
    /** x / median of the others: for values in the signal's units (rms, peak, p2p, mean |x|,
     *  clearance, band energy), which a load or gain change scales; needs a median > 0. */
    VIGIL_COMMON_RATIO = 0,
    /** x - median of the others: for dimensionless or signed values (kurtosis, crest, shape,
     *  impulse, skewness), which an operating change shifts. */
    VIGIL_COMMON_DIFF = 1,
    /** x unchanged. */
    VIGIL_COMMON_NONE = 2
};

/** Largest number of channel groups. */
#define VIGIL_COMMON_GROUPS_MAX 64

/**
 * Refer each channel's features to the median of the same feature on the other channels.
 *
 * out[g * width + j] = row[g * width + j] / m (RATIO) or row[g * width + j] - m (DIFF), where m
 * is the median of row[h * width + j] over h != g (the mean of the two middle values for an
 * even count; with two groups, the other group's value).
 *
 * @param row    groups * width finite values (see the file comment for the layout).
 * @param groups channels, 2..VIGIL_COMMON_GROUPS_MAX.
 * @param width  features per channel, >= 1.
 * @param modes  width entries, a vigil_common_mode_kind per feature; NULL means RATIO for all.
 * @param out    receives groups * width values; may be the same array as row (in place).
 * @return VIGIL_OK; VIGIL_EINVAL (NULL row/out, groups or width out of range, unknown mode);
 *         VIGIL_ENONFINITE (a non-finite value); VIGIL_EFORMAT (RATIO with a median <= 0: the
 *         feature is not a positive amplitude). On failure out is unchanged.
 */
VIGIL_API int vigil_common_mode(const double *row, size_t groups, size_t width, const int *modes,
                                double *out);

/**
 * The kind a feature should use, from its name (the part after the last '_' for names such as
 * `B1_x_rms`, or the whole name): RATIO for amplitudes in signal units (`rms`, `std`, `peak`,
 * `max`, `p2p`, `power`, `peak_amp`, `band_*`, `order_*`, `velocity_rms_mm_s`, the envelope
 * amplitudes `env_bpfo` etc., and `clearence`, the IMS table's amplitude of that spelling), DIFF
 * for everything else (dimensionless shape values such as kurtosis, crest, impulse, shape, the
 * FEATURES.md `clearance`, prominences, and signed values such as `mean`).
 * @return a vigil_common_mode_kind; VIGIL_COMMON_DIFF for NULL.
 */
VIGIL_API int vigil_common_mode_kind_of(const char *feature_name);

VIGIL_END_DECLS

#endif /* VIGIL_COMMON_MODE_H */
