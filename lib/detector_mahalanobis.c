/* Detector 2: squared Mahalanobis distance to the healthy mean under a Ledoit-Wolf shrinkage
 * covariance, factorised by Cholesky. Shrinkage keeps the inverse well conditioned with few
 * training frames and collinear features (rms and peak move together); its floor of 0.01 keeps
 * the matrix positive definite. Then every eigenvalue is raised to at least
 * VIGIL__DIRECTION_FLOOR (one baseline scale unit squared, detector.h): no combination of
 * features is more sensitive than the practical-significance floor of a single feature. The
 * Cholesky factor is computed here (factorise()), so GSL's aborting error handler is never
 * reached. The contribution of feature i is
 * v_i (Sigma^-1 v)_i; they sum to the score. */
#include "detector.h"

#include "status.h"
#include "vigil/monitor.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SHRINK_FLOOR 0.01
#define UPDATE_WEIGHT 0.01

typedef struct maha {
    vigil__detector base;
    double *mu, *cov; /* cov: the shrunk covariance, kept for online updates and saving */
    double ridge;     /* SHRINK_FLOOR * mean variance at fit: keeps updates positive definite */
    double *l;        /* scratch for the positive-definiteness check */
    double *undo;     /* mu and cov before an update, restored if the update is rejected */
    gsl_matrix *chol;
    gsl_vector *v, *w;
} maha;

static void m_destroy(vigil__detector *det)
{
    maha *m = (maha *)det;
    if (!m)
        return;
    free(m->mu);
    free(m->cov);
    free(m->l);
    free(m->undo);
    if (m->chol)
        gsl_matrix_free(m->chol);
    if (m->v)
        gsl_vector_free(m->v);
    if (m->w)
        gsl_vector_free(m->w);
    free(m);
}

static int m_create(size_t d, const vigil__detector_params *p, vigil__detector **out)
{
    (void)p;
    maha *m = calloc(1, sizeof *m);
    if (!m)
        return vigil__status(VIGIL_ENOMEM);
    m->base.ops = &vigil__detector_mahalanobis;
    m->base.d = d;
    m->mu = calloc(d, sizeof *m->mu);
    m->cov = calloc(d * d, sizeof *m->cov);
    m->l = malloc(d * d * sizeof *m->l);
    m->undo = malloc((d + d * d) * sizeof *m->undo);
    /* gsl_*_alloc call the error handler on failure; sizes here are small and valid, and a
     * NULL return is still checked. */
    m->chol = gsl_matrix_alloc(d, d);
    m->v = gsl_vector_alloc(d);
    m->w = gsl_vector_alloc(d);
    if (!m->mu || !m->cov || !m->l || !m->undo || !m->chol || !m->v || !m->w) {
        m_destroy(&m->base);
        return vigil__status(VIGIL_ENOMEM);
    }
    *out = &m->base;
    return VIGIL_OK;
}

/* Plain Cholesky (lower factor in l), also the positive-definiteness test: a matrix that is
 * not (from a corrupt file, after many online updates) is refused, never given to GSL. */
static int positive_definite(const double *a, size_t d, double *l)
{
    for (size_t j = 0; j < d; j++) {
        double s = a[j * d + j];
        for (size_t k = 0; k < j; k++)
            s -= l[j * d + k] * l[j * d + k];
        if (!(s > 0.0) || !isfinite(s))
            return 0;
        l[j * d + j] = sqrt(s);
        for (size_t i = j + 1; i < d; i++) {
            double t = a[i * d + j];
            for (size_t k = 0; k < j; k++)
                t -= l[i * d + k] * l[j * d + k];
            l[i * d + j] = t / l[j * d + j];
        }
    }
    return 1;
}

/* Factorise cov into chol (VIGIL_EFORMAT if it is not symmetric positive definite). */
static int factorise(maha *m)
{
    const size_t d = m->base.d;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
            if (!isfinite(m->cov[i * d + j]) || m->cov[i * d + j] != m->cov[j * d + i])
                return VIGIL_EFORMAT;
    if (!positive_definite(m->cov, d, m->l))
        return VIGIL_EFORMAT;
    /* The factor is our own L, stored as gsl_linalg_cholesky_decomp1 would (L below and on the
     * diagonal, L^T above) for gsl_linalg_cholesky_solve. Calling decomp1 itself is not safe:
     * on a matrix at the edge of positive definiteness its rounding can differ from ours, and
     * its error handler aborts the process (found by fuzz/fuzz_model.c, an online update). */
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++) {
            gsl_matrix_set(m->chol, i, j, m->l[i * d + j]);
            gsl_matrix_set(m->chol, j, i, m->l[i * d + j]);
        }
    return VIGIL_OK;
}

static int m_fit(vigil__detector *det, const double *z, size_t rows)
{
    maha *m = (maha *)det;
    const size_t d = det->d;
    for (size_t i = 0; i < d; i++) {
        double s = 0.0;
        for (size_t k = 0; k < rows; k++)
            s += z[k * d + i];
        m->mu[i] = s / (double)rows;
    }
    vigil__shrunk_cov(z, rows, d, m->mu, SHRINK_FLOOR, m->cov);
    int rc = vigil__floor_eigenvalues(m->cov, d, VIGIL__DIRECTION_FLOOR);
    if (rc != VIGIL_OK)
        return rc;
    double tr = 0.0;
    for (size_t i = 0; i < d; i++)
        tr += m->cov[i * d + i];
    m->ridge = SHRINK_FLOOR * tr / (double)d;
    return factorise(m) == VIGIL_OK ? VIGIL_OK : vigil__fail(VIGIL_ENODATA,
                                                             "covariance is degenerate");
}

static int m_update(vigil__detector *det, const double *z)
{
    maha *m = (maha *)det;
    const size_t d = det->d;
    /* An update that would leave a covariance the factorisation rejects (an extreme row
     * swamping the ridge in rounding) is refused whole: the model stays as it was. */
    memcpy(m->undo, m->mu, d * sizeof *m->mu);
    memcpy(m->undo + d, m->cov, d * d * sizeof *m->cov);
    for (size_t i = 0; i < d; i++)
        m->mu[i] += UPDATE_WEIGHT * (z[i] - m->mu[i]);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j <= i; j++)
            m->cov[i * d + j] = m->cov[j * d + i] =
                (1.0 - UPDATE_WEIGHT) * m->cov[i * d + j] +
                UPDATE_WEIGHT * ((z[i] - m->mu[i]) * (z[j] - m->mu[j]) + (i == j ? m->ridge : 0.0));
    if (factorise(m) == VIGIL_OK)
        return VIGIL_OK;
    memcpy(m->mu, m->undo, d * sizeof *m->mu);
    memcpy(m->cov, m->undo + d, d * d * sizeof *m->cov);
    return vigil__fail(VIGIL_ENONFINITE, "update rejected: the covariance would not be "
                       "positive definite (an extreme row?); the model is unchanged");
}

static double m_score(vigil__detector *det, const double *z, double *contrib)
{
    maha *m = (maha *)det;
    const size_t d = det->d;
    for (size_t i = 0; i < d; i++)
        gsl_vector_set(m->v, i, z[i] - m->mu[i]);
    gsl_linalg_cholesky_solve(m->chol, m->v, m->w);
    double s = 0.0;
    for (size_t i = 0; i < d; i++) {
        contrib[i] = gsl_vector_get(m->v, i) * gsl_vector_get(m->w, i);
        s += contrib[i];
    }
    return s > 0.0 || isnan(s) ? s : 0.0; /* NaN (overflow) is the monitor's to handle */
}

static void m_reset(vigil__detector *det)
{
    (void)det;
}

static void m_save(const vigil__detector *det, vigil__wbuf *w)
{
    const maha *m = (const maha *)det;
    vigil__put_f64(w, m->ridge);
    vigil__put_f64s(w, m->mu, det->d);
    vigil__put_f64s(w, m->cov, det->d * det->d);
}

static int m_load(vigil__detector *det, vigil__rbuf *r)
{
    maha *m = (maha *)det;
    const size_t d = det->d;
    m->ridge = vigil__get_f64(r);
    vigil__get_f64s(r, m->mu, d);
    vigil__get_f64s(r, m->cov, d * d);
    if (r->err || !(m->ridge > 0.0) || !isfinite(m->ridge))
        return VIGIL_EFORMAT;
    for (size_t i = 0; i < d; i++)
        if (!isfinite(m->mu[i]))
            return VIGIL_EFORMAT;
    return factorise(m);
}

const vigil__detector_ops vigil__detector_mahalanobis = {
    VIGIL_DETECTOR_MAHALANOBIS, "mahalanobis", 10, m_create, m_fit, m_update, m_score, m_reset,
    m_save, m_load, m_destroy, sizeof(double), NULL, NULL, /* no stream state */
};
