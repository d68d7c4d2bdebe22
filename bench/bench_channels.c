/* vigil-bench channels: how many channels one core keeps up with in real time, features and
 * monitor together: the whole per-channel path of a gateway (push a DMA block, pop rows, score
 * each row). One thread, so the figure is per core; channels are independent objects, so a
 * machine with P cores runs about P times as many (no shared state, no locks in the path).
 *
 * channels = (input samples processed per second) / (channel rate). The monitor is trained on
 * the first rows of the same stream beforehand (not timed); `features only` is the extractor
 * alone, for comparison with `vigil-bench features`. */
#include "bench.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char channels_help[] =
    "usage: vigil-bench channels [--frame N] [--hop H] [--chunk C] [OPTIONS]\n"
    "\n"
    "Channels at --rate (default 25600 Hz) one core processes in real time: each timed pass\n"
    "pushes the stream in chunks of C samples, pops every row and scores it with a trained\n"
    "monitor, for each detector (and the extractor alone).\n"
    "\n"
    "  --frame N           frame length (default 4096)\n"
    "  --hop H             hop (default N/2)\n"
    "  --chunk C           samples per push (default 4096)\n"
    BENCH_COMMON_HELP
    "  -h, --help          show this help\n";

/* One timed pass over the stream; m NULL = features only. Returns rows, 0 on error. */
static size_t pass(vigil_extractor *ex, vigil_monitor *m, const double *x, size_t n,
                   size_t chunk, double *row, size_t nc, double rate)
{
    vigil_extractor_reset(ex);
    if (m)
        vigil_monitor_reset(m);
    size_t off = 0, rows = 0;
    while (off < n) {
        size_t used = 0, len = n - off < chunk ? n - off : chunk;
        if (vigil_extractor_push(ex, x + off, len, &used) != VIGIL_OK)
            return 0;
        off += used;
        while (vigil_extractor_pop(ex, row, nc, NULL) == 1) {
            rows++;
            /* the row's time: its t_start column (column 1) is stream seconds */
            if (m && vigil_monitor_score(m, row, nc, (double)rows / rate, 0) < 0)
                return 0;
        }
    }
    return rows;
}

int bench_channels(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"frame", required_argument, NULL, 'n'},
        {"hop", required_argument, NULL, 'H'},
        {"chunk", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        BENCH_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    bench_opts o;
    bench_opts_init(&o);
    size_t frame = 4096, hop = 0, chunk = 4096;
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
        case 'c':
            if (bench_parse_list(optarg, &chunk, 1) != 1)
                return bench_error("--chunk needs a whole number >= 1"), BENCH_USAGE;
            break;
        case 'h': fputs(channels_help, stdout); return BENCH_OK;
        default:
            return bench_error("unknown option (try 'vigil-bench channels --help')"), BENCH_USAGE;
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
    double *rows = NULL, *row = NULL;
    size_t nrows = 0;
    int status = ex ? bench_rows(ex, s.x, s.n, &rows, &nrows) : BENCH_FAIL;
    if (status == BENCH_OK && nrows < 20)
        status = bench_error("%zu rows from %zu samples: need at least 20 (longer --samples)",
                             nrows, s.n);
    const size_t nc = ex ? vigil_extractor_feature_count(ex) : 0;
    if (status == BENCH_OK && !(row = malloc(nc * sizeof *row)))
        status = bench_error("out of memory");
    const size_t learn = nrows / 2 < 100 ? nrows / 2 : 100;
    if (status == BENCH_OK && !o.json) {
        printf("vigil-bench channels: %s at %g Hz, N=%zu hop=%zu, pushes of %zu, one thread\n",
               s.source, s.rate, frame, hop, chunk);
        printf("%-14s %14s %12s %10s\n", "detector", "samples/s", "frames/s", "channels");
    }
    for (int d = -1; status == BENCH_OK && d < BENCH_DETECTORS; d++) {
        vigil_monitor *m = NULL;
        if (d >= 0 && !(m = bench_fit_monitor(ex, bench_detectors[d].kind, rows, learn))) {
            status = BENCH_FAIL;
            break;
        }
        if (o.min_time > 0) /* warm up */
            pass(ex, m, s.x, s.n, chunk, row, nc, s.rate / (double)hop);
        size_t passes = 0, frames = 0;
        double elapsed = 0.0;
        const double t_end = bench_now() + o.min_time;
        do {
            const double t0 = bench_now();
            size_t got = pass(ex, m, s.x, s.n, chunk, row, nc, s.rate / (double)hop);
            elapsed += bench_now() - t0;
            if (got == 0)
                status = bench_error("pass: %s", vigil_last_error());
            frames += got;
            passes++;
        } while (status == BENCH_OK && bench_now() < t_end);
        if (status == BENCH_OK) {
            const char *name = d < 0 ? "features only" : bench_detectors[d].name;
            const double sps = (double)s.n * (double)passes / elapsed;
            const double fps = (double)frames / elapsed;
            if (o.json)
                printf("{\"bench\":\"channels\",\"detector\":\"%s\",\"frame\":%zu,\"hop\":%zu,"
                       "\"samples_per_s\":%.6g,\"frames_per_s\":%.6g,\"channels\":%.4g,"
                       "\"rate\":%.10g,\"stream_samples\":%zu,\"passes\":%zu,\"source\":\"%s\"}\n",
                       d < 0 ? "none" : name, frame, hop, sps, fps, sps / s.rate, s.rate, s.n,
                       passes, s.source);
            else
                printf("%-14s %14.4g %12.0f %10.0f\n", name, sps, fps, sps / s.rate);
            fflush(stdout);
        }
        vigil_monitor_destroy(m);
    }
    free(row);
    free(rows);
    vigil_extractor_destroy(ex);
    bench_signal_free(&s);
    return status;
}
