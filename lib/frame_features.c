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

/* The sums below run in LANES = 4 interleaved accumulators (element i goes to lane i % 4) that
 * are added pairwise at the end. A single running sum is one long dependency chain: each add
 * waits for the previous one, which made these two passes the largest cost of a frame. Lanes let
 * the CPU overlap the adds, and on x86-64 two SSE2 registers hold the four lanes (SSE2 is part of
 * the x86-64 baseline, so no CPU check is needed). The order of every addition is fixed by the
 * lanes, not by the instruction set: the SSE2 and the plain C paths give the same bits. The result
 * differs from a left-to-right sum only by rounding (lane sums are closer to the exact sum, as
 * pairwise summation is). */
#define LANES 4

#if defined(__SSE2__)
#include <emmintrin.h>
#define VIGIL__SSE2 1
#endif

static double lane_total(const double *acc)
{
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* Pass 1 over blocks of 4 samples: sums of x, x^2, |x|, sqrt|x|, and max / min per lane.
 * Returns how many samples it consumed (a multiple of 4); the caller finishes the tail. */
static size_t moments_raw_blocks(const double *x, size_t n, double *sum, double *sumsq,
                                 double *sumabs, double *sumsqrt, double *hi, double *lo)
{
    size_t i = 0;
#ifdef VIGIL__SSE2
    const __m128d absmask = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
    __m128d s0 = _mm_setzero_pd(), s1 = s0, q0 = s0, q1 = s0, a0 = s0, a1 = s0, r0 = s0, r1 = s0;
    __m128d h0 = _mm_set1_pd(x[0]), h1 = h0, l0 = h0, l1 = h0;
    for (; i + LANES <= n; i += LANES) {
        const __m128d v0 = _mm_loadu_pd(x + i), v1 = _mm_loadu_pd(x + i + 2);
        const __m128d b0 = _mm_and_pd(v0, absmask), b1 = _mm_and_pd(v1, absmask);
        s0 = _mm_add_pd(s0, v0);
        s1 = _mm_add_pd(s1, v1);
        q0 = _mm_add_pd(q0, _mm_mul_pd(v0, v0));
        q1 = _mm_add_pd(q1, _mm_mul_pd(v1, v1));
        a0 = _mm_add_pd(a0, b0);
        a1 = _mm_add_pd(a1, b1);
        r0 = _mm_add_pd(r0, _mm_sqrt_pd(b0));
        r1 = _mm_add_pd(r1, _mm_sqrt_pd(b1));
        h0 = _mm_max_pd(h0, v0);
        h1 = _mm_max_pd(h1, v1);
        l0 = _mm_min_pd(l0, v0);
        l1 = _mm_min_pd(l1, v1);
    }
    _mm_storeu_pd(sum, s0), _mm_storeu_pd(sum + 2, s1);
    _mm_storeu_pd(sumsq, q0), _mm_storeu_pd(sumsq + 2, q1);
    _mm_storeu_pd(sumabs, a0), _mm_storeu_pd(sumabs + 2, a1);
    _mm_storeu_pd(sumsqrt, r0), _mm_storeu_pd(sumsqrt + 2, r1);
    _mm_storeu_pd(hi, h0), _mm_storeu_pd(hi + 2, h1);
    _mm_storeu_pd(lo, l0), _mm_storeu_pd(lo + 2, l1);
#else
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            const double v = x[i + j], a = fabs(v);
            sum[j] += v;
            sumsq[j] += v * v;
            sumabs[j] += a;
            sumsqrt[j] += sqrt(a);
            hi[j] = v > hi[j] ? v : hi[j];
            lo[j] = v < lo[j] ? v : lo[j];
        }
    }
#endif
    return i;
}

/* Pass 2 over blocks of 4: central moment sums, the FFT input y = (x - mean) * w and the
 * zero-crossing count of the samples it consumed (with SSE2 the signs come as a 4-bit mask per
 * block, and a crossing is a bit that differs from the one before it). */
static size_t moments_central_blocks(const double *x, size_t n, double mean, const double *w,
                                     double *y, double *m2, double *m3, double *m4,
                                     size_t *crossings)
{
    size_t i = 0;
#ifdef VIGIL__SSE2
    static const unsigned char popcount4[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    const __m128d m = _mm_set1_pd(mean), zero = _mm_setzero_pd();
    __m128d p0 = _mm_setzero_pd(), p1 = p0, t0 = p0, t1 = p0, f0 = p0, f1 = p0;
    size_t count = 0;
    unsigned prev = n > 0 && x[0] - mean >= 0.0; /* sample 0 has no predecessor */
    for (; i + LANES <= n; i += LANES) {
        const __m128d d0 = _mm_sub_pd(_mm_loadu_pd(x + i), m);
        const __m128d d1 = _mm_sub_pd(_mm_loadu_pd(x + i + 2), m);
        const unsigned pos = (unsigned)_mm_movemask_pd(_mm_cmpge_pd(d0, zero)) |
                             (unsigned)_mm_movemask_pd(_mm_cmpge_pd(d1, zero)) << 2;
        count += popcount4[(pos ^ ((pos << 1) | prev)) & 15u];
        prev = pos >> 3;
        const __m128d e0 = _mm_mul_pd(d0, d0), e1 = _mm_mul_pd(d1, d1);
        p0 = _mm_add_pd(p0, e0);
        p1 = _mm_add_pd(p1, e1);
        t0 = _mm_add_pd(t0, _mm_mul_pd(e0, d0));
        t1 = _mm_add_pd(t1, _mm_mul_pd(e1, d1));
        f0 = _mm_add_pd(f0, _mm_mul_pd(e0, e0));
        f1 = _mm_add_pd(f1, _mm_mul_pd(e1, e1));
        _mm_storeu_pd(y + i, _mm_mul_pd(d0, _mm_loadu_pd(w + i)));
        _mm_storeu_pd(y + i + 2, _mm_mul_pd(d1, _mm_loadu_pd(w + i + 2)));
    }
    _mm_storeu_pd(m2, p0), _mm_storeu_pd(m2 + 2, p1);
    _mm_storeu_pd(m3, t0), _mm_storeu_pd(m3 + 2, t1);
    _mm_storeu_pd(m4, f0), _mm_storeu_pd(m4 + 2, f1);
    *crossings = count;
#else
    for (; i + LANES <= n; i += LANES) {
        for (int j = 0; j < LANES; j++) {
            const double d = x[i + j] - mean, d2 = d * d;
            m2[j] += d2;
            m3[j] += d2 * d;
            m4[j] += d2 * d2;
            y[i + j] = d * w[i + j];
        }
    }
    *crossings = 0;
    for (size_t k = 1; k < i; k++)
        *crossings += (size_t)((x[k - 1] - mean >= 0.0) != (x[k] - mean >= 0.0));
#endif
    return i;
}

double vigil__time_features(const double *x, size_t n, const double *w, double *y, double *out)
{
    double sum[LANES] = {0}, sumsq[LANES] = {0}, sumabs[LANES] = {0}, sumsqrt[LANES] = {0};
    double hi[LANES], lo[LANES];
    for (int j = 0; j < LANES; j++)
        hi[j] = lo[j] = x[0];
    size_t i = moments_raw_blocks(x, n, sum, sumsq, sumabs, sumsqrt, hi, lo);
    for (int j = 0; i < n; i++, j++) { /* the tail continues lanes 0, 1, 2 */
        const double v = x[i], a = fabs(v);
        sum[j] += v;
        sumsq[j] += v * v;
        sumabs[j] += a;
        sumsqrt[j] += sqrt(a);
        hi[j] = v > hi[j] ? v : hi[j];
        lo[j] = v < lo[j] ? v : lo[j];
    }
    double xmax = hi[0], xmin = lo[0];
    for (int j = 1; j < LANES; j++) {
        xmax = hi[j] > xmax ? hi[j] : xmax;
        xmin = lo[j] < xmin ? lo[j] : xmin;
    }
    const double dn = (double)n;
    /* A constant frame has that constant as its mean exactly; summing n copies could round, and
     * the tiny residues would turn kurtosis and skewness of a flat line into noise. */
    const double mean = xmax == xmin ? xmin : lane_total(sum) / dn;

    double m2[LANES] = {0}, m3[LANES] = {0}, m4[LANES] = {0};
    size_t crossings = 0;
    i = moments_central_blocks(x, n, mean, w, y, m2, m3, m4, &crossings);
    for (int j = 0; i < n; i++, j++) {
        const double d = x[i] - mean, d2 = d * d;
        m2[j] += d2;
        m3[j] += d2 * d;
        m4[j] += d2 * d2;
        y[i] = d * w[i]; /* FFT input, written here to save a pass over the frame */
        /* sign change between samples i-1 and i (i >= 1 here: n >= 16) */
        crossings += (size_t)(i > 0 && (x[i - 1] - mean >= 0.0) != (d >= 0.0));
    }
    const double c2 = lane_total(m2) / dn, c3 = lane_total(m3) / dn, c4 = lane_total(m4) / dn;

    const double rms = sqrt(lane_total(sumsq) / dn);
    const double peak = fmax(fabs(xmax), fabs(xmin));
    const double mean_abs = lane_total(sumabs) / dn;
    const double mean_sqrt = lane_total(sumsqrt) / dn;

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

/* Frequency of bin k, f_k = k * rate / N exactly as FEATURES.md writes it (band edges and the
 * centroid depend on its last bit). With a table from vigil__bin_freqs() it is a load instead of
 * a division per bin, twice per frame: divisions were a large part of this function's cost. */
static double bin_freq(const double *freq, size_t k, double rate, size_t n)
{
    return freq ? freq[k] : (double)k * rate / (double)n;
}

void vigil__bin_freqs(double *freq, size_t n, double rate)
{
    for (size_t k = 0; k <= n / 2; k++)
        freq[k] = (double)k * rate / (double)n;
}

void vigil__spectral_features(const double *psd, const double *spec, size_t n, double rate,
                              double s1, double *out)
{
    vigil__spectral_features_tab(psd, spec, NULL, n, rate, s1, out);
}

void vigil__spectral_features_tab(const double *psd, const double *spec, const double *freq,
                                  size_t n, double rate, double s1, double *out)
{
    const size_t kmax = n / 2; /* bins 1..kmax are used; K = kmax */
    const double df = rate / (double)n;
    const double eps = 1e-30; /* FEATURES.md's floor inside the flatness logarithm */

    /* power (DC included) and total (DC excluded) are two separate running sums, as before,
     * but taken in one pass. */
    double total = 0.0, fsum = 0.0, power = psd[0];
    size_t kpeak = 1;
    for (size_t k = 1; k <= kmax; k++) {
        const double p = psd[k];
        total += p;
        power += p;
        fsum += bin_freq(freq, k, rate, n) * p;
        if (p > psd[kpeak])
            kpeak = k;
    }
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
    const double tiny = eps * 36028797018963968.0; /* eps * 2^55: 2^54 plus a margin for rounding */
    for (size_t k = 1; k <= kmax; k++) {
        const double p = psd[k];
        const double f = bin_freq(freq, k, rate, n) - centroid;
        var += f * f * p;
        const double l = log(p + eps);
        sum_log += l;
        /* ln p = ln(p + eps) + ln(1 - r) with r = eps / (p + eps). When p |l| >= 2^55 eps, then
         * r < eps / p <= 2^-55 |l|, less than half an ulp of l (>= 2^-54 |l|), so l - r rounds to l exactly:
         * the common case needs neither the division nor a second logarithm. */
        if (p * fabs(l) >= tiny) {
            sum_plogp += p * l;
        } else if (p > 0.0) {
            /* For r < 1e-8 the correction -r is exact to double precision, which saves a
             * second logarithm. */
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
    out[5] = bin_freq(freq, kpeak, rate, n);
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
