/* The noise-only threshold of a defect line's prominence, which grows as fewer frames are
 * averaged. Rationale: docs/DIAGNOSTICS.md. */
#include "evidence.h"

#include "envelope.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

size_t vigil__line_bins(size_t nbins, double df, double f, double tol)
{
    /* the same window as vigil__line() */
    if (!(f > 0.0) || nbins < 2)
        return 0;
    const double lo = floor(f * (1.0 - tol) / df), hi = ceil(f * (1.0 + tol) / df);
    if (lo > (double)(nbins - 1))
        return 0;
    const size_t k0 = lo < 1.0 ? 1 : (size_t)lo;
    const size_t k1 = hi > (double)(nbins - 1) ? nbins - 1 : (size_t)hi;
    return k1 - k0 + 1;
}

double vigil__noise_threshold(double frames, size_t w, double p)
{
    const double pi = 3.14159265358979323846;
    if (w < 1)
        w = 1;
    if (frames < 1.0)
        frames = 1.0;
    const double m_eff = 0.5 * (frames + 1.0);
    const double k = m_eff * pi / (4.0 - pi);
    /* per-bin exceedance so that the max of w independent bins exceeds with probability p */
    const double p_bin = -expm1(log1p(-p) / (double)w);
    const double z = gsl_cdf_ugaussian_Qinv(p_bin); /* closed form: no GSL error path */
    const double c = 1.0 / (9.0 * k);
    const double q = 1.0 - c + z * sqrt(c), m = 1.0 - c;
    return (q * q * q) / (m * m * m);
}
