/* Diagnosis on synthetic recordings with known defect impulses: the label must be the seeded
 * fault, and the reported line must be at the closed-form defect frequency. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

#include "diag_vectors.h"
#include "evidence.h"

#define PI_ 3.14159265358979323846
#define RATE 12000.0
#define NS 48000 /* 4 s */
#define FRAME 16384
#define SHAFT 29.95

/* Seeded Gaussian noise (xorshift64* + Box-Muller): reproducible everywhere. */
static uint64_t rng_state;
static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return ((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-300;
}
static double gauss(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(2.0 * PI_ * uniform());
}

/* Bursts of a 3.2 kHz resonance (5 % damping) about every 1/f_rep s, each interval jittered by
 * 1 % (sd) as rolling-element slip does in real bearings (Antoni & Randall); amplitude modulated
 * by 1 + mod cos(2 pi f_mod t) (an inner-race defect passes through the load zone once per
 * turn). Without the jitter the train's energy sits only on exact harmonics, which prewhitening
 * flattens away: see docs/DIAGNOSTICS.md. */
static void add_bursts(double *x, double f_rep, double amp, double mod, double f_mod)
{
    const double fn = 3200.0, zeta = 0.05, wd = 2 * PI_ * fn * sqrt(1 - zeta * zeta);
    for (double t0 = 0.0; t0 < NS / RATE; t0 += (1.0 + 0.01 * gauss()) / f_rep) {
        const double a = amp * (1.0 + mod * cos(2 * PI_ * f_mod * t0));
        const size_t i0 = (size_t)ceil(t0 * RATE);
        for (size_t i = i0; i < NS && i < i0 + 200; i++) {
            const double tau = (double)i / RATE - t0;
            x[i] += a * exp(-zeta * 2 * PI_ * fn * tau) * sin(wd * tau);
        }
    }
}

static int diagnose(const double *x, int severity, vigil_diagnosis **keep)
{
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, &d), 0);
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, SHAFT), 0);
    if (severity)
        assert_int_equal(vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID), 0);
    assert_int_equal(vigil_diagnosis_push(d, x, NS), 0);
    const int fault = vigil_diagnosis_decide(d);
    assert_true(strlen(vigil_diagnosis_reason(d)) > 20);
    if (keep)
        *keep = d;
    else
        vigil_diagnosis_destroy(d);
    return fault;
}

static double *noise(double sd)
{
    double *x = malloc(NS * sizeof *x);
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < NS; i++)
        x[i] = sd * gauss();
    return x;
}

static double orders[4];

static int setup(void **state)
{
    (void)state;
    return vigil_bearing_frequencies(9, 0.3126, 1.537, 0, SHAFT, orders, 4);
}

static void test_normal(void **state)
{
    (void)state;
    double *x = noise(0.05);
    assert_int_equal(diagnose(x, 1, NULL), VIGIL_FAULT_NORMAL);
    free(x);
}

static void test_outer(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, orders[VIGIL_DEFECT_BPFO], 0.3, 0.0, 0.0);
    vigil_diagnosis *d;
    assert_int_equal(diagnose(x, 1, &d), VIGIL_FAULT_OUTER_RACE);
    double f, amp, prom;
    assert_int_equal(vigil_diagnosis_line(d, VIGIL_DEFECT_BPFO, 1, &f, &amp, &prom), 0);
    assert_true(fabs(f - 3.5848 * SHAFT) < 1e-3 * f);
    assert_true(prom >= VIGIL_DIAG_PROMINENCE);
    vigil_diagnosis_destroy(d);
    free(x);
}

static void test_inner(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, orders[VIGIL_DEFECT_BPFI], 0.3, 0.8, SHAFT);
    assert_int_equal(diagnose(x, 1, NULL), VIGIL_FAULT_INNER_RACE);
    free(x);
}

static void test_ball(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, 2.0 * orders[VIGIL_DEFECT_BSF], 0.3, 0.5, orders[VIGIL_DEFECT_FTF]);
    assert_int_equal(diagnose(x, 1, NULL), VIGIL_FAULT_BALL);
    free(x);
}

static void test_cage(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, orders[VIGIL_DEFECT_FTF], 0.3, 0.0, 0.0);
    assert_int_equal(diagnose(x, 1, NULL), VIGIL_FAULT_CAGE);
    free(x);
}

/* As the outer-race impulses weaken to nothing, the verdict goes outer_race -> inconclusive
 * (pointing at the outer race) -> normal, and is never another part. */
static void test_weakening_evidence(void **state)
{
    (void)state;
    int seen[VIGIL_FAULT_COUNT] = {0};
    for (int step = 0; step <= 15; step++) {
        const double amp = 0.02 * step;
        double *x = noise(0.05);
        if (amp > 0.0)
            add_bursts(x, orders[VIGIL_DEFECT_BPFO], amp, 0.0, 0.0);
        vigil_diagnosis *d;
        const int fault = diagnose(x, 0, &d);
        if (fault != VIGIL_FAULT_NORMAL && fault != VIGIL_FAULT_INCONCLUSIVE &&
            fault != VIGIL_FAULT_OUTER_RACE)
            fail_msg("bursts of %.2f: %s (%s)", amp, vigil_fault_name(fault),
                     vigil_diagnosis_reason(d));
        if (fault == VIGIL_FAULT_INCONCLUSIVE) {
            assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_CANDIDATE) == VIGIL_FAULT_OUTER_RACE);
            assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_CONFIDENCE) < 0.5);
        }
        if (fault == VIGIL_FAULT_OUTER_RACE) {
            assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_STRENGTH) >= 1.0);
            assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_SUPPORT) >= 1.0);
        }
        if (step == 0)
            assert_int_equal(fault, VIGIL_FAULT_NORMAL);
        if (step == 15)
            assert_int_equal(fault, VIGIL_FAULT_OUTER_RACE);
        seen[fault]++;
        vigil_diagnosis_destroy(d);
        free(x);
    }
    assert_true(seen[VIGIL_FAULT_INCONCLUSIVE] >= 1);
}

/* The evidence lines: names, closed-form frequencies, thresholds; bad arguments. */
static void test_evidence_lines(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, orders[VIGIL_DEFECT_BPFI], 0.3, 0.8, SHAFT);
    vigil_diagnosis *d;
    assert_int_equal(diagnose(x, 1, &d), VIGIL_FAULT_INNER_RACE);
    static const char *const names[] = {"BPFI", "2xBPFI", "3xBPFI", "BPFI-1x", "BPFI+1x"};
    const double bpfi = 5.4152 * SHAFT;
    const double want[] = {bpfi, 2 * bpfi, 3 * bpfi, bpfi - SHAFT, bpfi + SHAFT};
    for (size_t i = 0; i < 5; i++) {
        double f, p, t;
        const char *name;
        assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_INNER_RACE, i, &f, &p, &t, &name),
                         5);
        assert_string_equal(name, names[i]);
        assert_true(fabs(f - want[i]) < 1e-4 * want[i]);
        assert_true(t >= (i ? 1.0 : VIGIL_DIAG_PROMINENCE));
        if (i == 0)
            assert_true(p >= t);
    }
    /* the inner race's shaft-rate sidebands and harmonics support it */
    assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_SUPPORT) >= 2.0);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_INNER_RACE, 5, NULL, NULL, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_OUTER_RACE, 3, NULL, NULL, NULL, NULL),
                     VIGIL_ENOTFOUND);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_CAGE, 3, NULL, NULL, NULL, NULL), 4);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_OUTER_RACE, 0, NULL, NULL, NULL, NULL),
                     3);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_NORMAL, 0, NULL, NULL, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_evidence(NULL, VIGIL_FAULT_CAGE, 0, NULL, NULL, NULL, NULL),
                     VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_reset(d), VIGIL_OK);
    assert_int_equal(vigil_diagnosis_evidence(d, VIGIL_FAULT_CAGE, 0, NULL, NULL, NULL, NULL),
                     VIGIL_ESTATE);
    assert_string_equal(vigil_line_kind_name(VIGIL_LINE_MAINS), "mains");
    assert_null(vigil_line_kind_name(4));
    vigil_diagnosis_destroy(d);
    free(x);
}

/* Shaft rate without a tachometer: a 1x line every frame finds gives a vote share of 1; with
 * noise only, the frames scatter over 5-100 Hz and no majority forms. */
static void test_shaft_vote(void **state)
{
    (void)state;
    for (int with_line = 1; with_line >= 0; with_line--) {
        double *x = noise(0.05);
        if (with_line)
            for (size_t i = 0; i < NS; i++)
                x[i] += 0.05 * sin(2 * PI_ * SHAFT * (double)i / RATE);
        vigil_diagnosis *d = NULL;
        assert_int_equal(vigil_diagnosis_create(RATE, 4096, &d), 0);
        assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0), 0);
        assert_int_equal(vigil_diagnosis_push(d, x, NS), 0);
        assert_true(vigil_diagnosis_decide(d) >= 0);
        const double share = vigil_diagnosis_value(d, VIGIL_DIAG_SHAFT_CONFIDENCE);
        if (with_line) {
            assert_true(fabs(vigil_diagnosis_value(d, VIGIL_DIAG_SHAFT_HZ) - SHAFT) < 0.01 * SHAFT);
            assert_true(share == 1.0);
            assert_true(strstr(vigil_diagnosis_reason(d), "100% of frames agree") != NULL);
        } else {
            assert_true(share <= VIGIL_DIAG_SHAFT_MAJORITY);
        }
        vigil_diagnosis_destroy(d);
        free(x);
    }
}

/* A 1x sine of 0.05 g at 29.95 Hz is 1.84 mm/s, zone B for group 2 rigid: still normal.
 * At 0.2 g it is 7.4 mm/s, zone D, and the 1x carries nearly all of it: imbalance. Without
 * severity configured the imbalance rule cannot apply. */
static void test_imbalance(void **state)
{
    (void)state;
    const double amps[2] = {0.05, 0.2};
    const int want[2] = {VIGIL_FAULT_NORMAL, VIGIL_FAULT_IMBALANCE};
    for (int c = 0; c < 2; c++) {
        double *x = noise(0.01);
        for (size_t i = 0; i < NS; i++)
            x[i] += amps[c] * sin(2 * PI_ * SHAFT * (double)i / RATE);
        vigil_diagnosis *d;
        assert_int_equal(diagnose(x, 1, &d), want[c]);
        const double v = amps[c] * 9.80665 / (2 * PI_ * SHAFT) / sqrt(2.0) * 1000.0;
        assert_true(fabs(vigil_diagnosis_value(d, VIGIL_DIAG_ORDER_1X_VELOCITY) - v) < 0.01 * v);
        vigil_diagnosis_destroy(d);
        assert_int_equal(diagnose(x, 0, NULL), VIGIL_FAULT_NORMAL);
        free(x);
    }
}

/* Chunking does not change the decision values; reset equals fresh. */
static void test_chunking_and_reset(void **state)
{
    (void)state;
    double *x = noise(0.05);
    add_bursts(x, orders[VIGIL_DEFECT_BPFO], 0.3, 0.0, 0.0);
    vigil_diagnosis *a, *b = NULL;
    assert_int_equal(diagnose(x, 1, &a), VIGIL_FAULT_OUTER_RACE);
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, &b), 0);
    assert_int_equal(vigil_diagnosis_set_bearing(b, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(b, SHAFT), 0);
    assert_int_equal(vigil_diagnosis_set_severity(b, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID), 0);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < NS; i += 1000)
            assert_int_equal(vigil_diagnosis_push(b, x + i, NS - i < 1000 ? NS - i : 1000), 0);
        assert_int_equal(vigil_diagnosis_decide(b), VIGIL_FAULT_OUTER_RACE);
        for (int q = 0; q < 4; q++)
            for (int h = 1; h <= 3; h++) {
                double pa, pb;
                vigil_diagnosis_line(a, q, h, NULL, NULL, &pa);
                vigil_diagnosis_line(b, q, h, NULL, NULL, &pb);
                assert_true(pa == pb);
            }
        assert_true(vigil_diagnosis_value(a, VIGIL_DIAG_VELOCITY_RMS) ==
                    vigil_diagnosis_value(b, VIGIL_DIAG_VELOCITY_RMS));
        assert_int_equal(vigil_diagnosis_reset(b), 0);
    }
    vigil_diagnosis_destroy(a);
    vigil_diagnosis_destroy(b);
    free(x);
}

/* The noise threshold against exact Gamma quantiles (tests/reference/gen_noise_threshold.py):
 * Wilson-Hilferty is within 1 % of them here. One frame with a 1-bin window needs 3.39, so
 * a short recording raises the rule's threshold above VIGIL_DIAG_PROMINENCE; 13 frames do not. */
static void test_noise_threshold(void **state)
{
    (void)state;
    static const double ref[][4] = {
        {13, 5, 0.0025, 1.803314},
        {4, 3, 0.0025, 2.456658},
        {1, 1, 0.0025, 3.390974},
        {100, 8, 0.0025, 1.273334},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        const double t = vigil__noise_threshold(ref[i][0], (size_t)ref[i][1], ref[i][2]);
        assert_true(fabs(t - ref[i][3]) < 0.01 * ref[i][3]);
    }
    /* the search window of vigil__line: 106.227..108.373 Hz at 0.732421875 Hz: floor(145.03) ..
     * ceil(147.97) = bins 145..148 */
    assert_int_equal(vigil__line_bins(8193, 12000.0 / 16384, 107.3, 0.01), 4);
    assert_int_equal(vigil__line_bins(8193, 12000.0 / 16384, 7000.0, 0.01), 0);
}

/* The averaged envelope spectrum equals numpy's (tests/reference/gen_diag_vectors.py: mean of
 * the 7 half-overlapping 1024-sample frames' prewhitened envelope spectra), 1e-9 of its peak;
 * the float push gives what the double push of the same values gives; a longer hop averages
 * fewer frames. */
static void test_envelope_spectrum(void **state)
{
    (void)state;
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(DV_RATE, DV_AVG_N, &d), 0);
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, DV_SHAFT), 0);
    double amp[DV_AVG_N / 2 + 1], df = 0.0;
    size_t written = 99;
    assert_int_equal(vigil_diagnosis_envelope_spectrum(d, amp, DV_AVG_N / 2 + 1, &written, &df),
                     VIGIL_ENODATA);
    assert_int_equal(written, 0);
    assert_int_equal(vigil_diagnosis_push(d, dv_outer, DV_N), 0);
    assert_int_equal(vigil_diagnosis_envelope_spectrum(d, NULL, 0, &written, &df), VIGIL_ESPACE);
    assert_int_equal(written, DV_AVG_N / 2 + 1);
    assert_int_equal(vigil_diagnosis_envelope_spectrum(d, NULL, 5, &written, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_envelope_spectrum(d, amp, DV_AVG_N / 2 + 1, &written, &df), 0);
    assert_int_equal(written, DV_AVG_N / 2 + 1);
    assert_true(df == DV_RATE / (double)DV_AVG_N);
    double peak = 0.0;
    for (size_t k = 0; k < written; k++)
        peak = fmax(peak, dv_avg_env[k]);
    for (size_t k = 0; k < written; k++)
        if (fabs(amp[k] - dv_avg_env[k]) > 1e-9 * peak)
            fail_msg("bin %zu: %.12g, numpy %.12g", k, amp[k], dv_avg_env[k]);
    /* the decision measures its lines in this spectrum */
    assert_true(vigil_diagnosis_decide(d) >= 0);
    assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_FRAMES) == 7.0);

    static float xf[DV_N];
    static double xd[DV_N];
    for (size_t i = 0; i < DV_N; i++) {
        xf[i] = (float)dv_outer[i];
        xd[i] = (double)xf[i];
    }
    vigil_diagnosis *g = NULL;
    double amp_g[DV_AVG_N / 2 + 1];
    assert_int_equal(vigil_diagnosis_reset(d), 0);
    assert_int_equal(vigil_diagnosis_push(d, xd, DV_N), 0);
    assert_int_equal(vigil_diagnosis_envelope_spectrum(d, amp, DV_AVG_N / 2 + 1, NULL, NULL), 0);
    assert_int_equal(vigil_diagnosis_create(DV_RATE, DV_AVG_N, &g), 0);
    assert_int_equal(vigil_diagnosis_set_bearing(g, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_push_f32(g, xf, 1000), 0);
    assert_int_equal(vigil_diagnosis_push_f32(g, xf + 1000, DV_N - 1000), 0);
    assert_int_equal(vigil_diagnosis_envelope_spectrum(g, amp_g, DV_AVG_N / 2 + 1, NULL, NULL), 0);
    assert_memory_equal(amp, amp_g, sizeof amp);
    xf[7] = NAN;
    assert_int_equal(vigil_diagnosis_push_f32(g, xf, DV_N), VIGIL_ENONFINITE);
    vigil_diagnosis_destroy(g);

    /* hop N: 4 frames; the hop is frozen once samples are pushed */
    assert_int_equal(vigil_diagnosis_set_hop(d, DV_AVG_N), VIGIL_ESTATE);
    assert_int_equal(vigil_diagnosis_reset(d), 0);
    assert_int_equal(vigil_diagnosis_set_hop(d, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_hop(d, DV_AVG_N + 1), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_hop(d, DV_AVG_N), 0);
    assert_int_equal(vigil_diagnosis_push(d, dv_outer, DV_N), 0);
    assert_true(vigil_diagnosis_decide(d) >= 0);
    assert_true(vigil_diagnosis_value(d, VIGIL_DIAG_FRAMES) == 4.0);
    vigil_diagnosis_destroy(d);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(0, FRAME, &d), VIGIL_EINVAL);
    assert_null(d);
    assert_int_equal(vigil_diagnosis_create(RATE, 8, &d), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_create(RATE, FRAME, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_create(RATE, 1024, &d), 0);
    double x[1024] = {0};
    assert_int_equal(vigil_diagnosis_push(d, x, 1024), VIGIL_ESTATE); /* no bearing */
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 2, 1, 0), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_set_band(d, 100, 50), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_band(d, 0, 0), 0);
    assert_int_equal(vigil_diagnosis_set_severity(d, 7, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_severity(d, 1, 7), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, 1e6), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_decide(d), VIGIL_ENODATA);
    assert_int_equal(vigil_diagnosis_line(d, 0, 1, NULL, NULL, NULL), VIGIL_ESTATE);
    x[3] = NAN;
    assert_int_equal(vigil_diagnosis_push(d, x, 1024), VIGIL_ENONFINITE);
    assert_int_equal(vigil_diagnosis_decide(d), VIGIL_ENODATA); /* nothing was taken */
    x[3] = 0;
    assert_int_equal(vigil_diagnosis_push(d, x, 1024), 0);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, 30), VIGIL_ESTATE);
    assert_true(vigil_diagnosis_decide(d) >= 0);
    assert_int_equal(vigil_diagnosis_line(d, 4, 1, NULL, NULL, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_diagnosis_line(d, 0, 4, NULL, NULL, NULL), VIGIL_EINVAL);
    assert_true(vigil_diagnosis_value(d, 99) == 0.0);
    vigil_diagnosis_destroy(d);
    vigil_diagnosis_destroy(NULL);
    assert_string_equal(vigil_fault_name(VIGIL_FAULT_OUTER_RACE), "outer_race");
    assert_string_equal(vigil_fault_name(VIGIL_FAULT_INCONCLUSIVE), "inconclusive");
    assert_null(vigil_fault_name(VIGIL_FAULT_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_outer),
        cmocka_unit_test(test_inner),
        cmocka_unit_test(test_ball),
        cmocka_unit_test(test_cage),
        cmocka_unit_test(test_imbalance),
        cmocka_unit_test(test_weakening_evidence),
        cmocka_unit_test(test_evidence_lines),
        cmocka_unit_test(test_shaft_vote),
        cmocka_unit_test(test_chunking_and_reset),
        cmocka_unit_test(test_noise_threshold),
        cmocka_unit_test(test_envelope_spectrum),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
