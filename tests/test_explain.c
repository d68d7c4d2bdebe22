/* Event explanations (issue 16, "Explanations a planner can read"). A generated stream whose
 * healthy rows cycle through median + {-2,-1,0,1,2} (median 10, MAD 1: baseline scale
 * 1.4826 exactly) and then step one known feature by +8: every event of the episode must name
 * that feature first with z = 8 / 1.4826 (closed form; tolerance 1e-9, the arithmetic is a
 * subtraction and a division), the onset must be the step's first row, and the return to OK
 * must still quote the episode's peak. Then the queue kept in step with the plain pops, events
 * restored from a saved stream (explained as by the monitor that never stopped), the text
 * form, a machine naming the channel, and bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#define W 4
#define LEARN 200
#define STEP_AT 100   /* scored row (and time, s) where the step starts */
#define STEP_ROWS 80
#define STEP 8.0
#define SCALE 1.4826  /* 1.4826 x MAD, MAD = 1 */
#define STEPPED 2     /* h_kurtosis */

static const char *const cols[W] = {"x_rms", "x_crest", "h_kurtosis", "x_peak"};

static void learn_row(size_t r, double *row)
{
    static const double u[5] = {-2, -1, 0, 1, 2};
    for (size_t j = 0; j < W; j++)
        row[j] = 10.0 + u[(r + j) % 5];
}

/* Scored row r: healthy rows swing less than the training ones; the step from STEP_AT. */
static void score_row(size_t r, double *row)
{
    static const double u[3] = {-1, 0, 1};
    for (size_t j = 0; j < W; j++)
        row[j] = 10.0 + u[(r + j) % 3];
    if (r >= STEP_AT && r < STEP_AT + STEP_ROWS)
        row[STEPPED] = 10.0 + STEP;
}

static vigil_monitor *fitted(void)
{
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create(cols, W, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_feature_count(m), W);
    double row[W];
    for (size_t r = 0; r < LEARN; r++) {
        learn_row(r, row);
        assert_int_equal(vigil_monitor_learn(m, row, W, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

static size_t feature_index(const vigil_monitor *m, const char *name)
{
    for (size_t i = 0; i < vigil_monitor_feature_count(m); i++)
        if (!strcmp(vigil_monitor_feature_name(m, i), name))
            return i;
    fail_msg("feature %s not selected", name);
    return 0;
}

static void score_range(vigil_monitor *m, size_t from, size_t to)
{
    double row[W];
    for (size_t r = from; r < to; r++) {
        score_row(r, row);
        assert_true(vigil_monitor_score(m, row, W, (double)r, 0) >= 0);
    }
}

static void test_step_named_first(void **state)
{
    (void)state;
    vigil_monitor *m = fitted();
    const size_t k = feature_index(m, cols[STEPPED]);
    score_range(m, 0, STEP_AT + STEP_ROWS + 100);
    vigil_event_explanation e;
    size_t n = 0;
    int saw_alarm = 0, saw_clear = 0;
    while (vigil_monitor_next_event_explained(m, &e) == 1) {
        n++;
        assert_true(e.event.t >= STEP_AT); /* nothing before the step */
        assert_int_equal(e.channel, 0);
        assert_true(e.count >= 1 && e.count <= VIGIL_EXPLAIN_MAX);
        assert_int_equal(e.feature[0], k);
        assert_float_equal(e.z[0], STEP / SCALE, 1e-9);
        /* the others swung by at most 1 (scored rows), clipped at 0 below the median */
        for (size_t j = 1; j < e.count; j++) {
            assert_true(e.feature[j] != k);
            assert_float_equal(e.z[j], 1.0 / SCALE, 1e-9);
        }
        assert_float_equal(e.event.onset, (double)STEP_AT, 0.0);
        saw_alarm |= e.event.to == VIGIL_STATE_ALARM;
        saw_clear |= e.event.to == VIGIL_STATE_OK;
    }
    assert_true(n >= 2);
    assert_true(saw_alarm);
    assert_true(saw_clear); /* the return to OK quotes the episode's peak, not the last row */
    vigil_monitor_destroy(m);
}

static void test_in_step_with_plain_pops(void **state)
{
    (void)state;
    /* the reference: the same stream, every event popped with its explanation */
    vigil_monitor *r = fitted();
    score_range(r, 0, STEP_AT + STEP_ROWS + 100);
    vigil_event_explanation ref[3];
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(vigil_monitor_next_event_explained(r, &ref[i]), 1);
    vigil_monitor_destroy(r);
    /* the episode's first row quotes fewer features than its whole (others clipped at 0
     * there), so a stale explanation would show */
    assert_true(ref[0].count < ref[2].count);
    vigil_monitor *m = fitted();
    score_range(m, 0, STEP_AT + STEP_ROWS + 100);
    const size_t queued = vigil_monitor_event_count(m);
    assert_true(queued >= 3);
    double t;
    int from, to;
    assert_int_equal(vigil_monitor_next_event(m, &t, &from, &to), 1);
    vigil_alarm_event ev;
    assert_int_equal(vigil_monitor_next_event_ex(m, &ev), 1);
    vigil_event_explanation e;
    assert_int_equal(vigil_monitor_next_event_explained(m, &e), 1);
    assert_true(e.event.t >= ev.t && ev.t >= t);
    assert_float_equal(e.event.t, ref[2].event.t, 0.0);
    assert_int_equal(e.count, ref[2].count);
    for (size_t j = 0; j < e.count; j++) {
        assert_int_equal(e.feature[j], ref[2].feature[j]);
        assert_float_equal(e.z[j], ref[2].z[j], 0.0);
    }
    /* reset forgets both queues */
    score_range(m, 0, STEP_AT + STEP_ROWS); /* times step back: a new segment */
    assert_int_equal(vigil_monitor_reset(m), VIGIL_OK);
    assert_int_equal(vigil_monitor_next_event_explained(m, &e), 0);
    vigil_monitor_destroy(m);
}

/* A monitor saved with its stream in the middle of the step (events queued, an episode under
 * way) and loaded pops the same events with the same explanations as the one that never
 * stopped: the queued explanations and the episode's peaks are in the stream state (layout 4). */
static void test_restored_events_explained(void **state)
{
    (void)state;
    vigil_monitor *m = fitted();
    score_range(m, 0, STEP_AT + STEP_ROWS / 2); /* saved in the middle of the step */
    const size_t queued = vigil_monitor_event_count(m);
    assert_true(queued >= 2);
    size_t size = 0, written = 0;
    assert_int_equal(vigil_monitor_save_size_ex(m, VIGIL_SAVE_STREAM, &size), VIGIL_OK);
    void *buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(vigil_monitor_save_ex(m, VIGIL_SAVE_STREAM, buf, size, &written), VIGIL_OK);
    vigil_monitor *l = NULL;
    assert_int_equal(vigil_monitor_load(buf, written, &l), VIGIL_OK);
    free(buf);
    assert_int_equal(vigil_monitor_event_count(l), queued);
    score_range(m, STEP_AT + STEP_ROWS / 2, STEP_AT + STEP_ROWS + 100); /* back to OK */
    score_range(l, STEP_AT + STEP_ROWS / 2, STEP_AT + STEP_ROWS + 100);
    vigil_event_explanation e, el;
    size_t popped = 0;
    while (vigil_monitor_next_event_explained(m, &e) == 1) {
        assert_int_equal(vigil_monitor_next_event_explained(l, &el), 1);
        assert_int_equal(el.event.to, e.event.to);
        assert_true(el.event.t == e.event.t);
        assert_int_equal(el.count, e.count);
        assert_true(e.count >= 1);
        for (size_t j = 0; j < e.count; j++) {
            assert_int_equal(el.feature[j], e.feature[j]);
            assert_true(el.z[j] == e.z[j]);
        }
        /* every event of the episode names the step, the last (back to OK) with its peak */
        assert_int_equal(e.feature[0], feature_index(m, cols[STEPPED]));
        assert_float_equal(e.z[0], STEP / SCALE, 1e-9);
        popped++;
    }
    assert_true(popped > queued); /* the restored ones and the return to OK */
    assert_int_equal(vigil_monitor_next_event_explained(l, &el), 0);
    vigil_monitor_destroy(l);
    vigil_monitor_destroy(m);
}

static void test_text(void **state)
{
    (void)state;
    vigil_monitor *m = fitted();
    score_range(m, 0, STEP_AT + STEP_ROWS);
    vigil_event_explanation e;
    assert_int_equal(vigil_monitor_next_event_explained(m, &e), 1);
    char text[256];
    int len = vigil_monitor_format_explanation(m, &e, text, sizeof text);
    assert_true(len > 0 && (size_t)len == strlen(text));
    assert_true(!strncmp(text, "h_kurtosis +5.4", 15)); /* 8 / 1.4826 = 5.396 */
    if (e.count >= 2) { /* a cut text keeps whole pairs */
        char small[20];
        assert_int_equal(vigil_monitor_format_explanation(m, &e, small, sizeof small), 15);
        assert_string_equal(small, "h_kurtosis +5.4");
    }
    char tiny[4];
    assert_int_equal(vigil_monitor_format_explanation(m, &e, tiny, sizeof tiny), 0);
    assert_string_equal(tiny, "");
    /* bad input */
    assert_int_equal(vigil_monitor_format_explanation(NULL, &e, text, sizeof text), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_format_explanation(m, NULL, text, sizeof text), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_format_explanation(m, &e, text, 0), VIGIL_EINVAL);
    e.feature[0] = W;
    assert_int_equal(vigil_monitor_format_explanation(m, &e, text, sizeof text), VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "out of range"));
    e.count = VIGIL_EXPLAIN_MAX + 1;
    assert_int_equal(vigil_monitor_format_explanation(m, &e, text, sizeof text), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_next_event_explained(NULL, &e), VIGIL_EINVAL);
    assert_int_equal(vigil_monitor_next_event_explained(m, NULL), VIGIL_EINVAL);
    vigil_monitor_destroy(m);
}

static void test_machine_names_channel(void **state)
{
    (void)state;
    static const char *const chans[3] = {"B1", "B2", "B3"};
    vigil_machine *mc = NULL;
    assert_int_equal(vigil_machine_create(chans, 3, cols, W, VIGIL_DETECTOR_ZSCORE, &mc),
                     VIGIL_OK);
    assert_int_equal(vigil_machine_set_common_mode(mc, 0), VIGIL_OK);
    double row[3 * W];
    for (size_t r = 0; r < LEARN; r++) {
        for (size_t g = 0; g < 3; g++)
            learn_row(r + g, row + g * W);
        assert_int_equal(vigil_machine_learn(mc, row, 3 * W, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_machine_fit(mc), VIGIL_OK);
    for (size_t r = 0; r < STEP_AT + STEP_ROWS + 100; r++) {
        for (size_t g = 0; g < 3; g++) {
            score_row(r + 3 * g, row + g * W); /* channel 1 steps at STEP_AT + 3 */
            if (g != 1)
                row[g * W + STEPPED] = 10.0;
        }
        assert_true(vigil_machine_score(mc, row, 3 * W, (double)r, 0, NULL) >= 0);
    }
    vigil_event_explanation e;
    size_t n = 0;
    double last_t = -INFINITY;
    while (vigil_machine_next_event(mc, &e) == 1) {
        n++;
        assert_int_equal(e.channel, 1);
        assert_true(e.event.t >= last_t);
        last_t = e.event.t;
        const vigil_monitor *m1 = vigil_machine_monitor(mc, 1);
        assert_int_equal(e.feature[0], feature_index(m1, cols[STEPPED]));
        assert_float_equal(e.z[0], STEP / SCALE, 1e-9);
        assert_float_equal(e.event.onset, (double)(STEP_AT - 3), 0.0);
    }
    assert_true(n >= 2);
    assert_int_equal(vigil_machine_next_event(NULL, &e), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_next_event(mc, NULL), VIGIL_EINVAL);
    vigil_machine_destroy(mc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_named_first),
        cmocka_unit_test(test_in_step_with_plain_pops),
        cmocka_unit_test(test_restored_events_explained),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_machine_names_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
