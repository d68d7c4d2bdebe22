/* Internal: the per-frame loops of frame_features.c, one table of functions per instruction set.
 *
 * Every sum runs in VIGIL__LANES = 4 interleaved accumulators (element i of a range goes to lane
 * i % 4; the caller adds the lanes as (l0 + l1) + (l2 + l3)). The lanes fix the order of every
 * addition, so each table gives the same bits: a model trained on a machine with AVX2 reproduces
 * on one without (tests/test_frame_kernels.c checks this). Pure functions: no allocation, no
 * state; the tables are constant, so any thread may use them. */
#ifndef VIGIL_LIB_FRAME_KERNELS_H
#define VIGIL_LIB_FRAME_KERNELS_H

#include <stddef.h>

#define VIGIL__LANES 8

/* The lane sums of sqrt|x_i| of a frame so far: samples 0..next-1 are in. raw_sums() starts
 * them, central_sums() and spectral_sums() continue them (each takes a share of the square
 * roots: see roots_step() in frame_kernels_impl.h), spectral_sums() completes them. */
typedef struct vigil__roots {
    double lanes[VIGIL__LANES];
    size_t next;
} vigil__roots;

/* Lane sums of one frame's raw samples (pass 1 of the time-domain features). */
typedef struct vigil__raw_sums {
    double sum[VIGIL__LANES], sumsq[VIGIL__LANES], sumabs[VIGIL__LANES];
    double hi[VIGIL__LANES], lo[VIGIL__LANES]; /* max and min per lane */
} vigil__raw_sums;

/* Lane sums of the centred samples d = x - mean (pass 2). */
typedef struct vigil__central_sums {
    double m2[VIGIL__LANES], m3[VIGIL__LANES], m4[VIGIL__LANES];
    size_t crossings; /* sign changes of d between consecutive samples */
} vigil__central_sums;

/* Lane sums over the one-sided PSD bins 1..K, taken while the PSD is formed (FEATURES.md). */
typedef struct vigil__spectral_sums {
    double total[VIGIL__LANES]; /* sum P_k */
    double fsum[VIGIL__LANES];  /* sum f_k P_k */
    double slog[VIGIL__LANES];  /* sum L_k, L_k = ln(P_k + 1e-30) */
    double plogp[VIGIL__LANES]; /* sum P_k L_k over the bins where L_k is ln P_k to the last bit */
    int rare;       /* some bin has P_k > 0 but is not in plogp (see rare_entropy_terms()) */
    size_t rare_first, rare_last; /* if rare: every such bin k has rare_first <= k <= rare_last */
    size_t kpeak;   /* the first k with the largest P_k */
    double sumsqrt[VIGIL__LANES]; /* sum sqrt|x_i| over the frame's samples (see below) */
    /* sum (f_k - c)^2 P_k, c = lane_total(fsum) / lane_total(total) (0 when that is 0): the
     * spread's sums, as spread_sums() would give them for that c */
    double spread[VIGIL__LANES];
} vigil__spectral_sums;

typedef struct vigil__kernels {
    const char *name; /* "baseline" or "avx2": what VIGIL_SIMD may ask for */

    /* Pass 1 over x[0..n), n >= 1; starts *roots for x. */
    void (*raw_sums)(const double *x, size_t n, vigil__raw_sums *out, vigil__roots *roots);
    /* Pass 2 over x[0..n): central sums, crossings and the FFT input y = (x - mean) * w;
     * continues *roots (any state of them for the same x, n). */
    void (*central_sums)(const double *x, size_t n, double mean, const double *w, double *y,
                         vigil__central_sums *out, vigil__roots *roots);
    /* From r2c output spec (interleaved re, im) for bins k = 1..kmax: psd[k] = c |X_k|^2 with
     * c = two, except c = last for k = kmax (the Nyquist bin of an even n has no mirror image);
     * freq[k] = f_k; the sums above. psd[0] is the caller's. Also the time-domain sum of
     * sqrt|x[i]| over x[0..n) (the frame's samples, n >= 1) into sumsqrt: the roots of from (any
     * state for the same x, n: {{0}, 0} for none yet) completed. scratch: kmax + 1
     * doubles, reduced: 2 (kmax + 1) (the PSD loop hands the first parts of each logarithm, the
     * reduction x = 2^k (1 + f) and the division, to the logarithm loop through them); on
     * return scratch[k] = L_k for k = 1..kmax, the logarithms the sums used, so that the rare
     * entropy terms need none of their own. Neither may alias the other arrays or each other. */
    void (*spectral_sums)(const double *spec, size_t kmax, double two, double last,
                          const double *freq, double *psd, double *scratch, double *reduced,
                          const double *x, size_t n, const vigil__roots *from,
                          vigil__spectral_sums *out);
    /* Lane sums of (freq[k] - c)^2 psd[k] over k in [k0, k1). */
    void (*spread_sums)(const double *psd, const double *freq, size_t k0, size_t k1, double c,
                        double *lanes);
    /* Lane sums of p[0..n). */
    void (*sum)(const double *p, size_t n, double *lanes);
    /* out[i] = ln(x[i]) for finite positive normal x[i] (the only inputs it is given: P + 1e-30),
     * within 1 ulp (fdlibm's algorithm). The same function the spectral sums use. */
    void (*log)(const double *x, double *out, size_t n);
    /* 1 if every x[0..n) is within [-max, max] (so not NaN), else 0 (the push loop's check of
     * a whole chunk against VIGIL_SAMPLE_MAX). If copy is not NULL, x[0..n) is also copied to
     * copy[0..n) (not overlapping x), whatever the answer. */
    int (*all_within)(const double *x, size_t n, double max, double *copy);
    /* The r2c spectrum of n = 2 m real samples (m >= 2) from the m-point complex FFT of
     * x_2j + i x_2j+1, in place: z holds that FFT in z[0 .. 2m) and receives bins 0..m,
     * interleaved, in z[0 .. 2m + 2). cosv[k], sinv[k] = cos, -sin of 2 pi k / n for
     * k = 0..m/2 (padded to VW beyond). See spectrum.c. */
    void (*real_split)(double *z, const double *cosv, const double *sinv, size_t m);
} vigil__kernels;

/* The fastest table this CPU runs, unless the environment variable VIGIL_SIMD names a slower
 * one ("baseline"); read once per call (at extractor create). Never NULL. */
const vigil__kernels *vigil__kernels_select(void);
/* Every table this build has and this CPU can run, fastest first; *count set. For tests. */
const vigil__kernels *const *vigil__kernels_all(size_t *count);

static inline double vigil__lane_total(const double *l) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

#endif
