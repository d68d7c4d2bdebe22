/* Remaining useful life from an exponential degradation fit (GSL nonlinear least squares).
 * Inputs are validated before any GSL call, so that GSL's default error handler (abort) is never
 * reached through a size or domain error. */
#include "vigil/rul.h"

#include "status.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>

typedef struct fit_data {
    const double *tau, *h;
    size_t n;
} fit_data;

static int model_f(const gsl_vector *x, void *p, gsl_vector *f)
{
    const fit_data *d = p;
    const double c = gsl_vector_get(x, 0), a = gsl_vector_get(x, 1), b = gsl_vector_get(x, 2);
    for (size_t i = 0; i < d->n; i++)
        gsl_vector_set(f, i, c + a * exp(b * d->tau[i]) - d->h[i]);
    return GSL_SUCCESS;
}

static int model_df(const gsl_vector *x, void *p, gsl_matrix *J)
{
    const fit_data *d = p;
    const double a = gsl_vector_get(x, 1), b = gsl_vector_get(x, 2);
    for (size_t i = 0; i < d->n; i++) {
        const double e = exp(b * d->tau[i]);
        gsl_matrix_set(J, i, 0, 1.0);
        gsl_matrix_set(J, i, 1, e);
        gsl_matrix_set(J, i, 2, a * d->tau[i] * e);
    }
    return GSL_SUCCESS;
}

/* Growth rates beyond this (per history span) overflow exp() on extrapolation: refuse them. */
#define B_MAX 200.0

int vigil_rul_estimate(const double *t, const double *h, size_t n, double threshold, double *rul,
                       double *rul_lo, double *rul_hi, double *params)
{
    if (!t || !h || !rul || !rul_lo || !rul_hi)
        return vigil__status(VIGIL_EINVAL);
    if (n < VIGIL_RUL_MIN_POINTS)
        return vigil__fail(VIGIL_ENODATA, "remaining life needs at least %d points (got %zu)",
                           VIGIL_RUL_MIN_POINTS, n);
    if (!isfinite(threshold))
        return vigil__fail(VIGIL_EINVAL, "threshold must be finite");
    double hmin = h[0], hmax = h[0];
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || !isfinite(h[i]))
            return vigil__fail(VIGIL_EINVAL, "point %zu is not finite", i);
        if (i > 0 && !(t[i] > t[i - 1]))
            return vigil__fail(VIGIL_EINVAL, "times must increase strictly (point %zu)", i);
        hmin = h[i] < hmin ? h[i] : hmin;
        hmax = h[i] > hmax ? h[i] : hmax;
    }
    if (hmax == hmin)
        return vigil__fail(VIGIL_ENOTREND, "the indicator is constant: no trend");

    const double t0 = t[0], span = t[n - 1] - t[0];
    double *tau = malloc(n * sizeof *tau);
    if (!tau)
        return vigil__status(VIGIL_ENOMEM);
    for (size_t i = 0; i < n; i++)
        tau[i] = (t[i] - t0) / span;

    /* Start: log-linear least squares on h - c0, c0 just below the smallest value. */
    const double c0 = hmin - 0.1 * (hmax - hmin);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        const double y = log(h[i] - c0);
        sx += tau[i];
        sy += y;
        sxx += tau[i] * tau[i];
        sxy += tau[i] * y;
    }
    const double dn = (double)n;
    double b0 = (dn * sxy - sx * sy) / (dn * sxx - sx * sx);
    double a0 = exp((sy - b0 * sx) / dn);
    if (!isfinite(b0) || !isfinite(a0)) {
        free(tau);
        return vigil__fail(VIGIL_ENOTREND, "no usable starting point for the fit");
    }

    fit_data data = {tau, h, n};
    gsl_multifit_nlinear_fdf fdf = {0};
    fdf.f = model_f;
    fdf.df = model_df;
    fdf.n = n;
    fdf.p = 3;
    fdf.params = &data;
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, 3);
    gsl_matrix *cov = gsl_matrix_alloc(3, 3);
    if (!w || !cov) {
        if (w)
            gsl_multifit_nlinear_free(w);
        if (cov)
            gsl_matrix_free(cov);
        free(tau);
        return vigil__status(VIGIL_ENOMEM);
    }
    double x0v[3] = {c0, a0, b0};
    gsl_vector_view x0 = gsl_vector_view_array(x0v, 3);
    gsl_multifit_nlinear_init(&x0.vector, &fdf, w);
    int info = 0;
    gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 1e-10, NULL, NULL, &info, w);
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    const double c = gsl_vector_get(x, 0), a = gsl_vector_get(x, 1), b = gsl_vector_get(x, 2);
    const gsl_vector *res = gsl_multifit_nlinear_residual(w);
    double ssr = 0.0;
    gsl_blas_ddot(res, res, &ssr);
    const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    gsl_multifit_nlinear_covar(J, 0.0, cov);
    const double s2 = ssr / (dn - 3.0);
    double C[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            C[i][j] = gsl_matrix_get(cov, (size_t)i, (size_t)j) * s2;
    gsl_matrix_free(cov);
    gsl_multifit_nlinear_free(w);
    free(tau);

    if (!isfinite(c) || !isfinite(a) || !isfinite(b) || !isfinite(C[2][2]))
        return vigil__fail(VIGIL_ENOTREND, "the exponential fit did not converge");
    const double se_b = sqrt(C[2][2] > 0.0 ? C[2][2] : 0.0);
    if (!(a > 0.0) || !(b - 1.96 * se_b > 0.0) || b > B_MAX)
        return vigil__fail(VIGIL_ENOTREND,
                           "no significant exponential growth (a=%g, b=%g +- %g per span)", a, b,
                           1.96 * se_b);
    if (params) {
        params[0] = c;
        params[1] = a;
        params[2] = b;
    }
    const double now = c + a * exp(b);
    if (now >= threshold) {
        *rul = *rul_lo = *rul_hi = 0.0;
        return VIGIL_OK;
    }
    /* threshold > now > c since a > 0 */
    const double ts = log((threshold - c) / a) / b; /* in spans from t0 */
    const double g[3] = {-1.0 / (b * (threshold - c)), -1.0 / (a * b), -ts / b};
    double var = 0.0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            var += g[i] * C[i][j] * g[j];
    const double half = 1.96 * sqrt(var > 0.0 ? var : 0.0) * span;
    const double r = (ts - 1.0) * span;
    *rul = r;
    *rul_lo = r - half > 0.0 ? r - half : 0.0;
    *rul_hi = r + half;
    return VIGIL_OK;
}
