/* The monitor: baseline per condition -> direction clipping -> detector -> calibrated threshold
 * -> alarm state machine, plus drift trackers and gap handling. See include/vigil/monitor.h and
 * docs/MODELS.md. Saving lives in monitor_io.c. */
#include "feature_group.h"
#include "monitor_impl.h"

#include "pipeline_impl.h"
#include "prognosis_impl.h"
#include "status.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The default selection and the fault directions come from the column tables (columns.c and
 * each feature group's table; vigil_column_facts()). */
int vigil__default_direction(const char *name)
{
    int dir = VIGIL_DIR_BOTH;
    vigil_column_facts(name, &dir, NULL, NULL, NULL);
    return dir;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int column_index(const vigil_monitor *m, const char *name)
{
    for (size_t i = 0; i < m->ncols; i++)
        if (strcmp(m->names[i], name) == 0)
            return (int)i;
    return -1;
}

void vigil_monitor_destroy(vigil_monitor *m)
{
    if (!m)
        return;
    for (size_t c = 0; c < VIGIL_CONDITIONS_MAX; c++) {
        vigil__cond *k = &m->cond[c];
        free(k->med);
        free(k->scale);
        free(k->rows);
        free(k->reref);
        if (k->det)
            k->det->ops->destroy(k->det);
    }
    for (size_t i = 0; m->names && i < m->ncols; i++)
        free(m->names[i]);
    free(m->names);
    free(m->sel);
    free(m->dir);
    free(m->z);
    free(m->contrib);
    free(m->prev);
    free(m->peak_z);
    free(m->xring);
    for (size_t i = 0; m->drift && i < m->nsel; i++)
        vigil_drift_destroy(m->drift[i]);
    free(m->drift);
    vigil_alarm_destroy(m->alarm);
    free(m->note);
    vigil_pipeline_destroy(m->spec);
    vigil_prognoser_destroy(m->prog);
    free(m);
}

/* (Re)allocate the per-feature arrays for nsel selected features. */
int vigil__monitor_alloc_selection(vigil_monitor *m, size_t nsel)
{
    free(m->sel);
    free(m->dir);
    free(m->z);
    free(m->contrib);
    m->sel = calloc(nsel, sizeof *m->sel);
    m->dir = calloc(nsel, sizeof *m->dir);
    m->z = calloc(nsel, sizeof *m->z);
    m->contrib = calloc(nsel, sizeof *m->contrib);
    m->nsel = 0;
    if (!m->sel || !m->dir || !m->z || !m->contrib)
        return VIGIL_ENOMEM;
    m->nsel = nsel;
    return VIGIL_OK;
}

int vigil__column_name_ok(const char *name)
{
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == ',')
            return 0;
    return 1;
}

int vigil__monitor_new(const char *const *names, size_t n, int kind, vigil_monitor **out)
{
    *out = NULL;
    vigil_monitor *m = calloc(1, sizeof *m);
    if (!m)
        return vigil__status(VIGIL_ENOMEM);
    m->names = calloc(n, sizeof *m->names);
    if (!m->names || vigil_alarm_create(&m->alarm) != VIGIL_OK) {
        vigil_monitor_destroy(m);
        return vigil__status(VIGIL_ENOMEM);
    }
    m->ncols = n;
    for (size_t i = 0; i < n; i++)
        if (!(m->names[i] = dup_string(names[i]))) {
            vigil_monitor_destroy(m);
            return vigil__status(VIGIL_ENOMEM);
        }
    m->kind = kind;
    m->nconds = 1;
    m->seed = 1;
    m->quantile = 0.995;
    m->thr_mode = VIGIL_THRESHOLD_QUANTILE;
    m->alpha = 0.3;
    m->k = 3;
    m->n = 5;
    m->k_warn = 2;
    m->clear = 0.8;
    m->alarm_rule = VIGIL_ALARM_CUSUM;
    m->p1 = 0.5;
    m->fa_frames = 1e5;
    m->confirm = 5;
    m->confirm_s = 0.0;
    m->evidence_w = 1.0;
    m->gap = 0.0;
    m->gap_policy = VIGIL_GAP_KEEP;
    m->relearn = 20;
    m->horizon = 6.0 * 3600.0;
    m->rel_floor = 0.05;
    *out = m;
    return VIGIL_OK;
}

/* shaft_known: bearing-aware default selection (vigil__default_selection). */
static int create_selected(const char *const *names, size_t n, int kind, int shaft_known,
                           vigil_monitor **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!names || n == 0 || n > 4096 || !vigil__detector_find(kind))
        return vigil__fail(VIGIL_EINVAL, "monitor needs 1..4096 column names and a known "
                           "detector kind (got %zu names, kind %d)", n, kind);
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return vigil__fail(VIGIL_EINVAL, "column %zu has no name", i);
        if (!vigil__column_name_ok(names[i]))
            return vigil__fail(VIGIL_EINVAL, "column %zu: a name holds no control character and "
                               "no ',' (the specification's list separator)", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return vigil__fail(VIGIL_EINVAL, "column name '%s' appears twice", names[i]);
    }
    vigil_monitor *m;
    int rc = vigil__monitor_new(names, n, kind, &m);
    if (rc != VIGIL_OK)
        return rc;
    size_t *idx = malloc(n * sizeof *idx), count = 0;
    if (!idx) {
        vigil_monitor_destroy(m);
        return vigil__status(VIGIL_ENOMEM);
    }
    vigil__default_selection(names, n, shaft_known, idx, &count);
    if (count == 0) {
        free(idx);
        vigil_monitor_destroy(m);
        return vigil__fail(VIGIL_EINVAL, "no feature columns among the names");
    }
    if (vigil__monitor_alloc_selection(m, count) != VIGIL_OK) {
        free(idx);
        vigil_monitor_destroy(m);
        return vigil__status(VIGIL_ENOMEM);
    }
    for (size_t j = 0; j < count; j++) {
        m->sel[j] = idx[j];
        m->dir[j] = vigil__default_direction(names[idx[j]]);
    }
    free(idx);
    *out = m;
    return VIGIL_OK;
}

int vigil_monitor_create_for_extractor(const vigil_extractor *ex, int kind, vigil_monitor **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    size_t n = vigil_extractor_feature_count(ex);
    if (!ex || n == 0)
        return vigil__status(VIGIL_EINVAL);
    const char **names = malloc(n * sizeof *names);
    if (!names)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < n; i++)
        names[i] = vigil_extractor_feature_name(ex, i);
    int rc = create_selected(names, n, kind, vigil__extractor_shaft_known(ex), out);
    free(names);
    return rc;
}

int vigil_monitor_create(const char *const *names, size_t n, int kind, vigil_monitor **out)
{
    return create_selected(names, n, kind, 0, out);
}

static int any_learned(const vigil_monitor *m)
{
    for (size_t c = 0; c < m->nconds; c++)
        if (m->cond[c].nrows)
            return 1;
    return 0;
}

static int not_before_learn(const vigil_monitor *m)
{
    if (m->fitted || any_learned(m))
        return vigil__fail(VIGIL_ESTATE, "this setting must be made before learning rows");
    return VIGIL_OK;
}

static int not_fitted(const vigil_monitor *m)
{
    if (m->fitted)
        return vigil__fail(VIGIL_ESTATE, "this setting must be made before fit");
    return VIGIL_OK;
}

int vigil_monitor_select(vigil_monitor *m, const char *const *names, size_t n)
{
    if (!m || !names || n == 0 || n > m->ncols)
        return vigil__status(VIGIL_EINVAL);
    int rc = not_before_learn(m);
    if (rc)
        return rc;
    size_t idx[4096];
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            return vigil__status(VIGIL_EINVAL);
        int c = column_index(m, names[i]);
        if (c < 0)
            return vigil__fail(VIGIL_ENOTFOUND, "no column '%s' to select", names[i]);
        for (size_t j = 0; j < i; j++)
            if (idx[j] == (size_t)c)
                return vigil__fail(VIGIL_EINVAL, "feature '%s' selected twice", names[i]);
        idx[i] = (size_t)c;
    }
    if (vigil__monitor_alloc_selection(m, n) != VIGIL_OK)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < n; i++) {
        m->sel[i] = idx[i];
        m->dir[i] = vigil__default_direction(m->names[idx[i]]);
    }
    return VIGIL_OK;
}

int vigil__monitor_bearing_defaults(vigil_monitor *m)
{
    if (m->fitted || any_learned(m))
        return VIGIL_OK;
    const char *const *names = (const char *const *)m->names;
    size_t *plain = malloc(2 * m->ncols * sizeof *plain), nplain = 0, nbear = 0;
    if (!plain)
        return vigil__status(VIGIL_ENOMEM);
    size_t *bear = plain + m->ncols;
    vigil__default_selection(names, m->ncols, 0, plain, &nplain);
    vigil__default_selection(names, m->ncols, 1, bear, &nbear);
    int is_plain = nplain == m->nsel && nbear > nplain;
    for (size_t i = 0; is_plain && i < nplain; i++)
        is_plain = m->sel[i] == plain[i] && m->dir[i] == vigil__default_direction(names[plain[i]]);
    int rc = is_plain ? vigil__monitor_alloc_selection(m, nbear) : VIGIL_OK;
    for (size_t i = 0; is_plain && rc == VIGIL_OK && i < nbear; i++) {
        m->sel[i] = bear[i];
        m->dir[i] = vigil__default_direction(names[bear[i]]);
    }
    free(plain);
    return rc == VIGIL_OK ? rc : vigil__status(rc);
}

int vigil_monitor_set_direction(vigil_monitor *m, const char *name, int direction)
{
    if (!m || !name || direction < VIGIL_DIR_BOTH || direction > VIGIL_DIR_DOWN)
        return vigil__status(VIGIL_EINVAL);
    int rc = not_fitted(m);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->nsel; i++)
        if (strcmp(m->names[m->sel[i]], name) == 0) {
            m->dir[i] = direction;
            return VIGIL_OK;
        }
    return vigil__fail(VIGIL_ENOTFOUND, "'%s' is not a selected feature", name);
}

int vigil_monitor_set_conditions(vigil_monitor *m, size_t count)
{
    if (!m || count < 1 || count > VIGIL_CONDITIONS_MAX)
        return vigil__fail(VIGIL_EINVAL, "conditions must be 1..%d", VIGIL_CONDITIONS_MAX);
    int rc = not_before_learn(m);
    if (rc)
        return rc;
    m->nconds = count;
    return VIGIL_OK;
}

int vigil_monitor_set_seed(vigil_monitor *m, uint64_t seed)
{
    if (!m || seed > ((uint64_t)1 << 53))
        return vigil__fail(VIGIL_EINVAL, "seed must be 0..2^53 (got %llu)",
                           (unsigned long long)seed);
    int rc = not_fitted(m);
    if (rc)
        return rc;
    m->seed = seed;
    return VIGIL_OK;
}

int vigil_monitor_set_quantile(vigil_monitor *m, double q)
{
    if (!m || !(q >= 0.5 && q < 1.0))
        return vigil__fail(VIGIL_EINVAL, "quantile must be in [0.5, 1)");
    int rc = not_fitted(m);
    if (rc)
        return rc;
    m->quantile = q;
    return VIGIL_OK;
}

int vigil_monitor_set_threshold_mode(vigil_monitor *m, int mode)
{
    if (!m || (mode != VIGIL_THRESHOLD_QUANTILE && mode != VIGIL_THRESHOLD_CHI2 &&
               mode != VIGIL_THRESHOLD_EMPIRICAL) ||
        (mode == VIGIL_THRESHOLD_CHI2 && m->kind != VIGIL_DETECTOR_MAHALANOBIS))
        return vigil__fail(VIGIL_EINVAL,
                           "threshold mode: quantile, empirical, or chi2 for mahalanobis");
    int rc = not_fitted(m);
    if (rc)
        return rc;
    m->thr_mode = mode;
    return VIGIL_OK;
}

int vigil_monitor_set_threshold(vigil_monitor *m, size_t condition, double threshold)
{
    if (!m || condition >= m->nconds || !(threshold > 0.0) || !isfinite(threshold))
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "fit the monitor before overriding a threshold");
    m->cond[condition].thr = threshold;
    return VIGIL_OK;
}

int vigil_monitor_set_scale_floor(vigil_monitor *m, double rel)
{
    if (!m || !(rel >= 0.0 && rel <= 1.0))
        return vigil__fail(VIGIL_EINVAL, "scale floor must be in [0, 1]");
    int rc = not_fitted(m);
    if (rc)
        return rc;
    m->rel_floor = rel;
    return VIGIL_OK;
}

int vigil_monitor_set_smoothing(vigil_monitor *m, double alpha)
{
    if (!m || !(alpha > 0.0 && alpha <= 1.0))
        return vigil__fail(VIGIL_EINVAL, "smoothing alpha must be in (0, 1]");
    int rc = not_fitted(m);
    if (rc)
        return rc;
    m->alpha = alpha;
    return VIGIL_OK;
}

int vigil_monitor_set_persistence(vigil_monitor *m, size_t k, size_t n)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_alarm_set_persistence(m->alarm, k, n);
    if (rc)
        return rc;
    /* asking for k-of-n persistence selects that rule */
    rc = vigil_alarm_set_rule(m->alarm, VIGIL_ALARM_KOFN);
    if (rc)
        return rc;
    m->alarm_rule = VIGIL_ALARM_KOFN;
    m->k = k;
    m->n = n;
    if (m->k_warn > k)
        m->k_warn = k;
    return VIGIL_OK;
}

int vigil_monitor_set_hysteresis(vigil_monitor *m, size_t k_warn, double clear_ratio)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_alarm_set_hysteresis(m->alarm, k_warn, clear_ratio);
    if (rc)
        return rc;
    m->k_warn = k_warn;
    m->clear = clear_ratio;
    return VIGIL_OK;
}

int vigil_monitor_set_gap(vigil_monitor *m, double seconds, int policy, size_t relearn)
{
    /* seconds: 0..1e12 or infinity, the specification's range (a model saves again) */
    if (!m || !(seconds >= 0.0) || (seconds > 1e12 && !isinf(seconds)) ||
        (policy != VIGIL_GAP_KEEP && policy != VIGIL_GAP_REREF) || relearn < 1 ||
        relearn > 65536)
        return vigil__fail(VIGIL_EINVAL, "gap needs seconds 0..1e12 or infinity, policy "
                           "keep/reref and relearn 1..65536");
    if (m->fitted && relearn != m->relearn)
        return vigil__fail(VIGIL_ESTATE, "relearn count is fixed at fit");
    m->gap = seconds;
    m->gap_policy = policy;
    m->relearn = relearn;
    return VIGIL_OK;
}

int vigil_monitor_set_note(vigil_monitor *m, const char *note)
{
    if (!m || !note || strlen(note) > 4096)
        return vigil__fail(VIGIL_EINVAL, "note must be a string of at most 4096 bytes");
    char *c = dup_string(note);
    if (!c)
        return vigil__status(VIGIL_ENOMEM);
    free(m->note);
    m->note = c;
    return VIGIL_OK;
}

const char *vigil_monitor_note(const vigil_monitor *m)
{
    return m ? (m->note ? m->note : "") : NULL;
}

size_t vigil_monitor_column_count(const vigil_monitor *m) { return m ? m->ncols : 0; }
size_t vigil_monitor_feature_count(const vigil_monitor *m) { return m ? m->nsel : 0; }
int vigil_monitor_kind(const vigil_monitor *m) { return m ? m->kind : VIGIL_EINVAL; }
size_t vigil_monitor_conditions(const vigil_monitor *m) { return m ? m->nconds : 0; }
int vigil_monitor_fitted(const vigil_monitor *m) { return m ? m->fitted : 0; }

const char *vigil_monitor_feature_name(const vigil_monitor *m, size_t i)
{
    return m && i < m->nsel ? m->names[m->sel[i]] : NULL;
}

int vigil_monitor_direction(const vigil_monitor *m, size_t i)
{
    return m && i < m->nsel ? m->dir[i] : VIGIL_EINVAL;
}

static int check_row(const vigil_monitor *m, const double *row, size_t n, size_t condition)
{
    if (!row || condition >= m->nconds)
        return vigil__fail(VIGIL_EINVAL, "row is NULL or condition %zu out of range (%zu)",
                           condition, m->nconds);
    if (n != m->ncols)
        return vigil__fail(VIGIL_EMISMATCH, "row has %zu columns, the monitor expects %zu", n,
                           m->ncols);
    for (size_t i = 0; i < m->nsel; i++)
        if (!(fabs(row[m->sel[i]]) <= VIGIL_VALUE_MAX))
            return vigil__fail(VIGIL_ENONFINITE, "feature '%s' is %g: not finite or beyond "
                               "+-%g", m->names[m->sel[i]], row[m->sel[i]], VIGIL_VALUE_MAX);
    return VIGIL_OK;
}

int vigil_monitor_learn(vigil_monitor *m, const double *row, size_t n, size_t condition)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (m->fitted)
        return vigil__fail(VIGIL_ESTATE, "the monitor is already fitted");
    int rc = check_row(m, row, n, condition);
    if (rc)
        return rc;
    vigil__cond *k = &m->cond[condition];
    if (k->nrows == k->caprows) {
        size_t cap = k->caprows ? 2 * k->caprows : 64;
        double *p = realloc(k->rows, cap * m->nsel * sizeof *p);
        if (!p)
            return vigil__status(VIGIL_ENOMEM);
        k->rows = p;
        k->caprows = cap;
    }
    for (size_t i = 0; i < m->nsel; i++)
        k->rows[k->nrows * m->nsel + i] = row[m->sel[i]];
    k->nrows++;
    return VIGIL_OK;
}

size_t vigil_monitor_learned(const vigil_monitor *m, size_t condition)
{
    return m && condition < m->nconds ? m->cond[condition].nrows : 0;
}

/* Standardise and clip one row of selected values into z. */
static void standardise(const vigil_monitor *m, const vigil__cond *k, const double *x, double *z)
{
    for (size_t i = 0; i < m->nsel; i++) {
        double v = (x[i] - k->med[i]) / k->scale[i]; /* finite or +-inf, never NaN */
        v = fmin(fmax(v, -VIGIL__Z_MAX), VIGIL__Z_MAX);
        if (m->dir[i] == VIGIL_DIR_UP && v < 0.0)
            v = 0.0;
        else if (m->dir[i] == VIGIL_DIR_DOWN && v > 0.0)
            v = 0.0;
        z[i] = v;
    }
}

static double median_of(double *x, size_t n)
{
    return vigil__quantile(x, n, 0.5);
}

/* Median and scale of one column; tmp holds n doubles. */
static void robust_stats(const double *rows, size_t n, size_t stride, size_t col, double *tmp,
                         double rel_floor, double *med, double *scale)
{
    for (size_t r = 0; r < n; r++)
        tmp[r] = rows[r * stride + col];
    double md = median_of(tmp, n);
    for (size_t r = 0; r < n; r++)
        tmp[r] = fabs(rows[r * stride + col] - md);
    double s = 1.4826 * median_of(tmp, n);
    if (!(s > 0.0)) {
        /* Quantised or mostly constant features have MAD 0: fall back to the standard
         * deviation. */
        double mean = 0.0, ss = 0.0;
        for (size_t r = 0; r < n; r++)
            mean += rows[r * stride + col];
        mean /= (double)n;
        for (size_t r = 0; r < n; r++)
            ss += (rows[r * stride + col] - mean) * (rows[r * stride + col] - mean);
        s = sqrt(ss / (double)n);
    }
    /* Practical-significance floor: a feature's scale is at least rel_floor (default 5 %) of
     * its healthy median. A well-controlled rig gives baselines so tight that a 10 % drift of
     * rms would be "20 sigma"; field practice (ISO 20816 zones, +6 dB alarm levels) treats
     * amplitude changes of less than about 25 % as operating-point noise, and with thresholds
     * of 4-5 scale units this floor asks for about that much. */
    *scale = fmax(s, fmax(rel_floor * fabs(md), 1e-12));
    *med = md;
}

/* Drop training rows that lie more than TRIM_Z robust sigmas from the baseline median in the
 * fault direction of any feature (a run-in transient, a knock during the recording), at most
 * TRIM_MAX of them (the most extreme), keeping the order of the rest. Without this, the
 * calibration quantile (about the largest out-of-fold score) would be set by the one transient
 * in the training data. 6 sigmas: a Gaussian feature goes there about once in 5e8 frames.
 * Returns the number of rows kept; tmp holds n doubles. */
#define TRIM_Z 6.0
#define TRIM_MAX 0.2
static size_t trim_outliers(double *z, size_t n, size_t d, double *tmp)
{
    for (size_t r = 0; r < n; r++) {
        double mx = 0.0;
        for (size_t i = 0; i < d; i++)
            mx = fmax(mx, fabs(z[r * d + i]));
        tmp[r] = mx;
    }
    /* the cut: TRIM_Z, or higher if more than TRIM_MAX of the rows are beyond it */
    size_t beyond = 0;
    for (size_t r = 0; r < n; r++)
        beyond += tmp[r] > TRIM_Z;
    double cut = TRIM_Z;
    if ((double)beyond > TRIM_MAX * (double)n) {
        size_t keep = n - (size_t)(TRIM_MAX * (double)n);
        double *s = tmp + n; /* second half of tmp is free: see the allocation */
        memcpy(s, tmp, n * sizeof *s);
        cut = vigil__quantile(s, n, (double)(keep - 1) / (double)(n - 1));
    }
    size_t w = 0;
    for (size_t r = 0; r < n; r++)
        if (tmp[r] <= cut) {
            if (w != r)
                memmove(z + w * d, z + r * d, d * sizeof *z);
            w++;
        }
    return w;
}

double vigil__tail_quantile(double *s, size_t n, double q, vigil__tail_fit *fit)
{
    vigil__tail_fit f = {NAN, NAN, NAN, 0, NAN};
    f.empirical = vigil__quantile(s, n, q); /* sorts s ascending */
    double thr = f.empirical;
    /* DuMouchel's rule: the top 10 % of the sample are the tail (at least TAIL_MIN rows) */
    size_t nt = (size_t)ceil(TAIL_SHARE * (double)n);
    if (nt < TAIL_MIN)
        nt = TAIL_MIN;
    if (n > nt && 1.0 - q < (double)nt / (double)n) {
        double u = s[n - nt - 1];
        /* Probability-weighted moments of the excesses (Hosking & Wallis 1987), ascending,
         * plotting positions (i + 0.65) / nt: robust with a few dozen excesses, where the
         * maximum-likelihood fit often fails to converge. */
        double a0 = 0.0, a1 = 0.0;
        for (size_t i = 0; i < nt; i++) {
            double y = s[n - nt + i] - u;
            a0 += y;
            a1 += (1.0 - ((double)i + 0.65) / (double)nt) * y;
        }
        a0 /= (double)nt;
        a1 /= (double)nt;
        double den = a0 - 2.0 * a1;
        if (den > 0.0 && a1 > 0.0) {
            double sigma = 2.0 * a0 * a1 / den, xi = 2.0 - a0 / den; /* xi = -Hosking's k */
            xi = fmin(fmax(xi, 0.0), TAIL_XI_MAX);
            /* P(S > u + y) = (nt / n) (1 + xi y / sigma)^(-1/xi); solve for 1 - q */
            double r = (1.0 - q) * (double)n / (double)nt;
            double y = xi < 1e-9 ? -sigma * log(r) : sigma / xi * (pow(r, -xi) - 1.0);
            f.u = u;
            f.sigma = sigma;
            f.xi = xi;
            f.excesses = nt;
            if (isfinite(y) && u + y > thr)
                thr = u + y;
        }
    }
    if (fit)
        *fit = f;
    return thr;
}

/* Fit one condition: baseline, cross-fitted threshold, final detector. */
static int fit_condition(vigil_monitor *m, size_t c)
{
    vigil__cond *k = &m->cond[c];
    const vigil__detector_ops *ops = vigil__detector_find(m->kind);
    const size_t d = m->nsel;
    size_t n = k->nrows;
    size_t need = ops->min_rows > 10 ? ops->min_rows : 10;
    if (n < need)
        return vigil__fail(VIGIL_ENODATA, "condition %zu has %zu learnt rows; %s needs %zu", c,
                           n, ops->name, need);
    vigil__detector_params par = {m->alpha, m->seed};
    k->med = malloc(d * sizeof *k->med);
    k->scale = malloc(d * sizeof *k->scale);
    double *z = malloc(n * d * sizeof *z);
    double *train = malloc(n * d * sizeof *train);
    double *scores = malloc(n * sizeof *scores);
    double *tmp = malloc(2 * (n > d ? n : d) * sizeof *tmp);
    vigil__detector *fold_det = NULL;
    int rc = VIGIL_OK;
    if (!k->med || !k->scale || !z || !train || !scores || !tmp) {
        rc = vigil__status(VIGIL_ENOMEM);
        goto done;
    }
    for (size_t i = 0; i < d; i++)
        robust_stats(k->rows, n, d, i, tmp, m->rel_floor, &k->med[i], &k->scale[i]);
    for (size_t r = 0; r < n; r++)
        standardise(m, k, k->rows + r * d, z + r * d);
    n = trim_outliers(z, n, d, tmp);

    /* Out-of-fold scores: contiguous folds keep neighbouring (overlapping) frames on the same
     * side, so a fold is scored by a detector that never saw anything like it. */
    const size_t folds = n >= 25 ? 5 : 2;
    if ((rc = ops->create(d, &par, &fold_det)) != VIGIL_OK)
        goto done;
    for (size_t f = 0; f < folds; f++) {
        size_t a = f * n / folds, b = (f + 1) * n / folds, nt = 0;
        for (size_t r = 0; r < n; r++)
            if (r < a || r >= b)
                memcpy(train + (nt++) * d, z + r * d, d * sizeof *z);
        if ((rc = ops->fit(fold_det, train, nt)) != VIGIL_OK)
            goto done;
        ops->reset(fold_det);
        for (size_t r = a; r < b; r++)
            scores[r] = ops->score(fold_det, z + r * d, tmp);
    }
    if (m->thr_mode == VIGIL_THRESHOLD_CHI2)
        k->thr = gsl_cdf_chisq_Pinv(m->quantile, (double)d);
    else if (m->thr_mode == VIGIL_THRESHOLD_EMPIRICAL)
        k->thr = vigil__quantile(scores, n, m->quantile);
    else
        k->thr = vigil__tail_quantile(scores, n, m->quantile, NULL);
    /* A perfectly quiet training set could give 0; a threshold must be > 0. */
    if (!(k->thr > 1e-9) || !isfinite(k->thr))
        k->thr = isfinite(k->thr) ? 1e-9 : 1e300;

    if (!k->det && (rc = ops->create(d, &par, &k->det)) != VIGIL_OK)
        goto done;
    rc = ops->fit(k->det, z, n);
    if (rc == VIGIL_OK && !(k->reref = malloc(m->relearn * d * sizeof *k->reref)))
        rc = vigil__status(VIGIL_ENOMEM);
done:
    if (fold_det)
        fold_det->ops->destroy(fold_det);
    free(z);
    free(train);
    free(scores);
    free(tmp);
    return rc;
}

/* The onset test: the healthy exceedance rate p0 is what the calibration promises, 1 - the
 * quantile (a threshold of fixed value, CHI2 or set by hand, promises the same nominally). */
int vigil__monitor_configure_alarm(const vigil_monitor *m, vigil_alarm *a)
{
    double p0 = 1.0 - m->quantile;
    double p1 = m->p1 > p0 ? m->p1 : fmin(0.999, 2.0 * p0);
    int rc = vigil_alarm_set_rule(a, m->alarm_rule);
    if (rc == VIGIL_OK)
        rc = vigil_alarm_set_cusum(a, p0, p1, m->fa_frames);
    if (rc == VIGIL_OK)
        rc = vigil_alarm_set_confirm(a, m->confirm, m->confirm_s);
    if (rc == VIGIL_OK)
        rc = vigil_alarm_set_evidence_weight(a, m->evidence_w);
    return rc;
}

static int configure_onset_test(vigil_monitor *m)
{
    return vigil__monitor_configure_alarm(m, m->alarm);
}

int vigil_monitor_set_alarm_rule(vigil_monitor *m, int rule)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_alarm_set_rule(m->alarm, rule);
    if (rc == VIGIL_OK)
        m->alarm_rule = rule;
    return rc;
}

int vigil_monitor_set_onset_test(vigil_monitor *m, double p1, double false_alarm_frames)
{
    if (!m || !(p1 > 1.0 - m->quantile && p1 < 1.0))
        return vigil__fail(VIGIL_EINVAL, "onset test: p1 must be above the healthy exceedance "
                           "rate 1 - quantile and below 1");
    int rc = vigil_alarm_set_cusum(m->alarm, 1.0 - m->quantile, p1, false_alarm_frames);
    if (rc == VIGIL_OK) {
        m->p1 = p1;
        m->fa_frames = false_alarm_frames;
    }
    return rc;
}

int vigil_monitor_set_confirm(vigil_monitor *m, size_t frames, double seconds)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    int rc = vigil_alarm_set_confirm(m->alarm, frames, seconds);
    if (rc == VIGIL_OK) {
        m->confirm = frames;
        m->confirm_s = seconds;
    }
    return rc;
}

/* Frames that overlap by more than half see one impulse ceil(frame / hop) times; the onset
 * test needs h / ln(p1 / p0) = 2.5 independent exceedances, so one impulse counted that often
 * opens an episode (hop 128 of 1024: 25-64 alarm frames on healthy data). Each frame's evidence
 * is weighted so that one impulse never weighs more than 2 frames that share nothing, which is
 * what it weighs at half overlap; frames with at least half new samples keep weight 1. */
int vigil_monitor_set_overlap(vigil_monitor *m, size_t frame, size_t hop)
{
    if (!m || frame < 1 || hop < 1 || hop > frame || frame > VIGIL_FRAME_MAX)
        return vigil__fail(VIGIL_EINVAL, "overlap needs 1 <= hop <= frame <= %d",
                           VIGIL_FRAME_MAX);
    const size_t seen = (frame + hop - 1) / hop;
    const double w = seen <= 2 ? 1.0 : fmax(1e-3, 2.0 / (double)seen);
    int rc = vigil_alarm_set_evidence_weight(m->alarm, w);
    if (rc == VIGIL_OK)
        m->evidence_w = w;
    return rc;
}

double vigil_monitor_evidence_weight(const vigil_monitor *m)
{
    return m ? m->evidence_w : NAN;
}

/* Everything the stream needs after fit or load: drift trackers and the alarm. */
int vigil__monitor_prepare(vigil_monitor *m)
{
    if (vigil__explain_prepare(m) != VIGIL_OK)
        return vigil__status(VIGIL_ENOMEM);
    m->drift = calloc(m->nsel, sizeof *m->drift);
    free(m->prev);
    m->prev = calloc(m->nsel, sizeof *m->prev);
    if (!m->drift || !m->prev)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < m->nsel; i++) {
        int rc = vigil_drift_create(m->horizon, 4096, &m->drift[i]);
        if (rc)
            return rc;
        /* Reference: condition 0's baseline, in the feature's own units. */
        vigil_drift_set_reference(m->drift[i], m->cond[0].med[i], m->cond[0].scale[i]);
    }
    int rc = vigil_alarm_set_persistence(m->alarm, m->k, m->n);
    if (rc == VIGIL_OK)
        rc = vigil_alarm_set_hysteresis(m->alarm, m->k_warn, m->clear);
    if (rc == VIGIL_OK)
        rc = configure_onset_test(m);
    if (rc)
        return rc;
    m->fitted = 1;
    return vigil_monitor_reset(m);
}

int vigil_monitor_fit(vigil_monitor *m)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (m->fitted)
        return vigil__fail(VIGIL_ESTATE, "the monitor is already fitted");
    if ((uint64_t)m->relearn * m->nsel * m->nconds > VIGIL_RELEARN_VALUES_MAX)
        return vigil__fail(VIGIL_EINVAL, "relearn %zu x %zu features x %zu conditions exceeds "
                           "VIGIL_RELEARN_VALUES_MAX (%d)", m->relearn, m->nsel, m->nconds,
                           VIGIL_RELEARN_VALUES_MAX);
    for (size_t c = 0; c < m->nconds; c++) {
        int rc = fit_condition(m, c);
        if (rc) {
            /* Leave the monitor unfitted and its learnt rows intact: fit may be retried
             * after learning more rows. */
            for (size_t q = 0; q <= c; q++) {
                vigil__cond *k = &m->cond[q];
                free(k->med);
                free(k->scale);
                free(k->reref);
                k->med = k->scale = k->reref = NULL;
            }
            return rc;
        }
    }
    for (size_t c = 0; c < m->nconds; c++) {
        free(m->cond[c].rows);
        m->cond[c].rows = NULL;
        m->cond[c].caprows = 0;
    }
    return vigil__monitor_prepare(m);
}

int vigil_monitor_reset(vigil_monitor *m)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    for (size_t c = 0; c < m->nconds; c++) {
        if (m->cond[c].det)
            m->cond[c].det->ops->reset(m->cond[c].det);
        m->cond[c].nreref = 0;
    }
    for (size_t i = 0; m->drift && i < m->nsel; i++)
        vigil_drift_reset(m->drift[i]);
    vigil_alarm_reset(m->alarm);
    vigil__explain_reset(m);
    m->last_score = m->last_thr = m->last_health = NAN;
    m->top = -1;
    m->scored = 0;
    m->have_t = 0;
    m->nint = 0;
    m->auto_gap = 0.0;
    m->gaps = 0;
    m->reref_cond = -1;
    m->t2 = m->spe = NAN;
    memset(m->counts, 0, sizeof m->counts);
    m->t_shift = 0.0;
    if (m->prog)
        vigil_prognoser_reset(m->prog); /* its history is stream state too */
    return VIGIL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Gap test on the interval before a row at time t (also learns the automatic rule). */
static int gap_before(vigil_monitor *m, double t)
{
    if (!m->have_t)
        return 0;
    double dt = t - m->last_t;
    if (m->gap > 0.0)
        return dt > m->gap;
    if (m->auto_gap > 0.0)
        return dt > m->auto_gap;
    if (dt > 0.0 && m->nint < VIGIL__AUTO_INTERVALS) {
        m->intervals[m->nint++] = dt;
        if (m->nint == VIGIL__AUTO_INTERVALS) {
            double s[VIGIL__AUTO_INTERVALS];
            memcpy(s, m->intervals, sizeof s);
            qsort(s, VIGIL__AUTO_INTERVALS, sizeof s[0], cmp_double);
            m->auto_gap = 10.0 * s[VIGIL__AUTO_INTERVALS / 2];
        }
    }
    return 0;
}

/* Median of x[0], x[stride], ... (r values) without scratch: O(r^2), once per gap. */
static double strided_median(const double *x, size_t r, size_t stride)
{
    double lo = NAN, hi = NAN;
    for (size_t a = 0; a < r; a++) {
        double v = x[a * stride];
        size_t below = 0, equal = 0;
        for (size_t b = 0; b < r; b++) {
            below += x[b * stride] < v;
            equal += x[b * stride] == v;
        }
        if (below <= (r - 1) / 2 && below + equal > (r - 1) / 2)
            lo = v;
        if (below <= r / 2 && below + equal > r / 2)
            hi = v;
    }
    return 0.5 * (lo + hi);
}

/* Is the row the same as the last accepted one: same time, condition and selected values? */
static int duplicate_of_previous(const vigil_monitor *m, const double *row, double t,
                                 size_t condition)
{
    if (!m->have_t || t != m->last_t || condition != m->prev_cond)
        return 0;
    for (size_t i = 0; i < m->nsel; i++)
        if (row[m->sel[i]] != m->prev[i])
            return 0;
    return 1;
}

/* A new segment of the stream (a gap forward, or time stepping back or repeating): the
 * persistence window and the smoothing restart; REREF re-learns the condition's baseline. */
static void start_segment(vigil_monitor *m, size_t condition)
{
    vigil_alarm_clear_window(m->alarm);
    for (size_t c = 0; c < m->nconds; c++)
        m->cond[c].det->ops->reset(m->cond[c].det);
    if (m->gap_policy == VIGIL_GAP_REREF) {
        m->reref_cond = (int)condition;
        m->cond[condition].nreref = 0;
    }
}

static int score_row(vigil_monitor *m, const double *row, size_t n, double t, size_t condition);

int vigil_monitor_score(vigil_monitor *m, const double *row, size_t n, double t,
                        size_t condition)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    const size_t scored = m->counts[VIGIL_COUNTER_SCORED];
    int st = score_row(m, row, n, t, condition);
    if (st < 0 && m->fitted)
        m->counts[VIGIL_COUNTER_REJECTED]++;
    if (st >= 0 && m->prog && m->counts[VIGIL_COUNTER_SCORED] != scored)
        vigil__monitor_feed_prognoser(m, row, t);
    return st;
}

static int score_row(vigil_monitor *m, const double *row, size_t n, double t, size_t condition)
{
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "fit the monitor before scoring");
    int rc = check_row(m, row, n, condition);
    if (rc)
        return rc;
    if (!isfinite(t))
        return vigil__fail(VIGIL_ENONFINITE, "row time is not finite");
    /* The time-quirk policy (docs/MODELS.md): real exports repeat rows and set their clocks
     * back (DST, NTP corrections, a historian re-sending a block). An exact repeat of the last
     * row carries no information and is dropped; any other row whose time is not after the
     * previous one starts a new segment, handled like a gap, so the rest of the history is
     * still scored. */
    if (duplicate_of_previous(m, row, t, condition)) {
        m->counts[VIGIL_COUNTER_DUPLICATES]++;
        return vigil_alarm_state(m->alarm);
    }
    vigil__cond *k = &m->cond[condition];
    const size_t d = m->nsel;
    if (m->have_t && !(t > m->last_t)) {
        m->counts[t < m->last_t ? VIGIL_COUNTER_STEPS_BACK : VIGIL_COUNTER_REPEATS]++;
        m->counts[VIGIL_COUNTER_SEGMENTS]++;
        start_segment(m, condition);
        /* the drift trackers need a clock that never goes back: shift the new segment to
         * start where the last one ended */
        m->t_shift += m->last_t - t;
    } else if (gap_before(m, t)) {
        m->gaps++;
        m->counts[VIGIL_COUNTER_GAPS]++;
        m->counts[VIGIL_COUNTER_SEGMENTS]++;
        start_segment(m, condition);
    }
    if (!m->have_t)
        m->counts[VIGIL_COUNTER_SEGMENTS]++;
    m->counts[VIGIL_COUNTER_SCORED]++;
    for (size_t i = 0; i < d; i++)
        m->prev[i] = row[m->sel[i]];
    m->prev_cond = condition;
    m->have_t = 1;
    m->last_t = t;

    /* selected raw values go to z first (scratch), then are standardised in place */
    for (size_t i = 0; i < d; i++)
        m->contrib[i] = row[m->sel[i]];
    for (size_t i = 0; i < d; i++)
        vigil_drift_update(m->drift[i], t + m->t_shift, m->contrib[i]);
    int rereferencing = m->reref_cond == (int)condition;
    if (rereferencing) {
        memcpy(k->reref + k->nreref * d, m->contrib, d * sizeof *m->contrib);
        if (++k->nreref == m->relearn) {
            /* New operating point: re-estimate the medians and scales (same rules as fit);
             * the detector (the shape of healthy variation) is kept. */
            for (size_t i = 0; i < d; i++) {
                double md = strided_median(k->reref + i, m->relearn, d);
                for (size_t r = 0; r < m->relearn; r++)
                    k->reref[r * d + i] = fabs(k->reref[r * d + i] - md);
                double sc = 1.4826 * strided_median(k->reref + i, m->relearn, d);
                k->med[i] = md;
                k->scale[i] = fmax(sc, fmax(m->rel_floor * fabs(md), 1e-12));
            }
            m->reref_cond = -1;
            k->nreref = 0;
            /* smoothing and persistence restart from the new reference */
            k->det->ops->reset(k->det);
            vigil_alarm_clear_window(m->alarm);
        }
    }
    standardise(m, k, m->contrib, m->z);
    double s = k->det->ops->score(k->det, m->z, m->contrib);
    /* With clipped inputs a fitted model gives finite scores; only a model loaded with extreme
     * (valid but absurd) parameters can overflow to NaN. A row the model cannot measure must
     * read as anomalous, never as healthy. */
    if (isnan(s))
        s = INFINITY;
    if (m->kind == VIGIL_DETECTOR_PCA) {
        m->t2 = k->det->stat[0];
        m->spe = k->det->stat[1];
    }
    m->last_score = s;
    m->last_thr = k->thr;
    m->last_health = vigil_health(s, k->thr);
    size_t top = 0;
    for (size_t i = 1; i < d; i++)
        if (m->contrib[i] > m->contrib[top])
            top = i;
    m->top = (int)top;
    m->scored = 1;
    if (rereferencing)
        return vigil_alarm_state(m->alarm); /* held while the new reference is learnt */
    const size_t queued = vigil_alarm_event_count(m->alarm);
    const size_t dropped = vigil_alarm_events_dropped(m->alarm);
    int state = vigil_alarm_update(m->alarm, s, k->thr, t);
    if (state >= 0)
        vigil__explain_row(m, state, vigil_alarm_event_count(m->alarm) - queued +
                                         vigil_alarm_events_dropped(m->alarm) - dropped);
    return state;
}

int vigil_monitor_update(vigil_monitor *m, const double *row, size_t n, size_t condition)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (!m->fitted)
        return vigil__fail(VIGIL_ESTATE, "fit the monitor before updating it");
    int rc = check_row(m, row, n, condition);
    if (rc)
        return rc;
    vigil__cond *k = &m->cond[condition];
    for (size_t i = 0; i < m->nsel; i++)
        m->contrib[i] = row[m->sel[i]];
    standardise(m, k, m->contrib, m->z);
    return k->det->ops->update(k->det, m->z);
}

double vigil_monitor_last_score(const vigil_monitor *m) { return m ? m->last_score : NAN; }
int vigil_monitor_threshold_mode(const vigil_monitor *m) { return m ? m->thr_mode : -1; }
double vigil_monitor_stated_rate(const vigil_monitor *m) { return m ? 1.0 - m->quantile : NAN; }
double vigil_monitor_last_threshold(const vigil_monitor *m) { return m ? m->last_thr : NAN; }
double vigil_monitor_last_health(const vigil_monitor *m) { return m ? m->last_health : NAN; }
int vigil_monitor_state(const vigil_monitor *m) { return m ? vigil_alarm_state(m->alarm) : 0; }
size_t vigil_monitor_gaps(const vigil_monitor *m) { return m ? m->gaps : 0; }

size_t vigil_monitor_counter(const vigil_monitor *m, int which)
{
    return m && which >= 0 && which < VIGIL_COUNTER_COUNT ? m->counts[which] : 0;
}

const char *vigil_counter_name(int which)
{
    static const char *const names[VIGIL_COUNTER_COUNT] = {
        "scored", "segments", "gaps", "steps_back", "repeats", "duplicates", "rejected",
    };
    return which >= 0 && which < VIGIL_COUNTER_COUNT ? names[which] : NULL;
}

int vigil_monitor_top_feature(const vigil_monitor *m)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    return m->scored ? m->top : vigil__fail(VIGIL_ESTATE, "nothing scored yet");
}

int vigil_monitor_pca_stats(const vigil_monitor *m, double *t2, double *spe)
{
    if (!m || !t2 || !spe)
        return vigil__status(VIGIL_EINVAL);
    if (m->kind != VIGIL_DETECTOR_PCA || !m->scored)
        return vigil__fail(VIGIL_ESTATE, "no PCA statistics: other detector or nothing scored");
    *t2 = m->t2;
    *spe = m->spe;
    return VIGIL_OK;
}

double vigil_monitor_threshold(const vigil_monitor *m, size_t condition)
{
    return m && m->fitted && condition < m->nconds ? m->cond[condition].thr : NAN;
}

int vigil_monitor_explain(const vigil_monitor *m, size_t *idx, double *contrib, size_t cap,
                          size_t *written)
{
    if (written)
        *written = 0;
    if (!m || !idx || !contrib || !written)
        return vigil__status(VIGIL_EINVAL);
    if (!m->scored)
        return vigil__fail(VIGIL_ESTATE, "nothing scored yet");
    size_t n = cap < m->nsel ? cap : m->nsel;
    /* Partial selection sort: k is small and this is not the per-frame path. Ties keep the
     * lower index first. */
    for (size_t j = 0; j < n; j++) {
        size_t best = m->nsel;
        for (size_t i = 0; i < m->nsel; i++) {
            int used = 0;
            for (size_t q = 0; q < j && !used; q++)
                used = idx[q] == i;
            if (!used && (best == m->nsel || m->contrib[i] > m->contrib[best]))
                best = i;
        }
        idx[j] = best;
        contrib[j] = m->contrib[best];
    }
    *written = n;
    return VIGIL_OK;
}

double vigil_monitor_last_z(const vigil_monitor *m, size_t i)
{
    return m && m->scored && i < m->nsel ? m->z[i] : NAN;
}

const vigil_drift *vigil_monitor_drift(const vigil_monitor *m, size_t i)
{
    return m && m->drift && i < m->nsel ? m->drift[i] : NULL;
}

size_t vigil_monitor_event_count(const vigil_monitor *m)
{
    return m ? vigil_alarm_event_count(m->alarm) : 0;
}

int vigil_monitor_next_event_ex(vigil_monitor *m, vigil_alarm_event *ev)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    const size_t queued = vigil_alarm_event_count(m->alarm);
    int rc = vigil_alarm_next_event_ex(m->alarm, ev);
    if (rc == 1)
        vigil__explain_pop(m, queued, NULL);
    return rc;
}

double vigil_monitor_onset(const vigil_monitor *m)
{
    return m ? vigil_alarm_onset(m->alarm) : NAN;
}

size_t vigil_monitor_transients(const vigil_monitor *m)
{
    return m ? vigil_alarm_transients(m->alarm) : 0;
}

int vigil_monitor_next_event(vigil_monitor *m, double *t, int *from, int *to)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    const size_t queued = vigil_alarm_event_count(m->alarm);
    int rc = vigil_alarm_next_event(m->alarm, t, from, to);
    if (rc == 1)
        vigil__explain_pop(m, queued, NULL);
    return rc;
}
