/* Tests of the per-frame loops (lib/frame_kernels.h), every table this CPU runs:
 *  - the logarithm against libm's log: both are faithful (within 1 ulp of the exact value), so
 *    they differ by at most 1 ulp, on log-uniform inputs over the range the kernels are given;
 *  - the lane contract against a plain loop that adds element i into lane i % VIGIL__LANES: bit-identical;
 *  - the real-spectrum split (the r2c spectrum of 2m samples from an m-point complex FFT)
 *    against a direct DFT in long double, and bit-identical across tables; the FFT module
 *    (spectrum.c: the split or FFTW's r2c by size, its twiddles) on both sides of its bound;
 *  - whole extractor rows with VIGIL_SIMD=baseline against the default table: bit-identical,
 *    which is what lets a model trained on one machine reproduce on another. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vigil.h>

#include "frame_features.h"
#include "frame_kernels.h"
#include "spectrum.h"

#define L VIGIL__LANES

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static double rng_uniform(void) /* xorshift64*, [0, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void assert_same_bits(const double *a, const double *b, size_t n, const char *what,
                             const char *table)
{
    if (memcmp(a, b, n * sizeof *a) != 0)
        for (size_t i = 0; i < n; i++)
            if (memcmp(a + i, b + i, sizeof *a) != 0)
                fail_msg("%s, table %s, element %zu: %.17g vs %.17g", what, table, i, a[i], b[i]);
}

/* Distance in ulps between two finite doubles of the same sign. */
static uint64_t ulps(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia; /* order negative doubles as integers */
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)(ia - ib) : (uint64_t)(ib - ia);
}

static void test_log_faithful(void **state)
{
    (void)state;
    enum { N = 200003 }; /* odd, so the padded tail is used */
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    /* log-uniform from 1e-30 (the floor the kernels add) to 1e300, plus edges of the reduction
     * (1 + f at sqrt(2)/2 and sqrt(2), powers of 2, 1 itself) and of the double range. */
    const double edges[] = {1e-30, 1.0, 2.0, 0.5, 1.4142135623730951, 0.70710678118654757, nextafter(1.4142135623730951, 0.0),
                            nextafter(1.4142135623730951, 3.0), nextafter(1.0, 0.0), nextafter(1.0, 2.0),
                            DBL_MIN, DBL_MAX, 1.3862915039062500, 1.4200000762939453};
    const size_t ne = sizeof edges / sizeof edges[0];
    for (size_t i = 0; i < N; i++)
        x[i] = i < ne ? edges[i] : exp(-69.0 + rng_uniform() * 760.0);
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    for (size_t t = 0; t < count; t++) {
        all[t]->log(x, y, N);
        uint64_t worst = 0;
        for (size_t i = 0; i < N; i++) {
            const uint64_t d = ulps(y[i], log(x[i]));
            if (d > 1)
                fail_msg("table %s: ln(%.17g) = %.17g, libm %.17g (%llu ulps)", all[t]->name,
                         x[i], y[i], log(x[i]), (unsigned long long)d);
            worst = d > worst ? d : worst;
        }
        print_message("log, table %s: at most %llu ulp from libm\n", all[t]->name,
                      (unsigned long long)worst);
    }
    free(x);
    free(y);
}

/* The lane contract, each table against plain loops, on lengths around multiples of 4. */
static void test_lanes_match_plain_loops(void **state)
{
    (void)state;
    enum { NMAX = 1031 };
    static double x[NMAX], w[NMAX], y[NMAX], yr[NMAX], spec[2 * NMAX], psd[NMAX], psdr[NMAX],
        freq[NMAX];
    for (size_t i = 0; i < NMAX; i++) {
        x[i] = rng_uniform() - 0.4 + (i % 7 == 0 ? 3.0 : 0.0);
        w[i] = rng_uniform();
        freq[i] = 10.0 * (double)i;
    }
    for (size_t i = 0; i < 2 * NMAX; i++)
        spec[i] = (rng_uniform() - 0.5) * (i % 11 == 0 ? 1e-9 : 1.0);
    spec[2 * 40] = spec[2 * 40 + 1] = 0.0;  /* a zero bin: not in the entropy sum */
    spec[2 * 41] = 1e-20, spec[2 * 41 + 1] = 0; /* a "rare" bin: P ln P needs the correction */
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    const size_t lengths[] = {16, 17, 18, 19, 20, 99, 1024, NMAX};
    for (size_t t = 0; t < count; t++) {
        const vigil__kernels *k = all[t];
        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
            const size_t n = lengths[li];
            vigil__raw_sums r, rr;
            memset(&rr, 0, sizeof rr);
            vigil__roots roots;
            k->raw_sums(x, n, &r, &roots);
            for (int j = 0; j < L; j++)
                rr.hi[j] = rr.lo[j] = x[0];
            for (size_t i = 0; i < n; i++) {
                const int j = (int)(i % L);
                rr.sum[j] += x[i];
                rr.sumsq[j] += x[i] * x[i];
                rr.sumabs[j] += fabs(x[i]);
                rr.hi[j] = rr.hi[j] > x[i] ? rr.hi[j] : x[i];
                rr.lo[j] = rr.lo[j] < x[i] ? rr.lo[j] : x[i];
            }
            assert_same_bits((const double *)&r, (const double *)&rr, sizeof r / sizeof(double),
                             "raw_sums", k->name);

            const double mean = 0.123;
            vigil__central_sums c, cr = {{0}, {0}, {0}, 0};
            k->central_sums(x, n, mean, w, y, &c, &roots);
            for (size_t i = 0; i < n; i++) {
                const int j = (int)(i % L);
                const double d = x[i] - mean;
                cr.m2[j] += d * d;
                cr.m3[j] += d * d * d;
                cr.m4[j] += d * d * (d * d);
                yr[i] = d * w[i];
                cr.crossings += i > 0 && (x[i - 1] - mean >= 0.0) != (d >= 0.0);
            }
            assert_same_bits(c.m2, cr.m2, 3 * L, "central_sums", k->name);
            assert_int_equal(c.crossings, cr.crossings);
            assert_same_bits(y, yr, n, "FFT input", k->name);

            const size_t kmax = n / 2;
            vigil__spectral_sums s, sr = {.kpeak = 1};
            /* y (the FFT input, checked above) is spent: the scratch, as in the extractor */
            /* the square roots: shared by the three passes, or all in the spectral loops */
            vigil__spectral_sums s0;
            static double psd0[NMAX + 1], y0[NMAX + 1], red[2 * (NMAX + 1)];
            k->spectral_sums(spec, kmax, 2.0, 1.0, freq, psd0, y0, red, x, n,
                             &(vigil__roots){{0}, 0}, &s0);
            k->spectral_sums(spec, kmax, 2.0, 1.0, freq, psd, y, red, x, n, &roots, &s);
            for (size_t i = 0; i < n; i++) /* the time-domain sum the passes carry */
                sr.sumsqrt[i % L] += sqrt(fabs(x[i]));
            assert_same_bits(s.sumsqrt, sr.sumsqrt, L, "sum of square roots", k->name);
            assert_same_bits(s0.sumsqrt, sr.sumsqrt, L, "sum of square roots, one pass", k->name);
            for (size_t b = 1; b <= kmax; b++) {
                const int j = (int)((b - 1) % L);
                const double re = spec[2 * b], im = spec[2 * b + 1];
                const double p = (re * re + im * im) * (b == kmax ? 1.0 : 2.0), v = p + 1e-30;
                double l;
                k->log(&v, &l, 1);
                psdr[b] = p;
                sr.total[j] += p;
                sr.fsum[j] += freq[b] * p;
                sr.slog[j] += l;
                if (y[b] != l) /* the logarithms the loops leave in the scratch */
                    fail_msg("table %s, n %zu: scratch[%zu] = %.17g, L_k = %.17g", k->name, n, b,
                             y[b], l);
                if (p * fabs(l) >= 1e-30 * 36028797018963968.0) {
                    sr.plogp[j] += p * l;
                } else if (p > 0.0) {
                    sr.rare = 1;
                    if (b < s.rare_first || b > s.rare_last)
                        fail_msg("table %s, n %zu: rare bin %zu outside %zu..%zu", k->name, n, b,
                                 s.rare_first, s.rare_last);
                }
                if (p > psdr[sr.kpeak])
                    sr.kpeak = b;
            }
            assert_same_bits(psd + 1, psdr + 1, kmax, "psd", k->name);
            assert_same_bits(s.total, sr.total, 4 * L, "spectral_sums", k->name);
            assert_int_equal(s.rare, sr.rare);
            if (kmax > 41) /* bin 41 and some odd-indexed others are tiny: exercised */
                assert_int_equal(s.rare, 1);
            assert_int_equal(s.kpeak, sr.kpeak);
            { /* the spread's sums carried by the loops: those of spread_sums at the centroid */
                const double tot = vigil__lane_total(s.total);
                double vs[L];
                k->spread_sums(psd, freq, 1, kmax + 1, vigil__lane_total(s.fsum) / tot, vs);
                assert_same_bits(s.spread, vs, L, "spread in the spectral loops", k->name);
            }

            double v[L], vr[L] = {0}, u[L], ur[L] = {0};
            k->spread_sums(psd, freq, 1, kmax + 1, 123.0, v);
            k->sum(psd + 3, kmax - 3, u);
            for (size_t b = 1; b <= kmax; b++) {
                const double f = freq[b] - 123.0;
                vr[(b - 1) % L] += f * f * psd[b];
            }
            for (size_t b = 3; b < kmax; b++)
                ur[(b - 3) % L] += psd[b];
            assert_same_bits(v, vr, L, "spread_sums", k->name);
            assert_same_bits(u, ur, L, "sum", k->name);
        }
    }
}

/* The rare entropy terms as they were computed before the spectral loops kept their logarithms:
 * one kernel logarithm per bin over all bins, in the order of k. The fast path must give these
 * bits. */
static double entropy_reference(const vigil__kernels *k, const double *psd, size_t kmax,
                                const vigil__spectral_sums *s)
{
    const double eps = 1e-30, tiny = eps * 36028797018963968.0;
    double rare = 0.0;
    for (size_t b = 1; b <= kmax; b++) {
        const double p = psd[b], v = p + eps;
        double l;
        k->log(&v, &l, 1);
        if (p > 0.0 && !(p * fabs(l) >= tiny)) {
            const double r = eps / v;
            rare += p * (r < 1e-8 ? l - r : log(p));
        }
    }
    const double total = vigil__lane_total(s->total);
    const double plogp = vigil__lane_total(s->plogp) + rare;
    return (log(total) - plogp / total) / log((double)kmax);
}

/* Spectra with tiny bins of every kind the entropy treats apart (P ln P below 2^55 eps with the
 * correction -r, with libm's logarithm of a subnormal or tiny P, exact zeros), alone, in runs,
 * in the first and last block and in the tail: the entropy of vigil__spectrum_features against
 * the per-bin reference, bit for bit, for every table and for frames around block multiples. */
static void test_rare_entropy_same_bits(void **state)
{
    (void)state;
    enum { NMAX = 4099 };
    static double spec[2 * NMAX], x[NMAX], y[NMAX], psd[NMAX], freq[NMAX], red[NMAX + 2];
    const double tiny_amp[] = {1e-9, 3e-12, 1e-14, 2e-16, 1e-20, 1e-160, 4.9406564584124654e-324};
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    const size_t lengths[] = {34, 35, 48, 1000, 1031, 4096, NMAX};
    size_t rare_frames = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li], kmax = n / 2;
        /* patterns 6, 7: every bin so small (P near 1e-16) that all are rare and the -r
         * correction moves the last bits of the sum */
        for (int pattern = 0; pattern < 8; pattern++) {
            const double scale = pattern >= 6 ? 3e-5 : 1.0;
            for (size_t i = 0; i < n; i++)
                x[i] = rng_uniform() - 0.5;
            for (size_t b = 0; b <= kmax; b++) {
                /* a decaying spectrum, as behind an anti-alias filter, with tiny bins sprinkled */
                const double a = exp(-40.0 * (double)b / (double)kmax * (pattern % 3));
                spec[2 * b] = scale * a * (rng_uniform() - 0.5);
                spec[2 * b + 1] = scale * a * (rng_uniform() - 0.5);
                const int sprinkle = pattern >= 3 ? rng_uniform() < 0.05
                                                  : b == 1 || b == kmax || b == kmax - 1 ||
                                                        b == kmax / 2 || b == 9;
                if (sprinkle) {
                    spec[2 * b] = tiny_amp[(size_t)(rng_uniform() * 7.0)];
                    spec[2 * b + 1] = rng_uniform() < 0.3 ? 0.0 : spec[2 * b];
                }
            }
            spec[2 * 5] = spec[2 * 5 + 1] = 0.0;
            for (size_t b = 0; b <= kmax; b++)
                freq[b] = 25600.0 * (double)b / (double)n;
            for (size_t t = 0; t < count; t++) {
                const vigil__kernels *k = all[t];
                double time_out[VIGIL__TIME_COLS] = {0}, out[VIGIL__SPECTRAL_COLS];
                time_out[3] = 1.0;
                vigil__spectrum_features(k, spec, n, 25600.0, 0.5 * (double)n,
                                         0.375 * (double)n, freq, psd, y, red, x,
                                         &(vigil__roots){{0}, 0}, time_out, out);
                vigil__spectral_sums s;
                static double psd2[NMAX], y2[NMAX];
                k->spectral_sums(spec, kmax, 2.0 / (25600.0 * 0.375 * (double)n),
                                 (n % 2 == 0 ? 1.0 : 2.0) / (25600.0 * 0.375 * (double)n), freq,
                                 psd2, y2, red, x, n, &(vigil__roots){{0}, 0}, &s);
                assert_same_bits(psd + 1, psd2 + 1, kmax, "psd", k->name);
                rare_frames += s.rare != 0;
                const double want = entropy_reference(k, psd2, kmax, &s);
                if (memcmp(&want, &out[4], sizeof want) != 0)
                    fail_msg("table %s, n %zu, pattern %d: entropy %.17g, reference %.17g",
                             k->name, n, pattern, out[4], want);
            }
        }
    }
    assert_true(rare_frames >= count * 20); /* the rare path was taken, in most frames */
}

/* Rows of a whole extractor: the baseline table (VIGIL_SIMD=baseline, read at create) against
 * the default one, on a signal with a DC offset, tones, impulses and silence. */
static void test_rows_same_bits_across_tables(void **state)
{
    (void)state;
    enum { NS = 40000 };
    static double x[NS];
    for (size_t i = 0; i < NS; i++)
        x[i] = 0.05 + sin(0.0123 * (double)i) + 0.3 * (rng_uniform() - 0.5) +
               (i % 4999 == 0 ? 4.0 : 0.0);
    for (size_t i = 20000; i < 24096; i++)
        x[i] = 0.0;
    const size_t frames[][2] = {{4096, 2048}, {1000, 333}, {17, 5}};
    for (size_t f = 0; f < sizeof frames / sizeof frames[0]; f++) {
        double *rows[2];
        size_t nrows[2] = {0, 0}, nc = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 0)
                assert_int_equal(setenv("VIGIL_SIMD", "baseline", 1), 0);
            else
                assert_int_equal(unsetenv("VIGIL_SIMD"), 0);
            vigil_extractor *ex = NULL;
            assert_int_equal(vigil_extractor_create(25600.0, frames[f][0], &ex), VIGIL_OK);
            assert_int_equal(vigil_extractor_set_hop(ex, frames[f][1]), VIGIL_OK);
            assert_int_equal(vigil_extractor_set_queue(ex, 65536), VIGIL_OK);
            assert_int_equal(vigil_extractor_add_band(ex, 0.0, 3000.0), VIGIL_OK);
            assert_int_equal(vigil_extractor_add_band(ex, 2999.0, 12800.0), VIGIL_OK);
            nc = vigil_extractor_feature_count(ex);
            assert_int_equal(vigil_extractor_push(ex, x, NS, NULL), VIGIL_OK);
            const size_t ready = vigil_extractor_ready(ex);
            rows[pass] = malloc(ready * nc * sizeof(double));
            assert_non_null(rows[pass]);
            while (vigil_extractor_pop(ex, rows[pass] + nrows[pass] * nc, nc, NULL) == 1)
                nrows[pass]++;
            vigil_extractor_destroy(ex);
        }
        assert_int_equal(nrows[0], nrows[1]);
        assert_true(nrows[0] > 10);
        assert_same_bits(rows[0], rows[1], nrows[0] * nc, "extractor rows", "default");
        free(rows[0]);
        free(rows[1]);
    }
}

/* real_split against the definition: x of n = 2m samples, Z the m-point DFT of x_2j + i x_2j+1
 * (a direct sum in long double, rounded), then every table's split of a copy of Z against the
 * direct n-point DFT of x in long double, within 1e-13 of sum |x| (the split adds a few
 * roundings of values of that size), and the tables against each other bit for bit. Sizes
 * cover the small ones (no whole block), odd and even m, and blocks meeting at the middle. */
static void test_real_split(void **state)
{
    (void)state;
    const size_t sizes[] = {2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 31, 32, 33, 34, 35, 64, 100, 255, 1024};
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    const long double two_pi = 6.283185307179586476925286766559005768L;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const size_t m = sizes[s], n = 2 * m;
        double *x = malloc(n * sizeof *x), *z = malloc((n + 2) * sizeof *z);
        double *first = malloc((n + 2) * sizeof *first), *got = malloc((n + 2) * sizeof *got);
        double *cosv = calloc(m / 2 + 1 + 8, sizeof *cosv), *sinv = calloc(m / 2 + 1 + 8, sizeof *sinv);
        assert_true(x && z && first && got && cosv && sinv);
        double scale = 0.0;
        for (size_t i = 0; i < n; i++) {
            x[i] = rng_uniform() - 0.3;
            scale += fabs(x[i]);
        }
        for (size_t k = 0; k < m; k++) {
            long double re = 0.0L, im = 0.0L;
            for (size_t j = 0; j < m; j++) {
                const long double a = -two_pi * (long double)((k * j) % m) / (long double)m;
                re += x[2 * j] * cosl(a) - x[2 * j + 1] * sinl(a);
                im += x[2 * j] * sinl(a) + x[2 * j + 1] * cosl(a);
            }
            z[2 * k] = (double)re;
            z[2 * k + 1] = (double)im;
        }
        for (size_t k = 0; k <= m / 2; k++) { /* as spectrum.c makes them */
            const double a = 6.283185307179586476925286766559 * (double)k / (double)n;
            cosv[k] = cos(a);
            sinv[k] = -sin(a);
        }
        for (size_t t = 0; t < count; t++) {
            memcpy(got, z, n * sizeof *z);
            got[n] = got[n + 1] = 12345.0; /* must be written */
            all[t]->real_split(got, cosv, sinv, m);
            for (size_t k = 0; k <= m; k++) {
                long double re = 0.0L, im = 0.0L;
                for (size_t i = 0; i < n; i++) {
                    const long double a = -two_pi * (long double)((k * i) % n) / (long double)n;
                    re += x[i] * cosl(a);
                    im += x[i] * sinl(a);
                }
                if (fabsl(got[2 * k] - re) > 1e-13 * scale || fabsl(got[2 * k + 1] - im) > 1e-13 * scale)
                    fail_msg("table %s, m %zu, bin %zu: %.17g%+.17gi, DFT %.17Lg%+.17Lgi",
                             all[t]->name, m, k, got[2 * k], got[2 * k + 1], re, im);
            }
            if (t == 0)
                memcpy(first, got, (n + 2) * sizeof *got);
            else
                assert_same_bits(got, first, n + 2, "real_split", all[t]->name);
        }
        free(x), free(z), free(first), free(got), free(cosv), free(sinv);
    }
}

/* The FFT module end to end (lib/spectrum.c): the half-length complex FFT plus the split for
 * even n up to its bound (odd and even m), FFTW's r2c for odd n and beyond the bound, against a
 * direct DFT in long double on a spread of bins (every bin of the small sizes; the first and
 * last 24, the middle and every 61st of the large), within 1e-13 of sum |x|. */
static void test_fft_sizes(void **state)
{
    (void)state;
    const size_t sizes[] = {4, 5, 6, 8, 9, 10, 18, 34, 1002, 4096, 6142, 6144, 6146, 8192};
    const long double two_pi = 6.283185307179586476925286766559005768L;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const size_t n = sizes[s], nb = n / 2 + 1;
        vigil__fft *f = NULL;
        assert_int_equal(vigil__fft_create(n, &f), 0);
        double *in = vigil__fft_input(f), *x = malloc(n * sizeof *x);
        long double *c = malloc(n * sizeof *c), *sn = malloc(n * sizeof *sn);
        assert_true(x && c && sn);
        double scale = 0.0;
        for (size_t i = 0; i < n; i++) {
            x[i] = in[i] = rng_uniform() - 0.45;
            scale += fabs(x[i]);
            c[i] = cosl(two_pi * (long double)i / (long double)n);
            sn[i] = sinl(two_pi * (long double)i / (long double)n);
        }
        vigil__fft_execute(f);
        const double *out = vigil__fft_output(f);
        for (size_t k = 0; k < nb; k++) {
            if (nb > 64 && k >= 24 && k + 24 < nb && (k < nb / 2 - 2 || k > nb / 2 + 2) && k % 61)
                continue;
            long double re = 0.0L, im = 0.0L;
            for (size_t i = 0; i < n; i++) {
                const size_t r = (k * i) % n; /* e^{-2 pi i k i / n} */
                re += x[i] * c[r];
                im -= x[i] * sn[r];
            }
            if (fabsl(out[2 * k] - re) > 1e-13 * scale || fabsl(out[2 * k + 1] - im) > 1e-13 * scale)
                fail_msg("n %zu, bin %zu: %.17g%+.17gi, DFT %.17Lg%+.17Lgi", n, k, out[2 * k],
                         out[2 * k + 1], re, im);
        }
        vigil__fft_destroy(f);
        free(x), free(c), free(sn);
    }
}

/* all_within against a plain |x| <= max: one bad value (NaN, +-inf, just beyond +-max) at every
 * position of chunks of 1..13 (whole vectors and every tail), among values that must pass (the
 * bounds themselves, zeros, subnormals). */
static void test_all_within(void **state)
{
    (void)state;
    const double max = 1e30;
    const double good[] = {0.0, -0.0, max, -max, DBL_MIN, 4.9406564584124654e-324, 1.5};
    const double bad[] = {NAN, INFINITY, -INFINITY, nextafter(max, INFINITY),
                          -nextafter(max, INFINITY), DBL_MAX};
    double x[13];
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    for (size_t t = 0; t < count; t++) {
        for (size_t n = 1; n <= 13; n++) {
            for (size_t i = 0; i < n; i++)
                x[i] = good[i % (sizeof good / sizeof good[0])];
            assert_int_equal(all[t]->all_within(x, n, max, NULL), 1);
            double copy[13];
            memset(copy, 0x55, sizeof copy);
            assert_int_equal(all[t]->all_within(x, n, max, copy), 1);
            assert_memory_equal(copy, x, n * sizeof *x);
            for (size_t at = 0; at < n; at++)
                for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
                    const double keep = x[at];
                    x[at] = bad[b];
                    if (all[t]->all_within(x, n, max, NULL) != 0)
                        fail_msg("table %s: %g at %zu of %zu not found", all[t]->name, bad[b],
                                 at, n);
                    double copied[13];
                    if (all[t]->all_within(x, n, max, copied) != 0 ||
                        memcmp(copied, x, n * sizeof *x) != 0)
                        fail_msg("table %s, copying: %g at %zu of %zu not found or not copied",
                                 all[t]->name, bad[b], at, n);
                    x[at] = keep;
                }
        }
    }
}

int main(void)
{
    size_t count;
    const vigil__kernels *const *all = vigil__kernels_all(&count);
    print_message("kernel tables on this CPU:");
    for (size_t t = 0; t < count; t++)
        print_message(" %s", all[t]->name);
    print_message("\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_faithful),
        cmocka_unit_test(test_lanes_match_plain_loops),
        cmocka_unit_test(test_rare_entropy_same_bits),
        cmocka_unit_test(test_rows_same_bits_across_tables),
        cmocka_unit_test(test_all_within),
        cmocka_unit_test(test_real_split),
        cmocka_unit_test(test_fft_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
