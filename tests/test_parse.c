/* Tests of the option and field parsers (include/vigil/parse.h). Expected values: timestamps from
 * Python's calendar.timegm on the same strings; band lists written out by hand. */
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

/* The parser's fast path (Clinger's, lib/parse.c) against glibc's strtod, which rounds
 * correctly: the same bits on strings either side of each of its limits (19 digits, mantissa
 * 2^53, exponent +-22), halfway cases, subnormals, long mantissas, and random decimals. */
static uint64_t parse_rng = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void)
{
    parse_rng ^= parse_rng >> 12;
    parse_rng ^= parse_rng << 25;
    parse_rng ^= parse_rng >> 27;
    return parse_rng * 2685821657736338717ull;
}

static void check_same_as_strtod(const char *s)
{
    double v = 0.0;
    if (vigil_parse_number(s, &v) != VIGIL_OK)
        fail_msg("'%s' was rejected", s);
    const double want = strtod(s, NULL);
    if (memcmp(&v, &want, sizeof v) != 0)
        fail_msg("'%s' gave %.17g, strtod %.17g", s, v, want);
}

static void test_number_bits(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "0", "-0", "0.0", "-0.000", "00000000000000000000000000001", "1.", "-.5",
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
        "18014398509481985", "9007199254740993e-5", "4503599627370497.5", "4503599627370496.5",
        "1e22", "1e23", "1e-22", "1e-23", "9007199254740991e22", "9007199254740993e22",
        "1234567890123456789", "12345678901234567890", "1234567890123456789e-22",
        "0.1234567890123456789", "0.12345678901234567890", "9999999999999999999",
        "0.1000000000000000055511151231257827021181583404541015625",
        "123456789012345678901234567890", "3.14159265358979323846264338327950288",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "4.9406564584124654e-324", "2.4703282292062328e-324", "1e-320", "1.7976931348623157e308",
        "8.98846567431158e307", "1e300", "1E5", "1e+5", "1e-0", "1e0022", "1e-0022", "7e-23",
        "0.0000000000000000000000001", "100000000000000000000000", "5e-1", "2.5e-1",
        "0.30000000000000004", "1.00000000000000011102230246251565404", "-0.0027613972",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_same_as_strtod(cases[i]);

    char buf[128];
    for (int i = 0; i < 200000; i++) {
        const uint64_t r = next_rand();
        switch (i % 4) {
        case 0: { /* a random double, printed with 1..20 significant digits */
            uint64_t bits = next_rand() & 0x7fffffffffffffffull;
            double d;
            memcpy(&d, &bits, sizeof d);
            if (!isfinite(d))
                d = 1.5;
            if (i % 8 == 0) /* nearer the sensors' range */
                d = ldexp((double)(r >> 11), (int)(next_rand() % 80) - 100);
            snprintf(buf, sizeof buf, "%.*g", 1 + (int)(r % 20), (r & 64) ? -d : d);
            break;
        }
        case 1: { /* digit strings of 1..25 digits, a point anywhere, an exponent or none */
            const int n = 1 + (int)(r % 25), point = (int)((r >> 8) % (uint64_t)(n + 1));
            size_t at = 0;
            if (r & 0x10000)
                buf[at++] = '-';
            for (int k = 0; k < n; k++) {
                if (k == point)
                    buf[at++] = '.';
                buf[at++] = (char)('0' + next_rand() % 10);
            }
            if (r & 0x20000)
                snprintf(buf + at, sizeof buf - at, "e%d", (int)((r >> 20) % 61) - 30);
            else
                buf[at] = '\0';
            if (strcmp(buf, ".") == 0 || strcmp(buf, "-.") == 0)
                continue;
            break;
        }
        case 2: { /* m * 10^e around the fast path's limits: m near 2^53, e near +-22 */
            const uint64_t m = (1ull << 53) - 8 + (r % 17);
            snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)m, (int)((r >> 8) % 51) - 25);
            break;
        }
        default: { /* halfway between two doubles: (2k + 1) / 2 * ulp, printed exactly */
            const uint64_t k = (r >> 12) | (1ull << 52); /* 53 bits */
            snprintf(buf, sizeof buf, "%llu.5", (unsigned long long)(k >> 1));
            if (r & 1)
                snprintf(buf, sizeof buf, "%llu5e-1", (unsigned long long)k);
            break;
        }
        }
        check_same_as_strtod(buf);
    }
    const char *bad[] = {"1e", "1e+", "1e-", "1.5e", "1.5E+x", "1e5.5", "1..2", "12345678901234567890x"};
    double v;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vigil_parse_number(bad[i], &v) != VIGIL_EFORMAT)
            fail_msg("'%s' was accepted as a number", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_number_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
