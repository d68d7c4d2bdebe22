/* Bearing defect frequencies against closed forms published with the datasets, and the parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <vigil.h>

static void assert_rel(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("got %.10g, want %.10g (rel tol %g)", got, want, tol);
}

/* The datasets README gives the multiples of shaft rate to 5 significant digits. */
static void test_cwru_6205(void **state)
{
    (void)state;
    double f[VIGIL_DEFECT_COUNT];
    assert_int_equal(vigil_bearing_frequencies(9, 0.3126, 1.537, 0, 1.0, f, 4), VIGIL_OK);
    assert_rel(f[VIGIL_DEFECT_BPFI], 5.4152, 1e-4);
    assert_rel(f[VIGIL_DEFECT_BPFO], 3.5848, 1e-4);
    assert_rel(f[VIGIL_DEFECT_FTF], 0.39828, 1e-4);
    assert_rel(f[VIGIL_DEFECT_BSF], 2.3567, 1e-4);
    /* scales linearly with the shaft rate */
    double g[4];
    assert_int_equal(vigil_bearing_frequencies(9, 0.3126, 1.537, 0, 1797.0 / 60.0, g, 4), 0);
    for (int i = 0; i < 4; i++)
        assert_rel(g[i], f[i] * 1797.0 / 60.0, 1e-14);
}

/* Non-zero contact angle: IMS Rexnord ZA-2115 (README). */
static void test_ims_za2115(void **state)
{
    (void)state;
    double f[4];
    assert_int_equal(vigil_bearing_frequencies(16, 0.331, 2.815, 15.17, 1.0, f, 4), VIGIL_OK);
    assert_rel(f[VIGIL_DEFECT_BPFO], 7.0921, 1e-4);
    assert_rel(f[VIGIL_DEFECT_BPFI], 8.9079, 1e-4);
    assert_rel(f[VIGIL_DEFECT_FTF], 0.44326, 1e-4);
    assert_rel(f[VIGIL_DEFECT_BSF], 4.1975, 1e-4);
    /* identities of the formulas: BPFO + BPFI = n fr, BPFO = n FTF */
    assert_rel(f[1] + f[2], 16.0, 1e-14);
    assert_rel(f[1], 16.0 * f[0], 1e-14);
}

static void test_bad_geometry(void **state)
{
    (void)state;
    double f[4];
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, 1, NULL, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, 1, f, 3), VIGIL_ESPACE);
    assert_int_equal(vigil_bearing_frequencies(0, 0.3, 1.5, 0, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9.5, 0.3, 1.5, 0, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 1.5, 1.5, 0, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, -1, 1.5, 0, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 90, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, NAN, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, INFINITY, 0, 1, f, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, -1, f, 4), VIGIL_EINVAL);
    assert_string_equal(vigil_defect_name(VIGIL_DEFECT_BSF), "bsf");
    assert_null(vigil_defect_name(4));
    assert_null(vigil_defect_name(-1));
}

static void test_parse(void **state)
{
    (void)state;
    double n = 0, d = 0, D = 0, a = -1;
    assert_int_equal(vigil_parse_bearing("n=9,d=0.3126,D=1.537,angle=0", &n, &d, &D, &a), 0);
    assert_true(n == 9 && d == 0.3126 && D == 1.537 && a == 0);
    assert_int_equal(vigil_parse_bearing(" D = 2.815 , n=16,angle=15.17, d=0.331 ", &n, &d, &D, &a),
                     0);
    assert_true(n == 16 && d == 0.331 && D == 2.815 && a == 15.17);
    assert_int_equal(vigil_parse_bearing("n=8,d=0.2656,D=1.122", &n, &d, &D, &a), 0);
    assert_true(a == 0.0);
    static const char *const bad[] = {
        "", "n=9", "n=9,d=0.3", "n=9,d=0.3,D=", "n=9,d=0.3,D=1.5,", "n=9,d=0.3,D=1.5,x=1",
        "n=9,n=9,d=0.3,D=1.5", "n=9,d=0.3,D=1.5,angle=90", "n=9,d=1.5,D=0.3", "n=9.5,d=.3,D=1.5",
        "n=9,d=nan,D=1.5", "n=9,d=0.3 D=1.5", "n9,d=0.3,D=1.5", "N=9,d=0.3,D=1.5",
        "n=9,d=0x1,D=1.5", ",n=9,d=0.3,D=1.5", "n=9,d=0.3,D=1.5e400",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = d = D = a = 123;
        if (vigil_parse_bearing(bad[i], &n, &d, &D, &a) != VIGIL_EFORMAT)
            fail_msg("accepted '%s'", bad[i]);
        assert_true(n == 123 && d == 123 && D == 123 && a == 123); /* untouched */
        assert_true(vigil_last_error()[0] != '\0');
    }
    assert_int_equal(vigil_parse_bearing(NULL, &n, &d, &D, &a), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bearing("n=9,d=0.3,D=1.5", &n, NULL, &D, &a), VIGIL_EINVAL);
}

static void test_extractor_setters(void **state)
{
    (void)state;
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(12000, 1024, &ex), 0);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 0, 0), VIGIL_ESTATE); /* no bearing */
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 2, 1, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, 6000), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, -1), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, 29.95), 0);
    assert_int_equal(vigil_extractor_set_bearing(NULL, 9, 0.3, 1.5, 0), VIGIL_EINVAL);
    double x[1024] = {0};
    assert_int_equal(vigil_extractor_push(ex, x, 10, NULL), 0);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, 30), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0), VIGIL_ESTATE);
    vigil_extractor_destroy(ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cwru_6205),
        cmocka_unit_test(test_ims_za2115),
        cmocka_unit_test(test_bad_geometry),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_extractor_setters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
