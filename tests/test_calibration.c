/* Calibration for a small, correlated training sample (issue 16, part 3): the peaks-over-
 * threshold tail quantile against closed-form quantiles of exponential and generalised Pareto
 * samples, and the floor of every direction's variance in the Mahalanobis and PCA detectors
 * against the bound it implies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <vigil.h>

#include "detector.h"
#include "monitor_impl.h"
#include "test_rng.h"

#define Q 0.995

/* Exp(1), i.i.d., n = 60 (the CWRU half file at hop 512): the plain 0.995 quantile of 60
 * values is about their maximum, exceeded by ~1.7 % of the distribution (3.4 x the 0.5 %
 * stated); the tail fit must bring the mean true exceedance rate exp(-thr) within 2 x of
 * 0.5 % and below the plain quantile's. Reference: 1 - F(x) = exp(-x). */
static void test_tail_exponential_small(void **state)
{
    (void)state;
    uint64_t s = 11;
    const size_t reps = 2000, n = 60;
    double x[60], rate_fit = 0.0, rate_emp = 0.0;
    for (size_t r = 0; r < reps; r++) {
        for (size_t i = 0; i < n; i++)
            x[i] = -log(test_uniform(&s));
        vigil__tail_fit f;
        double thr = vigil__tail_quantile(x, n, Q, &f);
        assert_true(thr >= f.empirical);
        assert_int_equal(f.excesses, TAIL_MIN);
        rate_fit += exp(-thr) / (double)reps;
        rate_emp += exp(-f.empirical) / (double)reps;
    }
    print_message("exp n=60: mean exceedance fitted %.4f, plain quantile %.4f (stated %.4f)\n",
                  rate_fit, rate_emp, 1 - Q);
    assert_true(rate_fit <= 2.0 * (1 - Q) && rate_fit >= 0.5 * (1 - Q));
    assert_true(rate_emp > 2.0 * (1 - Q));
}

/* GPD(xi = 0.25, sigma = 1) above 0, n = 2000: the fit finds the shape within 0.1 and the
 * 0.995 quantile (sigma / xi) (200^xi - 1) = 11.05 within 15 % (median of 200 samples). */
static void test_tail_gpd(void **state)
{
    (void)state;
    uint64_t s = 7;
    const double xi = 0.25, want = (pow(200.0, xi) - 1.0) / xi;
    enum { N = 2000, REPS = 201 };
    double *x = malloc(N * sizeof *x), thr[REPS], shape[REPS];
    assert_non_null(x);
    for (size_t r = 0; r < REPS; r++) {
        for (size_t i = 0; i < N; i++)
            x[i] = (pow(test_uniform(&s), -xi) - 1.0) / xi;
        vigil__tail_fit f;
        thr[r] = vigil__tail_quantile(x, N, Q, &f);
        shape[r] = f.xi;
    }
    free(x);
    double mt = vigil__quantile(thr, REPS, 0.5), ms = vigil__quantile(shape, REPS, 0.5);
    print_message("gpd: median threshold %.3f (want %.3f), median shape %.3f\n", mt, want, ms);
    assert_true(fabs(mt - want) < 0.15 * want);
    assert_true(fabs(ms - xi) < 0.1);
}

/* A bounded tail (uniform scores, true shape -1) is not trusted: the shape is clamped at 0
 * and the threshold is never below the plain quantile; too few rows for a tail: the plain
 * quantile itself. */
static void test_tail_bounded_and_small(void **state)
{
    (void)state;
    uint64_t s = 3;
    double x[200];
    for (size_t i = 0; i < 200; i++)
        x[i] = test_uniform(&s);
    vigil__tail_fit f;
    double thr = vigil__tail_quantile(x, 200, Q, &f);
    assert_true(f.xi == 0.0);
    assert_int_equal(f.excesses, 20);
    assert_true(thr >= f.empirical && thr < 2.0);
    double y[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    thr = vigil__tail_quantile(y, 10, Q, &f);
    assert_int_equal(f.excesses, 0);
    assert_true(thr == f.empirical && fabs(thr - 9.955) < 1e-12);
}

/* The eigenvalue floor: diag(0.1, 4) rotated by 30 degrees becomes one with eigenvalues
 * (1, 4): trace 5, determinant 4, the same eigenvectors. */
static void test_floor_eigenvalues(void **state)
{
    (void)state;
    const double c = sqrt(3.0) / 2.0, s = 0.5, l1 = 0.1, l2 = 4.0; /* 30 degrees */
    double a[4] = {l1 * c * c + l2 * s * s, (l1 - l2) * c * s, (l1 - l2) * c * s,
                   l1 * s * s + l2 * c * c};
    assert_int_equal(vigil__floor_eigenvalues(a, 2, 1.0), VIGIL_OK);
    assert_true(fabs(a[0] + a[3] - 5.0) < 1e-12);
    assert_true(fabs(a[0] * a[3] - a[1] * a[2] - 4.0) < 1e-12);
    assert_true(a[1] == a[2]);
    /* (c, s) is still the eigenvector of the floored eigenvalue 1 */
    assert_true(fabs(a[0] * c + a[1] * s - c) < 1e-12 && fabs(a[2] * c + a[3] * s - s) < 1e-12);
}

/* Two features that move together (the second is the first plus 1 % noise) leave a direction
 * of tiny training variance. A healthy row half a unit off it, (+0.5, -0.5) from the mean, must
 * score at most |v|^2 / floor = 0.5 with Mahalanobis (without the floor: ~ 0.5 / 1e-4) and at
 * most 0.5 / (floor chi2_0.99(1)) per PCA term (T^2 and SPE, one component each). */
static void test_direction_floor_detectors(void **state)
{
    (void)state;
    enum { N = 300, D = 2 };
    double z[N * D];
    uint64_t s = 5;
    for (size_t k = 0; k < N; k++) {
        z[k * D] = 0.5 * test_normal(&s);
        z[k * D + 1] = z[k * D] + 0.01 * test_normal(&s);
    }
    double mu[D] = {0, 0};
    for (size_t k = 0; k < N; k++)
        for (size_t i = 0; i < D; i++)
            mu[i] += z[k * D + i] / N;
    double v[D] = {mu[0] + 0.5, mu[1] - 0.5}, contrib[D];
    vigil__detector_params p = {0.3, 1};
    vigil__detector *det;
    assert_int_equal(vigil__detector_mahalanobis.create(D, &p, &det), VIGIL_OK);
    assert_int_equal(det->ops->fit(det, z, N), VIGIL_OK);
    double got = det->ops->score(det, v, contrib);
    print_message("mahalanobis across the collinear direction: %.4f (bound 0.5)\n", got);
    assert_true(got <= 0.5 / VIGIL__DIRECTION_FLOOR + 1e-9 && got > 0.1);
    det->ops->destroy(det);
    assert_int_equal(vigil__detector_pca.create(D, &p, &det), VIGIL_OK);
    assert_int_equal(det->ops->fit(det, z, N), VIGIL_OK);
    got = det->ops->score(det, v, contrib);
    double bound = 2.0 * 0.5 / (VIGIL__DIRECTION_FLOOR * gsl_cdf_chisq_Pinv(0.99, 1.0));
    print_message("pca across the collinear direction: %.4f (bound %.4f)\n", got, bound);
    assert_true(got <= bound + 1e-9);
    det->ops->destroy(det);
}

/* The monitor's modes: the default (tail-fitted) threshold is never below the plain quantile
 * of the same out-of-fold scores (mode EMPIRICAL); the mode and the stated rate survive a save
 * and load; the stated rate is 1 - quantile. */
static void test_monitor_modes(void **state)
{
    (void)state;
    static const char *const names[] = {"rms", "kurtosis", "crest"};
    double thr[2];
    for (int e = 0; e < 2; e++) {
        vigil_monitor *m;
        assert_int_equal(vigil_monitor_create(names, 3, VIGIL_DETECTOR_MAHALANOBIS, &m),
                         VIGIL_OK);
        assert_int_equal(vigil_monitor_set_quantile(m, 0.99), VIGIL_OK);
        if (e)
            assert_int_equal(vigil_monitor_set_threshold_mode(m, VIGIL_THRESHOLD_EMPIRICAL),
                             VIGIL_OK);
        uint64_t s = 21;
        for (int i = 0; i < 120; i++) {
            double row[3] = {1.0 + 0.05 * test_normal(&s), 3.0 + 0.3 * test_normal(&s),
                             4.0 + 0.4 * test_normal(&s)};
            assert_int_equal(vigil_monitor_learn(m, row, 3, 0), VIGIL_OK);
        }
        assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
        thr[e] = vigil_monitor_threshold(m, 0);
        assert_true(fabs(vigil_monitor_stated_rate(m) - 0.01) < 1e-15);
        size_t size = 0;
        assert_int_equal(vigil_monitor_save_size(m, &size), VIGIL_OK);
        unsigned char *buf = malloc(size);
        assert_non_null(buf);
        assert_int_equal(vigil_monitor_save(m, buf, size, &size), VIGIL_OK);
        vigil_monitor *back;
        assert_int_equal(vigil_monitor_load(buf, size, &back), VIGIL_OK);
        assert_int_equal(vigil_monitor_threshold_mode(back),
                         e ? VIGIL_THRESHOLD_EMPIRICAL : VIGIL_THRESHOLD_QUANTILE);
        assert_true(vigil_monitor_threshold(back, 0) == thr[e]);
        assert_true(fabs(vigil_monitor_stated_rate(back) - 0.01) < 1e-15);
        free(buf);
        vigil_monitor_destroy(back);
        vigil_monitor_destroy(m);
    }
    print_message("threshold: tail-fitted %.4f, plain quantile %.4f\n", thr[0], thr[1]);
    assert_true(thr[0] >= thr[1]);
    assert_true(isnan(vigil_monitor_stated_rate(NULL)));
    assert_int_equal(vigil_monitor_threshold_mode(NULL), -1);
    assert_string_equal(vigil_threshold_mode_name(VIGIL_THRESHOLD_EMPIRICAL), "empirical");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tail_exponential_small),
        cmocka_unit_test(test_tail_gpd),
        cmocka_unit_test(test_tail_bounded_and_small),
        cmocka_unit_test(test_floor_eigenvalues),
        cmocka_unit_test(test_direction_floor_detectors),
        cmocka_unit_test(test_monitor_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
