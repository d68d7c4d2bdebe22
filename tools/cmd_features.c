/* vigil features: print one CSV row of FEATURES.md features per frame. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char features_help[] =
    "usage: vigil features --rate HZ [--frame N] [--hop H] [--column NAME|INDEX]\n"
    "                      [--bands LO-HI,...] [--bearing n=..,d=..,D=..,angle=..]\n"
    "                      [--shaft-hz F | --shaft-range LO-HI] [--envelope-band B]\n"
    "                      [--orders] [--severity [--units U] [--class C]] [--spec FILE]\n"
    "                      FILE...\n"
    "\n"
    "Compute the frame features of FEATURES.md for one column of each FILE (CSV or gzip CSV with\n"
    "a header row; '-' reads standard input) and print them as CSV on standard output.\n"
    "\n"
    CLI_SPEC_HELP
    "  -h, --help        show this help\n"
    "\n"
    "Columns: frame, t_start, mean, rms, std, peak, p2p, crest, kurtosis, skewness, shape,\n"
    "impulse, clearance, zcr, power, centroid, spread, flatness, entropy, peak_freq, peak_amp,\n"
    "then the bands and the groups' columns (docs/FEATURES.md). With several files a first column 'source' names the file and frames are\n"
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
        CLI_SPEC_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_spec_opts o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(features_help, stdout);
            return CLI_OK;
        }
        int r = cli_spec_opt("features", c, optarg, &o);
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_bad_option("features", argv);
    }
    vigil_pipeline *spec = cli_spec_build("features", &o);
    if (!spec)
        return CLI_USAGE;
    if (vigil_pipeline_rate(spec) <= 0.0) {
        vigil_pipeline_destroy(spec);
        return cli_usage_error("features", "--rate is required");
    }
    if (optind >= argc) {
        vigil_pipeline_destroy(spec);
        return cli_usage_error("features", "no input FILE");
    }
    vigil_extractor *ex = NULL;
    if (vigil_pipeline_create_extractor(spec, &ex) != VIGIL_OK) {
        cli_spec_error("features");
        vigil_pipeline_destroy(spec);
        return CLI_USAGE;
    }

    const int many = argc - optind > 1;
    if (many)
        fputs("source,", stdout);
    for (size_t i = 0; i < vigil_extractor_feature_count(ex); i++)
        printf("%s%s", i ? "," : "", vigil_extractor_feature_name(ex, i));
    putchar('\n');

    int status = CLI_OK;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        print_ctx p = {many ? argv[i] : NULL};
        status = cli_stream_file(argv[i], vigil_pipeline_string(spec, "column"), ex, print_row,
                                 &p);
    }
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(spec);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
