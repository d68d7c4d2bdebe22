/* Model files under attack (issue 17):
 *   item 4: a save never writes through a planted temporary file or symlink, concurrent saves
 *           to one path never share a temporary file, a failed save leaves the old file and
 *           no temporary file behind;
 *   item 3: models with hostile sizes (valid CRCs) are rejected before their sizes are
 *           believed: memory and work are bounded by the file's size, and /dev/zero is
 *           rejected after its first 44 bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vigil.h>

#include "model_io.h"
#include "test_rng.h"
#include "../fuzz/model_pack.h"

/* The largest single allocation since the last reset (linked with --wrap=malloc etc.). */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __real_free(void *p);
void __wrap_free(void *p);
int __real_posix_memalign(void **p, size_t align, size_t size);
int __wrap_posix_memalign(void **p, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
static size_t largest;
static void note_size(size_t n) { if (n > largest) largest = n; }
void *__wrap_malloc(size_t size) { note_size(size); return __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size)
{
    note_size(size && n > SIZE_MAX / size ? SIZE_MAX : n * size);
    return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size) { note_size(size); return __real_realloc(p, size); }
void __wrap_free(void *p) { __real_free(p); }
int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
    note_size(size);
    return __real_posix_memalign(p, align, size);
}
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    note_size(size);
    return __real_aligned_alloc(align, size);
}

static const char *const names[] = {"frame", "t_start", "rms", "kurtosis", "crest", "peak"};
#define NC 6

static vigil_monitor *trained(int kind, uint64_t seed)
{
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create(names, NC, kind, &m), VIGIL_OK);
    double row[NC];
    for (int i = 0; i < 60; i++) {
        row[0] = row[1] = i;
        for (size_t j = 2; j < NC; j++)
            row[j] = 1.0 + 0.1 * test_normal(&seed);
        assert_int_equal(vigil_monitor_learn(m, row, NC, 0), VIGIL_OK);
    }
    assert_int_equal(vigil_monitor_fit(m), VIGIL_OK);
    return m;
}

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *b = malloc(1 << 20);
    assert_non_null(b);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static unsigned char *saved(const vigil_monitor *m, size_t *n)
{
    assert_int_equal(vigil_monitor_save_size(m, n), VIGIL_OK);
    unsigned char *b = malloc(*n);
    size_t w;
    assert_int_equal(vigil_monitor_save(m, b, *n, &w), VIGIL_OK);
    return b;
}

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/vigil_model_files_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    return rmdir(dir);
}

/* Entries of the folder other than those listed (NULL-terminated). */
static int strangers(const char *const *known)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        int listed = 0;
        for (const char *const *k = known; *k; k++)
            listed |= !strcmp(e->d_name, *k);
        if (!listed) {
            print_message("unexpected file %s\n", e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void test_planted_symlink(void **state)
{
    (void)state;
    char model[128], victim[128], link[160];
    snprintf(model, sizeof model, "%s/m.vgm", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(link, sizeof link, "%s/m.vgm.tmp", dir);
    FILE *f = fopen(victim, "w");
    assert_non_null(f);
    fputs("precious\n", f);
    fclose(f);
    assert_int_equal(symlink(victim, link), 0);
    vigil_monitor *m = trained(VIGIL_DETECTOR_ZSCORE, 3);
    assert_int_equal(vigil_monitor_save_file(m, model), VIGIL_OK);
    size_t n;
    unsigned char *b = read_all(victim, &n);
    assert_int_equal(n, 9);
    assert_memory_equal(b, "precious\n", 9);
    free(b);
    /* the saved file is the model, and nothing else was left behind */
    size_t mn, fn;
    unsigned char *want = saved(m, &mn), *got = read_all(model, &fn);
    assert_int_equal(mn, fn);
    assert_memory_equal(want, got, mn);
    free(want);
    free(got);
    const char *const known[] = {"m.vgm", "victim", "m.vgm.tmp", NULL};
    assert_int_equal(strangers(known), 0);
    unlink(link);
    unlink(victim);
    /* a temporary file of the default mode: the umask applies (0666 & ~umask), as fopen's */
    struct stat st;
    assert_int_equal(stat(model, &st), 0);
    mode_t mask = umask(022);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    unlink(model);
    vigil_monitor_destroy(m);
}

static void test_failed_save_leaves_nothing(void **state)
{
    (void)state;
    char model[128], sub[128];
    snprintf(model, sizeof model, "%s/keep.vgm", dir);
    vigil_monitor *a = trained(VIGIL_DETECTOR_ZSCORE, 5), *b = trained(VIGIL_DETECTOR_PCA, 6);
    assert_int_equal(vigil_monitor_save_file(a, model), VIGIL_OK);
    /* rename onto a folder fails: the temporary file goes, the folder stays */
    snprintf(sub, sizeof sub, "%s/adir", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(vigil_monitor_save_file(b, sub), VIGIL_EIO);
    assert_non_null(strstr(vigil_last_error(), "adir"));
    const char *const known[] = {"keep.vgm", "adir", NULL};
    assert_int_equal(strangers(known), 0);
    rmdir(sub);
    /* a folder that does not exist: EIO naming the path */
    assert_int_equal(vigil_monitor_save_file(b, "/nonexistent-dir/x.vgm"), VIGIL_EIO);
    assert_non_null(strstr(vigil_last_error(), "/nonexistent-dir/x.vgm"));
    /* the old model is intact */
    vigil_monitor *l;
    assert_int_equal(vigil_monitor_load_file(model, &l), VIGIL_OK);
    assert_int_equal(vigil_monitor_kind(l), VIGIL_DETECTOR_ZSCORE);
    vigil_monitor_destroy(l);
    unlink(model);
    vigil_monitor_destroy(a);
    vigil_monitor_destroy(b);
}

typedef struct saver {
    const vigil_monitor *m;
    const char *path;
    int failures;
} saver;

static void *save_many(void *arg)
{
    saver *s = arg;
    for (int i = 0; i < 12; i++)
        if (vigil_monitor_save_file(s->m, s->path) != VIGIL_OK)
            s->failures++;
    return NULL;
}

/* Two threads save different models to one path at once: every save succeeds, the file is
 * always one whole model (checked by a third thread loading it meanwhile), no temporary file is
 * left. With one shared PATH.tmp, the two writers interleaved into one file. */
static void *load_many(void *arg)
{
    saver *s = arg;
    for (int i = 0; i < 24; i++) {
        vigil_monitor *l = NULL;
        int rc = vigil_monitor_load_file(s->path, &l);
        if (rc != VIGIL_OK && rc != VIGIL_EIO)
            s->failures++;
        vigil_monitor_destroy(l);
    }
    return NULL;
}

static void test_concurrent_saves(void **state)
{
    (void)state;
    char model[128];
    snprintf(model, sizeof model, "%s/shared.vgm", dir);
    vigil_monitor *a = trained(VIGIL_DETECTOR_MAHALANOBIS, 7), *b = trained(VIGIL_DETECTOR_PCA, 8);
    saver sa = {a, model, 0}, sb = {b, model, 0}, sl = {NULL, model, 0};
    pthread_t ta, tb, tl;
    assert_int_equal(pthread_create(&ta, NULL, save_many, &sa), 0);
    assert_int_equal(pthread_create(&tb, NULL, save_many, &sb), 0);
    assert_int_equal(pthread_create(&tl, NULL, load_many, &sl), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_join(tl, NULL);
    assert_int_equal(sa.failures, 0);
    assert_int_equal(sb.failures, 0);
    assert_int_equal(sl.failures, 0);
    vigil_monitor *l;
    assert_int_equal(vigil_monitor_load_file(model, &l), VIGIL_OK);
    vigil_monitor_destroy(l);
    const char *const known[] = {"shared.vgm", NULL};
    assert_int_equal(strangers(known), 0);
    unlink(model);
    vigil_monitor_destroy(a);
    vigil_monitor_destroy(b);
}

/* A model of d features, `conds` conditions (rows: per feature a constant, or noise). */
static vigil_monitor *wide_fit(int kind, size_t d, size_t conds, int constant, size_t relearn,
                               int expect)
{
    char **nm = malloc(d * sizeof *nm);
    assert_non_null(nm);
    for (size_t i = 0; i < d; i++) {
        nm[i] = malloc(16);
        snprintf(nm[i], 16, "f%zu", i);
    }
    vigil_monitor *m;
    assert_int_equal(vigil_monitor_create((const char *const *)nm, d, kind, &m), VIGIL_OK);
    for (size_t i = 0; i < d; i++)
        free(nm[i]);
    free(nm);
    assert_int_equal(vigil_monitor_set_conditions(m, conds), VIGIL_OK);
    assert_int_equal(vigil_monitor_set_gap(m, 0.0, VIGIL_GAP_REREF, relearn), VIGIL_OK);
    double *row = malloc(d * sizeof *row);
    uint64_t seed = 11;
    for (size_t c = 0; c < conds; c++)
        for (int r = 0; r < 12; r++) {
            for (size_t i = 0; i < d; i++)
                row[i] = constant ? 1.0 + (double)(i % 3) : test_normal(&seed);
            assert_int_equal(vigil_monitor_learn(m, row, d, c), VIGIL_OK);
        }
    free(row);
    assert_int_equal(vigil_monitor_fit(m), expect);
    return m;
}

static vigil_monitor *wide(int kind, size_t d, size_t conds, int constant, size_t relearn)
{
    return wide_fit(kind, d, conds, constant, relearn, VIGIL_OK);
}

/* The payload of a saved monitor (format-independent: the library unpacks its own save). */
static uint32_t payload_version;

static unsigned char *payload_of(const vigil_monitor *m, size_t *n)
{
    size_t len;
    unsigned char *b = saved(m, &len), *p;
    assert_int_equal(vigil__model_unpack(b, len, &p, n, &payload_version), VIGIL_OK);
    free(b);
    return p;
}

/* fuzz_model_pack (a fast deflate, version 1) with the version the payload came with. */
static unsigned char *repack(const unsigned char *p, size_t n, size_t *len)
{
    unsigned char *b = fuzz_model_pack(p, n, len);
    assert_non_null(b);
    fuzz_le32(b + 8, payload_version);
    fuzz_le32(b + 40, fuzz_crc(b, 40));
    return b;
}

static int load_measured(const unsigned char *b, size_t len, vigil_monitor **out)
{
    largest = 0;
    return vigil_monitor_load(b, len, out);
}

/* A payload that deflates 1000x (the 995 KB file held 940 MB of covariances): rejected
 * at the header, before anything of its size is allocated. vigil's own save of such a model
 * stores the payload instead, and loads. */
static void test_expansion_bounded(void **state)
{
    (void)state;
    vigil_monitor *m = wide(VIGIL_DETECTOR_MAHALANOBIS, 512, 1, 1, 20), *l = NULL;
    size_t n, len;
    unsigned char *p = payload_of(m, &n);
    unsigned char *blob = repack(p, n, &len);
    print_message("payload %zu bytes deflates to %zu (%.0fx)\n", n, len, (double)n / (double)len);
    assert_true(n > 32 * len + 65536);
    assert_int_equal(load_measured(blob, len, &l), VIGIL_EFORMAT);
    assert_null(l);
    assert_non_null(strstr(vigil_last_error(), "compressed"));
    assert_true(largest < 65536);
    free(blob);
    /* the library's own save of the same model: stored, so within the ratio, and loads */
    unsigned char *own = saved(m, &len);
    assert_true(n <= 32 * (len - 44) + 65536);
    assert_int_equal(vigil_monitor_load(own, len, &l), VIGIL_OK);
    vigil_monitor_destroy(l);
    free(own);
    free(p);
    vigil_monitor_destroy(m);
}

/* A payload that declares more (features x features covariances) than it holds: rejected
 * before allocating what it declares; no allocation beyond the payload's own size. */
static void test_declared_sizes_bounded(void **state)
{
    (void)state;
    vigil_monitor *m = wide(VIGIL_DETECTOR_MAHALANOBIS, 512, 1, 0, 20), *l = NULL;
    size_t n, len;
    unsigned char *p = payload_of(m, &n);
    for (size_t cut = n / 8; cut < n; cut += n / 3) {
        unsigned char *blob = repack(p, cut, &len);
        assert_int_equal(load_measured(blob, len, &l), VIGIL_EFORMAT);
        assert_null(l);
        if (largest > cut + 65536)
            fail_msg("a payload of %zu bytes made an allocation of %zu", cut, largest);
        free(blob);
    }
    free(p);
    vigil_monitor_destroy(m);
}

/* 64 conditions x relearn 65536 x the features: the 30 KB z-score model reserved
 * 128 GiB. A relearn count the API refuses (VIGIL_RELEARN_VALUES_MAX) is refused at load. */
static void test_relearn_bounded(void **state)
{
    (void)state;
    const size_t d = 16, conds = 64, relearn = VIGIL_RELEARN_VALUES_MAX / (16 * 64);
    vigil_monitor *m = wide(VIGIL_DETECTOR_ZSCORE, d, conds, 0, relearn), *l = NULL;
    /* the API's bound: one more is refused at fit */
    vigil_monitor *over = wide_fit(VIGIL_DETECTOR_ZSCORE, d, conds, 0, 65536, VIGIL_EINVAL);
    assert_non_null(strstr(vigil_last_error(), "VIGIL_RELEARN_VALUES_MAX"));
    vigil_monitor_destroy(over);
    /* the saved relearn count patched to 65536 (twice the bound): EFORMAT, nothing big */
    size_t n, len, hits = 0;
    unsigned char *p = payload_of(m, &n);
    unsigned char want[8], patch[8];
    fuzz_le64(want, relearn);
    fuzz_le64(patch, 65536);
    for (size_t i = 0; i + 8 <= n; i++)
        if (!memcmp(p + i, want, 8)) {
            memcpy(p + i, patch, 8);
            hits++;
        }
    assert_int_equal(hits, 1);
    unsigned char *blob = repack(p, n, &len);
    assert_int_equal(load_measured(blob, len, &l), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "relearn"));
    assert_true(largest <= n + 65536);
    free(blob);
    free(p);
    vigil_monitor_destroy(m);
}

/* /dev/zero: rejected after its 44 header bytes (it used to be read up to 4 GiB first). */
static void test_dev_zero(void **state)
{
    (void)state;
    vigil_monitor *l = NULL;
    largest = 0;
    assert_int_equal(vigil_monitor_load_file("/dev/zero", &l), VIGIL_EFORMAT);
    assert_null(l);
    assert_non_null(strstr(vigil_last_error(), "/dev/zero"));
    assert_true(largest < 65536);
    /* a file with trailing bytes, and one cut short: EFORMAT naming it, nothing read beyond */
    char model[128];
    snprintf(model, sizeof model, "%s/t.vgm", dir);
    vigil_monitor *m = trained(VIGIL_DETECTOR_ZSCORE, 9);
    assert_int_equal(vigil_monitor_save_file(m, model), VIGIL_OK);
    FILE *f = fopen(model, "ab");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    assert_int_equal(vigil_monitor_load_file(model, &l), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "t.vgm"));
    assert_int_equal(truncate(model, 30), 0);
    assert_int_equal(vigil_monitor_load_file(model, &l), VIGIL_EFORMAT);
    assert_non_null(strstr(vigil_last_error(), "t.vgm"));
    unlink(model);
    vigil_monitor_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_symlink),
        cmocka_unit_test(test_failed_save_leaves_nothing),
        cmocka_unit_test(test_concurrent_saves),
        cmocka_unit_test(test_expansion_bounded),
        cmocka_unit_test(test_declared_sizes_bounded),
        cmocka_unit_test(test_relearn_bounded),
        cmocka_unit_test(test_dev_zero),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
