/* Alarm state machine with k-of-n persistence and hysteresis. See include/vigil/alarm.h. */
#include "vigil/alarm.h"

#include "alarm_impl.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>

#define EVENTS_MAX VIGIL__ALARM_EVENTS_MAX

typedef struct event {
    double t, onset;
    int from, to, kind;
} event;

struct vigil_alarm {
    size_t k, n, k_warn;
    double clear_ratio;
    unsigned char hi[VIGIL_ALARM_WINDOW_MAX], lo[VIGIL_ALARM_WINDOW_MAX];
    size_t pos, fill, nhi, nlo;
    int state;
    event ev[EVENTS_MAX];
    size_t ev_head, ev_count, ev_dropped;
    /* the onset test (VIGIL_ALARM_CUSUM): Bernoulli CUSUM of the exceedances */
    int rule;
    double p0, p1, h, cap;
    double weight;          /* evidence per frame: its share of new samples (overlap), 0..1 */
    double inc_hi, inc_lo;  /* log-likelihood ratio of an exceedance, of a frame below */
    double s;               /* the statistic, 0..cap */
    double rise_t;          /* time of the first exceedance since s was last 0 */
    double onset;           /* onset of the current episode (NaN: none) */
    double cross_t;         /* when s reached h in this episode */
    size_t above;           /* frames s has stayed >= h in this episode */
    size_t confirm;         /* frames (beyond the burst decay) before WARN becomes ALARM */
    double confirm_s;       /* and seconds */
    size_t decay;           /* frames a burst that stopped can hold s >= h */
    size_t transients;
    size_t zero_run;        /* ALARM: consecutive frames with s at 0 */
    double zero_t;          /* ALARM: when s last reached 0 */
};

/* Increments and the derived burst decay of the CUSUM rule. */
static void cusum_derive(vigil_alarm *a)
{
    a->inc_hi = a->weight * log(a->p1 / a->p0);
    a->inc_lo = a->weight * log((1.0 - a->p1) / (1.0 - a->p0));
    a->cap = 2.0 * a->h;
    a->decay = (size_t)ceil((a->cap - a->h) / -a->inc_lo);
}

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
    a->rule = VIGIL_ALARM_KOFN;
    a->p0 = 0.005;
    a->p1 = 0.5;
    a->h = log(1e5);
    a->confirm = 5;
    a->confirm_s = 0.0;
    a->weight = 1.0;
    cusum_derive(a);
    vigil_alarm_reset(a);
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
    /* CUSUM: an alarm keeps its evidence across a gap (it clears only when used up); an open
     * episode starts again from nothing */
    a->s = a->state == VIGIL_STATE_ALARM ? a->cap : 0.0;
    a->zero_run = 0;
    return VIGIL_OK;
}

int vigil_alarm_reset(vigil_alarm *a)
{
    if (!a)
        return vigil__status(VIGIL_EINVAL);
    a->state = VIGIL_STATE_OK;
    vigil_alarm_clear_window(a);
    a->ev_head = a->ev_count = a->ev_dropped = 0;
    a->rise_t = a->onset = a->cross_t = a->zero_t = NAN;
    a->above = 0;
    a->transients = 0;
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

static void push_event(vigil_alarm *a, double t, int from, int to, int kind)
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
    e->kind = kind;
    e->onset = a->onset;
    a->ev_count++;
}

int vigil_alarm_set_rule(vigil_alarm *a, int rule)
{
    if (!a || (rule != VIGIL_ALARM_KOFN && rule != VIGIL_ALARM_CUSUM))
        return vigil__fail(VIGIL_EINVAL, "alarm rule: VIGIL_ALARM_KOFN or VIGIL_ALARM_CUSUM");
    a->rule = rule;
    return vigil_alarm_clear_window(a);
}

int vigil_alarm_rule(const vigil_alarm *a)
{
    return a ? a->rule : VIGIL_EINVAL;
}

int vigil_alarm_set_cusum(vigil_alarm *a, double p0, double p1, double false_alarm_frames)
{
    if (!a || !(p0 > 0.0 && p0 < p1 && p1 < 1.0) || !(false_alarm_frames >= 2.0) ||
        !(false_alarm_frames <= 1e15))
        return vigil__fail(VIGIL_EINVAL, "CUSUM needs 0 < p0 < p1 < 1 and a false-alarm "
                           "period of 2..1e15 frames");
    a->p0 = p0;
    a->p1 = p1;
    a->h = log(false_alarm_frames);
    cusum_derive(a);
    return vigil_alarm_clear_window(a);
}

int vigil_alarm_set_confirm(vigil_alarm *a, size_t frames, double seconds)
{
    if (!a || frames > 1000000 || !(seconds >= 0.0) || !isfinite(seconds))
        return vigil__fail(VIGIL_EINVAL, "confirmation: 0..1000000 frames, finite seconds >= 0");
    a->confirm = frames;
    a->confirm_s = seconds;
    return VIGIL_OK;
}

int vigil_alarm_set_evidence_weight(vigil_alarm *a, double weight)
{
    if (!a || !(weight >= 1e-3 && weight <= 1.0))
        return vigil__fail(VIGIL_EINVAL, "evidence weight: 0.001..1 (a frame's share of new "
                           "samples)");
    a->weight = weight;
    cusum_derive(a);
    return vigil_alarm_clear_window(a);
}

double vigil_alarm_evidence_weight(const vigil_alarm *a)
{
    return a ? a->weight : NAN;
}

size_t vigil_alarm_confirm_frames(const vigil_alarm *a)
{
    return a ? a->decay + a->confirm : 0;
}

double vigil_alarm_onset(const vigil_alarm *a)
{
    return a && a->state != VIGIL_STATE_OK ? a->onset : NAN;
}

size_t vigil_alarm_transients(const vigil_alarm *a)
{
    return a ? a->transients : 0;
}

/* The onset test: a Bernoulli CUSUM of "score above threshold" (p0 when healthy, p1 when
 * degraded), capped at 2h. s >= h opens an episode (WARN, onset = the first exceedance since s
 * was last 0); it becomes ALARM once s has stayed >= h for longer than a burst that stopped
 * could hold it there (decay) plus `confirm` frames and `confirm_s` seconds; an episode that
 * falls below h before is a transient (WARN -> OK, kind VIGIL_EVENT_TRANSIENT). ALARM clears
 * when s has stayed at 0 (the evidence used up) for as long as an episode must hold to become
 * an alarm: more than decay + confirm frames and at least confirm_s seconds. Degradation does
 * not reverse, so the evidence that it stopped must be as long as the evidence that it began;
 * an exceedance in between restarts the count. */
static int cusum_update(vigil_alarm *a, int exceed, double t)
{
    if (a->s == 0.0 && exceed)
        a->rise_t = t;
    a->s = fmin(a->cap, fmax(0.0, a->s + (exceed ? a->inc_hi : a->inc_lo)));
    const int evidence = a->s >= a->h * (1.0 - 1e-12);
    int next = a->state, kind = VIGIL_EVENT_CHANGE;
    if (a->state == VIGIL_STATE_OK && evidence) {
        next = VIGIL_STATE_WARN;
        a->onset = a->rise_t;
        a->cross_t = t;
        a->above = 0;
    }
    if (next == VIGIL_STATE_WARN) {
        if (!evidence) {
            next = VIGIL_STATE_OK;
            kind = VIGIL_EVENT_TRANSIENT;
            a->transients++;
        } else if (++a->above > a->decay + a->confirm && t - a->cross_t >= a->confirm_s) {
            next = VIGIL_STATE_ALARM;
        }
    } else if (a->state == VIGIL_STATE_ALARM) {
        if (a->s > 0.0) {
            a->zero_run = 0;
        } else {
            if (a->zero_run++ == 0)
                a->zero_t = t;
            if (a->zero_run > a->decay + a->confirm && t - a->zero_t >= a->confirm_s)
                next = VIGIL_STATE_OK;
        }
    }
    if (next != a->state) {
        push_event(a, t, a->state, next, kind);
        a->state = next;
        if (next == VIGIL_STATE_OK) {
            a->onset = NAN;
            a->zero_run = 0;
        }
    }
    return a->state;
}

int vigil_alarm_update(vigil_alarm *a, double score, double threshold, double t)
{
    if (!a || !(threshold > 0.0) || !isfinite(threshold))
        return vigil__fail(VIGIL_EINVAL, "alarm update needs a finite threshold > 0");
    if (isnan(score) || !isfinite(t))
        return vigil__status(VIGIL_ENONFINITE);
    if (a->rule == VIGIL_ALARM_CUSUM)
        return cusum_update(a, score > threshold, t);
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
        if (a->state == VIGIL_STATE_OK)
            a->onset = t;
        push_event(a, t, a->state, next, VIGIL_EVENT_CHANGE);
        a->state = next;
        if (next == VIGIL_STATE_OK)
            a->onset = NAN;
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
    vigil_alarm_event e;
    int rc = vigil_alarm_next_event_ex(a, &e);
    if (rc == 1) {
        *t = e.t;
        *from = e.from;
        *to = e.to;
    }
    return rc;
}

int vigil_alarm_next_event_ex(vigil_alarm *a, vigil_alarm_event *out)
{
    if (!a || !out)
        return vigil__status(VIGIL_EINVAL);
    if (a->ev_count == 0)
        return 0;
    const event *e = &a->ev[a->ev_head];
    out->t = e->t;
    out->from = e->from;
    out->to = e->to;
    out->kind = e->kind;
    out->onset = e->onset;
    a->ev_head = (a->ev_head + 1) % EVENTS_MAX;
    a->ev_count--;
    return 1;
}

double vigil__alarm_oldest_event_time(const vigil_alarm *a)
{
    return a && a->ev_count ? a->ev[a->ev_head].t : NAN;
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

/* ---- stream state in a saved model (monitor_io.c's stream section; issue 14) -------------
 * The window, the state and the queued events, so that a restarted host resumes with the
 * alarm that was up. The configuration (k, n, k_warn, clear) is the monitor's and is not here. */
void vigil__alarm_save_stream(const vigil_alarm *a, vigil__wbuf *w)
{
    vigil__put_u64(w, a->pos);
    vigil__put_u64(w, a->fill);
    for (size_t i = 0; i < a->n; i++) {
        vigil__put_u32(w, a->hi[i]);
        vigil__put_u32(w, a->lo[i]);
    }
    vigil__put_u32(w, (uint32_t)a->state);
    vigil__put_u64(w, a->ev_dropped);
    vigil__put_u64(w, a->ev_count);
    for (size_t i = 0; i < a->ev_count; i++) {
        const event *e = &a->ev[(a->ev_head + i) % EVENTS_MAX];
        vigil__put_f64(w, e->t);
        vigil__put_u32(w, (uint32_t)e->from);
        vigil__put_u32(w, (uint32_t)e->to);
    }
    /* layout 2: the onset test (issue 16) */
    vigil__put_f64(w, a->s);
    vigil__put_f64(w, a->rise_t);
    vigil__put_f64(w, a->onset);
    vigil__put_f64(w, a->cross_t);
    vigil__put_u64(w, a->above);
    vigil__put_u64(w, a->transients);
    for (size_t i = 0; i < a->ev_count; i++) {
        const event *e = &a->ev[(a->ev_head + i) % EVENTS_MAX];
        vigil__put_u32(w, (uint32_t)e->kind);
        vigil__put_f64(w, e->onset);
    }
    /* layout 3: how long an alarm's sum has been at 0 */
    vigil__put_u64(w, a->zero_run);
    vigil__put_f64(w, a->zero_t);
}

int vigil__alarm_load_stream(vigil_alarm *a, vigil__rbuf *r, unsigned layout)
{
    vigil_alarm s = *a;
    s.pos = vigil__get_count(r, a->n - 1);
    s.fill = vigil__get_count(r, a->n);
    s.nhi = s.nlo = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint32_t hi = vigil__get_u32(r), lo = vigil__get_u32(r);
        if (hi > 1 || lo > 1 || (hi && !lo))
            r->err = 1;
        s.hi[i] = (unsigned char)hi;
        s.lo[i] = (unsigned char)lo;
        s.nhi += hi;
        s.nlo += lo;
    }
    uint32_t state = vigil__get_u32(r);
    s.ev_dropped = vigil__get_count(r, SIZE_MAX / 2);
    s.ev_count = vigil__get_count(r, EVENTS_MAX);
    s.ev_head = 0;
    for (size_t i = 0; i < s.ev_count && !r->err; i++) {
        s.ev[i].t = vigil__get_f64(r);
        uint32_t from = vigil__get_u32(r), to = vigil__get_u32(r);
        /* an event is a change of state: from != to (a file that says otherwise would hand an
         * MES a change that is none) */
        if (!isfinite(s.ev[i].t) || from > VIGIL_STATE_ALARM || to > VIGIL_STATE_ALARM ||
            from == to)
            r->err = 1;
        s.ev[i].from = (int)from;
        s.ev[i].to = (int)to;
        s.ev[i].kind = VIGIL_EVENT_CHANGE;
        s.ev[i].onset = NAN;
    }
    s.s = state == VIGIL_STATE_ALARM ? a->cap : 0.0; /* layout 1: as after a gap */
    s.rise_t = s.onset = s.cross_t = NAN;
    s.above = 0;
    s.transients = 0;
    s.zero_run = 0;
    s.zero_t = NAN;
    if (layout >= 2) {
        s.s = vigil__get_f64(r);
        s.rise_t = vigil__get_f64(r);
        s.onset = vigil__get_f64(r);
        s.cross_t = vigil__get_f64(r);
        s.above = vigil__get_count(r, SIZE_MAX / 2);
        s.transients = vigil__get_count(r, SIZE_MAX / 2);
        if (!(s.s >= 0.0 && s.s <= a->cap) || isinf(s.rise_t) || isinf(s.onset) ||
            isinf(s.cross_t))
            r->err = 1;
        for (size_t i = 0; i < s.ev_count && !r->err; i++) {
            uint32_t kind = vigil__get_u32(r);
            s.ev[i].onset = vigil__get_f64(r);
            /* a transient is the onset test's WARN -> OK, nothing else */
            if (kind > VIGIL_EVENT_TRANSIENT || isinf(s.ev[i].onset) ||
                (kind == VIGIL_EVENT_TRANSIENT &&
                 (s.ev[i].from != VIGIL_STATE_WARN || s.ev[i].to != VIGIL_STATE_OK)))
                r->err = 1;
            s.ev[i].kind = (int)kind;
        }
    }
    if (layout >= 3) {
        s.zero_run = vigil__get_count(r, SIZE_MAX / 2);
        s.zero_t = vigil__get_f64(r);
        if (isinf(s.zero_t) ||
            (s.zero_run > 0 && (s.s != 0.0 || isnan(s.zero_t) || state != VIGIL_STATE_ALARM)))
            r->err = 1;
    }
    if (r->err || state > VIGIL_STATE_ALARM || (s.fill < a->n && s.pos != s.fill))
        return VIGIL_EFORMAT;
    s.state = (int)state;
    *a = s;
    return VIGIL_OK;
}
