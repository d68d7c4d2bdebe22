/* Internal: the alarm's stream state in a saved model (alarm.c; used by monitor_io.c). */
#ifndef VIGIL_LIB_ALARM_IMPL_H
#define VIGIL_LIB_ALARM_IMPL_H

#include "model_io.h"
#include "vigil/alarm.h"

/* Events queued before the oldest is dropped (the monitor keeps its explanations in step). */
#define VIGIL__ALARM_EVENTS_MAX 256
/* Time of the oldest queued event, NaN if none (a machine merges its channels' queues). */
double vigil__alarm_oldest_event_time(const vigil_alarm *a);

/* Window, state and queued events. Load validates everything and changes nothing on failure
 * (VIGIL_EFORMAT); the alarm's persistence must already be the saved one's. */
void vigil__alarm_save_stream(const vigil_alarm *a, vigil__wbuf *w);
/* layout 1: as above; layout 2 (issue 16) adds the onset test's sum, episode and transients and
 * each event's kind and onset. The alarm's rule and CUSUM parameters must be the saved one's. */
int vigil__alarm_load_stream(vigil_alarm *a, vigil__rbuf *r, unsigned layout);

#endif
