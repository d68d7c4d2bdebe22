/* Alarm state machine: persistence, hysteresis, events and the health index, against
 * sequences worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <vigil.h>

static void test_k_of_n(void **state)
{
    (void)state;
    vigil_alarm *a;
    assert_int_equal(vigil_alarm_create(&a), VIGIL_OK);
    /* threshold 1, default 3 of 5, warn at 2, clear at 0.8 */
    const double s[] = {2, 0, 0, 0, 0, 2, 2, 0, 2, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5};
    const int want[] = {0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 0};
    /* frame 6: 2 of last 5 above -> warn; frame 8: 3 of 5 -> alarm; frames 9..13 keep a value
     * above 0.8 in the window until frame 14 (window 10..14 all 0.5) -> ok */
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        assert_int_equal(vigil_alarm_update(a, s[i], 1.0, (double)i), want[i]);
    double t;
    int from, to;
    assert_int_equal(vigil_alarm_event_count(a), 3);
    assert_int_equal(vigil_alarm_next_event(a, &t, &from, &to), 1);
    assert_true(t == 6.0 && from == VIGIL_STATE_OK && to == VIGIL_STATE_WARN);
    assert_int_equal(vigil_alarm_next_event(a, &t, &from, &to), 1);
    assert_true(t == 8.0 && from == VIGIL_STATE_WARN && to == VIGIL_STATE_ALARM);
    assert_int_equal(vigil_alarm_next_event(a, &t, &from, &to), 1);
    assert_true(t == 14.0 && from == VIGIL_STATE_ALARM && to == VIGIL_STATE_OK);
    assert_int_equal(vigil_alarm_next_event(a, &t, &from, &to), 0);
    vigil_alarm_destroy(a);
}

static void test_single_spikes_never_alarm(void **state)
{
    (void)state;
    vigil_alarm *a;
    assert_int_equal(vigil_alarm_create(&a), VIGIL_OK);
    /* one exceedance every 3 frames: at most 2 in any 5 -> warn at most, never alarm */
    for (int i = 0; i < 300; i++)
        assert_true(vigil_alarm_update(a, i % 3 == 0 ? 5.0 : 0.1, 1.0, i) != VIGIL_STATE_ALARM);
    vigil_alarm_destroy(a);
}

static void test_settings_and_bad_args(void **state)
{
    (void)state;
    vigil_alarm *a;
    assert_int_equal(vigil_alarm_create(&a), VIGIL_OK);
    assert_int_equal(vigil_alarm_set_persistence(a, 0, 5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_persistence(a, 6, 5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_persistence(a, 1, VIGIL_ALARM_WINDOW_MAX + 1), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_hysteresis(a, 1, 0.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_hysteresis(a, 1, 1.5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_persistence(a, 1, 1), VIGIL_OK);
    assert_int_equal(vigil_alarm_update(a, 2.0, 1.0, 0.0), VIGIL_STATE_ALARM);
    assert_int_equal(vigil_alarm_update(a, NAN, 1.0, 1.0), VIGIL_ENONFINITE);
    assert_int_equal(vigil_alarm_update(a, 1.0, 0.0, 1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_state(a), VIGIL_STATE_ALARM); /* rejected calls changed nothing */
    assert_int_equal(vigil_alarm_update(a, 0.5, 1.0, 2.0), VIGIL_STATE_OK);
    assert_int_equal(vigil_alarm_reset(a), VIGIL_OK);
    assert_int_equal(vigil_alarm_event_count(a), 0);
    assert_int_equal(vigil_alarm_create(NULL), VIGIL_EINVAL);
    vigil_alarm_destroy(NULL);
    vigil_alarm_destroy(a);
}

static void test_health(void **state)
{
    (void)state;
    assert_true(vigil_health(0.0, 2.0) == 1.0);
    assert_true(vigil_health(2.0, 2.0) == 0.5);
    assert_true(fabs(vigil_health(1.0, 2.0) - 1.0 / (1.0 + 1.0 / 16.0)) < 1e-15);
    assert_true(fabs(vigil_health(4.0, 2.0) - 1.0 / 17.0) < 1e-15);
    assert_true(vigil_health(NAN, 1.0) == 0.0);
    assert_true(vigil_health(1e300, 1e-300) == 0.0);
}

/* The onset test (VIGIL_ALARM_CUSUM) with its defaults: p0 = 0.005, p1 = 0.5, h = ln 1e5,
 * sum held in [0, 2h], confirm 5 frames. Increments from the closed form. */
static const double P0 = 0.005, P1 = 0.5;
#define INC_HI log(P1 / P0)
#define INC_LO log((1.0 - P1) / (1.0 - P0))

static vigil_alarm *cusum_alarm(void)
{
    vigil_alarm *a;
    assert_int_equal(vigil_alarm_create(&a), VIGIL_OK);
    assert_int_equal(vigil_alarm_rule(a), VIGIL_ALARM_KOFN);
    assert_int_equal(vigil_alarm_set_rule(a, VIGIL_ALARM_CUSUM), VIGIL_OK);
    return a;
}

/* A burst of 4 exceedances: WARN at the 3rd (3 x 4.6 = 13.8 >= 11.5), then, without further
 * exceedances, the sum falls below h after ceil((4 INC_HI - h) / |INC_LO|) clean frames: a
 * transient event, never an alarm. */
static void test_cusum_burst_is_transient(void **state)
{
    (void)state;
    vigil_alarm *a = cusum_alarm();
    const double h = log(1e5);
    const int clean = (int)ceil((4 * INC_HI - h) / -INC_LO);
    assert_int_equal(vigil_alarm_confirm_frames(a), (size_t)ceil(h / -INC_LO) + 5);
    double t = 0.0;
    for (int i = 0; i < 4; i++, t += 1.0)
        assert_int_equal(vigil_alarm_update(a, 2.0, 1.0, t), i < 2 ? 0 : 1);
    assert_true(vigil_alarm_onset(a) == 0.0);
    for (int i = 1; i <= clean; i++, t += 1.0)
        assert_int_equal(vigil_alarm_update(a, 0.5, 1.0, t), i < clean ? 1 : 0);
    assert_int_equal(vigil_alarm_transients(a), 1);
    vigil_alarm_event e;
    assert_int_equal(vigil_alarm_next_event_ex(a, &e), 1);
    assert_true(e.from == 0 && e.to == 1 && e.t == 2.0 && e.onset == 0.0 &&
                e.kind == VIGIL_EVENT_CHANGE);
    assert_int_equal(vigil_alarm_next_event_ex(a, &e), 1);
    assert_true(e.from == 1 && e.to == 0 && e.kind == VIGIL_EVENT_TRANSIENT && e.onset == 0.0);
    assert_int_equal(vigil_alarm_next_event_ex(a, &e), 0);
    assert_true(isnan(vigil_alarm_onset(a)));
    vigil_alarm_destroy(a);
}

/* Overlapping frames (issue 16): an impulse seen by the 8 frames of hop = frame / 8 is one
 * observation. At weight 1 its 8 exceedances open an episode (WARN at the 3rd); at weight
 * 2 / 8 they sum to 8 x 0.25 x INC_HI = 9.2 < h = 11.5 and nothing opens. Lasting exceedances
 * still cross, at frame ceil(h / (w INC_HI)), and the burst decay grows by 1 / w. */
static void test_cusum_evidence_weight(void **state)
{
    (void)state;
    const double h = log(1e5);
    for (int weighted = 0; weighted < 2; weighted++) {
        vigil_alarm *a = cusum_alarm();
        assert_true(vigil_alarm_evidence_weight(a) == 1.0);
        const double w = weighted ? 0.25 : 1.0;
        assert_int_equal(vigil_alarm_set_evidence_weight(a, w), VIGIL_OK);
        assert_true(vigil_alarm_evidence_weight(a) == w);
        assert_int_equal(vigil_alarm_confirm_frames(a), (size_t)ceil(h / (w * -INC_LO)) + 5);
        double t = 0.0;
        int worst = 0;
        for (int i = 0; i < 8; i++, t += 1.0) {
            int st = vigil_alarm_update(a, 2.0, 1.0, t);
            worst = st > worst ? st : worst;
        }
        for (int i = 0; i < 200; i++, t += 1.0)
            vigil_alarm_update(a, 0.5, 1.0, t);
        assert_int_equal(worst, weighted ? VIGIL_STATE_OK : VIGIL_STATE_WARN);
        assert_int_equal(vigil_alarm_transients(a), weighted ? 0 : 1);
        /* lasting: WARN at the frame where the weighted sum reaches h */
        const int cross = (int)ceil(h / (w * INC_HI) - 1e-9);
        for (int i = 1; i <= cross; i++, t += 1.0)
            assert_int_equal(vigil_alarm_update(a, 2.0, 1.0, t),
                             i < cross ? VIGIL_STATE_OK : VIGIL_STATE_WARN);
        vigil_alarm_destroy(a);
    }
    vigil_alarm *a = cusum_alarm();
    assert_int_equal(vigil_alarm_set_evidence_weight(a, 0.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_evidence_weight(a, 1.5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_evidence_weight(a, NAN), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_evidence_weight(NULL, 0.5), VIGIL_EINVAL);
    assert_true(isnan(vigil_alarm_evidence_weight(NULL)));
    assert_true(vigil_alarm_evidence_weight(a) == 1.0);
    vigil_alarm_destroy(a);
}

/* Lasting exceedances: ALARM once the sum has held >= h for decay + confirm frames after it
 * reached h, and not before `seconds` when persistence in time is set; it clears only when the
 * sum (at its cap 2h) is used up, ceil(2h / |INC_LO|) clean frames, and has then stayed at 0
 * for as long again as the alarm took to confirm. */
static void test_cusum_lasting_alarm(void **state)
{
    (void)state;
    for (int timed = 0; timed < 2; timed++) {
        vigil_alarm *a = cusum_alarm();
        const double dt = 10.0; /* snapshots 10 s apart */
        assert_int_equal(vigil_alarm_set_confirm(a, 5, timed ? 1800.0 : 0.0), VIGIL_OK);
        const size_t hold = vigil_alarm_confirm_frames(a);
        /* frames after the crossing (frame 2) until ALARM */
        const size_t after = timed ? (size_t)(1800.0 / dt) : hold;
        int st = 0;
        size_t i = 0;
        for (; st != VIGIL_STATE_ALARM && i < 1000; i++) {
            st = vigil_alarm_update(a, 3.0, 1.0, dt * (double)i);
            if (i == 1)
                assert_int_equal(st, VIGIL_STATE_OK);
        }
        assert_int_equal(i - 1, 2 + (after > hold ? after : hold));
        assert_true(vigil_alarm_onset(a) == 0.0);
        /* the sum is used up after `clear` clean frames; the alarm clears once it has stayed
         * at 0 for more than `hold` frames (and the 1800 s when timed); one exceedance in
         * between restarts that count */
        const int clear = (int)ceil(2.0 * log(1e5) / -INC_LO);
        const int back = (int)ceil(INC_HI / -INC_LO); /* one exceedance used up */
        const int zero = (int)(after > hold ? after : hold) + 1;
        for (int q = 1; q < clear + zero - 1; q++)
            assert_int_equal(vigil_alarm_update(a, 0.1, 1.0, dt * (double)(i++)),
                             VIGIL_STATE_ALARM);
        assert_int_equal(vigil_alarm_update(a, 3.0, 1.0, dt * (double)(i++)), VIGIL_STATE_ALARM);
        for (int q = 1; q <= back + zero - 1; q++)
            assert_int_equal(vigil_alarm_update(a, 0.1, 1.0, dt * (double)(i++)),
                             q < back + zero - 1 ? VIGIL_STATE_ALARM : VIGIL_STATE_OK);
        assert_int_equal(vigil_alarm_transients(a), 0);
        vigil_alarm_destroy(a);
    }
}

/* Healthy streams: exceedances at the nominal rate p0 (and at 5 p0, a calibration 5 times too
 * optimistic) for 1e6 frames never give an alarm; episodes opened (WARN) stay within the
 * documented rate, at most one per 1e5 frames on average at p0 (Lorden's bound; the margin
 * covers the Poisson spread). Seeded, so deterministic. */
static void test_cusum_false_alarm_rate(void **state)
{
    (void)state;
    for (int mult = 1; mult <= 5; mult += 4) {
        vigil_alarm *a = cusum_alarm();
        uint64_t s = 12345;
        size_t alarms = 0, opened = 0;
        int prev = 0;
        for (size_t i = 0; i < 1000000; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const double u = (double)(s >> 11) * 0x1.0p-53;
            const int st = vigil_alarm_update(a, u < mult * P0 ? 2.0 : 0.5, 1.0, (double)i);
            alarms += st == VIGIL_STATE_ALARM;
            opened += prev == 0 && st == 1;
            prev = st;
        }
        if (alarms != 0 || (mult == 1 && opened > 20))
            fail_msg("exceedance rate %g: %zu alarm frames, %zu episodes in 1e6 frames",
                     mult * P0, alarms, opened);
        assert_int_equal(vigil_alarm_transients(a), opened - (prev != 0));
        vigil_alarm_destroy(a);
    }
}

static void test_cusum_bad_args(void **state)
{
    (void)state;
    vigil_alarm *a = cusum_alarm();
    assert_int_equal(vigil_alarm_set_rule(a, 7), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_rule(NULL, VIGIL_ALARM_CUSUM), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.5, 0.5, 1e5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.0, 0.5, 1e5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.01, 1.0, 1e5), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.01, 0.5, 1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.01, 0.5, NAN), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_confirm(a, 5, -1.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_confirm(a, 5, INFINITY), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_confirm(a, 2000000, 0.0), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_next_event_ex(a, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_alarm_set_cusum(a, 0.01, 0.5, 1e6), VIGIL_OK);
    assert_int_equal(vigil_alarm_rule(NULL), VIGIL_EINVAL);
    vigil_alarm_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k_of_n),
        cmocka_unit_test(test_single_spikes_never_alarm),
        cmocka_unit_test(test_settings_and_bad_args),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_cusum_burst_is_transient),
        cmocka_unit_test(test_cusum_lasting_alarm),
        cmocka_unit_test(test_cusum_evidence_weight),
        cmocka_unit_test(test_cusum_false_alarm_rate),
        cmocka_unit_test(test_cusum_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
