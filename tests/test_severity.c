/* Velocity RMS (closed form for a sine, numpy for a broadband signal) and ISO 10816-3 zones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <vigil.h>

#include "diag_vectors.h"

#define PI_ 3.14159265358979323846

static double frame_velocity(const double *x, size_t n, double rate, int units, double *zone)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(rate, n, &ex), 0);
    assert_int_equal(vigil_extractor_enable_severity(ex, units, VIGIL_ISO_GROUP2_RIGID), 0);
    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), 0);
    double row[64];
    assert_int_equal(vigil_extractor_pop(ex, row, 64, NULL), 1);
    const int c = vigil_extractor_feature_index(ex, "velocity_rms_mm_s");
    assert_true(c > 0);
    assert_string_equal(vigil_extractor_feature_name(ex, (size_t)c + 1), "iso_zone");
    *zone = row[c + 1];
    vigil_extractor_destroy(ex);
    return row[c];
}

/* a sin(2 pi f t) in g: velocity RMS = a g / (2 pi f) / sqrt 2 * 1000 mm/s. With f on bin k = 200
 * of a Hann frame, the leakage into bins k +- 1 (weights 1/6 each, 1/f^2 differing) makes the
 * result larger by about 1/(2 k^2) = 1.25e-5 relative: tolerance 3e-5. */
static void test_sine_closed_form(void **state)
{
    (void)state;
    const size_t n = 16384;
    const double rate = 16384.0, f = 200.0, a = 0.3;
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = a * sin(2 * PI_ * f * (double)i / rate + 0.3);
    double zone;
    const double want = a * 9.80665 / (2 * PI_ * f) / sqrt(2.0) * 1000.0;
    const double got = frame_velocity(x, n, rate, VIGIL_UNITS_G, &zone);
    if (fabs(got - want) > 3e-5 * want)
        fail_msg("velocity %.10g want %.10g", got, want);
    assert_int_equal((int)zone, vigil_severity_zone(want, VIGIL_ISO_GROUP2_RIGID));
    /* outside 10-1000 Hz contributes nothing */
    for (size_t i = 0; i < n; i++)
        x[i] = sin(2 * PI_ * 2000.0 * (double)i / rate) + sin(2 * PI_ * 4.0 * (double)i / rate);
    assert_true(frame_velocity(x, n, rate, VIGIL_UNITS_M_S2, &zone) < 1e-6);
    free(x);
}

static void test_broadband_numpy(void **state)
{
    (void)state;
    double zone;
    const double g = frame_velocity(dv_broad, DV_N, DV_RATE, VIGIL_UNITS_G, &zone);
    assert_true(fabs(g - DV_BROAD_VRMS_G) <= 1e-10 * DV_BROAD_VRMS_G);
    const double m = frame_velocity(dv_broad, DV_N, DV_RATE, VIGIL_UNITS_M_S2, &zone);
    assert_true(fabs(m - DV_BROAD_VRMS_MS2) <= 1e-10 * DV_BROAD_VRMS_MS2);
}

/* ISO 10816-3 Table A.1 boundaries; a boundary value belongs to the lower zone. */
static void test_zones(void **state)
{
    (void)state;
    static const double lim[4][3] = {{2.3, 4.5, 7.1}, {3.5, 7.1, 11.0}, {1.4, 2.8, 4.5},
                                     {2.3, 4.5, 7.1}};
    for (int c = 1; c <= 4; c++) {
        assert_int_equal(vigil_severity_zone(0.0, c), 1);
        for (int b = 1; b <= 3; b++) {
            double v;
            assert_int_equal(vigil_severity_limit(c, b, &v), 0);
            assert_true(v == lim[c - 1][b - 1]);
            assert_int_equal(vigil_severity_zone(v, c), b);
            assert_int_equal(vigil_severity_zone(nextafter(v, 1e9), c), b + 1);
        }
        assert_int_equal(vigil_severity_zone(1e6, c), 4);
    }
    assert_int_equal(vigil_severity_zone(1.0, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_zone(1.0, 5), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_zone(-1.0, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_zone(NAN, 1), VIGIL_EINVAL);
    double v;
    assert_int_equal(vigil_severity_limit(1, 0, &v), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_limit(1, 4, &v), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_limit(1, 1, NULL), VIGIL_EINVAL);
}

static void test_bad_setter(void **state)
{
    (void)state;
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(12000, 1024, &ex), 0);
    assert_int_equal(vigil_extractor_enable_severity(ex, 0, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, 9), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_enable_severity(NULL, VIGIL_UNITS_G, 1), VIGIL_EINVAL);
    vigil_extractor_destroy(ex);
    assert_int_equal(vigil_extractor_create(20, 64, &ex), 0);
    assert_int_equal(vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, 1), VIGIL_EINVAL);
    vigil_extractor_destroy(ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sine_closed_form),
        cmocka_unit_test(test_broadband_numpy),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_bad_setter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
