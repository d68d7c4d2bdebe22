/* A machine: one monitor per channel, common mode across them, one model file
 * (include/vigil/machine.h). */
#include "vigil/machine.h"
#include "vigil/common_mode.h"

#include "file_io.h"
#include "model_io.h"
#include "monitor_impl.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL_NAME_MAX 64
#define VIGIL_STEP_COLUMNS_MAX 256 /* amplitude columns the step rule looks at */

struct vigil_machine {
    size_t nch, width;
    char **names;             /* channel names */
    vigil_monitor **mon;      /* one per channel, same columns */
    int common;               /* common mode on */
    int learning;             /* rows learnt: the selection and common mode are fixed */
    /* common mode on the selected columns only (an unselected column may be empty or NaN, as
     * the monitor allows): the columns, their modes, and scratch rows (made at creation) */
    size_t ncm;
    size_t *cm_col;
    int *cm_mode;
    double *cm_in, *row;      /* ncm x nch; nch x width */
    /* the step after a gap (common mode, gap policy KEEP): log amplitudes (the ratio columns)
     * of the last `steps` rows before the gap (a ring) and of the first `steps` after it */
    size_t steps;             /* the monitors' relearn rows when the buffers were made */
    double *pre, *post, *work; /* steps x nch x ncm each; work: max(steps, nch, ncm) */
    size_t npre, pre_at, npost;
    int after_gap;            /* collecting the rows after a gap */
};

static void plan_common_mode(vigil_machine *m);
static int step_buffers(vigil_machine *m);

static int channel_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CHANNEL_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int check_channels(const char *const *channels, size_t nch)
{
    if (!channels || nch < 1 || nch > VIGIL_MACHINE_CHANNELS_MAX)
        return vigil__fail(VIGIL_EINVAL, "machine: needs 1..%d channel names (got %zu)",
                           VIGIL_MACHINE_CHANNELS_MAX, channels ? nch : 0);
    for (size_t g = 0; g < nch; g++) {
        if (!channel_name_ok(channels[g]))
            return vigil__fail(VIGIL_EINVAL, "machine: channel %zu: a name is 1..%d letters, "
                               "digits, '_', '-' or '.'", g + 1, CHANNEL_NAME_MAX);
        for (size_t h = 0; h < g; h++)
            if (strcmp(channels[g], channels[h]) == 0)
                return vigil__fail(VIGIL_EINVAL, "machine: channel '%s' named twice",
                                   channels[g]);
    }
    return VIGIL_OK;
}

void vigil_machine_destroy(vigil_machine *m)
{
    if (!m)
        return;
    for (size_t g = 0; g < m->nch; g++) {
        if (m->names)
            free(m->names[g]);
        if (m->mon)
            vigil_monitor_destroy(m->mon[g]);
    }
    free(m->names);
    free(m->mon);
    free(m->cm_col);
    free(m->cm_mode);
    free(m->cm_in);
    free(m->row);
    free(m->pre);
    free(m->post);
    free(m->work);
    free(m);
}

/* The shell: names copied, arrays and scratch allocated, no monitors yet. */
static int machine_new(const char *const *channels, size_t nch, size_t width,
                       vigil_machine **out)
{
    vigil_machine *m = calloc(1, sizeof *m);
    if (!m)
        return vigil__status(VIGIL_ENOMEM);
    m->nch = nch;
    m->width = width;
    m->common = nch >= 3; /* the rule of the header's file comment */
    m->names = calloc(nch, sizeof *m->names);
    m->mon = calloc(nch, sizeof *m->mon);
    m->cm_col = calloc(width, sizeof *m->cm_col);
    m->cm_mode = calloc(width, sizeof *m->cm_mode);
    m->cm_in = calloc(width * nch, sizeof *m->cm_in);
    m->row = calloc(width * nch, sizeof *m->row);
    int ok = m->names && m->mon && m->cm_col && m->cm_mode && m->cm_in && m->row;
    for (size_t g = 0; ok && g < nch; g++)
        ok = (m->names[g] = malloc(strlen(channels[g]) + 1)) != NULL;
    if (!ok) {
        vigil_machine_destroy(m);
        return vigil__status(VIGIL_ENOMEM);
    }
    for (size_t g = 0; g < nch; g++)
        strcpy(m->names[g], channels[g]);
    *out = m;
    return VIGIL_OK;
}

int vigil_machine_create(const char *const *channels, size_t nch, const char *const *names,
                         size_t width, int kind, vigil_machine **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    int rc = check_channels(channels, nch);
    if (rc)
        return rc;
    vigil_monitor *first = NULL;
    rc = vigil_monitor_create(names, width, kind, &first); /* checks names, width, kind */
    if (rc)
        return rc;
    vigil_machine *m = NULL;
    rc = machine_new(channels, nch, width, &m);
    if (rc) {
        vigil_monitor_destroy(first);
        return rc;
    }
    m->mon[0] = first;
    for (size_t g = 1; g < nch && rc == VIGIL_OK; g++)
        rc = vigil_monitor_create(names, width, kind, &m->mon[g]);
    if (rc) {
        vigil_machine_destroy(m);
        return rc;
    }
    *out = m;
    return VIGIL_OK;
}

int vigil_machine_adopt(const char *const *channels, size_t nch, vigil_monitor **monitors,
                        vigil_machine **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    int rc = check_channels(channels, nch);
    if (rc)
        return rc;
    if (!monitors)
        return vigil__fail(VIGIL_EINVAL, "machine: NULL monitors");
    for (size_t g = 0; g < nch; g++) {
        const vigil_monitor *a = monitors[g];
        if (!a)
            return vigil__fail(VIGIL_EINVAL, "machine: channel '%s': NULL monitor",
                               channels[g]);
        if (a->fitted != monitors[0]->fitted)
            return vigil__fail(VIGIL_ESTATE, "machine: channel '%s': the monitors must be all "
                               "fitted or all unfitted", channels[g]);
        for (size_t c = 0; c < a->nconds && !a->fitted; c++)
            if (a->cond[c].nrows)
                return vigil__fail(VIGIL_ESTATE, "machine: channel '%s': the monitor has "
                                   "rows learnt", channels[g]);
        for (size_t h = 0; h < g; h++)
            if (monitors[h] == a)
                return vigil__fail(VIGIL_EINVAL, "machine: one monitor given twice");
        if (a->ncols != monitors[0]->ncols)
            return vigil__fail(VIGIL_EINVAL, "machine: channel '%s' has %zu columns, '%s' %zu",
                               channels[g], a->ncols, channels[0], monitors[0]->ncols);
        for (size_t i = 0; i < a->ncols; i++)
            if (strcmp(a->names[i], monitors[0]->names[i]) != 0)
                return vigil__fail(VIGIL_EINVAL, "machine: channel '%s': column %zu is '%s', "
                                   "'%s' has '%s'", channels[g], i + 1, a->names[i],
                                   channels[0], monitors[0]->names[i]);
    }
    vigil_machine *m = NULL;
    rc = machine_new(channels, nch, monitors[0]->ncols, &m);
    if (rc)
        return rc;
    memcpy(m->mon, monitors, nch * sizeof *monitors);
    if (monitors[0]->fitted) {
        /* fitted apart (a host that scored each channel on its own rows): no common mode */
        m->common = 0;
        m->learning = 1;
        plan_common_mode(m);
    }
    *out = m;
    return VIGIL_OK;
}

int vigil_machine_set_common_mode(vigil_machine *m, int on)
{
    if (!m || (on != 0 && on != 1))
        return vigil__fail(VIGIL_EINVAL, "machine common mode: NULL machine or a value not 0/1");
    if (m->learning || m->mon[0]->fitted)
        return vigil__fail(VIGIL_ESTATE, "machine common mode: set it before learning");
    if (on && m->nch < 2)
        return vigil__fail(VIGIL_EINVAL, "machine common mode: needs 2 or more channels");
    m->common = on;
    return VIGIL_OK;
}

int vigil_machine_common_mode(const vigil_machine *m)
{
    return m ? m->common : 0;
}

size_t vigil_machine_channel_count(const vigil_machine *m)
{
    return m ? m->nch : 0;
}

const char *vigil_machine_channel_name(const vigil_machine *m, size_t g)
{
    return m && g < m->nch ? m->names[g] : NULL;
}

int vigil_machine_find_channel(const vigil_machine *m, const char *name)
{
    if (!m || !name)
        return vigil__status(VIGIL_EINVAL);
    for (size_t g = 0; g < m->nch; g++)
        if (strcmp(m->names[g], name) == 0)
            return (int)g;
    return vigil__fail(VIGIL_ENOTFOUND, "machine: no channel '%s'", name);
}

size_t vigil_machine_width(const vigil_machine *m)
{
    return m ? m->width : 0;
}

vigil_monitor *vigil_machine_monitor(const vigil_machine *m, size_t g)
{
    return m && g < m->nch ? m->mon[g] : NULL;
}

/* The columns common mode refers (those any channel's monitor selects) and their kinds; fixed
 * once rows are learnt (the selection is too). */
static void plan_common_mode(vigil_machine *m)
{
    m->ncm = 0;
    for (size_t i = 0; i < m->width; i++) {
        int used = 0;
        for (size_t g = 0; g < m->nch && !used; g++)
            for (size_t k = 0; k < m->mon[g]->nsel && !used; k++)
                used = m->mon[g]->sel[k] == i;
        if (used) {
            m->cm_col[m->ncm] = i;
            m->cm_mode[m->ncm++] = vigil_common_mode_kind_of(m->mon[0]->names[i]);
        }
    }
}

/* m->row := the row with common mode applied to the selected columns (or a copy). */
static int refer_row(vigil_machine *m, const double *row)
{
    memcpy(m->row, row, m->nch * m->width * sizeof *row);
    if (!m->common || m->ncm == 0)
        return VIGIL_OK;
    for (size_t g = 0; g < m->nch; g++)
        for (size_t j = 0; j < m->ncm; j++)
            m->cm_in[g * m->ncm + j] = row[g * m->width + m->cm_col[j]];
    int rc = vigil_common_mode(m->cm_in, m->nch, m->ncm, m->cm_mode, m->cm_in);
    if (rc)
        return rc;
    for (size_t g = 0; g < m->nch; g++)
        for (size_t j = 0; j < m->ncm; j++)
            m->row[g * m->width + m->cm_col[j]] = m->cm_in[g * m->ncm + j];
    return VIGIL_OK;
}

static int check_row(const vigil_machine *m, const double *row, size_t n, const char *what)
{
    if (!m || !row)
        return vigil__fail(VIGIL_EINVAL, "machine %s: NULL machine or row", what);
    if (n != m->nch * m->width)
        return vigil__fail(VIGIL_EMISMATCH, "machine %s: row has %zu values, %zu channels x "
                           "%zu columns need %zu", what, n, m->nch, m->width,
                           m->nch * m->width);
    return VIGIL_OK;
}

static int channel_fail(const vigil_machine *m, size_t g, int rc, const char *what)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s", vigil_last_error());
    return vigil__fail(rc, "machine %s: channel '%s': %s", what, m->names[g], msg);
}

int vigil_machine_learn(vigil_machine *m, const double *row, size_t n, size_t condition)
{
    int rc = check_row(m, row, n, "learn");
    if (rc)
        return rc;
    if (m->mon[0]->fitted)
        return vigil__fail(VIGIL_ESTATE, "machine learn: already fitted");
    if (!m->learning)
        plan_common_mode(m);
    rc = refer_row(m, row);
    if (rc)
        return rc;
    /* Validate on every channel before learning on any, so a refused row leaves none changed:
     * the monitor refuses a bad value, a bad condition or a wrong width. */
    for (size_t g = 0; g < m->nch; g++) {
        const vigil_monitor *c = m->mon[g];
        if (condition >= c->nconds)
            return vigil__fail(VIGIL_EINVAL, "machine learn: condition %zu, channel '%s' has "
                               "%zu", condition, m->names[g], c->nconds);
        for (size_t k = 0; k < c->nsel; k++) {
            const double v = m->row[g * m->width + c->sel[k]];
            if (!isfinite(v) || fabs(v) > VIGIL_VALUE_MAX)
                return vigil__fail(VIGIL_ENONFINITE, "machine learn: channel '%s': %s is %g",
                                   m->names[g], c->names[c->sel[k]], v);
        }
    }
    for (size_t g = 0; g < m->nch; g++) {
        rc = vigil_monitor_learn(m->mon[g], m->row + g * m->width, m->width, condition);
        if (rc) /* out of memory only (checked above): the earlier channels keep the row */
            return channel_fail(m, g, rc, "learn");
    }
    m->learning = 1;
    return VIGIL_OK;
}

int vigil_machine_fit(vigil_machine *m)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (!m->learning && !m->mon[0]->fitted)
        plan_common_mode(m);
    for (size_t g = 0; g < m->nch; g++) {
        if (m->mon[g]->fitted)
            continue; /* a failed fit of a later channel may be retried */
        int rc = vigil_monitor_fit(m->mon[g]);
        if (rc)
            return channel_fail(m, g, rc, "fit");
    }
    return step_buffers(m);
}

int vigil_machine_fitted(const vigil_machine *m)
{
    if (!m)
        return 0;
    for (size_t g = 0; g < m->nch; g++)
        if (!m->mon[g]->fitted)
            return 0;
    return 1;
}

/* The buffers of the step rule (made at fit and load, never per row). */
static int step_buffers(vigil_machine *m)
{
    const size_t r = m->mon[0]->relearn, cells = r * m->nch * m->ncm;
    size_t w = r > m->nch ? r : m->nch;
    w = w > m->ncm ? w : m->ncm;
    free(m->pre);
    free(m->post);
    free(m->work);
    m->pre = malloc(cells * sizeof *m->pre);
    m->post = malloc(cells * sizeof *m->post);
    m->work = malloc(w * sizeof *m->work);
    m->steps = r;
    m->npre = m->pre_at = m->npost = 0;
    m->after_gap = 0;
    if (!m->pre || !m->post || !m->work) {
        m->steps = 0;
        return vigil__status(VIGIL_ENOMEM);
    }
    return VIGIL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0], v[stride], ... (n values, all finite) via the scratch w. */
static double median_of(const double *v, size_t n, size_t stride, double *w)
{
    for (size_t i = 0; i < n; i++)
        w[i] = v[i * stride];
    qsort(w, n, sizeof *w, cmp_double);
    return 0.5 * (w[(n - 1) / 2] + w[n / 2]);
}

/* Did every channel step together at the gap? Per amplitude column: the step of channel g is
 * the change of the median log value (rows after minus rows before); the shared step is the
 * median over channels. It is the machine's operating point that moved when the shared step
 * stands out (3 sigma, robust) both from the channels' spread around it and from the rows'
 * own noise before the gap, for the median column. A fault that grew during the pause moves
 * one channel: a small shared step, a large spread; an overnight stop moves nothing. */
static int stepped_together(vigil_machine *m)
{
    const size_t r = m->steps, nch = m->nch, ncm = m->ncm, cell = nch * ncm;
    double cons[VIGIL_STEP_COLUMNS_MAX], sig[VIGIL_STEP_COLUMNS_MAX];
    size_t na = 0;
    for (size_t j = 0; j < ncm && na < VIGIL_STEP_COLUMNS_MAX; j++) {
        if (m->cm_mode[j] != VIGIL_COMMON_RATIO)
            continue;
        double step[VIGIL_MACHINE_CHANNELS_MAX], noise[VIGIL_MACHINE_CHANNELS_MAX];
        for (size_t g = 0; g < nch; g++) {
            const double *pre = m->pre + g * ncm + j, *post = m->post + g * ncm + j;
            for (size_t i = 0; i < r; i++)
                if (!isfinite(pre[i * cell]) || !isfinite(post[i * cell]))
                    return 0;
            const double before = median_of(pre, r, cell, m->work);
            step[g] = median_of(post, r, cell, m->work) - before;
            for (size_t i = 0; i < r; i++)
                m->work[i] = fabs(pre[i * cell] - before);
            noise[g] = 1.4826 * median_of(m->work, r, 1, m->work);
        }
        const double shared = median_of(step, nch, 1, m->work);
        double dev[VIGIL_MACHINE_CHANNELS_MAX];
        for (size_t g = 0; g < nch; g++)
            dev[g] = fabs(step[g] - shared);
        const double spread = 1.4826 * median_of(dev, nch, 1, m->work);
        const double quiet = median_of(noise, nch, 1, m->work);
        cons[na] = fabs(shared) / fmax(spread, 1e-12);
        sig[na] = fabs(shared) / fmax(quiet, 1e-12);
        na++;
    }
    if (na == 0)
        return 0;
    return median_of(cons, na, 1, m->work) > 3.0 && median_of(sig, na, 1, m->work) > 3.0;
}

/* Keep the log amplitudes of an accepted row: in the ring before a gap, or after it. */
static void note_step_row(vigil_machine *m, const double *row, int gap)
{
    const size_t cell = m->nch * m->ncm;
    if (gap) {
        m->after_gap = 1;
        m->npost = 0;
    }
    double *dst = m->after_gap ? m->post + m->npost * cell : m->pre + m->pre_at * cell;
    for (size_t g = 0; g < m->nch; g++)
        for (size_t j = 0; j < m->ncm; j++) {
            const double v = row[g * m->width + m->cm_col[j]];
            dst[g * m->ncm + j] = m->cm_mode[j] == VIGIL_COMMON_RATIO && v > 0.0 ? log(v)
                                                                                  : NAN;
        }
    if (!m->after_gap) {
        m->pre_at = (m->pre_at + 1) % m->steps;
        m->npre += m->npre < m->steps;
        return;
    }
    if (++m->npost < m->steps)
        return;
    const int together = m->npre == m->steps && stepped_together(m);
    for (size_t g = 0; g < m->nch; g++)
        vigil__monitor_reref_verdict(m->mon[g], together);
    m->after_gap = 0;
    m->npre = m->pre_at = 0; /* the ring refills from the new segment */
}

/* Every channel rejects the row (its REJECTED counter): a time of NaN is refused by each. */
static void reject_all(vigil_machine *m, const double *row, size_t condition)
{
    for (size_t g = 0; g < m->nch; g++)
        (void)vigil_monitor_score(m->mon[g], row + g * m->width, m->width, NAN, condition);
}

int vigil_machine_score(vigil_machine *m, const double *row, size_t n, double t,
                        size_t condition, int *states)
{
    int rc = check_row(m, row, n, "score");
    if (rc)
        return rc;
    if (!vigil_machine_fitted(m))
        return vigil__fail(VIGIL_ESTATE, "machine score: not fitted");
    if (m->common) {
        if (!isfinite(t)) {
            reject_all(m, row, condition);
            return vigil__fail(VIGIL_ENONFINITE, "machine score: time %g is not finite", t);
        }
        rc = refer_row(m, row);
        if (rc) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            reject_all(m, row, condition);
            return vigil__fail(rc, "machine score: %s", msg);
        }
    } else {
        memcpy(m->row, row, n * sizeof *row);
    }
    int worst = VIGIL_STATE_OK, failed = 0;
    char msg[600] = "";
    /* the step rule (docs/MODELS.md "A machine's channels") */
    const int gated = m->common && m->steps == m->mon[0]->relearn && m->steps > 0 &&
                      m->mon[0]->gap_policy == VIGIL_GAP_KEEP;
    size_t scored = 0, segments = 0;
    for (size_t g = 0; g < m->nch; g++) {
        m->mon[g]->reref_gated = gated;
        scored += m->mon[g]->counts[VIGIL_COUNTER_SCORED];
        segments += m->mon[g]->counts[VIGIL_COUNTER_SEGMENTS];
    }
    for (size_t g = 0; g < m->nch; g++) {
        const int st = vigil_monitor_score(m->mon[g], m->row + g * m->width, m->width, t,
                                           condition);
        if (st < 0) {
            if (!failed) {
                failed = st;
                snprintf(msg, sizeof msg, "channel '%s': %s", m->names[g], vigil_last_error());
            }
            if (states)
                states[g] = vigil_monitor_state(m->mon[g]);
            continue;
        }
        if (states)
            states[g] = st;
        if (st > worst)
            worst = st;
    }
    if (gated && !failed) {
        size_t scored_now = 0, segments_now = 0;
        for (size_t g = 0; g < m->nch; g++) {
            scored_now += m->mon[g]->counts[VIGIL_COUNTER_SCORED];
            segments_now += m->mon[g]->counts[VIGIL_COUNTER_SEGMENTS];
        }
        /* a new segment after the first (a gap or a clock step) starts the rows after it */
        if (scored_now > scored)
            note_step_row(m, row, segments_now > segments && scored > 0);
    }
    if (failed)
        return vigil__fail(failed, "machine score: %s", msg);
    return worst;
}

int vigil_machine_reset(vigil_machine *m)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    for (size_t g = 0; g < m->nch; g++)
        vigil_monitor_reset(m->mon[g]);
    return VIGIL_OK;
}

int vigil_machine_next_event(vigil_machine *m, vigil_event_explanation *out)
{
    if (!m || !out)
        return vigil__status(VIGIL_EINVAL);
    size_t first = m->nch;
    double t_first = NAN;
    for (size_t g = 0; g < m->nch; g++) {
        const double t = vigil__alarm_oldest_event_time(m->mon[g]->alarm);
        if (!isnan(t) && (first == m->nch || t < t_first)) {
            first = g;
            t_first = t;
        }
    }
    if (first == m->nch)
        return 0;
    int rc = vigil_monitor_next_event_explained(m->mon[first], out);
    if (rc == 1)
        out->channel = first;
    return rc;
}

/* ---- saving: one format-2 model file whose payload is a single machine section ---------- */

/* The step rule's stream state (layout 2 of the machine section, with VIGIL_SAVE_STREAM): the
 * rows around a gap it is collecting, so that a machine saved while it waits for the rows after
 * a gap reaches the same verdict after a restart. u64 steps, npre, pre_at, npost, u32 after_gap,
 * the ring before the gap (npre cells) and the rows after it (npost cells); a cell holds the
 * channels' log amplitudes (NaN for columns that are not ratios). */
static void save_steps(const vigil_machine *m, vigil__wbuf *w)
{
    const size_t cell = m->nch * m->ncm;
    vigil__put_u64(w, m->steps);
    vigil__put_u64(w, m->npre);
    vigil__put_u64(w, m->pre_at);
    vigil__put_u64(w, m->npost);
    vigil__put_u32(w, (uint32_t)m->after_gap);
    vigil__put_f64s(w, m->pre, m->npre * cell); /* the cells in use: the ring's first npre */
    vigil__put_f64s(w, m->post, m->npost * cell);
}

/* Into a machine whose step buffers are made (step_buffers()); VIGIL_OK or VIGIL_EFORMAT. */
static int load_steps(vigil_machine *m, vigil__rbuf *r)
{
    const size_t cell = m->nch * m->ncm;
    const size_t steps = vigil__get_count(r, SIZE_MAX / 2);
    const size_t npre = vigil__get_count(r, m->steps), pre_at = vigil__get_count(r, SIZE_MAX / 2);
    const size_t npost = vigil__get_count(r, m->steps);
    const uint32_t after_gap = vigil__get_u32(r);
    /* the ring fills from cell 0: until it is full, pre_at is its count; after the rows that
     * follow a gap reach `steps` the verdict is given and npost stays at steps */
    int ok = !r->err && after_gap <= 1 &&
             (steps == 0 || (npre < steps ? pre_at == npre : pre_at < steps)) &&
             (!after_gap || npost < steps);
    /* steps 0: the saved machine had no buffers yet (adopted monitors), nothing collected */
    ok = ok && (steps == m->steps ||
                (steps == 0 && npre == 0 && pre_at == 0 && npost == 0 && !after_gap));
    if (ok) {
        vigil__get_f64s(r, m->pre, npre * cell);
        vigil__get_f64s(r, m->post, npost * cell);
        ok = !r->err;
    }
    for (size_t i = 0; ok && i < npre * cell; i++)
        ok = isnan(m->pre[i]) || fabs(m->pre[i]) < 1e3; /* logs of |values| <= 1e150 */
    for (size_t i = 0; ok && i < npost * cell; i++)
        ok = isnan(m->post[i]) || fabs(m->post[i]) < 1e3;
    if (!ok)
        return VIGIL_EFORMAT;
    m->npre = npre;
    m->pre_at = pre_at;
    m->npost = npost;
    m->after_gap = (int)after_gap;
    return VIGIL_OK;
}

/* The machine section: u32 layout (1; 2 with the stream state), u64 channels, u32 common mode,
 * per channel its name and its monitor's payload (u64 length, bytes: the sections of a
 * monitor's own file), then with layout 2 the step rule's state (save_steps()). */
static int serialise(const vigil_machine *m, int flags, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (flags & ~VIGIL_SAVE_STREAM)
        return vigil__fail(VIGIL_EINVAL, "machine save: unknown flags %d", flags);
    if (!vigil_machine_fitted(m))
        return vigil__fail(VIGIL_ESTATE, "machine save: only a fitted machine can be saved");
    vigil__wbuf sec = {0};
    vigil__put_u32(&sec, flags & VIGIL_SAVE_STREAM ? 2 : 1);
    vigil__put_u64(&sec, m->nch);
    vigil__put_u32(&sec, (uint32_t)m->common);
    int rc = VIGIL_OK;
    for (size_t g = 0; g < m->nch && rc == VIGIL_OK; g++) {
        vigil__put_str(&sec, m->names[g]);
        vigil__wbuf ch = {0};
        rc = vigil__monitor_payload(m->mon[g], flags, &ch);
        if (rc == VIGIL_OK) {
            vigil__put_u64(&sec, ch.len);
            vigil__put_bytes(&sec, ch.p, ch.len);
        }
        free(ch.p);
    }
    if (flags & VIGIL_SAVE_STREAM)
        save_steps(m, &sec);
    vigil__wbuf w = {0};
    if (rc == VIGIL_OK) {
        vigil__put_u32(&w, VIGIL__SECTION_MACHINE);
        vigil__put_u64(&w, sec.len);
        vigil__put_bytes(&w, sec.p, sec.len);
        rc = sec.err || w.err ? vigil__status(VIGIL_ENOMEM) : VIGIL_OK;
    }
    if (rc == VIGIL_OK)
        rc = vigil__model_pack(w.p, w.len, VIGIL__MODEL_VERSION, out, out_len);
    free(sec.p);
    free(w.p);
    return rc;
}

int vigil_machine_save_size(const vigil_machine *m, int flags, size_t *size)
{
    if (!size)
        return vigil__status(VIGIL_EINVAL);
    unsigned char *b;
    int rc = serialise(m, flags, &b, size);
    free(b);
    return rc;
}

int vigil_machine_save(const vigil_machine *m, int flags, void *buf, size_t cap,
                       size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !written)
        return vigil__status(VIGIL_EINVAL);
    unsigned char *b;
    size_t n;
    int rc = serialise(m, flags, &b, &n);
    if (rc == VIGIL_OK && n > cap)
        rc = vigil__fail(VIGIL_ESPACE, "machine model needs %zu bytes, buffer has %zu", n, cap);
    if (rc == VIGIL_OK) {
        memcpy(buf, b, n);
        *written = n;
    }
    free(b);
    return rc;
}

int vigil_machine_save_file(const vigil_machine *m, const char *path, int flags)
{
    if (!path || !path[0])
        return vigil__status(VIGIL_EINVAL);
    unsigned char *b;
    size_t n;
    int rc = serialise(m, flags, &b, &n);
    if (rc == VIGIL_OK)
        rc = vigil__file_replace(path, b, n);
    free(b);
    return rc;
}

static int bad(vigil_machine *m, const char *what)
{
    vigil_machine_destroy(m);
    return vigil__fail(VIGIL_EFORMAT, "vigil machine model: %s", what);
}

static int parse_machine(vigil__rbuf *r, vigil_machine **out)
{
    const uint32_t layout = vigil__get_u32(r);
    const size_t nch = vigil__get_count(r, VIGIL_MACHINE_CHANNELS_MAX);
    const uint32_t common = vigil__get_u32(r);
    if (r->err || layout < 1 || layout > 2 || nch == 0 || common > 1 || (common && nch < 2))
        return vigil__fail(VIGIL_EFORMAT, "vigil machine model: invalid machine header");
    char *names[VIGIL_MACHINE_CHANNELS_MAX] = {0};
    vigil_monitor *mon[VIGIL_MACHINE_CHANNELS_MAX] = {0};
    int rc = VIGIL_OK;
    for (size_t g = 0; g < nch && rc == VIGIL_OK; g++) {
        names[g] = vigil__get_str(r);
        const uint64_t len = vigil__get_u64(r);
        if (r->err || !names[g] || len > r->len - r->pos) {
            rc = vigil__fail(VIGIL_EFORMAT, "vigil machine model: truncated channel %zu", g + 1);
            break;
        }
        rc = vigil__monitor_load_payload(r->p + r->pos, (size_t)len, &mon[g]);
        r->pos += (size_t)len;
        if (rc && rc != VIGIL_ENOMEM) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            rc = vigil__fail(VIGIL_EFORMAT, "vigil machine model: channel %zu: %s", g + 1, msg);
        }
    }
    if (rc == VIGIL_OK && layout == 1 && r->pos != r->len)
        rc = vigil__fail(VIGIL_EFORMAT, "vigil machine model: trailing bytes");
    vigil_machine *m = NULL;
    if (rc == VIGIL_OK) {
        /* adopt's checks are for unfitted monitors: the names and columns are checked here */
        rc = check_channels((const char *const *)names, nch);
        for (size_t g = 1; g < nch && rc == VIGIL_OK; g++) {
            int same = mon[g]->ncols == mon[0]->ncols;
            for (size_t i = 0; same && i < mon[0]->ncols; i++)
                same = strcmp(mon[g]->names[i], mon[0]->names[i]) == 0;
            if (!same)
                rc = VIGIL_EFORMAT;
        }
        if (rc != VIGIL_OK)
            rc = vigil__fail(VIGIL_EFORMAT, "vigil machine model: channel names or columns "
                             "differ");
    }
    if (rc == VIGIL_OK)
        rc = machine_new((const char *const *)names, nch, mon[0]->ncols, &m);
    for (size_t g = 0; g < nch; g++)
        free(names[g]);
    if (rc) {
        for (size_t g = 0; g < nch; g++)
            vigil_monitor_destroy(mon[g]);
        return rc;
    }
    memcpy(m->mon, mon, nch * sizeof *mon);
    m->common = (int)common;
    m->learning = 1;
    plan_common_mode(m);
    if ((rc = step_buffers(m)) != VIGIL_OK) {
        vigil_machine_destroy(m);
        return rc;
    }
    if (layout == 2 && (load_steps(m, r) != VIGIL_OK || r->pos != r->len))
        return bad(m, "invalid stream state of the step rule");
    *out = m;
    return VIGIL_OK;
}

int vigil_machine_load(const void *buf, size_t len, vigil_machine **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!buf)
        return vigil__status(VIGIL_EINVAL);
    unsigned char *payload;
    size_t n;
    uint32_t version;
    int rc = vigil__model_unpack(buf, len, &payload, &n, &version);
    if (rc)
        return rc;
    vigil__rbuf r = {payload, n, 0, 0};
    const uint32_t tag = version >= 2 ? vigil__get_u32(&r) : 0;
    const uint64_t slen = vigil__get_u64(&r);
    if (tag == VIGIL__SECTION_MACHINE && !r.err && slen == r.len - r.pos) {
        vigil__rbuf sec = {r.p + r.pos, (size_t)slen, 0, 0};
        rc = parse_machine(&sec, out);
    } else if (tag == VIGIL__SECTION_MACHINE) {
        rc = bad(NULL, "the machine section's length is not the payload's");
    } else {
        /* not a machine: say so when it is a valid single monitor's model */
        vigil_monitor *one = NULL;
        rc = vigil_monitor_load(buf, len, &one);
        vigil_monitor_destroy(one);
        if (rc == VIGIL_OK)
            rc = vigil__fail(VIGIL_ENOTFOUND, "vigil machine model: this is a single "
                             "monitor's model (load it with vigil_monitor_load)");
    }
    free(payload);
    return rc;
}

int vigil_machine_load_file(const char *path, vigil_machine **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!path)
        return vigil__status(VIGIL_EINVAL);
    unsigned char *b;
    size_t len;
    int rc = vigil__model_file_read(path, &b, &len);
    if (rc)
        return rc;
    rc = vigil__model_file_blame(path, vigil_machine_load(b, len, out));
    free(b);
    return rc;
}
