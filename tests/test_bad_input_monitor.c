/* Bad input for the monitor, its saved models, drift, alarm and common mode (issue 7),
 * table-driven like test_bad_input.c (which covers the extractor, parsers and reader).
 *
 * The yardstick is a twin that never saw the bad call:
 *   - configuration: a rejected setter leaves the monitor as it was: once fitted, its saved
 *     model is byte-identical to the twin's;
 *   - stream: a rejected score/update/learn in the middle of a stream changes nothing: every
 *     later score, health, state and event is bit-identical to the twin's, and the saved model
 *     (which an update changes) is byte-identical too. For every detector kind.
 *
 * NaN/inf policy under test (include/vigil/monitor.h): a row whose selected features hold NaN,
 * +-inf or a magnitude beyond VIGIL_VALUE_MAX is rejected with VIGIL_ENONFINITE and the model
 * is not touched (never "skip and count": the caller sees every bad row). Unselected columns
 * are not read. An accepted extreme-but-finite row never leaves a NaN anywhere. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vigil.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_rng.h"

static const char *const names[] = {"frame", "t_start", "rms", "peak", "kurtosis", "crest",
                                    "band_0_500"};
#define NC 7
#define NLEARN 60
#define NSCORE 40
#define SPLIT 17 /* where the bad call happens, with state (smoothing, window, events) built up */

static double learn_rows[NLEARN][NC], score_rows[NSCORE][NC];

static void make_rows(void)
{
    uint64_t s = 99;
    for (int i = 0; i < NLEARN + NSCORE; i++) {
        double *r = i < NLEARN ? learn_rows[i] : score_rows[i - NLEARN];
        const double fault = i >= NLEARN + 25 ? 1.0 + 0.1 * (i - NLEARN - 25) : 1.0;
        r[0] = r[1] = i;
        r[2] = fault * (1.0 + 0.03 * test_normal(&s));
        r[3] = 3.0 * r[2] * (1.0 + 0.05 * test_normal(&s));
        r[4] = 3.0 + 0.2 * test_normal(&s);
        r[5] = r[3] / r[2];
        r[6] = 0.2 * fault + 0.01 * test_normal(&s);
    }
}

static vigil_monitor *unfitted(int kind)
{
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(names, NC, kind, &m), VIGIL_OK);
    return m;
}

static void learn_and_fit(vigil_monitor *m)
{
    for (int i = 0; i < NLEARN; i++)
        assert_int_equal(vigil_monitor_learn(m, learn_rows[i], NC, 0), VIGIL_OK);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
}

static vigil_monitor *fitted(int kind)
{
    vigil_monitor *m = unfitted(kind);
    learn_and_fit(m);
    return m;
}

static unsigned char *blob(const vigil_monitor *m, size_t *n)
{
    assert_int_equal(vigil_monitor_save_size(m, n), VIGIL_OK);
    unsigned char *b = malloc(*n);
    size_t w;
    assert_non_null(b);
    assert_int_equal(vigil_monitor_save(m, b, *n, &w), VIGIL_OK);
    return b;
}

static void assert_same_model(const vigil_monitor *a, const vigil_monitor *b, const char *what)
{
    size_t na, nb;
    unsigned char *ba = blob(a, &na), *bb = blob(b, &nb);
    if (na != nb || memcmp(ba, bb, na) != 0)
        fail_msg("%s: the saved model differs from the twin's", what);
    free(ba);
    free(bb);
}

/* Score rows [from, to) on both; everything observable must be bit-identical. */
static void score_both(vigil_monitor *a, vigil_monitor *b, int from, int to, const char *what)
{
    for (int i = from; i < to; i++) {
        const int ra = vigil_monitor_score(a, score_rows[i], NC, 100.0 + i, 0);
        const int rb = vigil_monitor_score(b, score_rows[i], NC, 100.0 + i, 0);
        const double sa = vigil_monitor_last_score(a), sb = vigil_monitor_last_score(b);
        const double ha = vigil_monitor_last_health(a), hb = vigil_monitor_last_health(b);
        if (ra != rb || memcmp(&sa, &sb, sizeof sa) || memcmp(&ha, &hb, sizeof ha) ||
            vigil_monitor_event_count(a) != vigil_monitor_event_count(b))
            fail_msg("%s: row %d differs from the twin (state %d/%d, score %.17g/%.17g)", what,
                     i, ra, rb, sa, sb);
        assert_true(ra >= VIGIL_STATE_OK && ra <= VIGIL_STATE_ALARM);
        assert_false(isnan(sa));
    }
}

/* ---- create ----------------------------------------------------------------------------- */

static void test_create_args(void **state)
{
    (void)state;
    static const char *const dup[] = {"rms", "peak", "rms"};
    static const char *const empty[] = {"rms", ""};
    static const char *const null_name[] = {"rms", NULL};
    struct {
        const char *what;
        const char *const *names;
        size_t n;
        int kind, null_out, expect;
    } cases[] = {
        {"names NULL", NULL, 3, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"n 0", names, 0, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"n 4097", names, 4097, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"n SIZE_MAX", names, SIZE_MAX, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"kind 0", names, NC, 0, 0, VIGIL_EINVAL},
        {"kind 5", names, NC, 5, 0, VIGIL_EINVAL},
        {"kind -1", names, NC, -1, 0, VIGIL_EINVAL},
        {"duplicate name", dup, 3, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"empty name", empty, 2, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"NULL name", null_name, 2, VIGIL_DETECTOR_ZSCORE, 0, VIGIL_EINVAL},
        {"out NULL", names, NC, VIGIL_DETECTOR_ZSCORE, 1, VIGIL_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vigil_monitor *m = (vigil_monitor *)&m;
        const int rc = vigil_monitor_create(cases[i].names, cases[i].n, cases[i].kind,
                                            cases[i].null_out ? NULL : &m);
        if (rc != cases[i].expect)
            fail_msg("create '%s': got %d, want %d", cases[i].what, rc, cases[i].expect);
        if (!cases[i].null_out && m != NULL)
            fail_msg("create '%s': *out not NULL on failure", cases[i].what);
        assert_true(vigil_last_error()[0] != '\0');
    }
    vigil_monitor *m = (vigil_monitor *)&m;
    assert_int_equal(vigil_monitor_create_for_extractor(NULL, VIGIL_DETECTOR_ZSCORE, &m),
                     VIGIL_EINVAL);
    assert_null(m);
}

/* ---- setters: rejected values change nothing --------------------------------------------- */

enum which { SELECT, DIRECTION, CONDITIONS, SEED, QUANTILE, THR_MODE, SCALE_FLOOR, SMOOTHING,
             PERSISTENCE, HYSTERESIS, GAP, NOTE };

struct setter_case {
    const char *what;
    enum which which;
    int kind;
    const char *name; /* SELECT / DIRECTION */
    size_t a, b;      /* counts, k/n, relearn */
    double x;         /* a real parameter */
    int i;            /* direction, mode, policy */
    int expect;
};

static char long_note[4098];

static const char *const unknown_sel[] = {"rms", "no_such"};
static const char *const twice_sel[] = {"rms", "rms"};
static const char *const null_sel[] = {"rms", NULL};

static int apply_setter(vigil_monitor *m, const struct setter_case *c)
{
    switch (c->which) {
    case SELECT:
        if (!strcmp(c->name, "unknown")) return vigil_monitor_select(m, unknown_sel, 2);
        if (!strcmp(c->name, "twice")) return vigil_monitor_select(m, twice_sel, 2);
        if (!strcmp(c->name, "null")) return vigil_monitor_select(m, null_sel, 2);
        if (!strcmp(c->name, "NULL list")) return vigil_monitor_select(m, NULL, 1);
        return vigil_monitor_select(m, names, c->a); /* a: 0 or more than the columns */
    case DIRECTION: return vigil_monitor_set_direction(m, c->name, c->i);
    case CONDITIONS: return vigil_monitor_set_conditions(m, c->a);
    case SEED: return vigil_monitor_set_seed(m, (uint64_t)c->a);
    case QUANTILE: return vigil_monitor_set_quantile(m, c->x);
    case THR_MODE: return vigil_monitor_set_threshold_mode(m, c->i);
    case SCALE_FLOOR: return vigil_monitor_set_scale_floor(m, c->x);
    case SMOOTHING: return vigil_monitor_set_smoothing(m, c->x);
    case PERSISTENCE: return vigil_monitor_set_persistence(m, c->a, c->b);
    case HYSTERESIS: return vigil_monitor_set_hysteresis(m, c->a, c->x);
    case GAP: return vigil_monitor_set_gap(m, c->x, c->i, c->a);
    case NOTE: return vigil_monitor_set_note(m, c->name ? long_note : NULL);
    }
    return VIGIL_OK;
}

#define Z VIGIL_DETECTOR_ZSCORE
#define M VIGIL_DETECTOR_MAHALANOBIS
static const struct setter_case setter_cases[] = {
    {"select 0 names", SELECT, Z, "", 0, 0, 0, 0, VIGIL_EINVAL},
    {"select more than the columns", SELECT, Z, "", NC + 1, 0, 0, 0, VIGIL_EINVAL},
    {"select NULL list", SELECT, Z, "NULL list", 0, 0, 0, 0, VIGIL_EINVAL},
    {"select unknown name", SELECT, Z, "unknown", 0, 0, 0, 0, VIGIL_ENOTFOUND},
    {"select a name twice", SELECT, Z, "twice", 0, 0, 0, 0, VIGIL_EINVAL},
    {"select NULL name", SELECT, Z, "null", 0, 0, 0, 0, VIGIL_EINVAL},
    {"direction unknown feature", DIRECTION, Z, "no_such", 0, 0, 0, VIGIL_DIR_UP,
     VIGIL_ENOTFOUND},
    {"direction unselected column", DIRECTION, Z, "frame", 0, 0, 0, VIGIL_DIR_UP,
     VIGIL_ENOTFOUND},
    {"direction NULL name", DIRECTION, Z, NULL, 0, 0, 0, VIGIL_DIR_UP, VIGIL_EINVAL},
    {"direction 3", DIRECTION, Z, "rms", 0, 0, 0, 3, VIGIL_EINVAL},
    {"direction -1", DIRECTION, Z, "rms", 0, 0, 0, -1, VIGIL_EINVAL},
    {"conditions 0", CONDITIONS, Z, NULL, 0, 0, 0, 0, VIGIL_EINVAL},
    {"conditions 65", CONDITIONS, Z, NULL, VIGIL_CONDITIONS_MAX + 1, 0, 0, 0, VIGIL_EINVAL},
    {"conditions SIZE_MAX", CONDITIONS, Z, NULL, SIZE_MAX, 0, 0, 0, VIGIL_EINVAL},
    {"quantile 0.49", QUANTILE, Z, NULL, 0, 0, 0.49, 0, VIGIL_EINVAL},
    {"quantile 1", QUANTILE, Z, NULL, 0, 0, 1.0, 0, VIGIL_EINVAL},
    {"quantile NaN", QUANTILE, Z, NULL, 0, 0, NAN, 0, VIGIL_EINVAL},
    {"threshold mode 3", THR_MODE, Z, NULL, 0, 0, 0, 3, VIGIL_EINVAL},
    {"threshold mode chi2 for z-score", THR_MODE, Z, NULL, 0, 0, 0, VIGIL_THRESHOLD_CHI2,
     VIGIL_EINVAL},
    {"scale floor -0.1", SCALE_FLOOR, Z, NULL, 0, 0, -0.1, 0, VIGIL_EINVAL},
    {"scale floor 1.5", SCALE_FLOOR, Z, NULL, 0, 0, 1.5, 0, VIGIL_EINVAL},
    {"scale floor NaN", SCALE_FLOOR, Z, NULL, 0, 0, NAN, 0, VIGIL_EINVAL},
    {"smoothing 0", SMOOTHING, Z, NULL, 0, 0, 0.0, 0, VIGIL_EINVAL},
    {"smoothing 1.5", SMOOTHING, Z, NULL, 0, 0, 1.5, 0, VIGIL_EINVAL},
    {"smoothing -inf", SMOOTHING, Z, NULL, 0, 0, -INFINITY, 0, VIGIL_EINVAL},
    {"persistence k 0", PERSISTENCE, Z, NULL, 0, 5, 0, 0, VIGIL_EINVAL},
    {"persistence k > n", PERSISTENCE, Z, NULL, 6, 5, 0, 0, VIGIL_EINVAL},
    {"persistence n 65", PERSISTENCE, Z, NULL, 3, VIGIL_ALARM_WINDOW_MAX + 1, 0, 0,
     VIGIL_EINVAL},
    {"persistence n SIZE_MAX", PERSISTENCE, Z, NULL, 3, SIZE_MAX, 0, 0, VIGIL_EINVAL},
    {"hysteresis k_warn 0", HYSTERESIS, Z, NULL, 0, 0, 0.8, 0, VIGIL_EINVAL},
    {"hysteresis k_warn > k", HYSTERESIS, Z, NULL, 4, 0, 0.8, 0, VIGIL_EINVAL},
    {"hysteresis ratio 0", HYSTERESIS, Z, NULL, 2, 0, 0.0, 0, VIGIL_EINVAL},
    {"hysteresis ratio 1.01", HYSTERESIS, Z, NULL, 2, 0, 1.01, 0, VIGIL_EINVAL},
    {"hysteresis ratio NaN", HYSTERESIS, Z, NULL, 2, 0, NAN, 0, VIGIL_EINVAL},
    {"gap NaN", GAP, Z, NULL, 20, 0, NAN, VIGIL_GAP_KEEP, VIGIL_EINVAL},
    {"gap negative", GAP, Z, NULL, 20, 0, -1.0, VIGIL_GAP_KEEP, VIGIL_EINVAL},
    {"gap policy 2", GAP, Z, NULL, 20, 0, 10.0, 2, VIGIL_EINVAL},
    {"gap relearn 0", GAP, Z, NULL, 0, 0, 10.0, VIGIL_GAP_REREF, VIGIL_EINVAL},
    {"gap relearn 65537", GAP, Z, NULL, 65537, 0, 10.0, VIGIL_GAP_REREF, VIGIL_EINVAL},
    {"note NULL", NOTE, Z, NULL, 0, 0, 0, 0, VIGIL_EINVAL},
    {"note of 4097 bytes", NOTE, Z, "long", 0, 0, 0, 0, VIGIL_EINVAL},
    {"mahalanobis quantile NaN", QUANTILE, M, NULL, 0, 0, NAN, 0, VIGIL_EINVAL},
};

/* Setters that are only allowed before learning or fit: ESTATE afterwards, nothing changed. */
static const struct setter_case late_cases[] = {
    {"select after learning", SELECT, Z, "", 3, 0, 0, 0, VIGIL_ESTATE},
    {"conditions after learning", CONDITIONS, Z, NULL, 2, 0, 0, 0, VIGIL_ESTATE},
    {"direction after fit", DIRECTION, Z, "rms", 0, 0, 0, VIGIL_DIR_BOTH, VIGIL_ESTATE},
    {"seed after fit", SEED, Z, NULL, 7, 0, 0, 0, VIGIL_ESTATE},
    {"quantile after fit", QUANTILE, Z, NULL, 0, 0, 0.9, 0, VIGIL_ESTATE},
    {"threshold mode after fit", THR_MODE, M, NULL, 0, 0, 0, VIGIL_THRESHOLD_CHI2,
     VIGIL_ESTATE},
    {"scale floor after fit", SCALE_FLOOR, Z, NULL, 0, 0, 0.1, 0, VIGIL_ESTATE},
    {"smoothing after fit", SMOOTHING, Z, NULL, 0, 0, 0.5, 0, VIGIL_ESTATE},
    {"relearn count after fit", GAP, Z, NULL, 7, 0, 0.0, VIGIL_GAP_REREF, VIGIL_ESTATE},
};
#undef Z
#undef M

static void test_setter_args(void **state)
{
    (void)state;
    memset(long_note, 'x', sizeof long_note - 1);
    for (size_t i = 0; i < sizeof setter_cases / sizeof *setter_cases; i++) {
        const struct setter_case *c = &setter_cases[i];
        vigil_monitor *m = unfitted(c->kind), *twin = unfitted(c->kind);
        const size_t nf = vigil_monitor_feature_count(m);
        const int rc = apply_setter(m, c);
        if (rc != c->expect)
            fail_msg("setter '%s': got %d, want %d", c->what, rc, c->expect);
        assert_true(vigil_last_error()[0] != '\0');
        assert_int_equal(vigil_monitor_feature_count(m), nf);
        learn_and_fit(m);
        learn_and_fit(twin);
        assert_same_model(m, twin, c->what);
        score_both(m, twin, 0, NSCORE, c->what);
        vigil_monitor_destroy(m);
        vigil_monitor_destroy(twin);
        if (apply_setter(NULL, c) != VIGIL_EINVAL)
            fail_msg("setter '%s': NULL monitor not rejected", c->what);
    }
    for (size_t i = 0; i < sizeof late_cases / sizeof *late_cases; i++) {
        const struct setter_case *c = &late_cases[i];
        const int after_fit = strstr(c->what, "after fit") != NULL;
        vigil_monitor *m = unfitted(c->kind), *twin = unfitted(c->kind);
        if (after_fit) {
            learn_and_fit(m);
        } else {
            assert_int_equal(vigil_monitor_learn(m, learn_rows[0], NC, 0), VIGIL_OK);
        }
        const int rc = apply_setter(m, c);
        if (rc != c->expect)
            fail_msg("late setter '%s': got %d, want %d", c->what, rc, c->expect);
        if (!after_fit) {
            for (int r = 1; r < NLEARN; r++)
                assert_int_equal(vigil_monitor_learn(m, learn_rows[r], NC, 0), VIGIL_OK);
            assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
        }
        learn_and_fit(twin);
        assert_same_model(m, twin, c->what);
        score_both(m, twin, 0, NSCORE, c->what);
        vigil_monitor_destroy(m);
        vigil_monitor_destroy(twin);
    }
}

/* ---- rows: rejected calls in the middle of a stream ------------------------------------ */

static double bad_row[NC];

static void set_bad(int col, double v)
{
    memcpy(bad_row, score_rows[SPLIT], sizeof bad_row);
    bad_row[col] = v;
}

typedef int (*row_call)(vigil_monitor *m);

static int score_nan(vigil_monitor *m) { set_bad(2, NAN); return vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0); }
static int score_inf(vigil_monitor *m) { set_bad(4, INFINITY); return vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0); }
static int score_ninf(vigil_monitor *m) { set_bad(6, -INFINITY); return vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0); }
static int score_huge(vigil_monitor *m) { set_bad(3, 1e151); return vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0); }
static int score_dblmax(vigil_monitor *m) { set_bad(2, -DBL_MAX); return vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0); }
static int score_short(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC - 1, 100.0 + SPLIT, 0); }
static int score_long(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC + 14, 100.0 + SPLIT, 0); }
static int score_size_max(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], SIZE_MAX, 100.0 + SPLIT, 0); }
static int score_null(vigil_monitor *m) { return vigil_monitor_score(m, NULL, NC, 100.0 + SPLIT, 0); }
static int score_cond(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC, 100.0 + SPLIT, 1); }
static int score_cond_max(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC, 100.0 + SPLIT, SIZE_MAX); }
static int score_t_nan(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC, NAN, 0); }
static int score_t_inf(vigil_monitor *m) { return vigil_monitor_score(m, score_rows[SPLIT], NC, INFINITY, 0); }
static int update_nan(vigil_monitor *m) { set_bad(5, NAN); return vigil_monitor_update(m, bad_row, NC, 0); }
static int update_huge(vigil_monitor *m) { set_bad(2, -1e200); return vigil_monitor_update(m, bad_row, NC, 0); }
static int update_short(vigil_monitor *m) { return vigil_monitor_update(m, score_rows[SPLIT], 3, 0); }
static int update_null(vigil_monitor *m) { return vigil_monitor_update(m, NULL, NC, 0); }
static int update_cond(vigil_monitor *m) { return vigil_monitor_update(m, score_rows[SPLIT], NC, 64); }
static int learn_after_fit(vigil_monitor *m) { return vigil_monitor_learn(m, score_rows[SPLIT], NC, 0); }
static int fit_again(vigil_monitor *m) { return vigil_monitor_fit(m); }
static int threshold_bad(vigil_monitor *m) { return vigil_monitor_set_threshold(m, 0, NAN); }
static int threshold_zero(vigil_monitor *m) { return vigil_monitor_set_threshold(m, 0, 0.0); }
static int threshold_cond(vigil_monitor *m) { return vigil_monitor_set_threshold(m, 1, 3.0); }
static int persistence_bad(vigil_monitor *m) { return vigil_monitor_set_persistence(m, 9, 5); }
static int gap_bad(vigil_monitor *m) { return vigil_monitor_set_gap(m, -5.0, VIGIL_GAP_KEEP, 20); }
static int nan_unselected(vigil_monitor *m)
{
    /* NaN in an unselected column (frame): ignored, and the row is scored like the original */
    set_bad(0, NAN);
    const int rc = vigil_monitor_score(m, bad_row, NC, 100.0 + SPLIT, 0);
    return rc >= 0 ? 1000 + rc : rc;
}

struct row_case {
    const char *what;
    row_call call;
    int expect;   /* the status; >= 1000: accepted, and the row counts as scored */
};

static const struct row_case row_cases[] = {
    {"score NaN in a selected column", score_nan, VIGIL_ENONFINITE},
    {"score +inf", score_inf, VIGIL_ENONFINITE},
    {"score -inf", score_ninf, VIGIL_ENONFINITE},
    {"score 1e151 (beyond VIGIL_VALUE_MAX)", score_huge, VIGIL_ENONFINITE},
    {"score -DBL_MAX", score_dblmax, VIGIL_ENONFINITE},
    {"score n - 1 columns", score_short, VIGIL_EMISMATCH},
    {"score 21 columns for 7 (other extractor configuration)", score_long, VIGIL_EMISMATCH},
    {"score SIZE_MAX columns", score_size_max, VIGIL_EMISMATCH},
    {"score NULL row", score_null, VIGIL_EINVAL},
    {"score condition 1 of 1", score_cond, VIGIL_EINVAL},
    {"score condition SIZE_MAX", score_cond_max, VIGIL_EINVAL},
    {"score time NaN", score_t_nan, VIGIL_ENONFINITE},
    {"score time +inf", score_t_inf, VIGIL_ENONFINITE},
    {"update NaN", update_nan, VIGIL_ENONFINITE},
    {"update -1e200", update_huge, VIGIL_ENONFINITE},
    {"update 3 columns", update_short, VIGIL_EMISMATCH},
    {"update NULL row", update_null, VIGIL_EINVAL},
    {"update condition 64", update_cond, VIGIL_EINVAL},
    {"learn after fit", learn_after_fit, VIGIL_ESTATE},
    {"fit twice", fit_again, VIGIL_ESTATE},
    {"threshold NaN", threshold_bad, VIGIL_EINVAL},
    {"threshold 0", threshold_zero, VIGIL_EINVAL},
    {"threshold of condition 1 of 1", threshold_cond, VIGIL_EINVAL},
    {"persistence k > n mid-stream", persistence_bad, VIGIL_EINVAL},
    {"gap negative mid-stream", gap_bad, VIGIL_EINVAL},
    {"NaN in an unselected column is ignored", nan_unselected, 1000},
};

static void test_midstream_rows(void **state)
{
    (void)state;
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++)
        for (size_t i = 0; i < sizeof row_cases / sizeof *row_cases; i++) {
            const struct row_case *c = &row_cases[i];
            vigil_monitor *m = fitted(kind), *twin = fitted(kind);
            score_both(m, twin, 0, SPLIT, c->what);
            int rc = c->call(m);
            int accepted = 0;
            if (rc >= 1000) {
                accepted = 1;
                rc = 1000;
            }
            if (rc != c->expect)
                fail_msg("kind %d, '%s': got %d, want %d (%s)", kind, c->what, rc, c->expect,
                         vigil_last_error());
            if (!accepted)
                assert_true(vigil_last_error()[0] != '\0');
            /* the twin scores the original row where an accepted call scored one */
            if (accepted)
                assert_true(vigil_monitor_score(twin, score_rows[SPLIT], NC, 100.0 + SPLIT, 0)
                            >= 0);
            score_both(m, twin, SPLIT + accepted, NSCORE, c->what);
            assert_same_model(m, twin, c->what);
            vigil_monitor_destroy(m);
            vigil_monitor_destroy(twin);
        }
}

/* An extreme but accepted row (within VIGIL_VALUE_MAX) alarms and leaves no NaN: the next
 * healthy rows score finitely, and an update with it either applies or leaves the model as it
 * was (VIGIL_ENONFINITE). */
static void test_extreme_rows(void **state)
{
    (void)state;
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++) {
        vigil_monitor *m = fitted(kind), *twin = fitted(kind);
        double row[NC];
        memcpy(row, score_rows[0], sizeof row);
        row[2] = VIGIL_VALUE_MAX;
        row[4] = -VIGIL_VALUE_MAX;
        for (int i = 0; i < 25; i++) { /* ALARM at the 25th exceedance (onset test) */
            const int rc = vigil_monitor_score(m, row, NC, i, 0);
            assert_true(rc >= 0);
            assert_false(isnan(vigil_monitor_last_score(m)));
            if (!(vigil_monitor_last_score(m) > vigil_monitor_last_threshold(m)))
                fail_msg("kind %d: extreme row scores %g, threshold %g", kind,
                         vigil_monitor_last_score(m), vigil_monitor_last_threshold(m));
        }
        assert_int_equal(vigil_monitor_state(m), VIGIL_STATE_ALARM);
        for (int i = 0; i < 20; i++) {
            assert_true(vigil_monitor_score(m, score_rows[i], NC, 10.0 + i, 0) >= 0);
            assert_true(isfinite(vigil_monitor_last_score(m)));
        }
        const int rc = vigil_monitor_update(m, row, NC, 0);
        assert_true(rc == VIGIL_OK || rc == VIGIL_ENONFINITE);
        if (rc == VIGIL_ENONFINITE)
            assert_same_model(m, twin, "rejected extreme update");
        vigil_monitor_destroy(m);
        vigil_monitor_destroy(twin);
    }
}

/* Learning: a rejected row is not learnt; the fitted model equals the twin's. */
static void test_learn_rejections(void **state)
{
    (void)state;
    vigil_monitor *m = unfitted(VIGIL_DETECTOR_MAHALANOBIS);
    vigil_monitor *twin = unfitted(VIGIL_DETECTOR_MAHALANOBIS);
    double row[NC];
    memcpy(row, learn_rows[5], sizeof row);
    row[3] = NAN;
    assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_ENONFINITE);
    row[3] = 2e150;
    assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_ENONFINITE);
    assert_int_equal(vigil_monitor_learn(m, learn_rows[5], NC + 1, 0), VIGIL_EMISMATCH);
    assert_int_equal(vigil_monitor_learn(m, learn_rows[5], NC, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_learn(m, NULL, NC, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_learn(NULL, learn_rows[5], NC, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_learned(m, 0), 0);
    /* too few rows: ENODATA, and the rows learnt so far are kept for a retry */
    for (int i = 0; i < 5; i++)
        assert_int_equal(vigil_monitor_learn(m, learn_rows[i], NC, 0), VIGIL_OK);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_ENODATA);
    assert_int_equal(vigil_monitor_learned(m, 0), 5);
    for (int i = 5; i < NLEARN; i++)
        assert_int_equal(vigil_monitor_learn(m, learn_rows[i], NC, 0), VIGIL_OK);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    learn_and_fit(twin);
    assert_same_model(m, twin, "learn rejections");
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(twin);
}

/* ---- queries: NULL, out of range, wrong state ----------------------------------------- */

static void test_queries(void **state)
{
    (void)state;
    vigil_monitor_destroy(NULL);
    assert_int_equal(vigil_monitor_column_count(NULL), 0);
    assert_int_equal(vigil_monitor_feature_count(NULL), 0);
    assert_null(vigil_monitor_feature_name(NULL, 0));
    assert_int_equal(vigil_monitor_direction(NULL, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_kind(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_conditions(NULL), 0);
    assert_null(vigil_monitor_note(NULL));
    assert_int_equal(vigil_monitor_learned(NULL, 0), 0);
    assert_int_equal(vigil_monitor_fit(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_fitted(NULL), 0);
    assert_true(isnan(vigil_monitor_last_score(NULL)));
    assert_true(isnan(vigil_monitor_threshold(NULL, 0)));
    assert_int_equal(vigil_monitor_state(NULL), VIGIL_STATE_OK);
    assert_int_equal(vigil_monitor_top_feature(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_event_count(NULL), 0);
    assert_int_equal(vigil_monitor_gaps(NULL), 0);
    assert_int_equal(vigil_monitor_reset(NULL), VIGIL_EINVAL);
    assert_null(vigil_monitor_drift(NULL, 0));
    double t, t2, spe;
    int from, to;
    assert_int_equal(vigil_monitor_next_event(NULL, &t, &from, &to), VIGIL_EINVAL);

    vigil_monitor *m = unfitted(VIGIL_DETECTOR_ZSCORE);
    const size_t nf = vigil_monitor_feature_count(m);
    assert_int_equal(nf, 5); /* rms, peak, kurtosis, crest, band_0_500 */
    assert_null(vigil_monitor_feature_name(m, nf));
    assert_null(vigil_monitor_feature_name(m, SIZE_MAX));
    assert_int_equal(vigil_monitor_direction(m, nf), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_learned(m, 1), 0);
    size_t n = 99, w = 99;
    unsigned char buf[64];
    assert_int_equal(vigil_monitor_save_size(m, &n), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_save(m, buf, sizeof buf, &w), VIGIL_ESTATE);
    assert_int_equal(w, 0);
    assert_int_equal(vigil_monitor_score(m, score_rows[0], NC, 0.0, 0), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_update(m, score_rows[0], NC, 0), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_set_threshold(m, 0, 3.0), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_save_file(m, "/tmp/never-written.mdl"), VIGIL_ESTATE);
    learn_and_fit(m);
    assert_int_equal(vigil_monitor_top_feature(m), VIGIL_ESTATE);
    size_t idx[8];
    double contrib[8];
    assert_int_equal(vigil_monitor_explain(m, idx, contrib, 8, &w), VIGIL_ESTATE);
    assert_int_equal(vigil_monitor_explain(m, NULL, contrib, 8, &w), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_explain(m, idx, contrib, 8, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_pca_stats(m, &t2, &spe), VIGIL_ESTATE); /* not PCA */
    assert_int_equal(vigil_monitor_pca_stats(m, NULL, &spe), VIGIL_EINVAL);
    assert_true(isnan(vigil_monitor_threshold(m, 1)));
    assert_null(vigil_monitor_drift(m, nf));
    assert_int_equal(vigil_monitor_next_event(m, NULL, &from, &to), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_next_event(m, &t, &from, &to), 0);
    assert_int_equal(vigil_monitor_save_size(m, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_save(m, NULL, 100, &w), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_save(m, buf, sizeof buf, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_save(m, buf, 0, &w), VIGIL_ESPACE);
    assert_int_equal(w, 0);
    assert_int_equal(vigil_monitor_save_file(m, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_save_file(m, ""), VIGIL_EINVAL);
    /* explain with a zero capacity writes nothing */
    assert_true(vigil_monitor_score(m, score_rows[0], NC, 0.0, 0) >= 0);
    assert_int_equal(vigil_monitor_explain(m, idx, contrib, 0, &w), VIGIL_OK);
    assert_int_equal(w, 0);
    vigil_monitor_destroy(m);
}

/* ---- loading: bad blobs, and a model used with another configuration ------------------- */

static void test_load_args(void **state)
{
    (void)state;
    vigil_monitor *m = fitted(VIGIL_DETECTOR_PCA), *l = (vigil_monitor *)&l;
    size_t n;
    unsigned char *b = blob(m, &n);
    assert_int_equal(vigil_monitor_load(NULL, n, &l), VIGIL_EINVAL);
    assert_null(l);
    assert_int_equal(vigil_monitor_load(b, n, NULL), VIGIL_EINVAL);
    l = (vigil_monitor *)&l;
    assert_int_equal(vigil_monitor_load(b, 0, &l), VIGIL_EFORMAT);
    assert_null(l);
    assert_int_equal(vigil_monitor_load(b, SIZE_MAX / 2, &l), VIGIL_EFORMAT); /* absurd length */
    assert_int_equal(vigil_monitor_load_file(NULL, &l), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_load_file("/tmp", &l), VIGIL_EIO);
    assert_int_equal(vigil_monitor_load_file("/nonexistent/x.mdl", NULL), VIGIL_EINVAL);
    /* (truncations, every bit flip and future versions: test_model_io.c; arbitrary bytes and
     * semantically corrupt payloads: fuzz/fuzz_model.c and its corpus, replayed in the suite) */
    free(b);
    vigil_monitor_destroy(m);
}

/* A model trained on one extractor configuration, used with rows of another: the row width
 * differs (VIGIL_EMISMATCH), or, when the width happens to agree, the column names tell (the
 * check an application makes with vigil_monitor_feature_name + vigil_extractor_feature_index,
 * as the vigil command does). */
static void test_other_configuration(void **state)
{
    (void)state;
    vigil_extractor *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(vigil_extractor_create(12000.0, 256, &a), VIGIL_OK);
    assert_int_equal(vigil_extractor_create(12000.0, 256, &b), VIGIL_OK);
    assert_int_equal(vigil_extractor_create(12000.0, 256, &c), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(b, 0.0, 500.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(c, 500.0, 1000.0), VIGIL_OK);
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create_for_extractor(b, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    const size_t na = vigil_extractor_feature_count(a), nb = vigil_extractor_feature_count(b);
    assert_int_equal(vigil_monitor_column_count(m), nb);
    double row[64] = {0};
    uint64_t s = 3;
    for (int i = 0; i < NLEARN; i++) {
        for (size_t k = 0; k < nb; k++)
            row[k] = 1.0 + 0.1 * test_uniform(&s);
        assert_int_equal(vigil_monitor_learn(m, row, nb, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    size_t n;
    unsigned char *bl = blob(m, &n);
    vigil_monitor *l = NULL;
    assert_int_equal(vigil_monitor_load(bl, n, &l), VIGIL_OK);
    assert_int_equal(vigil_monitor_score(l, row, na, 0.0, 0), VIGIL_EMISMATCH);
    assert_non_null(strstr(vigil_last_error(), "columns"));
    /* same width, other bands: every selected name must exist in the extractor */
    int missing = 0;
    for (size_t i = 0; i < vigil_monitor_feature_count(l); i++)
        missing += vigil_extractor_feature_index(c, vigil_monitor_feature_name(l, i)) < 0;
    assert_int_equal(missing, 1); /* band_0_500 */
    for (size_t i = 0; i < vigil_monitor_feature_count(l); i++)
        assert_true(vigil_extractor_feature_index(b, vigil_monitor_feature_name(l, i)) >= 0);
    free(bl);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(l);
    vigil_extractor_destroy(a);
    vigil_extractor_destroy(b);
    vigil_extractor_destroy(c);
}

/* ---- drift --------------------------------------------------------------------------------- */

static void test_drift(void **state)
{
    (void)state;
    struct {
        double horizon;
        size_t cap;
    } bad_create[] = {{0.0, 16}, {-1.0, 16}, {NAN, 16}, {INFINITY, 16}, {10.0, 0}, {10.0, 1},
                      {10.0, 1048577}, {10.0, SIZE_MAX}};
    for (size_t i = 0; i < sizeof bad_create / sizeof *bad_create; i++) {
        vigil_drift *d = (vigil_drift *)&d;
        assert_int_equal(vigil_drift_create(bad_create[i].horizon, bad_create[i].cap, &d),
                         VIGIL_EINVAL);
        assert_null(d);
    }
    assert_int_equal(vigil_drift_create(10.0, 16, NULL), VIGIL_EINVAL);

    /* rejected setters and updates in the middle of a stream: the twin agrees bit for bit */
    vigil_drift *d = NULL, *twin = NULL;
    assert_int_equal(vigil_drift_create(50.0, 64, &d), VIGIL_OK);
    assert_int_equal(vigil_drift_create(50.0, 64, &twin), VIGIL_OK);
    uint64_t s = 11;
    double v[200];
    for (int i = 0; i < 200; i++)
        v[i] = 5.0 + 0.2 * test_normal(&s) + (i > 120 ? 0.05 * (i - 120) : 0.0);
    for (int i = 0; i < 200; i++) {
        if (i == 60) {
            const int bad[] = {
                vigil_drift_update(d, 60.0, NAN), vigil_drift_update(d, 60.0, INFINITY),
                vigil_drift_update(d, 60.0, 1e151), vigil_drift_update(d, 60.0, -DBL_MAX),
                vigil_drift_update(d, NAN, 1.0), vigil_drift_update(d, -INFINITY, 1.0),
                vigil_drift_update(d, 10.0, 1.0), /* backwards */
                vigil_drift_set_tau(d, 0.0), vigil_drift_set_tau(d, NAN),
                vigil_drift_set_cusum(d, -1.0, 5.0), vigil_drift_set_cusum(d, 0.5, 0.0),
                vigil_drift_set_cusum(d, NAN, 5.0), vigil_drift_set_page_hinkley(d, -0.1, 10.0),
                vigil_drift_set_page_hinkley(d, 0.5, 0.0),
                vigil_drift_set_reference(d, 0.0, 0.0), vigil_drift_set_reference(d, INFINITY, 1.0),
                vigil_drift_set_gap(d, -1.0), vigil_drift_set_gap(d, NAN)};
            const int want[] = {VIGIL_ENONFINITE, VIGIL_ENONFINITE, VIGIL_ENONFINITE,
                                VIGIL_ENONFINITE, VIGIL_ENONFINITE, VIGIL_ENONFINITE,
                                VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL,
                                VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL,
                                VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL};
            for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
                if (bad[k] != want[k])
                    fail_msg("drift bad call %zu: got %d, want %d", k, bad[k], want[k]);
        }
        const int fa = vigil_drift_update(d, i, v[i]), fb = vigil_drift_update(twin, i, v[i]);
        assert_true(fa >= 0);
        assert_int_equal(fa, fb);
        const double la = vigil_drift_level(d), lb = vigil_drift_level(twin);
        const double sa = vigil_drift_slope(d), sb = vigil_drift_slope(twin);
        assert_memory_equal(&la, &lb, sizeof la);
        assert_memory_equal(&sa, &sb, sizeof sa);
    }
    double u1, l1, u2, l2;
    assert_int_equal(vigil_drift_cusum(d, &u1, &l1), VIGIL_OK);
    assert_int_equal(vigil_drift_cusum(twin, &u2, &l2), VIGIL_OK);
    assert_true(u1 == u2 && l1 == l2);
    assert_int_equal(vigil_drift_changes(d), vigil_drift_changes(twin));
    assert_int_equal(vigil_drift_points(d), vigil_drift_points(twin));
    assert_true(vigil_drift_points(d) <= 64); /* the ring is bounded by its capacity */
    assert_int_equal(vigil_drift_cusum(d, NULL, &l1), VIGIL_EINVAL);
    vigil_drift_destroy(d);
    vigil_drift_destroy(twin);

    /* NULL: neutral values */
    vigil_drift_destroy(NULL);
    assert_int_equal(vigil_drift_update(NULL, 0.0, 1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_drift_reset(NULL), VIGIL_EINVAL);
    assert_true(isnan(vigil_drift_level(NULL)));
    assert_true(isnan(vigil_drift_slope(NULL)));
    assert_int_equal(vigil_drift_points(NULL), 0);
    assert_int_equal(vigil_drift_changes(NULL), 0);
    assert_int_equal(vigil_drift_gaps(NULL), 0);
}

/* ---- alarm --------------------------------------------------------------------------------- */

static void test_alarm(void **state)
{
    (void)state;
    assert_int_equal(vigil_alarm_create(NULL), VIGIL_EINVAL);
    vigil_alarm *a = NULL, *twin = NULL;
    assert_int_equal(vigil_alarm_create(&a), VIGIL_OK);
    assert_int_equal(vigil_alarm_create(&twin), VIGIL_OK);
    const double scores[] = {0.5, 1.2, 1.5, 0.3, 2.0, 2.5, 3.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
                             1.1, 1.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
    const size_t ns = sizeof scores / sizeof *scores;
    for (size_t i = 0; i < ns; i++) {
        if (i == 5) {
            const int bad[] = {
                vigil_alarm_update(a, NAN, 1.0, 5.0), vigil_alarm_update(a, 1.0, 0.0, 5.0),
                vigil_alarm_update(a, 1.0, -1.0, 5.0), vigil_alarm_update(a, 1.0, NAN, 5.0),
                vigil_alarm_update(a, 1.0, INFINITY, 5.0), vigil_alarm_update(a, 1.0, 1.0, NAN),
                vigil_alarm_set_persistence(a, 0, 5), vigil_alarm_set_persistence(a, 6, 5),
                vigil_alarm_set_persistence(a, 3, VIGIL_ALARM_WINDOW_MAX + 1),
                vigil_alarm_set_hysteresis(a, 0, 0.8), vigil_alarm_set_hysteresis(a, 4, 0.8),
                vigil_alarm_set_hysteresis(a, 2, 0.0), vigil_alarm_set_hysteresis(a, 2, NAN),
                vigil_alarm_set_hysteresis(a, 2, 1.5)};
            const int want[] = {VIGIL_ENONFINITE, VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL,
                                VIGIL_EINVAL, VIGIL_ENONFINITE, VIGIL_EINVAL, VIGIL_EINVAL,
                                VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL, VIGIL_EINVAL,
                                VIGIL_EINVAL, VIGIL_EINVAL};
            for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
                if (bad[k] != want[k])
                    fail_msg("alarm bad call %zu: got %d, want %d", k, bad[k], want[k]);
        }
        assert_int_equal(vigil_alarm_update(a, scores[i], 1.0, (double)i),
                         vigil_alarm_update(twin, scores[i], 1.0, (double)i));
        assert_int_equal(vigil_alarm_event_count(a), vigil_alarm_event_count(twin));
    }
    assert_true(vigil_alarm_event_count(a) >= 2); /* the sequence raises and clears */
    double t;
    int from, to;
    assert_int_equal(vigil_alarm_next_event(a, NULL, &from, &to), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_next_event(a, &t, NULL, &to), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_event_count(a), vigil_alarm_event_count(twin));
    assert_int_equal(vigil_alarm_state(NULL), VIGIL_STATE_OK);
    assert_int_equal(vigil_alarm_event_count(NULL), 0);
    assert_int_equal(vigil_alarm_events_dropped(NULL), 0);
    assert_int_equal(vigil_alarm_reset(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_clear_window(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_update(NULL, 1.0, 1.0, 0.0), VIGIL_EINVAL);
    vigil_alarm_destroy(NULL);
    /* health: NaN score 0, threshold <= 0 or NaN 0, never NaN */
    assert_true(vigil_health(NAN, 1.0) == 0.0);
    assert_true(vigil_health(1.0, 0.0) == 0.0);
    assert_true(vigil_health(1.0, NAN) == 0.0);
    assert_true(vigil_health(INFINITY, 1.0) == 0.0);
    assert_true(vigil_health(-1.0, 1.0) == 1.0);
    vigil_alarm_destroy(a);
    vigil_alarm_destroy(twin);
}

/* ---- common mode: bad arguments leave out untouched ----------------------------------------- */

static void test_common_mode(void **state)
{
    (void)state;
    double row[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
    const int bad_modes[2] = {VIGIL_COMMON_RATIO, 3}, neg_modes[2] = {-1, 0};
    double nan_row[8] = {1, 2, 3, NAN, 5, 6, 7, 8}, neg_row[8] = {1, -2, -3, 4, -5, 6, -7, 8};
    struct {
        const char *what;
        const double *row;
        size_t groups, width;
        const int *modes;
        double *out;
        int expect;
    } cases[] = {
        {"row NULL", NULL, 4, 2, NULL, out, VIGIL_EINVAL},
        {"out NULL", row, 4, 2, NULL, NULL, VIGIL_EINVAL},
        {"1 group", row, 1, 8, NULL, out, VIGIL_EINVAL},
        {"65 groups", row, VIGIL_COMMON_GROUPS_MAX + 1, 1, NULL, out, VIGIL_EINVAL},
        {"width 0", row, 4, 0, NULL, out, VIGIL_EINVAL},
        {"width SIZE_MAX", row, 4, SIZE_MAX, NULL, out, VIGIL_EINVAL},
        {"groups x width overflows", row, 2, SIZE_MAX / 2 + 1, NULL, out, VIGIL_EINVAL},
        {"mode 3", row, 4, 2, bad_modes, out, VIGIL_EINVAL},
        {"mode -1", row, 4, 2, neg_modes, out, VIGIL_EINVAL},
        {"NaN value", nan_row, 4, 2, NULL, out, VIGIL_ENONFINITE},
        {"ratio of a negative median", neg_row, 4, 2, NULL, out, VIGIL_EFORMAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int k = 0; k < 8; k++)
            out[k] = -42.0;
        const int rc = vigil_common_mode(cases[i].row, cases[i].groups, cases[i].width,
                                         cases[i].modes, cases[i].out);
        if (rc != cases[i].expect)
            fail_msg("common mode '%s': got %d, want %d", cases[i].what, rc, cases[i].expect);
        for (int k = 0; k < 8; k++)
            if (out[k] != -42.0)
                fail_msg("common mode '%s': out written on failure", cases[i].what);
    }
    assert_int_equal(vigil_common_mode_kind_of(NULL), VIGIL_COMMON_DIFF);
    assert_int_equal(vigil_common_mode_kind_of(""), VIGIL_COMMON_DIFF);
}

int main(void)
{
    make_rows();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_args),
        cmocka_unit_test(test_setter_args),
        cmocka_unit_test(test_midstream_rows),
        cmocka_unit_test(test_extreme_rows),
        cmocka_unit_test(test_learn_rejections),
        cmocka_unit_test(test_queries),
        cmocka_unit_test(test_load_args),
        cmocka_unit_test(test_other_configuration),
        cmocka_unit_test(test_drift),
        cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_common_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
