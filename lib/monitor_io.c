/* Saving and loading a fitted monitor (configuration, baselines, thresholds, detector state)
 * in the container of model_io.c. Loading validates every field before use: a corrupt or
 * hostile blob gives VIGIL_EFORMAT, never a crash or an absurd allocation. */
#include "file_io.h"
#include "model_io.h"
#include "monitor_impl.h"

#include "status.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int serialise(const vigil_monitor *m, unsigned char **out, size_t *out_len)
{
    vigil__wbuf w = {0};
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
    if (w.err) {
        free(w.p);
        return vigil__status(VIGIL_ENOMEM);
    }
    int rc = vigil__model_pack(w.p, w.len, out, out_len);
    free(w.p);
    return rc;
}

int vigil_monitor_save_size(const vigil_monitor *m, size_t *size)
{
    if (!m || !size)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    int rc = serialise(m, &b, size);
    free(b);
    return rc;
}

int vigil_monitor_save(const vigil_monitor *m, void *buf, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!m || !buf || !written)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    size_t n;
    int rc = serialise(m, &b, &n);
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
        names[i] = vigil__get_str(r);
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
        (m->thr_mode != VIGIL_THRESHOLD_QUANTILE && m->thr_mode != VIGIL_THRESHOLD_CHI2) ||
        !(m->alpha > 0.0 && m->alpha <= 1.0) || m->n == 0 || m->k == 0 || m->k > m->n ||
        m->k_warn == 0 || m->k_warn > m->k || !(m->clear > 0.0 && m->clear <= 1.0) ||
        !(m->gap >= 0.0) || m->gap_policy < 0 || m->gap_policy > VIGIL_GAP_REREF ||
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

int vigil_monitor_load(const void *buf, size_t len, vigil_monitor **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!buf)
        return vigil__status(VIGIL_EINVAL);
    unsigned char *payload;
    size_t n;
    int rc = vigil__model_unpack(buf, len, &payload, &n);
    if (rc)
        return rc;
    vigil__rbuf r = {payload, n, 0, 0};
    rc = parse(&r, out);
    free(payload);
    return rc;
}

int vigil_monitor_save_file(const vigil_monitor *m, const char *path)
{
    if (!m || !path || !path[0])
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "only a fitted monitor can be saved");
    unsigned char *b;
    size_t n;
    int rc = serialise(m, &b, &n);
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
    rc = vigil_monitor_load(b, len, out);
    if (rc == VIGIL_EFORMAT) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        vigil__fail(VIGIL_EFORMAT, "%s: %s", path, msg);
    }
    free(b);
    return rc;
}
