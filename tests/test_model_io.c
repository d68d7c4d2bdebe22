/* Saving and loading monitors: bit-exact round trips for every detector, and truncated,
 * corrupted and future-version blobs all give VIGIL_EFORMAT (never a crash). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vigil.h>
#include <zlib.h>

#include "test_rng.h"

static const char *const names[] = {"frame", "t_start", "rms", "kurtosis", "crest", "peak"};
#define NC 6

static vigil_monitor *trained(int kind)
{
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, kind, &m), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_conditions(m, 2), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_note(m, "rate=12000"), VIGIL_OK);
    uint64_t s = 17;
    double row[NC];
    for (int i = 0; i < 60; i++)
        for (size_t c = 0; c < 2; c++) {
            row[0] = row[1] = i;
            row[2] = (1.0 + c) * (1.0 + 0.02 * test_normal(&s));
            row[3] = 3.0 + 0.2 * test_normal(&s);
            row[4] = 4.0 + 0.3 * test_normal(&s);
            row[5] = row[2] * row[4];
            assert_int_equal(vigil_monitor_learn(m, row, NC, c), VIGIL_OK);
        }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

static unsigned char *saved(const vigil_monitor *m, size_t *n)
{
    assert_int_equal(vigil_monitor_save_size(m, n), VIGIL_OK);
    unsigned char *b = malloc(*n);
    size_t w;
    assert_int_equal(vigil_monitor_save(m, b, *n - 1, &w), VIGIL_ESPACE);
    assert_int_equal(vigil_monitor_save(m, b, *n, &w), VIGIL_OK);
    assert_int_equal(w, *n);
    return b;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int kind = VIGIL_DETECTOR_ZSCORE; kind <= VIGIL_DETECTOR_HST; kind++) {
        vigil_monitor *m = trained(kind), *l;
        size_t n, n2;
        unsigned char *b = saved(m, &n);
        assert_int_equal(vigil_monitor_load(b, n, &l), VIGIL_OK);
        unsigned char *b2 = saved(l, &n2);
        assert_int_equal(n, n2);
        assert_memory_equal(b, b2, n);
        assert_string_equal(vigil_monitor_note(l), "rate=12000");
        uint64_t s = 5;
        double row[NC];
        for (int i = 0; i < 50; i++) {
            row[0] = row[1] = i;
            row[2] = 1.0 + 0.05 * test_normal(&s) + (i > 30 ? 0.5 : 0.0);
            row[3] = 3.0 + 0.2 * test_normal(&s);
            row[4] = 4.0;
            row[5] = 4.0 * row[2];
            int a = vigil_monitor_score(m, row, NC, i, i % 2);
            int c = vigil_monitor_score(l, row, NC, i, i % 2);
            assert_int_equal(a, c);
            double sa = vigil_monitor_last_score(m), sc = vigil_monitor_last_score(l);
            assert_memory_equal(&sa, &sc, sizeof sa); /* bit-identical */
        }
        free(b);
        free(b2);
        vigil_monitor_destroy(m);
        vigil_monitor_destroy(l);
    }
}

static void test_truncated_and_corrupt(void **state)
{
    (void)state;
    vigil_monitor *m = trained(VIGIL_DETECTOR_MAHALANOBIS), *l;
    size_t n;
    unsigned char *b = saved(m, &n);
    for (size_t len = 0; len < n; len++) {
        l = (vigil_monitor *)1;
        assert_int_equal(vigil_monitor_load(b, len, &l), VIGIL_EFORMAT);
        assert_null(l);
    }
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit += 3) {
            b[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(vigil_monitor_load(b, n, &l), VIGIL_EFORMAT);
            b[i] ^= (unsigned char)(1u << bit);
        }
    assert_int_equal(vigil_monitor_load(b, n, &l), VIGIL_OK);
    vigil_monitor_destroy(l);
    /* trailing byte */
    unsigned char *longer = malloc(n + 1);
    memcpy(longer, b, n);
    longer[n] = 0;
    assert_int_equal(vigil_monitor_load(longer, n + 1, &l), VIGIL_EFORMAT);
    free(longer);
    free(b);
    vigil_monitor_destroy(m);
}

static void test_future_version(void **state)
{
    (void)state;
    vigil_monitor *m = trained(VIGIL_DETECTOR_ZSCORE), *l;
    size_t n;
    unsigned char *b = saved(m, &n);
    /* version 3 with a valid header CRC: a newer writer, not corruption */
    b[8] = 3;
    uLong crc = crc32(crc32(0L, Z_NULL, 0), b, 40);
    for (int i = 0; i < 4; i++)
        b[40 + i] = (unsigned char)(crc >> (8 * i));
    assert_int_equal(vigil_monitor_load(b, n, &l), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "version 3"));
    free(b);
    vigil_monitor_destroy(m);
}

static void test_files(void **state)
{
    (void)state;
    char path[] = "/tmp/vigil_test_model_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    vigil_monitor *m = trained(VIGIL_DETECTOR_PCA), *l;
    assert_int_equal(vigil_monitor_save_file(m, path), VIGIL_OK);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(access(tmp, F_OK), -1); /* renamed away */
    assert_int_equal(vigil_monitor_load_file(path, &l), VIGIL_OK);
    vigil_monitor_destroy(l);
    /* a truncated file: EFORMAT naming the file */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 50), 0);
    fclose(f);
    assert_int_equal(vigil_monitor_load_file(path, &l), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), path));
    remove(path);
    assert_int_equal(vigil_monitor_load_file(path, &l), VIGIL_EIO);
    assert_int_equal(vigil_monitor_save_file(m, "/nonexistent-dir/x.mdl"), VIGIL_EIO);
    vigil_monitor_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_truncated_and_corrupt),
        cmocka_unit_test(test_future_version),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
