/* Alarm state machine with k-of-n persistence and hysteresis. See include/vigil/alarm.h. */
#include "vigil/alarm.h"

#include "status.h"

#include <math.h>
#include <stdlib.h>

#define EVENTS_MAX 256

typedef struct event {
    double t;
    int from, to;
} event;

struct vigil_alarm {
    size_t k, n, k_warn;
    double clear_ratio;
    unsigned char hi[VIGIL_ALARM_WINDOW_MAX], lo[VIGIL_ALARM_WINDOW_MAX];
    size_t pos, fill, nhi, nlo;
    int state;
    event ev[EVENTS_MAX];
    size_t ev_head, ev_count, ev_dropped;
};

int vigil_alarm_create(vigil_alarm **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    vigil_alarm *a = calloc(1, sizeof *a);
    if (!a)
        return vigil__status(VIGIL_ENOMEM);
    /* 3 of 5 with warn at 2 and clear at 0.8: one stray frame above the threshold (which a
     * 0.995 quantile lets through about once in 200 healthy frames) never raises anything. */
    a->k = 3;
    a->n = 5;
    a->k_warn = 2;
    a->clear_ratio = 0.8;
    *out = a;
    return VIGIL_OK;
}

void vigil_alarm_destroy(vigil_alarm *a)
{
    free(a);
}

int vigil_alarm_clear_window(vigil_alarm *a)
{
    if (!a)
        return vigil__status(VIGIL_EINVAL);
    a->pos = a->fill = a->nhi = a->nlo = 0;
    return VIGIL_OK;
}

int vigil_alarm_reset(vigil_alarm *a)
{
    if (!a)
        return vigil__status(VIGIL_EINVAL);
    vigil_alarm_clear_window(a);
    a->state = VIGIL_STATE_OK;
    a->ev_head = a->ev_count = a->ev_dropped = 0;
    return VIGIL_OK;
}

int vigil_alarm_set_persistence(vigil_alarm *a, size_t k, size_t n)
{
    if (!a || n < 1 || n > VIGIL_ALARM_WINDOW_MAX || k < 1 || k > n)
        return vigil__fail(VIGIL_EINVAL, "persistence needs 1 <= k <= n <= %d", VIGIL_ALARM_WINDOW_MAX);
    a->k = k;
    a->n = n;
    if (a->k_warn > k)
        a->k_warn = k;
    return vigil_alarm_clear_window(a);
}

int vigil_alarm_set_hysteresis(vigil_alarm *a, size_t k_warn, double clear_ratio)
{
    if (!a || k_warn < 1 || k_warn > a->k || !(clear_ratio > 0.0 && clear_ratio <= 1.0))
        return vigil__fail(VIGIL_EINVAL, "hysteresis needs 1 <= k_warn <= k and 0 < clear_ratio <= 1");
    a->k_warn = k_warn;
    a->clear_ratio = clear_ratio;
    return VIGIL_OK;
}

static void push_event(vigil_alarm *a, double t, int from, int to)
{
    if (a->ev_count == EVENTS_MAX) {
        a->ev_head = (a->ev_head + 1) % EVENTS_MAX;
        a->ev_count--;
        a->ev_dropped++;
    }
    event *e = &a->ev[(a->ev_head + a->ev_count) % EVENTS_MAX];
    e->t = t;
    e->from = from;
    e->to = to;
    a->ev_count++;
}

int vigil_alarm_update(vigil_alarm *a, double score, double threshold, double t)
{
    if (!a || !(threshold > 0.0) || !isfinite(threshold))
        return vigil__fail(VIGIL_EINVAL, "alarm update needs a finite threshold > 0");
    if (isnan(score) || !isfinite(t))
        return vigil__status(VIGIL_ENONFINITE);
    if (a->fill == a->n) {
        a->nhi -= a->hi[a->pos];
        a->nlo -= a->lo[a->pos];
    } else {
        a->fill++;
    }
    a->hi[a->pos] = score > threshold;
    a->lo[a->pos] = score > a->clear_ratio * threshold;
    a->nhi += a->hi[a->pos];
    a->nlo += a->lo[a->pos];
    a->pos = (a->pos + 1) % a->n;

    int next = a->state;
    if (a->nhi >= a->k)
        next = VIGIL_STATE_ALARM;
    else if (a->state == VIGIL_STATE_OK && a->nhi >= a->k_warn && a->k_warn < a->k)
        next = VIGIL_STATE_WARN;
    else if (a->state != VIGIL_STATE_OK && a->nlo == 0)
        next = VIGIL_STATE_OK;
    if (next != a->state) {
        push_event(a, t, a->state, next);
        a->state = next;
    }
    return a->state;
}

int vigil_alarm_state(const vigil_alarm *a)
{
    return a ? a->state : VIGIL_STATE_OK;
}

size_t vigil_alarm_event_count(const vigil_alarm *a)
{
    return a ? a->ev_count : 0;
}

int vigil_alarm_next_event(vigil_alarm *a, double *t, int *from, int *to)
{
    if (!a || !t || !from || !to)
        return vigil__status(VIGIL_EINVAL);
    if (a->ev_count == 0)
        return 0;
    const event *e = &a->ev[a->ev_head];
    *t = e->t;
    *from = e->from;
    *to = e->to;
    a->ev_head = (a->ev_head + 1) % EVENTS_MAX;
    a->ev_count--;
    return 1;
}

size_t vigil_alarm_events_dropped(const vigil_alarm *a)
{
    return a ? a->ev_dropped : 0;
}

double vigil_health(double score, double threshold)
{
    if (isnan(score) || !(threshold > 0.0))
        return 0.0;
    if (score <= 0.0)
        return 1.0;
    double r = score / threshold;
    if (r > 1e75)
        return 0.0;
    double r2 = r * r;
    return 1.0 / (1.0 + r2 * r2);
}
