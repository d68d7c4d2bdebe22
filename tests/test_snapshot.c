/* Snapshot index tables: clock times rolling over at midnight, timestamps, bad tables. */
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

static char path[64];

static void write_table(const char *text)
{
    strcpy(path, "/tmp/vigil_index_XXXXXX");
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_clock_rollover(void **state)
{
    (void)state;
    /* PRONOSTIA's layout: clock times without a date, across midnight, a 2 s step back */
    write_table("snapshot\ttime\tsamples\n"
                "00001.csv.gz\t23:59:40.5\t2560\n"
                "00002.csv.gz\t23:59:50.5\t2560\n"
                "00003.csv.gz\t00:00:00.5\t2560\n"
                "00004.csv.gz\t00:00:10.5\t2560\n"
                "00005.csv.gz\t00:00:08.5\t2560\n");
    vigil_snapshot_index *idx;
    assert_int_equal(vigil_snapshot_index_load(path, &idx), VIGIL_OK);
    assert_int_equal(vigil_snapshot_index_count(idx), 5);
    const double want[5] = {86380.5, 86390.5, 86400.5, 86410.5, 86408.5};
    for (size_t i = 0; i < 5; i++)
        if (fabs(vigil_snapshot_index_time(idx, i) - want[i]) > 1e-9)
            fail_msg("row %zu: %.9g want %.9g", i, vigil_snapshot_index_time(idx, i), want[i]);
    assert_string_equal(vigil_snapshot_index_name(idx, 2), "00003.csv.gz");
    assert_null(vigil_snapshot_index_name(idx, 5));
    assert_true(isnan(vigil_snapshot_index_time(idx, 5)));
    assert_int_equal(vigil_snapshot_index_find(idx, "some/dir/00004.csv.gz"), 3);
    assert_int_equal(vigil_snapshot_index_find(idx, "00009.csv.gz"), VIGIL_ENOTFOUND);
    vigil_snapshot_index_destroy(idx);
    remove(path);
}

static void test_timestamps_and_commas(void **state)
{
    (void)state;
    write_table("time,snapshot\n2003-10-22 12:06:24,a.csv\n2003-10-22 12:16:24,b.csv\n");
    vigil_snapshot_index *idx;
    assert_int_equal(vigil_snapshot_index_load(path, &idx), VIGIL_OK);
    assert_int_equal(vigil_snapshot_index_count(idx), 2);
    assert_true(vigil_snapshot_index_time(idx, 1) - vigil_snapshot_index_time(idx, 0) == 600.0);
    assert_true(vigil_snapshot_index_time(idx, 0) == 1066824384.0); /* date -u -d ... +%s */
    vigil_snapshot_index_destroy(idx);
    remove(path);
}

static void test_bad_tables(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "name\ttime\nx\t00:00:01\n", "snapshot\ttime\n", "snapshot\ttime\nx\t25:00:00\n",
        "snapshot\ttime\nx\t00:00:01\ny\t2003-10-22 12:06:24\n", "snapshot\ttime\n\t00:00:01\n",
        "snapshot\ttime\nx\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_table(bad[i]);
        vigil_snapshot_index *idx = (vigil_snapshot_index *)1;
        assert_int_equal(vigil_snapshot_index_load(path, &idx), VIGIL_EFORMAT);
        assert_null(idx);
        assert_non_null(strstr(vigil_last_error(), path));
        remove(path);
    }
    vigil_snapshot_index *idx;
    assert_int_equal(vigil_snapshot_index_load("/nonexistent/index.tsv", &idx), VIGIL_EIO);
    assert_int_equal(vigil_snapshot_index_load(NULL, &idx), VIGIL_EINVAL);
    assert_int_equal(vigil_snapshot_index_count(NULL), 0);
    vigil_snapshot_index_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_rollover),
        cmocka_unit_test(test_timestamps_and_commas),
        cmocka_unit_test(test_bad_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
