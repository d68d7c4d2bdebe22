/* vigil-bench models: feature rows scored per second by each detector of the monitor.
 *
 * The rows are real feature rows: the stream (a recording or the generated signal) goes through
 * the extractor once (N, hop, 8 bands: the same configuration as `features`); the monitor of
 * each detector learns the first rows and fits, then scores every row of the stream in timed
 * passes (reset between passes, so smoothing and the alarm window start over each time, as a
 * long stream would see them). Only vigil_monitor_score() is timed: the extractor's cost is what
 * `features` measures, and `channels` measures the two together.
 * Also exported for `channels`: bench_make_extractor(), bench_rows(), bench_detectors. */
#include "bench.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const bench_detector bench_detectors[BENCH_DETECTORS] = {
    {"zscore", VIGIL_DETECTOR_ZSCORE},
    {"mahalanobis", VIGIL_DETECTOR_MAHALANOBIS},
    {"pca", VIGIL_DETECTOR_PCA},
    {"hst", VIGIL_DETECTOR_HST},
};

vigil_extractor *bench_make_extractor(double rate, size_t frame, size_t hop)
{
    vigil_extractor *ex = NULL;
    int rc = vigil_extractor_create(rate, frame, &ex);
    if (rc == VIGIL_OK)
        rc = vigil_extractor_set_hop(ex, hop);
    for (int b = 0; rc == VIGIL_OK && b < BENCH_BANDS; b++)
        rc = vigil_extractor_add_band(ex, b * rate / (2 * BENCH_BANDS),
                                      (b + 1) * rate / (2 * BENCH_BANDS));
    if (rc != VIGIL_OK) {
        bench_error("extractor N=%zu hop=%zu: %s", frame, hop, vigil_last_error());
        vigil_extractor_destroy(ex);
        return NULL;
    }
    return ex;
}

int bench_rows(vigil_extractor *ex, const double *x, size_t n, double **rows, size_t *nrows)
{
    const size_t nc = vigil_extractor_feature_count(ex), hop = vigil_extractor_hop(ex);
    const size_t frame = vigil_extractor_frame(ex);
    size_t cap = n >= frame ? (n - frame) / hop + 1 : 0, got = 0;
    double *r = malloc((cap ? cap : 1) * nc * sizeof *r);
    if (!r)
        return bench_error("out of memory");
    vigil_extractor_reset(ex);
    for (size_t off = 0; off < n;) {
        size_t used = 0, len = n - off < 4096 ? n - off : 4096;
        if (vigil_extractor_push(ex, x + off, len, &used) != VIGIL_OK) {
            free(r);
            return bench_error("%s", vigil_last_error());
        }
        off += used;
        while (got < cap && vigil_extractor_pop(ex, r + got * nc, nc, NULL) == 1)
            got++;
    }
    *rows = r;
    *nrows = got;
    return BENCH_OK;
}

vigil_monitor *bench_fit_monitor(vigil_extractor *ex, int kind, const double *rows,
                                 size_t learn)
{
    vigil_monitor *m = NULL;
    const size_t nc = vigil_extractor_feature_count(ex);
    int rc = vigil_monitor_create_for_extractor(ex, kind, &m);
    for (size_t r = 0; rc == VIGIL_OK && r < learn; r++)
        rc = vigil_monitor_learn(m, rows + r * nc, nc, 0);
    if (rc == VIGIL_OK)
        rc = vigil_monitor_fit(m);
    if (rc != VIGIL_OK) {
        bench_error("monitor (kind %d): %s", kind, vigil_last_error());
        vigil_monitor_destroy(m);
        return NULL;
    }
    return m;
}

static const char models_help[] =
    "usage: vigil-bench models [--frame N] [--hop H] [--learn K] [OPTIONS]\n"
    "\n"
    "Frames (feature rows) scored per second by each detector (zscore, mahalanobis, pca, hst):\n"
    "the stream goes through the extractor once (N, hop, 8 bands + base features), each\n"
    "detector's monitor learns the first K rows, then every row is scored in timed passes.\n"
    "samples_per_s = frames_per_s x hop: the input rate one monitor could follow.\n"
    "\n"
    "  --frame N           frame length (default 4096)\n"
    "  --hop H             hop (default N/2)\n"
    "  --learn K           rows learnt before fit (default 100, at most half the rows)\n"
    BENCH_COMMON_HELP
    "  -h, --help          show this help\n";

int bench_models(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"frame", required_argument, NULL, 'n'},
        {"hop", required_argument, NULL, 'H'},
        {"learn", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        BENCH_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    bench_opts o;
    bench_opts_init(&o);
    size_t frame = 4096, hop = 0, learn = 100;
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
            if (bench_parse_list(optarg, &frame, 1) != 1)
                return bench_error("--frame needs a whole number >= 1"), BENCH_USAGE;
            break;
        case 'H':
            if (bench_parse_list(optarg, &hop, 1) != 1)
                return bench_error("--hop needs a whole number >= 1"), BENCH_USAGE;
            break;
        case 'l':
            if (bench_parse_list(optarg, &learn, 1) != 1 || learn < 10)
                return bench_error("--learn needs a whole number >= 10"), BENCH_USAGE;
            break;
        case 'h': fputs(models_help, stdout); return BENCH_OK;
        default: return bench_error("unknown option (try 'vigil-bench models --help')"), BENCH_USAGE;
        }
    }
    if (optind < argc)
        return bench_error("unexpected argument '%s'", argv[optind]), BENCH_USAGE;
    if (hop == 0)
        hop = frame / 2 ? frame / 2 : 1;

    bench_signal s;
    if (bench_signal_load(&o, &s) != BENCH_OK)
        return BENCH_FAIL;
    vigil_extractor *ex = bench_make_extractor(s.rate, frame, hop);
    double *rows = NULL;
    size_t nrows = 0;
    int status = ex ? bench_rows(ex, s.x, s.n, &rows, &nrows) : BENCH_FAIL;
    if (status == BENCH_OK && nrows < 20)
        status = bench_error("%zu rows from %zu samples: need at least 20 (longer --samples)",
                             nrows, s.n);
    if (status == BENCH_OK && learn > nrows / 2)
        learn = nrows / 2;
    const size_t nc = ex ? vigil_extractor_feature_count(ex) : 0;
    if (status == BENCH_OK && !o.json) {
        printf("vigil-bench models: %s at %g Hz, N=%zu hop=%zu, %zu rows of %zu columns, "
               "%zu learnt\n", s.source, s.rate, frame, hop, nrows, nc, learn);
        printf("%-12s %9s %14s %10s %14s\n", "detector", "features", "frames/s", "us/frame",
               "samples/s");
    }
    /* the last row (issue 15): Mahalanobis again with a prognoser on the rms column, so that
     * the difference to the mahalanobis row is the prognoser's cost per frame */
    for (size_t d = 0; status == BENCH_OK && d <= BENCH_DETECTORS; d++) {
        const int with_rul = d == BENCH_DETECTORS;
        const size_t kind_at = with_rul ? 1 : d; /* bench_detectors[1] is mahalanobis */
        vigil_monitor *m = bench_fit_monitor(ex, bench_detectors[kind_at].kind, rows, learn);
        if (!m) {
            status = BENCH_FAIL;
            break;
        }
        if (with_rul) {
            vigil_prognoser *p = NULL;
            if (vigil_prognoser_create("rms", 1e300, &p) != VIGIL_OK ||
                vigil_monitor_set_prognoser(m, p) != VIGIL_OK)
                status = bench_error("prognoser: %s", vigil_last_error());
            vigil_prognoser_destroy(p);
        }
        const char *name = with_rul ? "mahal+rul" : bench_detectors[d].name;
        size_t passes = 0, alarms = 0;
        double elapsed = 0.0;
        const double t_end = bench_now() + o.min_time;
        do {
            vigil_monitor_reset(m);
            const double t0 = bench_now();
            for (size_t r = 0; r < nrows && status == BENCH_OK; r++) {
                int st = vigil_monitor_score(m, rows + r * nc, nc, (double)r, 0);
                if (st < 0)
                    status = bench_error("score: %s", vigil_last_error());
                alarms += st == VIGIL_STATE_ALARM; /* keeps the result observable */
            }
            elapsed += bench_now() - t0;
            passes++;
        } while (status == BENCH_OK && bench_now() < t_end);
        if (status == BENCH_OK) {
            const double fps = (double)(nrows * passes) / elapsed;
            if (o.json)
                printf("{\"bench\":\"models\",\"detector\":\"%s\",\"frame\":%zu,\"hop\":%zu,"
                       "\"frames_per_s\":%.6g,\"samples_per_s\":%.6g,\"us_per_frame\":%.4g,"
                       "\"features\":%zu,\"rows\":%zu,\"passes\":%zu,\"alarm_frames\":%zu,"
                       "\"rate\":%.10g,\"source\":\"%s\"}\n",
                       name, frame, hop, fps, fps * (double)hop, 1e6 / fps,
                       vigil_monitor_feature_count(m), nrows, passes, alarms / passes, s.rate,
                       s.source);
            else
                printf("%-12s %9zu %14.0f %10.2f %14.4g\n", name,
                       vigil_monitor_feature_count(m), fps, 1e6 / fps, fps * (double)hop);
            fflush(stdout);
        }
        vigil_monitor_destroy(m);
    }
    free(rows);
    vigil_extractor_destroy(ex);
    bench_signal_free(&s);
    return status;
}
