/**
 * @file vigil/envelope.h
 * @brief Envelope analysis of bearing defects: the extractor's env_* column group.
 *
 * For each frame: the frame's spectrum (the extractor's one FFT of the Hann-windowed,
 * mean-removed frame) is band-passed in the frequency domain, each bin divided by its magnitude
 * (prewhitening, so that the lines of the machine's own vibration do not dominate), turned into
 * the analytic signal by an inverse FFT, and its magnitude (the envelope) transformed again: the
 * envelope spectrum. Its lines at the bearing defect frequencies (vigil/bearing.h) and their
 * harmonics 1-3 are measured against the local spectral floor. Exact definitions, tolerance and
 * floor: docs/DIAGNOSTICS.md.
 *
 * Columns added, in this order (envelope amplitudes are unitless because of the prewhitening):
 *
 * | name | meaning |
 * |---|---|
 * | `env_ftf`, `env_bpfo`, `env_bpfi`, `env_bsf` | sum over harmonics h = 1..3 of the envelope-spectrum peak within +-1 % of h x the defect frequency |
 * | `env_ftf_prom` ... `env_bsf_prom` | that sum divided by the sum of the three local floors (medians of the neighbouring bins): 1 = no line |
 * | `env_band_lo`, `env_band_hi` | the demodulation band used for this frame, Hz |
 *
 * Thread rules: as vigil/extractor.h.
 */
#ifndef VIGIL_ENVELOPE_H
#define VIGIL_ENVELOPE_H

#include "common.h"
#include "extractor.h"

VIGIL_BEGIN_DECLS

/** Number of columns added by vigil_extractor_enable_envelope(). */
#define VIGIL_ENVELOPE_COLS 10

/**
 * Add the envelope columns. Needs the bearing geometry (vigil_extractor_set_bearing(), called
 * before this) and a shaft rate (vigil_extractor_set_shaft_hz(); 0 = estimated per frame).
 * Allocates an inverse complex FFT and a real FFT of the frame length and two spectra.
 *
 * @param lo_hz,hi_hz demodulation band, Hz: bins with lo <= f < hi (DC never used; hi may exceed
 *        rate/2 to reach the top bin); must hold at least 2 bins. 0,0 chooses automatically in
 *        every frame: the dyadic band (levels 1-3: halves, quarters, eighths of 0..rate/2) whose
 *        complex envelope has the largest kurtosis (a simplified fast kurtogram).
 * @return VIGIL_OK, VIGIL_EINVAL (NULL, bad band), VIGIL_ESTATE (samples pushed, or no
 *         bearing set), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_extractor_enable_envelope(vigil_extractor *ex, double lo_hz, double hi_hz);

VIGIL_END_DECLS

#endif /* VIGIL_ENVELOPE_H */
