/* Detector 1: per-feature robust z-score with EWMA smoothing, the simple and explainable one.
 * The monitor has already standardised each feature by its baseline median and MAD; fit learns
 * the mean and RMS spread of those values (after direction clipping), and the score is
 * max_i |EWMA_i((z_i - mean_i) / spread_i)|: a frame is as anomalous as its most anomalous
 * feature, and that feature is the explanation. Also home of helpers shared by detectors. */
#include "detector.h"

#include "status.h"
#include "vigil/monitor.h"

#include <gsl/gsl_eigen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The input is already in robust-sigma units; a spread floor of 0.1 sigma stops a training
 * column that happens to be nearly constant (e.g. clipped at 0) from making tiny moves huge. */
#define SPREAD_FLOOR 0.1
#define UPDATE_WEIGHT 0.01

typedef struct zscore {
    vigil__detector base;
    double alpha;
    double *mean, *spread, *ew;
    int have;
} zscore;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double vigil__quantile(double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(x, n, sizeof *x, cmp_double);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return x[n - 1];
    double f = pos - (double)i;
    return x[i] + f * (x[i + 1] - x[i]);
}

double vigil__shrunk_cov(const double *z, size_t n, size_t d, const double *mu, double floor,
                         double *cov)
{
    /* Ledoit & Wolf (2004), target mu*I: shrinkage = min(b2, d2) / d2 with
     * d2 = ||S - m I||_F^2, b2 = (1/n^2) sum_k ||x_k x_k' - S||_F^2 (as scikit-learn). */
    memset(cov, 0, d * d * sizeof *cov);
    double sum_x4 = 0.0;
    for (size_t k = 0; k < n; k++) {
        const double *x = z + k * d;
        double nx = 0.0;
        for (size_t i = 0; i < d; i++) {
            double xi = x[i] - mu[i];
            nx += xi * xi;
            for (size_t j = 0; j <= i; j++)
                cov[i * d + j] += xi * (x[j] - mu[j]);
        }
        sum_x4 += nx * nx;
    }
    double tr = 0.0, fro = 0.0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++) {
            double v = cov[i * d + j] / (double)n;
            cov[i * d + j] = cov[j * d + i] = v;
            fro += (i == j ? 1.0 : 2.0) * v * v;
            if (i == j)
                tr += v;
        }
    double m = tr / (double)d;
    if (!(m > 1e-12))
        m = 1e-12;
    double d2 = fro - 2.0 * m * tr + m * m * (double)d;
    double b2 = (sum_x4 / (double)n - fro) / (double)n;
    double s = d2 > 0.0 ? fmin(fmax(b2, 0.0), d2) / d2 : 1.0;
    if (s < floor)
        s = floor;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            cov[i * d + j] = (1.0 - s) * cov[i * d + j] + (i == j ? s * m : 0.0);
    return s;
}

int vigil__floor_eigenvalues(double *cov, size_t d, double floor)
{
    /* gsl_*_alloc call the error handler only when out of memory; d is small and valid. */
    gsl_matrix *a = gsl_matrix_alloc(d, d), *v = gsl_matrix_alloc(d, d);
    gsl_vector *l = gsl_vector_alloc(d);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(d);
    int rc = VIGIL_OK;
    if (!a || !v || !l || !w) {
        rc = vigil__status(VIGIL_ENOMEM);
        goto done;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            gsl_matrix_set(a, i, j, cov[i * d + j]);
    gsl_eigen_symmv(a, l, v, w);
    for (size_t k = 0; k < d; k++)
        gsl_vector_set(l, k, fmax(gsl_vector_get(l, k), floor));
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++) {
            double t = 0.0;
            for (size_t k = 0; k < d; k++)
                t += gsl_matrix_get(v, i, k) * gsl_vector_get(l, k) * gsl_matrix_get(v, j, k);
            cov[i * d + j] = cov[j * d + i] = t;
        }
done:
    if (a)
        gsl_matrix_free(a);
    if (v)
        gsl_matrix_free(v);
    if (l)
        gsl_vector_free(l);
    if (w)
        gsl_eigen_symmv_free(w);
    return rc;
}

uint64_t vigil__rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double vigil__rand_uniform(uint64_t *state)
{
    return (double)(vigil__rand_next(state) >> 11) * 0x1.0p-53;
}

static void z_destroy(vigil__detector *det)
{
    zscore *z = (zscore *)det;
    if (!z)
        return;
    free(z->mean);
    free(z->spread);
    free(z->ew);
    free(z);
}

static int z_create(size_t d, const vigil__detector_params *p, vigil__detector **out)
{
    zscore *z = calloc(1, sizeof *z);
    if (!z)
        return vigil__status(VIGIL_ENOMEM);
    z->base.ops = &vigil__detector_zscore;
    z->base.d = d;
    z->alpha = p->alpha;
    z->mean = calloc(d, sizeof *z->mean);
    z->spread = malloc(d * sizeof *z->spread);
    z->ew = calloc(d, sizeof *z->ew);
    if (!z->mean || !z->spread || !z->ew) {
        z_destroy(&z->base);
        return vigil__status(VIGIL_ENOMEM);
    }
    for (size_t i = 0; i < d; i++)
        z->spread[i] = 1.0;
    *out = &z->base;
    return VIGIL_OK;
}

static int z_fit(vigil__detector *det, const double *x, size_t rows)
{
    zscore *z = (zscore *)det;
    const size_t d = det->d;
    for (size_t i = 0; i < d; i++) {
        double m = 0.0, s = 0.0;
        for (size_t k = 0; k < rows; k++)
            m += x[k * d + i];
        m /= (double)rows;
        for (size_t k = 0; k < rows; k++)
            s += (x[k * d + i] - m) * (x[k * d + i] - m);
        z->mean[i] = m;
        z->spread[i] = fmax(sqrt(s / (double)rows), SPREAD_FLOOR);
    }
    z->have = 0;
    return VIGIL_OK;
}

static int z_update(vigil__detector *det, const double *x)
{
    zscore *z = (zscore *)det;
    for (size_t i = 0; i < det->d; i++) {
        double dv = x[i] - z->mean[i];
        z->mean[i] += UPDATE_WEIGHT * dv;
        double var = (1.0 - UPDATE_WEIGHT) * (z->spread[i] * z->spread[i] +
                                              UPDATE_WEIGHT * dv * dv);
        z->spread[i] = fmax(sqrt(var), SPREAD_FLOOR);
    }
    return VIGIL_OK;
}

static double z_score(vigil__detector *det, const double *x, double *contrib)
{
    zscore *z = (zscore *)det;
    double best = 0.0;
    for (size_t i = 0; i < det->d; i++) {
        double u = (x[i] - z->mean[i]) / z->spread[i];
        u = fmin(fmax(u, -VIGIL__Z_MAX), VIGIL__Z_MAX); /* a loaded mean far away: no inf */
        z->ew[i] = z->have ? z->ew[i] + z->alpha * (u - z->ew[i]) : u;
        contrib[i] = fabs(z->ew[i]);
        if (contrib[i] > best)
            best = contrib[i];
    }
    z->have = 1;
    return best;
}

static void z_reset(vigil__detector *det)
{
    ((zscore *)det)->have = 0;
}

static void z_save(const vigil__detector *det, vigil__wbuf *w)
{
    const zscore *z = (const zscore *)det;
    vigil__put_f64s(w, z->mean, det->d);
    vigil__put_f64s(w, z->spread, det->d);
}

static int z_load(vigil__detector *det, vigil__rbuf *r)
{
    zscore *z = (zscore *)det;
    vigil__get_f64s(r, z->mean, det->d);
    vigil__get_f64s(r, z->spread, det->d);
    for (size_t i = 0; i < det->d; i++)
        if (!isfinite(z->mean[i]) || !(z->spread[i] >= SPREAD_FLOOR) || !isfinite(z->spread[i]))
            return VIGIL_EFORMAT;
    return r->err ? VIGIL_EFORMAT : VIGIL_OK;
}

/* The smoothing: whether it has a value, and the smoothed z of each feature. */
static void z_save_stream(const vigil__detector *det, vigil__wbuf *w)
{
    const zscore *z = (const zscore *)det;
    vigil__put_u32(w, (uint32_t)z->have);
    vigil__put_f64s(w, z->ew, det->d);
}

static int z_load_stream(vigil__detector *det, vigil__rbuf *r)
{
    zscore *z = (zscore *)det;
    const uint32_t have = vigil__get_u32(r);
    vigil__get_f64s(r, z->ew, det->d);
    if (r->err || have > 1)
        return VIGIL_EFORMAT;
    for (size_t i = 0; i < det->d; i++) /* a mean of clipped values stays within the clip */
        if (!(fabs(z->ew[i]) <= VIGIL__Z_MAX))
            return VIGIL_EFORMAT;
    z->have = (int)have;
    return VIGIL_OK;
}

const vigil__detector_ops vigil__detector_zscore = {
    VIGIL_DETECTOR_ZSCORE, "zscore", 2, z_create, z_fit, z_update, z_score, z_reset,
    z_save, z_load, z_destroy, 0, z_save_stream, z_load_stream,
};

const vigil__detector_ops *vigil__detector_find(int kind)
{
    switch (kind) {
    case VIGIL_DETECTOR_ZSCORE: return &vigil__detector_zscore;
    case VIGIL_DETECTOR_MAHALANOBIS: return &vigil__detector_mahalanobis;
    case VIGIL_DETECTOR_PCA: return &vigil__detector_pca;
    case VIGIL_DETECTOR_HST: return &vigil__detector_hst;
    default: return NULL;
    }
}
