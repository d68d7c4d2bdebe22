/* Bad input for the diagnostics (issue 7): per-recording diagnosis, the envelope, orders and
 * severity column groups of the extractor, bearing geometry, ISO zones and RUL. Same shape as
 * test_bad_input.c: a table of bad calls, each with its status, a message, outputs untouched,
 * and a twin that never saw the call to prove that nothing already accepted was lost.
 *
 * NaN/inf policy (as for the extractor): a chunk with any non-finite sample is rejected whole
 * with VIGIL_ENONFINITE, nothing of it used; the decision afterwards is bit-identical to the
 * twin's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_rng.h"

#define RATE 12000.0
#define FRAME 2048
#define NSAMP (FRAME * 8)
#define PI 3.14159265358979323846
/* CWRU drive-end bearing (6205-2RS JEM SKF), as in the diagnosis tests */
#define BALLS 9.0
#define BALL_D 0.3126
#define PITCH 1.537

static double x[NSAMP];

/* A shaft line at 29.95 Hz plus outer-race impacts at BPFO with a 3 kHz resonance and noise. */
static void make_signal(void)
{
    uint64_t s = 1;
    double f[VIGIL_DEFECT_COUNT];
    assert_int_equal(vigil_bearing_frequencies(BALLS, BALL_D, PITCH, 0.0, 29.95, f,
                                               VIGIL_DEFECT_COUNT), VIGIL_OK);
    const double period = RATE / f[VIGIL_DEFECT_BPFO];
    for (size_t i = 0; i < NSAMP; i++) {
        const double t = (double)i / RATE;
        const double since = fmod((double)i, period) / RATE;
        x[i] = 0.5 * sin(2 * PI * 29.95 * t) + 0.2 * test_normal(&s) +
               exp(-since * 800.0) * sin(2 * PI * 3000.0 * since);
    }
}

static vigil_diagnosis *diagnosis(void)
{
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, &d), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_set_bearing(d, BALLS, BALL_D, PITCH, 0.0), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, 29.95), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID),
                     VIGIL_OK);
    return d;
}

/* Everything a decision reports, bit for bit. */
static void assert_same_decision(vigil_diagnosis *a, vigil_diagnosis *b, const char *what)
{
    const int fa = vigil_diagnosis_decide(a), fb = vigil_diagnosis_decide(b);
    if (fa != fb)
        fail_msg("%s: decision %d, twin %d", what, fa, fb);
    assert_true(fa >= 0);
    for (int k = 0; k < VIGIL_DIAG_VALUE_COUNT; k++) {
        const double va = vigil_diagnosis_value(a, k), vb = vigil_diagnosis_value(b, k);
        if (memcmp(&va, &vb, sizeof va) != 0)
            fail_msg("%s: value %d is %.17g, twin %.17g", what, k, va, vb);
    }
    for (int def = 0; def < VIGIL_DEFECT_COUNT; def++) {
        double ra[3], rb[3];
        assert_int_equal(vigil_diagnosis_line(a, def, 1, &ra[0], &ra[1], &ra[2]), VIGIL_OK);
        assert_int_equal(vigil_diagnosis_line(b, def, 1, &rb[0], &rb[1], &rb[2]), VIGIL_OK);
        if (memcmp(ra, rb, sizeof ra) != 0)
            fail_msg("%s: line %d differs from the twin's", what, def);
    }
    assert_string_equal(vigil_diagnosis_reason(a), vigil_diagnosis_reason(b));
}

/* ---- diagnosis: create and setters ------------------------------------------------------ */

static void test_diagnosis_create(void **state)
{
    (void)state;
    struct {
        double rate;
        size_t frame;
    } bad[] = {{0.0, 2048}, {-1.0, 2048}, {NAN, 2048}, {INFINITY, 2048},
               {RATE, VIGIL_DIAGNOSIS_FRAME_MIN - 1}, {RATE, 0},
               {RATE, (size_t)VIGIL_FRAME_MAX + 1}, {RATE, SIZE_MAX}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vigil_diagnosis *d = (vigil_diagnosis *)&d;
        assert_int_equal(vigil_diagnosis_create(bad[i].rate, bad[i].frame, &d), VIGIL_EINVAL);
        assert_null(d);
        assert_true(vigil_last_error()[0] != '\0');
    }
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, NULL), VIGIL_EINVAL);
}

enum dsetter { BEARING, SHAFT, SHAFT_RANGE, BAND, SEVERITY };

struct dsetter_case {
    const char *what;
    enum dsetter which;
    double a, b, c, e;
    int expect;
};

static const struct dsetter_case dsetter_cases[] = {
    {"bearing 0 balls", BEARING, 0, 0.3, 1.5, 0, VIGIL_EINVAL},
    {"bearing 9.5 balls", BEARING, 9.5, 0.3, 1.5, 0, VIGIL_EINVAL},
    {"bearing 1001 balls", BEARING, 1001, 0.3, 1.5, 0, VIGIL_EINVAL},
    {"bearing d NaN", BEARING, 9, NAN, 1.5, 0, VIGIL_EINVAL},
    {"bearing d 0", BEARING, 9, 0.0, 1.5, 0, VIGIL_EINVAL},
    {"bearing D == d", BEARING, 9, 0.3, 0.3, 0, VIGIL_EINVAL},
    {"bearing D inf", BEARING, 9, 0.3, INFINITY, 0, VIGIL_EINVAL},
    {"bearing d/D 1e-300", BEARING, 9, 1e-300, 1.0, 0, VIGIL_EINVAL},
    {"bearing angle 90", BEARING, 9, 0.3, 1.5, 90.0, VIGIL_EINVAL},
    {"bearing angle -1", BEARING, 9, 0.3, 1.5, -1.0, VIGIL_EINVAL},
    {"shaft -1 Hz", SHAFT, -1.0, 0, 0, 0, VIGIL_EINVAL},
    {"shaft NaN", SHAFT, NAN, 0, 0, 0, VIGIL_EINVAL},
    {"shaft at Nyquist", SHAFT, RATE / 2, 0, 0, 0, VIGIL_EINVAL},
    {"shaft inf", SHAFT, INFINITY, 0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo 0", SHAFT_RANGE, 0.0, 30.0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo negative", SHAFT_RANGE, -5.0, 30.0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo == hi", SHAFT_RANGE, 30.0, 30.0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo > hi", SHAFT_RANGE, 31.0, 29.0, 0, 0, VIGIL_EINVAL},
    {"shaft range NaN", SHAFT_RANGE, NAN, 30.0, 0, 0, VIGIL_EINVAL},
    {"shaft range hi inf", SHAFT_RANGE, 10.0, INFINITY, 0, 0, VIGIL_EINVAL},
    {"shaft range hi at Nyquist", SHAFT_RANGE, 10.0, RATE / 2, 0, 0, VIGIL_EINVAL},
    {"band lo > hi", BAND, 3000.0, 2000.0, 0, 0, VIGIL_EINVAL},
    {"band NaN", BAND, NAN, 2000.0, 0, 0, VIGIL_EINVAL},
    {"band of one bin", BAND, 1000.0, 1000.0 + RATE / FRAME, 0, 0, VIGIL_EINVAL},
    {"band negative", BAND, -10.0, 2000.0, 0, 0, VIGIL_EINVAL},
    {"severity units 0", SEVERITY, 0, VIGIL_ISO_GROUP1_RIGID, 0, 0, VIGIL_EINVAL},
    {"severity units 3", SEVERITY, 3, VIGIL_ISO_GROUP1_RIGID, 0, 0, VIGIL_EINVAL},
    {"severity class 0", SEVERITY, VIGIL_UNITS_G, 0, 0, 0, VIGIL_EINVAL},
    {"severity class 5", SEVERITY, VIGIL_UNITS_G, 5, 0, 0, VIGIL_EINVAL},
};

static int apply_dsetter(vigil_diagnosis *d, const struct dsetter_case *c)
{
    switch (c->which) {
    case BEARING: return vigil_diagnosis_set_bearing(d, c->a, c->b, c->c, c->e);
    case SHAFT: return vigil_diagnosis_set_shaft_hz(d, c->a);
    case SHAFT_RANGE: return vigil_diagnosis_set_shaft_range(d, c->a, c->b);
    case BAND: return vigil_diagnosis_set_band(d, c->a, c->b);
    case SEVERITY: return vigil_diagnosis_set_severity(d, (int)c->a, (int)c->b);
    }
    return VIGIL_OK;
}

/* A rejected setter leaves the configuration: the decision equals the twin's. After samples
 * are pushed even a valid setter is refused (ESTATE), with the same outcome. */
static void test_diagnosis_setters(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof dsetter_cases / sizeof *dsetter_cases; i++) {
        const struct dsetter_case *c = &dsetter_cases[i];
        vigil_diagnosis *d = diagnosis(), *twin = diagnosis();
        const int rc = apply_dsetter(d, c);
        if (rc != c->expect)
            fail_msg("diagnosis setter '%s': got %d, want %d", c->what, rc, c->expect);
        assert_true(vigil_last_error()[0] != '\0');
        assert_int_equal(vigil_diagnosis_push(d, x, NSAMP), VIGIL_OK);
        assert_int_equal(vigil_diagnosis_push(twin, x, NSAMP), VIGIL_OK);
        assert_same_decision(d, twin, c->what);
        if (apply_dsetter(NULL, c) != VIGIL_EINVAL)
            fail_msg("diagnosis setter '%s': NULL not rejected", c->what);
        vigil_diagnosis_destroy(d);
        vigil_diagnosis_destroy(twin);
    }
    static const struct dsetter_case late[] = {
        {"bearing after push", BEARING, 8, 0.3, 1.5, 0, VIGIL_ESTATE},
        {"shaft after push", SHAFT, 25.0, 0, 0, 0, VIGIL_ESTATE},
        {"shaft range after push", SHAFT_RANGE, 20.0, 40.0, 0, 0, VIGIL_ESTATE},
        {"band after push", BAND, 2000.0, 4000.0, 0, 0, VIGIL_ESTATE},
        {"severity after push", SEVERITY, VIGIL_UNITS_M_S2, 1, 0, 0, VIGIL_ESTATE},
    };
    for (size_t i = 0; i < sizeof late / sizeof *late; i++) {
        vigil_diagnosis *d = diagnosis(), *twin = diagnosis();
        assert_int_equal(vigil_diagnosis_push(d, x, 1000), VIGIL_OK);
        assert_int_equal(apply_dsetter(d, &late[i]), late[i].expect);
        assert_int_equal(vigil_diagnosis_push(d, x + 1000, NSAMP - 1000), VIGIL_OK);
        assert_int_equal(vigil_diagnosis_push(twin, x, NSAMP), VIGIL_OK);
        assert_same_decision(d, twin, late[i].what);
        vigil_diagnosis_destroy(d);
        vigil_diagnosis_destroy(twin);
    }
}

/* ---- diagnosis: rejected pushes mid-stream, queries ------------------------------------------ */

static void test_diagnosis_stream(void **state)
{
    (void)state;
    vigil_diagnosis *d = diagnosis(), *twin = diagnosis();
    const size_t split = 3 * FRAME + 77;
    assert_int_equal(vigil_diagnosis_push(d, x, split), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_push(twin, x, split), VIGIL_OK);
    double chunk[300];
    memcpy(chunk, x + split, sizeof chunk);
    chunk[299] = NAN;
    assert_int_equal(vigil_diagnosis_push(d, chunk, 300), VIGIL_ENONFINITE);
    assert_non_null(strstr(vigil_last_error(), "299"));
    chunk[299] = x[split + 299];
    chunk[0] = -INFINITY;
    assert_int_equal(vigil_diagnosis_push(d, chunk, 300), VIGIL_ENONFINITE);
    assert_int_equal(vigil_diagnosis_push(d, NULL, 5), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_push(d, NULL, 0), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_push(NULL, x, 5), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(d, VIGIL_DEFECT_BPFO, 1, NULL, NULL, NULL),
                     VIGIL_ESTATE); /* no decision yet */
    assert_int_equal(vigil_diagnosis_push(d, x + split, NSAMP - split), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_push(twin, x + split, NSAMP - split), VIGIL_OK);
    assert_same_decision(d, twin, "rejected pushes");
    /* line and value arguments out of range */
    double f;
    assert_int_equal(vigil_diagnosis_line(d, -1, 1, &f, NULL, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(d, VIGIL_DEFECT_COUNT, 1, &f, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(d, VIGIL_DEFECT_BPFO, 0, &f, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(d, VIGIL_DEFECT_BPFO, 4, &f, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(NULL, VIGIL_DEFECT_BPFO, 1, &f, NULL, NULL),
                     VIGIL_EINVAL);
    assert_true(vigil_diagnosis_value(d, -1) == 0.0);
    assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_VALUE_COUNT) == 0.0);
    assert_true(vigil_diagnosis_value(NULL, VIGIL_DIAG_FRAMES) == 0.0);
    assert_int_equal(vigil_diagnosis_decide(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_reset(NULL), VIGIL_EINVAL);
    assert_null(vigil_fault_name(-1));
    assert_null(vigil_fault_name(VIGIL_FAULT_COUNT));
    assert_null(vigil_defect_name(VIGIL_DEFECT_COUNT));
    vigil_diagnosis_destroy(NULL);
    /* reset: back to no frames; deciding needs a frame */
    assert_int_equal(vigil_diagnosis_reset(d), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_decide(d), VIGIL_ENODATA);
    assert_string_equal(vigil_diagnosis_reason(d), "");
    vigil_diagnosis_destroy(d);
    vigil_diagnosis_destroy(twin);

    /* pushing before the bearing is known */
    vigil_diagnosis *nb = NULL;
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, &nb), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_push(nb, x, 100), VIGIL_ESTATE);
    assert_int_equal(vigil_diagnosis_decide(nb), VIGIL_ENODATA);
    vigil_diagnosis_destroy(nb);
}

/* ---- extractor column groups: envelope, orders, severity ---------------------------------- */

static vigil_extractor *extractor(void)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(RATE, FRAME, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, FRAME / 2), VIGIL_OK);
    return ex;
}

enum gsetter { SET_BEARING, SET_SHAFT, SET_SHAFT_RANGE, ENVELOPE, ORDERS, SEVERITY_GROUP };

struct gsetter_case {
    const char *what;
    enum gsetter which;
    int with_bearing; /* set the geometry first */
    double a, b, c, e;
    int expect;
};

static const struct gsetter_case gsetter_cases[] = {
    {"envelope without bearing", ENVELOPE, 0, 0, 0, 0, 0, VIGIL_ESTATE},
    {"envelope band lo > hi", ENVELOPE, 1, 3000.0, 1000.0, 0, 0, VIGIL_EINVAL},
    {"envelope band NaN", ENVELOPE, 1, NAN, 1000.0, 0, 0, VIGIL_EINVAL},
    {"envelope band 1 bin", ENVELOPE, 1, 1000.0, 1000.0 + RATE / FRAME, 0, 0, VIGIL_EINVAL},
    {"envelope band negative", ENVELOPE, 1, -5.0, 1000.0, 0, 0, VIGIL_EINVAL},
    {"bearing 0 balls", SET_BEARING, 0, 0.0, 0.3, 1.5, 0, VIGIL_EINVAL},
    {"bearing d/D too small", SET_BEARING, 0, 9.0, 1e-9, 1.5, 0, VIGIL_EINVAL},
    {"bearing angle NaN", SET_BEARING, 0, 9.0, 0.3, 1.5, NAN, VIGIL_EINVAL},
    {"shaft negative", SET_SHAFT, 0, -3.0, 0, 0, 0, VIGIL_EINVAL},
    {"shaft at Nyquist", SET_SHAFT, 0, RATE / 2, 0, 0, 0, VIGIL_EINVAL},
    {"shaft NaN", SET_SHAFT, 0, NAN, 0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo 0", SET_SHAFT_RANGE, 0, 0.0, 30.0, 0, 0, VIGIL_EINVAL},
    {"shaft range lo > hi", SET_SHAFT_RANGE, 0, 31.0, 29.0, 0, 0, VIGIL_EINVAL},
    {"shaft range NaN", SET_SHAFT_RANGE, 0, 10.0, NAN, 0, 0, VIGIL_EINVAL},
    {"shaft range hi at Nyquist", SET_SHAFT_RANGE, 0, 10.0, RATE / 2, 0, 0, VIGIL_EINVAL},
    {"severity units 0", SEVERITY_GROUP, 0, 0, VIGIL_ISO_GROUP1_RIGID, 0, 0, VIGIL_EINVAL},
    {"severity class 9", SEVERITY_GROUP, 0, VIGIL_UNITS_G, 9, 0, 0, VIGIL_EINVAL},
};

static int apply_gsetter(vigil_extractor *ex, const struct gsetter_case *c)
{
    switch (c->which) {
    case SET_BEARING: return vigil_extractor_set_bearing(ex, c->a, c->b, c->c, c->e);
    case SET_SHAFT: return vigil_extractor_set_shaft_hz(ex, c->a);
    case SET_SHAFT_RANGE: return vigil_extractor_set_shaft_range(ex, c->a, c->b);
    case ENVELOPE: return vigil_extractor_enable_envelope(ex, c->a, c->b);
    case ORDERS: return vigil_extractor_enable_orders(ex);
    case SEVERITY_GROUP: return vigil_extractor_enable_severity(ex, (int)c->a, (int)c->b);
    }
    return VIGIL_OK;
}

static void stream_rows(vigil_extractor *ex, double *rows, size_t cap, size_t *n)
{
    const size_t nc = vigil_extractor_feature_count(ex);
    assert_int_equal(vigil_extractor_push(ex, x, NSAMP, NULL), VIGIL_OK);
    *n = 0;
    while (*n + nc <= cap && vigil_extractor_pop(ex, rows + *n, cap - *n, NULL) == 1)
        *n += nc;
}

/* A rejected group setter adds no column and changes no row: the stream equals the twin's. */
static void test_group_setters(void **state)
{
    (void)state;
    enum { CAP = 64 * 64 };
    static double ra[CAP], rb[CAP];
    for (size_t i = 0; i < sizeof gsetter_cases / sizeof *gsetter_cases; i++) {
        const struct gsetter_case *c = &gsetter_cases[i];
        vigil_extractor *ex = extractor(), *twin = extractor();
        if (c->with_bearing) {
            assert_int_equal(vigil_extractor_set_bearing(ex, BALLS, BALL_D, PITCH, 0), VIGIL_OK);
            assert_int_equal(vigil_extractor_set_bearing(twin, BALLS, BALL_D, PITCH, 0), VIGIL_OK);
        }
        const size_t nc = vigil_extractor_feature_count(ex), mem = vigil_extractor_memory(ex);
        const int rc = apply_gsetter(ex, c);
        if (rc != c->expect)
            fail_msg("group setter '%s': got %d, want %d", c->what, rc, c->expect);
        assert_true(vigil_last_error()[0] != '\0');
        assert_int_equal(vigil_extractor_feature_count(ex), nc);
        assert_int_equal(vigil_extractor_memory(ex), mem);
        size_t na, nb;
        stream_rows(ex, ra, CAP, &na);
        stream_rows(twin, rb, CAP, &nb);
        assert_int_equal(na, nb);
        assert_true(na > 0);
        if (memcmp(ra, rb, na * sizeof *ra) != 0)
            fail_msg("group setter '%s': rows differ from the twin's", c->what);
        if (apply_gsetter(NULL, c) != VIGIL_EINVAL)
            fail_msg("group setter '%s': NULL extractor not rejected", c->what);
        vigil_extractor_destroy(ex);
        vigil_extractor_destroy(twin);
    }
    /* every group, after samples were pushed: ESTATE, no column added */
    vigil_extractor *ex = extractor();
    assert_int_equal(vigil_extractor_set_bearing(ex, BALLS, BALL_D, PITCH, 0), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, x, 10, NULL), VIGIL_OK);
    const size_t nc = vigil_extractor_feature_count(ex);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 0.0, 0.0), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_enable_orders(ex), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, VIGIL_ISO_GROUP1_RIGID),
                     VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_set_bearing(ex, 8, 0.3, 1.5, 0), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, 20.0), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_set_shaft_range(ex, 20.0, 40.0), VIGIL_ESTATE);
    assert_int_equal(vigil_extractor_feature_count(ex), nc);
    vigil_extractor_destroy(ex);
    /* severity needs the band 10-1000 Hz below Nyquist: a 20 Hz rate cannot */
    assert_int_equal(vigil_extractor_create(20.0, 64, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, VIGIL_ISO_GROUP1_RIGID),
                     VIGIL_EINVAL);
    vigil_extractor_destroy(ex);
}

/* ---- pure functions: bearing frequencies, zones, RUL ---------------------------------------- */

static void test_pure_functions(void **state)
{
    (void)state;
    double out[VIGIL_DEFECT_COUNT] = {-7, -7, -7, -7};
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, 30, NULL, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, 30, out, 3), VIGIL_ESPACE);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, -1, out, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, NAN, out, 4), VIGIL_EINVAL);
    assert_int_equal(vigil_bearing_frequencies(9, 0.3, 1.5, 0, 1e308, out, 4), VIGIL_EINVAL);
    for (int i = 0; i < VIGIL_DEFECT_COUNT; i++)
        assert_true(out[i] == -7.0); /* untouched */
    double n = -1, d = -1, p = -1, a = -1;
    assert_int_equal(vigil_parse_bearing(NULL, &n, &d, &p, &a), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bearing("n=9,d=1,D=2", NULL, &d, &p, &a), VIGIL_EINVAL);
    assert_int_equal(vigil_parse_bearing("n=9,d=1e-9,D=2", &n, &d, &p, &a), VIGIL_EFORMAT);
    assert_true(n == -1 && d == -1 && p == -1 && a == -1);

    const struct {
        double v;
        int cls;
    } bad_zone[] = {{NAN, 1}, {-0.1, 1}, {INFINITY, 1}, {1.0, 0}, {1.0, 5}, {1.0, -1}};
    for (size_t i = 0; i < sizeof bad_zone / sizeof *bad_zone; i++)
        assert_int_equal(vigil_severity_zone(bad_zone[i].v, bad_zone[i].cls), VIGIL_EINVAL);
    double lim = -7;
    assert_int_equal(vigil_severity_limit(1, 0, &lim), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_limit(1, 4, &lim), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_limit(0, 1, &lim), VIGIL_EINVAL);
    assert_int_equal(vigil_severity_limit(1, 1, NULL), VIGIL_EINVAL);
    assert_true(lim == -7.0);

    /* RUL: a clean exponential history, then each bad variant of it */
    double t[12], h[12];
    for (int i = 0; i < 12; i++) {
        t[i] = i;
        h[i] = 1.0 + 0.05 * exp(0.4 * i);
    }
    double r = -7, lo = -7, hi = -7, par[3] = {-7, -7, -7};
    assert_int_equal(vigil_rul_estimate(t, h, 12, 10.0, &r, &lo, &hi, par), VIGIL_OK);
    assert_true(r > 0.0 && lo <= r && r <= hi);
    struct {
        const char *what;
        int field; /* 0 none, 1 t NaN, 2 h inf, 3 t not increasing, 4 t equal */
        size_t n;
        double thr;
        int null_out, expect;
    } rul_cases[] = {
        {"n 0", 0, 0, 10.0, 0, VIGIL_ENODATA},
        {"n 4", 0, VIGIL_RUL_MIN_POINTS - 1, 10.0, 0, VIGIL_ENODATA},
        {"threshold NaN", 0, 12, NAN, 0, VIGIL_EINVAL},
        {"threshold inf", 0, 12, INFINITY, 0, VIGIL_EINVAL},
        {"time NaN", 1, 12, 10.0, 0, VIGIL_EINVAL},
        {"value inf", 2, 12, 10.0, 0, VIGIL_EINVAL},
        {"times decreasing", 3, 12, 10.0, 0, VIGIL_EINVAL},
        {"times equal", 4, 12, 10.0, 0, VIGIL_EINVAL},
        {"rul NULL", 0, 12, 10.0, 1, VIGIL_EINVAL},
    };
    for (size_t i = 0; i < sizeof rul_cases / sizeof *rul_cases; i++) {
        double tt[12], hh[12];
        memcpy(tt, t, sizeof tt);
        memcpy(hh, h, sizeof hh);
        switch (rul_cases[i].field) {
        case 1: tt[6] = NAN; break;
        case 2: hh[3] = INFINITY; break;
        case 3: tt[7] = 2.0; break;
        case 4: tt[7] = tt[6]; break;
        default: break;
        }
        r = lo = hi = -7;
        par[0] = par[1] = par[2] = -7;
        const int rc = vigil_rul_estimate(tt, hh, rul_cases[i].n, rul_cases[i].thr,
                                          rul_cases[i].null_out ? NULL : &r, &lo, &hi, par);
        if (rc != rul_cases[i].expect)
            fail_msg("rul '%s': got %d, want %d", rul_cases[i].what, rc, rul_cases[i].expect);
        if (r != -7 || lo != -7 || hi != -7 || par[0] != -7 || par[1] != -7 || par[2] != -7)
            fail_msg("rul '%s': outputs written on failure", rul_cases[i].what);
    }
    assert_int_equal(vigil_rul_estimate(NULL, h, 12, 10.0, &r, &lo, &hi, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_rul_estimate(t, NULL, 12, 10.0, &r, &lo, &hi, NULL), VIGIL_EINVAL);
    /* a flat history has no trend: refused, outputs untouched */
    for (int i = 0; i < 12; i++)
        h[i] = 1.0 + 0.01 * ((i * 7) % 3);
    r = -7;
    assert_int_equal(vigil_rul_estimate(t, h, 12, 10.0, &r, &lo, &hi, NULL), VIGIL_ENOTREND);
    assert_true(r == -7.0);
}

int main(void)
{
    make_signal();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diagnosis_create),
        cmocka_unit_test(test_diagnosis_setters),
        cmocka_unit_test(test_diagnosis_stream),
        cmocka_unit_test(test_group_setters),
        cmocka_unit_test(test_pure_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
