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

#include "test_rng.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_symlink),
        cmocka_unit_test(test_failed_save_leaves_nothing),
        cmocka_unit_test(test_concurrent_saves),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
