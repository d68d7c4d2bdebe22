/* Prognosis: onset test, recursive Bayesian degradation models, RUL quantiles in closed form,
 * fleet prior (see include/vigil/prognosis.h and docs/PROGNOSIS.md for the mathematics).
 *
 * The two models are kept side by side: index EXP (0) works on y = log h, LIN (1) on y = h,
 * both relative to the baseline median, so that a fleet prior's intercept is "the rise at onset"
 * and transfers between machines whose healthy levels differ. */
#include "vigil/prognosis.h"

#include "file_io.h"
#include "model_io.h"
#include "monitor_impl.h"
#include "prognosis_impl.h"
#include "status.h"
#include "vigil/pipeline.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXP = 0, LIN = 1, NMODEL = 2 };

#define FEATURE_MAX 63
#define BASELINE_MAX 100000
#define MIN_POINTS_MAX 1000000
#define TABLE_DOF 128          /* exact Student-t quantiles up to this many degrees of freedom */
#define TREND_CONFIDENCE 0.95  /* one-sided confidence that the slope is > 0 */
#define PRIOR_HISTORIES_MAX 1024
#define PROGNOSER_TAG 0x47525056u /* "VPRG" */
#define PRIOR_TAG 0x49525056u     /* "VPRI" */
#define FORMAT_VERSION 2u       /* 2: the fleet's lives (survival model); 1 still loads */
/* Weibull shape of bearing lives: ISO 281's reliability factor a1 assumes a Weibull slope of
 * 1.5 (a1 = 0.95 (ln(1/R) / ln(1/0.9))^(1/1.5) + 0.05), the published value for rolling
 * bearings; a few histories cannot estimate a shape, they only give the scale. */
#define SURVIVAL_SHAPE 1.5

/* Running sums of one model since onset (Welford: centred, so no cancellation in the fit), and
 * (format 2) the sums over consecutive pairs that give the residuals' lag-1 autocorrelation:
 * m pairs, sums of y_i y_{i-1}, y_i, y_{i-1}, t_i, t_{i-1}, t_i y_{i-1}, y_i t_{i-1},
 * t_i t_{i-1}, and the last point (tp, yp). */
#define LAG_SUMS 11
typedef struct fit {
    double n, tbar, ybar, stt, sty, syy, slogh;
    double lag[LAG_SUMS]; /* m, syy1, sy, sy1, st, st1, sty1, syt1, stt1, tp, yp */
} fit;

/* Conjugate normal-inverse-gamma prior of one model and the failure level's distribution, both
 * on that model's scale relative to the baseline (except dmean, absolute). */
typedef struct prior_model {
    double m0[2], L0[3]; /* mean of (a, b); precision / s^2 as (00, 01, 11) */
    double a0, b0;
    double dmean, dvar;  /* end-of-life level: mean (absolute, model scale) and variance */
} prior_model;

/* Posterior of one model at the current point, centred at tbar: line c0 + c1 (tau - tbar). */
typedef struct posterior {
    double c0, c1, P[3], s2, nu, ssr;
} posterior;

struct vigil_prognoser {
    char feature[FEATURE_MAX + 1];
    double level;
    int model;
    size_t baseline;
    double delta, hcusum;
    size_t min_points;
    double conf;
    int has_prior;
    prior_model pm[NMODEL];
    double tq2[TABLE_DOF + 1], tq1[TABLE_DOF + 1], z2, z1;
    double point;                   /* the estimate's quantile (0.5: the median) */
    double tqp[TABLE_DOF + 1], zp;  /* one-sided t quantile of max(point, 1 - point) */
    /* fleet survival (Weibull lives, shape SURVIVAL_SHAPE, scale eta from fleet_n lives):
     * cq = (1 - q)^(-1/fleet_n) for the median and the interval's ends */
    int has_fleet;
    double fleet_eta, fleet_n, cq[3];
    /* state */
    size_t count, nbase;
    double t_first, t_last; /* t_first: NaN when unknown (a version-1 blob) */
    double *base, *scratch;   /* baseline values (capacity `baseline`), sort scratch */
    double mu[NMODEL], sig, k, S, t_run;
    int onset, learning; /* learning: a prior's history, fits only, no estimates */
    double t_on;
    double rt[VIGIL_PROGNOSIS_KEEP], rh[VIGIL_PROGNOSIS_KEEP];
    size_t rhead, rlen;
    fit f[NMODEL];
    int reason, used_model;
    size_t used_n;
    double rul, lo, hi;
    int s_ok, from_fleet;   /* the fleet's estimate exists; it is the answer */
    double srul, slo, shi;
};

typedef struct history {
    double onset, end_h;
    double a[NMODEL], b[NMODEL], s2[NMODEL], yend[NMODEL];
} history;

struct vigil_prognosis_prior {
    char feature[FEATURE_MAX + 1];
    double level;
    size_t baseline; /* the onset test its histories were read with */
    double delta, hcusum;
    size_t nh;
    history h[PRIOR_HISTORIES_MAX];
    size_t nlife; /* every history read, used for the degradation models or not */
    double life[PRIOR_HISTORIES_MAX];
};

const char *vigil_prognosis_model_name(int model)
{
    switch (model) {
    case VIGIL_PROGNOSIS_AUTO: return "auto";
    case VIGIL_PROGNOSIS_EXPONENTIAL: return "exponential";
    case VIGIL_PROGNOSIS_LINEAR: return "linear";
    case VIGIL_PROGNOSIS_SURVIVAL: return "survival";
    default: return "unknown";
    }
}

int vigil_prognosis_model_parse(const char *name)
{
    for (int m = VIGIL_PROGNOSIS_AUTO; m <= VIGIL_PROGNOSIS_LINEAR; m++)
        if (name && strcmp(name, vigil_prognosis_model_name(m)) == 0)
            return m;
    return vigil__fail(VIGIL_EINVAL, "model must be auto, exponential or linear, not '%.40s'",
                       name ? name : "(null)");
}

const char *vigil_prognosis_reason_name(int reason)
{
    static const char *const names[] = {"estimate",   "baseline", "healthy", "few_points",
                                        "no_trend",   "failed",   "overdue"};
    if (reason < 0 || reason > VIGIL_PROGNOSIS_OVERDUE)
        return "unknown";
    return names[reason];
}

static int check_feature(const char *feature)
{
    if (!feature || !feature[0] || strlen(feature) > FEATURE_MAX)
        return vigil__fail(VIGIL_EINVAL, "indicator name must have 1..%d characters",
                           FEATURE_MAX);
    for (const char *c = feature; *c; c++)
        if (*c < 0x21 || *c > 0x7e)
            return vigil__fail(VIGIL_EINVAL, "indicator name must be printable, without spaces");
    return VIGIL_OK;
}

/* Student-t quantile tables for the interval and the trend test; beyond TABLE_DOF the
 * Cornish-Fisher expansion of t in 1/nu from the normal quantile (error < 1e-6 there). */
/* The survival model's constants (1 - q)^(-1/H) for the median and the interval's ends. */
static void fill_fleet(vigil_prognoser *p)
{
    if (p->fleet_n >= 1.0) {
        const double q[3] = {p->point, 0.5 - 0.5 * p->conf, 0.5 + 0.5 * p->conf};
        for (int i = 0; i < 3; i++)
            p->cq[i] = pow(1.0 - q[i], -1.0 / p->fleet_n);
    }
}

/* The point estimate's one-sided quantile table (all zero for the median). */
static void fill_point(vigil_prognoser *p)
{
    const double pp = p->point > 0.5 ? p->point : 1.0 - p->point;
    p->tqp[0] = p->point == 0.5 ? 0.0 : INFINITY;
    for (int nu = 1; nu <= TABLE_DOF; nu++)
        p->tqp[nu] = p->point == 0.5 ? 0.0 : gsl_cdf_tdist_Pinv(pp, (double)nu);
    p->zp = gsl_cdf_ugaussian_Pinv(pp);
}

static void fill_tables(vigil_prognoser *p)
{
    const double pu = 0.5 + 0.5 * p->conf;
    p->tq2[0] = p->tq1[0] = INFINITY;
    for (int nu = 1; nu <= TABLE_DOF; nu++) {
        p->tq2[nu] = gsl_cdf_tdist_Pinv(pu, (double)nu);
        p->tq1[nu] = gsl_cdf_tdist_Pinv(TREND_CONFIDENCE, (double)nu);
    }
    p->z2 = gsl_cdf_ugaussian_Pinv(pu);
    p->z1 = gsl_cdf_ugaussian_Pinv(TREND_CONFIDENCE);
    fill_point(p);
    fill_fleet(p);
}

static double t_quantile(const double *table, double z, double nu)
{
    if (!(nu >= 1.0))
        return INFINITY;
    if (nu <= TABLE_DOF)
        return table[(int)nu]; /* floor: the conservative (wider) side for fractional dof */
    const double z2 = z * z;
    return z + (z2 * z + z) / (4.0 * nu) + (5.0 * z2 * z2 * z + 16.0 * z2 * z + 3.0 * z) /
                                               (96.0 * nu * nu);
}

static void clear_state(vigil_prognoser *p)
{
    p->count = p->nbase = 0;
    p->t_first = NAN;
    p->t_last = 0.0;
    p->mu[EXP] = p->mu[LIN] = p->sig = p->k = p->S = p->t_run = 0.0;
    p->onset = 0;
    p->t_on = 0.0;
    p->rhead = p->rlen = 0;
    memset(p->f, 0, sizeof p->f);
    p->reason = VIGIL_PROGNOSIS_BASELINE;
    p->used_model = p->model == VIGIL_PROGNOSIS_LINEAR ? VIGIL_PROGNOSIS_LINEAR
                                                       : VIGIL_PROGNOSIS_EXPONENTIAL;
    p->used_n = 0;
    p->rul = p->lo = p->hi = NAN;
    p->s_ok = p->from_fleet = 0;
    p->srul = p->slo = p->shi = NAN;
}

static int alloc_baseline(vigil_prognoser *p, size_t n)
{
    double *b = malloc(n * sizeof *b), *s = malloc(n * sizeof *s);
    if (!b || !s) {
        free(b);
        free(s);
        return vigil__status(VIGIL_ENOMEM);
    }
    free(p->base);
    free(p->scratch);
    p->base = b;
    p->scratch = s;
    p->baseline = n;
    return VIGIL_OK;
}

/* tables = 0: a prior's learning prognoser, which never estimates (no quantile tables: a few
 * hundred GSL inversions per history saved) */
static int create_prognoser(const char *feature, double failure_level, int tables,
                            vigil_prognoser **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    int rc = check_feature(feature);
    if (rc)
        return rc;
    if (!isfinite(failure_level))
        return vigil__fail(VIGIL_EINVAL, "failure level must be finite");
    vigil_prognoser *p = calloc(1, sizeof *p);
    if (!p)
        return vigil__status(VIGIL_ENOMEM);
    snprintf(p->feature, sizeof p->feature, "%s", feature);
    p->level = failure_level;
    p->model = VIGIL_PROGNOSIS_AUTO;
    p->delta = log(2.0);
    p->hcusum = 5.0;
    p->min_points = 5;
    p->conf = 0.95;
    p->point = 0.5;
    if (alloc_baseline(p, 30) != VIGIL_OK) {
        free(p);
        return vigil__status(VIGIL_ENOMEM);
    }
    if (tables)
        fill_tables(p);
    clear_state(p);
    *out = p;
    return VIGIL_OK;
}

int vigil_prognoser_create(const char *feature, double failure_level, vigil_prognoser **out)
{
    return create_prognoser(feature, failure_level, 1, out);
}

void vigil_prognoser_destroy(vigil_prognoser *p)
{
    if (!p)
        return;
    free(p->base);
    free(p->scratch);
    free(p);
}

int vigil_prognoser_reset(vigil_prognoser *p)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    clear_state(p);
    return VIGIL_OK;
}

int vigil_prognoser_set_model(vigil_prognoser *p, int model)
{
    if (!p || model < VIGIL_PROGNOSIS_AUTO || model > VIGIL_PROGNOSIS_LINEAR)
        return vigil__fail(VIGIL_EINVAL, "model must be auto, exponential or linear");
    if (p->count)
        return vigil__fail(VIGIL_ESTATE, "the model can only be set before the first point");
    p->model = model;
    clear_state(p);
    return VIGIL_OK;
}

int vigil_prognoser_set_onset(vigil_prognoser *p, size_t baseline, double delta, double h)
{
    if (!p || baseline < 5 || baseline > BASELINE_MAX || !isfinite(delta) || !(delta >= 0.0) ||
        !isfinite(h) || !(h > 0.0))
        return vigil__fail(VIGIL_EINVAL,
                           "onset test needs baseline 5..%d points, delta >= 0, h > 0",
                           BASELINE_MAX);
    if (p->count)
        return vigil__fail(VIGIL_ESTATE, "the onset test can only be set before the first point");
    if (baseline != p->baseline) {
        int rc = alloc_baseline(p, baseline);
        if (rc)
            return rc;
    }
    p->delta = delta;
    p->hcusum = h;
    return VIGIL_OK;
}

int vigil_prognoser_set_min_points(vigil_prognoser *p, size_t n)
{
    if (!p || n < 3 || n > MIN_POINTS_MAX)
        return vigil__fail(VIGIL_EINVAL, "min points must be 3..%d", MIN_POINTS_MAX);
    p->min_points = n;
    return VIGIL_OK;
}

int vigil_prognoser_set_start(vigil_prognoser *p, double t0)
{
    if (!p || !isfinite(t0))
        return vigil__fail(VIGIL_EINVAL, "the unit's start time must be finite");
    if (p->count)
        return vigil__fail(VIGIL_ESTATE, "the start can only be set before the first point");
    p->t_first = t0;
    return VIGIL_OK;
}

int vigil_prognoser_set_point(vigil_prognoser *p, double q)
{
    if (!p || !(q >= 0.01 && q <= 0.99))
        return vigil__fail(VIGIL_EINVAL, "point quantile must be in 0.01..0.99");
    p->point = q;
    fill_point(p);
    fill_fleet(p);
    return VIGIL_OK;
}

double vigil_prognoser_point(const vigil_prognoser *p)
{
    return p ? p->point : NAN;
}

int vigil_prognoser_set_level(vigil_prognoser *p, double level)
{
    if (!p || !(level >= 0.5 && level <= 0.999))
        return vigil__fail(VIGIL_EINVAL, "interval level must be in 0.5..0.999");
    if (level != p->conf) {
        p->conf = level;
        fill_tables(p);
    }
    return VIGIL_OK;
}

/* ---- the models ------------------------------------------------------------------------- */

static void fit_add(fit *f, double tau, double y, double logh)
{
    double *g = f->lag;
    if (f->n >= 1.0) {
        const double tp = g[9], yp = g[10];
        g[0] += 1.0, g[1] += y * yp, g[2] += y, g[3] += yp, g[4] += tau, g[5] += tp;
        g[6] += tau * yp, g[7] += y * tp, g[8] += tau * tp;
    }
    g[9] = tau, g[10] = y;
    f->n += 1.0;
    const double dt = tau - f->tbar, dy = y - f->ybar;
    f->tbar += dt / f->n;
    f->ybar += dy / f->n;
    f->stt += dt * (tau - f->tbar);
    f->sty += dt * (y - f->ybar);
    f->syy += dy * (y - f->ybar);
    f->slogh += logh;
}

/* The fit's data weighed by their effective number: the residuals of a degradation indicator
 * sampled every few seconds are serially correlated (the indicator wanders), and n of them carry
 * the information of n (1 - rho) / (1 + rho) independent ones for AR(1) residuals with lag-1
 * autocorrelation rho (the usual effective-sample-size correction of a regression on a time
 * series; e.g. Bence, Ecology 76, 1995). The sums are divided by kappa = (1 + rho) / (1 - rho)
 * (a tempered likelihood), which widens the parameters' posterior by kappa and leaves the
 * fitted line and the noise level as they are. rho from the least-squares line's residuals,
 * clipped to 0..0.99 (a negative rho would narrow the interval: not trusted). */
static void decorrelate(const fit *f, fit *out)
{
    *out = *f;
    const double *g = f->lag, m = g[0];
    if (!(m >= 2.0) || !(f->stt > 0.0))
        return;
    const double b = f->sty / f->stt, a = f->ybar - b * f->tbar;
    const double ssr = f->syy - b * f->sty;
    const double s1 = g[1] - a * (g[2] + g[3]) - b * (g[7] + g[6]) + m * a * a +
                      a * b * (g[4] + g[5]) + b * b * g[8];
    /* residuals at rounding level (a noiseless path) carry no correlation worth the name */
    if (!(ssr > 1e-12 * f->syy) || !isfinite(s1))
        return;
    double rho = s1 / ssr;
    rho = rho > 0.0 ? (rho < 0.99 ? rho : 0.99) : 0.0;
    const double kappa = (1.0 + rho) / (1.0 - rho);
    out->n = f->n / kappa;
    out->stt = f->stt / kappa;
    out->sty = f->sty / kappa;
    out->syy = f->syy / kappa;
}

/* Posterior of the line, centred at tbar. Returns 0 when it is not defined yet (fewer than 3
 * points without a prior, or no spread in time). */
static int posterior_of(const fit *f, const prior_model *pm, posterior *po)
{
    if (f->n < 2.0 || !(f->stt > 0.0) || (!pm && f->n < 3.0))
        return 0;
    const double n = f->n, tb = f->tbar;
    double L00 = n, L01 = 0.0, L11 = f->stt, r0 = n * f->ybar, r1 = f->sty;
    double q00 = 0, q01 = 0, q11 = 0, mc0 = 0, mc1 = 0;
    if (pm) {
        /* the prior in the centred parameters (a + b tbar, b): Lc0 = M' L0 M, M = [1 -tb; 0 1] */
        q00 = pm->L0[0];
        q01 = pm->L0[1] - tb * pm->L0[0];
        q11 = pm->L0[2] - 2.0 * tb * pm->L0[1] + tb * tb * pm->L0[0];
        mc0 = pm->m0[0] + pm->m0[1] * tb;
        mc1 = pm->m0[1];
        L00 += q00;
        L01 += q01;
        L11 += q11;
        r0 += q00 * mc0 + q01 * mc1;
        r1 += q01 * mc0 + q11 * mc1;
    }
    const double det = L00 * L11 - L01 * L01;
    if (!(det > 0.0))
        return 0;
    po->P[0] = L11 / det;
    po->P[1] = -L01 / det;
    po->P[2] = L00 / det;
    po->c0 = po->P[0] * r0 + po->P[1] * r1;
    po->c1 = po->P[1] * r0 + po->P[2] * r1;
    const double e = f->ybar - po->c0;
    double ssr = f->syy - 2.0 * po->c1 * f->sty + po->c1 * po->c1 * f->stt + n * e * e;
    ssr = ssr > 0.0 ? ssr : 0.0;
    po->ssr = ssr;
    if (pm) {
        const double d0 = po->c0 - mc0, d1 = po->c1 - mc1;
        const double bn = pm->b0 + 0.5 * (ssr + q00 * d0 * d0 + 2.0 * q01 * d0 * d1 +
                                          q11 * d1 * d1);
        const double an = pm->a0 + 0.5 * n;
        po->nu = 2.0 * an;
        po->s2 = bn / an;
    } else {
        po->nu = n - 2.0; /* reference prior: flat on (a, b), 1/s^2 on s^2 */
        po->s2 = ssr / po->nu;
    }
    return 1;
}

/* Quantile of the failure time: the roots of d(u)^2 = q^2 var(u), d(u) = e + c1 u the line's
 * distance to the failure level D, var(u) the predictive variance (parameters, noise, level).
 * Solved in v = u - u_med, where d = c1 v: (c1^2 - q^2 A2) v^2 - 2 q^2 (A1 + A2 u_med) v -
 * q^2 var(u_med) = 0. The constant term is <= 0, so when the leading one is > 0 the roots fall
 * on either side of the median (the lower and upper ends); otherwise the missing side is
 * unbounded. This form keeps a nearly noiseless fit's double root on the median. */
static void crossing_interval(const posterior *po, double noise, double dvar, double q,
                              double umed, double *ulo, double *uhi)
{
    const double q2 = q * q, c1 = po->c1;
    const double A0 = po->s2 * (po->P[0] + noise) + dvar, A1 = po->s2 * po->P[1],
                 A2 = po->s2 * po->P[2];
    double v0 = A0 + 2.0 * A1 * umed + A2 * umed * umed;
    v0 = v0 > 0.0 ? v0 : 0.0;
    const double A = c1 * c1 - q2 * A2, B = -q2 * (A1 + A2 * umed), C = -q2 * v0;
    double r[2];
    int nr = 0;
    if (A != 0.0) {
        const double disc = B * B - A * C;
        if (disc >= 0.0) {
            const double qq = -(B + (B >= 0.0 ? 1.0 : -1.0) * sqrt(disc));
            r[0] = qq / A;
            r[1] = qq != 0.0 ? C / qq : 0.0;
            nr = 2;
        }
    } else if (B != 0.0) {
        r[0] = -C / (2.0 * B);
        nr = 1;
    }
    double vlo = -INFINITY, vhi = INFINITY;
    for (int i = 0; i < nr; i++) {
        if (!isfinite(r[i]))
            continue;
        if (r[i] <= 0.0 && r[i] > vlo)
            vlo = r[i];
        if (r[i] >= 0.0 && r[i] < vhi)
            vhi = r[i];
    }
    *ulo = umed + vlo;
    *uhi = umed + vhi;
}

/* The failure time's quantile `prob` (0 < prob < 1) in u = tau - tbar: the lower root of the
 * crossing equation at the one-sided t quantile for prob < 0.5, the upper one above. */
static double time_quantile(const posterior *po, double noise, double dvar, double umed,
                            double prob)
{
    if (prob == 0.5)
        return umed;
    const double pp = prob > 0.5 ? prob : 1.0 - prob;
    if (!(po->nu >= 1.0) || !(pp < 1.0 - 1e-15))
        return prob > 0.5 ? INFINITY : -INFINITY;
    double a, b;
    crossing_interval(po, noise, dvar, gsl_cdf_tdist_Pinv(pp, po->nu), umed, &a, &b);
    return prob < 0.5 ? a : b;
}

/* Upper bounds of Student's t quantile at 1 - 1e-6 for nu = 1..32 (GSL's values rounded up;
 * the quantile falls with nu, so floor(nu) bounds a fractional nu and nu = 32 all larger). */
static const double T_1E6[33] = {INFINITY, 318310, 707.11, 103.30, 41.578, 24.771, 17.831,
                                 14.242,   12.110, 10.721, 9.7520, 9.0433, 8.5044, 8.0819,
                                 7.7426,   7.4644, 7.2326, 7.0365, 6.8687, 6.7234, 6.5966,
                                 6.4848,   6.3857, 6.2972, 6.2177, 6.1459, 6.0808, 6.0214,
                                 5.9671,   5.9172, 5.8712, 5.8286, 5.7892};

/* P(T <= u): the probability that the path has reached the level by u, T_nu(c1 (u - umed) /
 * sd(u)) with the predictive variance of crossing_interval(); 0 when it is surely below 1e-6
 * (no call into GSL's t distribution on the common path). */
static double time_cdf(const posterior *po, double noise, double dvar, double umed, double u)
{
    double v = po->s2 * (po->P[0] + noise) + dvar + 2.0 * po->s2 * po->P[1] * u +
               po->s2 * po->P[2] * u * u;
    const double d = po->c1 * (u - umed);
    if (!(v > 0.0))
        return d >= 0.0 ? 1.0 : 0.0;
    const double z = d / sqrt(v);
    if (!isfinite(z) || !(po->nu >= 1.0))
        return z > 0.0 ? 1.0 : 0.0;
    if (z < -T_1E6[po->nu < 32.0 ? (int)po->nu : 32])
        return 0.0;
    return gsl_cdf_tdist_P(z, po->nu);
}

/* Failure level on model j's scale, relative to the baseline, and its variance. */
static void failure_level_of(const vigil_prognoser *p, int j, double *D, double *dvar)
{
    if (p->has_prior) {
        *D = p->pm[j].dmean - p->mu[j];
        *dvar = p->pm[j].dvar;
    } else {
        *D = (j == EXP ? log(p->level) : p->level) - p->mu[j];
        *dvar = 0.0;
    }
}

static void estimate(vigil_prognoser *p)
{
    posterior po[NMODEL];
    int ok[NMODEL] = {0, 0};
    for (int j = 0; j < NMODEL; j++) {
        if ((j == EXP && p->model == VIGIL_PROGNOSIS_LINEAR) ||
            (j == LIN && p->model == VIGIL_PROGNOSIS_EXPONENTIAL))
            continue;
        ok[j] = posterior_of(&p->f[j], p->has_prior ? &p->pm[j] : NULL, &po[j]);
    }
    int j = p->model == VIGIL_PROGNOSIS_LINEAR ? LIN : EXP;
    if (p->model == VIGIL_PROGNOSIS_AUTO && ok[EXP] && ok[LIN]) {
        /* likelihood of the indicator values at the fitted lines; the log model's density in h
         * carries the Jacobian 1/h. Equal parameter counts: no penalty needed. */
        const double n = p->f[EXP].n;
        const double le = po[EXP].ssr > 0.0 ? -0.5 * n * log(po[EXP].ssr / n) - p->f[EXP].slogh
                                            : INFINITY;
        const double ll = po[LIN].ssr > 0.0 ? -0.5 * n * log(po[LIN].ssr / n) : INFINITY;
        j = ll > le ? LIN : EXP;
    }
    p->used_model = j == EXP ? VIGIL_PROGNOSIS_EXPONENTIAL : VIGIL_PROGNOSIS_LINEAR;
    p->used_n = (size_t)p->f[j].n;
    if (p->used_n < p->min_points || !ok[j]) {
        p->reason = VIGIL_PROGNOSIS_FEW_POINTS;
        return;
    }
    /* the chosen model's posterior from its effective number of points */
    fit fd;
    decorrelate(&p->f[j], &fd);
    posterior pd;
    if (!posterior_of(&fd, p->has_prior ? &p->pm[j] : NULL, &pd)) {
        p->reason = VIGIL_PROGNOSIS_NO_TREND; /* under 3 effective points: no trend shown */
        return;
    }
    const posterior *q = &pd;
    const double se1 = sqrt(q->s2 * q->P[2]);
    if (!(q->c1 > 0.0) || !(q->c1 > t_quantile(p->tq1, p->z1, q->nu) * se1)) {
        p->reason = VIGIL_PROGNOSIS_NO_TREND;
        return;
    }
    double D, dvar;
    failure_level_of(p, j, &D, &dvar);
    const double umed = (D - q->c0) / q->c1;
    double ulo, uhi;
    /* Without a prior the failure level is a level of the observed indicator, whose noise
     * enters the crossing (Gebraeel's P(S(t) >= D)); a prior's level is the fleet's level of the
     * degradation path at failure, and the crossing is the path's: no observation noise. */
    crossing_interval(q, p->has_prior ? 0.0 : 1.0, dvar, t_quantile(p->tq2, p->z2, q->nu), umed,
                      &ulo, &uhi);
    /* the point estimate: the median, or the `point` quantile of the failure time (the lower
     * or upper root of the same equation at that one-sided quantile) */
    double upt = umed;
    if (p->point != 0.5) {
        double a, b;
        crossing_interval(q, p->has_prior ? 0.0 : 1.0, dvar, t_quantile(p->tqp, p->zp, q->nu),
                          umed, &a, &b);
        upt = p->point < 0.5 ? a : b;
    }
    const double now = p->t_last, origin = p->t_on + p->f[j].tbar;
    const double noise = p->has_prior ? 0.0 : 1.0, unow = now - origin;
    /* the unit is running: the failure time is after now. When the distribution puts mass
     * before now (over 1e-6: below, the shift is under a millionth of the interval), its
     * quantiles are those of T given T > now: F(now) + q (1 - F(now)). A model that gave the
     * unit no chance of lasting this long is contradicted by it: no estimate from it
     * (overdue). The test does not depend on the interval's level. */
    const double F = time_cdf(q, noise, dvar, umed, unow);
    if (F > 1e-6) {
        if (!(1.0 - F > 1e-9)) {
            p->reason = VIGIL_PROGNOSIS_OVERDUE;
            return;
        }
        const double tail = 1.0 - F;
        upt = time_quantile(q, noise, dvar, umed, F + p->point * tail);
        ulo = time_quantile(q, noise, dvar, umed, F + 0.5 * (1.0 - p->conf) * tail);
        uhi = time_quantile(q, noise, dvar, umed, F + 0.5 * (1.0 + p->conf) * tail);
    }
    const double r = origin + upt - now;
    const double lo = origin + ulo - now, hi = origin + uhi - now;
    if (!(isfinite(r) && isfinite(lo) && isfinite(hi))) {
        /* a trend too flat (or values too extreme) for a finite crossing: no number at all */
        p->reason = VIGIL_PROGNOSIS_NO_TREND;
        return;
    }
    p->rul = r > 0.0 ? r : 0.0;
    p->lo = lo > 0.0 ? (lo < p->rul ? lo : p->rul) : 0.0;
    p->hi = hi > p->rul ? hi : p->rul;
    p->reason = VIGIL_PROGNOSIS_ESTIMATE;
}

/* The fleet's answer from the age alone: the remaining life of a unit that has run `age`
 * seconds, when lives are Weibull with shape beta and an unknown scale learnt from the fleet's
 * H lives. With theta = eta^-beta and the scale-invariant prior 1/theta, theta | lives ~
 * Gamma(H, W), W = sum L_i^beta, and a new life's predictive survival is Lomax:
 * P(L > l | L > a) = ((W + a^beta) / (W + l^beta))^H. Its quantile q is
 * l^beta = (W + a^beta) (1 - q)^(-1/H) - W; in x = (a / eta)^beta, W = H eta^beta:
 * (l / eta)^beta = x + (H + x) (c - 1), c = (1 - q)^(-1/H). The remaining life l - a is
 * formed as a expm1(log1p(.) / beta) so that it keeps its digits at large ages. */
static void survival_estimate(vigil_prognoser *p)
{
    p->s_ok = 0;
    if (!p->has_fleet || !isfinite(p->t_first))
        return;
    const double a = p->t_last - p->t_first, H = p->fleet_n, inv = 1.0 / SURVIVAL_SHAPE;
    const double x = pow(a / p->fleet_eta, SURVIVAL_SHAPE);
    double r[3];
    for (int i = 0; i < 3; i++) {
        const double g = (H + x) * (p->cq[i] - 1.0);
        r[i] = x > 0.0 ? a * expm1(log1p(g / x) * inv) : p->fleet_eta * pow(g, inv);
        if (!isfinite(r[i]) || !(r[i] >= 0.0))
            return;
    }
    p->srul = r[0];
    p->slo = r[1] < r[0] ? r[1] : r[0];
    p->shi = r[2] > r[0] ? r[2] : r[0];
    p->s_ok = 1;
}

/* ---- the stream ------------------------------------------------------------------------- */

static double working(const vigil_prognoser *p, double h)
{
    return p->model == VIGIL_PROGNOSIS_LINEAR ? h : log(h);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Baseline complete: medians on both scales, robust sigma on the working scale. Runs once. */
static void finish_baseline(vigil_prognoser *p)
{
    const size_t n = p->nbase;
    for (size_t i = 0; i < n; i++)
        p->scratch[i] = p->base[i];
    const double med = median_of(p->scratch, n);
    p->mu[LIN] = med;
    p->mu[EXP] = med > 0.0 ? log(med) : 0.0;
    const double mw = p->model == VIGIL_PROGNOSIS_LINEAR ? p->mu[LIN] : p->mu[EXP];
    double mean = 0.0, m2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double y = working(p, p->base[i]);
        p->scratch[i] = fabs(y - mw);
        const double d = y - mean;
        mean += d / (double)(i + 1);
        m2 += d * (y - mean);
    }
    double sig = 1.4826 * median_of(p->scratch, n);
    if (!(sig > 0.0))
        sig = sqrt(m2 / (double)(n - 1)); /* quantised or mostly constant data: fall back */
    const double floor_ = 1e-9 * (fabs(mw) > 1.0 ? fabs(mw) : 1.0);
    p->sig = sig > floor_ ? sig : floor_;
    const double kd = p->delta / (2.0 * p->sig);
    p->k = kd > 0.5 ? kd : 0.5;
}

static void seed_models(vigil_prognoser *p)
{
    const size_t start = (p->rhead + VIGIL_PROGNOSIS_KEEP - p->rlen) % VIGIL_PROGNOSIS_KEEP;
    for (size_t i = 0; i < p->rlen; i++) {
        const size_t at = (start + i) % VIGIL_PROGNOSIS_KEEP;
        if (p->rt[at] < p->t_run)
            continue;
        if (p->f[EXP].n == 0.0 && p->f[LIN].n == 0.0)
            p->t_on = p->rt[at];
        const double tau = p->rt[at] - p->t_on, h = p->rh[at];
        if (p->model != VIGIL_PROGNOSIS_LINEAR)
            fit_add(&p->f[EXP], tau, log(h) - p->mu[EXP], log(h));
        if (p->model != VIGIL_PROGNOSIS_EXPONENTIAL)
            fit_add(&p->f[LIN], tau, h - p->mu[LIN], 0.0);
    }
}

int vigil_prognoser_update(vigil_prognoser *p, double t, double h)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    if (!isfinite(t) || !isfinite(h))
        return vigil__fail(VIGIL_ENONFINITE, "prognosis: time and indicator must be finite");
    if (p->count && !(t > p->t_last))
        return vigil__fail(VIGIL_EINVAL,
                           "prognosis: time %.17g does not follow the previous point's %.17g",
                           t, p->t_last);
    if (p->model != VIGIL_PROGNOSIS_LINEAR && !(p->level > 0.0))
        return vigil__fail(VIGIL_EINVAL,
                           "prognosis: failure level %g <= 0: the exponential and automatic "
                           "models need a positive level (use the linear model)", p->level);
    if (p->model != VIGIL_PROGNOSIS_LINEAR && !(h > 0.0))
        return vigil__fail(VIGIL_EINVAL,
                           "prognosis: indicator %g <= 0: the exponential and automatic models "
                           "need a positive indicator", h);
    if (!p->count && t < p->t_first)
        return vigil__fail(VIGIL_EINVAL, "prognosis: first point at %.17g s, before the unit's "
                           "start %.17g s", t, p->t_first);
    if (!p->count && h >= p->level)
        return vigil__fail(VIGIL_EINVAL,
                           "prognosis: the first value %g of '%s' is already at or above the "
                           "failure level %g", h, p->feature, p->level);
    if (!p->count && isnan(p->t_first))
        p->t_first = t; /* the unit's life starts at its first point unless set_start said */
    p->count++;
    p->t_last = t;
    p->rt[p->rhead] = t;
    p->rh[p->rhead] = h;
    p->rhead = (p->rhead + 1) % VIGIL_PROGNOSIS_KEEP;
    if (p->rlen < VIGIL_PROGNOSIS_KEEP)
        p->rlen++;
    if (p->nbase < p->baseline) {
        p->base[p->nbase++] = h;
        if (p->nbase == p->baseline) {
            finish_baseline(p);
            p->reason = VIGIL_PROGNOSIS_HEALTHY;
        }
    } else if (!p->onset) {
        const double mw = p->model == VIGIL_PROGNOSIS_LINEAR ? p->mu[LIN] : p->mu[EXP];
        const double z = (working(p, h) - mw) / p->sig;
        if (p->S == 0.0)
            p->t_run = t; /* a run above zero starts here (if this point leaves zero) */
        const double s = p->S + z - p->k;
        p->S = s > 0.0 ? s : 0.0;
        if (p->S > p->hcusum) {
            p->onset = 1;
            seed_models(p);
            if (!p->learning)
                estimate(p);
        }
    } else {
        const double tau = t - p->t_on;
        if (p->model != VIGIL_PROGNOSIS_LINEAR)
            fit_add(&p->f[EXP], tau, log(h) - p->mu[EXP], log(h));
        if (p->model != VIGIL_PROGNOSIS_EXPONENTIAL)
            fit_add(&p->f[LIN], tau, h - p->mu[LIN], 0.0);
        if (!p->learning)
            estimate(p);
    }
    if (h >= p->level) {
        p->reason = VIGIL_PROGNOSIS_FAILED;
        p->rul = p->lo = p->hi = 0.0;
    }
    /* without a degradation estimate, the fleet's survival answers (the reason still says why
     * the degradation models do not) */
    if (!p->learning)
        survival_estimate(p);
    p->from_fleet = p->s_ok && p->reason != VIGIL_PROGNOSIS_ESTIMATE &&
                    p->reason != VIGIL_PROGNOSIS_FAILED;
    return p->reason;
}

int vigil_prognoser_rul(const vigil_prognoser *p, double *rul, double *rul_lo, double *rul_hi)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    if (p->from_fleet) {
        if (rul)
            *rul = p->srul;
        if (rul_lo)
            *rul_lo = p->slo;
        if (rul_hi)
            *rul_hi = p->shi;
        return VIGIL_OK;
    }
    if (p->reason != VIGIL_PROGNOSIS_ESTIMATE && p->reason != VIGIL_PROGNOSIS_FAILED)
        return vigil__fail(VIGIL_ENOTREND, "no remaining-life estimate for '%s': %s",
                           p->feature, vigil_prognosis_reason_name(p->reason));
    if (rul)
        *rul = p->rul;
    if (rul_lo)
        *rul_lo = p->lo;
    if (rul_hi)
        *rul_hi = p->hi;
    return VIGIL_OK;
}

int vigil_prognoser_survival(const vigil_prognoser *p, double *rul, double *rul_lo,
                             double *rul_hi)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    if (!p->s_ok)
        return vigil__fail(VIGIL_ENOTREND, "no fleet survival estimate for '%s': %s", p->feature,
                           !p->has_fleet ? "the prior has no lives (or there is no prior)"
                           : !p->count   ? "no point yet"
                                         : "the age is unknown (a version-1 saved prognoser)");
    if (rul)
        *rul = p->srul;
    if (rul_lo)
        *rul_lo = p->slo;
    if (rul_hi)
        *rul_hi = p->shi;
    return VIGIL_OK;
}

int vigil_prognoser_reason(const vigil_prognoser *p)
{
    return p ? p->reason : vigil__status(VIGIL_EINVAL);
}

int vigil_prognoser_model(const vigil_prognoser *p)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    return p->from_fleet ? VIGIL_PROGNOSIS_SURVIVAL : p->used_model;
}

size_t vigil_prognoser_points(const vigil_prognoser *p)
{
    return p && p->onset ? p->used_n : 0;
}

int vigil_prognoser_onset(const vigil_prognoser *p, double *t)
{
    if (!p || !t)
        return vigil__status(VIGIL_EINVAL);
    if (!p->onset)
        return vigil__fail(VIGIL_ENOTREND, "no onset of degradation detected yet");
    *t = p->t_on;
    return VIGIL_OK;
}

double vigil_prognoser_last_time(const vigil_prognoser *p)
{
    return p && p->count ? p->t_last : NAN;
}

const char *vigil_prognoser_feature(const vigil_prognoser *p)
{
    return p ? p->feature : "";
}

double vigil_prognoser_failure_level(const vigil_prognoser *p)
{
    return p ? p->level : NAN;
}

/* ---- the fleet prior -------------------------------------------------------------------- */

int vigil_prognosis_prior_create(const char *feature, double failure_level,
                                 vigil_prognosis_prior **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    int rc = check_feature(feature);
    if (rc)
        return rc;
    if (!isfinite(failure_level) || !(failure_level > 0.0))
        return vigil__fail(VIGIL_EINVAL, "failure level must be finite and > 0");
    vigil_prognosis_prior *pr = calloc(1, sizeof *pr);
    if (!pr)
        return vigil__status(VIGIL_ENOMEM);
    snprintf(pr->feature, sizeof pr->feature, "%s", feature);
    pr->level = failure_level;
    pr->baseline = 30;
    pr->delta = log(2.0);
    pr->hcusum = 5.0;
    *out = pr;
    return VIGIL_OK;
}

int vigil_prognosis_prior_set_onset(vigil_prognosis_prior *pr, size_t baseline, double delta,
                                    double h)
{
    if (!pr || baseline < 5 || baseline > BASELINE_MAX || !isfinite(delta) || !(delta >= 0.0) ||
        !isfinite(h) || !(h > 0.0))
        return vigil__fail(VIGIL_EINVAL,
                           "onset test needs baseline 5..%d points, delta >= 0, h > 0",
                           BASELINE_MAX);
    if (pr->nh)
        return vigil__fail(VIGIL_ESTATE, "the onset test can only be set before the histories");
    pr->baseline = baseline;
    pr->delta = delta;
    pr->hcusum = h;
    return VIGIL_OK;
}

void vigil_prognosis_prior_destroy(vigil_prognosis_prior *pr)
{
    free(pr);
}

int vigil_prognosis_prior_add_history(vigil_prognosis_prior *pr, const double *t,
                                      const double *h, size_t n)
{
    if (!pr || !t || !h)
        return vigil__status(VIGIL_EINVAL);
    if (pr->nlife >= PRIOR_HISTORIES_MAX)
        return vigil__fail(VIGIL_ENOMEM, "a prior holds at most %d histories",
                           PRIOR_HISTORIES_MAX);
    vigil_prognoser *p;
    int rc = create_prognoser(pr->feature, pr->level, 0, &p);
    if (rc == VIGIL_OK)
        rc = vigil_prognoser_set_onset(p, pr->baseline, pr->delta, pr->hcusum);
    if (rc) {
        vigil_prognoser_destroy(p);
        return rc;
    }
    if (n < pr->baseline + 3) {
        vigil_prognoser_destroy(p);
        return vigil__fail(VIGIL_ENODATA, "a history needs at least %zu points (got %zu)",
                           pr->baseline + 3, n);
    }
    /* a recorded history may pass the failure level before its end: every point is learnt */
    p->level = INFINITY;
    p->learning = 1;
    for (size_t i = 0; i < n; i++) {
        rc = vigil_prognoser_update(p, t[i], h[i]);
        if (rc < 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s", vigil_last_error());
            vigil_prognoser_destroy(p);
            return vigil__fail(rc, "history point %zu: %s", i, msg);
        }
    }
    /* a valid history is a life for the survival model, whether or not its indicator follows
     * a degradation model (a unit's life does not depend on how well one channel showed it) */
    pr->life[pr->nlife++] = t[n - 1] - t[0];
    if (!p->onset || p->f[EXP].n < 3.0) {
        const int onset = p->onset;
        vigil_prognoser_destroy(p);
        return vigil__fail(VIGIL_ENOTREND, "history not used: %s",
                           !onset ? "no onset of degradation detected"
                                  : "fewer than 3 points after the onset");
    }
    history *hi = &pr->h[pr->nh];
    hi->onset = p->t_on;
    hi->end_h = h[n - 1];
    for (int j = 0; j < NMODEL; j++) {
        posterior po;
        if (!posterior_of(&p->f[j], NULL, &po)) {
            vigil_prognoser_destroy(p);
            return vigil__fail(VIGIL_ENOTREND, "history not used: no spread in time after onset");
        }
        if (!(po.c1 > 0.0)) {
            /* the path falls from the onset to the failure: this history does not follow a
             * degradation model, and a falling rate would pull the fleet's mean rate down */
            vigil_prognoser_destroy(p);
            return vigil__fail(VIGIL_ENOTREND, "history not used: the %s fit from the onset "
                               "(at %.17g s) to the end falls", j == EXP ? "exponential" : "linear",
                               hi->onset);
        }
        hi->b[j] = po.c1;
        hi->a[j] = po.c0 - po.c1 * p->f[j].tbar;
        hi->s2[j] = po.s2;
        /* the level of the fitted path at the end, not the last (noisy) value: failure is
         * declared at the first snapshot over the limit, which noise brings forward from the
         * path's crossing; the path's level at that time is what the next unit's path will
         * be compared with */
        hi->yend[j] = p->mu[j] + hi->a[j] + hi->b[j] * (t[n - 1] - p->t_on);
    }
    vigil_prognoser_destroy(p);
    pr->nh++;
    return VIGIL_OK;
}

size_t vigil_prognosis_prior_count(const vigil_prognosis_prior *pr)
{
    return pr ? pr->nh : 0;
}

int vigil_prognosis_prior_history(const vigil_prognosis_prior *pr, size_t i, double *onset,
                                  double *end, double *rate_exp)
{
    if (!pr || i >= pr->nh)
        return vigil__status(VIGIL_EINVAL);
    if (onset)
        *onset = pr->h[i].onset;
    if (end)
        *end = pr->h[i].end_h;
    if (rate_exp)
        *rate_exp = pr->h[i].b[EXP];
    return VIGIL_OK;
}

size_t vigil_prognosis_prior_life_count(const vigil_prognosis_prior *pr)
{
    return pr ? pr->nlife : 0;
}

int vigil_prognosis_prior_life(const vigil_prognosis_prior *pr, size_t i, double *life)
{
    if (!pr || !life || i >= pr->nlife)
        return vigil__status(VIGIL_EINVAL);
    *life = pr->life[i];
    return VIGIL_OK;
}

const char *vigil_prognosis_prior_feature(const vigil_prognosis_prior *pr)
{
    return pr ? pr->feature : "";
}

double vigil_prognosis_prior_failure_level(const vigil_prognosis_prior *pr)
{
    return pr ? pr->level : NAN;
}

/* The fleet's distribution of (a, b) (mean, covariance between histories), noise (mean of the
 * residual variances) and end level (mean, predictive variance for one more unit) as the
 * conjugate prior: (a, b) | s^2 ~ N(m0, s^2 L0^-1) with L0 = s_bar^2 Sigma0^-1, so that at
 * s^2 = s_bar^2 the prior covariance is the fleet's; s^2 ~ IG(H/2, H/2 s_bar^2). */
static void derive_prior(const vigil_prognosis_prior *pr, int j, prior_model *pm)
{
    const double H = (double)pr->nh;
    double ma = 0, mb = 0, s2 = 0, md = 0;
    for (size_t i = 0; i < pr->nh; i++) {
        ma += pr->h[i].a[j] / H;
        mb += pr->h[i].b[j] / H;
        s2 += pr->h[i].s2[j] / H;
        md += pr->h[i].yend[j] / H;
    }
    double caa = 0, cab = 0, cbb = 0, vd = 0;
    for (size_t i = 0; i < pr->nh; i++) {
        const double da = pr->h[i].a[j] - ma, db = pr->h[i].b[j] - mb,
                     dd = pr->h[i].yend[j] - md;
        caa += da * da / (H - 1.0);
        cab += da * db / (H - 1.0);
        cbb += db * db / (H - 1.0);
        vd += dd * dd / (H - 1.0);
    }
    /* a spread of zero (identical histories) would make the prior a certainty: keep a floor of
     * 1e-6 of the squared mean; two histories give a rank-one covariance: use its diagonal */
    const double fa = 1e-6 * (ma * ma + 1e-300), fb = 1e-6 * (mb * mb + 1e-300);
    caa = caa > fa ? caa : fa;
    cbb = cbb > fb ? cbb : fb;
    if (!(caa * cbb - cab * cab > 1e-6 * caa * cbb))
        cab = 0.0;
    if (!(s2 > 0.0))
        s2 = 1e-300;
    const double det = caa * cbb - cab * cab;
    pm->m0[0] = ma;
    pm->m0[1] = mb;
    pm->L0[0] = s2 * cbb / det;
    pm->L0[1] = -s2 * cab / det;
    pm->L0[2] = s2 * caa / det;
    pm->a0 = 0.5 * H;
    pm->b0 = pm->a0 * s2;
    pm->dmean = md;
    pm->dvar = vd * (1.0 + 1.0 / H);
}

static int prior_model_valid(const prior_model *m);

int vigil_prognoser_set_prior(vigil_prognoser *p, const vigil_prognosis_prior *prior)
{
    if (!p)
        return vigil__status(VIGIL_EINVAL);
    if (p->onset)
        return vigil__fail(VIGIL_ESTATE, "a prior can only be set before the onset");
    if (!prior) {
        p->has_prior = p->has_fleet = 0;
        p->fleet_n = 0.0;
        p->s_ok = p->from_fleet = 0; /* no fleet, no fleet answer from now on */
        return VIGIL_OK;
    }
    if (strcmp(prior->feature, p->feature) != 0 || prior->level != p->level)
        return vigil__fail(VIGIL_EMISMATCH,
                           "prior made for '%s' failing at %g, prognoser follows '%s' failing at "
                           "%g", prior->feature, prior->level, p->feature, p->level);
    if (prior->nh < 2 && prior->nlife < 2)
        return vigil__fail(VIGIL_ENODATA, "a prior needs at least 2 histories (has %zu)",
                           prior->nlife);
    /* derived first and checked: a prior whose histories give a non-finite or degenerate model
     * (extreme indicator values) is refused here, never saved to be refused at load */
    double eta = 0.0;
    if (prior->nlife >= 2) {
        /* eta = (sum L^beta / H)^(1/beta), scaled by the longest life against overflow */
        double lmax = 0.0, sum = 0.0;
        for (size_t i = 0; i < prior->nlife; i++)
            lmax = prior->life[i] > lmax ? prior->life[i] : lmax;
        for (size_t i = 0; i < prior->nlife; i++)
            sum += pow(prior->life[i] / lmax, SURVIVAL_SHAPE);
        eta = lmax * pow(sum / (double)prior->nlife, 1.0 / SURVIVAL_SHAPE);
        if (!isfinite(eta) || !(eta > 0.0))
            return vigil__fail(VIGIL_ENONFINITE, "the prior's lives give no finite Weibull "
                               "scale");
    }
    prior_model pm[NMODEL];
    memset(pm, 0, sizeof pm);
    for (int j = 0; j < NMODEL && prior->nh >= 2; j++) {
        derive_prior(prior, j, &pm[j]);
        if (!prior_model_valid(&pm[j]))
            return vigil__fail(VIGIL_ENONFINITE, "the prior's histories give a degenerate %s "
                               "model (non-finite or out-of-range parameters)",
                               vigil_prognosis_model_name(j == EXP ? VIGIL_PROGNOSIS_EXPONENTIAL
                                                                 : VIGIL_PROGNOSIS_LINEAR));
    }
    memcpy(p->pm, pm, sizeof pm);
    p->has_prior = prior->nh >= 2;
    p->has_fleet = eta > 0.0;
    p->fleet_eta = eta;
    p->fleet_n = p->has_fleet ? (double)prior->nlife : 0.0;
    fill_fleet(p);
    return VIGIL_OK;
}

/* ---- save and load ---------------------------------------------------------------------- */

static int finish_save(vigil__wbuf *w, void *buf, size_t cap, size_t *written, int size_only)
{
    if (w->err) {
        free(w->p);
        return vigil__status(VIGIL_ENOMEM);
    }
    unsigned char *b;
    size_t n;
    int rc = vigil__model_pack(w->p, w->len, VIGIL__MODEL_VERSION, &b, &n);
    free(w->p);
    if (rc)
        return rc;
    *written = n;
    if (!size_only) {
        if (n > cap) {
            free(b);
            return vigil__fail(VIGIL_ESPACE, "needs %zu bytes, buffer has %zu", n, cap);
        }
        memcpy(buf, b, n);
    }
    free(b);
    return VIGIL_OK;
}

static void put_fit(vigil__wbuf *w, const fit *f)
{
    const double v[7] = {f->n, f->tbar, f->ybar, f->stt, f->sty, f->syy, f->slogh};
    vigil__put_f64s(w, v, 7);
    vigil__put_f64s(w, f->lag, LAG_SUMS); /* format 2 */
}

static void put_prior_model(vigil__wbuf *w, const prior_model *m)
{
    const double v[9] = {m->m0[0], m->m0[1], m->L0[0], m->L0[1], m->L0[2],
                         m->a0,    m->b0,    m->dmean, m->dvar};
    vigil__put_f64s(w, v, 9);
}

void vigil__prognoser_serialise(const vigil_prognoser *p, vigil__wbuf *w)
{
    vigil__put_u32(w, PROGNOSER_TAG);
    vigil__put_u32(w, FORMAT_VERSION);
    vigil__put_str(w, p->feature);
    vigil__put_f64(w, p->level);
    vigil__put_u32(w, (uint32_t)p->model);
    vigil__put_u64(w, p->baseline);
    vigil__put_f64(w, p->delta);
    vigil__put_f64(w, p->hcusum);
    vigil__put_u64(w, p->min_points);
    vigil__put_f64(w, p->conf);
    vigil__put_u32(w, (uint32_t)p->has_prior);
    for (int j = 0; j < NMODEL; j++)
        put_prior_model(w, &p->pm[j]);
    vigil__put_u64(w, p->count);
    vigil__put_f64(w, p->t_last);
    vigil__put_u64(w, p->nbase);
    vigil__put_f64s(w, p->base, p->nbase);
    const double v[7] = {p->mu[EXP], p->mu[LIN], p->sig, p->k, p->S, p->t_run, p->t_on};
    vigil__put_f64s(w, v, 7);
    vigil__put_u32(w, (uint32_t)p->onset);
    vigil__put_u64(w, p->rlen);
    const size_t start = (p->rhead + VIGIL_PROGNOSIS_KEEP - p->rlen) % VIGIL_PROGNOSIS_KEEP;
    for (size_t i = 0; i < p->rlen; i++) {
        vigil__put_f64(w, p->rt[(start + i) % VIGIL_PROGNOSIS_KEEP]);
        vigil__put_f64(w, p->rh[(start + i) % VIGIL_PROGNOSIS_KEEP]);
    }
    for (int j = 0; j < NMODEL; j++)
        put_fit(w, &p->f[j]);
    vigil__put_u32(w, (uint32_t)p->reason);
    vigil__put_u32(w, (uint32_t)p->used_model);
    vigil__put_u64(w, p->used_n);
    const double r[3] = {p->rul, p->lo, p->hi};
    vigil__put_f64s(w, r, 3);
    /* version 2: the fleet's survival model, the age's origin and its answer */
    vigil__put_u32(w, (uint32_t)p->has_fleet);
    const double fl[3] = {p->fleet_eta, p->fleet_n, p->t_first};
    vigil__put_f64s(w, fl, 3);
    vigil__put_u32(w, (uint32_t)p->s_ok);
    vigil__put_u32(w, (uint32_t)p->from_fleet);
    const double sv[3] = {p->srul, p->slo, p->shi};
    vigil__put_f64s(w, sv, 3);
    vigil__put_f64(w, p->point);
}

int vigil_prognoser_save_size(const vigil_prognoser *p, size_t *size)
{
    if (!p || !size)
        return vigil__status(VIGIL_EINVAL);
    vigil__wbuf w = {0};
    vigil__prognoser_serialise(p, &w);
    return finish_save(&w, NULL, 0, size, 1);
}

int vigil_prognoser_save(const vigil_prognoser *p, void *buf, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (!p || !buf || !written)
        return vigil__status(VIGIL_EINVAL);
    vigil__wbuf w = {0};
    vigil__prognoser_serialise(p, &w);
    size_t n = 0;
    int rc = finish_save(&w, buf, cap, &n, 0);
    *written = rc == VIGIL_OK || rc == VIGIL_ESPACE ? n : 0;
    return rc;
}

static int bad_blob(vigil_prognoser *p, const char *what)
{
    vigil_prognoser_destroy(p);
    return vigil__fail(VIGIL_EFORMAT, "vigil prognoser: invalid %s", what);
}

static int fit_valid(const fit *f)
{
    const double v[7] = {f->n, f->tbar, f->ybar, f->stt, f->sty, f->syy, f->slogh};
    for (int i = 0; i < 7; i++)
        if (!isfinite(v[i]))
            return 0;
    for (int i = 0; i < LAG_SUMS; i++)
        if (!isfinite(f->lag[i]))
            return 0;
    /* n counts points: whole, and at most 2^53 so that it converts to size_t exactly; the
     * pairs, fewer */
    return f->n >= 0.0 && f->n <= 9007199254740992.0 && f->stt >= 0.0 && f->syy >= 0.0 &&
           f->n == floor(f->n) && f->lag[0] >= 0.0 && f->lag[0] == floor(f->lag[0]) &&
           (f->lag[0] == 0.0 || f->lag[0] < f->n);
}

static int prior_model_valid(const prior_model *m)
{
    const double v[9] = {m->m0[0], m->m0[1], m->L0[0], m->L0[1], m->L0[2],
                         m->a0,    m->b0,    m->dmean, m->dvar};
    for (int i = 0; i < 9; i++)
        if (!isfinite(v[i]))
            return 0;
    return m->L0[0] >= 0.0 && m->L0[2] >= 0.0 && m->a0 >= 1.0 && m->b0 > 0.0 && m->dvar >= 0.0;
}

/* Version 2's tail: the fleet's survival model and answer. A version-1 blob has none: no
 * fleet, and the age's origin unknown (NaN), so a prior set later gives no survival answer. */
static int parse_fleet(vigil__rbuf *r, vigil_prognoser *p)
{
    const uint32_t has = vigil__get_u32(r);
    double fl[3], sv[3];
    vigil__get_f64s(r, fl, 3);
    const uint32_t s_ok = vigil__get_u32(r), from = vigil__get_u32(r);
    vigil__get_f64s(r, sv, 3);
    const double point = vigil__get_f64(r);
    if (r->err || !(point >= 0.01 && point <= 0.99) || has > 1 || s_ok > 1 || from > 1 || (from && !s_ok) || (s_ok && !has) ||
        (!isfinite(fl[2]) && !isnan(fl[2])) ||
        (p->count && fl[2] > p->t_last) || (s_ok && isnan(fl[2])))
        return VIGIL_EFORMAT;
    if (has && !(isfinite(fl[0]) && fl[0] > 0.0 && fl[1] >= 2.0 &&
                 fl[1] <= PRIOR_HISTORIES_MAX && fl[1] == floor(fl[1])))
        return VIGIL_EFORMAT;
    if (s_ok && !(isfinite(sv[0]) && isfinite(sv[2]) && sv[1] >= 0.0 && sv[1] <= sv[0] &&
                  sv[0] <= sv[2]))
        return VIGIL_EFORMAT;
    /* an answer is the fleet's exactly when the degradation models have none */
    const int deg = p->reason == VIGIL_PROGNOSIS_ESTIMATE || p->reason == VIGIL_PROGNOSIS_FAILED;
    if ((int)from != ((int)s_ok && !deg))
        return VIGIL_EFORMAT;
    p->has_fleet = (int)has;
    p->fleet_eta = has ? fl[0] : 0.0;
    p->fleet_n = has ? fl[1] : 0.0;
    p->t_first = fl[2];
    p->s_ok = (int)s_ok;
    p->from_fleet = (int)from;
    p->point = point;
    fill_point(p);
    if (s_ok)
        p->srul = sv[0], p->slo = sv[1], p->shi = sv[2];
    fill_fleet(p);
    return VIGIL_OK;
}

int vigil__prognoser_parse(vigil__rbuf *r, vigil_prognoser **out)
{
    if (vigil__get_u32(r) != PROGNOSER_TAG || r->err)
        return vigil__fail(VIGIL_EFORMAT, "not a vigil prognoser");
    const uint32_t version = vigil__get_u32(r);
    if (r->err || version < 1 || version > FORMAT_VERSION)
        return vigil__fail(VIGIL_EFORMAT, "vigil prognoser: unknown version (newer vigil?)");
    char *feature = vigil__get_str(r);
    const double level = vigil__get_f64(r);
    vigil_prognoser *p = NULL;
    if (r->err || !feature || vigil_prognoser_create(feature, level, &p) != VIGIL_OK) {
        free(feature);
        return vigil__fail(VIGIL_EFORMAT, "vigil prognoser: invalid indicator or level");
    }
    free(feature);
    const uint32_t model = vigil__get_u32(r);
    const size_t baseline = vigil__get_count(r, BASELINE_MAX);
    const double delta = vigil__get_f64(r), hc = vigil__get_f64(r);
    const size_t minp = vigil__get_count(r, MIN_POINTS_MAX);
    const double conf = vigil__get_f64(r);
    if (r->err || model > VIGIL_PROGNOSIS_LINEAR ||
        vigil_prognoser_set_model(p, (int)model) != VIGIL_OK ||
        vigil_prognoser_set_onset(p, baseline, delta, hc) != VIGIL_OK ||
        vigil_prognoser_set_min_points(p, minp) != VIGIL_OK ||
        vigil_prognoser_set_level(p, conf) != VIGIL_OK)
        return bad_blob(p, "settings");
    p->has_prior = (int)vigil__get_u32(r);
    for (int j = 0; j < NMODEL; j++) {
        prior_model *m = &p->pm[j];
        double v[9];
        vigil__get_f64s(r, v, 9);
        m->m0[0] = v[0], m->m0[1] = v[1], m->L0[0] = v[2], m->L0[1] = v[3], m->L0[2] = v[4];
        m->a0 = v[5], m->b0 = v[6], m->dmean = v[7], m->dvar = v[8];
        if (p->has_prior && !prior_model_valid(m))
            return bad_blob(p, "prior");
    }
    if (r->err || p->has_prior > 1)
        return bad_blob(p, "prior");
    p->count = (size_t)vigil__get_u64(r);
    p->t_last = vigil__get_f64(r);
    p->nbase = vigil__get_count(r, p->baseline);
    vigil__get_f64s(r, p->base, p->nbase);
    double v[7];
    vigil__get_f64s(r, v, 7);
    p->mu[EXP] = v[0], p->mu[LIN] = v[1], p->sig = v[2], p->k = v[3], p->S = v[4];
    p->t_run = v[5], p->t_on = v[6];
    p->onset = (int)vigil__get_u32(r);
    p->rlen = vigil__get_count(r, VIGIL_PROGNOSIS_KEEP);
    if (r->err || p->onset > 1 || p->nbase > p->count || p->rlen > p->count ||
        !isfinite(p->t_last))
        return bad_blob(p, "state");
    for (int i = 0; i < 7; i++)
        if (!isfinite(v[i]))
            return bad_blob(p, "state");
    for (size_t i = 0; i < p->nbase; i++)
        if (!isfinite(p->base[i]))
            return bad_blob(p, "baseline");
    for (size_t i = 0; i < p->rlen; i++) {
        p->rt[i] = vigil__get_f64(r);
        p->rh[i] = vigil__get_f64(r);
        if (!isfinite(p->rt[i]) || !isfinite(p->rh[i]))
            return bad_blob(p, "kept points");
    }
    p->rhead = p->rlen % VIGIL_PROGNOSIS_KEEP;
    for (int j = 0; j < NMODEL; j++) {
        double fv[7];
        vigil__get_f64s(r, fv, 7);
        p->f[j] = (fit){fv[0], fv[1], fv[2], fv[3], fv[4], fv[5], fv[6], {0}};
        /* format 1 has no pair sums: its correction counts the pairs from the load on */
        if (version >= 2) {
            vigil__get_f64s(r, p->f[j].lag, LAG_SUMS);
        } else if (p->f[j].n >= 1.0 && p->rlen) {
            /* the last point, from the kept ones, so that the next pair is a true one */
            const size_t at = (p->rhead + VIGIL_PROGNOSIS_KEEP - 1) % VIGIL_PROGNOSIS_KEEP;
            const double hl = p->rh[at];
            p->f[j].lag[9] = p->rt[at] - p->t_on;
            p->f[j].lag[10] = j == EXP ? (hl > 0.0 ? log(hl) : 0.0) - p->mu[EXP]
                                       : hl - p->mu[LIN];
        }
        if (!fit_valid(&p->f[j]))
            return bad_blob(p, "fit");
    }
    p->reason = (int)vigil__get_u32(r);
    p->used_model = (int)vigil__get_u32(r);
    p->used_n = (size_t)vigil__get_u64(r);
    p->rul = vigil__get_f64(r);
    p->lo = vigil__get_f64(r);
    p->hi = vigil__get_f64(r);
    const int has_estimate =
        p->reason == VIGIL_PROGNOSIS_ESTIMATE || p->reason == VIGIL_PROGNOSIS_FAILED;
    if (r->err || p->reason < 0 || p->reason > VIGIL_PROGNOSIS_OVERDUE ||
        (p->used_model != VIGIL_PROGNOSIS_EXPONENTIAL &&
         p->used_model != VIGIL_PROGNOSIS_LINEAR) ||
        (has_estimate && !(isfinite(p->hi) && p->lo >= 0.0 && p->lo <= p->rul &&
                           p->rul <= p->hi)))
        return bad_blob(p, "result");
    if (version >= 2 && parse_fleet(r, p) != VIGIL_OK)
        return bad_blob(p, "fleet survival model");
    if (r->pos != r->len)
        return bad_blob(p, "length (trailing bytes)");
    *out = p;
    return VIGIL_OK;
}

int vigil_prognoser_load(const void *buf, size_t len, vigil_prognoser **out)
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
    rc = vigil__prognoser_parse(&r, out);
    free(payload);
    return rc;
}

static void serialise_prior(const vigil_prognosis_prior *pr, vigil__wbuf *w)
{
    vigil__put_u32(w, PRIOR_TAG);
    vigil__put_u32(w, FORMAT_VERSION);
    vigil__put_str(w, pr->feature);
    vigil__put_f64(w, pr->level);
    vigil__put_u64(w, pr->baseline);
    vigil__put_f64(w, pr->delta);
    vigil__put_f64(w, pr->hcusum);
    vigil__put_u64(w, pr->nh);
    for (size_t i = 0; i < pr->nh; i++) {
        const history *h = &pr->h[i];
        vigil__put_f64(w, h->onset);
        vigil__put_f64(w, h->end_h);
        for (int j = 0; j < NMODEL; j++) {
            const double v[4] = {h->a[j], h->b[j], h->s2[j], h->yend[j]};
            vigil__put_f64s(w, v, 4);
        }
    }
    /* version 2: every history's life (the survival model) */
    vigil__put_u64(w, pr->nlife);
    vigil__put_f64s(w, pr->life, pr->nlife);
}

int vigil_prognosis_prior_save_size(const vigil_prognosis_prior *pr, size_t *size)
{
    if (!pr || !size)
        return vigil__status(VIGIL_EINVAL);
    vigil__wbuf w = {0};
    serialise_prior(pr, &w);
    return finish_save(&w, NULL, 0, size, 1);
}

int vigil_prognosis_prior_save(const vigil_prognosis_prior *pr, void *buf, size_t cap,
                               size_t *written)
{
    if (written)
        *written = 0;
    if (!pr || !buf || !written)
        return vigil__status(VIGIL_EINVAL);
    vigil__wbuf w = {0};
    serialise_prior(pr, &w);
    size_t n = 0;
    int rc = finish_save(&w, buf, cap, &n, 0);
    *written = rc == VIGIL_OK || rc == VIGIL_ESPACE ? n : 0;
    return rc;
}

int vigil_prognosis_prior_load(const void *buf, size_t len, vigil_prognosis_prior **out)
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
    vigil_prognosis_prior *pr = NULL;
    char *feature = NULL;
    rc = vigil__fail(VIGIL_EFORMAT, "not a vigil prognosis prior");
    if (vigil__get_u32(&r) != PRIOR_TAG || r.err)
        goto done;
    rc = vigil__fail(VIGIL_EFORMAT, "vigil prior: unknown version (newer vigil?)");
    const uint32_t pversion = vigil__get_u32(&r);
    if (r.err || pversion < 1 || pversion > FORMAT_VERSION)
        goto done;
    rc = vigil__fail(VIGIL_EFORMAT, "vigil prior: invalid contents");
    feature = vigil__get_str(&r);
    const double level = vigil__get_f64(&r);
    if (r.err || !feature || vigil_prognosis_prior_create(feature, level, &pr) != VIGIL_OK) {
        rc = vigil__fail(VIGIL_EFORMAT, "vigil prior: invalid indicator or level");
        goto done;
    }
    const size_t baseline = vigil__get_count(&r, BASELINE_MAX);
    const double delta = vigil__get_f64(&r), hc = vigil__get_f64(&r);
    if (r.err || vigil_prognosis_prior_set_onset(pr, baseline, delta, hc) != VIGIL_OK) {
        rc = vigil__fail(VIGIL_EFORMAT, "vigil prior: invalid onset test");
        goto done;
    }
    pr->nh = vigil__get_count(&r, PRIOR_HISTORIES_MAX);
    for (size_t i = 0; i < pr->nh && !r.err; i++) {
        history *h = &pr->h[i];
        h->onset = vigil__get_f64(&r);
        h->end_h = vigil__get_f64(&r);
        int ok = isfinite(h->onset) && h->end_h > 0.0 && isfinite(h->end_h);
        for (int j = 0; j < NMODEL; j++) {
            double v[4];
            vigil__get_f64s(&r, v, 4);
            h->a[j] = v[0], h->b[j] = v[1], h->s2[j] = v[2], h->yend[j] = v[3];
            ok = ok && isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]) && v[2] >= 0.0 &&
                 isfinite(v[3]);
        }
        if (!ok)
            r.err = 1;
    }
    if (pversion >= 2 && !r.err) {
        /* every history used is a life too: at least as many lives as histories */
        pr->nlife = vigil__get_count(&r, PRIOR_HISTORIES_MAX);
        vigil__get_f64s(&r, pr->life, pr->nlife);
        for (size_t i = 0; i < pr->nlife && !r.err; i++)
            if (!isfinite(pr->life[i]) || !(pr->life[i] > 0.0))
                r.err = 1;
        if (pr->nlife && pr->nlife < pr->nh) /* 0: a version-1 prior converted, lives unknown */
            r.err = 1;
    }
    if (r.err || r.pos != r.len) {
        rc = vigil__fail(VIGIL_EFORMAT, "vigil prior: invalid histories or length");
        goto done;
    }
    *out = pr;
    pr = NULL;
    rc = VIGIL_OK;
done:
    free(feature);
    vigil_prognosis_prior_destroy(pr);
    free(payload);
    return rc;
}

int vigil_prognosis_prior_save_file(const vigil_prognosis_prior *pr, const char *path)
{
    if (!pr || !path || !path[0])
        return vigil__status(VIGIL_EINVAL);
    size_t n;
    int rc = vigil_prognosis_prior_save_size(pr, &n);
    if (rc)
        return rc;
    unsigned char *b = malloc(n);
    char *tmp = malloc(strlen(path) + 5);
    if (!b || !tmp) {
        free(b);
        free(tmp);
        return vigil__status(VIGIL_ENOMEM);
    }
    rc = vigil_prognosis_prior_save(pr, b, n, &n);
    if (rc == VIGIL_OK) {
        sprintf(tmp, "%s.tmp", path);
        FILE *f = fopen(tmp, "wb");
        if (!f) {
            rc = vigil__fail(VIGIL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        } else {
            int ok = fwrite(b, 1, n, f) == n && fflush(f) == 0 && fsync(fileno(f)) == 0;
            ok = (fclose(f) == 0) && ok;
            if (!ok || rename(tmp, path) != 0) {
                rc = vigil__fail(VIGIL_EIO, "%s: cannot write: %s", path, strerror(errno));
                remove(tmp);
            }
        }
    }
    free(b);
    free(tmp);
    return rc;
}

int vigil_prognosis_prior_load_file(const char *path, vigil_prognosis_prior **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!path)
        return vigil__status(VIGIL_EINVAL);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vigil__fail(VIGIL_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* a prior holds at most PRIOR_HISTORIES_MAX histories: a few hundred kilobytes at most */
    const size_t cap = (size_t)1 << 20;
    unsigned char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return vigil__status(VIGIL_ENOMEM);
    }
    const size_t len = fread(b, 1, cap, f);
    const int err = ferror(f);
    fclose(f);
    int rc;
    if (err)
        rc = vigil__fail(VIGIL_EIO, "%s: read error", path);
    else if (len == cap)
        rc = vigil__fail(VIGIL_EFORMAT, "%s: too large for a vigil prior", path);
    else {
        rc = vigil__model_file_blame(path, vigil_prognosis_prior_load(b, len, out));
    }
    free(b);
    return rc;
}

/* ---- with a monitor and a pipeline --------------------------------------------------------- */

int vigil__monitor_attach_prognoser(vigil_monitor *m, vigil_prognoser *p)
{
    long col = -1;
    if (strcmp(p->feature, "score") != 0) {
        for (size_t i = 0; i < m->ncols && col < 0; i++)
            if (strcmp(m->names[i], p->feature) == 0)
                col = (long)i;
        if (col < 0) {
            const int rc = vigil__fail(VIGIL_ENOTFOUND,
                                       "prognosis indicator '%s' is neither a column of the "
                                       "monitor's rows nor 'score'", p->feature);
            vigil_prognoser_destroy(p);
            return rc;
        }
    }
    vigil_prognoser_destroy(m->prog);
    m->prog = p;
    m->prog_col = col;
    return VIGIL_OK;
}

void vigil__monitor_feed_prognoser(vigil_monitor *m, const double *row, double t)
{
    const double h = m->prog_col >= 0 ? row[m->prog_col] : m->last_score;
    /* validated here so that a refused point leaves no message behind a successful score */
    if (isfinite(h) && (!m->prog->count || t > m->prog->t_last) &&
        (m->prog->model == VIGIL_PROGNOSIS_LINEAR || h > 0.0) &&
        (m->prog->count || h < m->prog->level))
        vigil_prognoser_update(m->prog, t, h);
}

static int copy_prognoser(const vigil_prognoser *p, vigil_prognoser **out)
{
    vigil__wbuf w = {0};
    vigil__prognoser_serialise(p, &w);
    if (w.err) {
        free(w.p);
        return vigil__status(VIGIL_ENOMEM);
    }
    vigil__rbuf r = {w.p, w.len, 0, 0};
    const int rc = vigil__prognoser_parse(&r, out);
    free(w.p);
    return rc;
}

int vigil_monitor_set_prognoser(vigil_monitor *m, const vigil_prognoser *p)
{
    if (!m)
        return vigil__status(VIGIL_EINVAL);
    if (!p) {
        vigil_prognoser_destroy(m->prog);
        m->prog = NULL;
        return VIGIL_OK;
    }
    vigil_prognoser *copy;
    int rc = copy_prognoser(p, &copy);
    return rc ? rc : vigil__monitor_attach_prognoser(m, copy);
}

const vigil_prognoser *vigil_monitor_prognoser(const vigil_monitor *m)
{
    return m ? m->prog : NULL;
}

int vigil_pipeline_create_prognoser(const vigil_pipeline *pl, vigil_prognoser **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!pl)
        return vigil__status(VIGIL_EINVAL);
    const char *feature = vigil_pipeline_string(pl, "prognosis.feature");
    if (!feature || strcmp(feature, "none") == 0)
        return vigil__fail(VIGIL_ENOTFOUND, "the pipeline has no prognosis (prognosis.feature "
                           "= none)");
    double level = 0, baseline = 0, delta = 0, h = 0, minp = 0, conf = 0, point = 0;
    if (vigil_pipeline_number(pl, "prognosis.failure", &level) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.baseline", &baseline) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.rise", &delta) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.cusum_h", &h) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.min_points", &minp) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.level", &conf) != VIGIL_OK ||
        vigil_pipeline_number(pl, "prognosis.point", &point) != VIGIL_OK)
        return vigil__status(VIGIL_EINVAL);
    vigil_prognoser *p;
    int rc = vigil_prognoser_create(feature, level, &p);
    if (rc)
        return rc;
    const int model = vigil_prognosis_model_parse(vigil_pipeline_string(pl, "prognosis.model"));
    if (model < 0 || (rc = vigil_prognoser_set_model(p, model)) != VIGIL_OK ||
        (rc = vigil_prognoser_set_onset(p, (size_t)baseline, delta, h)) != VIGIL_OK ||
        (rc = vigil_prognoser_set_min_points(p, (size_t)minp)) != VIGIL_OK ||
        (rc = vigil_prognoser_set_level(p, conf)) != VIGIL_OK ||
        (rc = vigil_prognoser_set_point(p, point)) != VIGIL_OK) {
        vigil_prognoser_destroy(p);
        return rc ? rc : vigil__status(VIGIL_EINVAL);
    }
    *out = p;
    return VIGIL_OK;
}
