/* Saving and loading a fitted monitor (configuration, baselines, thresholds, detector state)
 * in the container of model_io.c. Loading validates every field before use: a corrupt or
 * hostile blob gives VIGIL_EFORMAT, never a crash or an absurd allocation. */
#include "file_io.h"
#include "model_io.h"
#include "monitor_impl.h"
#include "pipeline_impl.h"
#include "prognosis_impl.h"

#include "status.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sections of a version-2 payload: u32 tag, u64 length, bytes. Tags below 0x100 must be
 * understood by the reader (unknown: VIGIL_EFORMAT); tags from 0x100 are optional and skipped
 * by a reader that does not know them. */
enum {
    SECTION_CORE = 1,      /* configuration, baselines, thresholds, detectors (the v1 payload) */
    SECTION_PIPELINE = 2,  /* the specification: canonical text of vigil_pipeline_print() */
    SECTION_TRAINING = 3,  /* what was learnt: rows per condition */
    SECTION_STREAM = 0x100, /* optional: stream state, so a restarted host resumes */
    SECTION_PROGNOSER = 0x101 /* optional: the prognoser (vigil_monitor_set_prognoser) */
};

/* The trained model: everything but the stream state (the version-1 payload). */
static void serialise_core(const vigil_monitor *m, vigil__wbuf *w0)
{
    vigil__wbuf w = *w0;
    vigil__put_u32(&w, (uint32_t)m->kind);
    vigil__put_u64(&w, m->ncols);
    for (size_t i = 0; i < m->ncols; i++)
        vigil__put_str(&w, m->names[i]);
    vigil__put_u64(&w, m->nsel);
    for (size_t i = 0; i < m->nsel; i++) {
        vigil__put_u64(&w, m->sel[i]);
        vigil__put_u32(&w, (uint32_t)m->dir[i]);
    }
    vigil__put_u64(&w, m->nconds);
    vigil__put_u64(&w, m->seed);
    vigil__put_f64(&w, m->quantile);
    vigil__put_u32(&w, (uint32_t)m->thr_mode);
    vigil__put_f64(&w, m->alpha);
    vigil__put_u64(&w, m->k);
    vigil__put_u64(&w, m->n);
    vigil__put_u64(&w, m->k_warn);
    vigil__put_f64(&w, m->clear);
    vigil__put_f64(&w, m->gap);
    vigil__put_u32(&w, (uint32_t)m->gap_policy);
    vigil__put_u64(&w, m->relearn);
    vigil__put_f64(&w, m->horizon);
    vigil__put_f64(&w, m->rel_floor);
    vigil__put_str(&w, m->note ? m->note : "");
    for (size_t c = 0; c < m->nconds; c++) {
        const vigil__cond *k = &m->cond[c];
        vigil__put_f64s(&w, k->med, m->nsel);
        vigil__put_f64s(&w, k->scale, m->nsel);
        vigil__put_f64(&w, k->thr);
        k->det->ops->save(k->det, &w);
    }
    *w0 = w;
}

/* The rest of the stream state (layout 4): everything else the next row's outcome depends on,
 * so that a monitor saved with its stream and loaded scores the following rows exactly as the
 * one that never stopped (tests/test_stream_resume.c): the time-quirk counts and clock shift,
 * the previous row (duplicates), a re-reference in progress with its rows, the smoothing, the
 * last T^2 and SPE, the episode's peaks and the queued explanations. */
static void serialise_resume(const vigil_monitor *m, vigil__wbuf *w)
{
    for (size_t c = 0; c < VIGIL_COUNTER_COUNT; c++)
        vigil__put_u64(w, m->counts[c]);
    vigil__put_f64(w, m->t_shift);
    vigil__put_f64s(w, m->prev, m->nsel);
    vigil__put_u64(w, m->prev_cond);
    vigil__put_f64(w, m->t2);
    vigil__put_f64(w, m->spe);
    vigil__put_u32(w, (uint32_t)(m->reref_cond + 1));
    vigil__put_u32(w, (uint32_t)m->reref_ready);
    for (size_t c = 0; c < m->nconds; c++) {
        const vigil__cond *k = &m->cond[c];
        vigil__put_u64(w, k->nreref);
        vigil__put_f64s(w, k->reref, k->nreref * m->nsel);
        if (k->det->ops->save_stream)
            k->det->ops->save_stream(k->det, w);
    }
    vigil__explain_save(m, w);
}

static int load_resume(vigil_monitor *m, vigil__rbuf *r)
{
    for (size_t c = 0; c < VIGIL_COUNTER_COUNT; c++)
        m->counts[c] = vigil__get_count(r, SIZE_MAX / 2);
    m->t_shift = vigil__get_f64(r);
    vigil__get_f64s(r, m->prev, m->nsel);
    m->prev_cond = vigil__get_count(r, m->nconds - 1);
    m->t2 = vigil__get_f64(r);
    m->spe = vigil__get_f64(r);
    const uint32_t reref_cond = vigil__get_u32(r), reref_ready = vigil__get_u32(r);
    int ok = !r->err && m->t_shift >= 0.0 && isfinite(m->t_shift) && reref_cond <= m->nconds &&
             reref_ready <= m->nconds && !(reref_cond && reref_ready) &&
             !(m->t2 < 0.0) && !(m->spe < 0.0);
    for (size_t i = 0; ok && i < m->nsel; i++)
        ok = fabs(m->prev[i]) <= VIGIL_VALUE_MAX;
    for (size_t c = 0; ok && c < m->nconds; c++) {
        vigil__cond *k = &m->cond[c];
        k->nreref = vigil__get_count(r, m->relearn);
        vigil__get_f64s(r, k->reref, k->nreref * m->nsel);
        /* rows are held only by the condition re-referencing (fewer than relearn: the last
         * completes it at once) or by the one awaiting a machine's verdict (all relearn) */
        ok = !r->err && (reref_cond == c + 1   ? k->nreref < m->relearn
                         : reref_ready == c + 1 ? k->nreref == m->relearn
                                                : k->nreref == 0);
        for (size_t i = 0; ok && i < k->nreref * m->nsel; i++)
            ok = fabs(k->reref[i]) <= VIGIL_VALUE_MAX;
        if (ok && k->det->ops->load_stream)
            ok = k->det->ops->load_stream(k->det, r) == VIGIL_OK;
    }
    ok = ok && vigil__explain_load(m, r, vigil_alarm_event_count(m->alarm)) == VIGIL_OK;
    if (!ok)
        return vigil__fail(VIGIL_EFORMAT, "vigil model: invalid stream state");
    m->reref_cond = (int)reref_cond - 1;
    m->reref_ready = (int)reref_ready;
    return VIGIL_OK;
}

/* The stream state (optional section): the alarm's window, state and pending events, the
 * time bookkeeping of gap detection, the last score, and (layout 4) the rest of the state the
 * next rows depend on (serialise_resume()). The drift trackers start afresh on load: they only
 * report (slopes, CUSUM and Page-Hinkley flags, vigil_monitor_drift()), never decide a state,
 * and their rings of up to 4096 points per feature would make every saved stream megabytes. */
static void serialise_stream(const vigil_monitor *m, vigil__wbuf *w)
{
    /* layout of this section (2: the onset test's state, 3: its clearing, 4: the rest) */
    vigil__put_u32(w, 4);
    vigil__alarm_save_stream(m->alarm, w);
    vigil__put_u32(w, (uint32_t)m->have_t);
    vigil__put_f64(w, m->last_t);
    vigil__put_u64(w, m->nint);
    vigil__put_f64s(w, m->intervals, m->nint);
    vigil__put_f64(w, m->auto_gap);
    vigil__put_u64(w, m->gaps);
    vigil__put_u32(w, (uint32_t)m->scored);
    vigil__put_f64(w, m->last_score);
    vigil__put_f64(w, m->last_thr);
    vigil__put_f64(w, m->last_health);
    vigil__put_u64(w, (uint64_t)(m->top < 0 ? 0 : m->top));
    serialise_resume(m, w);
}

static int load_stream(vigil_monitor *m, vigil__rbuf *r)
{
    const uint32_t layout = vigil__get_u32(r);
    if (layout < 1 || layout > 4)
        return vigil__fail(VIGIL_EFORMAT, "vigil model: unknown stream-state layout");
    vigil_alarm *a = NULL;
    if (vigil_alarm_create(&a) != VIGIL_OK)
        return vigil__status(VIGIL_ENOMEM);
    int rc = vigil_alarm_set_persistence(a, m->k, m->n);
    if (rc == VIGIL_OK)
        rc = vigil_alarm_set_hysteresis(a, m->k_warn, m->clear);
    if (rc == VIGIL_OK)
        rc = vigil__monitor_configure_alarm(m, a); /* the rule and the onset test (issue 16) */
    if (rc == VIGIL_OK)
        rc = vigil__alarm_load_stream(a, r, layout);
    int have_t = (int)vigil__get_u32(r);
    double last_t = vigil__get_f64(r);
    size_t nint = vigil__get_count(r, VIGIL__AUTO_INTERVALS);
    double iv[VIGIL__AUTO_INTERVALS];
    vigil__get_f64s(r, iv, nint);
    double auto_gap = vigil__get_f64(r);
    size_t gaps = vigil__get_count(r, SIZE_MAX / 2);
    int scored = (int)vigil__get_u32(r);
    double ls = vigil__get_f64(r), lt = vigil__get_f64(r), lh = vigil__get_f64(r);
    size_t top = vigil__get_count(r, m->nsel - 1);
    int ok = rc == VIGIL_OK && !r->err && (have_t == 0 || have_t == 1) &&
             (scored == 0 || scored == 1) && (!have_t || isfinite(last_t)) &&
             !(auto_gap < 0.0) && !isnan(auto_gap);
    for (size_t i = 0; ok && i < nint; i++)
        ok = iv[i] >= 0.0 && isfinite(iv[i]);
    if (!ok) {
        vigil_alarm_destroy(a);
        return rc == VIGIL_ENOMEM ? rc : vigil__fail(VIGIL_EFORMAT, "vigil model: invalid "
                                                     "stream state");
    }
    vigil_alarm_destroy(m->alarm);
    m->alarm = a;
    m->have_t = have_t;
    m->last_t = last_t;
    m->nint = nint;
    memcpy(m->intervals, iv, nint * sizeof *iv);
    m->auto_gap = auto_gap;
    m->gaps = gaps;
    m->scored = scored;
    m->last_score = ls;
    m->last_thr = lt;
    m->last_health = lh;
    m->top = scored ? (int)top : -1;
    /* a failure from here leaves a half-restored monitor, which the caller destroys */
    rc = layout >= 4 ? load_resume(m, r) : VIGIL_OK;
    if (rc == VIGIL_OK && r->pos != r->len)
        rc = vigil__fail(VIGIL_EFORMAT, "vigil model: invalid stream state");
    return rc;
}

/* The specification section's text (only keys that differ from the defaults). */
static int pipeline_text(const vigil_monitor *m, char **text)
{
    vigil_pipeline *p = NULL;
    int rc = vigil_monitor_get_pipeline(m, &p);
    if (rc)
        return rc;
    *text = vigil__pipeline_text(p, 0);
    vigil_pipeline_destroy(p);
    return *text ? VIGIL_OK : vigil__status(VIGIL_ENOMEM);
}

static void put_section(vigil__wbuf *w, uint32_t tag, const unsigned char *b, size_t n)
{
    vigil__put_u32(w, tag);
    vigil__put_u64(w, n);
    vigil__put_bytes(w, b, n);
}

/* The sections of a saved model into w (core, pipeline, and with VIGIL_SAVE_STREAM the
 * stream state). */
static int serialise_sections(const vigil_monitor *m, int flags, vigil__wbuf *w)
{
    vigil__wbuf core = {0};
    serialise_core(m, &core);
    char *text = NULL;
    int rc = core.err ? vigil__status(VIGIL_ENOMEM) : pipeline_text(m, &text);
    if (rc == VIGIL_OK) {
        put_section(w, SECTION_CORE, core.p, core.len);
        put_section(w, SECTION_PIPELINE, (const unsigned char *)text, strlen(text));
        vigil__wbuf tr = {0};
        vigil__put_u64(&tr, m->nconds);
        for (size_t c = 0; c < m->nconds; c++)
            vigil__put_u64(&tr, m->cond[c].nrows);
        put_section(w, SECTION_TRAINING, tr.p, tr.len);
        if (tr.err)
            w->err = tr.err;
        free(tr.p);
        if (flags & VIGIL_SAVE_STREAM) {
            vigil__wbuf st = {0};
            serialise_stream(m, &st);
            put_section(w, SECTION_STREAM, st.p, st.len);
            if (st.err)
                w->err = st.err;
            free(st.p);
        }
        if (w->err)
            rc = vigil__status(VIGIL_ENOMEM);
    }
    free(core.p);
    free(text);
    return rc;
}

/* The whole payload (sections and prognoser) into w: a file's payload, or one channel of a
 * machine's (lib/machine.c). */
int vigil__monitor_payload(const vigil_monitor *m, int flags, vigil__wbuf *wout)
{
    vigil__wbuf w = *wout;
    int rc = serialise_sections(m, flags, &w);
    if (rc == VIGIL_OK && m->prog) {
        /* the prognoser: settings, prior and state; not part of the model id (it changes with
         * every row) */
        vigil__wbuf pw = {0};
        vigil__prognoser_serialise(m->prog, &pw);
        put_section(&w, SECTION_PROGNOSER, pw.p, pw.len);
        rc = pw.err || w.err ? vigil__status(VIGIL_ENOMEM) : VIGIL_OK;
        free(pw.p);
    }
    *wout = w;
    return rc;
}

static int serialise(const vigil_monitor *m, int flags, unsigned char **out, size_t *out_len)
{
    *out = NULL; /* callers free it on every path (a failed section left it unset: fuzz_model) */
    if (flags & ~VIGIL_SAVE_STREAM)
        return vigil__fail(VIGIL_EINVAL, "unknown save flags %d", flags);
    vigil__wbuf w = {0};
    int rc = vigil__monitor_payload(m, flags, &w);
    if (rc == VIGIL_OK)
        rc = vigil__model_pack(w.p, w.len, VIGIL__MODEL_VERSION, out, out_len);
    free(w.p);
    return rc;
}

int vigil_monitor_model_id(const vigil_monitor *m, char *buf, size_t cap)
{
    if (!m || !buf)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor has a model id");
    if (cap < 17)
        return vigil__fail(VIGIL_ESPACE, "a model id needs 17 bytes, buffer has %zu", cap);
    vigil__wbuf w = {0};
    int rc = serialise_sections(m, 0, &w);
    if (rc == VIGIL_OK) {
        /* FNV-1a, 64 bits, over the sections as saved: equal models, equal ids */
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t i = 0; i < w.len; i++)
            h = (h ^ w.p[i]) * 0x100000001b3ull;
        snprintf(buf, cap, "%016llx", (unsigned long long)h);
    }
    free(w.p);
    return rc;
}

int vigil_monitor_save_size_ex(const vigil_monitor *m, int flags, size_t *size)
{
    if (!m || !size)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    int rc = serialise(m, flags, &b, size);
    if (rc == VIGIL_OK)
        free(b);
    return rc;
}

int vigil_monitor_save_size(const vigil_monitor *m, size_t *size)
{
    return vigil_monitor_save_size_ex(m, 0, size);
}

int vigil_monitor_save(const vigil_monitor *m, void *buf, size_t cap, size_t *written)
{
    return vigil_monitor_save_ex(m, 0, buf, cap, written);
}

int vigil_monitor_save_ex(const vigil_monitor *m, int flags, void *buf, size_t cap,
                          size_t *written)
{
    if (written)
        *written = 0;
    if (!m || !buf || !written)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    size_t n;
    int rc = serialise(m, flags, &b, &n);
    if (rc)
        return rc;
    if (n > cap) {
        free(b);
        return vigil__fail(VIGIL_ESPACE, "model needs %zu bytes, buffer has %zu", n, cap);
    }
    memcpy(buf, b, n);
    free(b);
    *written = n;
    return VIGIL_OK;
}

static int bad(vigil_monitor *m, const char *what)
{
    vigil_monitor_destroy(m);
    return vigil__fail(VIGIL_EFORMAT, "vigil model: invalid %s", what);
}

static int parse(vigil__rbuf *r, vigil_monitor **out)
{
    int kind = (int)vigil__get_u32(r);
    size_t ncols = vigil__get_count(r, 4096);
    const vigil__detector_ops *ops = vigil__detector_find(kind);
    if (r->err || !ops || ncols == 0)
        return vigil__fail(VIGIL_EFORMAT, "vigil model: invalid header fields");
    char **names = calloc(ncols, sizeof *names);
    if (!names)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < ncols && !r->err; i++)
        if ((names[i] = vigil__get_str(r)) && !vigil__column_name_ok(names[i]))
            r->err = 1; /* vigil_monitor_create's rule: the model saves again */
    vigil_monitor *m = NULL;
    int rc = r->err ? VIGIL_EFORMAT
                    : vigil__monitor_new((const char *const *)names, ncols, kind, &m);
    for (size_t i = 0; i < ncols; i++)
        free(names[i]);
    free(names);
    if (rc == VIGIL_EFORMAT)
        return vigil__fail(VIGIL_EFORMAT, "vigil model: invalid column names");
    if (rc)
        return rc;
    size_t nsel = vigil__get_count(r, ncols);
    if (r->err || nsel == 0 || vigil__monitor_alloc_selection(m, nsel) != VIGIL_OK)
        return bad(m, "selection");
    for (size_t i = 0; i < nsel; i++) {
        m->sel[i] = vigil__get_count(r, ncols - 1);
        uint32_t dir = vigil__get_u32(r);
        if (r->err || dir > VIGIL_DIR_DOWN)
            return bad(m, "selection");
        m->dir[i] = (int)dir;
    }
    m->nconds = vigil__get_count(r, VIGIL_CONDITIONS_MAX);
    m->seed = vigil__get_u64(r);
    if (m->seed > ((uint64_t)1 << 53)) /* vigil_monitor_set_seed's range: a model saves again */
        r->err = 1;
    m->quantile = vigil__get_f64(r);
    m->thr_mode = (int)vigil__get_u32(r);
    m->alpha = vigil__get_f64(r);
    m->k = vigil__get_count(r, VIGIL_ALARM_WINDOW_MAX);
    m->n = vigil__get_count(r, VIGIL_ALARM_WINDOW_MAX);
    m->k_warn = vigil__get_count(r, VIGIL_ALARM_WINDOW_MAX);
    m->clear = vigil__get_f64(r);
    m->gap = vigil__get_f64(r);
    m->gap_policy = (int)vigil__get_u32(r);
    m->relearn = vigil__get_count(r, 65536);
    m->horizon = vigil__get_f64(r);
    m->rel_floor = vigil__get_f64(r);
    m->note = vigil__get_str(r);
    if (r->err || m->nconds == 0 || !(m->quantile >= 0.5 && m->quantile < 1.0) ||
        (m->thr_mode != VIGIL_THRESHOLD_QUANTILE && m->thr_mode != VIGIL_THRESHOLD_CHI2 &&
         m->thr_mode != VIGIL_THRESHOLD_EMPIRICAL) ||
        (m->thr_mode == VIGIL_THRESHOLD_CHI2 && m->kind != VIGIL_DETECTOR_MAHALANOBIS) ||
        !(m->alpha > 0.0 && m->alpha <= 1.0) || m->n == 0 || m->k == 0 || m->k > m->n ||
        m->k_warn == 0 || m->k_warn > m->k || !(m->clear > 0.0 && m->clear <= 1.0) ||
        !(m->gap >= 0.0) || (m->gap > 1e12 && !isinf(m->gap)) || m->gap_policy < 0 || m->gap_policy > VIGIL_GAP_REREF ||
        m->relearn == 0 || !(m->horizon > 0.0) || !isfinite(m->horizon) ||
        !(m->rel_floor >= 0.0 && m->rel_floor <= 1.0) || !m->note ||
        strlen(m->note) > 4096)
        return bad(m, "configuration");
    /* Sizes come from the payload, so every allocation below is bounded by it (and the payload by
     * the file, model_io.c): each condition's baseline and matrices must fit in what is left. */
    if ((uint64_t)m->relearn * nsel * m->nconds > VIGIL_RELEARN_VALUES_MAX)
        return bad(m, "relearn count (relearn x features x conditions above "
                      "VIGIL_RELEARN_VALUES_MAX)");
    vigil__detector_params par = {m->alpha, m->seed};
    for (size_t c = 0; c < m->nconds; c++) {
        vigil__cond *k = &m->cond[c];
        if ((uint64_t)(r->len - r->pos) <
            (uint64_t)nsel * (2 * sizeof(double) + ops->saved_per_d2 * nsel) + sizeof(double))
            return bad(m, "length (shorter than the baselines and detector state it declares)");
        k->med = malloc(nsel * sizeof *k->med);
        k->scale = malloc(nsel * sizeof *k->scale);
        k->reref = malloc(m->relearn * nsel * sizeof *k->reref);
        if (!k->med || !k->scale || !k->reref || ops->create(nsel, &par, &k->det) != VIGIL_OK) {
            vigil_monitor_destroy(m);
            return vigil__status(VIGIL_ENOMEM);
        }
        vigil__get_f64s(r, k->med, nsel);
        vigil__get_f64s(r, k->scale, nsel);
        k->thr = vigil__get_f64(r);
        if (r->err || !(k->thr > 0.0) || !isfinite(k->thr))
            return bad(m, "threshold");
        for (size_t i = 0; i < nsel; i++)
            if (!isfinite(k->med[i]) || !(k->scale[i] > 0.0) || !isfinite(k->scale[i]))
                return bad(m, "baseline");
        rc = ops->load(k->det, r);
        if (rc == VIGIL_ENOMEM) {
            vigil_monitor_destroy(m);
            return vigil__status(VIGIL_ENOMEM);
        }
        if (rc || r->err)
            return bad(m, "detector state");
    }
    if (r->pos != r->len)
        return bad(m, "length (trailing bytes)");
    rc = vigil__monitor_prepare(m);
    if (rc) {
        vigil_monitor_destroy(m);
        return rc;
    }
    *out = m;
    return VIGIL_OK;
}

/* A version-1 file: the pipeline comes from the note the host wrote, when it was one of the
 * hosts' notes; a note that is not one leaves the monitor on a rows source (its columns are
 * its layout). A host's note that does not rebuild the monitor's columns is refused. */
static int adopt_legacy_note(vigil_monitor *m)
{
    vigil_pipeline *p = NULL;
    int rc = vigil__pipeline_from_note(m->note ? m->note : "", &p);
    if (rc == 1) {
        rc = vigil__monitor_attach_pipeline(m, p);
        vigil_pipeline_destroy(p);
        if (rc == VIGIL_ENOMEM)
            return rc;
        if (rc) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            return vigil__fail(VIGIL_EFORMAT, "vigil model (format 1): its note does not say "
                               "how its rows were made: %s", msg);
        }
        return VIGIL_OK;
    }
    return rc; /* 0: not a host's note; or the error */
}

int vigil__monitor_load_payload(const unsigned char *payload, size_t n, vigil_monitor **out)
{
    vigil__rbuf r = {payload, n, 0, 0};
    vigil_monitor *m = NULL;
    int rc = VIGIL_OK, have_pipeline = 0, have_stream = 0;
    vigil__rbuf stream = {0};
    while (rc == VIGIL_OK && r.pos < r.len) {
        uint32_t tag = vigil__get_u32(&r);
        uint64_t len = vigil__get_u64(&r);
        if (r.err || len > r.len - r.pos) {
            rc = vigil__fail(VIGIL_EFORMAT, "vigil model: truncated section");
            break;
        }
        vigil__rbuf sec = {r.p + r.pos, (size_t)len, 0, 0};
        r.pos += (size_t)len;
        if (tag == SECTION_CORE) {
            rc = m ? vigil__fail(VIGIL_EFORMAT, "vigil model: two model sections")
                   : parse(&sec, &m);
        } else if (tag == SECTION_PIPELINE) {
            vigil_pipeline *p = NULL;
            if (!m || have_pipeline) {
                rc = vigil__fail(VIGIL_EFORMAT, "vigil model: specification section out of "
                                 "place");
                break;
            }
            rc = vigil_pipeline_parse((const char *)sec.p, sec.len, "model specification", &p);
            if (rc == VIGIL_OK) {
                rc = vigil__monitor_attach_pipeline(m, p);
                vigil_pipeline_destroy(p);
            }
            if (rc != VIGIL_OK && rc != VIGIL_ENOMEM) {
                char msg[600];
                snprintf(msg, sizeof msg, "%s", vigil_last_error());
                rc = vigil__fail(VIGIL_EFORMAT, "vigil model: %s", msg);
            }
            have_pipeline = 1;
        } else if (tag == SECTION_PROGNOSER) {
            vigil_prognoser *p = NULL;
            if (!m) {
                rc = vigil__fail(VIGIL_EFORMAT, "vigil model: prognoser section out of place");
                break;
            }
            rc = vigil__prognoser_parse(&sec, &p);
            if (rc == VIGIL_OK && vigil__monitor_attach_prognoser(m, p) != VIGIL_OK) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s", vigil_last_error());
                rc = vigil__fail(VIGIL_EFORMAT, "vigil model: %s", msg);
            }
        } else if (tag == SECTION_TRAINING && m) {
            if (vigil__get_count(&sec, VIGIL_CONDITIONS_MAX) != m->nconds)
                sec.err = 1;
            for (size_t c = 0; c < m->nconds; c++)
                m->cond[c].nrows = vigil__get_count(&sec, (size_t)1 << 40);
            if (sec.err || sec.pos != sec.len)
                rc = vigil__fail(VIGIL_EFORMAT, "vigil model: invalid training section");
        } else if (tag == SECTION_STREAM && m && have_pipeline) {
            stream = sec;
            have_stream = 1;
        } else if (tag == VIGIL__SECTION_MACHINE) {
            rc = vigil__fail(VIGIL_EFORMAT, "vigil model: a machine's model (several channels): "
                             "load it with vigil_machine_load (vigil/machine.h)");
        } else if (tag < 0x100) {
            rc = vigil__fail(VIGIL_EFORMAT, "vigil model: unknown section %u (written by a newer "
                             "vigil?)", (unsigned)tag);
        } /* else: an optional section this version does not read */
    }
    if (rc == VIGIL_OK && (!m || !have_pipeline))
        rc = vigil__fail(VIGIL_EFORMAT, "vigil model: the %s section is missing",
                         m ? "specification" : "model");
    if (rc == VIGIL_OK && have_stream)
        rc = load_stream(m, &stream);
    if (rc) {
        vigil_monitor_destroy(m);
        return rc;
    }
    *out = m;
    return VIGIL_OK;
}

int vigil_monitor_load(const void *buf, size_t len, vigil_monitor **out)
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
    if (version == 1) {
        vigil__rbuf r = {payload, n, 0, 0};
        rc = parse(&r, out);
        if (rc == VIGIL_OK && (rc = adopt_legacy_note(*out)) != VIGIL_OK) {
            vigil_monitor_destroy(*out);
            *out = NULL;
        }
    } else {
        rc = vigil__monitor_load_payload(payload, n, out);
    }
    free(payload);
    return rc;
}

int vigil_monitor_save_file(const vigil_monitor *m, const char *path)
{
    return vigil_monitor_save_file_ex(m, path, 0);
}

int vigil_monitor_save_file_ex(const vigil_monitor *m, const char *path, int flags)
{
    if (!m || !path || !path[0])
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    size_t n;
    int rc = serialise(m, flags, &b, &n);
    if (rc)
        return rc;
    rc = vigil__file_replace(path, b, n);
    free(b);
    return rc;
}

int vigil_monitor_load_file(const char *path, vigil_monitor **out)
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
    rc = vigil__model_file_blame(path, vigil_monitor_load(b, len, out));
    free(b);
    return rc;
}
