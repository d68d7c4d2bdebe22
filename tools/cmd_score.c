/* vigil score: score recordings against a saved monitor. */
#include "cli_model.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char score_help[] =
    "usage: vigil score --model MODEL FILE...\n"
    "\n"
    "Score every frame (or row) of each FILE with a saved monitor (from 'vigil train', the\n"
    "gateway or Python: rows are made as the specification stored in MODEL says, see 'vigil\n"
    "inspect MODEL'). Each file is an independent recording: the\n"
    "alarm state starts at ok for each. Prints CSV:\n"
    "  [source,]frame,t_start,score,threshold,health,state,top_feature\n"
    "state is ok, warn or alarm; top_feature the feature contributing most to the score.\n"
    "\n"
    "  --model MODEL     model file (required)\n"
    "  -h, --help        show this help\n";

typedef struct score_ctx {
    vigil_monitor *m;
    const char *source;
} score_ctx;

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state);

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state)
{
    if (source)
        fprintf(f, "%s,", source);
    fprintf(f, "%zu,", index);
    cli_print_double(f, t);
    fputc(',', f);
    cli_print_double(f, vigil_monitor_last_score(m));
    fputc(',', f);
    cli_print_double(f, vigil_monitor_last_threshold(m));
    fputc(',', f);
    cli_print_double(f, vigil_monitor_last_health(m));
    int top = vigil_monitor_top_feature(m);
    fprintf(f, ",%s,%s\n", vigil_state_name(state),
            top >= 0 ? vigil_monitor_feature_name(m, (size_t)top) : "");
    return ferror(f) ? cli_error("write error on standard output") : CLI_OK;
}

static int score_row(void *ctx, const double *row, size_t n, double t, size_t cond,
                     size_t index)
{
    score_ctx *s = ctx;
    int st = vigil_monitor_score(s->m, row, n, t, cond);
    if (st < 0)
        return cli_error("%s: row %zu: %s", s->source ? s->source : "", index + 1,
                         vigil_last_error());
    return cli_print_scored(stdout, s->source, s->m, index, t, st);
}

int cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *model = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'h': fputs(score_help, stdout); return CLI_OK;
        default: return cli_bad_option("score", argv);
        }
    }
    if (!model)
        return cli_usage_error("score", "--model is required");
    if (optind >= argc)
        return cli_usage_error("score", "no input FILE");
    vigil_monitor *m = NULL;
    if (vigil_monitor_load_file(model, &m) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    vigil_pipeline *spec = NULL;
    vigil_extractor *ex = NULL;
    int status = vigil_monitor_get_pipeline(m, &spec) == VIGIL_OK ? CLI_OK
                                                                 : cli_error("%s", vigil_last_error());
    if (status == CLI_OK && !vigil_pipeline_rows(spec) &&
        vigil_pipeline_create_extractor(spec, &ex) != VIGIL_OK)
        status = cli_error("%s: %s", model, vigil_last_error());
    /* the rows offered must be the model's: same columns, same order */
    char **names = NULL;
    size_t nnames = 0;
    if (status == CLI_OK)
        status = cli_src_names(spec, argv[optind], ex, &names, &nnames);
    if (status == CLI_OK &&
        vigil_monitor_check_columns(m, (const char *const *)names, nnames) != VIGIL_OK)
        status = cli_error("%s: %s", model, vigil_last_error());
    cli_src_free_names(names, nnames);
    const size_t ncols = vigil_monitor_column_count(m);
    if (status != CLI_OK) {
        vigil_pipeline_destroy(spec);
        vigil_extractor_destroy(ex);
        vigil_monitor_destroy(m);
        return status;
    }
    const int many = argc - optind > 1;
    printf("%sframe,t_start,score,threshold,health,state,top_feature\n", many ? "source," : "");
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        score_ctx s = {m, many ? argv[i] : NULL};
        double t_off = 0.0;
        vigil_monitor_reset(m);
        status = cli_src_feed(spec, ex, argv[i], &t_off, ncols, score_row, &s);
    }
    vigil_pipeline_destroy(spec);
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
