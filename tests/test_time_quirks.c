/* The time-quirk policy of vigil_monitor_score() (include/vigil/monitor.h, enum vigil_counter;
 * docs/MODELS.md): tables of cases, each at the start, the middle and the end of a stream.
 *
 * The yardstick is a twin monitor fed the same rows with the quirk replaced by what the policy
 * says it means:
 *   - a step back (clock set back by an hour) or a repeated time with other values starts a new
 *     segment "handled like a gap": the twin sees a forward jump longer than the gap at the
 *     same row; every score, threshold, health, state and event time offset must be identical;
 *   - an exact duplicate of the previous row is dropped: the twin never sees it;
 *   - a forward jump is a gap: the row after it scores as the first row of a freshly reset
 *     monitor (smoothing and persistence restart), the alarm state is kept.
 * The stream holds a fault from row 25 on, so the middle cases happen in alarm and the state
 * carried over the quirk matters. */
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

static const char *const names[] = {"frame", "t_start", "rms", "peak", "kurtosis", "band_0_500"};
#define NC 6
#define NLEARN 60
#define NSCORE 60
#define DT 10.0      /* seconds between rows */
#define GAP 100.0    /* the gap set on every monitor */
#define JUMP 1.0e6   /* a forward jump, far beyond the gap */
#define HOUR 3600.0

static double learn_rows[NLEARN][NC], score_rows[NSCORE][NC];

static void make_rows(void)
{
    uint64_t s = 7;
    for (int i = 0; i < NLEARN + NSCORE; i++) {
        double *r = i < NLEARN ? learn_rows[i] : score_rows[i - NLEARN];
        const double fault = i >= NLEARN + 25 ? 1.5 + 0.05 * (i - NLEARN - 25) : 1.0;
        r[0] = r[1] = i;
        r[2] = fault * (1.0 + 0.03 * test_normal(&s));
        r[3] = 3.0 * r[2] * (1.0 + 0.05 * test_normal(&s));
        r[4] = 3.0 + 0.2 * test_normal(&s);
        r[5] = 0.2 * fault + 0.01 * test_normal(&s);
    }
}

static vigil_monitor *fitted(int kind)
{
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(names, NC, kind, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_gap(m, GAP, VIGIL_GAP_KEEP, 20), VIGIL_OK);
    for (int r = 0; r < NLEARN; r++)
        assert_int_equal(vigil_monitor_learn(m, learn_rows[r], NC, 0), VIGIL_OK);
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

enum quirk { STEP_BACK, REPEAT, DUPLICATE, JUMP_FORWARD };

struct quirk_case {
    const char *what;
    enum quirk quirk;
    int at;        /* the row the quirk happens at (1: start, NSCORE / 2: middle, last: end) */
    size_t steps_back, repeats, duplicates, gaps; /* expected counters */
};

static const struct quirk_case cases[] = {
    {"step back at the start", STEP_BACK, 1, 1, 0, 0, 0},
    {"step back in the middle", STEP_BACK, NSCORE / 2, 1, 0, 0, 0},
    {"step back at the end", STEP_BACK, NSCORE - 1, 1, 0, 0, 0},
    {"repeated time at the start", REPEAT, 1, 0, 1, 0, 0},
    {"repeated time in the middle", REPEAT, NSCORE / 2, 0, 1, 0, 0},
    {"repeated time at the end", REPEAT, NSCORE - 1, 0, 1, 0, 0},
    {"duplicate at the start", DUPLICATE, 1, 0, 0, 1, 0},
    {"duplicate in the middle", DUPLICATE, NSCORE / 2, 0, 0, 1, 0},
    {"duplicate at the end", DUPLICATE, NSCORE - 1, 0, 0, 1, 0},
    {"forward jump at the start", JUMP_FORWARD, 1, 0, 0, 0, 1},
    {"forward jump in the middle", JUMP_FORWARD, NSCORE / 2, 0, 0, 0, 1},
    {"forward jump at the end", JUMP_FORWARD, NSCORE - 1, 0, 0, 0, 1},
};

/* Time of row i in the stream with the quirk, and in the twin's. */
static double quirk_time(const struct quirk_case *c, int i)
{
    const double t = 1000.0 + DT * i;
    if (i < c->at)
        return t;
    switch (c->quirk) {
    case STEP_BACK: return t - HOUR;
    case REPEAT: return i == c->at ? t - DT : t;
    case JUMP_FORWARD: return t + JUMP;
    default: return t;
    }
}

static double twin_time(const struct quirk_case *c, int i)
{
    const double t = 1000.0 + DT * i;
    if (c->quirk == DUPLICATE || i < c->at)
        return t;
    return t + JUMP; /* every segment start is a forward gap for the twin */
}

static void assert_same_row(vigil_monitor *m, vigil_monitor *twin, int sm, int st,
                            const char *what, int i)
{
    if (sm != st)
        fail_msg("%s, row %d: state %d, twin %d", what, i, sm, st);
    const double a[3] = {vigil_monitor_last_score(m), vigil_monitor_last_threshold(m),
                         vigil_monitor_last_health(m)};
    const double b[3] = {vigil_monitor_last_score(twin), vigil_monitor_last_threshold(twin),
                         vigil_monitor_last_health(twin)};
    if (memcmp(a, b, sizeof a) != 0)
        fail_msg("%s, row %d: score %.17g, twin %.17g", what, i, a[0], b[0]);
}

static void test_quirk_table(void **state)
{
    (void)state;
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++)
        for (size_t q = 0; q < sizeof cases / sizeof *cases; q++) {
            const struct quirk_case *c = &cases[q];
            vigil_monitor *m = fitted(kind), *twin = fitted(kind);
            for (int i = 0; i < NSCORE; i++) {
                const int sm = vigil_monitor_score(m, score_rows[i], NC, quirk_time(c, i), 0);
                if (sm < 0)
                    fail_msg("kind %d, %s, row %d: rejected (%s)", kind, c->what, i,
                             vigil_last_error());
                const int st = vigil_monitor_score(twin, score_rows[i], NC, twin_time(c, i), 0);
                assert_true(st >= 0);
                assert_same_row(m, twin, sm, st, c->what, i);
                if (c->quirk == DUPLICATE && i == c->at - 1) {
                    /* the same row again: dropped, the state returned, nothing changes */
                    const double before = vigil_monitor_last_score(m);
                    const int sd = vigil_monitor_score(m, score_rows[i], NC, quirk_time(c, i), 0);
                    assert_int_equal(sd, sm);
                    assert_true(vigil_monitor_last_score(m) == before);
                }
            }
            /* the same state changes, at the same rows */
            assert_int_equal(vigil_monitor_event_count(m), vigil_monitor_event_count(twin));
            double tm, tt;
            int fm, tom, ft, tot;
            while (vigil_monitor_next_event(m, &tm, &fm, &tom) == 1) {
                assert_int_equal(vigil_monitor_next_event(twin, &tt, &ft, &tot), 1);
                assert_int_equal(fm, ft);
                assert_int_equal(tom, tot);
            }
            const size_t segments = 1 + c->steps_back + c->repeats + c->gaps;
            if (vigil_monitor_counter(m, VIGIL_COUNTER_STEPS_BACK) != c->steps_back ||
                vigil_monitor_counter(m, VIGIL_COUNTER_REPEATS) != c->repeats ||
                vigil_monitor_counter(m, VIGIL_COUNTER_DUPLICATES) != c->duplicates ||
                vigil_monitor_counter(m, VIGIL_COUNTER_GAPS) != c->gaps ||
                vigil_monitor_counter(m, VIGIL_COUNTER_SEGMENTS) != segments ||
                vigil_monitor_counter(m, VIGIL_COUNTER_SCORED) != NSCORE ||
                vigil_monitor_counter(m, VIGIL_COUNTER_REJECTED) != 0)
                fail_msg("kind %d, %s: counters steps_back %zu repeats %zu duplicates %zu gaps "
                         "%zu segments %zu scored %zu", kind, c->what,
                         vigil_monitor_counter(m, VIGIL_COUNTER_STEPS_BACK),
                         vigil_monitor_counter(m, VIGIL_COUNTER_REPEATS),
                         vigil_monitor_counter(m, VIGIL_COUNTER_DUPLICATES),
                         vigil_monitor_counter(m, VIGIL_COUNTER_GAPS),
                         vigil_monitor_counter(m, VIGIL_COUNTER_SEGMENTS),
                         vigil_monitor_counter(m, VIGIL_COUNTER_SCORED));
            assert_int_equal(vigil_monitor_gaps(m), c->gaps);
            vigil_monitor_destroy(m);
            vigil_monitor_destroy(twin);
        }
}

/* What "handled like a gap" means, against a fresh monitor: the row after a step back scores
 * as the first row after vigil_monitor_reset() (smoothing restarted), while the state stays as
 * it was (the fault has raised an alarm by row 55 and it is still up after the step). With the
 * z-score detector's smoothing, the same row without the step scores differently, so a policy
 * that did not restart the segment fails here. */
static void test_step_back_restarts_segment(void **state)
{
    (void)state;
    vigil_monitor *m = fitted(VIGIL_DETECTOR_ZSCORE), *fresh = fitted(VIGIL_DETECTOR_ZSCORE),
                  *plain = fitted(VIGIL_DETECTOR_ZSCORE);
    for (int i = 0; i < 55; i++) {
        assert_true(vigil_monitor_score(m, score_rows[i], NC, DT * i, 0) >= 0);
        assert_true(vigil_monitor_score(plain, score_rows[i], NC, DT * i, 0) >= 0);
    }
    assert_int_equal(vigil_monitor_state(m), VIGIL_STATE_ALARM);
    assert_int_equal(vigil_monitor_score(m, score_rows[55], NC, DT * 55 - HOUR, 0),
                     VIGIL_STATE_ALARM);
    assert_true(vigil_monitor_score(fresh, score_rows[55], NC, 0.0, 0) >= 0);
    assert_true(vigil_monitor_score(plain, score_rows[55], NC, DT * 55, 0) >= 0);
    assert_true(vigil_monitor_last_score(m) == vigil_monitor_last_score(fresh));
    assert_true(vigil_monitor_last_score(m) != vigil_monitor_last_score(plain));
    /* the drift trackers keep a clock that never goes back: they took the row */
    const vigil_drift *d = vigil_monitor_drift(m, 0);
    assert_non_null(d);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(fresh);
    vigil_monitor_destroy(plain);
}

/* A NaN row is still rejected with its status (and counted); the stream goes on. */
static void test_rejected_rows_counted(void **state)
{
    (void)state;
    vigil_monitor *m = fitted(VIGIL_DETECTOR_MAHALANOBIS);
    double bad[NC];
    memcpy(bad, score_rows[3], sizeof bad);
    bad[2] = NAN;
    for (int i = 0; i < 10; i++) {
        assert_true(vigil_monitor_score(m, score_rows[i], NC, DT * i, 0) >= 0);
        if (i == 4) {
            assert_int_equal(vigil_monitor_score(m, bad, NC, DT * i + 1.0, 0),
                             VIGIL_ENONFINITE);
            assert_int_equal(vigil_monitor_score(m, score_rows[i], NC, NAN, 0),
                             VIGIL_ENONFINITE);
        }
    }
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_REJECTED), 2);
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_SCORED), 10);
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_SEGMENTS), 1);
    assert_int_equal(vigil_monitor_counter(m, -1), 0);
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_COUNT), 0);
    assert_int_equal(vigil_monitor_counter(NULL, VIGIL_COUNTER_SCORED), 0);
    assert_string_equal(vigil_counter_name(VIGIL_COUNTER_STEPS_BACK), "steps_back");
    assert_null(vigil_counter_name(VIGIL_COUNTER_COUNT));
    assert_int_equal(vigil_monitor_reset(m), VIGIL_OK);
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_REJECTED), 0);
    assert_int_equal(vigil_monitor_counter(m, VIGIL_COUNTER_SEGMENTS), 0);
    vigil_monitor_destroy(m);
}

/* The pipeline keys of the alarm (monitor.alarm, .confirm, .confirm_time, .onset_p1,
 * .false_alarm): the default builds the onset test (ALARM at the 25th exceeding row), kofn the
 * 3-of-5 rule (ALARM at the 3rd), confirm_time holds the alarm back in time; bad values are
 * refused with the key's name. */
static void test_pipeline_alarm_keys(void **state)
{
    (void)state;
    const char *const setups[3][2] = {{"monitor.alarm", "cusum"}, {"monitor.alarm", "kofn"},
                                      {"monitor.confirm_time", "600"}};
    /* rows scored until ALARM: the 25th, the 3rd, and 600 s (60 rows of 10 s) after the
     * episode opened at the 3rd */
    const int want[3] = {25, 3, 63};
    for (int v = 0; v < 3; v++) {
        vigil_pipeline *p = NULL;
        assert_int_equal(vigil_pipeline_create(&p), VIGIL_OK);
        assert_int_equal(vigil_pipeline_set(p, "source", "rows"), VIGIL_OK);
        assert_int_equal(vigil_pipeline_set(p, setups[v][0], setups[v][1]), VIGIL_OK);
        vigil_monitor *m = NULL;
        assert_int_equal(vigil_pipeline_create_monitor(p, names, NC, &m), VIGIL_OK);
        for (int r = 0; r < NLEARN; r++)
            assert_int_equal(vigil_monitor_learn(m, learn_rows[r], NC, 0), VIGIL_OK);
        assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
        double row[NC];
        int i = 0, st = 0;
        for (; st != VIGIL_STATE_ALARM && i < 200; i++) {
            memcpy(row, score_rows[i % 20], sizeof row);
            row[2] *= 3.0; /* rms x3: every row exceeds */
            st = vigil_monitor_score(m, row, NC, DT * i, 0);
        }
        if (i != want[v])
            fail_msg("%s = %s: ALARM at row %d, want %d", setups[v][0], setups[v][1], i,
                     want[v]);
        vigil_monitor_destroy(m);
        vigil_pipeline_destroy(p);
    }
    /* saved and loaded with the model: the settings come back, as keys and in behaviour */
    vigil_monitor *m = fitted(VIGIL_DETECTOR_ZSCORE);
    assert_int_equal(vigil_monitor_set_confirm(m, 7, 60.0), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_alarm_rule(m, VIGIL_ALARM_KOFN), VIGIL_OK);
    size_t size = 0, written = 0;
    assert_int_equal(vigil_monitor_save_size(m, &size), VIGIL_OK);
    unsigned char *buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(vigil_monitor_save(m, buf, size, &written), VIGIL_OK);
    vigil_monitor *back = NULL;
    assert_int_equal(vigil_monitor_load(buf, written, &back), VIGIL_OK);
    free(buf);
    vigil_pipeline *spec = NULL;
    assert_int_equal(vigil_monitor_get_pipeline(back, &spec), VIGIL_OK);
    assert_string_equal(vigil_pipeline_string(spec, "monitor.alarm"), "kofn");
    assert_string_equal(vigil_pipeline_string(spec, "monitor.confirm"), "7");
    assert_string_equal(vigil_pipeline_string(spec, "monitor.confirm_time"), "60");
    vigil_pipeline_destroy(spec);
    double row[NC];
    int st = 0, i = 0;
    for (; st != VIGIL_STATE_ALARM && i < 50; i++) {
        memcpy(row, score_rows[i], sizeof row);
        row[2] *= 3.0;
        st = vigil_monitor_score(back, row, NC, DT * i, 0);
    }
    assert_int_equal(i, 3); /* k of n: the 3rd exceeding row */
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(back);

    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_pipeline_create(&p), VIGIL_OK);
    assert_int_equal(vigil_pipeline_set(p, "monitor.alarm", "sometimes"), VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "monitor.alarm"));
    assert_int_equal(vigil_pipeline_set(p, "monitor.confirm_time", "-1"), VIGIL_EINVAL);
    assert_int_equal(vigil_pipeline_set(p, "monitor.false_alarm", "1"), VIGIL_EINVAL);
    vigil_pipeline_destroy(p);
}

static int cmp_dbl(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* vigil_monitor_last_z: the baseline scales an explanation quotes, against the closed form of
 * the baseline (median, 1.4826 MAD floored at 5 % of the median: docs/MODELS.md) computed here
 * from the learnt rows; an UP feature below its median reads 0. */
static void test_last_z(void **state)
{
    (void)state;
    vigil_monitor *m = fitted(VIGIL_DETECTOR_ZSCORE);
    assert_true(isnan(vigil_monitor_last_z(m, 0)));
    assert_string_equal(vigil_monitor_feature_name(m, 0), "rms");
    double v[NLEARN], d[NLEARN];
    for (int r = 0; r < NLEARN; r++)
        v[r] = learn_rows[r][2];
    qsort(v, NLEARN, sizeof *v, cmp_dbl);
    const double md = 0.5 * (v[NLEARN / 2 - 1] + v[NLEARN / 2]);
    for (int r = 0; r < NLEARN; r++)
        d[r] = fabs(v[r] - md);
    qsort(d, NLEARN, sizeof *d, cmp_dbl);
    const double scale = fmax(1.4826 * 0.5 * (d[NLEARN / 2 - 1] + d[NLEARN / 2]), 0.05 * md);
    double row[NC];
    memcpy(row, score_rows[0], sizeof row);
    row[2] = md + 4.0 * scale;
    assert_true(vigil_monitor_score(m, row, NC, 0.0, 0) >= 0);
    assert_true(fabs(vigil_monitor_last_z(m, 0) - 4.0) < 1e-9);
    row[2] = md - 3.0 * scale; /* a fall of an UP feature is not a fault */
    assert_true(vigil_monitor_score(m, row, NC, DT, 0) >= 0);
    assert_true(vigil_monitor_last_z(m, 0) == 0.0);
    assert_true(isnan(vigil_monitor_last_z(m, 99)));
    assert_true(isnan(vigil_monitor_last_z(NULL, 0)));
    vigil_monitor_destroy(m);
}

/* A monitor saved with its stream state (VIGIL_SAVE_STREAM) in the middle of an onset-test
 * episode (WARN, the sum above h, the onset set) resumes it: the loaded monitor gives the same
 * states, onsets, events (kind and onset) and transients as the one that never stopped. */
static void test_stream_resumes_onset_test(void **state)
{
    (void)state;
    for (int at = 10; at <= 40; at += 30) { /* mid-episode (WARN), and in ALARM */
        vigil_monitor *m = fitted(VIGIL_DETECTOR_MAHALANOBIS), *l = NULL;
        double row[NC];
        int i = 0;
        for (; i < at; i++) {
            memcpy(row, score_rows[i % 20], sizeof row);
            row[2] *= i >= 5 ? 3.0 : 1.0;
            assert_true(vigil_monitor_score(m, row, NC, DT * i, 0) >= 0);
        }
        assert_int_equal(vigil_monitor_state(m), at == 10 ? VIGIL_STATE_WARN : VIGIL_STATE_ALARM);
        size_t size = 0, w = 0;
        assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
        unsigned char *b = malloc(size);
        assert_non_null(b);
        assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, b, size, &w), VIGIL_OK);
        assert_int_equal(vigil_monitor_load(b, w, &l), VIGIL_OK);
        free(b);
        assert_true(vigil_monitor_onset(l) == vigil_monitor_onset(m));
        for (; i < 80; i++) {
            memcpy(row, score_rows[i % 20], sizeof row);
            row[2] *= i < 45 ? 3.0 : 1.0; /* the fault, then healthy again: the alarm clears */
            const int sm = vigil_monitor_score(m, row, NC, DT * i, 0);
            const int sl = vigil_monitor_score(l, row, NC, DT * i, 0);
            assert_int_equal(sm, sl);
            const double om = vigil_monitor_onset(m), ol = vigil_monitor_onset(l);
            assert_true(om == ol || (isnan(om) && isnan(ol)));
        }
        vigil_alarm_event em, el;
        while (vigil_monitor_next_event_ex(m, &em) == 1) {
            assert_int_equal(vigil_monitor_next_event_ex(l, &el), 1);
            assert_true(em.t == el.t && em.from == el.from && em.to == el.to &&
                        em.kind == el.kind &&
                        (em.onset == el.onset || (isnan(em.onset) && isnan(el.onset))));
        }
        assert_int_equal(vigil_monitor_next_event_ex(l, &el), 0);
        assert_int_equal(vigil_monitor_transients(l), vigil_monitor_transients(m));
        vigil_monitor_destroy(m);
        vigil_monitor_destroy(l);
    }
}

int main(void)
{
    make_rows();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quirk_table),
        cmocka_unit_test(test_step_back_restarts_segment),
        cmocka_unit_test(test_rejected_rows_counted),
        cmocka_unit_test(test_pipeline_alarm_keys),
        cmocka_unit_test(test_last_z),
        cmocka_unit_test(test_stream_resumes_onset_test),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
