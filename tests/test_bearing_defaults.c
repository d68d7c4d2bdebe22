/* Bearing-aware defaults (issue 16): with a bearing and a configured shaft rate the monitor's
 * default selection takes the envelope amplitudes at BPFO, BPFI and BSF, and on a generated
 * outer-race fault that grows from nothing it alarms before a monitor of the overall RMS.
 * The generator is this file's: a 6205 bearing at 29.95 Hz (BPFO = 3.5848 x shaft, the CWRU
 * table), bursts of a 3.2 kHz resonance at BPFO with 1 % slip (as tests/test_diagnose.c),
 * in Gaussian noise whose level wanders by +-5 % (a slow load change). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#include "test_rng.h"

#define PI_ 3.14159265358979323846
#define RATE 12000.0
#define FRAME 4096
#define SHAFT 29.95
#define LEARN 200  /* healthy frames learnt (68 s) */
#define HELD 150   /* healthy frames scored after fit: no alarm allowed */
#define FAULT 300  /* frames over which the defect grows from 0 */
#define NFRAMES (LEARN + HELD + FAULT)
#define NS ((size_t)NFRAMES * FRAME)
#define BURST_MAX 0.4 /* peak burst amplitude at the end, against noise sd 0.05 */

static const char spec_common[] = "rate = 12000\nframe = 4096\n"
                                  "bearing = n=9,d=0.3126,D=1.537,angle=0\n";

static double *signal_;

/* The whole recording; the defect starts at frame LEARN + HELD and its bursts grow linearly. */
static double *generate(void)
{
    double *x = malloc(NS * sizeof *x);
    assert_non_null(x);
    uint64_t s = 0x5DEECE66Dull;
    for (size_t i = 0; i < NS; i++) {
        const double t = (double)i / RATE;
        const double level = 1.0 + 0.05 * sin(2 * PI_ * t / 17.0);
        x[i] = level * 0.05 * test_normal(&s) + 0.02 * sin(2 * PI_ * SHAFT * t);
    }
    double orders[4];
    assert_int_equal(vigil_bearing_frequencies(9, 0.3126, 1.537, 0, SHAFT, orders, 4), 0);
    const double bpfo = orders[VIGIL_DEFECT_BPFO];
    const double t_on = (double)(LEARN + HELD) * FRAME / RATE, t_end = NS / RATE;
    const double fn = 3200.0, zeta = 0.05, wd = 2 * PI_ * fn * sqrt(1 - zeta * zeta);
    for (double t0 = t_on; t0 < t_end; t0 += (1.0 + 0.01 * test_normal(&s)) / bpfo) {
        const double a = BURST_MAX * (t0 - t_on) / (t_end - t_on);
        const size_t i0 = (size_t)ceil(t0 * RATE);
        for (size_t i = i0; i < NS && i < i0 + 200; i++) {
            const double tau = (double)i / RATE - t0;
            x[i] += a * exp(-zeta * 2 * PI_ * fn * tau) * sin(wd * tau);
        }
    }
    return x;
}

static int setup(void **state)
{
    (void)state;
    signal_ = generate();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(signal_);
    return 0;
}

static vigil_pipeline *spec(const char *extra)
{
    char text[512];
    snprintf(text, sizeof text, "%s%s", spec_common, extra);
    vigil_pipeline *p = NULL;
    assert_int_equal(vigil_pipeline_parse(text, strlen(text), "test", &p), 0);
    return p;
}

static int selects(const vigil_monitor *m, const char *name)
{
    for (size_t i = 0; i < vigil_monitor_feature_count(m); i++)
        if (strcmp(vigil_monitor_feature_name(m, i), name) == 0)
            return 1;
    return 0;
}

/* Frame index of the first alarm (learn, fit, score), or NFRAMES when none; *held_alarm: an
 * alarm among the healthy frames scored after fit. */
static size_t first_alarm(const char *extra, int *held_alarm)
{
    vigil_pipeline *p = spec(extra);
    vigil_extractor *ex = NULL;
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_pipeline_create_extractor(p, &ex), 0);
    assert_int_equal(vigil_pipeline_create_monitor(p, NULL, 0, &m), 0);
    const size_t nc = vigil_extractor_feature_count(ex);
    double *row = malloc(nc * sizeof *row);
    assert_non_null(row);
    size_t alarm = NFRAMES, frame = 0;
    *held_alarm = 0;
    for (size_t off = 0; off < NS; off += FRAME) {
        assert_int_equal(vigil_extractor_push(ex, signal_ + off, FRAME, NULL), 0);
        while (vigil_extractor_pop(ex, row, nc, NULL) == 1) {
            if (frame < LEARN) {
                assert_int_equal(vigil_monitor_learn(m, row, nc, 0), 0);
                if (frame == LEARN - 1)
                    assert_int_equal(vigil_monitor_fit(m), 0);
            } else {
                const int st = vigil_monitor_score(m, row, nc, (double)frame * FRAME / RATE, 0);
                if (st == VIGIL_STATE_ALARM && frame < LEARN + HELD)
                    *held_alarm = 1;
                if (st == VIGIL_STATE_ALARM && alarm == NFRAMES)
                    alarm = frame;
            }
            frame++;
        }
    }
    assert_int_equal(frame, NFRAMES);
    free(row);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(p);
    return alarm;
}

/* The rule: a configured shaft rate selects the defect-line amplitudes; an estimated one, or
 * no bearing, does not; the cage line and the prominences stay out. */
static void test_selection(void **state)
{
    (void)state;
    vigil_pipeline *p = spec("shaft.hz = 29.95\n");
    vigil_monitor *m = NULL;
    assert_int_equal(vigil_pipeline_create_monitor(p, NULL, 0, &m), 0);
    assert_true(selects(m, "env_bpfo") && selects(m, "env_bpfi") && selects(m, "env_bsf"));
    assert_false(selects(m, "env_ftf") || selects(m, "env_bpfo_prom"));
    assert_true(selects(m, "rms") && selects(m, "kurtosis"));
    assert_int_equal(vigil_monitor_feature_count(m), 10);
    /* the specification read back from the monitor still says "default" */
    vigil_pipeline *back = NULL;
    char v[256];
    assert_int_equal(vigil_monitor_get_pipeline(m, &back), 0);
    assert_int_equal(vigil_pipeline_get(back, "monitor.features", v, sizeof v, NULL), 0);
    assert_string_equal(v, "default");
    vigil_pipeline_destroy(back);
    vigil_monitor_destroy(m);
    vigil_pipeline_destroy(p);

    p = spec("");
    assert_int_equal(vigil_pipeline_create_monitor(p, NULL, 0, &m), 0);
    assert_false(selects(m, "env_bpfo") || selects(m, "env_bpfi") || selects(m, "env_bsf"));
    assert_int_equal(vigil_monitor_feature_count(m), 7);
    vigil_monitor_destroy(m);
    vigil_pipeline_destroy(p);

    int sel = -1;
    assert_int_equal(vigil_column_facts("env_bpfo", NULL, NULL, &sel, NULL), 1);
    assert_int_equal(sel, 0); /* the table's plain default: only a known shaft rate selects it */
}

/* The bearing-aware default alarms on the growing outer-race defect earlier than the RMS
 * alone and than the base default (the same bearing with an estimated shaft rate: no envelope
 * column selected), and none of them alarms on the healthy frames after fit. Measured: frames
 * 463 (bearing-aware), 469 (rms), 479 (base default); the defect starts at frame 350. */
static void test_earlier_than_rms(void **state)
{
    (void)state;
    int held_env = 1, held_rms = 1, held_base = 1;
    const size_t a_env = first_alarm("shaft.hz = 29.95\n", &held_env);
    const size_t a_rms = first_alarm("shaft.hz = 29.95\nmonitor.features = rms\n", &held_rms);
    const size_t a_base = first_alarm("", &held_base);
    print_message("first alarm: bearing-aware default frame %zu, rms only %zu, base default %zu "
                  "(defect from frame %d)\n", a_env, a_rms, a_base, LEARN + HELD);
    assert_false(held_env || held_rms || held_base);
    assert_true(a_env >= LEARN + HELD && a_env < NFRAMES);
    assert_true(a_env < a_rms);
    assert_true(a_env < a_base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selection),
        cmocka_unit_test(test_earlier_than_rms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
