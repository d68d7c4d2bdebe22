/* The envelope and shaft-order groups of the extractor against the independent numpy
 * implementation (tests/reference/gen_diag_vectors.py -> diag_vectors.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <vigil.h>

#include "diag_vectors.h"
#include "test_rng.h"

#define PI_ 3.14159265358979323846

/* Envelope amplitudes pass through two FFTs and a median; numpy and FFTW differ by rounding
 * only, so 1e-9 relative is generous while any definitional difference is far larger. */
#define TOL 1e-9

static vigil_extractor *make(double lo, double hi)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(DV_RATE, DV_N, &ex), 0);
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, DV_SHAFT), 0);
    assert_int_equal(vigil_extractor_enable_envelope(ex, lo, hi), 0);
    return ex;
}

static void check_row(vigil_extractor *ex, const double *want)
{
    assert_int_equal(vigil_extractor_push(ex, dv_outer, DV_N, NULL), 0);
    double row[64];
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    const int c0 = vigil_extractor_feature_index(ex, "env_ftf");
    assert_true(c0 > 0);
    static const char *const names[VIGIL_ENVELOPE_COLS] = {
        "env_ftf", "env_bpfo", "env_bpfi", "env_bsf", "env_ftf_prom", "env_bpfo_prom",
        "env_bpfi_prom", "env_bsf_prom", "env_band_lo", "env_band_hi"};
    for (int i = 0; i < VIGIL_ENVELOPE_COLS; i++) {
        assert_string_equal(vigil_extractor_feature_name(ex, (size_t)c0 + (size_t)i), names[i]);
        const double got = row[c0 + i];
        if (!(fabs(got - want[i]) <= TOL * fabs(want[i])))
            fail_msg("%s: got %.17g want %.17g", names[i], got, want[i]);
    }
}

static void test_full_band(void **state)
{
    (void)state;
    vigil_extractor *ex = make(0, 1e9);
    check_row(ex, dv_env_full);
    vigil_extractor_destroy(ex);
}

static void test_fixed_band(void **state)
{
    (void)state;
    vigil_extractor *ex = make(2000, 5000);
    check_row(ex, dv_env_2000_5000);
    vigil_extractor_destroy(ex);
}

static void test_auto_band(void **state)
{
    (void)state;
    vigil_extractor *ex = make(0, 0);
    check_row(ex, dv_env_auto);
    vigil_extractor_destroy(ex);
}

/* The outer-race signal's BPFO family is its most prominent (known impulses). */
static void test_known_defect_is_most_prominent(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        if (i != 1)
            assert_true(dv_env_full[5] > dv_env_full[4 + i]);
}

static void test_bad_band(void **state)
{
    (void)state;
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(DV_RATE, DV_N, &ex), 0);
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 100, 50), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 7000, 8000), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 100, 101), VIGIL_EINVAL); /* < 2 bins */
    assert_int_equal(vigil_extractor_enable_envelope(ex, NAN, 500), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_enable_envelope(NULL, 0, 0), VIGIL_EINVAL);
    vigil_extractor_destroy(ex);
}

/* Orders: a sum of sines at 1x, 2x, 3x of a bin-centred shaft rate has A[k] = amplitude
 * exactly (FEATURES.md amplitude spectrum); the estimate finds the 1x line. */
static void test_orders(void **state)
{
    (void)state;
    const double rate = 4096.0, fr = 25.0; /* df = 1 Hz with N = 4096 */
    const size_t n = 4096;
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / rate;
        x[i] = 1.0 * sin(2 * PI_ * fr * t) + 0.5 * sin(2 * PI_ * 2 * fr * t + 1) +
               0.25 * sin(2 * PI_ * 3 * fr * t + 2);
    }
    for (int estimate = 0; estimate < 2; estimate++) {
        vigil_extractor *ex = NULL;
        assert_int_equal(vigil_extractor_create(rate, n, &ex), 0);
        assert_int_equal(vigil_extractor_set_shaft_hz(ex, estimate ? 0.0 : fr), 0);
        assert_int_equal(vigil_extractor_enable_orders(ex), 0);
        assert_int_equal(vigil_extractor_push(ex, x, n, NULL), 0);
        double row[64];
        assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
        const int c = vigil_extractor_feature_index(ex, "order_1x");
        assert_true(fabs(row[c] - 1.0) < 1e-9);
        assert_true(fabs(row[c + 1] - 0.5) < 1e-9);
        assert_true(fabs(row[c + 2] - 0.25) < 1e-9);
        assert_true(fabs(row[c + 3] - fr) < 1e-9);
        assert_string_equal(vigil_extractor_feature_name(ex, (size_t)c + 3), "shaft_hz");
        vigil_extractor_destroy(ex);
    }
    free(x);
}

/* The shaft rate a frame of 1x, 2x, 3x lines of the given amplitudes (bin-centred: rate 4096 Hz,
 * N = 4096, df = 1 Hz, fr = 25 Hz) plus seeded Gaussian noise (sigma 0.05: each bin's noise
 * amplitude ~0.002) gets from the estimate, with the range lo..hi (0, 0: the default). */
static double estimate(double a1, double a2, double a3, double lo, double hi)
{
    const double rate = 4096.0, fr = 25.0;
    const size_t n = 4096;
    double *x = malloc(n * sizeof *x);
    uint64_t seed = 11;
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / rate;
        x[i] = a1 * sin(2 * PI_ * fr * t) + a2 * sin(2 * PI_ * 2 * fr * t + 1) +
               a3 * sin(2 * PI_ * 3 * fr * t + 2) + 0.05 * test_normal(&seed);
    }
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(rate, n, &ex), 0);
    assert_int_equal(vigil_extractor_set_shaft_range(ex, lo, hi), 0);
    assert_int_equal(vigil_extractor_enable_orders(ex), 0);
    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), 0);
    double row[64];
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    const double f = row[vigil_extractor_feature_index(ex, "shaft_hz")];
    vigil_extractor_destroy(ex);
    free(x);
    return f;
}

/* The rule of docs/DIAGNOSTICS.md, "Shaft-rate estimate". A bin-centred sine's two Hann
 * neighbours are equal, so the parabola gives the bin itself; the noise moves it by far less
 * than 0.05 Hz. */
static void test_shaft_estimate(void **state)
{
    (void)state;
    /* 1x the largest line: that line */
    assert_true(fabs(estimate(1.0, 0.5, 0.25, 0, 0) - 25.0) < 0.05);
    /* 2x or 3x the largest (misalignment, the supply's line beside 2x): the line at f/2 or f/3
     * stands out of the noise, so it is 1x */
    assert_true(fabs(estimate(0.3, 1.0, 0.5, 0, 0) - 25.0) < 0.05);
    assert_true(fabs(estimate(0.3, 0.5, 1.0, 0, 0) - 25.0) < 0.05);
    /* no 1x line at all: 2x is all the spectrum can say (why a range or the rate is better) */
    assert_true(fabs(estimate(0.0, 1.0, 0.5, 0, 0) - 50.0) < 0.05);
    /* a range: the largest line inside it, and no subharmonic below it */
    assert_true(fabs(estimate(0.3, 1.0, 0.5, 40.0, 60.0) - 50.0) < 0.05);
    assert_true(fabs(estimate(0.3, 1.0, 1.2, 20.0, 30.0) - 25.0) < 0.05);
    /* a range narrower than a bin, beside the line: the estimate stays in the range */
    assert_true(estimate(0.3, 1.0, 0.5, 24.6, 24.8) == 24.8);
    /* 0, 0 restores the default range */
    assert_true(fabs(estimate(0.3, 1.0, 0.5, 0, 0) - 25.0) < 0.05);
}

/* Chunking invariance holds for the new groups too. */
static void test_chunking(void **state)
{
    (void)state;
    vigil_extractor *a = make(0, 0), *b = make(0, 0);
    assert_int_equal(vigil_extractor_set_hop(a, DV_N / 4), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(b, DV_N / 4), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(a, dv_outer, DV_N, NULL), 0);
    for (size_t i = 0; i < DV_N; i += 7)
        assert_int_equal(vigil_extractor_push(b, dv_outer + i, DV_N - i < 7 ? DV_N - i : 7, NULL),
                         0);
    double ra[64], rb[64];
    while (vigil_extractor_pop(a, ra, 64, NULL) == 1) {
        assert_int_equal(vigil_extractor_pop(b, rb, 64, NULL), 1);
        assert_memory_equal(ra, rb, vigil_extractor_feature_count(a) * sizeof(double));
    }
    vigil_extractor_destroy(a);
    vigil_extractor_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_band),
        cmocka_unit_test(test_fixed_band),
        cmocka_unit_test(test_auto_band),
        cmocka_unit_test(test_known_defect_is_most_prominent),
        cmocka_unit_test(test_bad_band),
        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_shaft_estimate),
        cmocka_unit_test(test_chunking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
