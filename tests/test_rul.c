/* Remaining useful life: exact exponentials (closed-form crossing time) and refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <vigil.h>

/* h = 1 + 0.5 exp(0.3 t), t = 0..20: crossing of 20 at t* = ln(19/0.5)/0.3. */
static void test_exact_exponential(void **state)
{
    (void)state;
    double t[21], h[21];
    for (int i = 0; i < 21; i++) {
        t[i] = i;
        h[i] = 1.0 + 0.5 * exp(0.3 * i);
    }
    const double thr = 1.0 + 0.5 * exp(0.3 * 25.0); /* crossing at t* = 25 exactly */
    double rul, lo, hi, p[3];
    assert_int_equal(vigil_rul_estimate(t, h, 21, thr, &rul, &lo, &hi, p), VIGIL_OK);
    if (fabs(rul - 5.0) > 1e-6)
        fail_msg("rul %.12g want 5", rul);
    assert_true(lo <= rul && rul <= hi);
    assert_true(hi - lo < 1e-4); /* exact data: no uncertainty */
    /* parameters in the documented scaling: tau = t / 20, so b = 0.3 * 20, a = 0.5 */
    assert_true(fabs(p[0] - 1.0) < 1e-6 && fabs(p[1] - 0.5) < 1e-6 && fabs(p[2] - 6.0) < 1e-6);
}

/* With deterministic +-noise the estimate stays close and the interval widens to cover it. */
static void test_noisy_exponential(void **state)
{
    (void)state;
    double t[40], h[40];
    for (int i = 0; i < 40; i++) {
        t[i] = 10.0 * i; /* seconds */
        h[i] = 2.0 + 0.1 * exp(0.01 * t[i]) + 0.05 * ((i * 7919) % 11 - 5) / 5.0;
    }
    const double thr = 2.0 + 0.1 * exp(0.01 * 500.0); /* true crossing at t = 500 */
    double rul, lo, hi;
    assert_int_equal(vigil_rul_estimate(t, h, 40, thr, &rul, &lo, &hi, NULL), VIGIL_OK);
    const double truth = 500.0 - 390.0;
    assert_true(fabs(rul - truth) < 0.1 * truth);
    assert_true(lo < truth && truth < hi);
    assert_true(hi - lo > 0.0);
}

static void test_refusals(void **state)
{
    (void)state;
    double t[30], h[30], rul = -1, lo = -1, hi = -1;
    for (int i = 0; i < 30; i++) {
        t[i] = i;
        h[i] = 5.0 + 0.2 * sin(1.7 * i); /* no trend */
    }
    assert_int_equal(vigil_rul_estimate(t, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_ENOTREND);
    assert_true(rul == -1 && lo == -1 && hi == -1);
    for (int i = 0; i < 30; i++)
        h[i] = 5.0;
    assert_int_equal(vigil_rul_estimate(t, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_ENOTREND);
    for (int i = 0; i < 30; i++)
        h[i] = 1.0 + exp(-0.2 * i); /* decaying */
    assert_int_equal(vigil_rul_estimate(t, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_ENOTREND);
    assert_int_equal(vigil_rul_estimate(t, h, 4, 10, &rul, &lo, &hi, NULL), VIGIL_ENODATA);
    assert_int_equal(vigil_rul_estimate(NULL, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_rul_estimate(t, h, 30, NAN, &rul, &lo, &hi, NULL), VIGIL_EINVAL);
    t[5] = t[4];
    assert_int_equal(vigil_rul_estimate(t, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_EINVAL);
    t[5] = 5;
    h[3] = INFINITY;
    assert_int_equal(vigil_rul_estimate(t, h, 30, 10, &rul, &lo, &hi, NULL), VIGIL_EINVAL);
}

/* Already past the threshold: RUL 0. */
static void test_already_failed(void **state)
{
    (void)state;
    double t[10], h[10], rul, lo, hi;
    for (int i = 0; i < 10; i++) {
        t[i] = i;
        h[i] = exp(0.5 * i);
    }
    assert_int_equal(vigil_rul_estimate(t, h, 10, 10.0, &rul, &lo, &hi, NULL), VIGIL_OK);
    assert_true(rul == 0.0 && lo == 0.0 && hi == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_exponential),
        cmocka_unit_test(test_noisy_exponential),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_already_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
