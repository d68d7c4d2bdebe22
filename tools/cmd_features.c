/* vigil features: print one CSV row of FEATURES.md features per frame. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char features_help[] =
    "usage: vigil features --rate HZ [--frame N] [--hop H] [--column NAME|INDEX]\n"
    "                      [--bands LO-HI,...] FILE...\n"
    "\n"
    "Compute the frame features of FEATURES.md for one column of each FILE (CSV or gzip CSV with\n"
    "a header row; '-' reads standard input) and print them as CSV on standard output.\n"
    "\n"
    "  --rate HZ         sample rate in Hz (required)\n"
    "  --frame N         frame length in samples, 4..1048576 (default 4096)\n"
    "  --hop H           samples between frame starts, 1..N (default N)\n"
    "  --column C        column name or 0-based index (default 0, the first column)\n"
    "  --bands LIST      frequency bands in Hz, e.g. 0-500,500-2000; one column band_LO_HI each\n"
    "  -h, --help        show this help\n"
    "\n"
    "Columns: frame, t_start, mean, rms, std, peak, p2p, crest, kurtosis, skewness, shape,\n"
    "impulse, clearance, zcr, power, centroid, spread, flatness, entropy, peak_freq, peak_amp,\n"
    "then the bands. With several files a first column 'source' names the file and frames are\n"
    "numbered from 0 in each. Numbers are printed with 17 significant digits.\n";

typedef struct print_ctx {
    const char *source; /* NULL: single file, no source column */
} print_ctx;

static int print_row(void *ctx, const double *row, size_t ncols)
{
    const print_ctx *p = ctx;
    if (p->source)
        printf("%s,", p->source);
    for (size_t i = 0; i < ncols; i++) {
        if (i)
            putchar(',');
        cli_print_double(stdout, row[i]);
    }
    putchar('\n');
    return ferror(stdout) ? cli_error("write error on standard output") : CLI_OK;
}

int cmd_features(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rate", required_argument, NULL, 'r'},   {"frame", required_argument, NULL, 'n'},
        {"hop", required_argument, NULL, 'H'},    {"column", required_argument, NULL, 'c'},
        {"bands", required_argument, NULL, 'b'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_frame_opts o = {0.0, 4096, 0, 0, NULL, NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': if (!cli_parse_double("features", "--rate", optarg, &o.rate)) return CLI_USAGE; break;
        case 'n': if (!cli_parse_size("features", "--frame", optarg, &o.frame)) return CLI_USAGE; break;
        case 'H': if (!cli_parse_size("features", "--hop", optarg, &o.hop)) return CLI_USAGE; o.hop_given = 1; break;
        case 'c': o.column = optarg; break;
        case 'b': o.bands = optarg; break;
        case 'h': fputs(features_help, stdout); return CLI_OK;
        default: return cli_bad_option("features", argv);
        }
    }
    if (o.rate == 0.0)
        return cli_usage_error("features", "--rate is required");
    if (optind >= argc)
        return cli_usage_error("features", "no input FILE");
    vigil_extractor *ex = cli_make_extractor("features", &o);
    if (!ex)
        return CLI_USAGE;

    const int many = argc - optind > 1;
    if (many)
        fputs("source,", stdout);
    for (size_t i = 0; i < vigil_extractor_feature_count(ex); i++)
        printf("%s%s", i ? "," : "", vigil_extractor_feature_name(ex, i));
    putchar('\n');

    int status = CLI_OK;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        print_ctx p = {many ? argv[i] : NULL};
        status = cli_stream_file(argv[i], o.column, ex, print_row, &p);
    }
    vigil_extractor_destroy(ex);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
