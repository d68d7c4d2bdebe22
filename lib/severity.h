/* Internal: velocity RMS from an acceleration PSD, shared with the diagnosis. */
#ifndef VIGIL_LIB_SEVERITY_H
#define VIGIL_LIB_SEVERITY_H

#include <stddef.h>

/* m/s^2 per input unit; 0 for an unknown unit. */
double vigil__units_scale(int units);
/* Squared velocity RMS in (mm/s)^2 over 10 <= f_k <= 1000 Hz of the PSD psd[0..nbins) (input
 * units^2/Hz) with bin spacing df; scale converts input units to m/s^2. */
double vigil__velocity_ms2(const double *psd, size_t nbins, double df, double scale);

#endif
