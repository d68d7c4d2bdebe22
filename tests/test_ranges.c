/* Value ranges (issue 17, items 1 and 2): inside the documented ranges (samples within
 * +-VIGIL_SAMPLE_MAX, rates VIGIL_RATE_MIN..VIGIL_RATE_MAX) every feature, time, severity and
 * diagnosis value is finite and every ISO zone is 1..4; outside them the call fails with a
 * status and changes nothing. The corners: the largest samples at the smallest and largest rates
 * and frames, every feature group enabled, signals that maximise each sum (constant, alternating,
 * one spike, a sine), and the tiniest samples (subnormals), where squares underflow to 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vigil.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIG_CONST, SIG_ALT, SIG_SPIKE, SIG_SINE, SIG_RAMP, SIG_COUNT };

static void fill(double *x, size_t n, int sig, double amp)
{
    for (size_t i = 0; i < n; i++) {
        switch (sig) {
        case SIG_CONST: x[i] = amp; break;
        case SIG_ALT: x[i] = (i & 1) ? -amp : amp; break;
        case SIG_SPIKE: x[i] = i % 97 == 3 ? amp : 0.0; break;
        case SIG_SINE: x[i] = amp * sin(0.3 * (double)i); break;
        default: x[i] = amp * ((double)(i % 13) / 6.0 - 1.0); break; /* within +-amp */
        }
    }
}

/* Every group enabled that the rate allows. */
static vigil_extractor *make_extractor(double rate, size_t frame)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(rate, frame, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, frame / 2 ? frame / 2 : 1), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 0.0, rate / 8.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, rate / 8.0, rate), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_shaft_hz(ex, rate / 40.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_envelope(ex, 0.0, 0.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_enable_orders(ex), VIGIL_OK);
    if (rate > 2.0 * VIGIL_SEVERITY_LO_HZ)
        assert_int_equal(vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID),
                         VIGIL_OK);
    return ex;
}

static void check_rows(vigil_extractor *ex, const char *what)
{
    const size_t nc = vigil_extractor_feature_count(ex);
    double *row = malloc(nc * sizeof *row);
    assert_non_null(row);
    size_t w, rows = 0;
    const int zone = vigil_extractor_feature_index(ex, "iso_zone");
    while (vigil_extractor_ready(ex) > 0) {
        assert_int_equal(vigil_extractor_pop(ex, row, nc, &w), 1);
        for (size_t c = 0; c < nc; c++)
            if (!isfinite(row[c]))
                fail_msg("%s: column %s = %g", what, vigil_extractor_feature_name(ex, c), row[c]);
        if (zone >= 0 && !(row[zone] >= 1.0 && row[zone] <= 4.0))
            fail_msg("%s: iso_zone %g", what, row[zone]);
        rows++;
    }
    assert_true(rows > 0);
    free(row);
}

static void test_extractor_corners(void **state)
{
    (void)state;
    const double rates[] = {VIGIL_RATE_MIN, 1.0, 12000.0, VIGIL_RATE_MAX};
    const size_t frames[] = {VIGIL_FRAME_MIN, 5, 1024};
    const double amps[] = {VIGIL_SAMPLE_MAX, -VIGIL_SAMPLE_MAX, 1e-160, DBL_MIN,
                           4.9406564584124654e-324};
    double x[4096];
    char what[160];
    for (size_t r = 0; r < sizeof rates / sizeof *rates; r++)
        for (size_t f = 0; f < sizeof frames / sizeof *frames; f++)
            for (size_t a = 0; a < sizeof amps / sizeof *amps; a++)
                for (int s = 0; s < SIG_COUNT; s++) {
                    vigil_extractor *ex = make_extractor(rates[r], frames[f]);
                    const size_t n = 3 * frames[f];
                    fill(x, n, s, amps[a]);
                    assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
                    snprintf(what, sizeof what, "rate %g frame %zu amplitude %g signal %d",
                             rates[r], frames[f], amps[a], s);
                    check_rows(ex, what);
                    vigil_extractor_destroy(ex);
                }
}

/* The largest frame once, at the largest samples (fourth powers summed over 2^20 samples). */
static void test_extractor_largest_frame(void **state)
{
    (void)state;
    const size_t n = VIGIL_FRAME_MAX;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (int s = SIG_CONST; s <= SIG_ALT; s++) {
        vigil_extractor *ex = make_extractor(VIGIL_RATE_MIN, n);
        fill(x, n, s, VIGIL_SAMPLE_MAX);
        assert_int_equal(vigil_extractor_push(ex, x, n, NULL), VIGIL_OK);
        check_rows(ex, "largest frame");
        vigil_extractor_destroy(ex);
    }
    free(x);
}

/* Issue 17's attack: samples near 1e300 (from 1e154 up the velocity overflowed). Now the chunk
 * is rejected whole, with a message, and the stream continues as if it had never been pushed. */
static void test_extractor_rejects_beyond(void **state)
{
    (void)state;
    const double bad[] = {nextafter(VIGIL_SAMPLE_MAX, INFINITY), -1e154, 1e300, DBL_MAX, INFINITY,
                          NAN};
    double x[2048], good[2048];
    fill(good, 2048, SIG_SINE, 1.0);
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        for (size_t at = 0; at < 2048; at += 677) {
            vigil_extractor *ex = make_extractor(12000.0, 256);
            memcpy(x, good, sizeof x);
            x[at] = bad[b];
            assert_int_equal(vigil_extractor_push(ex, x, 2048, NULL), VIGIL_ENONFINITE);
            assert_non_null(strstr(vigil_last_error(), "chunk rejected"));
            size_t consumed = 99;
            assert_int_equal(vigil_extractor_push(ex, x, 2048, &consumed), VIGIL_ENONFINITE);
            assert_int_equal(consumed, 0);
            assert_int_equal(vigil_extractor_ready(ex), 0);
            assert_int_equal(vigil_extractor_frames_done(ex), 0);
            /* float samples: 1e31f is a finite float beyond the bound */
            float xf[8] = {0, 1, 2, 3, 1e31f, 0, 0, 0};
            assert_int_equal(vigil_extractor_push_f32(ex, xf, 8, NULL), VIGIL_ENONFINITE);
            vigil_extractor_destroy(ex);
        }
    }
}

static void test_rates_outside(void **state)
{
    (void)state;
    const double bad[] = {0.0, -1.0, 1e-310, nextafter(VIGIL_RATE_MIN, 0.0),
                          nextafter(VIGIL_RATE_MAX, INFINITY), 1e300, INFINITY, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vigil_extractor *ex = (vigil_extractor *)1;
        assert_int_equal(vigil_extractor_create(bad[i], 1024, &ex), VIGIL_EINVAL);
        assert_null(ex);
        assert_non_null(strstr(vigil_last_error(), "sample rate"));
        vigil_diagnosis *d = (vigil_diagnosis *)1;
        assert_int_equal(vigil_diagnosis_create(bad[i], 1024, &d), VIGIL_EINVAL);
        assert_null(d);
    }
}

/* The diagnosis of issue 17's repro (rate 12000, shaft 29.95 Hz, a 6205 bearing): samples at
 * the bound give finite values, a zone 1..4 and a reason with a zone letter, not '?'; samples
 * beyond it are rejected. */
static void test_diagnosis_corners(void **state)
{
    (void)state;
    const double amps[] = {VIGIL_SAMPLE_MAX, 1e-160, 4.9406564584124654e-324};
    double x[20000];
    for (size_t a = 0; a < sizeof amps / sizeof *amps; a++)
        for (int s = 0; s < SIG_COUNT; s++) {
            vigil_diagnosis *d = NULL;
            assert_int_equal(vigil_diagnosis_create(12000.0, 4096, &d), VIGIL_OK);
            assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0.0), VIGIL_OK);
            assert_int_equal(vigil_diagnosis_set_shaft_hz(d, 29.95), VIGIL_OK);
            assert_int_equal(vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID),
                             VIGIL_OK);
            fill(x, 20000, s, amps[a]);
            assert_int_equal(vigil_diagnosis_push(d, x, 20000), VIGIL_OK);
            const int fault = vigil_diagnosis_decide(d);
            assert_true(fault >= 0);
            for (int k = 0; k < VIGIL_DIAG_VALUE_COUNT; k++)
                if (!isfinite(vigil_diagnosis_value(d, k)))
                    fail_msg("amplitude %g signal %d: value %d = %g", amps[a], s, k,
                             vigil_diagnosis_value(d, k));
            const double zone = vigil_diagnosis_value(d, VIGIL_DIAG_ISO_ZONE);
            assert_true(zone >= 1.0 && zone <= 4.0);
            const char *reason = vigil_diagnosis_reason(d);
            if (strstr(reason, "zone ?"))
                fail_msg("reason without a zone: %s", reason);
            vigil_diagnosis_destroy(d);
        }
    /* the attack itself: 1e300 * ((i*7)%13-6) */
    for (size_t i = 0; i < 20000; i++)
        x[i] = 1e300 * (double)((int)((i * 7) % 13) - 6);
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(12000.0, 4096, &d), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0.0), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID),
                     VIGIL_OK);
    assert_int_equal(vigil_diagnosis_push(d, x, 20000), VIGIL_ENONFINITE);
    assert_non_null(strstr(vigil_last_error(), "VIGIL_SAMPLE_MAX"));
    vigil_diagnosis_destroy(d);
}

/* A monitor fed the rows of extreme frames follows monitor.h's rule: the rows are accepted
 * (features stay within VIGIL_VALUE_MAX), the score is not NaN and the state is an alarm. */
static void test_monitor_saturates(void **state)
{
    (void)state;
    vigil_extractor *ex = make_extractor(12000.0, 256);
    double x[256 * 64];
    for (size_t i = 0; i < 256 * 64; i++)
        x[i] = sin(0.3 * (double)i) + 0.1 * sin(0.0171 * (double)i * (double)(i % 7));
    assert_int_equal(vigil_extractor_set_queue(ex, 256), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, x, 256 * 64, NULL), VIGIL_OK);
    const size_t nc = vigil_extractor_feature_count(ex);
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_monitor_create_for_extractor(ex, VIGIL_DETECTOR_ZSCORE, &m), VIGIL_OK);
    double row[128];
    size_t w;
    assert_true(nc <= 128);
    while (vigil_extractor_ready(ex) > 0) {
        assert_int_equal(vigil_extractor_pop(ex, row, nc, &w), 1);
        assert_int_equal(vigil_monitor_learn(m, row, nc, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    fill(x, 256 * 24, SIG_ALT, VIGIL_SAMPLE_MAX); /* 47 frames: beyond any confirmation */
    assert_int_equal(vigil_extractor_push(ex, x, 256 * 24, NULL), VIGIL_OK);
    int last = -1;
    while (vigil_extractor_ready(ex) > 0) {
        assert_int_equal(vigil_extractor_pop(ex, row, nc, &w), 1);
        last = vigil_monitor_score(m, row, nc, row[1], 0);
        assert_true(last >= 0);
        assert_false(isnan(vigil_monitor_last_score(m)));
        assert_true(vigil_monitor_last_health(m) >= 0.0);
    }
    assert_int_equal(last, VIGIL_STATE_ALARM);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extractor_corners),
        cmocka_unit_test(test_extractor_largest_frame),
        cmocka_unit_test(test_extractor_rejects_beyond),
        cmocka_unit_test(test_rates_outside),
        cmocka_unit_test(test_diagnosis_corners),
        cmocka_unit_test(test_monitor_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
