/* vigil-bench: shared pieces. Each benchmark lives in its own bench_*.c file and is one entry in
 * the command table in vigil_bench.c. Benchmarks use only the public vigil API (plus FFTW itself
 * for the bare-FFT baseline), so they also prove that the API is enough. */
#ifndef VIGIL_BENCH_H
#define VIGIL_BENCH_H

#include <vigil.h>

#include <stdio.h>

enum { BENCH_OK = 0, BENCH_FAIL = 1, BENCH_USAGE = 2 };

/* Options common to every benchmark. */
typedef struct bench_opts {
    const char *input;   /* recording (CSV / gzip CSV); NULL: generated signal */
    const char *column;  /* column name or index in input; NULL: 0 */
    double rate;         /* Hz; required with input, default 25600 for the generated signal */
    size_t samples;      /* length of the stream, samples (the input is tiled or cut to it) */
    double min_time;     /* seconds of timed work per measurement point (at least one round) */
    int json;            /* one JSON object per line instead of the table */
} bench_opts;

/* The stream every benchmark runs on: `n` samples at `rate` Hz. */
typedef struct bench_signal {
    double *x;
    size_t n;
    double rate;
    char source[256];    /* file name, or "generated" */
} bench_signal;

/* Load opts->input (or generate a signal) and tile / cut it to opts->samples samples.
 * Prints the error and returns BENCH_FAIL on failure. */
int bench_signal_load(const bench_opts *o, bench_signal *s);
void bench_signal_free(bench_signal *s);

/* Seconds on the benchmark's clock: CLOCK_MONOTONIC, or with --cpu-time (bench_use_cpu_time())
 * CLOCK_PROCESS_CPUTIME_ID, the CPU time of this process (the benchmarks are single-threaded). */
double bench_now(void);
void bench_use_cpu_time(void);

/* Parse "a,b,c" into up to cap whole numbers >= 1; returns the count, 0 on error. */
size_t bench_parse_list(const char *s, size_t *out, size_t cap);

/* Sort v[0..n) in place and return the q-quantile (0..1), nearest rank. 0 for n == 0. */
double bench_quantile(double *v, size_t n, double q);

int bench_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Benchmarks. argv[0] is the benchmark's name; common options are parsed by each benchmark
 * with bench_common_option(). */
int bench_features(int argc, char **argv);
int bench_models(int argc, char **argv);
int bench_channels(int argc, char **argv);
int bench_detection(int argc, char **argv);
int bench_rul(int argc, char **argv); /* issue 15 */

/* Shared by models, channels and detection (bench_models.c). */
#define BENCH_BANDS 8 /* equal-width bands from 0 to rate/2, as in `features` */
#define BENCH_DETECTORS 4
typedef struct bench_detector {
    const char *name;
    int kind; /* VIGIL_DETECTOR_* */
} bench_detector;
extern const bench_detector bench_detectors[BENCH_DETECTORS];
/* Extractor with frame N, hop and BENCH_BANDS bands; NULL after printing the error. */
vigil_extractor *bench_make_extractor(double rate, size_t frame, size_t hop);
/* All rows of x[0..n) (extractor reset first); *rows is malloc'ed, row-major. */
int bench_rows(vigil_extractor *ex, const double *x, size_t n, double **rows, size_t *nrows);
/* Monitor of `kind` for ex's rows, learnt on rows[0..learn) and fitted; NULL after an error. */
vigil_monitor *bench_fit_monitor(vigil_extractor *ex, int kind, const double *rows,
                                 size_t learn);

/* Long options shared by every benchmark, for getopt_long tables (values >= 1000). */
enum {
    OPT_INPUT = 1000, OPT_COLUMN, OPT_RATE, OPT_SAMPLES, OPT_MIN_TIME, OPT_JSON, OPT_CPU_TIME,
};
#define BENCH_COMMON_LONGOPTS                                                                     \
    {"input", required_argument, NULL, OPT_INPUT},                                                \
    {"column", required_argument, NULL, OPT_COLUMN},                                              \
    {"rate", required_argument, NULL, OPT_RATE},                                                  \
    {"samples", required_argument, NULL, OPT_SAMPLES},                                            \
    {"min-time", required_argument, NULL, OPT_MIN_TIME},                                          \
    {"json", no_argument, NULL, OPT_JSON},                                                        \
    {"cpu-time", no_argument, NULL, OPT_CPU_TIME}
#define BENCH_COMMON_HELP                                                                         \
    "  --input FILE      recording (CSV or gzip CSV with a header row); default: a generated\n"  \
    "                    vibration-like signal (shaft harmonics, bearing impulses, noise)\n"      \
    "  --column C        column name or 0-based index in FILE (default 0)\n"                     \
    "  --rate HZ         sample rate of FILE (required with --input; generated: 25600)\n"        \
    "  --samples S       stream length: the data are tiled or cut to S samples (default 1048576)\n" \
    "  --min-time SEC    timed seconds per measurement point, at least one round (default 1;\n"  \
    "                    0 runs exactly one round: a smoke test)\n"                               \
    "  --json            one JSON object per line instead of a table\n"                       \
    "  --cpu-time        time with this process's CPU clock instead of the monotonic wall\n"   \
    "                    clock (time lost to other processes and the hypervisor is left out)\n"

/* Defaults of bench_opts. */
void bench_opts_init(bench_opts *o);
/* Handle one common option (getopt's c and optarg). Returns 1 if handled, 0 if not a common
 * option, -1 on a bad value (after printing the error). */
int bench_common_option(bench_opts *o, int c, const char *arg);

#endif
