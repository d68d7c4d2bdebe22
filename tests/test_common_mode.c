/* vigil_common_mode: hand-worked medians of the other groups (odd and even counts, two groups),
 * ratio / difference / none per feature, in place, and every invalid argument rejected with
 * the output untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <vigil.h>

#define TOL 1e-15
#define assert_double_equal(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* 4 groups (bearings) x 2 features (rms, kurtosis). Others of group 0 (rms): {2, 4, 10}
 * -> median 4; group 1: {1, 4, 10} -> 4; group 2: {1, 2, 10} -> 2; group 3: {1, 2, 4} -> 2. */
static const double row4[8] = {1.0, 0.5, 2.0, -1.0, 4.0, 3.0, 10.0, 0.0};

static void test_four_groups(void **state)
{
    (void)state;
    const int modes[2] = {VIGIL_COMMON_RATIO, VIGIL_COMMON_DIFF};
    double out[8];
    assert_int_equal(vigil_common_mode(row4, 4, 2, modes, out), VIGIL_OK);
    const double want[8] = {1.0 / 4, 0.5 - 0.0, 2.0 / 4, -1.0 - 0.5, 4.0 / 2, 3.0 - 0.0,
                            10.0 / 2, 0.0 - 0.5};
    /* kurtosis others: g0 {-1,3,0} -> 0; g1 {0.5,3,0} -> 0.5; g2 {0.5,-1,0} -> 0;
     * g3 {0.5,-1,3} -> 0.5 */
    for (int i = 0; i < 8; i++)
        assert_double_equal(out[i], want[i], TOL);
}

static void test_step_shared_by_all_cancels(void **state)
{
    (void)state;
    /* every channel x 1.17 (an operating step): the ratios do not move; one channel x 3 (a
     * fault): only its ratio moves, by 3 */
    double a[4] = {0.13, 0.12, 0.14, 0.11}, b[4], c[4], ra[4], rb[4], rc[4];
    for (int g = 0; g < 4; g++) {
        b[g] = 1.17 * a[g];
        c[g] = g == 2 ? 3.0 * a[g] : a[g];
    }
    assert_int_equal(vigil_common_mode(a, 4, 1, NULL, ra), VIGIL_OK);
    assert_int_equal(vigil_common_mode(b, 4, 1, NULL, rb), VIGIL_OK);
    assert_int_equal(vigil_common_mode(c, 4, 1, NULL, rc), VIGIL_OK);
    for (int g = 0; g < 4; g++)
        assert_double_equal(rb[g], ra[g], 1e-14);
    assert_double_equal(rc[2], 3.0 * ra[2], 1e-14);
    /* the healthy channels' reference (median of the others) is still healthy: for g = 0 the
     * others are {0.12, 0.42, 0.11} -> 0.12 */
    assert_double_equal(rc[0], 0.13 / 0.12, 1e-14);
}

static void test_two_groups_and_in_place(void **state)
{
    (void)state;
    double r[4] = {2.0, 5.0, 8.0, 1.0};
    const int modes[2] = {VIGIL_COMMON_DIFF, VIGIL_COMMON_NONE};
    assert_int_equal(vigil_common_mode(r, 2, 2, modes, r), VIGIL_OK);
    assert_double_equal(r[0], -6.0, TOL);
    assert_double_equal(r[1], 5.0, TOL);
    assert_double_equal(r[2], 6.0, TOL);
    assert_double_equal(r[3], 1.0, TOL);
    /* even count of others (5 groups -> 4 others): mean of the middle two */
    const double five[5] = {1.0, 2.0, 3.0, 4.0, 100.0};
    double o[5];
    assert_int_equal(vigil_common_mode(five, 5, 1, (const int[]){VIGIL_COMMON_DIFF}, o),
                     VIGIL_OK);
    assert_double_equal(o[0], 1.0 - 3.5, TOL); /* {2,3,4,100} */
    assert_double_equal(o[4], 100.0 - 2.5, TOL); /* {1,2,3,4} */
}

static void test_invalid(void **state)
{
    (void)state;
    double out[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    const int bad[2] = {VIGIL_COMMON_RATIO, 9};
    assert_int_equal(vigil_common_mode(NULL, 4, 2, NULL, out), VIGIL_EINVAL);
    assert_int_equal(vigil_common_mode(row4, 4, 2, NULL, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_common_mode(row4, 1, 2, NULL, out), VIGIL_EINVAL);
    assert_int_equal(vigil_common_mode(row4, 65, 1, NULL, out), VIGIL_EINVAL);
    assert_int_equal(vigil_common_mode(row4, 4, 0, NULL, out), VIGIL_EINVAL);
    assert_int_equal(vigil_common_mode(row4, 4, 2, bad, out), VIGIL_EINVAL);
    /* ratio of kurtosis (others' median 0 for group 0) is refused; nothing written */
    assert_int_equal(vigil_common_mode(row4, 4, 2, NULL, out), VIGIL_EFORMAT);
    double nan_row[2] = {1.0, NAN};
    assert_int_equal(vigil_common_mode(nan_row, 2, 1, NULL, out), VIGIL_ENONFINITE);
    for (int i = 0; i < 8; i++)
        assert_double_equal(out[i], 7.0, 0.0);
}

/* The name rule (vigil/common_mode.h): amplitudes in signal units are ratios, the rest
 * differences; IMS's `clearence` is an amplitude, FEATURES.md's `clearance` a shape value. */
static void test_kind_of(void **state)
{
    (void)state;
    static const struct { const char *name; int kind; } cases[] = {
        {"rms", VIGIL_COMMON_RATIO}, {"B1_x_rms", VIGIL_COMMON_RATIO},
        {"B4_y_max", VIGIL_COMMON_RATIO}, {"B2_x_clearence", VIGIL_COMMON_RATIO},
        {"band_0_500", VIGIL_COMMON_RATIO}, {"peak_amp", VIGIL_COMMON_RATIO},
        {"velocity_rms_mm_s", VIGIL_COMMON_RATIO}, {"env_bpfo", VIGIL_COMMON_RATIO},
        {"order_1x", VIGIL_COMMON_RATIO}, {"power", VIGIL_COMMON_RATIO},
        {"kurtosis", VIGIL_COMMON_DIFF}, {"B1_x_kurtosis", VIGIL_COMMON_DIFF},
        {"clearance", VIGIL_COMMON_DIFF}, {"crest", VIGIL_COMMON_DIFF},
        {"mean", VIGIL_COMMON_DIFF}, {"env_bpfo_prom", VIGIL_COMMON_DIFF},
        {"peak_freq", VIGIL_COMMON_DIFF}, {"value", VIGIL_COMMON_DIFF},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (vigil_common_mode_kind_of(cases[i].name) != cases[i].kind)
            fail_msg("%s: expected kind %d", cases[i].name, cases[i].kind);
    assert_int_equal(vigil_common_mode_kind_of(NULL), VIGIL_COMMON_DIFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_groups),
        cmocka_unit_test(test_step_shared_by_all_cancels),
        cmocka_unit_test(test_two_groups_and_in_place),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_kind_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
