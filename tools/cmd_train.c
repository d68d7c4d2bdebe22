/* vigil train: learn a monitor from healthy recordings and save it. */
#include "cli_model.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char train_usage[] =
    "usage: vigil train --rate HZ [--frame N] [--hop H] [--column C] [--bands LIST]\n"
    "                   [--bearing n=..,d=..,D=..,angle=..] [--shaft-hz F | --shaft-range LO-HI]\n"
    "                   [--envelope-band B] [--orders] [--severity [--units U] [--class C]]\n"
    "                   [--spec FILE] [--detector KIND] -o MODEL FILE...\n"
    "       vigil train --rows [--time-column C] [--condition-column C] -o MODEL FILE...\n"
    "\n"
    "Learn what healthy looks like from every frame (or row) of the FILEs, calibrate the\n"
    "threshold and save the monitor to MODEL (written to a new temporary file beside it, then\n"
    "renamed over MODEL). The rows are those of 'vigil features' with the same options; MODEL\n"
    "carries their specification, so 'vigil score' and 'vigil monitor --model' make them again.\n"
    "--spec FILE may carry monitor.* keys too ('vigil inspect' prints them); flags override.\n"
    "\n";

static const char train_help[] =
    CLI_MODEL_HELP
    "  --model KIND      alias of --detector KIND (for one release)\n"
    "  --common-mode G   (--rows) the feature columns are G channel blocks (B1_..., B2_...);\n"
    "                    refer each to the median of the other channels, so a step shared\n"
    "                    by every channel (a restart, a load change) cancels\n"
    "  --max-rows N      learn at most N rows (default 100000, at least 2): beyond N,\n"
    "                    every second row is dropped, then every fourth, ...: the rows\n"
    "                    learnt are rows 0, k, 2k, ... of all FILEs in order (k a power of\n"
    "                    two, said on stderr), and the model is exactly the one these rows\n"
    "                    give in any host; memory stays bounded\n"
    "  -o, --output MODEL  model file to write (required)\n"
    "  -h, --help        show this help\n";

/* Default cap on learnt rows: 100000 rows of 64 features are 51 MB (twice: here and in the
 * monitor until fit), hours of frames at any usual rate and frame. */
#define TRAIN_MAX_ROWS 100000

typedef struct rows_buf {
    double *v;
    size_t *cond;
    size_t n, cap, ncols, maxcond;
    size_t max_rows; /* cap on rows kept */
    size_t seen;     /* rows offered, all files */
    size_t stride;   /* rows kept: those whose index (seen) is a multiple of stride */
} rows_buf;

/* Halve the kept rows: the buffer holds rows 0, s, 2s, ...; keep 0, 2s, 4s, ... */
static void thin(rows_buf *b, size_t n)
{
    size_t k = 0;
    for (size_t r = 0; r < b->n; r += 2, k++) {
        memmove(b->v + k * n, b->v + r * n, n * sizeof *b->v);
        b->cond[k] = b->cond[r];
    }
    b->n = k;
    b->stride *= 2;
}

static int keep_row(void *ctx, const double *row, size_t n, double t, size_t cond, size_t index)
{
    rows_buf *b = ctx;
    (void)t;
    (void)index;
    const size_t i = b->seen++;
    if (i % b->stride != 0)
        return CLI_OK;
    if (b->n == b->max_rows) {
        thin(b, n);
        if (i % b->stride != 0)
            return CLI_OK;
    }
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

static int cmd_train_run(cli_model_opts *opts, const char *output, size_t max_rows, int argc,
                         char **argv);

int cmd_train(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_MODEL_LONGOPTS, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {"max-rows", required_argument, NULL, 'X'},
        {NULL, 0, NULL, 0},
    };
    size_t max_rows = TRAIN_MAX_ROWS;
    cli_model_opts o;
    cli_model_defaults(&o);
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (c == 'o') {
            output = optarg;
            continue;
        }
        if (c == 'X') {
            if (!cli_parse_size("train", "--max-rows", optarg, &max_rows))
                return CLI_USAGE;
            if (max_rows < 2)
                return cli_usage_error("train", "--max-rows needs at least 2 rows");
            continue;
        }
        if (c == 'h') {
            fputs(train_usage, stdout);
            fputs(CLI_SPEC_HELP, stdout);
            fputs(train_help, stdout);
            return CLI_OK;
        }
        int r = cli_model_opt("train", c, optarg, &o);
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_usage_error("train", "unknown option");
    }
    if (cli_model_spec("train", &o) != CLI_OK)
        return CLI_USAGE;
    int status = cmd_train_run(&o, output, max_rows, argc, argv);
    cli_model_free(&o);
    return status;
}

static int cmd_train_run(cli_model_opts *opts, const char *output, size_t max_rows, int argc,
                         char **argv)
{
    const cli_model_opts *o = opts; /* the source options filled from the specification */
    if (!output)
        return cli_usage_error("train", "-o MODEL is required");
    if (optind >= argc)
        return cli_usage_error("train", "no input FILE");
    if (o->src.common_groups && !o->src.rows)
        return cli_usage_error("train", "--common-mode needs --rows (channel blocks of feature columns)");
    if (!o->src.rows && o->src.f.rate == 0.0)
        return cli_usage_error("train", "--rate is required (or --rows for feature rows)");
    if (cli_model_check("train", o) != CLI_OK)
        return CLI_USAGE;
    vigil_extractor *ex = NULL;
    if (!o->src.rows && vigil_pipeline_create_extractor(o->pipe, &ex) != VIGIL_OK)
        return cli_spec_error("train");
    char **names = NULL;
    size_t ncols = 0;
    int status = cli_src_names(&o->src, argv[optind], ex, &names, &ncols);
    rows_buf b = {0};
    b.ncols = ncols;
    b.max_rows = max_rows;
    b.stride = 1;
    double t_off = 0.0;
    for (int i = optind; i < argc && status == CLI_OK; i++)
        status = cli_src_feed(&o->src, ex, argv[i], &t_off, ncols, keep_row, &b);
    if (status == CLI_OK && b.stride > 1)
        fprintf(stderr, "vigil train: %zu rows, more than --max-rows %zu: learning every %zu-th "
                "row (rows 0, %zu, %zu, ...: %zu rows)\n", b.seen, max_rows, b.stride, b.stride,
                2 * b.stride, b.n);
    vigil_monitor *m = NULL;
    if (status == CLI_OK) {
        size_t conds = o->conditions ? o->conditions : b.maxcond + 1;
        m = cli_make_monitor("train", o, names, ncols, conds);
        status = m ? CLI_OK : CLI_USAGE;
    }
    for (size_t r = 0; status == CLI_OK && r < b.n; r++)
        if (vigil_monitor_learn(m, b.v + r * ncols, ncols, b.cond[r]) != VIGIL_OK)
            status = cli_error("row %zu: %s", r + 1, vigil_last_error());
    if (status == CLI_OK && vigil_monitor_fit(m) != VIGIL_OK)
        status = cli_error("fit: %s", vigil_last_error());
    if (status == CLI_OK && vigil_monitor_save_file(m, output) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    if (status == CLI_OK) {
        fprintf(stderr, "vigil train: %zu rows, %zu features, threshold", b.n,
                vigil_monitor_feature_count(m));
        for (size_t q = 0; q < vigil_monitor_conditions(m); q++)
            fprintf(stderr, " %.6g", vigil_monitor_threshold(m, q));
        fprintf(stderr, " -> %s\n", output);
    }
    free(b.v);
    free(b.cond);
    cli_src_free_names(names, ncols);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    return status;
}
