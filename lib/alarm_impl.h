/* Internal: the alarm's stream state in a saved model (alarm.c; used by monitor_io.c). */
#ifndef VIGIL_LIB_ALARM_IMPL_H
#define VIGIL_LIB_ALARM_IMPL_H

#include "model_io.h"
#include "vigil/alarm.h"

/* Window, state and queued events. Load validates everything and changes nothing on failure
 * (VIGIL_EFORMAT); the alarm's persistence must already be the saved one's. */
void vigil__alarm_save_stream(const vigil_alarm *a, vigil__wbuf *w);
int vigil__alarm_load_stream(vigil_alarm *a, vigil__rbuf *r);

#endif
