/* Event explanations (issue 16, "Explanations a planner can read"): which features drove each
 * alarm or transient event, by how much in baseline scales. Taken when the event is raised,
 * kept in a fixed ring beside the alarm's event queue, popped with the event. */
#include "monitor_impl.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vigil__explain_prepare(vigil_monitor *m)
{
    free(m->peak_z);
    m->peak_z = calloc(m->nsel ? m->nsel : 1, sizeof *m->peak_z);
    if (!m->xring)
        m->xring = calloc(VIGIL__ALARM_EVENTS_MAX, sizeof *m->xring);
    if (!m->peak_z || !m->xring)
        return vigil__status(VIGIL_ENOMEM);
    vigil__explain_reset(m);
    return VIGIL_OK;
}

void vigil__explain_reset(vigil_monitor *m)
{
    m->in_episode = 0;
    m->x_head = m->x_count = 0;
}

/* The top features by |peak z| (ties: lower index first), zeros left out. */
static void take(const vigil_monitor *m, vigil__explained *e)
{
    e->count = 0;
    for (size_t j = 0; j < VIGIL_EXPLAIN_MAX; j++) {
        size_t best = m->nsel;
        for (size_t i = 0; i < m->nsel; i++) {
            int used = 0;
            for (size_t q = 0; q < j && !used; q++)
                used = e->feature[q] == i;
            if (!used && m->peak_z[i] != 0.0 &&
                (best == m->nsel || fabs(m->peak_z[i]) > fabs(m->peak_z[best])))
                best = i;
        }
        if (best == m->nsel)
            break;
        e->feature[j] = best;
        e->z[j] = m->peak_z[best];
        e->count++;
    }
}

void vigil__explain_row(vigil_monitor *m, int state, size_t raised)
{
    if (!m->peak_z || !m->xring)
        return;
    /* a row that opens an episode starts the peaks afresh */
    for (size_t i = 0; i < m->nsel; i++)
        if (!m->in_episode || fabs(m->z[i]) > fabs(m->peak_z[i]))
            m->peak_z[i] = m->z[i];
    m->in_episode = 1;
    for (size_t r = 0; r < raised; r++) {
        if (m->x_count == VIGIL__ALARM_EVENTS_MAX) { /* the alarm dropped its oldest too */
            m->x_head = (m->x_head + 1) % VIGIL__ALARM_EVENTS_MAX;
            m->x_count--;
        }
        take(m, &m->xring[(m->x_head + m->x_count) % VIGIL__ALARM_EVENTS_MAX]);
        m->x_count++;
    }
    if (state == VIGIL_STATE_OK)
        m->in_episode = 0;
}

/* The episode's peaks and the explanations still queued, oldest first (stream layout 4). */
void vigil__explain_save(const vigil_monitor *m, vigil__wbuf *w)
{
    vigil__put_u32(w, (uint32_t)m->in_episode);
    vigil__put_f64s(w, m->peak_z, m->nsel);
    vigil__put_u64(w, m->x_count);
    for (size_t q = 0; q < m->x_count; q++) {
        const vigil__explained *e = &m->xring[(m->x_head + q) % VIGIL__ALARM_EVENTS_MAX];
        vigil__put_u64(w, e->count);
        for (size_t j = 0; j < e->count; j++) {
            vigil__put_u64(w, e->feature[j]);
            vigil__put_f64(w, e->z[j]);
        }
    }
}

int vigil__explain_load(vigil_monitor *m, vigil__rbuf *r, size_t queued)
{
    const uint32_t in_episode = vigil__get_u32(r);
    vigil__get_f64s(r, m->peak_z, m->nsel);
    /* one explanation per queued event at most: the ring follows the alarm's queue */
    const size_t n = vigil__get_count(r, queued);
    int ok = !r->err && in_episode <= 1;
    for (size_t i = 0; ok && i < m->nsel; i++) /* a z of clipped values */
        ok = fabs(m->peak_z[i]) <= VIGIL__Z_MAX;
    for (size_t q = 0; ok && q < n; q++) {
        vigil__explained *e = &m->xring[q];
        e->count = vigil__get_count(r, VIGIL_EXPLAIN_MAX);
        for (size_t j = 0; j < e->count; j++) {
            e->feature[j] = vigil__get_count(r, m->nsel - 1);
            e->z[j] = vigil__get_f64(r);
            ok = ok && fabs(e->z[j]) <= VIGIL__Z_MAX;
        }
        ok = ok && !r->err;
    }
    if (!ok)
        return VIGIL_EFORMAT;
    m->in_episode = (int)in_episode;
    m->x_head = 0;
    m->x_count = n;
    return VIGIL_OK;
}

void vigil__explain_pop(vigil_monitor *m, size_t queued, vigil__explained *out)
{
    if (out)
        out->count = 0;
    /* events restored from a stream saved before layout 4 have no explanation: they are the
     * oldest */
    if (!m->xring || queued == 0 || queued > m->x_count)
        return;
    if (out)
        *out = m->xring[m->x_head];
    m->x_head = (m->x_head + 1) % VIGIL__ALARM_EVENTS_MAX;
    m->x_count--;
}

int vigil_monitor_next_event_explained(vigil_monitor *m, vigil_event_explanation *out)
{
    if (!m || !out)
        return vigil__status(VIGIL_EINVAL);
    const size_t queued = vigil_alarm_event_count(m->alarm);
    int rc = vigil_alarm_next_event_ex(m->alarm, &out->event);
    if (rc != 1)
        return rc;
    vigil__explained e;
    vigil__explain_pop(m, queued, &e);
    out->channel = 0;
    out->count = e.count;
    for (size_t j = 0; j < VIGIL_EXPLAIN_MAX; j++) {
        out->feature[j] = j < e.count ? e.feature[j] : 0;
        out->z[j] = j < e.count ? e.z[j] : NAN;
    }
    return 1;
}

int vigil_monitor_format_explanation(const vigil_monitor *m, const vigil_event_explanation *e,
                                     char *buf, size_t cap)
{
    if (!m || !e || !buf || cap == 0 || e->count > VIGIL_EXPLAIN_MAX)
        return vigil__status(VIGIL_EINVAL);
    for (size_t j = 0; j < e->count; j++)
        if (e->feature[j] >= m->nsel)
            return vigil__fail(VIGIL_EINVAL, "explained feature %zu out of range (%zu features)",
                               e->feature[j], m->nsel);
    buf[0] = '\0';
    if (e->count == 0) {
        if (cap < 2)
            return 0;
        buf[0] = '-';
        buf[1] = '\0';
        return 1;
    }
    size_t len = 0;
    for (size_t j = 0; j < e->count; j++) {
        char pair[320];
        int k = snprintf(pair, sizeof pair, "%s%s %+.1f", j ? ", " : "",
                         vigil_monitor_feature_name(m, e->feature[j]), e->z[j]);
        if (k < 0 || (size_t)k >= sizeof pair || len + (size_t)k + 1 > cap)
            break; /* a whole pair or nothing */
        memcpy(buf + len, pair, (size_t)k + 1);
        len += (size_t)k;
    }
    return (int)len;
}
