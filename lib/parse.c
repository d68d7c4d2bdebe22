/* Text parsers for option values and CSV fields. Strict on purpose: a sensor file with a stray
 * character must fail loudly, not turn into a zero. */
#include "vigil/parse.h"

#include "parse.h"
#include "status.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 10^0 .. 10^22: every one is a double exactly (5^22 < 2^53). */
static const double exact_powers[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int is_digit(char c) { return (unsigned)(c - '0') < 10u; }

/* Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", 1990):
 * when the decimal digits, without the point and leading zeros, form an integer m <= 2^53 and
 * the value is m * 10^e with |e| <= 22, then m and 10^|e| are doubles exactly and one IEEE
 * multiplication or division rounds their exact product or quotient correctly: the same double
 * strtod gives, at a fraction of its cost (strtod was 57 % of `vigil features` on the CWRU
 * files). q points past the sign. Returns 1 with *v and *end set, or 0 for anything else (more
 * than 19 digits, a larger m or e, no digits, a malformed exponent): strtod's case. */
static int clinger_fast(const char *q, int negative, double *v, const char **end)
{
    uint64_t m = 0;
    int digits = 0, scale = 0;
    const char *start = q;
    while (*q == '0') /* leading zeros carry nothing */
        q++;
    for (; is_digit(*q); q++, digits++)
        m = m * 10 + (uint64_t)(*q - '0');
    if (*q == '.') {
        const char *frac = ++q;
        if (digits == 0) /* 0.000ddd: the zeros after the point only scale */
            while (*q == '0')
                q++;
        const char *first = q;
        for (; is_digit(*q); q++)
            m = m * 10 + (uint64_t)(*q - '0');
        digits += (int)(q - first);
        scale = -(int)(q - frac);
        if (q == start + 1) /* "." alone */
            return 0;
    } else if (q == start) {
        return 0; /* no digit */
    }
    if (digits > 19) /* m may have wrapped: strtod's case */
        return 0;
    if (*q == 'e' || *q == 'E') {
        const char *x = q + 1;
        int eneg = 0, e = 0;
        if (*x == '+' || *x == '-')
            eneg = *x++ == '-';
        if (!is_digit(*x))
            return 0; /* "1e", "1e+": strtod stops before the 'e' */
        for (; is_digit(*x); x++) {
            if (e > 1000)
                return 0;
            e = e * 10 + (*x - '0');
        }
        scale += eneg ? -e : e;
        q = x;
    }
    if (m > (1ull << 53) || scale < -22 || scale > 22)
        return 0;
    double d = (double)m;
    d = scale < 0 ? d / exact_powers[-scale] : d * exact_powers[scale];
    *v = negative ? -d : d;
    *end = q;
    return 1;
}

/* The start of a number after its sign: a digit, or a point and a digit; not a hex prefix
 * (strtod alone would take "nan", "inf" and hex floats; sensor data never hold those). */
static int number_start(const char *q)
{
    if (!(isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1]))))
        return 0;
    return !(q[0] == '0' && (q[1] == 'x' || q[1] == 'X'));
}

int vigil__parse_plain(const char *s, double *v, const char **end)
{
    const char *q = s + (*s == '+' || *s == '-');
    return number_start(q) && clinger_fast(q, *s == '-', v, end);
}

/* Parse a number at s; on success *end points just past it. */
static int number_prefix(const char *s, double *v, const char **end)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    if (vigil__parse_plain(p, v, end))
        return VIGIL_OK;
    if (!number_start(p + (*p == '+' || *p == '-')))
        return VIGIL_EFORMAT;
    char *e;
    errno = 0;
    double d = strtod(p, &e);
    if (e == p || !isfinite(d))
        return VIGIL_EFORMAT;
    *v = d;
    *end = e;
    return VIGIL_OK;
}

int vigil_parse_number(const char *s, double *value)
{
    if (!s || !value)
        return vigil__status(VIGIL_EINVAL);
    const char *end;
    double v;
    if (number_prefix(s, &v, &end) == VIGIL_OK) {
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end == '\0') {
            *value = v;
            return VIGIL_OK;
        }
    }
    return vigil__fail(VIGIL_EFORMAT, "not a finite number: '%.60s'", s);
}

int vigil_parse_bands(const char *s, double *lo, double *hi, size_t cap, size_t *n)
{
    if (!s || !lo || !hi || !n)
        return vigil__status(VIGIL_EINVAL);
    *n = 0;
    const char *p = s;
    size_t count = 0;
    for (;;) {
        double a, b;
        const char *e;
        if (number_prefix(p, &a, &e) != VIGIL_OK)
            return vigil__fail(VIGIL_EFORMAT, "band list '%.60s': expected LO-HI at '%.20s'", s, p);
        while (*e == ' ' || *e == '\t')
            e++;
        if (*e != '-')
            return vigil__fail(VIGIL_EFORMAT, "band list '%.60s': expected '-' after %g", s, a);
        p = e + 1;
        if (number_prefix(p, &b, &e) != VIGIL_OK)
            return vigil__fail(VIGIL_EFORMAT, "band list '%.60s': expected HI at '%.20s'", s, p);
        if (a < 0.0 || a >= b)
            return vigil__fail(VIGIL_EFORMAT, "band %g-%g: need 0 <= LO < HI", a, b);
        if (count == cap)
            return vigil__fail(VIGIL_ESPACE, "band list '%.60s': more than %zu bands", s, cap);
        lo[count] = a;
        hi[count] = b;
        count++;
        while (*e == ' ' || *e == '\t')
            e++;
        if (*e == '\0')
            break;
        if (*e != ',')
            return vigil__fail(VIGIL_EFORMAT, "band list '%.60s': unexpected '%c'", s, *e);
        p = e + 1;
    }
    *n = count;
    return VIGIL_OK;
}

/* Read exactly `digits` decimal digits. */
static int fixed_int(const char **p, int digits, int *v)
{
    int x = 0;
    for (int i = 0; i < digits; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += digits;
    *v = x;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

int vigil_parse_time(const char *s, double *seconds)
{
    if (!s || !seconds)
        return vigil__status(VIGIL_EINVAL);
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0.0;
    if (!(fixed_int(&p, 4, &y) && *p == '-')) {
        /* not a date: maybe plain seconds */
        if (vigil_parse_number(s, seconds) == VIGIL_OK)
            return VIGIL_OK;
        return vigil__fail(VIGIL_EFORMAT, "not a timestamp: '%.60s'", s);
    }
    p++;
    if (!(fixed_int(&p, 2, &mo) && *p++ == '-' && fixed_int(&p, 2, &d)))
        return vigil__fail(VIGIL_EFORMAT, "not a timestamp: '%.60s'", s);
    if (*p == ' ' || *p == 'T') {
        p++;
        if (!(fixed_int(&p, 2, &h) && *p++ == ':' && fixed_int(&p, 2, &mi)))
            return vigil__fail(VIGIL_EFORMAT, "not a timestamp: '%.60s'", s);
        if (*p == ':') {
            p++;
            if (!fixed_int(&p, 2, &sec))
                return vigil__fail(VIGIL_EFORMAT, "not a timestamp: '%.60s'", s);
            if (*p == '.') {
                double scale = 0.1;
                p++;
                if (!isdigit((unsigned char)*p))
                    return vigil__fail(VIGIL_EFORMAT, "not a timestamp: '%.60s'", s);
                while (isdigit((unsigned char)*p)) {
                    frac += (*p++ - '0') * scale;
                    scale *= 0.1;
                }
            }
        }
    }
    if (*p == 'Z')
        p++;
    while (*p == ' ' || *p == '\t')
        p++;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
        return vigil__fail(VIGIL_EFORMAT, "not a valid timestamp: '%.60s'", s);
    const long long days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    *seconds = (double)(days * 86400LL + h * 3600LL + mi * 60LL + sec) + frac;
    return VIGIL_OK;
}
