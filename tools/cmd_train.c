/* vigil train: learn a monitor from healthy recordings and save it. */
#include "cli_model.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char train_help[] =
    "usage: vigil train --rate HZ [--frame N] [--hop H] [--column C] [groups...]\n"
    "                   [--detector KIND] [--spec FILE] -o MODEL FILE...\n"
    "       vigil train --rows [--time-column C] [--condition-column C] -o MODEL FILE...\n"
    "\n"
    "Learn what healthy looks like from every frame (or row) of the FILEs, calibrate the\n"
    "threshold and save the monitor to MODEL (written to MODEL.tmp, then renamed). The model\n"
    "file carries its pipeline specification: 'vigil score', the gateway and Python rebuild\n"
    "its rows from it ('vigil inspect MODEL' prints it).\n"
    "\n";
static const char train_help_tail[] =
    "  --model KIND      alias of --detector KIND (kept for one release)\n"
    "  -o, --output MODEL  model file to write (required)\n"
    "  -h, --help        show this help\n";

typedef struct rows_buf {
    double *v;
    size_t *cond;
    size_t n, cap, ncols, maxcond;
} rows_buf;

static int keep_row(void *ctx, const double *row, size_t n, double t, size_t cond, size_t index)
{
    rows_buf *b = ctx;
    (void)t;
    (void)index;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        double *v = realloc(b->v, cap * n * sizeof *v);
        size_t *c = realloc(b->cond, cap * sizeof *c);
        if (v)
            b->v = v;
        if (c)
            b->cond = c;
        if (!v || !c)
            return cli_error("out of memory");
        b->cap = cap;
    }
    memcpy(b->v + b->n * n, row, n * sizeof *row);
    b->cond[b->n++] = cond;
    if (cond > b->maxcond)
        b->maxcond = cond;
    return CLI_OK;
}

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_MODEL_LONGOPTS, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_spec_opts o = {0};
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (c == 'o') {
            output = optarg;
            continue;
        }
        if (c == 'h') {
            fputs(train_help, stdout);
            fputs(CLI_SPEC_HELP, stdout);
            fputs(CLI_MODEL_HELP, stdout);
            fputs(train_help_tail, stdout);
            return CLI_OK;
        }
        if (c == 'm') /* the documented alias of --detector */
            c = CLI_OPT_DETECTOR;
        int r = cli_spec_opt("train", c, optarg, &o);
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_bad_option("train", argv);
    }
    if (!output)
        return cli_usage_error("train", "-o MODEL is required");
    if (optind >= argc)
        return cli_usage_error("train", "no input FILE");
    vigil_pipeline *spec = NULL;
    vigil_extractor *ex = NULL;
    int status = cli_model_setup("train", &o, &spec, &ex);
    char **names = NULL;
    size_t ncols = 0;
    if (status == CLI_OK)
        status = cli_src_names(spec, argv[optind], ex, &names, &ncols);
    rows_buf b = {0};
    b.ncols = ncols;
    double t_off = 0.0;
    for (int i = optind; i < argc && status == CLI_OK; i++)
        status = cli_src_feed(spec, ex, argv[i], &t_off, ncols, keep_row, &b);
    vigil_monitor *m = NULL;
    if (status == CLI_OK) {
        m = cli_make_monitor("train", spec, names, ncols, b.maxcond + 1);
        status = m ? CLI_OK : CLI_USAGE;
    }
    for (size_t r = 0; status == CLI_OK && r < b.n; r++)
        if (vigil_monitor_learn(m, b.v + r * ncols, ncols, b.cond[r]) != VIGIL_OK)
            status = cli_error("row %zu: %s", r + 1, vigil_last_error());
    if (status == CLI_OK && vigil_monitor_fit(m) != VIGIL_OK)
        status = cli_error("fit: %s", vigil_last_error());
    if (status == CLI_OK && vigil_monitor_save_file(m, output) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    char id[17];
    if (status == CLI_OK && vigil_monitor_model_id(m, id, sizeof id) == VIGIL_OK) {
        fprintf(stderr, "vigil train: %zu rows, %zu features, threshold", b.n,
                vigil_monitor_feature_count(m));
        for (size_t q = 0; q < vigil_monitor_conditions(m); q++)
            fprintf(stderr, " %.6g", vigil_monitor_threshold(m, q));
        fprintf(stderr, " -> %s (model %s)\n", output, id);
    }
    free(b.v);
    free(b.cond);
    cli_src_free_names(names, ncols);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(spec);
    return status;
}
