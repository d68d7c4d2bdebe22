/* vigil monitor: one machine's history, learn the first K frames, then score online. */
#include "cli_model.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state);

static const char monitor_help[] =
    "usage: vigil monitor --rate HZ [--frame N] [--hop H] [--column C] [groups...]\n"
    "                     [--detector KIND] [--spec FILE] --learn K [--summary] FILE...\n"
    "       vigil monitor --rows [--time-column C] --learn K [--summary] FILE...\n"
    "       vigil monitor --model MODEL [--summary] FILE...\n"
    "\n"
    "Treat the FILEs as one machine's history in the order given: learn the baseline from\n"
    "the first K frames (or rows), then score the rest online, carrying the alarm state from\n"
    "file to file. Prints, per scored frame, CSV\n"
    "  [source,]frame,t_start,score,threshold,health,state,top_feature\n"
    "or with --summary one row per file:\n"
    "  source,frames,score_median,score_max,alarm_frames,state,\n"
    "  segments,gaps,steps_back,repeats,duplicates,rejected\n"
    "(frames: frames scored in that file; state: at the end of that file; the counts follow\n"
    "the time-quirk policy of docs/MODELS.md: a time that steps back or repeats starts a new\n"
    "segment, an exact duplicate row is dropped, a row with a missing or NaN value (empty,\n"
    "NaN, NA, null) is rejected and skipped; each file's counts also go to stderr).\n"
    "\n";
static const char monitor_help_tail[] =
    "  --learn K         frames (rows) to learn from (required without --model, >= 10)\n"
    "  --model MODEL     continue the history of a saved model (any host's; its stream state\n"
    "                    too when saved with it, as -o does): no learning, rows made as its\n"
    "                    specification says\n"
    "  --summary         one summary row per file instead of one row per frame\n"
    "  -o, --output MODEL  save the monitor after the last file, with its stream state (alarm\n"
    "                    window and state, pending events), so '--model MODEL' continues\n"
    "  -h, --help        show this help\n";

typedef struct mon_ctx {
    vigil_pipeline *spec;
    vigil_monitor *m;
    char **names;
    size_t ncols, learn, seen;
    double *buf;          /* learning rows */
    size_t *cond;
    int summary, many;
    const char *source;
    double *scores;       /* this file's scores (summary) */
    size_t nscores, cap, alarms;
    const char *output;
    size_t at_start[VIGIL_COUNTER_COUNT]; /* the monitor's counters when this file began */
    size_t learn_rejected;                /* rows of this file not learnt (a missing value) */
} mon_ctx;

static int row_has_missing(const double *row, size_t n, double t)
{
    if (isnan(t))
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(row[i]))
            return 1;
    return 0;
}

/* This file's counts: the monitor's counters since the file began, plus the rows rejected
 * while learning. */
static void file_counts(const mon_ctx *c, size_t out[VIGIL_COUNTER_COUNT])
{
    for (int i = 0; i < VIGIL_COUNTER_COUNT; i++)
        out[i] = c->m ? vigil_monitor_counter(c->m, i) - c->at_start[i] : 0;
    out[VIGIL_COUNTER_REJECTED] += c->learn_rejected;
}

static int fit_now(mon_ctx *c)
{
    size_t maxc = 0;
    for (size_t r = 0; r < c->learn; r++)
        if (c->cond[r] > maxc)
            maxc = c->cond[r];
    c->m = cli_make_monitor("monitor", c->spec, c->names, c->ncols, maxc + 1);
    if (!c->m)
        return CLI_FAIL;
    for (size_t r = 0; r < c->learn; r++)
        if (vigil_monitor_learn(c->m, c->buf + r * c->ncols, c->ncols, c->cond[r]) != VIGIL_OK)
            return cli_error("learning row %zu: %s", r + 1, vigil_last_error());
    if (vigil_monitor_fit(c->m) != VIGIL_OK)
        return cli_error("fit: %s", vigil_last_error());
    return CLI_OK;
}

static int on_row(void *ctx, const double *row, size_t n, double t, size_t cond, size_t index)
{
    mon_ctx *c = ctx;
    if (c->seen < c->learn && row_has_missing(row, n, t)) {
        c->learn_rejected++;
        return CLI_OK;
    }
    if (c->seen < c->learn) {
        memcpy(c->buf + c->seen * n, row, n * sizeof *row);
        c->cond[c->seen++] = cond;
        if (c->seen == c->learn)
            return fit_now(c);
        return CLI_OK;
    }
    c->seen++;
    const size_t scored = vigil_monitor_counter(c->m, VIGIL_COUNTER_SCORED);
    int st = vigil_monitor_score(c->m, row, n, t, cond);
    if (st == VIGIL_ENONFINITE)
        return CLI_OK; /* a missing value: counted by the monitor, the file goes on */
    if (st >= 0 && vigil_monitor_counter(c->m, VIGIL_COUNTER_SCORED) == scored)
        return CLI_OK; /* an exact duplicate: dropped and counted */
    if (st < 0)
        return cli_error("%s: row %zu: %s", c->source, index + 1, vigil_last_error());
    if (!c->summary)
        return cli_print_scored(stdout, c->many ? c->source : NULL, c->m, index, t, st);
    if (c->nscores == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        double *p = realloc(c->scores, cap * sizeof *p);
        if (!p)
            return cli_error("out of memory");
        c->scores = p;
        c->cap = cap;
    }
    c->scores[c->nscores++] = vigil_monitor_last_score(c->m);
    c->alarms += st == VIGIL_STATE_ALARM;
    return CLI_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_counts(FILE *f, const size_t *k)
{
    fprintf(f, "%zu,%zu,%zu,%zu,%zu,%zu", k[VIGIL_COUNTER_SEGMENTS], k[VIGIL_COUNTER_GAPS],
            k[VIGIL_COUNTER_STEPS_BACK], k[VIGIL_COUNTER_REPEATS], k[VIGIL_COUNTER_DUPLICATES],
            k[VIGIL_COUNTER_REJECTED]);
}

/* stderr: what the time-quirk policy did in this file, when it did anything. */
static void report_quirks(const mon_ctx *c)
{
    size_t k[VIGIL_COUNTER_COUNT];
    file_counts(c, k);
    if (!k[VIGIL_COUNTER_STEPS_BACK] && !k[VIGIL_COUNTER_REPEATS] &&
        !k[VIGIL_COUNTER_DUPLICATES] && !k[VIGIL_COUNTER_REJECTED])
        return;
    fprintf(stderr, "vigil monitor: %s: %zu rows with time stepping back and %zu with a "
            "repeated time (each starts a new segment), %zu exact duplicates dropped, %zu "
            "rows with a missing or non-finite value skipped\n", c->source,
            k[VIGIL_COUNTER_STEPS_BACK], k[VIGIL_COUNTER_REPEATS], k[VIGIL_COUNTER_DUPLICATES],
            k[VIGIL_COUNTER_REJECTED]);
}

static void print_summary(mon_ctx *c)
{
    size_t k[VIGIL_COUNTER_COUNT];
    file_counts(c, k);
    printf("%s,%zu,", c->source, c->nscores);
    if (c->nscores) {
        qsort(c->scores, c->nscores, sizeof *c->scores, cmp_double);
        size_t h = c->nscores / 2;
        double med = c->nscores % 2 ? c->scores[h] : 0.5 * (c->scores[h - 1] + c->scores[h]);
        cli_print_double(stdout, med);
        putchar(',');
        cli_print_double(stdout, c->scores[c->nscores - 1]);
        printf(",%zu,%s,", c->alarms, vigil_state_name(vigil_monitor_state(c->m)));
    } else {
        printf(",,0,%s,", c->m ? vigil_state_name(vigil_monitor_state(c->m)) : "learning");
    }
    print_counts(stdout, k);
    putchar('\n');
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_MODEL_LONGOPTS, {"learn", required_argument, NULL, 'l'},
        {"summary", no_argument, NULL, 'S'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_spec_opts o = {0};
    cli_src_set_missing(1); /* historian exports have empty cells: skip and count, never stop */
    mon_ctx c = {0};
    const char *model = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        if (ch == 'l') {
            if (!cli_parse_size("monitor", "--learn", optarg, &c.learn))
                return CLI_USAGE;
            continue;
        }
        if (ch == 'S') {
            c.summary = 1;
            continue;
        }
        if (ch == 'o') {
            c.output = optarg;
            continue;
        }
        if (ch == 'm') {
            if (vigil_detector_parse(optarg) >= 0)
                return cli_usage_error("monitor", "--model takes a saved model file; name the "
                                       "detector with --detector %s", optarg);
            model = optarg;
            continue;
        }
        if (ch == 'h') {
            fputs(monitor_help, stdout);
            fputs(CLI_SPEC_HELP, stdout);
            fputs(CLI_MODEL_HELP, stdout);
            fputs(monitor_help_tail, stdout);
            return CLI_OK;
        }
        int r = cli_spec_opt("monitor", ch, optarg, &o);
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_bad_option("monitor", argv);
    }
    if (model && (o.n || o.file || c.learn))
        return cli_usage_error("monitor", "--model continues a saved model: its specification "
                               "says how rows are made (no --learn, --spec or row options)");
    if (!model && c.learn < 10)
        return cli_usage_error("monitor", "--learn K (K >= 10) is required");
    if (optind >= argc)
        return cli_usage_error("monitor", "no input FILE");
    vigil_extractor *ex = NULL;
    int status = CLI_OK;
    if (model) {
        if (vigil_monitor_load_file(model, &c.m) != VIGIL_OK ||
            vigil_monitor_get_pipeline(c.m, &c.spec) != VIGIL_OK)
            status = cli_error("%s", vigil_last_error());
        if (status == CLI_OK && !vigil_pipeline_rows(c.spec) &&
            vigil_pipeline_create_extractor(c.spec, &ex) != VIGIL_OK)
            status = cli_error("%s: %s", model, vigil_last_error());
    } else {
        status = cli_model_setup("monitor", &o, &c.spec, &ex);
    }
    if (status == CLI_OK)
        status = cli_src_names(c.spec, argv[optind], ex, &c.names, &c.ncols);
    if (status == CLI_OK && c.m &&
        vigil_monitor_check_columns(c.m, (const char *const *)c.names, c.ncols) != VIGIL_OK)
        status = cli_error("%s: %s", model, vigil_last_error());
    c.many = argc - optind > 1;
    if (status == CLI_OK && c.learn) {
        c.buf = malloc(c.learn * c.ncols * sizeof *c.buf);
        c.cond = malloc(c.learn * sizeof *c.cond);
        if (!c.buf || !c.cond)
            status = cli_error("out of memory");
    }
    if (status == CLI_OK) {
        if (c.summary)
            printf("source,frames,score_median,score_max,alarm_frames,state,"
                   "segments,gaps,steps_back,repeats,duplicates,rejected\n");
        else
            printf("%sframe,t_start,score,threshold,health,state,top_feature\n",
                   c.many ? "source," : "");
    }
    double t_off = 0.0;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        c.source = argv[i];
        c.nscores = c.alarms = c.learn_rejected = 0;
        for (int q = 0; q < VIGIL_COUNTER_COUNT; q++)
            c.at_start[q] = c.m ? vigil_monitor_counter(c.m, q) : 0;
        status = cli_src_feed(c.spec, ex, argv[i], &t_off, c.ncols, on_row, &c);
        if (status == CLI_OK)
            report_quirks(&c);
        if (status == CLI_OK && c.summary)
            print_summary(&c);
    }
    if (status == CLI_OK && c.seen < c.learn)
        status = cli_error("only %zu frames in all files; --learn needs %zu", c.seen, c.learn);
    if (status == CLI_OK && c.output &&
        vigil_monitor_save_file_ex(c.m, c.output, VIGIL_SAVE_STREAM) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    free(c.buf);
    free(c.cond);
    free(c.scores);
    cli_src_free_names(c.names, c.ncols);
    vigil_monitor_destroy(c.m);
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(c.spec);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
