/* vigil-bench detection: detection quality on recorded data, the same tables for every detector
 * and, beside each, a naive peer (two-sided z-score of RMS and kurtosis against the learning
 * rows, threshold 3, the same 3-of-5 persistence through vigil_alarm). Datasets and every rule
 * are described in bench/README.md ("Detection on recorded data"); nothing here is fitted to a
 * file: the learning spans and settings are the library defaults or rules stated there. */
#include "bench.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef VIGIL_DATASETS_DEFAULT
#define VIGIL_DATASETS_DEFAULT "../shared/datasets"
#endif

#define NAIVE "naive"  /* the naive peer's name in tables */
#define NAIVE_Z 3.0    /* its threshold: the textbook three sigma */
#define LEARN_ROWS 100 /* PRONOSTIA, IMS: the first 100 rows of a history are its baseline */
#define PATHLEN 2048

typedef struct ctx {
    const char *dir;
    int json;
    int bearing; /* --bearing: the envelope group at the recorded geometry and shaft rate */
} ctx;

/* ---- series: rows with names and times ------------------------------------------------------ */

typedef struct series {
    char **names;
    size_t ncols, nrows, cap;
    double *rows, *t;
} series;

static void series_free(series *s)
{
    for (size_t i = 0; s->names && i < s->ncols; i++)
        free(s->names[i]);
    free(s->names);
    free(s->rows);
    free(s->t);
    memset(s, 0, sizeof *s);
}

static int series_names(series *s, size_t ncols, const char *prefix, const vigil_extractor *ex,
                        vigil_reader *r)
{
    s->ncols = ncols;
    s->names = calloc(ncols, sizeof *s->names);
    if (!s->names)
        return bench_error("out of memory");
    for (size_t i = 0; i < ncols; i++) {
        const char *base = ex ? vigil_extractor_feature_name(ex, i % vigil_extractor_feature_count(ex))
                              : vigil_reader_column_name(r, i);
        char buf[256];
        snprintf(buf, sizeof buf, "%s%s", prefix ? prefix : "", base);
        if (prefix && ex && i >= vigil_extractor_feature_count(ex))
            snprintf(buf, sizeof buf, "v_%s", base);
        if (!(s->names[i] = strdup(buf)))
            return bench_error("out of memory");
    }
    return BENCH_OK;
}

static int series_add(series *s, const double *row, double t)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        double *r = realloc(s->rows, cap * s->ncols * sizeof *r), *tt;
        if (r)
            s->rows = r;
        if (!r || !(tt = realloc(s->t, cap * sizeof *tt)))
            return bench_error("out of memory");
        s->t = tt;
        s->cap = cap;
    }
    memcpy(s->rows + s->nrows * s->ncols, row, s->ncols * sizeof *row);
    s->t[s->nrows++] = t;
    return BENCH_OK;
}

static int col_of(const series *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* Whole file as rows (all columns), optional time column. */
static int read_table(const char *path, const char *time_col, series *s)
{
    vigil_reader *r = NULL;
    memset(s, 0, sizeof *s);
    if (vigil_reader_open(path, &r) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    size_t nc = vigil_reader_column_count(r);
    int tc = -1, status = series_names(s, nc, NULL, NULL, r);
    if (status == BENCH_OK && time_col) {
        tc = vigil_reader_find_column(r, time_col);
        if (tc < 0 || vigil_reader_set_time_column(r, (size_t)tc) != VIGIL_OK)
            status = bench_error("%s: %s", path, vigil_last_error());
    }
    double *buf = malloc(256 * nc * sizeof *buf);
    if (!buf)
        status = bench_error("out of memory");
    while (status == BENCH_OK) {
        size_t got = 0;
        if (vigil_reader_read_rows(r, buf, 256, &got) != VIGIL_OK)
            status = bench_error("%s: %s", path, vigil_last_error());
        for (size_t i = 0; i < got && status == BENCH_OK; i++)
            status = series_add(s, buf + i * nc, tc >= 0 ? buf[i * nc + (size_t)tc]
                                                         : (double)s->nrows);
        if (got == 0)
            break;
    }
    free(buf);
    vigil_reader_close(r);
    return status;
}

/* One column of a sample file. */
static int read_samples(const char *path, const char *column, double **x, size_t *n)
{
    series s;
    int status = read_table(path, NULL, &s);
    int c = status == BENCH_OK ? col_of(&s, column) : -1;
    if (status == BENCH_OK && c < 0)
        status = bench_error("%s: no column '%s'", path, column);
    if (status == BENCH_OK && !(*x = malloc((s.nrows ? s.nrows : 1) * sizeof **x)))
        status = bench_error("out of memory");
    if (status == BENCH_OK) {
        for (size_t i = 0; i < s.nrows; i++)
            (*x)[i] = s.rows[i * s.ncols + (size_t)c];
        *n = s.nrows;
    }
    series_free(&s);
    return status;
}

/* ---- detectors: the monitor and the naive peer over a series ------------------------------- */

typedef struct run {
    int *state;
    double *score;
    double *onset;     /* onset of the row's warn/alarm episode (NaN: ok, or the naive peer) */
    size_t n;
    size_t transients; /* bursts that cleared by themselves (transient events) */
    size_t exceed;     /* rows scored above their threshold (the naive peer: above NAIVE_Z) */
    double stated;     /* the rate of such rows the monitor's calibration states (NaN: naive) */
} run;

static void run_free(run *r)
{
    free(r->state);
    free(r->score);
    free(r->onset);
    memset(r, 0, sizeof *r);
}

static int run_alloc(run *r, size_t n)
{
    r->n = n;
    r->state = calloc(n ? n : 1, sizeof *r->state);
    r->score = calloc(n ? n : 1, sizeof *r->score);
    r->onset = calloc(n ? n : 1, sizeof *r->onset);
    for (size_t i = 0; r->onset && i < n; i++)
        r->onset[i] = NAN;
    r->exceed = 0;
    r->stated = NAN;
    return r->state && r->score && r->onset ? BENCH_OK : bench_error("out of memory");
}

/* How the rows are scored: detector kind (0 = naive), selected columns, learning rows. */
typedef struct plan {
    int kind;
    const char *const *select; /* monitor: feature names (NULL: the monitor's default) */
    size_t nselect;
    const char *const *naive;  /* naive: the columns of its z-scores */
    size_t nnaive;
    const double *learn;       /* learning rows (same columns as the series) */
    size_t nlearn;
    int reref;                 /* monitor: VIGIL_GAP_REREF after gaps */
} plan;

static int run_monitor(const plan *p, const series *s, size_t from, run *out)
{
    vigil_monitor *m = NULL;
    int rc = vigil_monitor_create((const char *const *)s->names, s->ncols, p->kind, &m);
    if (rc == VIGIL_OK && p->select)
        rc = vigil_monitor_select(m, p->select, p->nselect);
    if (rc == VIGIL_OK && p->reref)
        rc = vigil_monitor_set_gap(m, 0.0, VIGIL_GAP_REREF, 20);
    for (size_t i = 0; rc == VIGIL_OK && i < p->nlearn; i++)
        rc = vigil_monitor_learn(m, p->learn + i * s->ncols, s->ncols, 0);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_fit(m);
    int status = rc == VIGIL_OK ? run_alloc(out, s->nrows - from)
                                : bench_error("monitor: %s", vigil_last_error());
    for (size_t i = from; status == BENCH_OK && i < s->nrows; i++) {
        int st = vigil_monitor_score(m, s->rows + i * s->ncols, s->ncols, s->t[i], 0);
        if (st < 0)
            status = bench_error("score row %zu: %s", i, vigil_last_error());
        out->state[i - from] = st;
        out->score[i - from] = vigil_monitor_last_score(m);
        out->onset[i - from] = vigil_monitor_onset(m);
        out->exceed += vigil_monitor_last_score(m) > vigil_monitor_last_threshold(m);
    }
    out->transients = vigil_monitor_transients(m);
    out->stated = vigil_monitor_stated_rate(m);
    vigil_monitor_destroy(m);
    return status;
}

static int run_naive(const plan *p, const series *s, size_t from, run *out)
{
    size_t idx[64], k = p->nnaive;
    double mean[64], sd[64];
    for (size_t j = 0; j < k; j++) {
        int c = col_of(s, p->naive[j]);
        if (c < 0)
            return bench_error("naive: no column '%s'", p->naive[j]);
        idx[j] = (size_t)c;
        double a = 0.0, q = 0.0;
        for (size_t i = 0; i < p->nlearn; i++)
            a += p->learn[i * s->ncols + idx[j]];
        mean[j] = a / (double)p->nlearn;
        for (size_t i = 0; i < p->nlearn; i++) {
            double d = p->learn[i * s->ncols + idx[j]] - mean[j];
            q += d * d;
        }
        sd[j] = sqrt(q / (double)(p->nlearn - 1));
        if (!(sd[j] > 0.0))
            sd[j] = 1e-12;
    }
    vigil_alarm *a = NULL;
    if (vigil_alarm_create(&a) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    int status = run_alloc(out, s->nrows - from);
    for (size_t i = from; status == BENCH_OK && i < s->nrows; i++) {
        double z = 0.0;
        for (size_t j = 0; j < k; j++)
            z = fmax(z, fabs(s->rows[i * s->ncols + idx[j]] - mean[j]) / sd[j]);
        out->score[i - from] = z;
        out->exceed += z > NAIVE_Z;
        out->state[i - from] = vigil_alarm_update(a, z, NAIVE_Z, s->t[i]);
    }
    vigil_alarm_destroy(a);
    return status;
}

static int run_plan(const plan *p, const series *s, size_t from, run *out)
{
    return p->kind ? run_monitor(p, s, from, out) : run_naive(p, s, from, out);
}

/* ---- measures ------------------------------------------------------------------------------ */

static size_t alarm_rows(const run *r)
{
    size_t a = 0;
    for (size_t i = 0; i < r->n; i++)
        a += r->state[i] == VIGIL_STATE_ALARM;
    return a;
}

static int is_onset(const run *r, size_t i)
{
    return r->state[i] == VIGIL_STATE_ALARM && (i == 0 || r->state[i - 1] != VIGIL_STATE_ALARM);
}

/* Onset of the alarm that stays up until the last row; r->n if the run ends without alarm. */
static size_t lasting_alarm(const run *r)
{
    if (r->n == 0 || r->state[r->n - 1] != VIGIL_STATE_ALARM)
        return r->n;
    size_t i = r->n - 1;
    while (i > 0 && r->state[i - 1] == VIGIL_STATE_ALARM)
        i--;
    return i;
}

static size_t onsets_between(const run *r, size_t lo, size_t hi)
{
    size_t c = 0;
    for (size_t i = lo; i < hi && i < r->n; i++)
        c += is_onset(r, i);
    return c;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ROC AUC by Mann-Whitney: P(score of a positive > score of a negative), ties count half. */
static double auc(const double *pos, size_t np, const double *neg, size_t nn)
{
    double *n = malloc((nn ? nn : 1) * sizeof *n);
    if (!n || np == 0 || nn == 0) {
        free(n);
        return NAN;
    }
    memcpy(n, neg, nn * sizeof *n);
    qsort(n, nn, sizeof *n, cmp_double);
    double u = 0.0;
    for (size_t i = 0; i < np; i++) { /* count negatives below and equal by binary search */
        size_t lo = 0, hi = nn;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (n[mid] < pos[i]) lo = mid + 1; else hi = mid;
        }
        size_t below = lo, hi2 = nn;
        while (lo < hi2) {
            size_t mid = (lo + hi2) / 2;
            if (n[mid] <= pos[i]) lo = mid + 1; else hi2 = mid;
        }
        u += (double)below + 0.5 * (double)(lo - below);
    }
    free(n);
    return u / ((double)np * (double)nn);
}

static void print_rule(const ctx *c, const char *title)
{
    if (!c->json)
        printf("\n%s\n", title);
}

static const char *detector_name(int kind)
{
    for (size_t d = 0; d < BENCH_DETECTORS; d++)
        if (bench_detectors[d].kind == kind)
            return bench_detectors[d].name;
    return NAIVE;
}

/* every detector and then the naive peer */
static const int kinds[] = {VIGIL_DETECTOR_ZSCORE, VIGIL_DETECTOR_MAHALANOBIS,
                            VIGIL_DETECTOR_PCA, VIGIL_DETECTOR_HST, 0};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* ---- CWRU ----------------------------------------------------------------------------------- */

/* Bearing-aware defaults (issue 16): the envelope group over the whole spectrum at a known
 * geometry and shaft rate, and the default selection with the defect-line amplitudes. */
static int add_envelope(vigil_extractor *ex, int balls, double d, double pitch, double shaft_hz)
{
    if (vigil_extractor_set_bearing(ex, balls, d, pitch, 0.0) != VIGIL_OK ||
        vigil_extractor_set_shaft_hz(ex, shaft_hz) != VIGIL_OK ||
        vigil_extractor_enable_envelope(ex, 0.0, vigil_extractor_rate(ex)) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    return BENCH_OK;
}
static const char *const bearing_select[10] = {"rms",      "peak",     "crest",   "kurtosis",
                                               "shape",    "impulse",  "clearance",
                                               "env_bpfo", "env_bpfi", "env_bsf"};

/* The shaft rate of a CWRU file, Hz: its rpm in DIR/cwru/MANIFEST.tsv (column 10). */
static int cwru_shaft_hz(const char *dir, const char *name, double *hz)
{
    char path[PATHLEN], line[1024], want[PATHLEN];
    snprintf(path, sizeof path, "%s/cwru/MANIFEST.tsv", dir);
    snprintf(want, sizeof want, "cwru/%s\t", name);
    FILE *f = fopen(path, "r");
    if (!f)
        return bench_error("%s: cannot open", path);
    *hz = 0.0;
    while (*hz == 0.0 && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)))
            continue;
        char *field = line;
        for (int i = 0; i < 9 && field; i++)
            field = strchr(field, '\t') ? strchr(field, '\t') + 1 : NULL;
        *hz = field ? strtod(field, NULL) / 60.0 : 0.0;
    }
    fclose(f);
    return *hz > 0.0 ? BENCH_OK : bench_error("%s: no rpm for %s", path, name);
}

/* Frames of 1024 samples, hop 512 at 12 kHz (tests/test_cwru.c: enough frames from 2.5 s of
 * healthy data, several shaft turns per frame); base features, the monitor's default set.
 * shaft_hz > 0: the envelope group too (the 6205 drive-end bearing). */
static int cwru_rows(const char *path, size_t lo, size_t hi, double shaft_hz, series *s)
{
    double *x = NULL;
    size_t n = 0;
    int status = read_samples(path, "de", &x, &n);
    vigil_extractor *ex = NULL;
    if (status == BENCH_OK && vigil_extractor_create(12000.0, 1024, &ex) == VIGIL_OK &&
        vigil_extractor_set_hop(ex, 512) == VIGIL_OK &&
        (shaft_hz == 0.0 || add_envelope(ex, 9, 0.3126, 1.537, shaft_hz) == BENCH_OK)) {
        size_t nc = vigil_extractor_feature_count(ex);
        memset(s, 0, sizeof *s);
        status = series_names(s, nc, NULL, ex, NULL);
        hi = hi && hi < n ? hi : n;
        double row[256];
        for (size_t off = lo; status == BENCH_OK && off < hi; off += 4096) {
            size_t len = hi - off < 4096 ? hi - off : 4096;
            if (vigil_extractor_push(ex, x + off, len, NULL) != VIGIL_OK)
                status = bench_error("%s", vigil_last_error());
            while (status == BENCH_OK && vigil_extractor_pop(ex, row, 256, NULL) == 1)
                status = series_add(s, row, row[1]);
        }
    } else if (status == BENCH_OK) {
        status = bench_error("%s", vigil_last_error());
    }
    vigil_extractor_destroy(ex);
    free(x);
    return status;
}

typedef struct cwru_file {
    char name[256];
    int cls; /* 0 ball, 1 inner race, 2 outer race */
    series s;
} cwru_file;

static const char *const cwru_classes[3] = {"ball", "inner_race", "outer_race"};

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const cwru_file *)a)->name, ((const cwru_file *)b)->name);
}

static int eval_cwru(const ctx *c)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/cwru/normal_000_0hp_97_dec12k.csv.gz", c->dir);
    double *x = NULL;
    size_t n = 0;
    series train = {0}, held = {0};
    int status = read_samples(path, "de", &x, &n);
    free(x);
    double shaft = 0.0;
    if (status == BENCH_OK && c->bearing)
        status = cwru_shaft_hz(c->dir, "normal_000_0hp_97_dec12k.csv.gz", &shaft);
    /* learn on the first half of the normal recording, false alarms on the second */
    if (status == BENCH_OK)
        status = cwru_rows(path, 0, n / 2, shaft, &train);
    if (status == BENCH_OK)
        status = cwru_rows(path, n / 2, n, shaft, &held);
    cwru_file files[64];
    size_t nf = 0;
    snprintf(path, sizeof path, "%s/cwru", c->dir);
    DIR *d = status == BENCH_OK ? opendir(path) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) && nf < 64;) {
        int cls = strncmp(e->d_name, "ball_", 5) == 0    ? 0
                  : strncmp(e->d_name, "inner_", 6) == 0 ? 1
                  : strncmp(e->d_name, "outer_", 6) == 0 ? 2 : -1;
        if (cls < 0)
            continue;
        snprintf(files[nf].name, sizeof files[nf].name, "%s", e->d_name);
        files[nf++].cls = cls;
    }
    if (d)
        closedir(d);
    qsort(files, nf, sizeof files[0], cmp_file);
    for (size_t i = 0; i < nf && status == BENCH_OK; i++) {
        snprintf(path, sizeof path, "%s/cwru/%.255s", c->dir, files[i].name);
        if (c->bearing)
            status = cwru_shaft_hz(c->dir, files[i].name, &shaft);
        if (status == BENCH_OK)
            status = cwru_rows(path, 0, 0, shaft, &files[i].s);
    }
    print_rule(c, "CWRU (12 kHz drive end; learn: first half of normal 97 (dec12k), N=1024 "
                  "hop 512; detected = frames in alarm; AUC = fault vs held-out normal scores; "
                  "FA = held-out normal frames in alarm)");
    if (status == BENCH_OK && !c->json)
        printf("%-12s %-11s %6s %7s %10s %7s\n", "detector", "class", "files", "frames",
               "detected", "AUC");
    static const char *const naive_cols[] = {"rms", "kurtosis"};
    for (size_t k = 0; k < NKINDS && status == BENCH_OK; k++) {
        plan p = {kinds[k], c->bearing ? bearing_select : NULL, c->bearing ? 10 : 0, naive_cols,
                  2, train.rows, train.nrows, 0};
        run rh = {0};
        status = run_plan(&p, &held, 0, &rh);
        for (int cls = 0; cls < 3 && status == BENCH_OK; cls++) {
            double *pos = NULL;
            size_t np = 0, files_in = 0, alarms = 0;
            for (size_t i = 0; i < nf && status == BENCH_OK; i++) {
                if (files[i].cls != cls)
                    continue;
                run r = {0};
                status = run_plan(&p, &files[i].s, 0, &r);
                double *grown = status == BENCH_OK ? realloc(pos, (np + r.n) * sizeof *pos) : NULL;
                if (status == BENCH_OK && !grown)
                    status = bench_error("out of memory");
                if (status == BENCH_OK) {
                    pos = grown;
                    memcpy(pos + np, r.score, r.n * sizeof *pos);
                    np += r.n;
                    alarms += alarm_rows(&r);
                    files_in++;
                }
                run_free(&r);
            }
            if (status != BENCH_OK) {
                free(pos);
                break;
            }
            double det = 100.0 * (double)alarms / (double)np;
            double a = auc(pos, np, rh.score, rh.n);
            if (c->json)
                printf("{\"bench\":\"detection\",\"dataset\":\"cwru\",\"detector\":\"%s\","
                       "\"class\":\"%s\",\"files\":%zu,\"frames\":%zu,\"detected_pct\":%.2f,"
                       "\"auc\":%.4f}\n", detector_name(kinds[k]), cwru_classes[cls], files_in,
                       np, det, a);
            else
                printf("%-12s %-11s %6zu %7zu %9.1f%% %7.4f\n", detector_name(kinds[k]),
                       cwru_classes[cls], files_in, np, det, a);
            free(pos);
        }
        if (status == BENCH_OK) {
            double fa = 100.0 * (double)alarm_rows(&rh) / (double)rh.n;
            double ex = 100.0 * (double)rh.exceed / (double)rh.n;
            char stated[32] = "null"; /* JSON has no NaN: the naive peer states no rate */
            if (!isnan(rh.stated))
                snprintf(stated, sizeof stated, "%.2f", 100.0 * rh.stated);
            if (c->json)
                printf("{\"bench\":\"detection\",\"dataset\":\"cwru\",\"detector\":\"%s\","
                       "\"class\":\"normal_held_out\",\"frames\":%zu,\"false_alarm_pct\":%.2f,"
                       "\"exceed_pct\":%.2f,\"stated_pct\":%s}\n",
                       detector_name(kinds[k]), rh.n, fa, ex, stated);
            else if (isnan(rh.stated))
                printf("%-12s %-11s %6d %7zu %9.1f%% %7s  (false alarms; exceed %.1f %%, no "
                       "stated rate)\n", detector_name(kinds[k]), "normal", 1, rh.n, fa, "", ex);
            else
                printf("%-12s %-11s %6d %7zu %9.1f%% %7s  (false alarms; exceed %.1f %%, stated "
                       "%.1f %%)\n", detector_name(kinds[k]), "normal", 1, rh.n, fa, "", ex,
                       100.0 * rh.stated);
        }
        run_free(&rh);
    }
    for (size_t i = 0; i < nf; i++)
        series_free(&files[i].s);
    series_free(&train);
    series_free(&held);
    return status;
}

/* ---- PRONOSTIA ----------------------------------------------------------------------------- */

static const char *const femto_hist[6] = {"Bearing1_1", "Bearing1_2", "Bearing2_1",
                                          "Bearing2_2", "Bearing3_1", "Bearing3_2"};
/* the monitor's default set, per channel (h, v); the naive peer: RMS and kurtosis of both */
static const char *const femto_select[14] = {
    "h_rms", "h_peak", "h_crest", "h_kurtosis", "h_impulse", "h_clearance", "h_shape",
    "v_rms", "v_peak", "v_crest", "v_kurtosis", "v_impulse", "v_clearance", "v_shape"};
static const char *const femto_naive[4] = {"h_rms", "h_kurtosis", "v_rms", "v_kurtosis"};
/* --bearing: the bearing-aware default set per channel */
static const char *const femto_select_bearing[20] = {
    "h_rms", "h_peak", "h_crest", "h_kurtosis", "h_impulse", "h_clearance", "h_shape",
    "h_env_bpfo", "h_env_bpfi", "h_env_bsf",
    "v_rms", "v_peak", "v_crest", "v_kurtosis", "v_impulse", "v_clearance", "v_shape",
    "v_env_bpfo", "v_env_bpfi", "v_env_bsf"};

/* One row per snapshot: the base features of the whole snapshot (one frame of 2560 samples)
 * for h, then for v; time = 10 s per snapshot (the challenge's spacing). bearing: the envelope
 * group too, at the challenge's bearing (13 x 3.5 mm on 25.6 mm) and the condition's shaft rate
 * (BearingC_*: 1800, 1650, 1500 rpm for C = 1, 2, 3). */
static int femto_rows(const char *dir, const char *hist, int bearing, series *s)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/femto/%s/index.tsv", dir, hist);
    FILE *idx = fopen(path, "r");
    if (!idx)
        return bench_error("%s: cannot open", path);
    vigil_extractor *ex = NULL;
    static const double rpm[3] = {1800.0, 1650.0, 1500.0};
    const int cond = hist[7] - '1';
    if (vigil_extractor_create(25600.0, 2560, &ex) != VIGIL_OK ||
        (bearing && (cond < 0 || cond > 2 ||
                     add_envelope(ex, 13, 3.5, 25.6, rpm[cond] / 60.0) != BENCH_OK))) {
        fclose(idx);
        vigil_extractor_destroy(ex);
        return bench_error("%s: %s", hist, vigil_last_error());
    }
    const size_t nc = vigil_extractor_feature_count(ex);
    memset(s, 0, sizeof *s);
    int status = series_names(s, 2 * nc, "h_", ex, NULL);
    double *buf = malloc(2 * 4096 * sizeof *buf), *h = malloc(4096 * sizeof *h);
    double *v = malloc(4096 * sizeof *v), *row = malloc(2 * nc * sizeof *row);
    if (!buf || !h || !v || !row)
        status = bench_error("out of memory");
    char line[512];
    int header = 1;
    while (status == BENCH_OK && fgets(line, sizeof line, idx)) {
        if (header) {
            header = 0;
            continue;
        }
        line[strcspn(line, "\t\r\n")] = '\0';
        snprintf(path, sizeof path, "%s/femto/%s/%s", dir, hist, line);
        vigil_reader *r = NULL;
        size_t got = 0;
        if (vigil_reader_open(path, &r) != VIGIL_OK ||
            vigil_reader_read_rows(r, buf, 4096, &got) != VIGIL_OK ||
            vigil_reader_column_count(r) != 2 || got != 2560)
            status = bench_error("%s: %s", path, got ? "not 2 x 2560 values" : vigil_last_error());
        vigil_reader_close(r);
        for (size_t i = 0; i < got && status == BENCH_OK; i++) {
            h[i] = buf[2 * i];
            v[i] = buf[2 * i + 1];
        }
        for (int ch = 0; ch < 2 && status == BENCH_OK; ch++) {
            vigil_extractor_reset(ex);
            if (vigil_extractor_push(ex, ch ? v : h, got, NULL) != VIGIL_OK ||
                vigil_extractor_pop(ex, row + (size_t)ch * nc, nc, NULL) != 1)
                status = bench_error("%s: %s", path, vigil_last_error());
        }
        if (status == BENCH_OK)
            status = series_add(s, row, 10.0 * (double)s->nrows);
    }
    fclose(idx);
    free(buf);
    free(h);
    free(v);
    free(row);
    vigil_extractor_destroy(ex);
    return status;
}

static void fmt_hm(char *out, size_t cap, double seconds)
{
    long m = lround(seconds / 60.0);
    snprintf(out, cap, "%ld:%02ld", m / 60, m % 60);
}

static int eval_femto(const ctx *c)
{
    series hs[6];
    memset(hs, 0, sizeof hs);
    int status = BENCH_OK;
    for (int i = 0; i < 6 && status == BENCH_OK; i++)
        status = femto_rows(c->dir, femto_hist[i], c->bearing, &hs[i]);
    print_rule(c, "PRONOSTIA (learn: first 100 snapshots = 16.5 min; alarm at = onset of the "
                  "alarm that stays up to failure (h:mm from start); lead = failure - alarm; "
                  "earlier = alarm episodes before it; onset = the onset test's estimate of "
                  "when that episode began (-: the k-of-n rule raises at once); trans = "
                  "transient events (bursts that cleared by themselves) in the history)");
    if (status == BENCH_OK && !c->json)
        printf("%-12s %-11s %6s %7s %9s %9s %8s %7s %5s\n", "detector", "history", "snaps",
               "life", "alarm at", "lead min", "earlier", "onset", "trans");
    for (size_t k = 0; k < NKINDS && status == BENCH_OK; k++) {
        for (int i = 0; i < 6 && status == BENCH_OK; i++) {
            const series *s = &hs[i];
            plan p = {kinds[k], c->bearing ? femto_select_bearing : femto_select,
                      c->bearing ? 20 : 14, femto_naive, 4, s->rows, LEARN_ROWS, 0};
            run r = {0};
            status = run_plan(&p, s, LEARN_ROWS, &r);
            if (status != BENCH_OK)
                break;
            size_t on = lasting_alarm(&r), snap = LEARN_ROWS + on; /* 0-based snapshot */
            const size_t S = s->nrows;
            double at = 10.0 * (double)snap, lead = 10.0 * (double)(S - 1 - snap);
            char life[32], when[32];
            fmt_hm(life, sizeof life, 10.0 * (double)(S - 1));
            fmt_hm(when, sizeof when, at);
            size_t earlier = onsets_between(&r, 0, on);
            char onset[32] = "-";
            if (on < r.n && isfinite(r.onset[on]))
                fmt_hm(onset, sizeof onset, r.onset[on] - s->t[0]);
            if (c->json)
                printf("{\"bench\":\"detection\",\"dataset\":\"pronostia\",\"detector\":\"%s\","
                       "\"history\":\"%s\",\"snapshots\":%zu,\"alarm_snapshot\":%ld,"
                       "\"lead_s\":%.0f,\"earlier_alarms\":%zu,\"transients\":%zu}\n",
                       detector_name(kinds[k]), femto_hist[i], S,
                       on < r.n ? (long)snap + 1 : -1L, on < r.n ? lead : -1.0, earlier,
                       r.transients);
            else if (on < r.n)
                printf("%-12s %-11s %6zu %7s %9s %9.1f %8zu %7s %5zu\n",
                       detector_name(kinds[k]), femto_hist[i], S, life, when, lead / 60.0,
                       earlier, onset, r.transients);
            else
                printf("%-12s %-11s %6zu %7s %9s %9s %8zu %7s %5zu\n",
                       detector_name(kinds[k]), femto_hist[i], S, life, "none", "-", earlier,
                       onset, r.transients);
            run_free(&r);
        }
    }
    for (int i = 0; i < 6; i++)
        series_free(&hs[i]);
    return status;
}

/* ---- IMS test 1 ---------------------------------------------------------------------------- */

/* Per bearing, the monitor's default set under the IMS table's names (max = peak, the table's
 * spelling "clearence"), for x and y; the naive peer: RMS and kurtosis of x and y. */
static const char *const ims_feats[7] = {"rms", "max", "crest", "kurtosis", "impulse",
                                         "clearence", "shape"};
static void fmt_date(char *out, size_t cap, double t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, cap, "%m-%d %H:%M", &tm);
}

static int eval_ims(const ctx *c)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/ims_features/test1_timefeatures.csv.gz", c->dir);
    series abs_s = {0}, cm_s = {0};
    int status = read_table(path, "timestamp", &abs_s);
    /* the common-mode table: same names and times, features referred to the other bearings */
    const size_t groups = 4, width = 24;
    int modes[24];
    if (status == BENCH_OK && abs_s.ncols != 1 + groups * width)
        status = bench_error("%s: expected %zu columns, got %zu", path, 1 + groups * width,
                             abs_s.ncols);
    if (status == BENCH_OK) {
        cm_s = abs_s;
        cm_s.rows = malloc(abs_s.nrows * abs_s.ncols * sizeof *cm_s.rows);
        if (!cm_s.rows)
            status = bench_error("out of memory");
        for (size_t j = 0; j < width; j++)
            modes[j] = vigil_common_mode_kind_of(abs_s.names[1 + j]); /* the library's rule */
    }
    for (size_t i = 0; i < abs_s.nrows && status == BENCH_OK; i++) {
        double *src = abs_s.rows + i * abs_s.ncols, *dst = cm_s.rows + i * abs_s.ncols;
        dst[0] = src[0];
        if (vigil_common_mode(src + 1, groups, width, modes, dst + 1) != VIGIL_OK)
            status = bench_error("row %zu: %s", i, vigil_last_error());
    }
    /* the six-day pause: the longest interval of the record (reported, not used by a model) */
    size_t pause = 1;
    for (size_t i = 1; i < abs_s.nrows; i++)
        if (abs_s.t[i] - abs_s.t[i - 1] > abs_s.t[pause] - abs_s.t[pause - 1])
            pause = i;
    print_rule(c, "IMS test 1 (feature table; learn: first 100 rows; variant: absolute = the "
                  "features as recorded, reref = absolute with re-referencing after every gap, "
                  "common = each bearing referred to the median of the others "
                  "(vigil_common_mode), common+rr = both; pause = alarm within 24 h after the longest gap; alarm at "
                  "= onset of the alarm that stays up to the end (UTC); lead = end - alarm; "
                  "earlier = alarm episodes before it; onset = the onset test's estimate of "
                  "when that episode began; trans = transient events)");
    if (status == BENCH_OK && !c->json)
        printf("%-12s %-9s %-3s %6s %12s %8s %8s %12s %5s\n", "detector", "variant", "brg",
               "pause", "alarm at", "lead h", "earlier", "onset", "trans");
    static const char *const variants[4] = {"absolute", "reref", "common", "common+rr"};
    for (size_t k = 0; k < NKINDS && status == BENCH_OK; k++) {
        for (int v = 0; v < 4 && status == BENCH_OK; v++) {
            if (!kinds[k] && v > 0)
                continue; /* the naive peer: absolute only */
            const series *s = v >= 2 ? &cm_s : &abs_s;
            for (int b = 1; b <= 4 && status == BENCH_OK; b++) {
                char names[14][32], naive_names[4][32];
                const char *sel[14], *nai[4];
                for (int a = 0; a < 2; a++) {
                    for (int f = 0; f < 7; f++) {
                        snprintf(names[a * 7 + f], 32, "B%d_%c_%s", b, "xy"[a], ims_feats[f]);
                        sel[a * 7 + f] = names[a * 7 + f];
                    }
                    snprintf(naive_names[2 * a], 32, "B%d_%c_rms", b, "xy"[a]);
                    snprintf(naive_names[2 * a + 1], 32, "B%d_%c_kurtosis", b, "xy"[a]);
                    nai[2 * a] = naive_names[2 * a];
                    nai[2 * a + 1] = naive_names[2 * a + 1];
                }
                plan p = {kinds[k], sel, 14, nai, 4, s->rows, LEARN_ROWS, v == 1 || v == 3};
                run r = {0};
                status = run_plan(&p, s, LEARN_ROWS, &r);
                if (status != BENCH_OK)
                    break;
                int at_pause = 0;
                for (size_t i = pause; i < s->nrows && s->t[i] < s->t[pause] + 86400.0; i++)
                    at_pause |= r.state[i - LEARN_ROWS] == VIGIL_STATE_ALARM;
                size_t on = lasting_alarm(&r), row = LEARN_ROWS + on;
                size_t earlier = onsets_between(&r, 0, on);
                double lead = on < r.n ? (s->t[s->nrows - 1] - s->t[row]) / 3600.0 : NAN;
                char when[32] = "none", onset[32] = "-";
                if (on < r.n)
                    fmt_date(when, sizeof when, s->t[row]);
                if (on < r.n && isfinite(r.onset[on]))
                    fmt_date(onset, sizeof onset, r.onset[on]);
                if (c->json)
                    printf("{\"bench\":\"detection\",\"dataset\":\"ims1\",\"detector\":\"%s\","
                           "\"variant\":\"%s\",\"bearing\":%d,\"alarm_after_pause\":%s,"
                           "\"alarm_at\":\"%s\",\"lead_h\":%.2f,\"earlier_alarms\":%zu,"
                           "\"transients\":%zu}\n",
                           detector_name(kinds[k]), variants[v], b, at_pause ? "true" : "false",
                           when, on < r.n ? lead : -1.0, earlier, r.transients);
                else if (on < r.n)
                    printf("%-12s %-9s B%-2d %6s %12s %8.1f %8zu %12s %5zu\n",
                           detector_name(kinds[k]), variants[v], b, at_pause ? "ALARM" : "-",
                           when, lead, earlier, onset, r.transients);
                else
                    printf("%-12s %-9s B%-2d %6s %12s %8s %8zu %12s %5zu\n",
                           detector_name(kinds[k]), variants[v], b, at_pause ? "ALARM" : "-",
                           when, "-", earlier, onset, r.transients);
                run_free(&r);
            }
        }
    }
    free(cm_s.rows);
    series_free(&abs_s);
    return status;
}

/* ---- NAB ambient temperature ---------------------------------------------------------------- */

/* The labelled windows: every "YYYY-MM-DD HH:MM:SS.ffffff" string in windows.json, in pairs. */
static size_t nab_windows(const char *path, double *w, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf - 1, f), n = 0;
    fclose(f);
    buf[len] = '\0';
    for (char *p = buf; (p = strchr(p, '"')) && n < cap;) {
        char *q = strchr(p + 1, '"');
        if (!q)
            break;
        *q = '\0';
        double t;
        if (vigil_parse_time(p + 1, &t) == VIGIL_OK)
            w[n++] = t;
        p = q + 1;
    }
    return n - n % 2;
}

static int eval_nab(const ctx *c)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/nab/ambient_temperature_system_failure.csv.gz", c->dir);
    series s = {0};
    int status = read_table(path, "timestamp", &s);
    double w[16];
    snprintf(path, sizeof path, "%s/nab/windows.json", c->dir);
    size_t nw = status == BENCH_OK ? nab_windows(path, w, 16) / 2 : 0;
    if (status == BENCH_OK && nw == 0)
        status = bench_error("%s: no windows", path);
    /* NAB's probationary period: the first 15 % of the series, not scored; our baseline */
    const size_t learn = (size_t)(0.15 * (double)s.nrows);
    print_rule(c, "NAB ambient_temperature_system_failure (learn: NAB's probationary first 15 %; "
                  "found = windows with an alarm onset inside; FP = alarm onsets outside the "
                  "windows (NAB counts each flagged point); FP rows = rows in alarm outside; "
                  "trans = transient events)");
    if (status == BENCH_OK && !c->json)
        printf("%-12s %6s %6s %8s %8s %5s\n", "detector", "found", "of", "FP", "FP rows",
               "trans");
    static const char *const sel[1] = {"value"};
    for (size_t k = 0; k < NKINDS && status == BENCH_OK; k++) {
        plan p = {kinds[k], sel, 1, sel, 1, s.rows, learn, 0};
        run r = {0};
        status = run_plan(&p, &s, learn, &r);
        if (status != BENCH_OK) {
            /* a detector that cannot model one feature (PCA keeps <= d-1 components) */
            if (!c->json)
                printf("%-12s %6s (%s)\n", detector_name(kinds[k]), "n/a", vigil_last_error());
            status = BENCH_OK;
            continue;
        }
        size_t found = 0, fp = 0, fp_rows = 0;
        int hit[8] = {0};
        for (size_t i = 0; i < r.n; i++) {
            double t = s.t[learn + i];
            int inside = -1;
            for (size_t j = 0; j < nw; j++)
                if (t >= w[2 * j] && t <= w[2 * j + 1])
                    inside = (int)j;
            if (inside < 0) {
                fp += is_onset(&r, i);
                fp_rows += r.state[i] == VIGIL_STATE_ALARM;
            } else if (is_onset(&r, i)) {
                hit[inside] = 1;
            }
        }
        for (size_t j = 0; j < nw; j++)
            found += hit[j];
        if (c->json)
            printf("{\"bench\":\"detection\",\"dataset\":\"nab_ambient\",\"detector\":\"%s\","
                   "\"windows_found\":%zu,\"windows\":%zu,\"false_positives\":%zu,"
                   "\"false_positive_rows\":%zu,\"transients\":%zu}\n", detector_name(kinds[k]),
                   found, nw, fp, fp_rows, r.transients);
        else
            printf("%-12s %6zu %6zu %8zu %8zu %5zu\n", detector_name(kinds[k]), found, nw, fp,
                   fp_rows, r.transients);
        run_free(&r);
    }
    series_free(&s);
    return status;
}

/* ---- the command ----------------------------------------------------------------------------- */

static const char detection_help[] =
    "usage: vigil-bench detection [--datasets DIR] [--quick] [--only LIST] [--json] "
    "[--bearing]\n"
    "\n"
    "Detection quality on the recorded datasets, for every detector (zscore, mahalanobis, pca,\n"
    "hst) and the naive peer (z-score of RMS and kurtosis > 3, 3-of-5 persistence): CWRU per\n"
    "fault class, the six PRONOSTIA histories, IMS test 1 per bearing, NAB ambient temperature.\n"
    "Column meanings are printed above each table and in bench/README.md.\n"
    "\n"
    "  --datasets DIR  the datasets folder (default: $VIGIL_DATASETS, else the build's\n"
    "                  default, ../shared/datasets); exit 77 if it has no cwru/ folder\n"
    "  --quick         CWRU only (a few seconds: the test suite's smoke run)\n"
    "  --only LIST     comma-separated subset of cwru,pronostia,ims,nab\n"
    "  --json          one JSON object per line instead of tables\n"
    "  --bearing       bearing-aware defaults (issue 16) on CWRU and PRONOSTIA: the envelope\n"
    "                  group at the recorded bearing geometry and shaft rate, and the default\n"
    "                  set plus env_bpfo, env_bpfi, env_bsf\n"
    "  -h, --help      show this help\n";

int bench_detection(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"datasets", required_argument, NULL, 'd'}, {"quick", no_argument, NULL, 'q'},
        {"only", required_argument, NULL, 'o'},     {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},           {"bearing", no_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    ctx cx = {getenv("VIGIL_DATASETS"), 0, 0};
    const char *only = "cwru,pronostia,ims,nab";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': cx.dir = optarg; break;
        case 'q': only = "cwru"; break;
        case 'o': only = optarg; break;
        case 'j': cx.json = 1; break;
        case 'b': cx.bearing = 1; break;
        case 'h': fputs(detection_help, stdout); return BENCH_OK;
        default: return bench_error("unknown option (try 'vigil-bench detection --help')"), BENCH_USAGE;
        }
    }
    if (optind < argc)
        return bench_error("unexpected argument '%s'", argv[optind]), BENCH_USAGE;
    if (!cx.dir || !*cx.dir)
        cx.dir = getenv("VIGIL_DATASETS_DEFAULT"); /* set by meson for the tests */
    if (!cx.dir || !*cx.dir)
        cx.dir = VIGIL_DATASETS_DEFAULT;
    char probe[PATHLEN];
    snprintf(probe, sizeof probe, "%s/cwru", cx.dir);
    DIR *d = opendir(probe);
    if (!d) {
        fprintf(stderr, "vigil-bench detection: skip: no datasets at %s (set --datasets or "
                        "VIGIL_DATASETS)\n", cx.dir);
        return 77;
    }
    closedir(d);
    if (cx.bearing && !cx.json)
        printf("bearing-aware defaults: CWRU 6205 at each file's rpm, PRONOSTIA 13 x 3.5 mm on "
               "25.6 mm at the condition's rpm; monitors select env_bpfo, env_bpfi, env_bsf too\n");
    static const struct {
        const char *name;
        int (*eval)(const ctx *);
    } sections[] = {{"cwru", eval_cwru}, {"pronostia", eval_femto}, {"ims", eval_ims},
                    {"nab", eval_nab}};
    int status = BENCH_OK;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0] && status == BENCH_OK; i++) {
        const char *p = strstr(only, sections[i].name);
        if (!p)
            continue;
        const double t0 = bench_now();
        status = sections[i].eval(&cx);
        if (!cx.json)
            printf("(%s: %.1f s)\n", sections[i].name, bench_now() - t0);
        fflush(stdout);
    }
    return status;
}
