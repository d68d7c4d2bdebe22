/* Internal: velocity RMS from an acceleration PSD, shared with the diagnosis. */
#ifndef VIGIL_LIB_SEVERITY_H
#define VIGIL_LIB_SEVERITY_H

#include <stddef.h>

/* m/s^2 per input unit; 0 for an unknown unit. */
double vigil__units_scale(int units);
/* Validate severity settings for a stream at `rate` Hz (units, machine class, rate above
 * 2 x VIGIL_SEVERITY_LO_HZ): VIGIL_OK or VIGIL_EINVAL with a message. Shared by the extractor's
 * severity group and the diagnosis. */
int vigil__severity_check(double rate, int units, int machine_class);
/* Squared velocity RMS in (mm/s)^2 over 10 <= f_k <= 1000 Hz of the PSD psd[0..nbins) (input
 * units^2/Hz) with bin spacing df; scale converts input units to m/s^2. */
double vigil__velocity_ms2(const double *psd, size_t nbins, double df, double scale);

#endif
