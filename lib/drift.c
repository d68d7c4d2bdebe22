/* Drift and change detection on one timestamped scalar stream. See include/vigil/drift.h. */
#include "vigil/drift.h"

#include "status.h"

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AUTO_INTERVALS 15
#define AUTO_GAP_FACTOR 10.0
#define CAPACITY_MAX 1048576

struct vigil_drift {
    double horizon;
    size_t cap;
    double *rt, *rv;      /* ring of (t, v) within the horizon */
    size_t head, count;   /* oldest at head */
    double *x, *y;        /* scratch for gsl_fit_linear */

    double tau, level;
    int have_t;
    double last_t;

    double k, h, sp, sn;
    double delta, lambda, ph_mean, ph_up, ph_up_min, ph_dn, ph_dn_max;
    size_t ph_n;

    int ref_set;          /* 1: set explicitly (kept by reset) */
    int ref_ready;
    double ref_mean, ref_sigma;
    size_t warmup, w_n;
    double w_mean, w_m2;

    double gap;           /* 0: automatic, inf: never */
    double intervals[AUTO_INTERVALS];
    size_t nint;
    double auto_gap;      /* 0 until AUTO_INTERVALS intervals seen */

    size_t changes, gaps;
};

int vigil_drift_create(double horizon, size_t capacity, vigil_drift **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!(horizon > 0.0) || !isfinite(horizon) || capacity < 2 || capacity > CAPACITY_MAX)
        return vigil__fail(VIGIL_EINVAL, "drift needs a finite horizon > 0 and 2..%d points",
                           CAPACITY_MAX);
    vigil_drift *d = calloc(1, sizeof *d);
    if (!d)
        return vigil__status(VIGIL_ENOMEM);
    d->rt = malloc(capacity * sizeof *d->rt);
    d->rv = malloc(capacity * sizeof *d->rv);
    d->x = malloc(capacity * sizeof *d->x);
    d->y = malloc(capacity * sizeof *d->y);
    if (!d->rt || !d->rv || !d->x || !d->y) {
        vigil_drift_destroy(d);
        return vigil__status(VIGIL_ENOMEM);
    }
    d->horizon = horizon;
    d->cap = capacity;
    /* tau = horizon/4: the level follows changes on the time scale the slope looks at. */
    d->tau = horizon / 4.0;
    /* Montgomery's classic CUSUM design (k = 0.5 sigma, h = 5 sigma) detects a 1-sigma shift in
     * about 10 samples; Page-Hinkley with the same tolerance and a looser lambda is the slower,
     * more conservative second opinion. */
    d->k = 0.5;
    d->h = 5.0;
    d->delta = 0.5;
    d->lambda = 10.0;
    d->warmup = 30;
    vigil_drift_reset(d);
    *out = d;
    return VIGIL_OK;
}

void vigil_drift_destroy(vigil_drift *d)
{
    if (!d)
        return;
    free(d->rt);
    free(d->rv);
    free(d->x);
    free(d->y);
    free(d);
}

static void restart_tests(vigil_drift *d)
{
    d->sp = d->sn = 0.0;
    d->ph_n = 0;
    d->ph_mean = d->ph_up = d->ph_up_min = d->ph_dn = d->ph_dn_max = 0.0;
}

int vigil_drift_reset(vigil_drift *d)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    d->head = d->count = 0;
    d->have_t = 0;
    d->level = NAN;
    d->ref_ready = d->ref_set;
    d->w_n = 0;
    d->w_mean = d->w_m2 = 0.0;
    d->nint = 0;
    d->auto_gap = 0.0;
    d->changes = d->gaps = 0;
    restart_tests(d);
    return VIGIL_OK;
}

int vigil_drift_set_tau(vigil_drift *d, double tau)
{
    if (!d || !(tau > 0.0) || !isfinite(tau))
        return vigil__fail(VIGIL_EINVAL, "tau must be finite and > 0");
    d->tau = tau;
    return VIGIL_OK;
}

int vigil_drift_set_cusum(vigil_drift *d, double k, double h)
{
    if (!d || !(k >= 0.0) || !isfinite(k) || !(h > 0.0) || !isfinite(h))
        return vigil__fail(VIGIL_EINVAL, "CUSUM needs finite k >= 0 and h > 0");
    d->k = k;
    d->h = h;
    return VIGIL_OK;
}

int vigil_drift_set_page_hinkley(vigil_drift *d, double delta, double lambda)
{
    if (!d || !(delta >= 0.0) || !isfinite(delta) || !(lambda > 0.0) || !isfinite(lambda))
        return vigil__fail(VIGIL_EINVAL, "Page-Hinkley needs finite delta >= 0 and lambda > 0");
    d->delta = delta;
    d->lambda = lambda;
    return VIGIL_OK;
}

int vigil_drift_set_reference(vigil_drift *d, double mean, double sigma)
{
    if (!d || !isfinite(mean) || !(sigma > 0.0) || !isfinite(sigma))
        return vigil__fail(VIGIL_EINVAL, "reference needs a finite mean and sigma > 0");
    d->ref_set = d->ref_ready = 1;
    d->ref_mean = mean;
    d->ref_sigma = sigma;
    return VIGIL_OK;
}

int vigil_drift_set_gap(vigil_drift *d, double seconds)
{
    if (!d || !(seconds >= 0.0))
        return vigil__fail(VIGIL_EINVAL, "gap must be >= 0 seconds (0: automatic)");
    d->gap = seconds;
    return VIGIL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Is an interval of dt seconds a gap? Also learns the automatic rule. */
static int is_gap(vigil_drift *d, double dt)
{
    if (d->gap > 0.0)
        return dt > d->gap;
    if (d->auto_gap > 0.0)
        return dt > d->auto_gap;
    if (dt > 0.0 && d->nint < AUTO_INTERVALS) {
        d->intervals[d->nint++] = dt;
        if (d->nint == AUTO_INTERVALS) {
            double s[AUTO_INTERVALS];
            memcpy(s, d->intervals, sizeof s);
            qsort(s, AUTO_INTERVALS, sizeof s[0], cmp_double);
            d->auto_gap = AUTO_GAP_FACTOR * s[AUTO_INTERVALS / 2];
        }
    }
    return 0;
}

/* The least-squares slope of the ring's points, computed when asked for rather than on every
 * update: a refit costs O(points) (up to the capacity, 4096 in a monitor), which per frame and
 * per feature dominated a monitor's cost, while the slope is read far less often than frames
 * arrive. The scratch arrays are the object's own (one object per thread, header rule). */
static double fit_slope(const vigil_drift *d)
{
    if (d->count < 2)
        return NAN;
    /* Times relative to the newest point and in hours: well conditioned, slope per hour. */
    const double t = d->rt[(d->head + d->count - 1) % d->cap];
    double mx = 0.0;
    for (size_t i = 0; i < d->count; i++) {
        size_t j = (d->head + i) % d->cap;
        d->x[i] = (d->rt[j] - t) / 3600.0;
        d->y[i] = d->rv[j];
        mx += d->x[i];
    }
    mx /= (double)d->count;
    double sxx = 0.0;
    for (size_t i = 0; i < d->count; i++)
        sxx += (d->x[i] - mx) * (d->x[i] - mx);
    if (!(sxx > 0.0))
        return NAN; /* all at one time: gsl_fit_linear would divide by zero */
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(d->x, 1, d->y, 1, d->count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    return c1;
}

int vigil_drift_update(vigil_drift *d, double t, double v)
{
    if (!d)
        return vigil__status(VIGIL_EINVAL);
    if (!isfinite(t) || !(fabs(v) <= VIGIL_VALUE_MAX))
        return vigil__fail(VIGIL_ENONFINITE, "drift: time %g or value %g not finite or value "
                           "beyond +-%g", t, v, VIGIL_VALUE_MAX);
    if (d->have_t && t < d->last_t)
        return vigil__fail(VIGIL_EINVAL, "drift: time %.17g before the previous %.17g", t,
                           d->last_t);
    int flags = 0;
    double dt = d->have_t ? t - d->last_t : 0.0;
    if (d->have_t && is_gap(d, dt)) {
        flags |= VIGIL_DRIFT_GAP;
        d->gaps++;
        d->level = v;
        restart_tests(d);
    } else if (!d->have_t) {
        d->level = v;
    } else {
        double alpha = 1.0 - exp(-dt / d->tau);
        d->level += alpha * (v - d->level);
    }
    d->have_t = 1;
    d->last_t = t;

    /* Slope ring: drop points older than the horizon, then the oldest if full. */
    while (d->count > 0 && d->rt[d->head] < t - d->horizon) {
        d->head = (d->head + 1) % d->cap;
        d->count--;
    }
    if (d->count == d->cap) {
        d->head = (d->head + 1) % d->cap;
        d->count--;
    }
    size_t j = (d->head + d->count) % d->cap;
    d->rt[j] = t;
    d->rv[j] = v;
    d->count++;

    if (!d->ref_ready) {
        d->w_n++;
        double dv = v - d->w_mean;
        d->w_mean += dv / (double)d->w_n;
        d->w_m2 += dv * (v - d->w_mean);
        if (d->w_n >= d->warmup) {
            double sd = sqrt(d->w_m2 / (double)(d->w_n - 1));
            d->ref_mean = d->w_mean;
            /* a constant warm-up would make every later change infinitely significant */
            d->ref_sigma = sd > 0.0 ? sd : fmax(fabs(d->w_mean) * 1e-6, 1e-12);
            d->ref_ready = 1;
        }
        return flags;
    }
    double u = (v - d->ref_mean) / d->ref_sigma;
    d->sp = fmax(0.0, d->sp + u - d->k);
    d->sn = fmax(0.0, d->sn - u - d->k);
    if (d->sp > d->h) {
        flags |= VIGIL_DRIFT_CUSUM_UP;
        d->sp = 0.0;
    }
    if (d->sn > d->h) {
        flags |= VIGIL_DRIFT_CUSUM_DOWN;
        d->sn = 0.0;
    }
    d->ph_n++;
    d->ph_mean += (u - d->ph_mean) / (double)d->ph_n;
    d->ph_up += u - d->ph_mean - d->delta;
    d->ph_up_min = fmin(d->ph_up_min, d->ph_up);
    d->ph_dn += u - d->ph_mean + d->delta;
    d->ph_dn_max = fmax(d->ph_dn_max, d->ph_dn);
    int ph = 0;
    if (d->ph_up - d->ph_up_min > d->lambda)
        ph |= VIGIL_DRIFT_PH_UP;
    if (d->ph_dn_max - d->ph_dn > d->lambda)
        ph |= VIGIL_DRIFT_PH_DOWN;
    if (ph) {
        double sp = d->sp, sn = d->sn;
        restart_tests(d);
        d->sp = sp;
        d->sn = sn;
    }
    flags |= ph;
    if (flags & (VIGIL_DRIFT_CUSUM_UP | VIGIL_DRIFT_CUSUM_DOWN | VIGIL_DRIFT_PH_UP |
                 VIGIL_DRIFT_PH_DOWN))
        d->changes++;
    return flags;
}

double vigil_drift_level(const vigil_drift *d)
{
    return d ? d->level : NAN;
}

double vigil_drift_slope(const vigil_drift *d)
{
    return d ? fit_slope(d) : NAN;
}

size_t vigil_drift_points(const vigil_drift *d)
{
    return d ? d->count : 0;
}

int vigil_drift_cusum(const vigil_drift *d, double *upper, double *lower)
{
    if (!d || !upper || !lower)
        return vigil__status(VIGIL_EINVAL);
    *upper = d->sp;
    *lower = d->sn;
    return VIGIL_OK;
}

size_t vigil_drift_changes(const vigil_drift *d)
{
    return d ? d->changes : 0;
}

size_t vigil_drift_gaps(const vigil_drift *d)
{
    return d ? d->gaps : 0;
}
