/**
 * @file vigil/rul.h
 * @brief Remaining useful life: an exponential degradation model fitted to a health indicator's
 *        history, extrapolated to a failure threshold.
 *
 * Model: h(t) = c + a exp(b (t - t0) / T), with t0 the first and T the span (last - first) of the
 * history's times, fitted by nonlinear least squares (GSL multifit_nlinear, trust region with
 * Levenberg-Marquardt steps, analytic Jacobian), starting from a log-linear fit of
 * h - (min h - 10 % of the range). The indicator must grow towards the threshold (e.g. an RMS, an
 * envelope amplitude, an anomaly score); for a decreasing indicator pass -h and -threshold.
 *
 * Trend test (refusal): the fit is refused with VIGIL_ENOTREND when the growth rate b is not
 * positive with 95 % confidence (b - 1.96 se(b) <= 0, se from the fit's covariance scaled by the
 * residual variance), when a <= 0, or when the fitted curve never reaches the threshold.
 *
 * Estimate: the crossing time t* solves c + a exp(b (t* - t0)/T) = threshold; RUL = t* - t_last
 * (0 if the fitted curve is already at or past the threshold at t_last). Interval: delta method,
 * RUL +- 1.96 sqrt(g' C g) with g the gradient of t* in (c, a, b) and C their covariance; the
 * lower end is clipped at 0. It reflects the fit's parameter uncertainty only, not model error.
 *
 * Thread rules: safe from any thread (no shared state; allocates GSL workspaces per call).
 */
#ifndef VIGIL_RUL_H
#define VIGIL_RUL_H

#include "common.h"

VIGIL_BEGIN_DECLS

/** Fewest history points accepted (3 parameters + 2 degrees of freedom). */
#define VIGIL_RUL_MIN_POINTS 5

/**
 * Estimate the remaining useful life.
 *
 * @param t         times, strictly increasing, finite (any unit; the result is in that unit).
 * @param h         health-indicator values at those times, finite.
 * @param n         number of points, >= VIGIL_RUL_MIN_POINTS.
 * @param threshold failure level of h, finite.
 * @param rul       receives the remaining life from t[n-1] (>= 0).
 * @param rul_lo,rul_hi receive the ends of the 95 % interval (rul_lo >= 0).
 * @param params    optional (NULL or 3 doubles): receives c, a, b of the model above.
 * @return VIGIL_OK; VIGIL_EINVAL (NULL, times not increasing, NaN/inf), VIGIL_ENODATA (n too
 *         small), VIGIL_ENOTREND (no significant growth, or the threshold is never reached;
 *         message says which), VIGIL_ENOMEM. Outputs are written only on VIGIL_OK.
 */
VIGIL_API int vigil_rul_estimate(const double *t, const double *h, size_t n, double threshold,
                                 double *rul, double *rul_lo, double *rul_hi, double *params);

VIGIL_END_DECLS

#endif /* VIGIL_RUL_H */
