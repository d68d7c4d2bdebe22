/* FEATURES.md, one frame at a time. Every formula here is written down, with its edge cases, in
 * docs/FEATURES.md; the numpy reference in tests/reference/features_ref.py implements the same
 * text independently, and the tests hold the two together. */
#include "frame_features.h"

#include <math.h>

const char *const vigil__time_names[VIGIL__TIME_COLS] = {
    "mean", "rms", "std", "peak", "p2p", "crest", "kurtosis", "skewness",
    "shape", "impulse", "clearance", "zcr",
};

const char *const vigil__spectral_names[VIGIL__SPECTRAL_COLS] = {
    "power", "centroid", "spread", "flatness", "entropy", "peak_freq", "peak_amp",
};

/* FEATURES.md: a ratio whose denominator is exactly zero is reported as 0. */
static double ratio(double num, double den)
{
    return den != 0.0 ? num / den : 0.0;
}

void vigil__hann(double *w, size_t n, double *s1, double *s2)
{
    const double two_pi = 6.283185307179586476925286766559;
    double a = 0.0, b = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = 0.5 - 0.5 * cos(two_pi * (double)i / (double)n);
        a += w[i];
        b += w[i] * w[i];
    }
    *s1 = a;
    *s2 = b;
}

double vigil__time_features(const double *x, size_t n, const double *w, double *y, double *out)
{
    double sum = 0.0, sumsq = 0.0, sumabs = 0.0, sumsqrt = 0.0;
    double xmax = x[0], xmin = x[0];
    for (size_t i = 0; i < n; i++) {
        const double v = x[i], a = fabs(v);
        sum += v;
        sumsq += v * v;
        sumabs += a;
        sumsqrt += sqrt(a);
        if (v > xmax) xmax = v;
        if (v < xmin) xmin = v;
    }
    const double dn = (double)n;
    /* A constant frame has that constant as its mean exactly; summing n copies could round, and
     * the tiny residues would turn kurtosis and skewness of a flat line into noise. */
    const double mean = xmax == xmin ? xmin : sum / dn;

    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    size_t crossings = 0;
    int prev_pos = x[0] - mean >= 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = x[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
        const int pos = d >= 0.0;
        crossings += (size_t)(pos != prev_pos);
        prev_pos = pos;
        y[i] = d * w[i]; /* FFT input, written here to save a pass over the frame */
    }
    m2 /= dn;
    m3 /= dn;
    m4 /= dn;

    const double rms = sqrt(sumsq / dn);
    const double peak = fmax(fabs(xmax), fabs(xmin));
    const double mean_abs = sumabs / dn;
    const double mean_sqrt = sumsqrt / dn;

    out[0] = mean;
    out[1] = rms;
    out[2] = sqrt(m2);
    out[3] = peak;
    out[4] = xmax - xmin;
    out[5] = ratio(peak, rms);
    out[6] = ratio(m4, m2 * m2);
    out[7] = ratio(m3, m2 * sqrt(m2));
    out[8] = ratio(rms, mean_abs);
    out[9] = ratio(peak, mean_abs);
    out[10] = ratio(peak, mean_sqrt * mean_sqrt);
    out[11] = (double)crossings / (dn - 1.0);
    return mean;
}

void vigil__psd(const double *spec, size_t n, double rate, double s2, double *psd)
{
    const size_t nb = n / 2 + 1;
    const double one = 1.0 / (rate * s2), two = 2.0 / (rate * s2);
    for (size_t k = 0; k < nb; k++) {
        const double re = spec[2 * k], im = spec[2 * k + 1];
        psd[k] = (re * re + im * im) * two;
    }
    /* c_k = 1 at DC and, for even n, at Nyquist: those bins have no mirror image. */
    psd[0] = (spec[0] * spec[0] + spec[1] * spec[1]) * one;
    if (n % 2 == 0) {
        const double re = spec[2 * (nb - 1)], im = spec[2 * (nb - 1) + 1];
        psd[nb - 1] = (re * re + im * im) * one;
    }
}

void vigil__spectral_features(const double *psd, const double *spec, size_t n, double rate,
                              double s1, double *out)
{
    const size_t kmax = n / 2; /* bins 1..kmax are used; K = kmax */
    const double df = rate / (double)n;
    const double eps = 1e-30; /* FEATURES.md's floor inside the flatness logarithm */

    double total = 0.0, fsum = 0.0;
    size_t kpeak = 1;
    for (size_t k = 1; k <= kmax; k++) {
        const double p = psd[k];
        total += p;
        fsum += ((double)k * rate / (double)n) * p;
        if (p > psd[kpeak])
            kpeak = k;
    }

    double power = psd[0];
    for (size_t k = 1; k <= kmax; k++)
        power += psd[k];
    out[0] = power * df;

    if (total == 0.0) {
        for (int i = 1; i < VIGIL__SPECTRAL_COLS; i++)
            out[i] = 0.0;
        return;
    }

    const double centroid = fsum / total;
    /* Second pass for the spread: sum (f - c)^2 P rather than sum f^2 P - c^2 T, which cancels
     * catastrophically for narrow spectra at high frequency. The same pass takes the one
     * logarithm per bin that both flatness and entropy need. */
    double var = 0.0, sum_log = 0.0, sum_plogp = 0.0;
    for (size_t k = 1; k <= kmax; k++) {
        const double p = psd[k];
        const double f = (double)k * rate / (double)n - centroid;
        var += f * f * p;
        const double l = log(p + eps);
        sum_log += l;
        if (p > 0.0) {
            /* ln p = ln(p + eps) + ln(1 - r) with r = eps / (p + eps). For r < 1e-8 the
             * correction -r is exact to double precision, which saves a second logarithm. */
            const double r = eps / (p + eps);
            sum_plogp += p * (r < 1e-8 ? l - r : log(p));
        }
    }
    const double dk = (double)kmax;
    out[1] = centroid;
    out[2] = sqrt(var / total);
    out[3] = exp(sum_log / dk) / ((total + dk * eps) / dk);
    /* -sum p_k ln p_k with p_k = P_k / T equals ln T - (1/T) sum P_k ln P_k. */
    out[4] = (log(total) - sum_plogp / total) / log(dk);
    out[5] = (double)kpeak * rate / (double)n;
    {
        const double re = spec[2 * kpeak], im = spec[2 * kpeak + 1];
        const double c = (n % 2 == 0 && kpeak == kmax) ? 1.0 : 2.0;
        out[6] = c * sqrt(re * re + im * im) / s1;
    }
}

double vigil__band_power(const double *psd, size_t k0, size_t k1, double df)
{
    double s = 0.0;
    for (size_t k = k0; k < k1; k++)
        s += psd[k];
    return s * df;
}
