/* Tests of the option and field parsers (include/vigil/parse.h). Expected values: timestamps from
 * Python's calendar.timegm on the same strings; band lists written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <vigil.h>

static void test_bands(void **state)
{
    (void)state;
    double lo[4], hi[4];
    size_t n = 0;
    assert_int_equal(vigil_parse_bands("0-500,500-2000,2000-6000", lo, hi, 4, &n), VIGIL_OK);
    assert_int_equal(n, 3);
    assert_true(lo[0] == 0 && hi[0] == 500 && lo[1] == 500 && hi[1] == 2000 && lo[2] == 2000 &&
                hi[2] == 6000);
    assert_int_equal(vigil_parse_bands(" 0.5 - 1e3 , 2e3-2.5e3 ", lo, hi, 4, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_true(lo[0] == 0.5 && hi[0] == 1000 && lo[1] == 2000 && hi[1] == 2500);

    const char *bad[] = {"", "-", "500", "500-", "-500", "10-5", "5-5", "1-2,", ",1-2", "1-2;3-4",
                         "a-b", "1-2-3", "nan-5", "0-inf", "0x10-0x20", "1e999-2e999", "-1-5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = vigil_parse_bands(bad[i], lo, hi, 4, &n);
        if (rc != VIGIL_EFORMAT)
            fail_msg("'%s' gave %d, expected VIGIL_EFORMAT", bad[i], rc);
        assert_true(strlen(vigil_last_error()) > 0);
    }
    assert_int_equal(vigil_parse_bands("1-2,3-4,5-6", lo, hi, 2, &n), VIGIL_ESPACE);
    assert_int_equal(vigil_parse_bands(NULL, lo, hi, 2, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bands("1-2", NULL, hi, 2, &n), VIGIL_EINVAL);
}

static void test_time(void **state)
{
    (void)state;
    static const struct { const char *s; double t; } good[] = {
        {"1970-01-01 00:00:00", 0.0},
        {"2013-12-02 21:15:00", 1386018900.0},       /* calendar.timegm */
        {"2003-10-22 12:06:24", 1066824384.0},
        {"2000-02-29T23:59:59Z", 951868799.0},
        {"2014-04-20 22:00", 1398031200.0},
        {"2013-07-04", 1372896000.0},
        {"1969-12-31 23:59:59", -1.0},
        {"2026-11-25 14:50:29.25", 1795618229.25},
        {"12.5", 12.5},                              /* plain seconds */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double t = -12345;
        assert_int_equal(vigil_parse_time(good[i].s, &t), VIGIL_OK);
        if (t != good[i].t)
            fail_msg("'%s' gave %.17g, expected %.17g", good[i].s, t, good[i].t);
    }
    const char *bad[] = {"", "2013-13-01 00:00:00", "2013-02-29 00:00:00", "2013-12-32",
                         "2013-12-02 24:00:00", "2013-12-02 21:61:00", "2013-12-02 21:15:00x",
                         "2013/12/02", "13-12-02", "yesterday", "2013-12-02 21:15:00.",
                         "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double t;
        int rc = vigil_parse_time(bad[i], &t);
        if (rc != VIGIL_EFORMAT)
            fail_msg("'%s' gave %d, expected VIGIL_EFORMAT", bad[i], rc);
    }
    assert_int_equal(vigil_parse_time(NULL, NULL), VIGIL_EINVAL);
}

static void test_number(void **state)
{
    (void)state;
    double v;
    assert_int_equal(vigil_parse_number(" -0.0027613972 ", &v), VIGIL_OK);
    assert_true(v == -0.0027613972);
    assert_int_equal(vigil_parse_number("1e-3", &v), VIGIL_OK);
    assert_true(v == 1e-3);
    assert_int_equal(vigil_parse_number(".5", &v), VIGIL_OK);
    assert_true(v == 0.5);
    assert_int_equal(vigil_parse_number("+7", &v), VIGIL_OK);
    assert_true(v == 7.0);
    const char *bad[] = {"", " ", "nan", "NaN", "inf", "-inf", "infinity", "0x1p3", "1e999",
                         "1,5", "1 2", "--1", "e5", ".", "-", "1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vigil_parse_number(bad[i], &v) != VIGIL_EFORMAT)
            fail_msg("'%s' was accepted as a number", bad[i]);
    assert_int_equal(vigil_parse_number(NULL, &v), VIGIL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
