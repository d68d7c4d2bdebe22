/* Drift trackers: slope of an exact line, time-weighted EWMA, CUSUM and Page-Hinkley alarm
 * indices on a step worked out by hand, gap handling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <vigil.h>

static void test_slope_exact_line(void **state)
{
    (void)state;
    vigil_drift *d;
    assert_int_equal(vigil_drift_create(3600.0, 100, &d), VIGIL_OK);
    assert_true(isnan(vigil_drift_slope(d)));
    /* v = 5 + 2 per hour, a point every 60 s, irregular gaps included */
    double t = 1.7e9, ts[50];
    for (int i = 0; i < 50; i++) {
        t += (i % 7 == 0) ? 300.0 : 60.0;
        ts[i] = t;
        assert_true(vigil_drift_update(d, t, 5.0 + 2.0 * (t - 1.7e9) / 3600.0) >= 0);
    }
    assert_true(fabs(vigil_drift_slope(d) - 2.0) < 1e-9);
    /* only points within the last hour are kept */
    size_t inside = 0;
    for (int i = 0; i < 50; i++)
        inside += ts[i] >= t - 3600.0;
    assert_int_equal(vigil_drift_points(d), inside);
    vigil_drift_destroy(d);
}

static void test_ewma_time_weighted(void **state)
{
    (void)state;
    vigil_drift *d;
    assert_int_equal(vigil_drift_create(100.0, 16, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_set_tau(d, 10.0), VIGIL_OK);
    assert_int_equal(vigil_drift_set_gap(d, INFINITY), VIGIL_OK);
    vigil_drift_update(d, 0.0, 0.0);
    vigil_drift_update(d, 10.0, 1.0);
    /* alpha = 1 - exp(-10/10) */
    assert_true(fabs(vigil_drift_level(d) - (1.0 - exp(-1.0))) < 1e-15);
    vigil_drift_update(d, 30.0, 1.0);
    double l = (1.0 - exp(-1.0));
    l += (1.0 - exp(-2.0)) * (1.0 - l);
    assert_true(fabs(vigil_drift_level(d) - l) < 1e-15);
    vigil_drift_destroy(d);
}

static void test_cusum_step(void **state)
{
    (void)state;
    vigil_drift *d;
    assert_int_equal(vigil_drift_create(1e6, 16, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_set_reference(d, 10.0, 2.0), VIGIL_OK);
    assert_int_equal(vigil_drift_set_page_hinkley(d, 0.5, 1e9), VIGIL_OK); /* PH off */
    /* 20 samples at the mean, then a step of +1.5 sigma (v = 13): u = 1.5, the upper sum grows
     * by u - k = 1.0 per sample and exceeds h = 5 at the 6th step sample (sum 6 > 5). */
    int first = -1;
    for (int i = 0; i < 40; i++) {
        int f = vigil_drift_update(d, (double)i, i < 20 ? 10.0 : 13.0);
        assert_true(f >= 0);
        if ((f & VIGIL_DRIFT_CUSUM_UP) && first < 0)
            first = i;
        assert_false(f & VIGIL_DRIFT_CUSUM_DOWN);
    }
    assert_int_equal(first, 25);
    double up, lo;
    assert_int_equal(vigil_drift_cusum(d, &up, &lo), VIGIL_OK);
    assert_true(lo == 0.0);
    vigil_drift_destroy(d);
}

static void test_page_hinkley_step(void **state)
{
    (void)state;
    vigil_drift *d;
    assert_int_equal(vigil_drift_create(1e6, 16, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_set_reference(d, 0.0, 1.0), VIGIL_OK);
    assert_int_equal(vigil_drift_set_cusum(d, 0.5, 1e9), VIGIL_OK); /* CUSUM off */
    assert_int_equal(vigil_drift_set_page_hinkley(d, 0.0, 3.0), VIGIL_OK);
    /* 10 zeros then ones. With running mean mbar_t, m_t = sum (u - mbar_t); minimum 0 up to
     * t = 9; at t = 10 + j (j = 0, 1, ...) mbar = (j+1)/(11+j) and the sum is
     * sum_{i=0..j} (1 - (i+1)/(11+i)) = sum 10/(11+i): 0.909, 1.742, 2.511, 3.225 -> crosses
     * lambda = 3 at j = 3, t = 13. */
    int first = -1;
    for (int i = 0; i < 30 && first < 0; i++) {
        int f = vigil_drift_update(d, (double)i, i < 10 ? 0.0 : 1.0);
        if (f & VIGIL_DRIFT_PH_UP)
            first = i;
    }
    assert_int_equal(first, 13);
    vigil_drift_destroy(d);
}

static void test_gap_restarts(void **state)
{
    (void)state;
    vigil_drift *d;
    assert_int_equal(vigil_drift_create(1e6, 64, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_set_reference(d, 0.0, 1.0), VIGIL_OK);
    /* automatic rule: 10 x median of the first 15 intervals (60 s) = 600 s */
    double t = 0.0;
    for (int i = 0; i < 20; i++, t += 60.0)
        assert_int_equal(vigil_drift_update(d, t, 0.4) & VIGIL_DRIFT_GAP, 0);
    assert_int_equal(vigil_drift_update(d, t + 540.0, 0.4) & VIGIL_DRIFT_GAP, 0);
    int f = vigil_drift_update(d, t + 540.0 + 601.0, 7.0);
    assert_true(f & VIGIL_DRIFT_GAP);
    assert_int_equal(vigil_drift_gaps(d), 1);
    assert_true(vigil_drift_level(d) == 7.0); /* the level restarts at the new value */
    vigil_drift_destroy(d);
}

static void test_bad_args(void **state)
{
    (void)state;
    vigil_drift *d = (vigil_drift *)1;
    assert_int_equal(vigil_drift_create(0.0, 10, &d), VIGIL_EINVAL);
    assert_null(d);
    assert_int_equal(vigil_drift_create(NAN, 10, &d), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_create(10.0, 1, &d), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_create(10.0, 10, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_update(d, 5.0, 1.0), 0);
    assert_int_equal(vigil_drift_update(d, 4.0, 1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_update(d, 6.0, NAN), VIGIL_ENONFINITE);
    assert_int_equal(vigil_drift_set_tau(d, -1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_set_cusum(d, -1.0, 5.0), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_set_reference(d, 0.0, 0.0), VIGIL_EINVAL);
    assert_true(vigil_drift_level(d) == 1.0);
    vigil_drift_destroy(d);
    vigil_drift_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slope_exact_line), cmocka_unit_test(test_ewma_time_weighted),
        cmocka_unit_test(test_cusum_step),       cmocka_unit_test(test_page_hinkley_step),
        cmocka_unit_test(test_gap_restarts),     cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
