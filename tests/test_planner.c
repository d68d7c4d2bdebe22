/* Tests of the planner mode and FFTW wisdom (include/vigil/planner.h): ESTIMATE rows do not
 * change when the process also plans with MEASURE or holds wisdom; MEASURE rows agree with
 * ESTIMATE rows to rounding (1e-9 relative, the numpy reference tolerance) and are reproduced bit for bit by a plan rebuilt
 * from exported and re-imported wisdom (string and file); bad arguments and bad wisdom fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vigil.h>

enum { N = 256, HOP = 128, NS = 4096, COLS_MAX = 64, ROWS_MAX = 40 };
static double x[NS];

/* All rows of x from a fresh extractor (planned with the mode in force). */
static size_t rows_of(double *rows)
{
    vigil_extractor *ex = NULL;
    assert_int_equal(vigil_extractor_create(10000.0, N, &ex), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_hop(ex, HOP), VIGIL_OK);
    assert_int_equal(vigil_extractor_add_band(ex, 500.0, 3000.0), VIGIL_OK);
    assert_int_equal(vigil_extractor_set_queue(ex, ROWS_MAX), VIGIL_OK);
    assert_int_equal(vigil_extractor_push(ex, x, NS, NULL), VIGIL_OK);
    const int got = vigil_extractor_pop_many(ex, rows, ROWS_MAX * COLS_MAX, NULL);
    assert_true(got > 20);
    const size_t n = (size_t)got * vigil_extractor_feature_count(ex);
    vigil_extractor_destroy(ex);
    return n;
}

static void test_modes_and_wisdom(void **state)
{
    (void)state;
    for (size_t i = 0; i < NS; i++)
        x[i] = sin(0.031 * (double)i) + 0.5 * sin(1.3 * (double)i) + 0.01 * (double)(i % 13);
    static double est[ROWS_MAX * COLS_MAX], meas[ROWS_MAX * COLS_MAX], again[ROWS_MAX * COLS_MAX];
    assert_int_equal(vigil_planner_mode(), VIGIL_PLANNER_ESTIMATE);
    assert_string_equal(vigil_planner_mode_name(VIGIL_PLANNER_ESTIMATE), "estimate");
    assert_string_equal(vigil_planner_mode_name(VIGIL_PLANNER_MEASURE), "measure");
    assert_string_equal(vigil_planner_mode_name(7), "unknown");
    assert_int_equal(vigil_planner_set_mode(2), VIGIL_EINVAL);
    assert_int_equal(vigil_planner_set_mode(-1), VIGIL_EINVAL);
    const size_t n = rows_of(est);

    assert_int_equal(vigil_planner_set_mode(VIGIL_PLANNER_MEASURE), VIGIL_OK);
    assert_int_equal(vigil_planner_mode(), VIGIL_PLANNER_MEASURE);
    assert_int_equal(rows_of(meas), n);
    for (size_t i = 0; i < n; i++)
        if (fabs(meas[i] - est[i]) > 1e-9 * fabs(est[i]) + 1e-300)
            fail_msg("value %zu: MEASURE %.17g, ESTIMATE %.17g", i, meas[i], est[i]);

    /* wisdom out, forgotten, back in: the same MEASURE plan, the same bits */
    size_t len = 0;
    assert_int_equal(vigil_planner_export_wisdom(NULL, 0, &len), VIGIL_ESPACE);
    assert_true(len > 10);
    char *w = malloc(len + 1);
    assert_non_null(w);
    assert_int_equal(vigil_planner_export_wisdom(w, len, NULL), VIGIL_ESPACE); /* no room for NUL */
    assert_int_equal(vigil_planner_export_wisdom(w, len + 1, &len), VIGIL_OK);
    assert_int_equal(strlen(w), len);
    assert_non_null(strstr(w, "fftw"));
    vigil_planner_forget_wisdom();
    assert_int_equal(vigil_planner_import_wisdom(w), VIGIL_OK);
    assert_int_equal(rows_of(again), n);
    assert_memory_equal(again, meas, n * sizeof *meas);

    /* the same through a file */
    char path[] = "/tmp/vigil_test_wisdom_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vigil_planner_export_wisdom_file(path), VIGIL_OK);
    vigil_planner_forget_wisdom();
    assert_int_equal(vigil_planner_import_wisdom_file(path), VIGIL_OK);
    assert_int_equal(rows_of(again), n);
    assert_memory_equal(again, meas, n * sizeof *meas);
    unlink(path);

    /* back to ESTIMATE while the process holds MEASURE wisdom: the ESTIMATE rows, bit for bit */
    assert_int_equal(vigil_planner_set_mode(VIGIL_PLANNER_ESTIMATE), VIGIL_OK);
    assert_int_equal(rows_of(again), n);
    assert_memory_equal(again, est, n * sizeof *est);
    /* and the wisdom is still there afterwards */
    size_t len2 = 0;
    vigil_planner_export_wisdom(NULL, 0, &len2);
    assert_true(len2 >= len);
    free(w);

    assert_int_equal(vigil_planner_import_wisdom("not wisdom"), VIGIL_EFORMAT);
    assert_true(strlen(vigil_last_error()) > 0);
    assert_int_equal(vigil_planner_import_wisdom(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_planner_import_wisdom_file("/nonexistent/wisdom"), VIGIL_EIO);
    assert_int_equal(vigil_planner_import_wisdom_file(NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_planner_export_wisdom_file("/nonexistent/dir/wisdom"), VIGIL_EIO);
    assert_int_equal(vigil_planner_export_wisdom_file(NULL), VIGIL_EINVAL);
    char small[4];
    assert_int_equal(vigil_planner_export_wisdom(NULL, 5, NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_planner_export_wisdom(small, sizeof small, NULL), VIGIL_ESPACE);
    vigil_planner_forget_wisdom();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes_and_wisdom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
