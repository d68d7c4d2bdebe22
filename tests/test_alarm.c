/* Alarm state machine: persistence, hysteresis, events and the health index, against
 * sequences worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k_of_n),
        cmocka_unit_test(test_single_spikes_never_alarm),
        cmocka_unit_test(test_settings_and_bad_args),
        cmocka_unit_test(test_health),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
