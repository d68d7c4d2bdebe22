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

/* The sums run in lanes (frame_kernels.h): the loops are the kernels' (vectorised, once per
 * instruction set), the formulas and edge cases are here. */
double vigil__time_features(const vigil__kernels *kern, const double *x, size_t n,
                            const double *w, double *y, double *out, vigil__roots *roots)
{
    vigil__raw_sums r;
    kern->raw_sums(x, n, &r, roots);
    double xmax = r.hi[0], xmin = r.lo[0];
    for (int j = 1; j < VIGIL__LANES; j++) {
        xmax = r.hi[j] > xmax ? r.hi[j] : xmax;
        xmin = r.lo[j] < xmin ? r.lo[j] : xmin;
    }
    const double dn = (double)n;
    /* A constant frame has that constant as its mean exactly; summing n copies could round, and
     * the tiny residues would turn kurtosis and skewness of a flat line into noise. */
    const double mean = xmax == xmin ? xmin : vigil__lane_total(r.sum) / dn;

    vigil__central_sums c; /* also writes the FFT input y, to save a pass over the frame */
    kern->central_sums(x, n, mean, w, y, &c, roots);
    const double c2 = vigil__lane_total(c.m2) / dn, c3 = vigil__lane_total(c.m3) / dn;
    const double c4 = vigil__lane_total(c.m4) / dn;

    const double rms = sqrt(vigil__lane_total(r.sumsq) / dn);
    const double peak = fmax(fabs(xmax), fabs(xmin));
    const double mean_abs = vigil__lane_total(r.sumabs) / dn;

    out[0] = mean;
    out[1] = rms;
    out[2] = sqrt(c2);
    out[3] = peak;
    out[4] = xmax - xmin;
    out[5] = ratio(peak, rms);
    out[6] = ratio(c4, c2 * c2);
    out[7] = ratio(c3, c2 * sqrt(c2));
    out[8] = ratio(rms, mean_abs);
    out[9] = ratio(peak, mean_abs);
    out[10] = 0.0; /* clearance: vigil__spectrum_features() completes it */
    out[11] = (double)c.crossings / (dn - 1.0);
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

void vigil__bin_freqs(double *freq, size_t n, double rate)
{
    for (size_t k = 0; k <= n / 2; k++)
        freq[k] = (double)k * rate / (double)n; /* FEATURES.md's f_k, to the last bit */
}

#define EPS 1e-30 /* FEATURES.md's floor inside the flatness logarithm */

/* The entropy needs sum P_k ln P_k, the flatness sum L_k with L_k = ln(P_k + eps): one logarithm
 * per bin serves both, as ln P_k = L_k + ln(1 - r) with r = eps / (P_k + eps). When
 * P_k |L_k| >= 2^55 eps, then r < eps / P_k <= 2^-55 |L_k|, less than half an ulp of L_k
 * (>= 2^-54 |L_k|), so L_k - r rounds to L_k exactly: the kernels add P_k L_k for those bins
 * (nearly all of them) and flag the others, whose terms this adds: for r < 1e-8 the correction
 * -r is exact to double precision, otherwise a second logarithm (libm's: P_k may be
 * subnormal here, which the kernels' logarithm does not take). logs[k] is the kernels' L_k,
 * kept by the spectral loops, and only bins k0..k1 can be rare (the loops say which): real
 * recordings with a steep anti-alias filter have a few such bins in most frames, and a
 * logarithm per bin here made those frames 6x slower. The terms are added in the order of k. */
static double rare_entropy_terms(const double *psd, const double *logs, size_t k0, size_t k1)
{
    const double tiny = EPS * 36028797018963968.0; /* eps * 2^55 */
    double sum = 0.0;
    for (size_t k = k0; k <= k1; k++) {
        const double p = psd[k], l = logs[k];
        if (p > 0.0 && !(p * fabs(l) >= tiny)) {
            const double r = EPS / (p + EPS);
            sum += p * (r < 1e-8 ? l - r : log(p));
        }
    }
    return sum;
}

void vigil__spectrum_features(const vigil__kernels *kern, const double *spec, size_t n,
                              double rate, double s1, double s2, const double *freq, double *psd,
                              double *scratch, double *reduced, const double *x,
                              const vigil__roots *roots, double *time_out, double *out)
{
    const size_t kmax = n / 2; /* bins 1..kmax are used; K = kmax */
    const double df = rate / (double)n;
    const double one = 1.0 / (rate * s2), two = 2.0 / (rate * s2);

    /* The PSD (c_k = 1 at DC and, for even n, at Nyquist: no mirror image) and its sums in one
     * pass; power includes DC, total does not. */
    psd[0] = (spec[0] * spec[0] + spec[1] * spec[1]) * one;
    vigil__spectral_sums sums;
    kern->spectral_sums(spec, kmax, two, n % 2 == 0 ? one : two, freq, psd, scratch, reduced, x,
                        n, roots, &sums);
    /* The clearance factor's sum of square roots rides in the spectral loops (frame_kernels.h) */
    const double mean_sqrt = vigil__lane_total(sums.sumsqrt) / (double)n;
    time_out[10] = ratio(time_out[3], mean_sqrt * mean_sqrt);
    const double total = vigil__lane_total(sums.total);
    out[0] = (psd[0] + total) * df;

    if (total == 0.0) {
        for (int i = 1; i < VIGIL__SPECTRAL_COLS; i++)
            out[i] = 0.0;
        return;
    }

    const double centroid = vigil__lane_total(sums.fsum) / total;
    /* The spread as sum (f - c)^2 P rather than sum f^2 P - c^2 T, which cancels
     * catastrophically for narrow spectra at high frequency: summed after the centroid, in the
     * kernels' logarithm loop (sums.spread, with this centroid). */
    const double *var = sums.spread;
    double plogp = vigil__lane_total(sums.plogp);
    if (sums.rare)
        plogp += rare_entropy_terms(psd, scratch, sums.rare_first, sums.rare_last);

    const double dk = (double)kmax;
    out[1] = centroid;
    out[2] = sqrt(vigil__lane_total(var) / total);
    out[3] = exp(vigil__lane_total(sums.slog) / dk) / ((total + dk * EPS) / dk);
    /* -sum p_k ln p_k with p_k = P_k / T equals ln T - (1/T) sum P_k ln P_k. */
    out[4] = (log(total) - plogp / total) / log(dk);
    out[5] = freq[sums.kpeak];
    {
        const size_t kp = sums.kpeak;
        const double re = spec[2 * kp], im = spec[2 * kp + 1];
        const double c = (n % 2 == 0 && kp == kmax) ? 1.0 : 2.0;
        out[6] = c * sqrt(re * re + im * im) / s1;
    }
}

double vigil__band_power(const vigil__kernels *kern, const double *psd, size_t k0, size_t k1,
                         double df)
{
    double lanes[VIGIL__LANES];
    kern->sum(psd + k0, k1 - k0, lanes);
    return vigil__lane_total(lanes) * df;
}
