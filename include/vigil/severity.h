/**
 * @file vigil/severity.h
 * @brief Vibration severity: velocity RMS over 10-1000 Hz and the ISO 10816-3 / 20816-3 zones.
 *
 * Velocity is obtained from acceleration in the frequency domain: with the frame's one-sided
 * PSD of acceleration P[k] (FEATURES.md, in (m/s^2)^2/Hz after unit conversion),
 *
 *     velocity_rms = 1000 * sqrt( sum over 10 <= f_k <= 1000 of P[k] df / (2 pi f_k)^2 )  mm/s
 *
 * which for a sine of acceleration amplitude a (m/s^2) at f gives a / (2 pi f) / sqrt(2) * 1000
 * (to within the Hann window's leakage weighting, a relative error of about 1/(f/df)^2).
 *
 * Zones (ISO 10816-3:2009, retained in ISO 20816-3:2022; broadband velocity RMS 10-1000 Hz,
 * measured on bearing housings of machines above 15 kW at 120-15000 rpm), boundaries in mm/s:
 *
 * | machine class | A/B | B/C | C/D |
 * |---|---|---|---|
 * | VIGIL_ISO_GROUP1_RIGID (300 kW-50 MW, rigid foundation) | 2.3 | 4.5 | 7.1 |
 * | VIGIL_ISO_GROUP1_FLEXIBLE | 3.5 | 7.1 | 11.0 |
 * | VIGIL_ISO_GROUP2_RIGID (15-300 kW, rigid foundation) | 1.4 | 2.8 | 4.5 |
 * | VIGIL_ISO_GROUP2_FLEXIBLE | 2.3 | 4.5 | 7.1 |
 *
 * A value equal to a boundary belongs to the lower (better) zone. Zones are numbered 1 (A: new
 * machine), 2 (B: unrestricted long-term operation), 3 (C: restricted operation, plan
 * maintenance), 4 (D: damage likely).
 *
 * Thread rules: vigil_severity_zone() and vigil_severity_limit() are safe from any thread; the
 * extractor setter follows vigil/extractor.h.
 */
#ifndef VIGIL_SEVERITY_H
#define VIGIL_SEVERITY_H

#include "common.h"
#include "extractor.h"

VIGIL_BEGIN_DECLS

/** Units of the acceleration samples. */
enum vigil_units {
    VIGIL_UNITS_G = 1,   /**< standard gravity, 9.80665 m/s^2 */
    VIGIL_UNITS_M_S2 = 2 /**< metres per second squared */
};

/** ISO 10816-3 machine classes (group and foundation). */
enum vigil_machine_class {
    VIGIL_ISO_GROUP1_RIGID = 1,
    VIGIL_ISO_GROUP1_FLEXIBLE = 2,
    VIGIL_ISO_GROUP2_RIGID = 3,
    VIGIL_ISO_GROUP2_FLEXIBLE = 4
};

/** Lower edge of the severity band, Hz. */
#define VIGIL_SEVERITY_LO_HZ 10.0
/** Upper edge of the severity band, Hz (inclusive). */
#define VIGIL_SEVERITY_HI_HZ 1000.0
/** Number of columns added by vigil_extractor_enable_severity(). */
#define VIGIL_SEVERITY_COLS 2

/**
 * Zone of a velocity RMS value.
 * @param velocity_mm_s velocity RMS in mm/s, finite, >= 0.
 * @param machine_class an enum vigil_machine_class value.
 * @return 1..4 (zones A..D), or VIGIL_EINVAL (bad value or class).
 */
VIGIL_API int vigil_severity_zone(double velocity_mm_s, int machine_class);

/**
 * Boundary between two zones.
 * @param machine_class an enum vigil_machine_class value.
 * @param boundary 1 (A/B), 2 (B/C) or 3 (C/D).
 * @param mm_s receives the boundary in mm/s.
 * @return VIGIL_OK or VIGIL_EINVAL.
 */
VIGIL_API int vigil_severity_limit(int machine_class, int boundary, double *mm_s);

/**
 * Add the severity columns `velocity_rms_mm_s` (formula above, per frame) and `iso_zone`
 * (1..4 as a number). The frame must span the band: rate/2 > 10 Hz.
 *
 * @param units an enum vigil_units value: the unit of the samples pushed.
 * @param machine_class an enum vigil_machine_class value.
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, bad units or class, rate <= 20 Hz), VIGIL_ESTATE
 *         (samples pushed), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_extractor_enable_severity(vigil_extractor *ex, int units, int machine_class);

VIGIL_END_DECLS

#endif /* VIGIL_SEVERITY_H */
