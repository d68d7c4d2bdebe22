/* Internal: the prognoser inside a monitor (a model file's prognoser section). */
#ifndef VIGIL_LIB_PROGNOSIS_IMPL_H
#define VIGIL_LIB_PROGNOSIS_IMPL_H

#include "model_io.h"
#include "vigil/monitor.h"
#include "vigil/prognosis.h"

/* Settings, prior and state of p (the payload of vigil_prognoser_save()). */
void vigil__prognoser_serialise(const vigil_prognoser *p, vigil__wbuf *w);
/* Read what vigil__prognoser_serialise() wrote, all of r. VIGIL_OK, VIGIL_EFORMAT (message),
 * VIGIL_ENOMEM. */
int vigil__prognoser_parse(vigil__rbuf *r, vigil_prognoser **out);
/* Give p to m (m owns it from now on, also on failure): its feature must be one of m's columns
 * or "score". VIGIL_OK or VIGIL_ENOTFOUND (p destroyed). */
int vigil__monitor_attach_prognoser(vigil_monitor *m, vigil_prognoser *p);
/* After a scored row: the indicator (the row's column, or the score) at time t. A point the
 * prognoser refuses (time not after its last point) is left out; the monitor goes on. */
void vigil__monitor_feed_prognoser(vigil_monitor *m, const double *row, double t);

#endif
