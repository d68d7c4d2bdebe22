/* Tests of the streaming extractor (include/vigil/extractor.h) against:
 *  - reference rows from the independent numpy implementation (tests/ref_vectors.h, made by
 *    tests/reference/gen_vectors.py), relative tolerance 1e-9;
 *  - closed forms (sine statistics, Parseval, band partition), relative tolerance 1e-12;
 *  - invariants: chunking, float twin, reset equals fresh, every invalid argument. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil.h>

#include "ref_vectors.h"

#define PI 3.14159265358979323846

/* |a - b| <= rtol |b| + atol */
static void assert_close(double a, double b, double rtol, double atol, const char *what)
{
    if (!(fabs(a - b) <= rtol * fabs(b) + atol))
        fail_msg("%s: got %.17g, expected %.17g (rtol %g, atol %g)", what, a, b, rtol, atol);
}

/* Deterministic pseudo-random numbers (xorshift64*), so tests never depend on libc rand. */
static uint64_t rng_state = 88172645463325252ull;
static double rng_uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static vigil_extractor *make(double rate, size_t n, size_t hop)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(rate, n, &ex), VIGIL_OK);
    assert_non_null(ex);
    assert_int_equal(vigil_extractor_set_hop(ex, hop), VIGIL_OK);
    return ex;
}

/* Push x[0..n) in chunks of `chunk` (0: random sizes 1..5000) and collect every row. Returns
 * the number of rows; rows has room for cap_rows. */
static size_t run(vigil_extractor *ex, const double *x, size_t n, size_t chunk, double *rows,
                  size_t cap_rows)
{
    const size_t nc = vigil_extractor_feature_count(ex);
    size_t off = 0, nrows = 0;
    while (off < n) {
        size_t c = chunk ? chunk : 1 + (size_t)(rng_uniform() * 5000);
        if (c > n - off)
            c = n - off;
        size_t done = 0;
        while (done < c) {
            size_t used = 0;
            assert_int_equal(vigil_extractor_push(ex, x + off + done, c - done, &used), VIGIL_OK);
            done += used;
            while (vigil_extractor_ready(ex)) {
                assert_true(nrows < cap_rows);
                assert_int_equal(vigil_extractor_pop(ex, rows + nrows * nc, nc, NULL), 1);
                nrows++;
            }
        }
        off += c;
    }
    return nrows;
}

static void test_reference_vectors(void **state)
{
    (void)state;
    for (size_t c = 0; c < ref_case_count; c++) {
        const struct ref_case *rc = &ref_cases[c];
        vigil_extractor *ex = make(rc->rate, rc->frame, rc->hop);
        for (size_t b = 0; b < rc->nbands; b++)
            assert_int_equal(vigil_extractor_add_band(ex, rc->band_lo[b], rc->band_hi[b]), VIGIL_OK);
        assert_int_equal(vigil_extractor_feature_count(ex), rc->ncols);
        for (size_t i = 0; i < REF_BASE_COLUMNS; i++)
            assert_string_equal(vigil_extractor_feature_name(ex, i), ref_column_names[i]);
        double *rows = malloc(rc->nrows * rc->ncols * sizeof *rows);
        size_t n = run(ex, rc->x, rc->nsamples, rc->nsamples, rows, rc->nrows);
        assert_int_equal(n, rc->nrows);
        for (size_t i = 0; i < rc->nrows * rc->ncols; i++) {
            char what[128];
            snprintf(what, sizeof what, "%s row %zu column %s", rc->name, i / rc->ncols,
                     vigil_extractor_feature_name(ex, i % rc->ncols));
            /* 1e-9 relative: both sides are double-precision evaluations of the same formulas
             * in different summation orders; 1e-13 absolute covers values that are zero in
             * exact arithmetic (the mean of a zero-mean signal, skewness of a symmetric one). */
            assert_close(rows[i], rc->rows[i], 1e-9, 1e-13, what);
        }
        free(rows);
        vigil_extractor_destroy(ex);
    }
}

static void test_sine_closed_forms(void **state)
{
    (void)state;
    const double rate = 8192.0, a = 1.75;
    const size_t n = 1024, k0 = 37;
    double x[1024];
    for (size_t i = 0; i < n; i++)
        x[i] = a * cos(2.0 * PI * (double)(k0 * i) / (double)n);
    vigil_extractor *ex = make(rate, n, n);
    double row[64];
    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
#define COL(name) row[vigil_extractor_feature_index(ex, name)]
    assert_close(COL("mean"), 0.0, 0.0, 1e-14, "mean");
    assert_close(COL("rms"), a / sqrt(2.0), 1e-12, 0, "rms = a/sqrt2");
    assert_close(COL("std"), a / sqrt(2.0), 1e-12, 0, "std = a/sqrt2");
    assert_close(COL("peak"), a, 1e-12, 0, "peak = a");
    assert_close(COL("p2p"), 2.0 * a, 1e-12, 0, "p2p = 2a");
    assert_close(COL("crest"), sqrt(2.0), 1e-12, 0, "crest = sqrt2");
    assert_close(COL("kurtosis"), 1.5, 1e-12, 0, "kurtosis = 3/2");
    assert_close(COL("skewness"), 0.0, 0.0, 1e-12, "skewness = 0");
    /* mean |x| of the sampled tone, summed directly (the continuous 2a/pi is only approximate
     * for a sampled cosine) */
    double mean_abs = 0.0;
    for (size_t i = 0; i < n; i++)
        mean_abs += fabs(x[i]);
    mean_abs /= (double)n;
    assert_close(COL("shape"), (a / sqrt(2.0)) / mean_abs, 1e-12, 0, "shape = rms / mean|x|");
    assert_close(COL("impulse"), a / mean_abs, 1e-12, 0, "impulse = peak / mean|x|");
    assert_close(mean_abs, 2.0 * a / PI, 1e-4, 0, "sampled mean|x| near 2a/pi");
    /* zero crossings: 2 per period, k0 periods, minus the wrap-around */
    assert_close(COL("zcr"), (double)(2 * k0) / (double)(n - 1), 1e-12, 0, "zcr");
    assert_close(COL("peak_freq"), (double)k0 * rate / (double)n, 1e-15, 0, "peak_freq = f0");
    assert_close(COL("peak_amp"), a, 1e-12, 0, "peak_amp = a (bin-centred)");
    /* Hann turns a bin-centred tone into three lines: |X(k0 +- 1)| = |X(k0)| / 2, so the PSD
     * there is 1/4 of the centre: centroid k0 df, spread^2 = 2 (1/4) df^2 / (1 + 2/4) = df^2/3,
     * and the power (Parseval) is the tone's mean square a^2/2. */
    const double df = rate / (double)n;
    assert_close(COL("centroid"), (double)k0 * df, 1e-12, 0, "centroid");
    assert_close(COL("spread"), df / sqrt(3.0), 1e-9, 0, "spread");
    assert_close(COL("power"), a * a / 2.0, 1e-12, 0, "power = a^2/2");
#undef COL
    vigil_extractor_destroy(ex);
}

static void test_parseval_and_bands(void **state)
{
    (void)state;
    const double rate = 10000.0;
    const size_t n = 1000; /* not a power of two */
    double x[1000], w[1000], s2 = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        x[i] = rng_uniform() - 0.3 + 0.5 * sin(0.37 * (double)i);
        m += x[i];
    }
    m /= (double)n;
    double wy = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)n);
        s2 += w[i] * w[i];
        wy += (x[i] - m) * (x[i] - m) * w[i] * w[i];
    }
    vigil_extractor *ex = make(rate, n, n);
    assert_int_equal(vigil_extractor_add_band(ex, 0, 1234.5), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 1234.5, 3000), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 3000, 5000.01), VIGIL_OK); /* includes Nyquist */
    assert_string_equal(vigil_extractor_feature_name(ex, 21), "band_0_1234.5");
    assert_string_equal(vigil_extractor_feature_name(ex, 23), "band_3000_5000.01");
    double row[64];
    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    const double power = row[vigil_extractor_feature_index(ex, "power")];
    assert_close(power, wy / s2, 1e-12, 0, "Parseval: power = window-weighted variance");
    assert_close(row[21] + row[22] + row[23], power, 1e-12, 0, "bands partition power");
    vigil_extractor_destroy(ex);
}

static void test_chunking_invariance(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x);
    float *xf = malloc(N * sizeof *xf);
    for (size_t i = 0; i < N; i++) {
        xf[i] = (float)(rng_uniform() * 2 - 1 + 0.3 * sin(0.01 * (double)i));
        x[i] = (double)xf[i];
    }
    const size_t cap = 400;
    double *ref = malloc(cap * 64 * sizeof *ref), *got = malloc(cap * 64 * sizeof *got);
    vigil_extractor *ex = make(25600.0, 256, 100);
    assert_int_equal(vigil_extractor_add_band(ex, 100, 2000), VIGIL_OK);
    const size_t nc = vigil_extractor_feature_count(ex);
    const size_t nref = run(ex, x, N, N, ref, cap);
    assert_int_equal(nref, (N - 256) / 100 + 1);
    const size_t chunks[] = {1, 7, 4096, 0 /* random */};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        vigil_extractor *e2 = make(25600.0, 256, 100);
        assert_int_equal(vigil_extractor_add_band(e2, 100, 2000), VIGIL_OK);
        assert_int_equal(run(e2, x, N, chunks[c], got, cap), nref);
        assert_memory_equal(got, ref, nref * nc * sizeof *ref);
        vigil_extractor_destroy(e2);
    }
    /* float twin: identical to pushing the widened values */
    vigil_extractor *e3 = make(25600.0, 256, 100);
    assert_int_equal(vigil_extractor_add_band(e3, 100, 2000), VIGIL_OK);
    size_t off = 0, nrows = 0;
    while (off < N) {
        size_t used = 0;
        assert_int_equal(vigil_extractor_push_f32(e3, xf + off, N - off, &used), VIGIL_OK);
        off += used;
        while (vigil_extractor_pop(e3, got + nrows * nc, nc, NULL) == 1)
            nrows++;
    }
    assert_int_equal(nrows, nref);
    assert_memory_equal(got, ref, nref * nc * sizeof *ref);
    /* reset equals fresh: dirty the stream, reset, replay */
    assert_int_equal(vigil_extractor_push(e3, x, 1234, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_reset(e3), VIGIL_OK);
    assert_int_equal(vigil_extractor_ready(e3), 0);
    assert_int_equal(vigil_extractor_frames_done(e3), 0);
    assert_int_equal(run(e3, x, N, 333, got, cap), nref);
    assert_memory_equal(got, ref, nref * nc * sizeof *ref);
    vigil_extractor_destroy(e3);
    vigil_extractor_destroy(ex);
    free(x);
    free(xf);
    free(ref);
    free(got);
}

static void test_framing_and_time(void **state)
{
    (void)state;
    vigil_extractor *ex = make(1000.0, 16, 5);
    double x[100], row[32];
    for (int i = 0; i < 100; i++)
        x[i] = (double)i;
    assert_int_equal(vigil_extractor_push(ex, x, 15, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_ready(ex), 0);
    assert_int_equal(vigil_extractor_push(ex, x + 15, 85, NULL), VIGIL_OK);
    /* frames start at 0, 5, ..., 80 (80 + 16 <= 100): 17 frames */
    assert_int_equal(vigil_extractor_ready(ex), 17);
    for (int j = 0; j < 17; j++) {
        assert_int_equal(vigil_extractor_pop(ex, row, 32, NULL), 1);
        assert_true(row[0] == (double)j);
        assert_true(row[1] == (double)(j * 5) / 1000.0);
        assert_close(row[2], j * 5 + 7.5, 1e-15, 0, "mean of a ramp frame");
    }
    assert_int_equal(vigil_extractor_pop(ex, row, 32, NULL), 0);
    vigil_extractor_destroy(ex);
}

static void test_large_and_prime_frames(void **state)
{
    (void)state;
    const size_t sizes[] = {4, 5, 12, 16, 17, 4099, VIGIL_FRAME_MAX};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const size_t n = sizes[s];
        double *x = malloc(n * sizeof *x);
        double m = 0, wy = 0, s2 = 0;
        for (size_t i = 0; i < n; i++) {
            x[i] = rng_uniform();
            m += x[i];
        }
        m /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double w = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)n);
            s2 += w * w;
            wy += (x[i] - m) * (x[i] - m) * w * w;
        }
        vigil_extractor *ex = make(48000.0, n, n);
        double row[32];
        assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
        assert_int_equal(vigil_extractor_pop(ex, row, 32, NULL), 1);
        assert_close(row[14], wy / s2, 1e-10, 0, "Parseval at odd/prime/maximal N");
        assert_true(vigil_extractor_memory(ex) >= 3 * n * sizeof(double));
        vigil_extractor_destroy(ex);
        free(x);
    }
}

/* A constant frame whose sum rounds (0.1 is not a binary fraction): central moments are exactly 0,
 * so std, kurtosis and skewness are 0 and crest = peak/rms = 1 (docs/FEATURES.md). */
static void test_constant_frame(void **state)
{
    (void)state;
    double x[1000], row[64];
    for (int i = 0; i < 1000; i++)
        x[i] = 0.1;
    vigil_extractor *ex = make(100.0, 1000, 1000);
    assert_int_equal(vigil_extractor_push(ex, x, 1000, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    assert_true(row[2] == 0.1);                 /* mean */
    assert_true(row[4] == 0.0);                 /* std */
    assert_close(row[7], 1.0, 1e-12, 0, "crest of a constant");
    assert_true(row[8] == 0.0 && row[9] == 0.0); /* kurtosis, skewness */
    for (int i = 14; i < 21; i++)               /* spectrum of a constant minus its mean */
        assert_true(row[i] == 0.0);
    vigil_extractor_destroy(ex);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    vigil_extractor *ex = (vigil_extractor *)&ex; /* must be overwritten with NULL on failure */
    assert_int_equal(vigil_extractor_create(0.0, 1024, &ex), VIGIL_EINVAL);
    assert_null(ex);
    assert_int_equal(vigil_extractor_create(-1.0, 1024, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(NAN, 1024, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(INFINITY, 1024, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(1000.0, VIGIL_FRAME_MIN - 1, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(1000.0, VIGIL_FRAME_MAX + 1, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(1000.0, 0, &ex), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_create(1000.0, 64, NULL), VIGIL_EINVAL);
    assert_true(strlen(vigil_last_error()) > 0);

    ex = make(1000.0, 64, 64);
    assert_int_equal(vigil_extractor_set_hop(ex, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_hop(ex, 65), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_hop(NULL, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_add_band(ex, 10, 10), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_add_band(ex, -1, 10), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_add_band(ex, NAN, 10), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_add_band(ex, 0, INFINITY), VIGIL_EINVAL);
    for (int b = 0; b < VIGIL_BANDS_MAX; b++)
        assert_int_equal(vigil_extractor_add_band(ex, b, b + 1), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 100, 101), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_queue(ex, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_queue(ex, 65537), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_queue(ex, 2), VIGIL_OK);
    assert_null(vigil_extractor_feature_name(ex, vigil_extractor_feature_count(ex)));
    assert_null(vigil_extractor_feature_name(NULL, 0));
    assert_int_equal(vigil_extractor_feature_index(ex, "no_such"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_extractor_feature_index(ex, NULL), VIGIL_EINVAL);

    double x[400], row[128];
    for (int i = 0; i < 400; i++)
        x[i] = sin(i * 0.1);
    assert_int_equal(vigil_extractor_push(ex, NULL, 5, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_push(ex, NULL, 0, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(NULL, x, 5, NULL), VIGIL_EINVAL);

    /* queue of 2: 64*3 samples complete three frames, too many without `consumed` */
    size_t used = 99;
    assert_int_equal(vigil_extractor_push(ex, x, 192, NULL), VIGIL_EFULL);
    assert_int_equal(vigil_extractor_frames_done(ex), 0);
    /* NaN among the samples that would be taken: nothing consumed */
    x[10] = NAN;
    assert_int_equal(vigil_extractor_push(ex, x, 100, &used), VIGIL_ENONFINITE);
    assert_int_equal(used, 0);
    x[10] = INFINITY;
    assert_int_equal(vigil_extractor_push(ex, x, 100, &used), VIGIL_ENONFINITE);
    x[10] = sin(1.0);
    /* with `consumed` the push stops when the queue is full: 2 frames, 191 samples */
    assert_int_equal(vigil_extractor_push(ex, x, 400, &used), VIGIL_OK);
    assert_int_equal(used, 64 * 3 - 1);
    assert_int_equal(vigil_extractor_ready(ex), 2);
    /* configuration is frozen once samples are in */
    assert_int_equal(vigil_extractor_set_hop(ex, 32), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_add_band(ex, 1, 2), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_set_queue(ex, 8), VIGIL_ESTATE);
    /* a too-small row buffer keeps the row queued */
    assert_int_equal(vigil_extractor_pop(ex, row, 3, NULL), VIGIL_ESPACE);
    assert_int_equal(vigil_extractor_ready(ex), 2);
    assert_int_equal(vigil_extractor_pop(ex, NULL, 128, NULL), VIGIL_EINVAL);
    size_t written = 0;
    assert_int_equal(vigil_extractor_pop(ex, row, 128, &written), 1);
    assert_int_equal(written, vigil_extractor_feature_count(ex));
    assert_int_equal(vigil_extractor_reset(ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, 32), VIGIL_OK);
    assert_int_equal(vigil_extractor_reset(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_feature_count(NULL), 0);
    assert_int_equal(vigil_extractor_memory(NULL), 0);
    vigil_extractor_destroy(ex);
    vigil_extractor_destroy(NULL);
}

/* vigil_extractor_pop_many against vigil_extractor_pop on twin extractors: the same rows, bit for
 * bit and in order, across the queue ring's wrap, with caps of a partial row, one row, a few
 * rows and more than are ready; and its argument checks. */
static void test_pop_many(void **state)
{
    (void)state;
    enum { NS = 30000, QUEUE = 7 };
    static double x[NS], a[64 * 40], b[64 * 40];
    for (size_t i = 0; i < NS; i++)
        x[i] = sin(0.01 * (double)i) + 0.2 * sin(0.37 * (double)i * (1.0 + 1e-5 * (double)i));
    vigil_extractor *one = NULL, *many = NULL;
    assert_int_equal(vigil_extractor_create(8000.0, 256, &one), VIGIL_OK);
    assert_int_equal(vigil_extractor_create(8000.0, 256, &many), VIGIL_OK);
    vigil_extractor *both[2] = {one, many};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(vigil_extractor_set_hop(both[k], 100), VIGIL_OK);
        assert_int_equal(vigil_extractor_set_queue(both[k], QUEUE), VIGIL_OK);
        assert_int_equal(vigil_extractor_add_band(both[k], 100.0, 900.0), VIGIL_OK);
    }
    const size_t nc = vigil_extractor_feature_count(one);
    double dummy[1];
    size_t written = 99;
    assert_int_equal(vigil_extractor_pop_many(many, dummy, 1, &written), 0); /* none ready */
    assert_int_equal(written, 0);
    const size_t caps[] = {nc - 1, nc, 2 * nc + 3, 5 * nc, 40 * nc};
    size_t off = 0, rows = 0, round = 0;
    while (off < NS) {
        size_t used_a = 0, used_b = 0, len = 333 + 97 * (round % 5);
        len = len < NS - off ? len : NS - off;
        assert_int_equal(vigil_extractor_push(one, x + off, len, &used_a), VIGIL_OK);
        assert_int_equal(vigil_extractor_push(many, x + off, len, &used_b), VIGIL_OK);
        assert_int_equal(used_a, used_b);
        off += used_a;
        const size_t cap = caps[round++ % 5];
        for (;;) {
            const size_t ready = vigil_extractor_ready(many);
            const int got = vigil_extractor_pop_many(many, b, cap, &written);
            if (cap < nc && ready > 0) {
                assert_int_equal(got, VIGIL_ESPACE);
                assert_int_equal(vigil_extractor_ready(many), ready); /* nothing lost */
                assert_int_equal(vigil_extractor_pop_many(many, b, nc, &written), 1);
            } else {
                const size_t want = ready < cap / nc ? ready : cap / nc;
                assert_int_equal(got, (int)want);
                if (got == 0)
                    break;
            }
            const size_t n = written / nc;
            assert_int_equal(written, n * nc);
            for (size_t r = 0; r < n; r++)
                assert_int_equal(vigil_extractor_pop(one, a + r * nc, nc, NULL), 1);
            assert_memory_equal(a, b, n * nc * sizeof *a);
            rows += n;
        }
        assert_int_equal(vigil_extractor_ready(one), 0);
    }
    assert_true(rows > 250);
    assert_int_equal(vigil_extractor_pop_many(NULL, b, nc, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_pop_many(many, NULL, nc, NULL), VIGIL_EINVAL);
    vigil_extractor_destroy(one);
    vigil_extractor_destroy(many);
}

static void test_rejected_chunk_loses_nothing(void **state)
{
    (void)state;
    double x[1000], row_a[64], row_b[64];
    for (int i = 0; i < 1000; i++)
        x[i] = cos(i * 0.05) + 0.01 * i;
    vigil_extractor *a = make(1000.0, 128, 64), *b = make(1000.0, 128, 64);
    assert_int_equal(vigil_extractor_push(a, x, 500, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(b, x, 500, NULL), VIGIL_OK);
    double bad[3] = {1.0, NAN, 2.0};
    assert_int_equal(vigil_extractor_push(b, bad, 3, NULL), VIGIL_ENONFINITE);
    assert_int_equal(vigil_extractor_push(a, x + 500, 500, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(b, x + 500, 500, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_ready(a), vigil_extractor_ready(b));
    while (vigil_extractor_pop(a, row_a, 64, NULL) == 1) {
        assert_int_equal(vigil_extractor_pop(b, row_b, 64, NULL), 1);
        assert_memory_equal(row_a, row_b, vigil_extractor_feature_count(a) * sizeof(double));
    }
    vigil_extractor_destroy(a);
    vigil_extractor_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_vectors),
        cmocka_unit_test(test_sine_closed_forms),
        cmocka_unit_test(test_parseval_and_bands),
        cmocka_unit_test(test_chunking_invariance),
        cmocka_unit_test(test_framing_and_time),
        cmocka_unit_test(test_large_and_prime_frames),
        cmocka_unit_test(test_constant_frame),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_rejected_chunk_loses_nothing),
        cmocka_unit_test(test_pop_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
