/* json.c: see json.h. Numbers are written with "%.6g", plenty for scores and features and
 * short; times (UNIX seconds) with "%.6f", microseconds. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(jbuf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

static void put(jbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sep(jbuf *b)
{
    if (b->need_comma)
        put(b, ",", 1);
    b->need_comma = 1;
}

void jb_clear(jbuf *b)
{
    b->len = 0;
    b->failed = 0;
    b->need_comma = 0;
    if (b->p)
        b->p[0] = '\0';
}

void jb_free(jbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void jb_begin(jbuf *b, char open)
{
    sep(b);
    put(b, &open, 1);
    b->need_comma = 0;
}

void jb_end(jbuf *b, char close)
{
    put(b, &close, 1);
    b->need_comma = 1;
}

static void quoted(jbuf *b, const char *s)
{
    put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        char esc[8];
        if (*c == '"' || *c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*c;
            put(b, esc, 2);
        } else if (*c < 0x20) { /* control characters; bytes >= 0x80 pass through (UTF-8) */
            snprintf(esc, sizeof esc, "\\u%04x", *c);
            put(b, esc, 6);
        } else {
            put(b, (const char *)c, 1);
        }
    }
    put(b, "\"", 1);
}

void jb_key(jbuf *b, const char *key)
{
    sep(b);
    quoted(b, key);
    put(b, ":", 1);
    b->need_comma = 0;
}

void jb_str(jbuf *b, const char *s)
{
    sep(b);
    if (s)
        quoted(b, s);
    else
        put(b, "null", 4);
}

void jb_num(jbuf *b, double v)
{
    char tmp[40];
    sep(b);
    if (!isfinite(v)) {
        put(b, "null", 4);
        return;
    }
    /* the shortest spelling that reads back as the same double: a score published by the
     * gateway equals the one `vigil score` and Python give for the same frame */
    int n = snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v)
        n = snprintf(tmp, sizeof tmp, "%.17g", v);
    put(b, tmp, (size_t)n);
}

void jb_time(jbuf *b, double t)
{
    char tmp[48];
    sep(b);
    if (!isfinite(t) || fabs(t) > 1e15) {
        put(b, "null", 4);
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%.6f", t);
    put(b, tmp, (size_t)n);
}

void jb_int(jbuf *b, unsigned long long v)
{
    char tmp[24];
    sep(b);
    int n = snprintf(tmp, sizeof tmp, "%llu", v);
    put(b, tmp, (size_t)n);
}

void jb_null(jbuf *b)
{
    sep(b);
    put(b, "null", 4);
}

void jb_kstr(jbuf *b, const char *key, const char *s)
{
    jb_key(b, key);
    jb_str(b, s);
}

void jb_knum(jbuf *b, const char *key, double v)
{
    jb_key(b, key);
    jb_num(b, v);
}

void jb_kint(jbuf *b, const char *key, unsigned long long v)
{
    jb_key(b, key);
    jb_int(b, v);
}

void jb_ktime(jbuf *b, const char *key, double t)
{
    jb_key(b, key);
    jb_time(b, t);
}
