/* vigil-bench: speed of vigil on recorded or generated vibration data. One subcommand per
 * benchmark (bench_*.c), listed in the table below; common helpers (data, clock, options) here. */
#include "bench.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct benchmark {
    const char *name;
    int (*run)(int argc, char **argv); /* NULL: not available in this build */
    const char *summary;
} benchmark;

/* Adding a benchmark is a bench_<name>.c file and its pointer here. */
static const benchmark benchmarks[] = {
    {"features", bench_features,
     "samples/s of the full feature row vs bare FFTW r2c on the same frames; latency; memory"},
    {"models", bench_models, "frames scored per second for each detector"},
    {"channels", bench_channels,
     "25.6 kHz channels one core processes in real time (features + monitor)"},
    {"detection", bench_detection,
     "detection on recorded data (CWRU, PRONOSTIA, IMS, NAB) per detector vs a naive z-score"},
    {"rul", bench_rul,
     "remaining useful life on PRONOSTIA, leave one history out: PHM 2012 score, coverage"},
};

static void print_help(FILE *f)
{
    fprintf(f, "usage: vigil-bench BENCHMARK [OPTIONS]\n"
               "       vigil-bench --help\n\n"
               "Benchmarks:\n");
    for (size_t i = 0; i < sizeof benchmarks / sizeof benchmarks[0]; i++)
        fprintf(f, "  %-10s %s%s\n", benchmarks[i].name, benchmarks[i].summary,
                benchmarks[i].run ? "" : " (not available in this build)");
    fprintf(f, "\nRun 'vigil-bench BENCHMARK --help' for its options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return BENCH_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_help(stdout);
        return BENCH_OK;
    }
    for (size_t i = 0; i < sizeof benchmarks / sizeof benchmarks[0]; i++) {
        if (strcmp(argv[1], benchmarks[i].name) != 0)
            continue;
        if (!benchmarks[i].run)
            return bench_error("'%s' is not available in this build (it needs the models API)",
                               argv[1]);
        return benchmarks[i].run(argc - 1, argv + 1);
    }
    bench_error("unknown benchmark '%s' (try 'vigil-bench --help')", argv[1]);
    return BENCH_USAGE;
}

/* ---- helpers shared by the benchmarks -------------------------------------------------------- */

int bench_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vigil-bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return BENCH_FAIL;
}

static clockid_t bench_clock = CLOCK_MONOTONIC;

void bench_use_cpu_time(void) { bench_clock = CLOCK_PROCESS_CPUTIME_ID; }

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

size_t bench_parse_list(const char *s, size_t *out, size_t cap)
{
    size_t n = 0;
    while (*s) {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || v < 1 || n == cap || (*end && *end != ','))
            return 0;
        out[n++] = (size_t)v;
        s = *end ? end + 1 : end;
    }
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t rank = (size_t)ceil(q * (double)n); /* nearest rank, 1-based */
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

void bench_opts_init(bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->samples = (size_t)1 << 20;
    o->min_time = 1.0;
}

int bench_common_option(bench_opts *o, int c, const char *arg)
{
    double d;
    switch (c) {
    case OPT_INPUT: o->input = arg; return 1;
    case OPT_COLUMN: o->column = arg; return 1;
    case OPT_JSON: o->json = 1; return 1;
    case OPT_CPU_TIME: bench_use_cpu_time(); return 1;
    case OPT_RATE:
        if (vigil_parse_number(arg, &d) != VIGIL_OK || !(d > 0))
            return bench_error("--rate needs a number > 0, got '%s'", arg), -1;
        o->rate = d;
        return 1;
    case OPT_MIN_TIME:
        if (vigil_parse_number(arg, &d) != VIGIL_OK || !(d >= 0))
            return bench_error("--min-time needs seconds >= 0, got '%s'", arg), -1;
        o->min_time = d;
        return 1;
    case OPT_SAMPLES:
        if (vigil_parse_number(arg, &d) != VIGIL_OK || !(d >= 1) || d > 1e10 || d != floor(d))
            return bench_error("--samples needs a whole number >= 1, got '%s'", arg), -1;
        o->samples = (size_t)d;
        return 1;
    default:
        return 0;
    }
}

/* A deterministic, vibration-like test signal (the same every run, so results are comparable):
 * shaft harmonics at 29.95 Hz, outer-race-like impulses at 107.36 Hz each ringing a 3 kHz
 * resonance, Gaussian noise. What matters for speed is only that it is not degenerate (no
 * all-zero bins that would skip logarithms), but a realistic signal costs nothing. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform01(uint64_t *s)
{
    return ((double)(splitmix64(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static void generate(double *x, size_t n, double rate)
{
    const double two_pi = 6.283185307179586, fr = 29.95, bpfo = 107.36, fn = 3000.0, zeta = 0.05;
    uint64_t seed = 20240601;
    const double wn = two_pi * fn, wd = wn * sqrt(1.0 - zeta * zeta);
    double next_hit = 0.0, last_hit = -1.0;
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / rate;
        if (t >= next_hit) {
            last_hit = next_hit;
            next_hit += 1.0 / bpfo;
        }
        const double u1 = uniform01(&seed), u2 = uniform01(&seed);
        const double noise = sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
        const double tau = t - last_hit;
        x[i] = 0.040 * sin(two_pi * fr * t) + 0.015 * sin(2.0 * two_pi * fr * t + 0.7) +
               0.008 * sin(3.0 * two_pi * fr * t + 1.9) + 0.060 * noise +
               0.5 * exp(-zeta * wn * tau) * sin(wd * tau);
    }
}

static int read_recording(const bench_opts *o, double **out, size_t *len)
{
    vigil_reader *r = NULL;
    if (vigil_reader_open(o->input, &r) != VIGIL_OK)
        return bench_error("%s", vigil_last_error());
    int col = vigil_reader_find_column(r, o->column ? o->column : "0");
    if (col < 0) {
        vigil_reader_close(r);
        return bench_error("%s", vigil_last_error());
    }
    size_t cap = 1 << 16, n = 0;
    double *x = malloc(cap * sizeof *x);
    int status = x ? BENCH_OK : bench_error("out of memory");
    while (status == BENCH_OK) {
        if (n == cap) {
            double *bigger = realloc(x, 2 * cap * sizeof *x);
            if (!bigger) {
                status = bench_error("out of memory");
                break;
            }
            x = bigger;
            cap *= 2;
        }
        size_t got = 0;
        if (vigil_reader_read_column(r, (size_t)col, x + n, cap - n, &got) != VIGIL_OK)
            status = bench_error("%s", vigil_last_error());
        n += got;
        if (got == 0)
            break;
    }
    vigil_reader_close(r);
    if (status != BENCH_OK) {
        free(x);
        return status;
    }
    *out = x;
    *len = n;
    return BENCH_OK;
}

int bench_signal_load(const bench_opts *o, bench_signal *s)
{
    memset(s, 0, sizeof *s);
    s->n = o->samples;
    s->x = malloc(s->n * sizeof *s->x);
    if (!s->x)
        return bench_error("out of memory for %zu samples", s->n);
    if (!o->input) {
        s->rate = o->rate > 0 ? o->rate : 25600.0;
        snprintf(s->source, sizeof s->source, "generated");
        generate(s->x, s->n, s->rate);
        return BENCH_OK;
    }
    if (!(o->rate > 0)) {
        bench_signal_free(s);
        return bench_error("--rate is required with --input");
    }
    double *rec = NULL;
    size_t len = 0;
    if (read_recording(o, &rec, &len) != BENCH_OK || len == 0) {
        free(rec);
        bench_signal_free(s);
        return len == 0 && rec ? bench_error("%s: no samples", o->input) : BENCH_FAIL;
    }
    /* Tile the recording (np.resize does the same in the numpy peer), so that long frames get
     * enough of them whatever the file's length. */
    for (size_t i = 0; i < s->n; i++)
        s->x[i] = rec[i % len];
    free(rec);
    s->rate = o->rate;
    const char *base = strrchr(o->input, '/');
    snprintf(s->source, sizeof s->source, "%s", base ? base + 1 : o->input);
    return BENCH_OK;
}

void bench_signal_free(bench_signal *s)
{
    free(s->x);
    s->x = NULL;
}
