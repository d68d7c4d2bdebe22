/* vigil score: score recordings against a saved monitor. */
#include "cli_model.h"
#include "cli_snapshot.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char score_help[] =
    "usage: vigil score --model MODEL FILE...\n"
    "\n"
    "Score every frame (or row) of each FILE with the monitor saved by 'vigil train' (frames\n"
    "are cut with the options stored in MODEL). Each file is an independent recording: the\n"
    "alarm state starts at ok for each. Prints CSV:\n"
    "  [source,]frame,t_start,score,threshold,health,state,top_feature\n"
    "state is ok, warn or alarm; top_feature the feature contributing most to the score.\n"
    "\n"
    "  --model MODEL     model file (required)\n"
    "  -h, --help        show this help\n";

typedef struct score_ctx {
    vigil_monitor *m;
    const char *source; /* the source column's value, NULL with one file */
    const char *path;   /* for messages, always */
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
    fprintf(f, ",%s,%s", cli_state_name(state),
            top >= 0 ? vigil_monitor_feature_name(m, (size_t)top) : "");
    if (vigil_monitor_prognoser(m))
        cli_print_rul(f, vigil_monitor_prognoser(m)); /* a model with prognosis (issue 15) */
    fputc('\n', f);
    return ferror(f) ? cli_error("write error on standard output") : CLI_OK;
}

int cli_print_event(FILE *f, const char *source, const char *channel, const vigil_monitor *m,
                    const vigil_event_explanation *e);

/* One event a planner reads (vigil monitor --events): [source,]channel,t,from,to,kind,onset,
 * features; the features quoted ("h_kurtosis +6.2, h_crest +4.1"), onset empty when none. */
int cli_print_event(FILE *f, const char *source, const char *channel, const vigil_monitor *m,
                    const vigil_event_explanation *e)
{
    char text[VIGIL_EXPLAIN_MAX * 280];
    if (vigil_monitor_format_explanation(m, e, text, sizeof text) < 0)
        return cli_error("%s", vigil_last_error());
    if (source)
        fprintf(f, "%s,", source);
    fprintf(f, "%s,", channel ? channel : "");
    cli_print_double(f, e->event.t);
    fprintf(f, ",%s,%s,%s,", cli_state_name(e->event.from), cli_state_name(e->event.to),
            e->event.kind == VIGIL_EVENT_TRANSIENT ? "transient" : "change");
    if (!isnan(e->event.onset))
        cli_print_double(f, e->event.onset);
    fputs(",\"", f);
    for (const char *c = text; *c; c++) /* CSV: a quote inside a quoted field is doubled */
        fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, f);
    fputs("\"\n", f);
    return ferror(f) ? cli_error("write error on standard output") : CLI_OK;
}

static int score_row(void *ctx, const double *row, size_t n, double t, size_t cond,
                     size_t index)
{
    score_ctx *s = ctx;
    int st = vigil_monitor_score(s->m, row, n, t, cond);
    if (st < 0)
        return cli_error("%s: row %zu: %s", s->path, index + 1, vigil_last_error());
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
        default: return cli_usage_error("score", "unknown option");
        }
    }
    if (!model)
        return cli_usage_error("score", "--model is required");
    if (optind >= argc)
        return cli_usage_error("score", "no input FILE");
    vigil_monitor *m = NULL;
    if (vigil_monitor_load_file(model, &m) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    cli_src src;
    static char store[5][CLI_NOTE_MAX];
    /* any host's model: its specification says how the rows are made */
    if (cli_src_from_model(m, &src, store) != CLI_OK) {
        vigil_monitor_destroy(m);
        return cli_error("%s: %s", model, vigil_last_error());
    }
    vigil_extractor *ex = NULL;
    if (!src.rows && cli_model_extractor("score", m, &ex) != CLI_OK) {
        vigil_monitor_destroy(m);
        return CLI_FAIL;
    }
    const size_t ncols = vigil_monitor_column_count(m);
    if (ex && vigil_extractor_feature_count(ex) != ncols) {
        vigil_monitor_destroy(m);
        vigil_extractor_destroy(ex);
        return cli_error("%s: model expects %zu columns", model, ncols);
    }
    const int many = argc - optind > 1;
    printf("%sframe,t_start,score,threshold,health,state,top_feature%s\n", many ? "source," : "",
           vigil_monitor_prognoser(m) ? ",rul,rul_lo,rul_hi" : "");
    int status = CLI_OK;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        score_ctx s = {m, many ? argv[i] : NULL, argv[i]};
        double t_off = 0.0;
        vigil_monitor_reset(m);
        status = cli_src_feed(&src, ex, argv[i], &t_off, ncols, score_row, &s);
    }
    vigil_monitor_destroy(m);
    vigil_extractor_destroy(ex);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
