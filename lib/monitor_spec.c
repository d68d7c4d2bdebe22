/* The monitor's pipeline specification (include/vigil/pipeline.h): attached at creation,
 * saved and loaded with the model (monitor_io.c), read back with the monitor's own settings. */
#include "feature_group.h"
#include "monitor_impl.h"
#include "pipeline_impl.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>

void vigil__monitor_get_settings(const vigil_monitor *m, vigil__monitor_settings *s)
{
    s->seed = m->seed;
    s->quantile = m->quantile;
    s->alpha = m->alpha;
    s->clear = m->clear;
    s->gap = m->gap;
    s->rel_floor = m->rel_floor;
    s->thr_mode = m->thr_mode;
    s->gap_policy = m->gap_policy;
    s->k = m->k;
    s->n = m->n;
    s->k_warn = m->k_warn;
    s->relearn = m->relearn;
    s->alarm_rule = m->alarm_rule;
    s->p1 = m->p1;
    s->fa_frames = m->fa_frames;
    s->confirm = m->confirm;
    s->confirm_s = m->confirm_s;
}

const char *vigil__monitor_column_name(const vigil_monitor *m, size_t i)
{
    return i < m->ncols ? m->names[i] : NULL;
}

const char *vigil_monitor_column_name(const vigil_monitor *m, size_t i)
{
    return m ? vigil__monitor_column_name(m, i) : NULL;
}

int vigil_monitor_check_columns(const vigil_monitor *m, const char *const *names, size_t n)
{
    if (!m || (!names && n))
        return vigil__status(VIGIL_EINVAL);
    for (size_t i = 0; i < n; i++)
        if (!names[i])
            return vigil__status(VIGIL_EINVAL);
    return vigil__layout_mismatch((const char *const *)m->names, m->ncols, names, n);
}

int vigil__monitor_attach_pipeline(vigil_monitor *m, const vigil_pipeline *p)
{
    int rc = vigil_pipeline_check(p);
    if (rc)
        return rc;
    if (!vigil_pipeline_rows(p) && vigil_pipeline_rate(p) > 0.0) {
        vigil_extractor *ex = NULL;
        rc = vigil_pipeline_create_extractor(p, &ex);
        if (rc)
            return rc;
        const size_t c = vigil_extractor_feature_count(ex);
        const char **names = malloc(c * sizeof *names);
        if (!names) {
            vigil_extractor_destroy(ex);
            return vigil__status(VIGIL_ENOMEM);
        }
        for (size_t i = 0; i < c; i++)
            names[i] = vigil_extractor_feature_name(ex, i);
        rc = vigil__layout_mismatch((const char *const *)m->names, m->ncols, names, c);
        free(names);
        if (rc == VIGIL_OK && vigil__extractor_shaft_known(ex))
            rc = vigil__monitor_bearing_defaults(m);
        vigil_extractor_destroy(ex);
        if (rc)
            return rc;
    }
    /* the alarm settings are part of the specification (a loaded model gets its own back) */
    rc = vigil__pipeline_apply_alarm(p, m);
    if (rc)
        return rc;
    vigil_pipeline *copy = NULL;
    rc = vigil_pipeline_copy(p, &copy);
    if (rc)
        return rc;
    vigil_pipeline_destroy(m->spec);
    m->spec = copy;
    return VIGIL_OK;
}

int vigil_monitor_set_pipeline(vigil_monitor *m, const vigil_pipeline *p)
{
    if (!m || !p)
        return vigil__status(VIGIL_EINVAL);
    return vigil__monitor_attach_pipeline(m, p);
}

int vigil_monitor_get_pipeline(const vigil_monitor *m, vigil_pipeline **out)
{
    if (out)
        *out = NULL;
    if (!m || !out)
        return vigil__status(VIGIL_EINVAL);
    vigil_pipeline *p = NULL;
    int rc = m->spec ? vigil_pipeline_copy(m->spec, &p) : vigil_pipeline_create(&p);
    if (rc == VIGIL_OK && !m->spec)
        rc = vigil_pipeline_set(p, "source", "rows");
    if (rc == VIGIL_OK)
        rc = vigil__pipeline_sync_monitor(p, m);
    if (rc) {
        vigil_pipeline_destroy(p);
        return rc == VIGIL_ENOMEM ? vigil__status(rc) : rc;
    }
    *out = p;
    return VIGIL_OK;
}
