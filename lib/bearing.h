/* Internal: bearing helpers shared with the envelope group and the diagnosis. */
#ifndef VIGIL_LIB_BEARING_H
#define VIGIL_LIB_BEARING_H

/* VIGIL_OK or VIGIL_EINVAL with a message. */
int vigil__bearing_check(double balls, double d, double pitch, double angle_deg);
/* Validate a shaft rate for a stream sampled at `rate`: 0 (estimate it) or 0 < f < rate/2.
 * Returns VIGIL_OK or VIGIL_EINVAL with a message. Shared by the extractor and the diagnosis. */
int vigil__shaft_check(double rate, double shaft_hz);
/* Validate a range for the shaft-rate estimate: 0, 0 (the default range) or
 * 0 < lo < hi < rate/2. Returns VIGIL_OK or VIGIL_EINVAL with a message. */
int vigil__shaft_range_check(double rate, double lo_hz, double hi_hz);
/* Defect frequencies as multiples of the shaft rate into out[VIGIL_DEFECT_COUNT]; no checks. */
void vigil__bearing_orders(double balls, double d, double pitch, double angle_deg, double *out);

#endif
