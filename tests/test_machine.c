/* vigil_machine: per-channel monitors in one call. The reference for every score is an
 * independent standalone vigil_monitor per channel fed the same block (common mode off) or the
 * block of vigil_common_mode's row (common mode on; vigil_common_mode itself is checked against
 * hand-worked medians in test_common_mode.c): bit-identical scores and states. Then the
 * default rule (on from 3 channels), a step shared by every channel that cancels exactly, the
 * one model file (round trip with the stream state, refused by vigil_monitor_load, a single
 * monitor's file told apart, corruption), and every bad input with its status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vigil.h>

#include "test_rng.h"

#define W 3   /* columns per channel */
#define LEARN 60
#define ROWS 200

static const char *const cols[W] = {"rms", "kurtosis", "peak"};
static const char *const ch4[4] = {"B1", "B2", "B3", "B4"};

/* Row i of a 4-channel machine: healthy noise; from row 120, channel 2 (B3) degrades (rms and
 * peak grow); at row 90 every channel steps by x1.2 in amplitude and +0.3 in kurtosis (a
 * restart). */
static void make_row(uint64_t *s, size_t i, size_t nch, double *row)
{
    const double step = i >= 90 ? 1.2 : 1.0, kstep = i >= 90 ? 0.3 : 0.0;
    for (size_t g = 0; g < nch; g++) {
        const double base = 1.0 + 0.1 * (double)g;
        const double fault = g == 2 && i >= 120 ? 1.0 + 0.05 * (double)(i - 120) : 1.0;
        row[g * W + 0] = base * step * fault * (1.0 + 0.02 * test_normal(s));
        row[g * W + 1] = 3.0 + kstep + 0.1 * test_normal(s) + (fault - 1.0);
        row[g * W + 2] = 4.0 * base * step * fault * (1.0 + 0.03 * test_normal(s));
    }
}

/* Machine vs. standalone monitors fed what the machine should feed them. */
static void check_against_standalone(size_t nch, int common)
{
    vigil_machine *mc = NULL;
    assert_int_equal(vigil_machine_create(ch4, nch, cols, W, VIGIL_DETECTOR_MAHALANOBIS, &mc),
                     VIGIL_OK);
    assert_int_equal(vigil_machine_set_common_mode(mc, common), VIGIL_OK);
    vigil_monitor *ref[4];
    for (size_t g = 0; g < nch; g++)
        assert_int_equal(vigil_monitor_create(cols, W, VIGIL_DETECTOR_MAHALANOBIS, &ref[g]),
                         VIGIL_OK);
    const int modes[W] = {VIGIL_COMMON_RATIO, VIGIL_COMMON_DIFF, VIGIL_COMMON_RATIO};
    uint64_t s = 42;
    double row[4 * W], cm[4 * W];
    int alarms[4] = {0}, states[4];
    for (size_t i = 0; i < ROWS; i++) {
        make_row(&s, i, nch, row);
        if (common)
            assert_int_equal(vigil_common_mode(row, nch, W, modes, cm), VIGIL_OK);
        else
            memcpy(cm, row, sizeof row);
        const double t = 600.0 * (double)i;
        if (i < LEARN) {
            assert_int_equal(vigil_machine_learn(mc, row, nch * W, 0), VIGIL_OK);
            for (size_t g = 0; g < nch; g++)
                assert_int_equal(vigil_monitor_learn(ref[g], cm + g * W, W, 0), VIGIL_OK);
            if (i == LEARN - 1) {
                assert_int_equal(vigil_machine_fit(mc), VIGIL_OK);
                for (size_t g = 0; g < nch; g++)
                    assert_int_equal(vigil_monitor_fit(ref[g]), VIGIL_OK);
            }
            continue;
        }
        int worst = vigil_machine_score(mc, row, nch * W, t, 0, states);
        assert_true(worst >= 0);
        int want_worst = 0;
        for (size_t g = 0; g < nch; g++) {
            int st = vigil_monitor_score(ref[g], cm + g * W, W, t, 0);
            assert_int_equal(states[g], st);
            want_worst = st > want_worst ? st : want_worst;
            const vigil_monitor *cmon = vigil_machine_monitor(mc, g);
            assert_true(vigil_monitor_last_score(cmon) == vigil_monitor_last_score(ref[g]));
            alarms[g] += st == VIGIL_STATE_ALARM;
        }
        assert_int_equal(worst, want_worst);
    }
    if (common && nch == 4) {
        /* the restart at row 90 cancels; only B3's fault alarms */
        assert_int_equal(alarms[0], 0);
        assert_int_equal(alarms[1], 0);
        assert_true(alarms[2] > 40);
        assert_int_equal(alarms[3], 0);
    }
    for (size_t g = 0; g < nch; g++)
        vigil_monitor_destroy(ref[g]);
    vigil_machine_destroy(mc);
}

static void test_equals_standalone_plain(void **state)
{
    (void)state;
    check_against_standalone(2, 0);
    check_against_standalone(4, 0);
}

static void test_equals_standalone_common(void **state)
{
    (void)state;
    check_against_standalone(4, 1);
    check_against_standalone(3, 1);
}

static void test_default_rule(void **state)
{
    (void)state;
    vigil_machine *mc = NULL;
    for (size_t n = 1; n <= 4; n++) {
        assert_int_equal(vigil_machine_create(ch4, n, cols, W, VIGIL_DETECTOR_ZSCORE, &mc),
                         VIGIL_OK);
        assert_int_equal(vigil_machine_common_mode(mc), n >= 3);
        assert_int_equal(vigil_machine_channel_count(mc), n);
        assert_int_equal(vigil_machine_width(mc), W);
        assert_string_equal(vigil_machine_channel_name(mc, n - 1), ch4[n - 1]);
        assert_null(vigil_machine_channel_name(mc, n));
        assert_int_equal(vigil_machine_find_channel(mc, ch4[n - 1]), (int)(n - 1));
        assert_int_equal(vigil_machine_find_channel(mc, "nope"), VIGIL_ENOTFOUND);
        assert_null(vigil_machine_monitor(mc, n));
        assert_int_equal(vigil_machine_set_common_mode(mc, 1), n >= 2 ? VIGIL_OK : VIGIL_EINVAL);
        assert_int_equal(vigil_machine_set_common_mode(mc, 2), VIGIL_EINVAL);
        vigil_machine_destroy(mc);
    }
}

/* A step shared by every channel leaves common-mode rows, hence every score, unchanged
 * (exactly, up to the rounding of the ratio): the machine with x1.5 on every amplitude and +1
 * on every kurtosis scores as the machine without. */
static void test_shared_step_cancels(void **state)
{
    (void)state;
    vigil_machine *a = NULL, *b = NULL;
    assert_int_equal(vigil_machine_create(ch4, 4, cols, W, VIGIL_DETECTOR_ZSCORE, &a), VIGIL_OK);
    uint64_t s = 7;
    double row[4 * W], stepped[4 * W];
    for (size_t i = 0; i < LEARN; i++) {
        make_row(&s, i, 4, row);
        assert_int_equal(vigil_machine_learn(a, row, 4 * W, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_machine_fit(a), VIGIL_OK);
    size_t len;
    assert_int_equal(vigil_machine_save_size(a, 0, &len), VIGIL_OK);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    size_t w;
    assert_int_equal(vigil_machine_save(a, 0, buf, len, &w), VIGIL_OK);
    assert_int_equal(vigil_machine_load(buf, w, &b), VIGIL_OK);
    for (size_t i = 0; i < 50; i++) {
        make_row(&s, i, 4, row); /* healthy rows (i < 90) */
        for (size_t g = 0; g < 4; g++) {
            stepped[g * W + 0] = 1.5 * row[g * W + 0];
            stepped[g * W + 1] = row[g * W + 1] + 1.0;
            stepped[g * W + 2] = 1.5 * row[g * W + 2];
        }
        assert_true(vigil_machine_score(a, row, 4 * W, (double)i, 0, NULL) >= 0);
        assert_true(vigil_machine_score(b, stepped, 4 * W, (double)i, 0, NULL) >= 0);
        for (size_t g = 0; g < 4; g++)
            assert_true(fabs(vigil_monitor_last_score(vigil_machine_monitor(a, g)) -
                             vigil_monitor_last_score(vigil_machine_monitor(b, g))) <= 1e-9);
    }
    free(buf);
    vigil_machine_destroy(a);
    vigil_machine_destroy(b);
}

static vigil_machine *trained(size_t nch, uint64_t seed)
{
    vigil_machine *mc = NULL;
    assert_int_equal(vigil_machine_create(ch4, nch, cols, W, VIGIL_DETECTOR_MAHALANOBIS, &mc),
                     VIGIL_OK);
    uint64_t s = seed;
    double row[4 * W];
    for (size_t i = 0; i < LEARN; i++) {
        make_row(&s, i, nch, row);
        assert_int_equal(vigil_machine_learn(mc, row, nch * W, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_machine_fit(mc), VIGIL_OK);
    return mc;
}

/* Row i of a history with a six-day stop before row 60: healthy noise (make_row's row 0: no
 * step, no fault), channel g's amplitudes times gain[g] after the stop. Returns its time. */
static double stop_row(uint64_t *s, size_t i, const double gain[4], double *row)
{
    make_row(s, 0, 4, row);
    const int after = i >= 60;
    for (size_t g = 0; g < 4 && after; g++) {
        row[g * W + 0] *= gain[g];
        row[g * W + 2] *= gain[g];
    }
    return 600.0 * (double)i + (after ? 6.0 * 86400.0 : 0.0);
}

/* The step rule after a gap (docs/MODELS.md "A machine's channels"): every channel steps up
 * after a six-day stop, by 20 % except channel 4 (40 %): its common-mode rows rise 17 %
 * (1.4 / 1.2), which alarms on its own. The channels stepped together (shared step 0.18 in log,
 * spread 0 around it), so the medians are re-referenced and nothing alarms; the same 17 % on
 * channel 4 alone (the others unchanged: a shared step of 0) is a fault and alarms. */
static size_t alarms_after_stop(const double gain[4])
{
    vigil_machine *mc = trained(4, 11);
    uint64_t s = 99;
    double row[4 * W];
    size_t alarms = 0;
    for (size_t i = 0; i < 200; i++) {
        const double t = stop_row(&s, i, gain, row);
        int st[4];
        assert_true(vigil_machine_score(mc, row, 4 * W, t, 0, st) >= 0);
        alarms += st[3] == VIGIL_STATE_ALARM;
        for (size_t g = 0; g < 3; g++)
            assert_int_not_equal(st[g], VIGIL_STATE_ALARM);
    }
    assert_int_equal(vigil_monitor_counter(vigil_machine_monitor(mc, 3), VIGIL_COUNTER_GAPS),
                     1);
    vigil_machine_destroy(mc);
    return alarms;
}

static void test_gap_step_together(void **state)
{
    (void)state;
    const double together[4] = {1.2, 1.2, 1.2, 1.4};
    const double alone[4] = {1.0, 1.0, 1.0, 1.4 / 1.2};
    assert_int_equal(alarms_after_stop(together), 0);
    assert_true(alarms_after_stop(alone) > 60); /* 96 of the 140 rows after the stop */
}

/* A machine saved with its stream state (VIGIL_SAVE_STREAM) while the step rule collects the
 * rows before or after a six-day stop, loaded and continued, reaches the same verdict: every
 * channel's state and score equal, bit for bit, those of the machine that never stopped. The
 * cuts: before the stop (the ring filling, then full), 1, 2 and 19 rows after it (the rows
 * after the gap half in; 20 complete them), and after the verdict. */
static void test_resume_across_stop(void **state)
{
    (void)state;
    static const size_t cuts[] = {5, 45, 61, 62, 79, 80, 90};
    const double gain[4] = {1.2, 1.2, 1.2, 1.4};
    enum { STEPS = 120 };
    static double ref_score[STEPS][4];
    static int ref_state[STEPS][4];
    for (size_t c = 0; c <= sizeof cuts / sizeof *cuts; c++) { /* 0: the reference */
        const int is_ref = c == 0;
        const size_t cut = is_ref ? SIZE_MAX : cuts[c - 1];
        vigil_machine *mc = trained(4, 11);
        uint64_t s = 99;
        double row[4 * W];
        for (size_t i = 0; i < STEPS; i++) {
            if (i == cut) {
                size_t len = 0, w = 0;
                assert_int_equal(vigil_machine_save_size(mc, VIGIL_SAVE_STREAM, &len), VIGIL_OK);
                unsigned char *buf = malloc(len);
                assert_non_null(buf);
                assert_int_equal(vigil_machine_save(mc, VIGIL_SAVE_STREAM, buf, len, &w),
                                 VIGIL_OK);
                vigil_machine_destroy(mc);
                mc = NULL;
                assert_int_equal(vigil_machine_load(buf, w, &mc), VIGIL_OK);
                free(buf);
            }
            const double t = stop_row(&s, i, gain, row);
            int st[4];
            assert_true(vigil_machine_score(mc, row, 4 * W, t, 0, st) >= 0);
            for (size_t g = 0; g < 4; g++) {
                const double sc = vigil_monitor_last_score(vigil_machine_monitor(mc, g));
                if (is_ref) {
                    ref_state[i][g] = st[g];
                    ref_score[i][g] = sc;
                } else if (i >= cut && (st[g] != ref_state[i][g] ||
                                        memcmp(&sc, &ref_score[i][g], sizeof sc) != 0)) {
                    fail_msg("cut %zu, row %zu, channel %zu: state %d (%d), score %.17g (%.17g)",
                             cut, i, g, st[g], ref_state[i][g], sc, ref_score[i][g]);
                }
            }
        }
        if (is_ref) /* the stop was re-referenced: channel 4's own 17 % never alarms */
            for (size_t i = 0; i < STEPS; i++)
                assert_int_not_equal(ref_state[i][3], VIGIL_STATE_ALARM);
        vigil_machine_destroy(mc);
    }
}

/* Saved with the stream state mid-history, loaded, continued: the same states, scores and
 * counters as the machine that never stopped. */
static void test_round_trip(void **state)
{
    (void)state;
    vigil_machine *a = trained(4, 11), *b = NULL;
    uint64_t s = 99;
    double row[4 * W];
    int sa[4], sb[4];
    for (size_t i = LEARN; i < 150; i++) {
        make_row(&s, i, 4, row);
        assert_true(vigil_machine_score(a, row, 4 * W, 600.0 * (double)i, 0, sa) >= 0);
    }
    char path[] = "/tmp/vigil_machine_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vigil_machine_save_file(a, path, VIGIL_SAVE_STREAM), VIGIL_OK);
    assert_int_equal(vigil_machine_load_file(path, &b), VIGIL_OK);
    assert_int_equal(vigil_machine_common_mode(b), 1);
    assert_string_equal(vigil_machine_channel_name(b, 3), "B4");
    for (size_t g = 0; g < 4; g++)
        assert_int_equal(vigil_monitor_state(vigil_machine_monitor(a, g)),
                         vigil_monitor_state(vigil_machine_monitor(b, g)));
    for (size_t i = 150; i < ROWS; i++) {
        make_row(&s, i, 4, row);
        const double t = 600.0 * (double)i;
        assert_int_equal(vigil_machine_score(a, row, 4 * W, t, 0, sa),
                         vigil_machine_score(b, row, 4 * W, t, 0, sb));
        for (size_t g = 0; g < 4; g++) {
            assert_int_equal(sa[g], sb[g]);
            assert_true(vigil_monitor_last_score(vigil_machine_monitor(a, g)) ==
                        vigil_monitor_last_score(vigil_machine_monitor(b, g)));
        }
    }
    /* a single monitor's loader refuses the machine file and names the machine loader */
    vigil_monitor *one = NULL;
    assert_int_equal(vigil_monitor_load_file(path, &one), VIGIL_EFORMAT);
    assert_null(one);
    assert_non_null(strstr(vigil_last_error(), "vigil_machine_load"));
    /* a single monitor's file is told apart, and still loads as a monitor */
    assert_int_equal(vigil_monitor_save_file(vigil_machine_monitor(a, 0), path), VIGIL_OK);
    vigil_machine *c = NULL;
    assert_int_equal(vigil_machine_load_file(path, &c), VIGIL_ENOTFOUND);
    assert_null(c);
    assert_non_null(strstr(vigil_last_error(), "single monitor"));
    assert_int_equal(vigil_monitor_load_file(path, &one), VIGIL_OK);
    vigil_monitor_destroy(one);
    unlink(path);
    vigil_machine_destroy(a);
    vigil_machine_destroy(b);
}

/* Every truncation and a flipped byte in each position of a saved machine: a negative status
 * with a message, never a crash (the CRC catches most; the rest reach the section parser). */
static void test_corrupt(void **state)
{
    (void)state;
    vigil_machine *a = trained(3, 5), *b = NULL;
    size_t len, w;
    assert_int_equal(vigil_machine_save_size(a, VIGIL_SAVE_STREAM, &len), VIGIL_OK);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(vigil_machine_save(a, VIGIL_SAVE_STREAM, buf, len - 1, &w), VIGIL_ESPACE);
    assert_int_equal(vigil_machine_save(a, VIGIL_SAVE_STREAM, buf, len, &w), VIGIL_OK);
    for (size_t n = 0; n < w; n += 7) {
        assert_true(vigil_machine_load(buf, n, &b) < 0);
        assert_null(b);
        assert_true(vigil_last_error()[0] != '\0');
    }
    for (size_t i = 0; i < w; i += 3) {
        buf[i] ^= 0x5a;
        int rc = vigil_machine_load(buf, w, &b);
        assert_true(rc < 0);
        assert_null(b);
        buf[i] ^= 0x5a;
    }
    assert_int_equal(vigil_machine_load(buf, w, &b), VIGIL_OK);
    vigil_machine_destroy(b);
    free(buf);
    vigil_machine_destroy(a);
}

static void test_bad_input(void **state)
{
    (void)state;
    vigil_machine *mc = NULL;
    const char *dup[2] = {"B1", "B1"}, *bad[2] = {"B1", "B 2"}, *empty[1] = {""};
    assert_int_equal(vigil_machine_create(dup, 2, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_null(mc);
    assert_int_equal(vigil_machine_create(bad, 2, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(empty, 1, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(ch4, 0, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(NULL, 2, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(ch4, 65, cols, W, 1, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(ch4, 2, cols, W, 99, &mc), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_create(ch4, 2, cols, W, 1, NULL), VIGIL_EINVAL);
    /* adopt: different columns, a fitted monitor */
    const char *other[W] = {"rms", "kurtosis", "crest"};
    vigil_monitor *mons[2];
    assert_int_equal(vigil_monitor_create(cols, W, 1, &mons[0]), VIGIL_OK);
    assert_int_equal(vigil_monitor_create(other, W, 1, &mons[1]), VIGIL_OK);
    assert_int_equal(vigil_machine_adopt(ch4, 2, mons, &mc), VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "crest"));
    vigil_monitor_destroy(mons[1]);
    assert_int_equal(vigil_monitor_create(cols, W, 1, &mons[1]), VIGIL_OK);
    assert_int_equal(vigil_machine_adopt(ch4, 2, mons, &mc), VIGIL_OK);
    assert_ptr_equal(vigil_machine_monitor(mc, 1), mons[1]);
    vigil_machine_destroy(mc); /* owns both */

    mc = trained(4, 3);
    double row[4 * W];
    uint64_t s = 1;
    make_row(&s, 100, 4, row);
    int states[4] = {-9, -9, -9, -9};
    assert_int_equal(vigil_machine_score(mc, row, 4 * W - 1, 1.0, 0, states), VIGIL_EMISMATCH);
    assert_int_equal(vigil_machine_score(mc, NULL, 4 * W, 1.0, 0, states), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_score(NULL, row, 4 * W, 1.0, 0, states), VIGIL_EINVAL);
    assert_int_equal(vigil_machine_learn(mc, row, 4 * W, 0), VIGIL_ESTATE);
    assert_int_equal(vigil_machine_set_common_mode(mc, 0), VIGIL_ESTATE);
    /* a NaN in one channel: with common mode the whole row is rejected, counted per channel */
    row[1 * W + 0] = NAN;
    assert_int_equal(vigil_machine_score(mc, row, 4 * W, 1.0, 0, states), VIGIL_ENONFINITE);
    assert_non_null(strstr(vigil_last_error(), "not finite"));
    for (size_t g = 0; g < 4; g++)
        assert_int_equal(vigil_monitor_counter(vigil_machine_monitor(mc, g),
                                               VIGIL_COUNTER_REJECTED), 1);
    /* a reference <= 0 for a ratio: rejected too */
    make_row(&s, 100, 4, row);
    for (size_t g = 1; g < 4; g++)
        row[g * W + 0] = 0.0;
    assert_int_equal(vigil_machine_score(mc, row, 4 * W, 1.0, 0, states), VIGIL_EFORMAT);
    for (size_t g = 0; g < 4; g++)
        assert_int_equal(vigil_monitor_counter(vigil_machine_monitor(mc, g),
                                               VIGIL_COUNTER_SCORED), 0);
    make_row(&s, 100, 4, row);
    assert_true(vigil_machine_score(mc, row, 4 * W, NAN, 0, states) == VIGIL_ENONFINITE);
    assert_true(vigil_machine_score(mc, row, 4 * W, 2.0, 0, states) >= 0);
    for (size_t g = 0; g < 4; g++)
        assert_true(states[g] >= 0 && states[g] <= 2);
    vigil_machine_destroy(mc);

    /* without common mode a NaN rejects only its channel; the others are scored */
    vigil_machine *two = trained(2, 4);
    make_row(&s, 100, 2, row);
    row[W + 1] = NAN;
    assert_int_equal(vigil_machine_score(two, row, 2 * W, 5.0, 0, states), VIGIL_ENONFINITE);
    assert_int_equal(vigil_monitor_counter(vigil_machine_monitor(two, 0), VIGIL_COUNTER_SCORED),
                     1);
    assert_int_equal(vigil_monitor_counter(vigil_machine_monitor(two, 1), VIGIL_COUNTER_REJECTED),
                     1);
    vigil_machine_destroy(two);
    /* not fitted */
    assert_int_equal(vigil_machine_create(ch4, 2, cols, W, 1, &mc), VIGIL_OK);
    assert_int_equal(vigil_machine_score(mc, row, 2 * W, 1.0, 0, NULL), VIGIL_ESTATE);
    size_t n;
    assert_int_equal(vigil_machine_save_size(mc, 0, &n), VIGIL_ESTATE);
    assert_int_equal(vigil_machine_fit(mc), VIGIL_ENODATA);
    assert_non_null(strstr(vigil_last_error(), "B1"));
    vigil_machine_destroy(mc);
    vigil_machine_destroy(NULL);
}

/* Monitors fitted apart (the gateway's channels) make a machine without common mode: it
 * scores each channel as its monitor alone did, saves and loads. */
static void test_adopt_fitted(void **state)
{
    (void)state;
    vigil_monitor *mons[2], *ref[2];
    uint64_t s = 21;
    double row[4 * W];
    for (size_t g = 0; g < 2; g++) {
        assert_int_equal(vigil_monitor_create(cols, W, VIGIL_DETECTOR_PCA, &mons[g]), VIGIL_OK);
        assert_int_equal(vigil_monitor_create(cols, W, VIGIL_DETECTOR_PCA, &ref[g]), VIGIL_OK);
    }
    for (size_t i = 0; i < LEARN; i++) {
        make_row(&s, i, 2, row);
        for (size_t g = 0; g < 2; g++) {
            assert_int_equal(vigil_monitor_learn(mons[g], row + g * W, W, 0), VIGIL_OK);
            assert_int_equal(vigil_monitor_learn(ref[g], row + g * W, W, 0), VIGIL_OK);
        }
    }
    assert_int_equal(vigil_monitor_fit(mons[0]), VIGIL_OK);
    vigil_machine *mc = NULL;
    assert_int_equal(vigil_machine_adopt(ch4, 2, mons, &mc), VIGIL_ESTATE); /* mixed */
    assert_null(mc);
    for (size_t g = 0; g < 2; g++) {
        if (g)
            assert_int_equal(vigil_monitor_fit(mons[g]), VIGIL_OK);
        assert_int_equal(vigil_monitor_fit(ref[g]), VIGIL_OK);
    }
    const char *three[3] = {"a", "b", "c"};
    assert_int_equal(vigil_machine_adopt(three, 2, mons, &mc), VIGIL_OK);
    assert_int_equal(vigil_machine_common_mode(mc), 0);
    assert_int_equal(vigil_machine_set_common_mode(mc, 1), VIGIL_ESTATE);
    assert_int_equal(vigil_machine_fitted(mc), 1);
    int st[2];
    for (size_t i = LEARN; i < ROWS; i++) {
        make_row(&s, i, 2, row);
        assert_true(vigil_machine_score(mc, row, 2 * W, (double)i, 0, st) >= 0);
        for (size_t g = 0; g < 2; g++) {
            assert_int_equal(st[g], vigil_monitor_score(ref[g], row + g * W, W, (double)i, 0));
            assert_true(vigil_monitor_last_score(vigil_machine_monitor(mc, g)) ==
                        vigil_monitor_last_score(ref[g]));
        }
    }
    size_t len, w;
    assert_int_equal(vigil_machine_save_size(mc, VIGIL_SAVE_STREAM, &len), VIGIL_OK);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(vigil_machine_save(mc, VIGIL_SAVE_STREAM, buf, len, &w), VIGIL_OK);
    vigil_machine *back = NULL;
    assert_int_equal(vigil_machine_load(buf, w, &back), VIGIL_OK);
    assert_string_equal(vigil_machine_channel_name(back, 1), "b");
    assert_int_equal(vigil_machine_common_mode(back), 0);
    free(buf);
    vigil_machine_destroy(back);
    vigil_machine_destroy(mc);
    vigil_monitor_destroy(ref[0]);
    vigil_monitor_destroy(ref[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_standalone_plain),
        cmocka_unit_test(test_equals_standalone_common),
        cmocka_unit_test(test_default_rule),
        cmocka_unit_test(test_shared_step_cancels),
        cmocka_unit_test(test_gap_step_together),
        cmocka_unit_test(test_resume_across_stop),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_adopt_fitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
