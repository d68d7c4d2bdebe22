/* Threads (issue 7): many threads each creating, using and destroying their own objects at the
 * same time. Every thread's output must be bit-identical (memcmp) to the same workload run alone
 * on the main thread before any thread starts; a data race, a planner collision in FFTW or a
 * shared scratch buffer shows up as a difference, a crash, or a report from the race checkers:
 *
 *   helgrind: meson test -C build --setup helgrind threads
 *   TSan:     CC=clang meson setup build-tsan -Db_sanitize=thread -Db_lundef=false
 *             meson test -C build-tsan threads
 *
 * The workloads are a table: a thread runs them round-robin, starting at its own index, so that
 * different kinds overlap (create/plan in one thread while another executes or destroys): the
 * extractor in four configurations, the gzip reader, the parsers, a monitor of every detector
 * kind (features, learn, fit, save, load, score, update) and a diagnosis. To cover a new
 * module, add one workload function and one table row.
 *
 * VIGIL_THREAD_CYCLES (env) sets the number of workload runs per thread (default 100; the
 * valgrind/helgrind setups use fewer through their own env). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <vigil.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define NTHREADS 8
#define NSAMP 12000
#define MAX_OUT 40000 /* doubles of output per workload */

static double signal_x[NSAMP];
static float signal_f[NSAMP];
static char csv_path[64];

/* ---- workloads --------------------------------------------------------------------------- */

struct workload;
typedef int (*workload_fn)(const struct workload *w, double *out, size_t cap, size_t *nout);

struct workload {
    const char *name;
    workload_fn run;
    double rate;
    size_t frame, hop, chunk, queue;
    int nbands;
    int f32;
    int kind; /* monitor: detector kind */
};

/* Create, configure, stream the whole signal in `chunk`-sized pushes (popping whenever the
 * queue fills, which exercises the partial-consume path), then destroy. */
static int run_extractor(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    vigil_extractor *ex = NULL;
    int rc = vigil_extractor_create(w->rate, w->frame, &ex);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_hop(ex, w->hop);
    if (rc == VIGIL_OK && w->queue)
        rc = vigil_extractor_set_queue(ex, w->queue);
    for (int b = 0; rc == VIGIL_OK && b < w->nbands; b++)
        rc = vigil_extractor_add_band(ex, b * w->rate / (2.0 * w->nbands),
                                      (b + 1) * w->rate / (2.0 * w->nbands));
    const size_t nc = vigil_extractor_feature_count(ex);
    size_t pos = 0;
    *nout = 0;
    while (rc == VIGIL_OK && pos < NSAMP) {
        size_t n = NSAMP - pos < w->chunk ? NSAMP - pos : w->chunk, took = 0;
        rc = w->f32 ? vigil_extractor_push_f32(ex, signal_f + pos, n, &took)
                    : vigil_extractor_push(ex, signal_x + pos, n, &took);
        pos += took;
        while (rc == VIGIL_OK && *nout + nc <= cap &&
               vigil_extractor_pop(ex, out + *nout, cap - *nout, NULL) == 1)
            *nout += nc;
        if (*nout + nc > cap)
            rc = -100;
    }
    vigil_extractor_destroy(ex);
    return rc;
}

/* Read the CSV written at setup (gzip) through a reader of this thread's own. */
static int run_reader(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    (void)w;
    vigil_reader *r = NULL;
    int rc = vigil_reader_open(csv_path, &r);
    int col = rc == VIGIL_OK ? vigil_reader_find_column(r, "accel") : rc;
    *nout = 0;
    size_t n = 1;
    while (col >= 0 && n > 0 && *nout < cap) {
        rc = vigil_reader_read_column(r, (size_t)col, out + *nout, cap - *nout, &n);
        if (rc != VIGIL_OK)
            break;
        *nout += n;
    }
    vigil_reader_close(r);
    return col < 0 ? col : rc;
}

/* Parsers, and the per-thread error detail: a thread's failure message must be its own even
 * while other threads fail with other messages. */
static int run_parse(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    (void)w;
    static const char *const bands[] = {"0-500,500-2000", " 10 - 20 ", "0-1e3,1e3-5e3,5e3-1e4"};
    static const char *const times[] = {"2024-02-29 12:00:00.25Z", "1970-01-01", "86400.5"};
    if (cap < 21)
        return -100;
    char bad[64];
    for (int rep = 0; rep < 50; rep++) { /* every repetition overwrites the same 21 values */
        *nout = 0;
        memset(out, 0, 21 * sizeof *out); /* a list with fewer than 3 bands leaves slots */
        for (size_t i = 0; i < 3; i++) {
            size_t n;
            if (vigil_parse_bands(bands[i], out + *nout, out + *nout + 3, 3, &n) != VIGIL_OK)
                return -101;
            *nout += 6;
            if (vigil_parse_time(times[i], out + *nout) != VIGIL_OK)
                return -102;
            *nout += 1;
        }
        snprintf(bad, sizeof bad, "bad%p/%d", (void *)&bad, rep); /* unique to this thread */
        double v;
        if (vigil_parse_number(bad, &v) != VIGIL_EFORMAT || !strstr(vigil_last_error(), bad))
            return -103;
    }
    return VIGIL_OK;
}

/* Features of the signal through an extractor of this thread's own, then a monitor: learn the
 * first rows, fit, save to memory, load into a second monitor, score the rest on both (their
 * scores must agree), update the loaded one, destroy. Output: each row's score, health and
 * state, then the bytes of the saved model as doubles' worth of data (so a race in saving
 * shows up too). */
static int run_monitor(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    enum { LEARN = 50, MAXROWS = 128, MAXCOLS = 32 };
    vigil_extractor *ex = NULL;
    vigil_monitor *m = NULL, *l = NULL;
    unsigned char *blob = NULL;
    double rows[MAXROWS * MAXCOLS];
    size_t nrows = 0, nc = 0, len = 0, written = 0;
    *nout = 0;
    int rc = vigil_extractor_create(w->rate, w->frame, &ex);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_hop(ex, w->hop);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_queue(ex, MAXROWS);
    for (int b = 0; rc == VIGIL_OK && b < w->nbands; b++)
        rc = vigil_extractor_add_band(ex, b * w->rate / (2.0 * w->nbands),
                                      (b + 1) * w->rate / (2.0 * w->nbands));
    if (rc == VIGIL_OK)
        rc = vigil_extractor_push(ex, signal_x, NSAMP, NULL);
    nc = vigil_extractor_feature_count(ex);
    if (nc > MAXCOLS)
        rc = -100;
    while (rc == VIGIL_OK && nrows < MAXROWS &&
           vigil_extractor_pop(ex, rows + nrows * nc, nc, NULL) == 1)
        nrows++;
    if (rc == VIGIL_OK)
        rc = vigil_monitor_create_for_extractor(ex, w->kind, &m);
    for (size_t r = 0; rc == VIGIL_OK && r < LEARN && r < nrows; r++)
        rc = vigil_monitor_learn(m, rows + r * nc, nc, 0);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_fit(m);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_save_size(m, &len);
    if (rc == VIGIL_OK && !(blob = malloc(len)))
        rc = VIGIL_ENOMEM;
    if (rc == VIGIL_OK)
        rc = vigil_monitor_save(m, blob, len, &written);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_load(blob, written, &l);
    for (size_t r = LEARN; rc == VIGIL_OK && r < nrows; r++) {
        const double *row = rows + r * nc, t = (double)r * (double)w->hop / w->rate;
        const int sa = vigil_monitor_score(m, row, nc, t, 0);
        const int sb = vigil_monitor_score(l, row, nc, t, 0);
        const double a = vigil_monitor_last_score(m), b = vigil_monitor_last_score(l);
        if (sa < 0 || sa != sb || memcmp(&a, &b, sizeof a) != 0 || *nout + 3 > cap) {
            rc = -101;
            break;
        }
        out[(*nout)++] = b;
        out[(*nout)++] = vigil_monitor_last_health(l);
        out[(*nout)++] = sb;
        if (r % 4 == 0 && ((rc = vigil_monitor_update(m, row, nc, 0)) != VIGIL_OK ||
                           (rc = vigil_monitor_update(l, row, nc, 0)) != VIGIL_OK))
            break;
    }
    for (size_t i = 0; rc == VIGIL_OK && i < written; i += 8) { /* the model's bytes */
        double v = 0.0;
        memcpy(&v, blob + i, written - i < 8 ? written - i : 8);
        if (*nout >= cap) {
            rc = -102;
            break;
        }
        out[(*nout)++] = v;
    }
    free(blob);
    vigil_monitor_destroy(m);
    vigil_monitor_destroy(l);
    vigil_extractor_destroy(ex);
    return rc;
}

/* A per-recording diagnosis with the shaft rate estimated and severity on: its FFT
 * plans are made under the planner lock while other threads plan and execute theirs. */
static int run_diagnosis(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    vigil_diagnosis *d = NULL;
    *nout = 0;
    int rc = vigil_diagnosis_create(w->rate, w->frame, &d);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_bearing(d, 9.0, 0.3126, 1.537, 0.0);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_severity(d, VIGIL_UNITS_G, VIGIL_ISO_GROUP2_RIGID);
    for (size_t pos = 0; rc == VIGIL_OK && pos < NSAMP; pos += w->chunk)
        rc = vigil_diagnosis_push(d, signal_x + pos,
                                  NSAMP - pos < w->chunk ? NSAMP - pos : w->chunk);
    const int fault = rc == VIGIL_OK ? vigil_diagnosis_decide(d) : rc;
    if (fault < 0 || cap < VIGIL_DIAG_VALUE_COUNT + 1 + 3 * VIGIL_DEFECT_COUNT) {
        vigil_diagnosis_destroy(d);
        return fault < 0 ? fault : -100;
    }
    out[(*nout)++] = fault;
    for (int k = 0; k < VIGIL_DIAG_VALUE_COUNT; k++)
        out[(*nout)++] = vigil_diagnosis_value(d, k);
    for (int def = 0; rc == VIGIL_OK && def < VIGIL_DEFECT_COUNT; def++) {
        rc = vigil_diagnosis_line(d, def, 1, out + *nout, out + *nout + 1, out + *nout + 2);
        *nout += 3;
    }
    vigil_diagnosis_destroy(d);
    return rc;
}

/* A machine (issue 16): 3 channels of block statistics of the signal, learnt, fitted, saved
 * with its stream state mid-way, loaded and scored side by side with the original. */
static int run_machine(const struct workload *w, double *out, size_t cap, size_t *nout)
{
    enum { NCH = 3, NC = 3, BLOCK = 256, LEARN = 40 };
    static const char *const chans[NCH] = {"B1", "B2", "B3"};
    static const char *const cols[NC] = {"rms", "kurtosis", "peak"};
    vigil_machine *m = NULL, *l = NULL;
    unsigned char *blob = NULL;
    size_t len = 0, written = 0;
    *nout = 0;
    int rc = vigil_machine_create(chans, NCH, cols, NC, w->kind, &m);
    const size_t nrows = NSAMP / BLOCK;
    for (size_t r = 0; rc == VIGIL_OK && r < nrows; r++) {
        double row[NCH * NC], s2 = 0.0, s4 = 0.0, pk = 0.0;
        for (size_t i = r * BLOCK; i < (r + 1) * BLOCK; i++) {
            const double x = signal_x[i];
            s2 += x * x;
            s4 += x * x * x * x;
            pk = fabs(x) > pk ? fabs(x) : pk;
        }
        for (size_t g = 0; g < NCH; g++) {
            row[g * NC + 0] = sqrt(s2 / BLOCK) * (1.0 + 0.1 * (double)g);
            row[g * NC + 1] = s4 * BLOCK / (s2 * s2) + 0.01 * (double)g;
            row[g * NC + 2] = pk * (1.0 + 0.2 * (double)g);
        }
        const double t = (double)r;
        if (r < LEARN) {
            rc = vigil_machine_learn(m, row, NCH * NC, 0);
            if (rc == VIGIL_OK && r == LEARN - 1)
                rc = vigil_machine_fit(m);
            continue;
        }
        if (!l) {
            if ((rc = vigil_machine_save_size(m, VIGIL_SAVE_STREAM, &len)) == VIGIL_OK &&
                !(blob = malloc(len)))
                rc = VIGIL_ENOMEM;
            if (rc == VIGIL_OK)
                rc = vigil_machine_save(m, VIGIL_SAVE_STREAM, blob, len, &written);
            if (rc == VIGIL_OK)
                rc = vigil_machine_load(blob, written, &l);
            if (rc != VIGIL_OK)
                break;
        }
        int sa[NCH], sb[NCH];
        const int a = vigil_machine_score(m, row, NCH * NC, t, 0, sa);
        const int b = vigil_machine_score(l, row, NCH * NC, t, 0, sb);
        if (a < 0 || a != b || *nout + 2 * NCH > cap) {
            rc = -101;
            break;
        }
        for (size_t g = 0; g < NCH; g++) {
            const double x = vigil_monitor_last_score(vigil_machine_monitor(m, g));
            const double y = vigil_monitor_last_score(vigil_machine_monitor(l, g));
            if (sa[g] != sb[g] || memcmp(&x, &y, sizeof x) != 0)
                rc = -102;
            out[(*nout)++] = y;
            out[(*nout)++] = sb[g];
        }
    }
    free(blob);
    vigil_machine_destroy(m);
    vigil_machine_destroy(l);
    return rc;
}

static const struct workload workloads[] = {
    /* name                 run            rate      frame hop  chunk queue bands f32 kind */
    {"extractor 256/128", run_extractor, 12000.0, 256, 128, 1000, 0, 3, 0, 0},
    {"extractor 1000 odd", run_extractor, 25600.0, 1000, 333, 777, 0, 0, 0, 0},
    {"extractor 4096 f32", run_extractor, 51200.0, 4096, 1024, 5000, 2, 8, 1, 0},
    {"extractor 64 tiny q", run_extractor, 1000.0, 64, 7, 300, 3, 1, 0, 0},
    {"reader gzip", run_reader, 0, 0, 0, 0, 0, 0, 0, 0},
    {"parsers", run_parse, 0, 0, 0, 0, 0, 0, 0, 0},
    {"monitor z-score", run_monitor, 12000.0, 256, 128, 0, 0, 2, 0, VIGIL_DETECTOR_ZSCORE},
    {"monitor mahalanobis", run_monitor, 12000.0, 256, 128, 0, 0, 2, 0,
     VIGIL_DETECTOR_MAHALANOBIS},
    {"monitor pca", run_monitor, 12000.0, 512, 96, 0, 0, 3, 0, VIGIL_DETECTOR_PCA},
    {"monitor hst", run_monitor, 12000.0, 256, 128, 0, 0, 0, 0, VIGIL_DETECTOR_HST},
    {"diagnosis", run_diagnosis, 12000.0, 1024, 0, 1500, 0, 0, 0, 0},
    {"machine mahalanobis", run_machine, 0, 0, 0, 0, 0, 0, 0, VIGIL_DETECTOR_MAHALANOBIS},
};
#define NWORK (sizeof workloads / sizeof *workloads)

static double *ref_out[NWORK];
static size_t ref_n[NWORK];

/* ---- threads --------------------------------------------------------------------------- */

static int cycles = 100;

struct thread_arg {
    int index;
    int failures;
    char what[160];
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    double *out = malloc(MAX_OUT * sizeof *out);
    if (!out) {
        a->failures++;
        return NULL;
    }
    for (int c = 0; c < cycles; c++) {
        const size_t k = (size_t)(a->index + c) % NWORK;
        size_t n = 0;
        int rc = workloads[k].run(&workloads[k], out, MAX_OUT, &n);
        if (rc != VIGIL_OK || n != ref_n[k] || memcmp(out, ref_out[k], n * sizeof *out) != 0) {
            if (!a->failures++)
                snprintf(a->what, sizeof a->what, "thread %d cycle %d '%s': rc %d, %zu values",
                         a->index, c, workloads[k].name, rc, n);
        }
    }
    free(out);
    return NULL;
}

static void test_threads_match_single_threaded(void **state)
{
    (void)state;
    pthread_t tid[NTHREADS];
    struct thread_arg args[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        args[i] = (struct thread_arg){.index = i};
        assert_int_equal(pthread_create(&tid[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++)
        if (args[i].failures)
            fail_msg("%d failures; first: %s", args[i].failures, args[i].what);
}

/* ---- setup: the signal, the CSV file, the single-threaded references ------------------- */

static int setup(void **state)
{
    (void)state;
    const char *env = getenv("VIGIL_THREAD_CYCLES");
    if (env && atoi(env) > 0)
        cycles = atoi(env);
    uint64_t s = 12345;
    for (size_t i = 0; i < NSAMP; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        const double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
        signal_x[i] = sin(0.05 * (double)i) + 0.5 * sin(0.61 * (double)i) + 0.2 * u;
        signal_f[i] = (float)signal_x[i];
    }
    snprintf(csv_path, sizeof csv_path, "/tmp/vigil-threads-XXXXXX");
    int fd = mkstemp(csv_path);
    if (fd < 0)
        return -1;
    gzFile gz = gzdopen(fd, "wb");
    if (!gz)
        return -1;
    gzprintf(gz, "time,accel\n");
    for (size_t i = 0; i < 3000; i++)
        gzprintf(gz, "%zu,%.17g\n", i, signal_x[i]);
    if (gzclose(gz) != Z_OK)
        return -1;

    for (size_t k = 0; k < NWORK; k++) {
        ref_out[k] = malloc(MAX_OUT * sizeof **ref_out);
        if (!ref_out[k] || workloads[k].run(&workloads[k], ref_out[k], MAX_OUT, &ref_n[k]) != 0) {
            fprintf(stderr, "workload '%s' fails single-threaded (%zu values): %s\n",
                    workloads[k].name, ref_n[k], vigil_last_error());
            return -1;
        }
        if (ref_n[k] == 0)
            return -1; /* a workload that produces nothing compares nothing */
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t k = 0; k < NWORK; k++)
        free(ref_out[k]);
    unlink(csv_path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_match_single_threaded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
