/* vigil-bench features: throughput of the full feature row against bare FFTW on the same frames.
 *
 * The baseline is the least any frame-based spectrum must do: copy each frame into the plan's
 * aligned buffer and run one r2c FFT (planned with the flags the library uses). The ratio of the
 * two throughputs is what stays stable on a noisy machine, so the two are timed in alternating
 * rounds over the same stream: a slow patch of the machine hits both. Both count input samples
 * consumed from the stream (not N per frame), so overlap costs show up as lower samples/s. */
#include "bench.h"

#include <fftw3.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#ifndef VIGIL_DATASETS_DEFAULT
#define VIGIL_DATASETS_DEFAULT "../shared/datasets"
#endif
#define RECORDINGS_MAX 64
#define PATHLEN 2048

/* The default row: the 19 FEATURES.md base features plus BANDS equal-width bands from 0 to
 * rate/2 (a typical band-power configuration). The optional groups (envelope, shaft orders,
 * severity) are off there and measured separately, each alone (run_group_costs()). */
#define BANDS 8
#define LATENCY_CAP 20000
#define LATENCY_MIN 2000
#define PAIRS_CAP 4096 /* rounds whose ratio is kept for the median */

static const char features_help[] =
    "usage: vigil-bench features [--frames N,...] [--hop-divisors D,...] [--chunk C] [OPTIONS]\n"
    "\n"
    "For each frame length N and hop N/D: throughput of vigil's full feature row and of bare\n"
    "FFTW r2c on the same frames (input samples per second), their ratio (median of the\n"
    "rounds, each a vigil pass and an FFTW pass back to back), per-frame latency\n"
    "(p50/p99 of one push of `hop` samples that completes a frame), FFTW's p50 per frame (copy\n"
    "and r2c of the same frame, timed right after) and the p50 ratio (steadier than the\n"
    "throughput ratio on a loaded machine), and bytes per extractor.\n"
    "\n"
    "  --frames LIST       frame lengths (default 1024,4096,16384)\n"
    "  --hop-divisors LIST hop = N / D for each D (default 1,2)\n"
    "  --chunk C           samples per push in the throughput runs (default 4096)\n"
    "  --planners LIST     estimate, measure or both (default estimate,measure): the library's\n"
    "                      planner mode (vigil/planner.h) and the baseline's FFTW flag, the same\n"
    "                      on both sides; the recordings use the first\n"
    "  --no-group-costs    leave out the p50 per frame of each optional group (envelope,\n"
    "                      orders, severity) alone on top of the default row, measured at the\n"
    "                      recording point on the main signal\n"
    "\n"
    "Without --input the generated signal is measured, then every CWRU recording listed in\n"
    "DIR/cwru/MANIFEST.tsv (its first channel, at its rate, tiled to the stream length) at one\n"
    "point, with the worst and the median recording:\n"
    "  --datasets DIR      datasets folder (default $VIGIL_DATASETS, else ../shared/datasets);\n"
    "                      the recordings are left out, with a note, when it has no manifest\n"
    "  --recordings WHICH  all (default), classes (the first file of each fault class) or none\n"
    "  --recording-point N/D  frame N and hop N/D for the recordings (default 4096/2)\n"
    BENCH_COMMON_HELP
    "  -h, --help          show this help\n";

typedef struct point {
    int planner; /* VIGIL_PLANNER_*: the library's mode and the baseline's flag */
    int group;   /* GROUP_*: an optional group on top of the default row */
    size_t frame, hop, ncols, frames_per_pass, rounds, memory;
    double vigil_s, fftw_s; /* timed seconds over `rounds` passes */
    double ratio;           /* median over the rounds of (FFTW seconds / vigil seconds) */
    double p50_us, p99_us;
    double fftw_p50_us; /* the baseline's frame (copy + FFT), timed after each latency frame */
} point;

/* The optional groups, each measured alone on top of the default row (--group-costs). */
enum { GROUP_NONE, GROUP_ENVELOPE, GROUP_ORDERS, GROUP_SEVERITY, GROUP_COUNT };
static const char *const group_names[GROUP_COUNT] = {
    "none (default row)", "envelope (auto band)", "orders", "severity",
};

static vigil_extractor *make_extractor(double rate, size_t frame, size_t hop, int group)
{
    vigil_extractor *ex = NULL;
    int rc = vigil_extractor_create(rate, frame, &ex);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_hop(ex, hop);
    for (int b = 0; rc == VIGIL_OK && b < BANDS; b++)
        rc = vigil_extractor_add_band(ex, b * rate / (2 * BANDS), (b + 1) * rate / (2 * BANDS));
    /* the shaft rate is estimated per frame (the default), the costlier case; a 6205 bearing */
    if (rc == VIGIL_OK && group == GROUP_ENVELOPE) {
        rc = vigil_extractor_set_bearing(ex, 9, 0.3126, 1.537, 0.0);
        if (rc == VIGIL_OK)
            rc = vigil_extractor_enable_envelope(ex, 0.0, 0.0);
    }
    if (rc == VIGIL_OK && group == GROUP_ORDERS)
        rc = vigil_extractor_enable_orders(ex);
    if (rc == VIGIL_OK && group == GROUP_SEVERITY)
        rc = vigil_extractor_enable_severity(ex, VIGIL_UNITS_G, VIGIL_ISO_GROUP1_RIGID);
    if (rc != VIGIL_OK) {
        bench_error("extractor N=%zu hop=%zu: %s", frame, hop, vigil_last_error());
        vigil_extractor_destroy(ex);
        return NULL;
    }
    return ex;
}

/* One pass over the stream in chunks of `chunk` samples, popping rows as they come; the way a
 * gateway reading DMA blocks from an ADC would call it. Returns frames computed, or 0 on error. */
static size_t vigil_pass(vigil_extractor *ex, const double *x, size_t n, size_t chunk,
                         double *row, size_t ncols)
{
    vigil_extractor_reset(ex);
    size_t off = 0, frames = 0;
    while (off < n) {
        size_t used = 0, len = n - off < chunk ? n - off : chunk;
        if (vigil_extractor_push(ex, x + off, len, &used) != VIGIL_OK)
            return 0;
        off += used;
        while (vigil_extractor_pop(ex, row, ncols, NULL) == 1)
            frames++;
    }
    return frames;
}

/* The baseline: the same frames, each copied into the aligned input and transformed. */
static size_t fftw_pass(fftw_plan plan, double *in, fftw_complex *out, const double *x,
                        size_t n, size_t frame, size_t hop, double *sink)
{
    size_t frames = 0;
    for (size_t start = 0; start + frame <= n; start += hop) {
        memcpy(in, x + start, frame * sizeof *in);
        fftw_execute(plan);
        *sink += out[1][0]; /* keep the result observable */
        frames++;
    }
    return frames;
}

/* Per-frame latency: push exactly `hop` samples (each push completes one frame) and time it,
 * pop included. Passes repeat until enough frames are timed (or one pass for --min-time 0). */
static int measure_latency(vigil_extractor *ex, const double *x, size_t n, double min_time,
                           double *row, size_t ncols, fftw_plan plan, double *in, point *p)
{
    double *lat = malloc(LATENCY_CAP * sizeof *lat), *base = malloc(LATENCY_CAP * sizeof *base);
    if (!lat || !base) {
        free(lat);
        free(base);
        return bench_error("out of memory");
    }
    size_t count = 0;
    volatile double sink_touch = 0.0;
    const double t_end = bench_now() + 0.25 * min_time;
    do {
        vigil_extractor_reset(ex);
        size_t off = p->frame - p->hop;
        vigil_extractor_push(ex, x, off, NULL); /* the first frame's head: completes nothing */
        for (; off + p->hop <= n && count < LATENCY_CAP; off += p->hop) {
            /* Bring the new samples into the cache first, untimed: whichever side read them
             * first would pay their fetch from memory (16 KiB a frame at N = 4096, hop N/2, up to
             * a microsecond on a loaded machine), and that was always vigil, since the baseline
             * runs right after on the same frame. */
            double touch = 0.0;
            for (size_t i = 0; i < p->hop; i += 8)
                touch += x[off + i];
            sink_touch += touch;
            const double t0 = bench_now();
            int rc = vigil_extractor_push(ex, x + off, p->hop, NULL);
            int got = vigil_extractor_pop(ex, row, ncols, NULL);
            const double t1 = bench_now();
            /* the baseline's frame right after: the same frame, copied and transformed */
            memcpy(in, x + off + p->hop - p->frame, p->frame * sizeof *in);
            fftw_execute(plan);
            base[count] = bench_now() - t1;
            lat[count++] = t1 - t0;
            if (rc != VIGIL_OK || got != 1) {
                free(lat);
                free(base);
                return bench_error("latency run: %s", vigil_last_error());
            }
        }
    } while (min_time > 0 && count < LATENCY_CAP && (count < LATENCY_MIN || bench_now() < t_end));
    p->p50_us = 1e6 * bench_quantile(lat, count, 0.50);
    p->p99_us = 1e6 * bench_quantile(lat, count, 0.99);
    p->fftw_p50_us = 1e6 * bench_quantile(base, count, 0.50);
    free(lat);
    free(base);
    return BENCH_OK;
}

static int run_point(const bench_opts *o, const bench_signal *s, size_t chunk, point *p)
{
    /* Both sides plan with the same flag: the library's mode, FFTW's flag for the baseline.
     * With MEASURE the baseline's plan (made second, same size, aligned buffers) comes from the
     * wisdom the extractor's planning left, so the two run the same algorithm. */
    if (vigil_planner_set_mode(p->planner) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    vigil_extractor *ex = make_extractor(s->rate, p->frame, p->hop, p->group);
    if (!ex)
        return BENCH_FAIL;
    p->ncols = vigil_extractor_feature_count(ex);
    p->memory = vigil_extractor_memory(ex);
    double *row = malloc(p->ncols * sizeof *row);
    double *in = fftw_alloc_real(p->frame);
    fftw_complex *out = fftw_alloc_complex(p->frame / 2 + 1);
    fftw_plan plan = NULL;
    if (in && out)
        plan = fftw_plan_dft_r2c_1d((int)p->frame, in, out,
                                    (p->planner == VIGIL_PLANNER_MEASURE ? FFTW_MEASURE
                                                                         : FFTW_ESTIMATE) |
                                        FFTW_DESTROY_INPUT);
    int status = row && plan ? BENCH_OK : bench_error("out of memory");

    double sink = 0.0;
    if (status == BENCH_OK && o->min_time > 0) { /* warm up: page in buffers, train caches */
        vigil_pass(ex, s->x, s->n, chunk, row, p->ncols);
        fftw_pass(plan, in, out, s->x, s->n, p->frame, p->hop, &sink);
    }
    /* Each round is a pair (vigil, then FFTW, on the same stream, back to back): the ratio is
     * the median of the pairs' ratios, which a slow patch of a shared machine moves far less
     * than the ratio of the totals. */
    static double pairs[PAIRS_CAP];
    const double t_end = bench_now() + o->min_time;
    while (status == BENCH_OK) {
        double t0 = bench_now();
        size_t fv = vigil_pass(ex, s->x, s->n, chunk, row, p->ncols);
        double t1 = bench_now();
        size_t ff = fftw_pass(plan, in, out, s->x, s->n, p->frame, p->hop, &sink);
        double t2 = bench_now();
        if (fv != ff) {
            status = bench_error("vigil made %zu frames, the baseline %zu: %s", fv, ff,
                                 vigil_last_error());
            break;
        }
        p->frames_per_pass = fv;
        if (p->rounds < PAIRS_CAP)
            pairs[p->rounds] = (t2 - t1) / (t1 - t0);
        p->vigil_s += t1 - t0;
        p->fftw_s += t2 - t1;
        p->rounds++;
        if (t2 >= t_end)
            break;
    }
    if (status == BENCH_OK) {
        p->ratio = bench_quantile(pairs, p->rounds < PAIRS_CAP ? p->rounds : PAIRS_CAP, 0.5);
        status = measure_latency(ex, s->x, s->n, o->min_time, row, p->ncols, plan, in, p);
    }
    if (sink != sink) /* never true for finite data; stops the baseline being optimised away */
        fputc(' ', stderr);
    if (plan)
        fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(out);
    free(row);
    vigil_extractor_destroy(ex);
    return status;
}

static void print_point(const bench_opts *o, const bench_signal *s, const point *p)
{
    const double total = (double)s->n * (double)p->rounds;
    const double v = total / p->vigil_s, f = total / p->fftw_s;
    if (o->json) {
        printf("{\"bench\":\"features\",\"frame\":%zu,\"hop\":%zu,\"samples_per_s\":%.6g,"
               "\"fftw_samples_per_s\":%.6g,\"ratio\":%.4f,\"frames_per_s\":%.6g,"
               "\"latency_p50_us\":%.4g,\"latency_p99_us\":%.4g,\"fftw_latency_p50_us\":%.4g,"
               "\"memory_bytes\":%zu,"
               "\"columns\":%zu,\"rate\":%.10g,\"stream_samples\":%zu,\"rounds\":%zu,"
               "\"source\":\"%s\",\"planner\":\"%s\",\"fftw_planner\":\"FFTW_%s\"}\n",
               p->frame, p->hop, v, f, p->ratio,
               (double)p->frames_per_pass * (double)p->rounds / p->vigil_s, p->p50_us, p->p99_us,
               p->fftw_p50_us, p->memory, p->ncols, s->rate, s->n, p->rounds, s->source,
               vigil_planner_mode_name(p->planner),
               p->planner == VIGIL_PLANNER_MEASURE ? "MEASURE" : "ESTIMATE");
    } else {
        printf("%-8s %6zu %6zu %12.2f %12.2f %6.1f%% %10.0f %8.1f %8.1f %8.1f %6.1f%% %10zu\n",
               vigil_planner_mode_name(p->planner), p->frame, p->hop,
               v / 1e6, f / 1e6, 100.0 * p->ratio,
               (double)p->frames_per_pass * (double)p->rounds / p->vigil_s, p->p50_us, p->p99_us,
               p->fftw_p50_us, 100.0 * p->fftw_p50_us / p->p50_us, p->memory);
    }
    fflush(stdout);
}

/* ---- recordings ------------------------------------------------------------------------ */

typedef struct recording {
    char path[PATHLEN], column[64], label[64];
    double rate;
    double ratio, p50_us, p50_ratio; /* measured */
} recording;

/* The CWRU rows of DIR/cwru/MANIFEST.tsv (path, dataset, rate_hz, channels, units, label, ...):
 * path, first channel, rate and fault class. Only the first file of each class if `classes`.
 * Returns the count; 0 if there is no manifest. */
static size_t read_manifest(const char *dir, int classes, recording *out, size_t cap)
{
    char name[PATHLEN], line[4096];
    snprintf(name, sizeof name, "%s/cwru/MANIFEST.tsv", dir);
    FILE *f = fopen(name, "r");
    if (!f)
        return 0;
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        char *field[6], *save = NULL, *tok = strtok_r(line, "\t\n", &save);
        int nf = 0;
        for (; tok && nf < 6; tok = strtok_r(NULL, "\t\n", &save))
            field[nf++] = tok;
        if (nf < 6 || strcmp(field[0], "path") == 0)
            continue;
        char *end = NULL;
        const double rate = strtod(field[2], &end);
        if (end == field[2] || !(rate > 0))
            continue;
        int seen = 0;
        for (size_t i = 0; classes && i < n; i++)
            seen |= strcmp(out[i].label, field[5]) == 0;
        if (seen)
            continue;
        recording *r = &out[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->path, sizeof r->path, "%s/%s", dir, field[0]);
        field[3][strcspn(field[3], ",")] = '\0'; /* the first channel */
        snprintf(r->column, sizeof r->column, "%s", field[3]);
        snprintf(r->label, sizeof r->label, "%s", field[5]);
        r->rate = rate;
    }
    fclose(f);
    return n;
}

static int by_ratio(const void *a, const void *b)
{
    const double x = ((const recording *)a)->ratio, y = ((const recording *)b)->ratio;
    return (x > y) - (x < y);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* Every recording at frame N, hop N/D; then the worst and the median (lower median). */
static int run_recordings(const bench_opts *o, const char *dir, int classes, size_t frame,
                          size_t div, size_t chunk, int planner)
{
    static recording rec[RECORDINGS_MAX];
    const size_t n = read_manifest(dir, classes, rec, RECORDINGS_MAX);
    if (n == 0) {
        if (!o->json)
            printf("recordings: none (no %s/cwru/MANIFEST.tsv; set --datasets or "
                   "VIGIL_DATASETS)\n", dir);
        return BENCH_OK;
    }
    if (!o->json)
        printf("\nvigil-bench features: %zu CWRU recordings from %s (first channel, tiled to %zu "
               "samples), N = %zu, hop = %zu, planner %s on both sides\n%-38s %-11s %7s %8s %8s %7s\n",
               n, dir, o->samples, frame, frame / div, vigil_planner_mode_name(planner),
               "recording", "class", "ratio", "p50 us", "FFTW p50", "p50 rt");
    for (size_t i = 0; i < n; i++) {
        bench_opts ro = *o;
        ro.input = rec[i].path;
        ro.column = rec[i].column;
        ro.rate = rec[i].rate;
        bench_signal s;
        if (bench_signal_load(&ro, &s) != BENCH_OK)
            return BENCH_FAIL;
        point p = {0};
        p.planner = planner;
        p.frame = frame;
        p.hop = frame / div;
        int status = p.hop >= 1 && p.frame <= s.n
                         ? run_point(&ro, &s, chunk, &p)
                         : bench_error("N=%zu with divisor %zu does not fit", frame, div);
        if (status == BENCH_OK) {
            rec[i].ratio = p.ratio;
            rec[i].p50_us = p.p50_us;
            rec[i].p50_ratio = p.fftw_p50_us / p.p50_us;
            if (o->json)
                print_point(&ro, &s, &p);
            else
                printf("%-38s %-11s %6.1f%% %8.1f %8.1f %6.1f%%\n", base_name(rec[i].path),
                       rec[i].label, 100.0 * rec[i].ratio, rec[i].p50_us, p.fftw_p50_us,
                       100.0 * rec[i].p50_ratio);
            fflush(stdout);
        }
        bench_signal_free(&s);
        if (status != BENCH_OK)
            return status;
    }
    qsort(rec, n, sizeof *rec, by_ratio);
    const recording *worst = &rec[0], *median = &rec[(n - 1) / 2];
    if (o->json)
        printf("{\"bench\":\"features_recordings\",\"frame\":%zu,\"hop\":%zu,"
               "\"recordings\":%zu,\"worst_ratio\":%.4f,\"worst_source\":\"%s\","
               "\"median_ratio\":%.4f,\"median_source\":\"%s\",\"best_ratio\":%.4f}\n",
               frame, frame / div, n, worst->ratio, base_name(worst->path), median->ratio,
               base_name(median->path), rec[n - 1].ratio);
    else
        printf("worst %.1f%% (%s), median %.1f%% (%s), best %.1f%% of %zu recordings\n",
               100.0 * worst->ratio, base_name(worst->path), 100.0 * median->ratio,
               base_name(median->path), 100.0 * rec[n - 1].ratio, n);
    return BENCH_OK;
}

/* p50 per frame of the default row and of the row with each optional group alone: what each
 * group costs per frame, on the same signal, at one point. */
static int run_group_costs(const bench_opts *o, const bench_signal *s, size_t chunk, size_t frame,
                           size_t div, int planner)
{
    double base = 0.0;
    if (!o->json)
        printf("\noptional groups, %s, N = %zu, hop = %zu: p50 per frame, each group alone on top "
               "of the default row\n%-22s %8s %8s %8s\n", s->source, frame, frame / div, "group",
               "p50 us", "+us", "cols");
    for (int g = 0; g < GROUP_COUNT; g++) {
        point p = {0};
        p.planner = planner;
        p.group = g;
        p.frame = frame;
        p.hop = frame / div;
        bench_opts quick = *o;
        quick.min_time = o->min_time > 0 ? 0.25 * o->min_time : 0; /* latency is what counts */
        const int status = run_point(&quick, s, chunk, &p);
        if (status != BENCH_OK)
            return status;
        if (g == GROUP_NONE)
            base = p.p50_us;
        if (o->json)
            printf("{\"bench\":\"features_group\",\"group\":\"%s\",\"frame\":%zu,\"hop\":%zu,"
                   "\"latency_p50_us\":%.4g,\"extra_us\":%.4g,\"columns\":%zu}\n",
                   group_names[g], p.frame, p.hop, p.p50_us, p.p50_us - base, p.ncols);
        else
            printf("%-22s %8.1f %+8.1f %8zu\n", group_names[g], p.p50_us, p.p50_us - base,
                   p.ncols);
        fflush(stdout);
    }
    return BENCH_OK;
}

int bench_features(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"frames", required_argument, NULL, 'n'},
        {"hop-divisors", required_argument, NULL, 'd'},
        {"chunk", required_argument, NULL, 'c'},
        {"datasets", required_argument, NULL, 'D'},
        {"planners", required_argument, NULL, 'M'},
        {"no-group-costs", no_argument, NULL, 'G'},
        {"recordings", required_argument, NULL, 'R'},
        {"recording-point", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        BENCH_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    bench_opts o;
    bench_opts_init(&o);
    size_t frames[16] = {1024, 4096, 16384}, nframes = 3;
    size_t divs[16] = {1, 2}, ndivs = 2;
    size_t chunk = 4096;
    const char *datasets = getenv("VIGIL_DATASETS");
    int recordings = 2; /* 2 all, 1 one per class, 0 none */
    size_t rec_point[2] = {4096, 2};
    int planners[2] = {VIGIL_PLANNER_ESTIMATE, VIGIL_PLANNER_MEASURE};
    size_t nplanners = 2;
    int group_costs = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int handled = bench_common_option(&o, c, optarg);
        if (handled < 0)
            return BENCH_USAGE;
        if (handled)
            continue;
        switch (c) {
        case 'n':
            if (!(nframes = bench_parse_list(optarg, frames, 16)))
                return bench_error("--frames needs a list of lengths, got '%s'", optarg), BENCH_USAGE;
            break;
        case 'd':
            if (!(ndivs = bench_parse_list(optarg, divs, 16)))
                return bench_error("--hop-divisors needs a list, got '%s'", optarg), BENCH_USAGE;
            break;
        case 'c':
            if (bench_parse_list(optarg, &chunk, 1) != 1)
                return bench_error("--chunk needs a whole number >= 1, got '%s'", optarg), BENCH_USAGE;
            break;
        case 'D': datasets = optarg; break;
        case 'G': group_costs = 0; break;
        case 'M':
            nplanners = 0;
            for (const char *q = optarg; *q && nplanners < 2;) {
                const size_t len = strcspn(q, ",");
                if (len == 8 && strncmp(q, "estimate", 8) == 0)
                    planners[nplanners++] = VIGIL_PLANNER_ESTIMATE;
                else if (len == 7 && strncmp(q, "measure", 7) == 0)
                    planners[nplanners++] = VIGIL_PLANNER_MEASURE;
                else
                    return bench_error("--planners takes estimate and/or measure, got '%s'", optarg), BENCH_USAGE;
                q += len + (q[len] == ',');
            }
            if (nplanners == 0)
                return bench_error("--planners needs estimate and/or measure"), BENCH_USAGE;
            break;
        case 'R':
            recordings = strcmp(optarg, "all") == 0 ? 2 : strcmp(optarg, "classes") == 0 ? 1
                       : strcmp(optarg, "none") == 0 ? 0 : -1;
            if (recordings < 0)
                return bench_error("--recordings takes all, classes or none, got '%s'", optarg), BENCH_USAGE;
            break;
        case 'P': {
            char *slash = strchr(optarg, '/');
            if (!slash || bench_parse_list(slash + 1, &rec_point[1], 1) != 1)
                return bench_error("--recording-point takes N/D, got '%s'", optarg), BENCH_USAGE;
            *slash = '\0';
            const size_t ok = bench_parse_list(optarg, &rec_point[0], 1);
            *slash = '/';
            if (ok != 1)
                return bench_error("--recording-point takes N/D, got '%s'", optarg), BENCH_USAGE;
            break;
        }
        case 'h': fputs(features_help, stdout); return BENCH_OK;
        default: return bench_error("unknown option (try 'vigil-bench features --help')"), BENCH_USAGE;
        }
    }
    if (optind < argc)
        return bench_error("unexpected argument '%s'", argv[optind]), BENCH_USAGE;

    bench_signal s;
    if (bench_signal_load(&o, &s) != BENCH_OK)
        return BENCH_FAIL;
    if (!o.json) {
        printf("vigil-bench features: %s at %g Hz, stream of %zu samples, %d bands + base "
               "features, pushes of %zu samples\n", s.source, s.rate, s.n, BANDS, chunk);
        printf("%-8s %6s %6s %12s %12s %7s %10s %8s %8s %8s %7s %10s\n", "planner", "N", "hop",
               "vigil MS/s",
               "FFTW MS/s", "ratio", "frames/s", "p50 us", "p99 us", "FFTW p50", "p50 rt", "bytes");
    }
    int status = BENCH_OK;
    for (size_t m = 0; m < nplanners && status == BENCH_OK; m++)
    for (size_t i = 0; i < nframes && status == BENCH_OK; i++) {
        for (size_t j = 0; j < ndivs && status == BENCH_OK; j++) {
            point p = {0};
            p.planner = planners[m];
            p.frame = frames[i];
            p.hop = frames[i] / divs[j];
            if (p.hop < 1 || p.frame > s.n) {
                status = bench_error("N=%zu with divisor %zu does not fit a %zu-sample stream",
                                     frames[i], divs[j], s.n);
                break;
            }
            status = run_point(&o, &s, chunk, &p);
            if (status == BENCH_OK)
                print_point(&o, &s, &p);
        }
    }
    if (status == BENCH_OK && group_costs)
        status = run_group_costs(&o, &s, chunk, rec_point[0], rec_point[1], planners[0]);
    bench_signal_free(&s);
    if (status == BENCH_OK && !o.input && recordings) {
        if (!datasets || !*datasets)
            datasets = getenv("VIGIL_DATASETS_DEFAULT"); /* set by meson for the tests */
        if (!datasets || !*datasets)
            datasets = VIGIL_DATASETS_DEFAULT;
        status = run_recordings(&o, datasets, recordings == 1, rec_point[0], rec_point[1],
                                chunk, planners[0]);
    }
    return status;
}
