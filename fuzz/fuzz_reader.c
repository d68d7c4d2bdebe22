/* Fuzz target: the CSV / gzip-CSV reader (vigil_reader_*), fed whole files.
 *
 * The reader opens paths, so each input is written to one temporary file per process (created
 * once, rewritten per input; the API gains nothing for fuzzing's sake). The input drives the
 * reading pattern too: its length picks a time column and whether rows or one column are read,
 * so both paths and the timestamp parser see every kind of file.
 *
 * Properties checked beyond "no crash, no leak, no UB" (a violation traps, so libFuzzer and the
 * replay driver both report it): every value delivered is finite; a failure is sticky. */
#include <vigil.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[256];
static int tmp_fd = -1;

static void remove_tmp(void)
{
    if (tmp_fd >= 0) {
        close(tmp_fd);
        unlink(tmp_path);
    }
}

static int write_input(const uint8_t *data, size_t size)
{
    if (tmp_fd < 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp_path, sizeof tmp_path, "%s/vigil-fuzz-reader-XXXXXX",
                 dir && *dir ? dir : "/tmp");
        tmp_fd = mkstemp(tmp_path);
        if (tmp_fd < 0)
            return -1;
        atexit(remove_tmp);
    }
    if (ftruncate(tmp_fd, 0) != 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(tmp_fd, data + done, size - done, (off_t)done);
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) != 0)
        return 0;
    vigil_reader *r = NULL;
    int rc = vigil_reader_open(tmp_path, &r);
    if (rc != VIGIL_OK) {
        CHECK(r == NULL && rc < 0 && vigil_last_error()[0] != '\0');
        return 0;
    }
    const size_t nc = vigil_reader_column_count(r);
    CHECK(nc >= 1);
    for (size_t i = 0; i < nc; i++)
        CHECK(vigil_reader_column_name(r, i) != NULL);
    CHECK(vigil_reader_column_name(r, nc) == NULL);
    /* lookups by name and by index text must agree with the header */
    CHECK(vigil_reader_find_column(r, vigil_reader_column_name(r, nc - 1)) >= 0);
    int byidx = vigil_reader_find_column(r, "0");
    CHECK(byidx >= 0);
    (void)vigil_reader_find_column(r, "no such column");

    if (size % 3 == 1)
        CHECK(vigil_reader_set_time_column(r, size % nc) == VIGIL_OK);

    const size_t cap_rows = 1 + size % 5;
    double *out = malloc(cap_rows * nc * sizeof *out);
    if (!out) {
        vigil_reader_close(r);
        return 0;
    }
    const int by_rows = size % 2 == 0;
    const size_t col = (size / 2) % nc;
    size_t total = 0;
    for (;;) {
        size_t n = 0;
        rc = by_rows ? vigil_reader_read_rows(r, out, cap_rows, &n)
                     : vigil_reader_read_column(r, col, out, cap_rows, &n);
        CHECK(n <= cap_rows);
        for (size_t i = 0; i < n * (by_rows ? nc : 1); i++)
            CHECK(isfinite(out[i]));
        total += n;
        if (rc != VIGIL_OK || n == 0)
            break;
    }
    if (rc != VIGIL_OK) {
        size_t n = 99;
        CHECK(vigil_reader_read_column(r, col, out, cap_rows, &n) == rc && n == 0);
    }
    (void)total;
    free(out);
    vigil_reader_close(r);
    return 0;
}
