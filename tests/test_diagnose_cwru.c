/* Data suite: vigil_diagnosis on every CWRU recording of ../shared/datasets (VIGIL_DATASETS
 * overrides), with the 6205 geometry and the manifest's rpm, then with the shaft rate estimated
 * (default range, and the range of a 4-pole motor on 60 Hz). Skips (77) without the datasets.
 *
 * What is asserted with the rpm given (docs/DIAGNOSTICS.md has the table and the discussion):
 *  - normal recordings (48 kHz original and the 12 kHz decimated copy) are `normal`;
 *  - no recording is given a wrong fault type: the label is the seeded one, `inconclusive` or
 *    `normal` (a fault recording called `imbalance` or `cage` is a wrong type too);
 *  - the recordings listed in `must_detect` are named correctly. The others are misses today,
 *    consistent with the benchmark of Smith & Randall (2015), who found no bearing signature in
 *    several of these records with envelope methods; the 0.028 in inner-race files are of
 *    another bearing make (README), so the 6205 frequencies do not apply to them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vigil.h>

static const char *const must_detect[] = {
    "ball_021_0hp_222", "ball_021_1hp_223", "ball_028_0hp_3005", "ball_028_1hp_3006",
    "inner_race_007_0hp_105", "inner_race_007_1hp_106", "inner_race_014_0hp_169",
    "inner_race_014_1hp_170", "inner_race_021_0hp_209", "inner_race_021_1hp_210",
    "outer_race_007at6_0hp_130", "outer_race_007at6_1hp_131", "outer_race_021at6_0hp_234",
    "outer_race_021at6_1hp_235",
};

/* Recordings without a 1x line: in the mean amplitude spectrum the manifest's shaft rate stands
 * 1.6x (3005) and 1.3x (3006) over its neighbours, against 6.7-69x in the other 22, so no
 * estimate can find it. */
static const char *const no_shaft_line[] = {"ball_028_0hp_3005", "ball_028_1hp_3006"};

/* The range a user of a 4-pole induction motor on a 60 Hz supply knows without a tachometer:
 * synchronous speed 30 Hz, full-load slip below 5 %. */
#define MOTOR_LO 28.0
#define MOTOR_HI 30.5

enum shaft_mode { GIVEN, ESTIMATED, IN_RANGE, COARSE };

static const char *datasets(void)
{
    const char *d = getenv("VIGIL_DATASETS");
    return d && *d ? d : getenv("VIGIL_DATASETS_DEFAULT");
}

static int listed(const char *path, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(path, names[i]))
            return 1;
    return 0;
}

/* Diagnose one file; the shaft rate used goes to *used. */
static int diagnose_file(const char *path, double rate, double shaft, enum shaft_mode mode,
                         double *used)
{
    size_t frame = 16;
    while ((double)frame < rate)
        frame *= 2;
    if (mode == COARSE) /* 2.9 Hz bins: other line families leak into the defect windows */
        frame /= 4;
    vigil_diagnosis *d = NULL;
    assert_int_equal(vigil_diagnosis_create(rate, frame, &d), 0);
    assert_int_equal(vigil_diagnosis_set_bearing(d, 9, 0.3126, 1.537, 0), 0);
    assert_int_equal(vigil_diagnosis_set_shaft_hz(d, mode == GIVEN || mode == COARSE ? shaft : 0.0),
                     0);
    if (mode == IN_RANGE)
        assert_int_equal(vigil_diagnosis_set_shaft_range(d, MOTOR_LO, MOTOR_HI), 0);
    assert_int_equal(vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID), 0);
    vigil_reader *r = NULL;
    if (vigil_reader_open(path, &r) != VIGIL_OK)
        fail_msg("%s", vigil_last_error());
    const int col = vigil_reader_find_column(r, "de");
    assert_true(col >= 0);
    static double chunk[65536];
    size_t n;
    while (vigil_reader_read_column(r, (size_t)col, chunk, 65536, &n) == VIGIL_OK && n > 0)
        assert_int_equal(vigil_diagnosis_push(d, chunk, n), 0);
    vigil_reader_close(r);
    const int fault = vigil_diagnosis_decide(d);
    *used = vigil_diagnosis_value(d, VIGIL_DIAG_SHAFT_HZ);
    if (mode == GIVEN)
        print_message("%-40s %s\n", strrchr(path, '/') + 1, vigil_diagnosis_reason(d));
    vigil_diagnosis_destroy(d);
    return fault;
}

static void run(enum shaft_mode mode)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", datasets());
    FILE *m = fopen(path, "r");
    assert_non_null(m);
    char line[4096];
    int files = 0, correct = 0, shaft_ok = 0;
    while (fgets(line, sizeof line, m)) {
        if (strncmp(line, "cwru/", 5) != 0)
            continue;
        /* path dataset rate channels units label fault_in or_position load rpm ... */
        char *field[12] = {0};
        int nf = 0;
        for (char *p = strtok(line, "\t"); p && nf < 12; p = strtok(NULL, "\t"))
            field[nf++] = p;
        assert_true(nf >= 10);
        const double rate = atof(field[2]), shaft = atof(field[9]) / 60.0;
        const char *label = field[5];
        char file[4096];
        snprintf(file, sizeof file, "%s/%s", datasets(), field[0]);
        double used;
        const int fault = diagnose_file(file, rate, shaft, mode, &used);
        assert_true(fault >= 0);
        const char *got = vigil_fault_name(fault);
        files++;
        correct += strcmp(got, label) == 0;
        shaft_ok += fabs(used / shaft - 1.0) < 0.01;
        const int unknowable = listed(field[0], no_shaft_line, 2);
        if (mode == ESTIMATED || mode == IN_RANGE) {
            /* Within 1 %: the search tolerance of a defect line (docs/DIAGNOSTICS.md). */
            if (!unknowable && fabs(used / shaft - 1.0) >= 0.01)
                fail_msg("%s: shaft rate %.3f Hz estimated, %.3f Hz recorded", field[0], used,
                         shaft);
            if (mode == IN_RANGE && !(used >= MOTOR_LO && used <= MOTOR_HI))
                fail_msg("%s: estimate %.3f Hz outside the range", field[0], used);
        }
        /* Even where the estimate is wrong (no 1x line), the shaft-rate vote keeps the verdict
         * from naming a wrong part. */
        if (strcmp(got, label) != 0 && strcmp(got, "normal") != 0 &&
            strcmp(got, "inconclusive") != 0)
            fail_msg("%s: labelled %s, diagnosed %s (a wrong fault type)", field[0], label, got);
        if (strcmp(label, "normal") == 0 && strcmp(got, "normal") != 0)
            fail_msg("%s: normal recording diagnosed %s", field[0], got);
        /* With a wrong shaft rate every defect line is looked for in the wrong place: the
         * remaining checks only where the rate is right (coarse frames: only no wrong type and
         * no false alarm are asserted). */
        if ((mode != GIVEN && unknowable) || mode == COARSE)
            continue;
        for (size_t i = 0; i < sizeof must_detect / sizeof must_detect[0]; i++)
            if (strstr(field[0], must_detect[i]) && strcmp(got, label) != 0)
                fail_msg("%s: labelled %s, diagnosed %s", field[0], label, got);
    }
    fclose(m);
    static const char *const mode_names[] = {"rpm given", "shaft estimated 5-100 Hz",
                                             "shaft estimated 28-30.5 Hz",
                                             "rpm given, frames of rate/4"};
    print_message("%s: %d of %d CWRU recordings named as labelled, shaft rate within 1 %% on "
                  "%d\n", mode_names[mode], correct, files, shaft_ok);
    assert_int_equal(files, 24);
}

static void test_cwru_rpm_given(void **state)
{
    (void)state;
    run(GIVEN);
}

static void test_cwru_shaft_estimated(void **state)
{
    (void)state;
    run(ESTIMATED);
}

static void test_cwru_shaft_in_range(void **state)
{
    (void)state;
    run(IN_RANGE);
}

/* Frames a quarter of the default (2.9 Hz bins at 12 kHz): still no wrong type (the decoy
 * quantile of the support threshold; docs/DIAGNOSTICS.md). */
static void test_cwru_coarse_frames(void **state)
{
    (void)state;
    run(COARSE);
}

int main(void)
{
    const char *d = datasets();
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", d ? d : "");
    FILE *f = d ? fopen(path, "r") : NULL;
    if (!f) {
        fprintf(stderr, "skipped: datasets not found (set VIGIL_DATASETS; tried '%s')\n", path);
        return 77;
    }
    fclose(f);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cwru_rpm_given),
                                       cmocka_unit_test(test_cwru_shaft_estimated),
                                       cmocka_unit_test(test_cwru_shaft_in_range),
                                       cmocka_unit_test(test_cwru_coarse_frames)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
