/* Detector 3: PCA of the healthy rows' shrinkage covariance (GSL symmetric eigensolver). Keeps the fewest leading
 * components explaining >= 90 % of the variance (at most d - 1, so a residual space exists) and
 * reports Hotelling's T^2 in the model space and the squared prediction error SPE (Q) in the
 * residual space. The score combines them as T^2 / T2_99 + SPE / SPE_99, where T2_99 is the
 * chi-square 0.99 quantile with k degrees of freedom and SPE_99 the 0.99 quantile of the
 * training SPE: a frame that breaks the healthy correlation structure (SPE) is caught even when
 * each feature stays in range. Contributions: each feature's share of both terms. */
#include "detector.h"

#include "status.h"
#include "vigil/monitor.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VARIANCE_KEPT 0.90
#define UPDATE_WEIGHT 0.01

typedef struct pca {
    vigil__detector base;
    size_t k;
    double *mu, *cov;    /* cov kept for online updates */
    double *lambda;      /* d eigenvalues, descending */
    double *p;           /* d x d eigenvectors, column j = component j (row-major) */
    double t2_lim, spe_lim;
    double *t, *r;       /* scratch */
    double *undo;        /* mu and cov before an update, restored if the update is rejected */
    gsl_matrix *a, *evec;
    gsl_vector *eval;
    gsl_eigen_symmv_workspace *ws;
} pca;

static void p_destroy(vigil__detector *det)
{
    pca *p = (pca *)det;
    if (!p)
        return;
    free(p->mu);
    free(p->cov);
    free(p->lambda);
    free(p->p);
    free(p->t);
    free(p->r);
    free(p->undo);
    if (p->a)
        gsl_matrix_free(p->a);
    if (p->evec)
        gsl_matrix_free(p->evec);
    if (p->eval)
        gsl_vector_free(p->eval);
    if (p->ws)
        gsl_eigen_symmv_free(p->ws);
    free(p);
}

static int p_create(size_t d, const vigil__detector_params *par, vigil__detector **out)
{
    (void)par;
    pca *p = calloc(1, sizeof *p);
    if (!p)
        return vigil__status(VIGIL_ENOMEM);
    p->base.ops = &vigil__detector_pca;
    p->base.d = d;
    p->mu = calloc(d, sizeof *p->mu);
    p->cov = calloc(d * d, sizeof *p->cov);
    p->lambda = calloc(d, sizeof *p->lambda);
    p->p = calloc(d * d, sizeof *p->p);
    p->t = calloc(d, sizeof *p->t);
    p->r = calloc(d, sizeof *p->r);
    p->undo = malloc((d + d * d) * sizeof *p->undo);
    p->a = gsl_matrix_alloc(d, d);
    p->evec = gsl_matrix_alloc(d, d);
    p->eval = gsl_vector_alloc(d);
    p->ws = gsl_eigen_symmv_alloc(d);
    if (!p->mu || !p->cov || !p->lambda || !p->p || !p->t || !p->r || !p->undo || !p->a || !p->evec ||
        !p->eval || !p->ws) {
        p_destroy(&p->base);
        return vigil__status(VIGIL_ENOMEM);
    }
    *out = &p->base;
    return VIGIL_OK;
}

/* Eigen-decompose cov into lambda/p and choose k. */
static int decompose(pca *p)
{
    const size_t d = p->base.d;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            if (!isfinite(p->cov[i * d + j]))
                return VIGIL_EFORMAT;
            gsl_matrix_set(p->a, i, j, p->cov[i * d + j]);
        }
    gsl_eigen_symmv(p->a, p->eval, p->evec, p->ws);
    gsl_eigen_symmv_sort(p->eval, p->evec, GSL_EIGEN_SORT_VAL_DESC);
    double total = 0.0;
    for (size_t j = 0; j < d; j++)
        total += fmax(gsl_vector_get(p->eval, j), 0.0);
    if (!(total > 0.0))
        return VIGIL_ENODATA;
    /* Eigenvalues below 1e-9 of the largest are numerical zeros: floor them so T^2 is finite. */
    double floor = 1e-9 * gsl_vector_get(p->eval, 0);
    double cum = 0.0;
    p->k = 0;
    for (size_t j = 0; j < d; j++) {
        p->lambda[j] = fmax(gsl_vector_get(p->eval, j), floor);
        for (size_t i = 0; i < d; i++)
            p->p[i * d + j] = gsl_matrix_get(p->evec, i, j);
        if (p->k == 0) {
            cum += fmax(gsl_vector_get(p->eval, j), 0.0);
            if (cum >= VARIANCE_KEPT * total)
                p->k = j + 1;
        }
    }
    if (p->k == 0 || p->k >= d)
        p->k = d > 1 ? d - 1 : 1;
    p->t2_lim = gsl_cdf_chisq_Pinv(0.99, (double)p->k);
    return VIGIL_OK;
}

/* T^2 and SPE of one row; fills t (k) and r (d). */
static void project(pca *p, const double *z, double *t2, double *spe)
{
    const size_t d = p->base.d;
    for (size_t i = 0; i < d; i++)
        p->r[i] = z[i] - p->mu[i];
    double s = 0.0;
    for (size_t j = 0; j < p->k; j++) {
        double tj = 0.0;
        for (size_t i = 0; i < d; i++)
            tj += p->p[i * d + j] * p->r[i];
        p->t[j] = tj;
        s += tj * tj / p->lambda[j];
    }
    *t2 = s;
    double q = 0.0;
    for (size_t i = 0; i < d; i++) {
        double v = p->r[i];
        for (size_t j = 0; j < p->k; j++)
            v -= p->p[i * d + j] * p->t[j];
        p->r[i] = v; /* now the residual */
        q += v * v;
    }
    *spe = d > 1 ? q : 0.0;
}

static int p_fit(vigil__detector *det, const double *z, size_t rows)
{
    pca *p = (pca *)det;
    const size_t d = det->d;
    for (size_t i = 0; i < d; i++) {
        double s = 0.0;
        for (size_t k = 0; k < rows; k++)
            s += z[k * d + i];
        p->mu[i] = s / (double)rows;
    }
    /* The same Ledoit-Wolf shrinkage as the Mahalanobis detector: with few training frames
     * the smallest sample eigenvalues are too small, which makes T^2 and SPE over-sensitive
     * on unseen healthy data. */
    vigil__shrunk_cov(z, rows, d, p->mu, 0.01, p->cov);
    /* and the floor of every direction's variance (detector.h), as the Mahalanobis one */
    int rc = vigil__floor_eigenvalues(p->cov, d, VIGIL__DIRECTION_FLOOR);
    if (rc != VIGIL_OK)
        return rc;
    rc = decompose(p);
    if (rc != VIGIL_OK)
        return vigil__fail(VIGIL_ENODATA, "PCA: the training rows have no variance");
    double *q = malloc(rows * sizeof *q);
    if (!q)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t k = 0; k < rows; k++) {
        double t2;
        project(p, z + k * d, &t2, &q[k]);
    }
    double lim = vigil__quantile(q, rows, 0.99);
    free(q);
    /* SPE limit floor: 1e-9 of the total variance, so an exact low-rank baseline still gives a
     * finite, very sensitive SPE term rather than a division by zero. */
    double tr = 0.0;
    for (size_t i = 0; i < d; i++)
        tr += p->cov[i * d + i];
    p->spe_lim = fmax(lim, 1e-9 * tr);
    /* The residual space has d - k directions of variance >= VIGIL__DIRECTION_FLOOR: its SPE
     * limit is at least that of an isotropic residual at the floor, floor x chi2_0.99(d - k)
     * (Jackson & Mudholkar's limit for equal eigenvalues). The in-sample quantile alone, from
     * residual directions of tiny training variance, made any unseen move across them huge. */
    if (d > p->k)
        p->spe_lim = fmax(p->spe_lim, VIGIL__DIRECTION_FLOOR *
                                          gsl_cdf_chisq_Pinv(0.99, (double)(d - p->k)));
    return VIGIL_OK;
}

static int p_update(vigil__detector *det, const double *z)
{
    pca *p = (pca *)det;
    const size_t d = det->d;
    /* decompose() fails before it writes lambda, p or k; restoring mu and cov on failure
     * leaves the model exactly as it was. */
    memcpy(p->undo, p->mu, d * sizeof *p->mu);
    memcpy(p->undo + d, p->cov, d * d * sizeof *p->cov);
    for (size_t i = 0; i < d; i++)
        p->mu[i] += UPDATE_WEIGHT * (z[i] - p->mu[i]);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            p->cov[i * d + j] = (1.0 - UPDATE_WEIGHT) * p->cov[i * d + j] +
                                UPDATE_WEIGHT * (z[i] - p->mu[i]) * (z[j] - p->mu[j]);
    if (decompose(p) == VIGIL_OK)
        return VIGIL_OK;
    memcpy(p->mu, p->undo, d * sizeof *p->mu);
    memcpy(p->cov, p->undo + d, d * d * sizeof *p->cov);
    return vigil__fail(VIGIL_ENONFINITE, "update rejected: the covariance would not be "
                       "finite with variance; the model is unchanged");
}

static double p_score(vigil__detector *det, const double *z, double *contrib)
{
    pca *p = (pca *)det;
    const size_t d = det->d;
    double t2, spe;
    project(p, z, &t2, &spe);
    det->stat[0] = t2;
    det->stat[1] = spe;
    for (size_t i = 0; i < d; i++) {
        double c = 0.0; /* (z_i - mu_i) * sum_j p_ij t_j / lambda_j: sums to T^2 over i */
        for (size_t j = 0; j < p->k; j++)
            c += p->p[i * d + j] * p->t[j] / p->lambda[j];
        double zi = z[i] - p->mu[i];
        contrib[i] = zi * c / p->t2_lim + p->r[i] * p->r[i] / p->spe_lim;
    }
    return t2 / p->t2_lim + spe / p->spe_lim;
}

static void p_reset(vigil__detector *det)
{
    det->stat[0] = det->stat[1] = NAN;
}

static void p_save(const vigil__detector *det, vigil__wbuf *w)
{
    const pca *p = (const pca *)det;
    vigil__put_f64s(w, p->mu, det->d);
    vigil__put_f64s(w, p->cov, det->d * det->d);
    vigil__put_f64(w, p->spe_lim);
}

static int p_load(vigil__detector *det, vigil__rbuf *r)
{
    pca *p = (pca *)det;
    const size_t d = det->d;
    vigil__get_f64s(r, p->mu, d);
    vigil__get_f64s(r, p->cov, d * d);
    p->spe_lim = vigil__get_f64(r);
    if (r->err || !(p->spe_lim > 0.0) || !isfinite(p->spe_lim))
        return VIGIL_EFORMAT;
    for (size_t i = 0; i < d; i++) {
        if (!isfinite(p->mu[i]))
            return VIGIL_EFORMAT;
        for (size_t j = 0; j < d; j++)
            if (p->cov[i * d + j] != p->cov[j * d + i]) /* NaN fails too */
                return VIGIL_EFORMAT;
    }
    return decompose(p) == VIGIL_OK ? VIGIL_OK : VIGIL_EFORMAT;
}

const vigil__detector_ops vigil__detector_pca = {
    VIGIL_DETECTOR_PCA, "pca", 10, p_create, p_fit, p_update, p_score, p_reset,
    p_save, p_load, p_destroy, sizeof(double), NULL, NULL, /* T^2 and SPE: the monitor's */
};
