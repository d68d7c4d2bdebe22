/* Tests of the CSV / gzip-CSV reader (include/vigil/reader.h). Inputs are written by the test
 * itself (plain and through zlib), so expected values are known exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <vigil.h>

static char dir[] = "/tmp/vigil_test_reader_XXXXXX";

static const char *write_file(const char *name, const char *text, int gz)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(text, 1, strlen(text), f);
        fclose(f);
    }
    return path;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void check_good(const char *path)
{
    vigil_reader *r = NULL;
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_column_count(r), 2);
    assert_string_equal(vigil_reader_column_name(r, 0), "de");
    assert_string_equal(vigil_reader_column_name(r, 1), "fe");
    assert_null(vigil_reader_column_name(r, 2));
    assert_int_equal(vigil_reader_find_column(r, "fe"), 1);
    assert_int_equal(vigil_reader_find_column(r, "0"), 0);
    assert_int_equal(vigil_reader_find_column(r, "2"), VIGIL_ENOTFOUND);
    assert_int_equal(vigil_reader_find_column(r, "xx"), VIGIL_ENOTFOUND);
    assert_non_null(strstr(vigil_last_error(), "columns: de, fe"));
    double v[8];
    size_t n = 0;
    assert_int_equal(vigil_reader_read_column(r, 1, v, 2, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_true(v[0] == 0.5 && v[1] == -2e-3);
    assert_int_equal(vigil_reader_read_column(r, 1, v, 8, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_true(v[0] == 7.0);
    assert_int_equal(vigil_reader_read_column(r, 1, v, 8, &n), VIGIL_OK);
    assert_int_equal(n, 0); /* end */
    vigil_reader_close(r);
}

static void test_plain_and_gzip(void **state)
{
    (void)state;
    const char *text = "de,fe\n1,0.5\n-0.25,-2e-3\n3,7\n";
    check_good(write_file("a.csv", text, 0));
    check_good(write_file("a.csv.gz", text, 1));
    check_good(write_file("b.txt", "\"de\" , fe\r\n1,0.5\r\n-0.25,-2e-3\r\n\r\n3,7", 0));
}

static void test_rows_and_time(void **state)
{
    (void)state;
    const char *path = write_file("t.csv", "timestamp,value\n2013-07-04 00:00:00,69.88\n"
                                           "2013-07-04 01:00:00,71.2\n", 0);
    vigil_reader *r = NULL;
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    /* without a time column the timestamp is a bad number */
    double v[4];
    size_t n;
    assert_int_equal(vigil_reader_set_time_column(r, 0), VIGIL_OK);
    assert_int_equal(vigil_reader_set_time_column(r, 2), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_read_rows(r, v, 2, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_true(v[0] == 1372896000.0 && v[1] == 69.88 && v[2] == 1372899600.0 && v[3] == 71.2);
    assert_int_equal(vigil_reader_line(r), 3);
    vigil_reader_close(r);

    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_read_column(r, 1, v, 4, &n), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "t.csv:2: bad number '2013-07-04 00:00:00'"));
    vigil_reader_close(r);
}

/* Missing values (vigil_reader_set_missing): empty, NaN, NA, null read as NaN when asked, in
 * value and time columns; a strict reader rejects them; other bad numbers stay bad. */
static void test_missing_values(void **state)
{
    (void)state;
    const char *path = write_file("m.csv", "timestamp,a,b\n"
                                           "2013-07-04 00:00:00,1.5,\n"
                                           ",\"NaN\", na \n"
                                           "2013-07-04 02:00:00,NULL,2\n", 0);
    vigil_reader *r = NULL;
    double v[9];
    size_t n;
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_set_time_column(r, 0), VIGIL_OK);
    assert_int_equal(vigil_reader_read_rows(r, v, 3, &n), VIGIL_EFORMAT);
    assert_int_equal(n, 0);
    assert_non_null(strstr(vigil_last_error(), "m.csv:2: bad number '' in column 2"));
    vigil_reader_close(r);

    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_set_missing(r, 2), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_set_missing(NULL, 1), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_set_time_column(r, 0), VIGIL_OK);
    assert_int_equal(vigil_reader_set_missing(r, 1), VIGIL_OK);
    assert_int_equal(vigil_reader_read_rows(r, v, 3, &n), VIGIL_OK);
    assert_int_equal(n, 3);
    assert_true(v[0] == 1372896000.0 && v[1] == 1.5 && isnan(v[2]));
    assert_true(isnan(v[3]) && isnan(v[4]) && isnan(v[5]));
    assert_true(v[6] == 1372903200.0 && isnan(v[7]) && v[8] == 2.0);
    vigil_reader_close(r);

    path = write_file("m2.csv", "a\n1\nnanx\n", 0);
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_set_missing(r, 1), VIGIL_OK);
    assert_int_equal(vigil_reader_read_rows(r, v, 3, &n), VIGIL_EFORMAT);
    assert_int_equal(n, 1);
    vigil_reader_close(r);
}

/* Each bad file: expected status, and a fragment the message must hold (file and line). */
static void test_bad_files(void **state)
{
    (void)state;
    static const struct { const char *name, *text; int gz, open_rc, read_rc; size_t good;
                          const char *msg; } cases[] = {
        {"empty.csv", "", 0, VIGIL_EFORMAT, 0, 0, "empty.csv: empty file"},
        {"hdr.csv", "de,fe\n", 0, VIGIL_OK, VIGIL_ENODATA, 0, "hdr.csv: no data rows"},
        {"num.csv", "de\n1\n2\nx1.5\n4\n", 0, VIGIL_OK, VIGIL_EFORMAT, 2,
         "num.csv:4: bad number 'x1.5' in column 0 ('de')"},
        {"nan.csv", "de\n1\nnan\n", 0, VIGIL_OK, VIGIL_EFORMAT, 1, "nan.csv:3: bad number"},
        {"short.csv", "a,b\n1,2\n3\n", 0, VIGIL_OK, VIGIL_EFORMAT, 1,
         "short.csv:3: 1 fields, the header has 2"},
        {"long.csv", "a,b\n1,2\n3,4,5\n", 0, VIGIL_OK, VIGIL_EFORMAT, 1,
         "long.csv:3: 3 fields, the header has 2"},
        {"emptyfield.csv", "a,b\n1,\n", 0, VIGIL_OK, VIGIL_EFORMAT, 0, "emptyfield.csv:2: bad number"},
        {"nul.csv", "a\n1\n2\0\n", 0, VIGIL_OK, VIGIL_EFORMAT, 1, "nul.csv:3: NUL byte"},
        {"emptyname.csv", "a,,b\n1,2,3\n", 0, VIGIL_EFORMAT, 0, 0, "column 1 has an empty name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *f = fopen(path, "wb");
        /* write with explicit length so that the NUL case keeps its NUL byte */
        size_t len = strlen(cases[i].text);
        if (strcmp(cases[i].name, "nul.csv") == 0)
            len = 8;
        fwrite(cases[i].text, 1, len, f);
        fclose(f);
        vigil_reader *r = NULL;
        int rc = vigil_reader_open(path, &r);
        assert_int_equal(rc, cases[i].open_rc);
        if (rc == VIGIL_OK) {
            double v[16];
            size_t n = 99;
            assert_int_equal(vigil_reader_read_column(r, 0, v, 16, &n), cases[i].read_rc);
            assert_int_equal(n, cases[i].good); /* values before the bad line are delivered */
            /* a failed reader stays failed */
            assert_int_equal(vigil_reader_read_column(r, 0, v, 16, &n), cases[i].read_rc);
            vigil_reader_close(r);
        } else {
            assert_null(r);
        }
        if (!strstr(vigil_last_error(), cases[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", cases[i].name, vigil_last_error(),
                     cases[i].msg);
    }
}

static void test_corrupt_gzip(void **state)
{
    (void)state;
    /* a gzip file cut in the middle: the good rows before the cut arrive, then EFORMAT */
    char text[20000] = "v\n";
    for (int i = 0; i < 2000; i++)
        sprintf(text + strlen(text), "%d\n", i);
    const char *path = write_file("cut.csv.gz", text, 1);
    FILE *f = fopen(path, "rb");
    unsigned char buf[20000];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    f = fopen(path, "wb");
    fwrite(buf, 1, len / 2, f);
    fclose(f);
    vigil_reader *r = NULL;
    assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
    double *v = malloc(4000 * sizeof *v);
    size_t n = 0;
    assert_int_equal(vigil_reader_read_column(r, 0, v, 4000, &n), VIGIL_EFORMAT);
    assert_true(n < 2000);
    for (size_t i = 0; i < n; i++)
        assert_true(v[i] == (double)i);
    assert_non_null(strstr(vigil_last_error(), "gzip"));
    vigil_reader_close(r);
    free(v);
}

/* A gzip file of many inflater blocks (the ring holds 4 of 64 KiB): every value in order, the
 * same through read_rows; closing early, with the ring full and the thread waiting, and right
 * after open; a file cut deep inside gives the rows before the cut, then EFORMAT. */
static void test_gzip_many_blocks(void **state)
{
    (void)state;
    enum { ROWS = 150000 };
    char *text = malloc(ROWS * 40 + 16);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "a,b\n");
    for (int i = 0; i < ROWS; i++)
        len += (size_t)sprintf(text + len, "%d,%.10g\n", i, (double)i * 1e-3 - 0.5);
    const char *path = write_file("big.csv.gz", text, 1);
    char big[256];
    snprintf(big, sizeof big, "%s", path);

    vigil_reader *r = NULL;
    assert_int_equal(vigil_reader_open(big, &r), VIGIL_OK);
    double *v = malloc(2 * ROWS * sizeof *v);
    assert_non_null(v);
    size_t n = 0, total = 0;
    do { /* in uneven pieces, so that rows straddle the blocks */
        assert_int_equal(vigil_reader_read_rows(r, v + 2 * total, 777, &n), VIGIL_OK);
        total += n;
    } while (n > 0);
    assert_int_equal(total, ROWS);
    for (size_t i = 0; i < ROWS; i++) {
        char want[40];
        snprintf(want, sizeof want, "%.10g", (double)i * 1e-3 - 0.5);
        if (v[2 * i] != (double)i || v[2 * i + 1] != strtod(want, NULL))
            fail_msg("row %zu: %g,%g", i, v[2 * i], v[2 * i + 1]);
    }
    assert_int_equal(vigil_reader_read_rows(r, v, 10, &n), VIGIL_OK); /* the end, again */
    assert_int_equal(n, 0);
    vigil_reader_close(r);

    assert_int_equal(vigil_reader_open(big, &r), VIGIL_OK);
    assert_int_equal(vigil_reader_read_column(r, 1, v, 10, &n), VIGIL_OK);
    nanosleep(&(struct timespec){0, 20000000}, NULL); /* the thread fills the ring, waits */
    vigil_reader_close(r);
    assert_int_equal(vigil_reader_open(big, &r), VIGIL_OK);
    vigil_reader_close(r);

    /* cut the compressed file at 70 % */
    FILE *f = fopen(big, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(big, size * 7 / 10), 0);
    assert_int_equal(vigil_reader_open(big, &r), VIGIL_OK);
    int rc;
    total = 0;
    do {
        rc = vigil_reader_read_column(r, 0, v + total, 1000, &n);
        total += n;
    } while (rc == VIGIL_OK && n > 0);
    assert_int_equal(rc, VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "gzip"));
    assert_true(total > ROWS / 4 && total < ROWS);
    for (size_t i = 0; i < total; i++)
        assert_true(v[i] == (double)i);
    assert_int_equal(vigil_reader_read_column(r, 0, v, 10, &n), VIGIL_EFORMAT); /* sticky */
    vigil_reader_close(r);
    free(v);
    free(text);
}

/* The reader parses the common line in place (plain numbers, single commas, \n or \r\n, within
 * one block) and hands any other line to the line copy and field split. Both paths on one file
 * of every kind of line, larger than a block so that lines straddle blocks: with missing values
 * read as NaN (which turns the in-place path off; the file has none) every line takes the line
 * copy, so the two readers must give the same bits, each value the double strtod gives for its
 * number, and the same line number in the message of the bad last line. */
static void test_in_place_same_bits(void **state)
{
    (void)state;
    enum { ROWS = 30000, COLS = 3 };
    static const char *const forms[] = {"%s", " %s", "%s ", "\t%s", "+%s", "%s"};
    char *text = malloc((size_t)ROWS * 120 + 64);
    double *want = malloc((size_t)ROWS * COLS * sizeof *want);
    assert_non_null(text);
    assert_non_null(want);
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    size_t len = (size_t)sprintf(text, "a,b,c\n"), rows = 0;
    for (size_t i = 0; i < ROWS; i++) {
        for (int c = 0; c < COLS; c++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            char num[64];
            const double mag = ldexp((double)(rng >> 11), -53) * pow(10.0, (double)(rng % 9) - 4);
            switch ((rng >> 8) % 8) {
            case 0: snprintf(num, sizeof num, "%.10g", mag); break;
            case 1: snprintf(num, sizeof num, "-%.17g", mag); break;       /* up to 17 digits */
            case 2: snprintf(num, sizeof num, "%.25f", mag); break;        /* > 19 digits: strtod */
            case 3: snprintf(num, sizeof num, "%.6e", -mag); break;
            case 4: snprintf(num, sizeof num, "%.3E", mag * 1e-30); break; /* exponent > 22 */
            case 5: snprintf(num, sizeof num, "%d", (int)(rng % 2001) - 1000); break;
            case 6: snprintf(num, sizeof num, ".%u", (unsigned)(rng % 100000)); break;
            default: snprintf(num, sizeof num, "%u.", (unsigned)(rng % 1000)); break;
            }
            want[rows * COLS + (size_t)c] = strtod(num, NULL);
            /* mostly plain fields; now and then a blank or a sign around the number */
            const char *form = forms[(rng >> 20) % 64 < 58 ? 0 : (rng >> 26) % 6];
            if (form[0] == '+' && num[0] == '-')
                form = "%s";
            len += (size_t)sprintf(text + len, form, num);
            text[len++] = c + 1 < COLS ? ',' : '\n';
        }
        if (rng % 97 == 0) /* a CRLF line end instead */
            memcpy(text + len - 1, "\r\n", 3), len++;
        if (rng % 89 == 0)
            len += (size_t)sprintf(text + len, rng % 2 ? "\n" : " \t\n"); /* blank lines */
        rows++;
    }
    len += (size_t)sprintf(text + len, "1,2,x3\n");
    text[len] = '\0';
    const char *path = write_file("paths.csv.gz", text, 1);
    double *got[2];
    char msg[2][200];
    for (int pass = 0; pass < 2; pass++) {
        vigil_reader *r = NULL;
        assert_int_equal(vigil_reader_open(path, &r), VIGIL_OK);
        assert_int_equal(vigil_reader_set_missing(r, pass), VIGIL_OK);
        got[pass] = malloc((size_t)(ROWS + 1) * COLS * sizeof *got[pass]);
        assert_non_null(got[pass]);
        size_t n = 0, total = 0;
        int rc;
        do {
            rc = vigil_reader_read_rows(r, got[pass] + total * COLS, 501, &n);
            total += n;
        } while (rc == VIGIL_OK && n > 0);
        assert_int_equal(rc, VIGIL_EFORMAT);
        if (total != ROWS)
            fail_msg("pass %d: %zu rows: %s", pass, total, vigil_last_error());
        snprintf(msg[pass], sizeof msg[pass], "%s", vigil_last_error());
        vigil_reader_close(r);
    }
    for (size_t i = 0; i < (size_t)ROWS * COLS; i++)
        if (memcmp(&got[0][i], &want[i], sizeof want[i]) != 0 ||
            memcmp(&got[1][i], &want[i], sizeof want[i]) != 0)
            fail_msg("row %zu column %zu: %.17g (in place), %.17g (line copy), strtod %.17g",
                     i / COLS, i % COLS, got[0][i], got[1][i], want[i]);
    assert_string_equal(msg[0], msg[1]);
    assert_non_null(strstr(msg[0], "bad number 'x3' in column 2"));
    free(got[0]);
    free(got[1]);
    free(want);
    free(text);
}

static void test_open_errors(void **state)
{
    (void)state;
    vigil_reader *r = (vigil_reader *)&r;
    assert_int_equal(vigil_reader_open("/nonexistent/x.csv", &r), VIGIL_EIO);
    assert_null(r);
    assert_non_null(strstr(vigil_last_error(), "/nonexistent/x.csv: cannot open"));
    assert_int_equal(vigil_reader_open(NULL, &r), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_open("x", NULL), VIGIL_EINVAL);
    assert_int_equal(vigil_reader_column_count(NULL), 0);
    assert_int_equal(vigil_reader_find_column(NULL, "a"), VIGIL_EINVAL);
    vigil_reader_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_gzip),
        cmocka_unit_test(test_rows_and_time),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_corrupt_gzip),
        cmocka_unit_test(test_gzip_many_blocks),
        cmocka_unit_test(test_in_place_same_bits),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
