/* Bad input across the public API, table-driven (issue 7).
 *
 * Three kinds of table:
 *   - argument tables: one call with a bad argument -> the expected status, a message in
 *     vigil_last_error(), outputs cleared as documented, configuration unchanged;
 *   - mid-stream tables: a bad call made in the middle of a stream must not lose or change
 *     anything already accepted: the rows that follow are bit-identical (memcmp) to a stream
 *     that never saw the bad call;
 *   - file tables: corrupt CSV / gzip contents -> the expected status at open or at read, with
 *     the good rows before the bad one still delivered.
 *
 * NaN/inf policy under test (include/vigil/extractor.h): a chunk holding any non-finite sample
 * is rejected whole with VIGIL_ENONFINITE, nothing of it consumed; the caller repairs or drops
 * it. Features are never computed from NaN/inf, so no later row can be poisoned.
 *
 * Models (issue 3) and monitors are not in this tree yet: their rows (NULL/corrupt blobs, a
 * model loaded into a different configuration -> VIGIL_EMISMATCH) go in tables of the same
 * shape; see the marked spot near the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* ---- a deterministic test signal ------------------------------------------------------- */

#define RATE 8000.0
#define FRAME 256
#define HOP 96
#define NSAMP (FRAME * 20)
#define PI 3.14159265358979323846
#define SPLIT 1001 /* where the bad call happens: mid-frame, with rows already queued */

static double signal_x[NSAMP];

/* Two tones plus uniform noise from a fixed LCG: the same bits on every run and platform. */
static void make_signal(void)
{
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < NSAMP; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        const double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        const double t = (double)i / RATE;
        signal_x[i] = sin(2 * PI * 440.0 * t) + 0.3 * sin(2 * PI * 1250.0 * t) + 0.1 * u;
    }
}

static vigil_extractor *make_extractor(void)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(RATE, FRAME, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, HOP), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 0.0, 500.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 500.0, 2000.0), VIGIL_OK);
    return ex;
}

/* Pop every queued row into rows (appending at *nrows). */
static void drain(vigil_extractor *ex, double *rows, size_t cap_rows, size_t *nrows)
{
    const size_t nc = vigil_extractor_feature_count(ex);
    int rc;
    while ((rc = vigil_extractor_pop(ex, rows + *nrows * nc, nc, NULL)) == 1) {
        (*nrows)++;
        assert_true(*nrows <= cap_rows);
    }
    assert_int_equal(rc, 0);
}

#define MAX_ROWS 64
static double ref_rows[MAX_ROWS * 64];
static size_t ref_nrows, ref_ncols;

static int setup_reference(void **state)
{
    (void)state;
    make_signal();
    vigil_extractor *ex = make_extractor();
    assert_int_equal(vigil_extractor_push(ex, signal_x, NSAMP, NULL), VIGIL_OK);
    ref_ncols = vigil_extractor_feature_count(ex);
    assert_true(ref_ncols <= 64);
    ref_nrows = 0;
    drain(ex, ref_rows, MAX_ROWS, &ref_nrows);
    /* independent count: frames start at 0, HOP, 2*HOP, ... while they fit in NSAMP */
    assert_int_equal(ref_nrows, (NSAMP - FRAME) / HOP + 1);
    vigil_extractor_destroy(ex);
    return 0;
}

/* ---- extractor: bad arguments at create and configuration ------------------------------ */

struct create_case {
    const char *name;
    double rate;
    size_t frame;
    int null_out;
    int expect;
};

static const struct create_case create_cases[] = {
    {"rate NaN", NAN, 256, 0, VIGIL_EINVAL},
    {"rate +inf", INFINITY, 256, 0, VIGIL_EINVAL},
    {"rate -inf", -INFINITY, 256, 0, VIGIL_EINVAL},
    {"rate 0", 0.0, 256, 0, VIGIL_EINVAL},
    {"rate -0", -0.0, 256, 0, VIGIL_EINVAL},
    {"rate negative", -8000.0, 256, 0, VIGIL_EINVAL},
    {"rate denormal", 4.9e-324, 256, 0, VIGIL_EINVAL},
    {"rate below VIGIL_RATE_MIN", 0.9e-6, 256, 0, VIGIL_EINVAL},
    {"rate VIGIL_RATE_MIN ok", VIGIL_RATE_MIN, 256, 0, VIGIL_OK},
    {"rate VIGIL_RATE_MAX ok", VIGIL_RATE_MAX, 256, 0, VIGIL_OK},
    {"rate above VIGIL_RATE_MAX", 1.1e9, 256, 0, VIGIL_EINVAL},
    {"frame 0", 8000.0, 0, 0, VIGIL_EINVAL},
    {"frame below min", 8000.0, VIGIL_FRAME_MIN - 1, 0, VIGIL_EINVAL},
    {"frame min ok", 8000.0, VIGIL_FRAME_MIN, 0, VIGIL_OK},
    {"frame odd ok", 8000.0, 1001, 0, VIGIL_OK},
    {"frame above max", 8000.0, (size_t)VIGIL_FRAME_MAX + 1, 0, VIGIL_EINVAL},
    {"frame SIZE_MAX", 8000.0, SIZE_MAX, 0, VIGIL_EINVAL},
    {"out NULL", 8000.0, 256, 1, VIGIL_EINVAL},
};

static void test_create_args(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof create_cases / sizeof *create_cases; i++) {
        const struct create_case *c = &create_cases[i];
        vigil_extractor *ex = (vigil_extractor *)&ex; /* a non-NULL garbage value */
        int rc = vigil_extractor_create(c->rate, c->frame, c->null_out ? NULL : &ex);
        if (rc != c->expect)
            fail_msg("create case '%s': got %d, want %d", c->name, rc, c->expect);
        if (c->null_out)
            continue;
        if (rc == VIGIL_OK) {
            assert_non_null(ex);
            assert_int_equal(vigil_extractor_frame(ex), c->frame);
            vigil_extractor_destroy(ex);
        } else {
            if (ex != NULL)
                fail_msg("create case '%s': *out not set to NULL on failure", c->name);
            assert_true(vigil_last_error()[0] != '\0');
        }
    }
}

enum setter { SET_HOP, SET_QUEUE, ADD_BAND };

struct setter_case {
    const char *name;
    enum setter which;
    size_t size;
    double lo, hi;
    int expect;
};

static const struct setter_case setter_cases[] = {
    {"hop 0", SET_HOP, 0, 0, 0, VIGIL_EINVAL},
    {"hop > frame", SET_HOP, FRAME + 1, 0, 0, VIGIL_EINVAL},
    {"hop SIZE_MAX", SET_HOP, SIZE_MAX, 0, 0, VIGIL_EINVAL},
    {"queue 0", SET_QUEUE, 0, 0, 0, VIGIL_EINVAL},
    {"queue 65537", SET_QUEUE, 65537, 0, 0, VIGIL_EINVAL},
    {"queue SIZE_MAX", SET_QUEUE, SIZE_MAX, 0, 0, VIGIL_EINVAL},
    {"band lo NaN", ADD_BAND, 0, NAN, 100, VIGIL_EINVAL},
    {"band hi NaN", ADD_BAND, 0, 0, NAN, VIGIL_EINVAL},
    {"band hi inf", ADD_BAND, 0, 0, INFINITY, VIGIL_EINVAL},
    {"band lo negative", ADD_BAND, 0, -1, 100, VIGIL_EINVAL},
    {"band lo == hi", ADD_BAND, 0, 100, 100, VIGIL_EINVAL},
    {"band lo > hi", ADD_BAND, 0, 200, 100, VIGIL_EINVAL},
    {"band lo -inf", ADD_BAND, 0, -INFINITY, 100, VIGIL_EINVAL},
};

static int apply_setter(vigil_extractor *ex, const struct setter_case *c)
{
    switch (c->which) {
    case SET_HOP: return vigil_extractor_set_hop(ex, c->size);
    case SET_QUEUE: return vigil_extractor_set_queue(ex, c->size);
    case ADD_BAND: return vigil_extractor_add_band(ex, c->lo, c->hi);
    }
    return VIGIL_OK;
}

/* A rejected setter changes nothing: same hop, columns and memory, and the stream then gives
 * exactly the reference rows. NULL extractor is rejected by every setter. */
static void test_setter_args(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof setter_cases / sizeof *setter_cases; i++) {
        const struct setter_case *c = &setter_cases[i];
        vigil_extractor *ex = make_extractor();
        const size_t mem = vigil_extractor_memory(ex);
        int rc = apply_setter(ex, c);
        if (rc != c->expect)
            fail_msg("setter case '%s': got %d, want %d", c->name, rc, c->expect);
        assert_true(vigil_last_error()[0] != '\0');
        assert_int_equal(vigil_extractor_hop(ex), HOP);
        assert_int_equal(vigil_extractor_feature_count(ex), ref_ncols);
        assert_int_equal(vigil_extractor_memory(ex), mem);
        assert_int_equal(vigil_extractor_push(ex, signal_x, NSAMP, NULL), VIGIL_OK);
        double rows[MAX_ROWS * 64];
        size_t n = 0;
        drain(ex, rows, MAX_ROWS, &n);
        assert_int_equal(n, ref_nrows);
        if (memcmp(rows, ref_rows, n * ref_ncols * sizeof *rows) != 0)
            fail_msg("setter case '%s': rows differ after the rejected call", c->name);
        vigil_extractor_destroy(ex);
        if (apply_setter(NULL, c) != VIGIL_EINVAL)
            fail_msg("setter case '%s': NULL extractor not rejected", c->name);
    }
}

static void test_band_limit(void **state)
{
    (void)state;
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(RATE, FRAME, &ex), VIGIL_OK);
    for (int b = 0; b < VIGIL_BANDS_MAX; b++)
        assert_int_equal(vigil_extractor_add_band(ex, b * 10.0, b * 10.0 + 10.0), VIGIL_OK);
    const size_t nc = vigil_extractor_feature_count(ex);
    assert_int_equal(vigil_extractor_add_band(ex, 0.0, 1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_feature_count(ex), nc);
    vigil_extractor_destroy(ex);
}

/* NULL and out-of-range queries: documented neutral values, never a crash. */
static void test_queries_null_and_range(void **state)
{
    (void)state;
    vigil_extractor_destroy(NULL);
    assert_int_equal(vigil_extractor_reset(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_ready(NULL), 0);
    assert_int_equal(vigil_extractor_feature_count(NULL), 0);
    assert_null(vigil_extractor_feature_name(NULL, 0));
    assert_int_equal(vigil_extractor_feature_index(NULL, "rms"), VIGIL_EINVAL);
    assert_true(vigil_extractor_rate(NULL) == 0.0);
    assert_int_equal(vigil_extractor_frame(NULL), 0);
    assert_int_equal(vigil_extractor_hop(NULL), 0);
    assert_int_equal(vigil_extractor_frames_done(NULL), 0);
    assert_int_equal(vigil_extractor_memory(NULL), 0);
    double row[64];
    size_t w = 99;
    assert_int_equal(vigil_extractor_pop(NULL, row, 64, &w), VIGIL_EINVAL);
    assert_int_equal(w, 0);
    size_t consumed = 99;
    assert_int_equal(vigil_extractor_push(NULL, signal_x, 10, &consumed), VIGIL_EINVAL);
    assert_int_equal(consumed, 0);
    assert_int_equal(vigil_extractor_push_f32(NULL, NULL, 0, NULL), VIGIL_EINVAL);

    vigil_extractor *ex = make_extractor();
    const size_t nc = vigil_extractor_feature_count(ex);
    assert_non_null(vigil_extractor_feature_name(ex, nc - 1));
    assert_null(vigil_extractor_feature_name(ex, nc));
    assert_null(vigil_extractor_feature_name(ex, SIZE_MAX));
    assert_int_equal(vigil_extractor_feature_index(ex, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_extractor_feature_index(ex, ""), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_extractor_feature_index(ex, "RMS"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_extractor_feature_index(ex, "band_0_5000"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_extractor_feature_index(ex, "band_500_2000"), (int)nc - 1);
    assert_int_equal(vigil_extractor_pop(ex, row, 64, &w), 0); /* empty queue: no row, no error */
    vigil_extractor_destroy(ex);
}

/* ---- extractor: a bad call in the middle of a stream loses nothing --------------------- */

static double nan_chunk[40], inf_chunk[40];
static float f32_nan_chunk[40];

static void make_bad_chunks(void)
{
    for (size_t i = 0; i < 40; i++) {
        nan_chunk[i] = inf_chunk[i] = signal_x[SPLIT + i]; /* good samples around the bad one */
        f32_nan_chunk[i] = (float)signal_x[SPLIT + i];
    }
    nan_chunk[39] = NAN; /* last: the good samples before it must not be taken either */
    inf_chunk[0] = -INFINITY;
    f32_nan_chunk[17] = NAN;
}

typedef int (*bad_call_fn)(vigil_extractor *ex);

static int bad_push_nan(vigil_extractor *ex) { return vigil_extractor_push(ex, nan_chunk, 40, NULL); }
static int bad_push_inf(vigil_extractor *ex) { return vigil_extractor_push(ex, inf_chunk, 40, NULL); }
static int bad_push_nan_consumed(vigil_extractor *ex)
{
    size_t c = 99;
    int rc = vigil_extractor_push(ex, nan_chunk, 40, &c);
    return c == 0 ? rc : 1000; /* 1000: an impossible status, so the table check fails */
}
static int bad_push_f32_nan(vigil_extractor *ex)
{
    size_t c = 99;
    int rc = vigil_extractor_push_f32(ex, f32_nan_chunk, 40, &c);
    return c == 0 ? rc : 1000;
}
static int bad_push_null(vigil_extractor *ex)
{
    size_t c = 99;
    int rc = vigil_extractor_push(ex, NULL, 5, &c);
    return c == 0 ? rc : 1000;
}
static int bad_push_f32_null(vigil_extractor *ex) { return vigil_extractor_push_f32(ex, NULL, 5, NULL); }
/* An absurd length with all-or-nothing semantics: rejected before a single sample is read. */
static int bad_push_absurd(vigil_extractor *ex) { return vigil_extractor_push(ex, signal_x, SIZE_MAX, NULL); }
static int empty_push(vigil_extractor *ex) { return vigil_extractor_push(ex, NULL, 0, NULL); }
static int bad_set_hop(vigil_extractor *ex) { return vigil_extractor_set_hop(ex, HOP); }
static int bad_add_band(vigil_extractor *ex) { return vigil_extractor_add_band(ex, 1.0, 2.0); }
static int bad_set_queue(vigil_extractor *ex) { return vigil_extractor_set_queue(ex, 8); }
static int bad_pop_small(vigil_extractor *ex)
{
    double row[4];
    size_t w = 99;
    int rc = vigil_extractor_pop(ex, row, 4, &w);
    return w == 0 ? rc : 1000;
}
static int bad_pop_null(vigil_extractor *ex) { return vigil_extractor_pop(ex, NULL, 64, NULL); }
static int bad_index(vigil_extractor *ex) { return vigil_extractor_feature_index(ex, "no_such"); }

struct midstream_case {
    const char *name;
    bad_call_fn call;
    int expect;
};

static const struct midstream_case midstream_cases[] = {
    {"push chunk ending in NaN", bad_push_nan, VIGIL_ENONFINITE},
    {"push chunk starting with -inf", bad_push_inf, VIGIL_ENONFINITE},
    {"push NaN, consumed given", bad_push_nan_consumed, VIGIL_ENONFINITE},
    {"push_f32 NaN", bad_push_f32_nan, VIGIL_ENONFINITE},
    {"push NULL x, n > 0", bad_push_null, VIGIL_EINVAL},
    {"push_f32 NULL x, n > 0", bad_push_f32_null, VIGIL_EINVAL},
    {"push SIZE_MAX samples all-or-nothing", bad_push_absurd, VIGIL_EFULL},
    {"push nothing", empty_push, VIGIL_OK},
    {"set_hop after start", bad_set_hop, VIGIL_ESTATE},
    {"add_band after start", bad_add_band, VIGIL_ESTATE},
    {"set_queue after start", bad_set_queue, VIGIL_ESTATE},
    {"pop into a too small row", bad_pop_small, VIGIL_ESPACE},
    {"pop into NULL", bad_pop_null, VIGIL_EINVAL},
    {"unknown feature name", bad_index, VIGIL_ENOTFOUND},
};

/* Push [0, SPLIT) in uneven chunks, make the bad call, push the rest: the rows must equal the
 * reference bit for bit, for every row of the table. The rows queued before the bad call are
 * part of the comparison, so a call that dropped or damaged queued rows fails too. */
static void test_midstream_rejections(void **state)
{
    (void)state;
    make_bad_chunks();
    for (size_t i = 0; i < sizeof midstream_cases / sizeof *midstream_cases; i++) {
        const struct midstream_case *c = &midstream_cases[i];
        vigil_extractor *ex = make_extractor();
        assert_int_equal(vigil_extractor_push(ex, signal_x, 333, NULL), VIGIL_OK);
        assert_int_equal(vigil_extractor_push(ex, signal_x + 333, SPLIT - 333, NULL), VIGIL_OK);
        const size_t ready = vigil_extractor_ready(ex), done = vigil_extractor_frames_done(ex);
        assert_true(ready > 0);
        int rc = c->call(ex);
        if (rc != c->expect)
            fail_msg("mid-stream case '%s': got %d, want %d", c->name, rc, c->expect);
        if (rc != VIGIL_OK && vigil_last_error()[0] == '\0')
            fail_msg("mid-stream case '%s': no message", c->name);
        assert_int_equal(vigil_extractor_ready(ex), ready);
        assert_int_equal(vigil_extractor_frames_done(ex), done);
        assert_int_equal(vigil_extractor_hop(ex), HOP);
        assert_int_equal(vigil_extractor_feature_count(ex), ref_ncols);
        assert_int_equal(vigil_extractor_push(ex, signal_x + SPLIT, NSAMP - SPLIT, NULL),
                         VIGIL_OK);
        double rows[MAX_ROWS * 64];
        size_t n = 0;
        drain(ex, rows, MAX_ROWS, &n);
        if (n != ref_nrows || memcmp(rows, ref_rows, n * ref_ncols * sizeof *rows) != 0)
            fail_msg("mid-stream case '%s': rows differ from the clean stream", c->name);
        vigil_extractor_destroy(ex);
    }
}

/* The documented recovery: drop the non-finite sample of the rejected chunk and push the rest.
 * The result equals a stream that never held that sample. */
static void test_nonfinite_repair(void **state)
{
    (void)state;
    static double clean[NSAMP];
    memcpy(clean, signal_x, sizeof clean);
    double bad[NSAMP];
    memcpy(bad, signal_x, sizeof bad);
    bad[2000] = NAN;

    vigil_extractor *ref = make_extractor(), *ex = make_extractor();
    /* reference: the same stream with sample 2000 removed */
    assert_int_equal(vigil_extractor_push(ref, clean, 2000, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ref, clean + 2001, NSAMP - 2001, NULL), VIGIL_OK);

    assert_int_equal(vigil_extractor_push(ex, bad, 1500, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, bad + 1500, 1000, NULL), VIGIL_ENONFINITE);
    assert_int_equal(vigil_extractor_push(ex, bad + 1500, 500, NULL), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, bad + 2001, NSAMP - 2001, NULL), VIGIL_OK);

    double a[MAX_ROWS * 64], b[MAX_ROWS * 64];
    size_t na = 0, nb = 0;
    drain(ref, a, MAX_ROWS, &na);
    drain(ex, b, MAX_ROWS, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * ref_ncols * sizeof *a);
    for (size_t i = 0; i < nb * ref_ncols; i++)
        assert_true(isfinite(b[i]));
    vigil_extractor_destroy(ref);
    vigil_extractor_destroy(ex);
}

/* ---- parsers -------------------------------------------------------------------------- */

struct parse_case {
    const char *text;
    int expect;
    double value; /* checked when expect == VIGIL_OK */
};

static const struct parse_case number_cases[] = {
    {"1.5", VIGIL_OK, 1.5},
    {"  -2e3 ", VIGIL_OK, -2000.0},
    {".5", VIGIL_OK, 0.5},
    {"", VIGIL_EFORMAT, 0},
    {"   ", VIGIL_EFORMAT, 0},
    {"nan", VIGIL_EFORMAT, 0},
    {"NaN", VIGIL_EFORMAT, 0},
    {"-inf", VIGIL_EFORMAT, 0},
    {"infinity", VIGIL_EFORMAT, 0},
    {"1e999", VIGIL_EFORMAT, 0},   /* overflows to inf */
    {"-1e999", VIGIL_EFORMAT, 0},
    {"0x10", VIGIL_EFORMAT, 0},
    {"1.5x", VIGIL_EFORMAT, 0},
    {"1,5", VIGIL_EFORMAT, 0},
    {"+", VIGIL_EFORMAT, 0},
    {".", VIGIL_EFORMAT, 0},
    {"1e", VIGIL_EFORMAT, 0},      /* strtod takes "1", the 'e' is left over */
    {"--1", VIGIL_EFORMAT, 0},
};

static const struct parse_case time_cases[] = {
    {"1970-01-01", VIGIL_OK, 0.0},
    {"2000-03-01T00:00:00Z", VIGIL_OK, 951868800.0},
    {"2024-02-29 12:00", VIGIL_OK, 1709208000.0},
    {"1234.5", VIGIL_OK, 1234.5},
    {"2023-02-29", VIGIL_EFORMAT, 0},
    {"2100-02-29", VIGIL_EFORMAT, 0},
    {"2023-13-01", VIGIL_EFORMAT, 0},
    {"2023-00-10", VIGIL_EFORMAT, 0},
    {"2023-04-31", VIGIL_EFORMAT, 0},
    {"2023-01-01 24:00", VIGIL_EFORMAT, 0},
    {"2023-01-01 23:60", VIGIL_EFORMAT, 0},
    {"2023-01-01 23:59:61", VIGIL_EFORMAT, 0},
    {"2023-01-01 23:59:59.", VIGIL_EFORMAT, 0},
    {"2023-01-01 23", VIGIL_EFORMAT, 0},
    {"2023-01", VIGIL_EFORMAT, 0},
    {"2023-", VIGIL_EFORMAT, 0},
    {"2023-01-01Zjunk", VIGIL_EFORMAT, 0},
    {"", VIGIL_EFORMAT, 0},
    {"nan", VIGIL_EFORMAT, 0},
    {"inf", VIGIL_EFORMAT, 0},
};

static void test_parse_number_and_time(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof number_cases / sizeof *number_cases; i++) {
        const struct parse_case *c = &number_cases[i];
        double v = 42.0;
        int rc = vigil_parse_number(c->text, &v);
        if (rc != c->expect)
            fail_msg("number '%s': got %d, want %d", c->text, rc, c->expect);
        if (rc == VIGIL_OK && v != c->value)
            fail_msg("number '%s': got %.17g, want %.17g", c->text, v, c->value);
        if (rc != VIGIL_OK && v != 42.0)
            fail_msg("number '%s': output written on failure", c->text);
    }
    for (size_t i = 0; i < sizeof time_cases / sizeof *time_cases; i++) {
        const struct parse_case *c = &time_cases[i];
        double v = 42.0;
        int rc = vigil_parse_time(c->text, &v);
        if (rc != c->expect)
            fail_msg("time '%s': got %d, want %d", c->text, rc, c->expect);
        if (rc == VIGIL_OK && v != c->value)
            fail_msg("time '%s': got %.17g, want %.17g", c->text, v, c->value);
        if (rc != VIGIL_OK && v != 42.0)
            fail_msg("time '%s': output written on failure", c->text);
    }
    double v;
    assert_int_equal(vigil_parse_number(NULL, &v), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_number("1", NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_time(NULL, &v), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_time("1", NULL), VIGIL_EINVAL);
}

struct bands_case {
    const char *text;
    size_t cap;
    int expect;
    size_t n; /* bands parsed when expect == VIGIL_OK */
};

static const struct bands_case bands_cases[] = {
    {"0-500", 4, VIGIL_OK, 1},
    {" 0 - 500 , 500-2e3 ", 4, VIGIL_OK, 2},
    {"0-500,500-1000", 1, VIGIL_ESPACE, 0},
    {"0-500", 0, VIGIL_ESPACE, 0},
    {"", 4, VIGIL_EFORMAT, 0},
    {",", 4, VIGIL_EFORMAT, 0},
    {"0-500,", 4, VIGIL_EFORMAT, 0},
    {"0-500,,500-600", 4, VIGIL_EFORMAT, 0},
    {"500-500", 4, VIGIL_EFORMAT, 0},
    {"600-500", 4, VIGIL_EFORMAT, 0},
    {"-1-500", 4, VIGIL_EFORMAT, 0},
    {"0-nan", 4, VIGIL_EFORMAT, 0},
    {"0-inf", 4, VIGIL_EFORMAT, 0},
    {"0-1e999", 4, VIGIL_EFORMAT, 0},
    {"0500", 4, VIGIL_EFORMAT, 0},
    {"0-500;500-600", 4, VIGIL_EFORMAT, 0},
    {"0--500", 4, VIGIL_EFORMAT, 0},
};

static void test_parse_bands(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bands_cases / sizeof *bands_cases; i++) {
        const struct bands_case *c = &bands_cases[i];
        double lo[4], hi[4];
        size_t n = 99;
        int rc = vigil_parse_bands(c->text, lo, hi, c->cap, &n);
        if (rc != c->expect)
            fail_msg("bands '%s': got %d, want %d", c->text, rc, c->expect);
        if (rc == VIGIL_OK && n != c->n)
            fail_msg("bands '%s': %zu bands, want %zu", c->text, n, c->n);
        if (rc != VIGIL_OK && (n != 0 || vigil_last_error()[0] == '\0'))
            fail_msg("bands '%s': count not cleared or no message", c->text);
    }
    double lo[1], hi[1];
    size_t n;
    assert_int_equal(vigil_parse_bands(NULL, lo, hi, 1, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bands("0-1", NULL, hi, 1, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bands("0-1", lo, NULL, 1, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bands("0-1", lo, hi, 1, NULL), VIGIL_EINVAL);
}

/* ---- reader: corrupt files ------------------------------------------------------------ */

struct file_case {
    const char *name;
    const char *bytes;
    size_t len;     /* 0: strlen(bytes) */
    int gzip;       /* write through gzip */
    int truncate;   /* bytes cut from the end of the written file (damaged gzip) */
    int open_expect;
    int read_expect;   /* status of reading column 0 to the end */
    size_t good_values; /* values delivered before the failure (nothing accepted is lost) */
};

static const struct file_case file_cases[] = {
    {"good", "a,b\n1,2\n3,4\n", 0, 0, 0, VIGIL_OK, VIGIL_OK, 2},
    {"good gzip", "a,b\n1,2\n3,4\n", 0, 1, 0, VIGIL_OK, VIGIL_OK, 2},
    {"CRLF and blank lines", "a,b\r\n1,2\r\n\r\n3,4\r\n", 0, 0, 0, VIGIL_OK, VIGIL_OK, 2},
    {"empty", "", 0, 0, 0, VIGIL_EFORMAT, 0, 0},
    {"empty gzip", "", 0, 1, 0, VIGIL_EFORMAT, 0, 0},
    {"blank header", "\n1,2\n", 0, 0, 0, VIGIL_EFORMAT, 0, 0},
    {"empty column name", "a,,b\n1,2,3\n", 0, 0, 0, VIGIL_EFORMAT, 0, 0},
    {"header only", "a,b\n", 0, 0, 0, VIGIL_OK, VIGIL_ENODATA, 0},
    {"short row", "a,b\n1,2\n3\n5,6\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"long row", "a,b\n1,2\n3,4,5\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"bad number in other column", "a,b\n1,2\n3,x\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"nan field", "a,b\n1,2\nnan,4\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"inf field", "a,b\n1,2\n3,-inf\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"overflowing field", "a,b\n1,2\n1e400,4\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"empty field", "a,b\n1,2\n,4\n", 0, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"NUL byte", "a,b\n1,2\n3\0,4\n", 14, 0, 0, VIGIL_OK, VIGIL_EFORMAT, 1},
    {"NUL in header", "a\0,b\n1,2\n", 9, 0, 0, VIGIL_EFORMAT, 0, 0},
    {"truncated gzip", "a,b\n1,2\n3,4\n5,6\n", 0, 1, 6, VIGIL_OK, VIGIL_EFORMAT, 3},
    {"gzip magic then junk", "\x1f\x8b\x08\x00junkjunkjunk", 0, 0, 0, VIGIL_EFORMAT, 0, 0},
};

static char tmpdir[64];

static int setup_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vigil-bad-input-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

static void write_case(const char *path, const struct file_case *c)
{
    const size_t len = c->len ? c->len : strlen(c->bytes);
    if (c->gzip) {
        gzFile gz = gzopen(path, "wb");
        assert_non_null(gz);
        if (len)
            assert_int_equal(gzwrite(gz, c->bytes, (unsigned)len), (int)len);
        assert_int_equal(gzclose(gz), Z_OK);
        if (c->truncate) {
            FILE *f = fopen(path, "rb");
            assert_non_null(f);
            unsigned char buf[4096];
            size_t got = fread(buf, 1, sizeof buf, f);
            fclose(f);
            assert_true(got > (size_t)c->truncate);
            f = fopen(path, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(buf, 1, got - (size_t)c->truncate, f),
                             got - (size_t)c->truncate);
            fclose(f);
        }
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(c->bytes, 1, len, f), len);
        fclose(f);
    }
}

static void test_reader_files(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/case.csv", tmpdir);
    for (size_t i = 0; i < sizeof file_cases / sizeof *file_cases; i++) {
        const struct file_case *c = &file_cases[i];
        write_case(path, c);
        vigil_reader *r = (vigil_reader *)&r;
        int rc = vigil_reader_open(path, &r);
        if (rc != c->open_expect)
            fail_msg("file '%s': open gave %d, want %d (%s)", c->name, rc, c->open_expect,
                     vigil_last_error());
        if (rc != VIGIL_OK) {
            if (r != NULL)
                fail_msg("file '%s': *out not NULL after failed open", c->name);
            if (strstr(vigil_last_error(), path) == NULL)
                fail_msg("file '%s': message does not name the file: %s", c->name,
                         vigil_last_error());
            continue;
        }
        double vals[16];
        size_t total = 0, n;
        do {
            rc = vigil_reader_read_column(r, 0, vals + total, 1, &n);
            total += n;
        } while (rc == VIGIL_OK && n > 0 && total < 16);
        if (rc != c->read_expect || total != c->good_values)
            fail_msg("file '%s': read gave %d after %zu values, want %d after %zu (%s)", c->name,
                     rc, total, c->read_expect, c->good_values, vigil_last_error());
        if (rc != VIGIL_OK) {
            /* the failure is sticky: a damaged file never resumes half-way */
            int again = vigil_reader_read_column(r, 0, vals, 16, &n);
            if (again != rc || n != 0)
                fail_msg("file '%s': failure not sticky (%d, %zu)", c->name, again, n);
        }
        if (c->good_values >= 1 && vals[0] != 1.0)
            fail_msg("file '%s': first value %g, want 1", c->name, vals[0]);
        vigil_reader_close(r);
    }
    unlink(path);
}

static void test_reader_args(void **state)
{
    (void)state;
    vigil_reader *r = NULL;
    assert_int_equal(vigil_reader_open(NULL, &r), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_open("x.csv", NULL), VIGIL_EINVAL);
    char path[128];
    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmpdir);
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_EIO);
    assert_null(r);
    assert_int_equal(vigil_reader_open(tmpdir, &r), VIGIL_EIO); /* a directory */
    assert_null(r);

    vigil_reader_close(NULL);
    assert_int_equal(vigil_reader_column_count(NULL), 0);
    assert_null(vigil_reader_column_name(NULL, 0));
    assert_int_equal(vigil_reader_find_column(NULL, "a"), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_set_time_column(NULL, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_line(NULL), 0);
    double v[4];
    size_t n = 99;
    assert_int_equal(vigil_reader_read_column(NULL, 0, v, 4, &n), VIGIL_EINVAL);
    assert_int_equal(n, 0);
    assert_int_equal(vigil_reader_read_rows(NULL, v, 2, &n), VIGIL_EINVAL);

    snprintf(path, sizeof path, "%s/args.csv", tmpdir);
    const struct file_case good = {"good", "a,b\n1,2\n3,4\n", 0, 0, 0, 0, 0, 0};
    write_case(path, &good);
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_null(vigil_reader_column_name(r, 2));
    assert_null(vigil_reader_column_name(r, SIZE_MAX));
    assert_int_equal(vigil_reader_find_column(r, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_find_column(r, "c"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_find_column(r, "2"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_find_column(r, "99999999999999999999"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_find_column(r, "-1"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_find_column(r, ""), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_set_time_column(r, 2), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_set_time_column(r, SIZE_MAX), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_read_column(r, 2, v, 4, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_read_column(r, 0, NULL, 4, &n), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_read_column(r, 0, v, 4, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_read_rows(r, NULL, 2, &n), VIGIL_EINVAL);
    /* none of the rejected calls consumed a row */
    assert_int_equal(vigil_reader_read_column(r, 1, v, 4, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_true(v[0] == 2.0 && v[1] == 4.0);
    /* zero capacity reads nothing and loses nothing */
    vigil_reader_close(r);
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_read_column(r, 0, v, 0, &n), VIGIL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(vigil_reader_read_rows(r, v, 2, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_true(v[0] == 1.0 && v[1] == 2.0 && v[2] == 3.0 && v[3] == 4.0);
    assert_int_equal(vigil_reader_set_time_column(r, 0), VIGIL_ESTATE);
    vigil_reader_close(r);
    unlink(path);
}

/* ---- models and monitors (issue 3) ------------------------------------------------------
 * TO ADD when the monitor lands: tables of the shape above for
 *   - load(NULL, len), load(buf, 0), every truncation of a saved blob, every single-bit flip
 *     (bad CRC -> VIGIL_EFORMAT), unknown version;
 *   - a model saved for one extractor configuration loaded against another (frame, hop, rate,
 *     bands) -> VIGIL_EMISMATCH;
 *   - monitor update with NaN/inf rows -> the documented status, and the model state
 *     (save blob) byte-identical before and after the rejected call. */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_args),
        cmocka_unit_test(test_setter_args),
        cmocka_unit_test(test_band_limit),
        cmocka_unit_test(test_queries_null_and_range),
        cmocka_unit_test(test_midstream_rejections),
        cmocka_unit_test(test_nonfinite_repair),
        cmocka_unit_test(test_parse_number_and_time),
        cmocka_unit_test(test_parse_bands),
        cmocka_unit_test_setup_teardown(test_reader_files, setup_tmpdir, teardown_tmpdir),
        cmocka_unit_test_setup_teardown(test_reader_args, setup_tmpdir, teardown_tmpdir),
    };
    return cmocka_run_group_tests(tests, setup_reference, NULL);
}
