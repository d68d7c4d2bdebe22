/* vigil monitor: one machine's history, learn the first K frames, then score online. */
#include "cli_model.h"
#include "cli_snapshot.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state);

static const char monitor_help[] =
    "usage: vigil monitor --rate HZ [--frame N] [--hop H] [--column C] --learn K\n"
    "                     [--summary] FILE...\n"
    "       vigil monitor --rows [--time-column C] --learn K [--summary] FILE...\n"
    "       vigil monitor --model MODEL [--interval S | --index TABLE] [--summary] FILE...\n"
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
    "With --failure, each row (and the summary) ends with rul,rul_lo,rul_hi: the remaining\n"
    "life in seconds with its 95 % interval (empty while there is no estimate; see\n"
    "docs/PROGNOSIS.md). --model MODEL continues from a monitor saved with -o (its framing,\n"
    "baseline and prognoser) instead of learning.\n"
    "\n" CLI_MODEL_HELP
    "  --learn K         frames (rows) to learn from (required, >= 10)\n"
    "  --summary         one summary row per file instead of one row per frame\n"
    "  --common-mode G   (--rows) the feature columns are G channel blocks (B1_..., B2_...);\n"
    "                    refer each to the median of the other channels, so a step shared\n"
    "                    by every channel (a restart, a load change) cancels\n"
    "  -o, --output MODEL  also save the monitor trained on the first K frames; with\n"
    "                    --failure or --model, saved again at the end with its state\n"
    "  -h, --help        show this help\n";

typedef struct mon_ctx {
    const cli_model_opts *o;
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
    const cli_snap *snap;                 /* --failure/--prior (prognosis) */
    int rul;                              /* print rul,rul_lo,rul_hi */
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
    c->m = cli_make_monitor("monitor", c->o, c->names, c->ncols,
                            c->o->conditions ? c->o->conditions : maxc + 1);
    if (!c->m)
        return CLI_FAIL;
    for (size_t r = 0; r < c->learn; r++)
        if (vigil_monitor_learn(c->m, c->buf + r * c->ncols, c->ncols, c->cond[r]) != VIGIL_OK)
            return cli_error("learning row %zu: %s", r + 1, vigil_last_error());
    if (vigil_monitor_fit(c->m) != VIGIL_OK)
        return cli_error("fit: %s", vigil_last_error());
    if (c->snap->feature) {
        /* prognosis starts after the learning rows: its baseline is the first scored rows */
        vigil_prognoser *p = cli_snap_prognoser("monitor", c->snap);
        int rc = p ? vigil_monitor_set_prognoser(c->m, p) : VIGIL_EINVAL;
        vigil_prognoser_destroy(p);
        if (rc != VIGIL_OK)
            return p ? cli_error("--failure: %s", vigil_last_error()) : CLI_FAIL;
    }
    if (c->output && vigil_monitor_save_file(c->m, c->output) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
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
        printf(",%zu,%s,", c->alarms, cli_state_name(vigil_monitor_state(c->m)));
    } else {
        printf(",,0,%s,", c->m ? cli_state_name(vigil_monitor_state(c->m)) : "learning");
    }
    print_counts(stdout, k);
    if (c->rul)
        cli_print_rul(stdout, c->m ? vigil_monitor_prognoser(c->m) : NULL);
    putchar('\n');
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_MODEL_LONGOPTS, CLI_SNAP_LONGOPTS, {"learn", required_argument, NULL, 'l'},
        {"summary", no_argument, NULL, 'S'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_model_opts o;
    cli_model_defaults(&o);
    o.src.missing = 1; /* historian exports have empty cells: skip and count, never stop */
    o.src.f.frame = 0; /* given or not: snapshots default to their own length */
    mon_ctx c = {0};
    cli_snap snap = {0};
    const char *model_path = NULL;
    c.o = &o;
    c.snap = &snap;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        int sr = cli_snap_opt("monitor", ch, optarg, &snap);
        if (sr < 0)
            return CLI_USAGE;
        if (sr)
            continue;
        if (ch == 'm') {
            if (vigil_detector_parse(optarg) >= 0)
                return cli_usage_error("monitor", "--model takes a saved model file; name the "
                                       "detector with --detector %s", optarg);
            model_path = optarg; /* --model FILE: continue from a saved monitor */
            continue;
        }
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
        if (ch == 'h') {
            fputs(monitor_help, stdout);
            fputs(CLI_SNAP_HELP, stdout); /* separate: one literal would pass C's 4095 limit */
            return CLI_OK;
        }
        int r = cli_model_opt("monitor", ch, optarg, &o);
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_usage_error("monitor", "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error("monitor", "no input FILE");
    static char store[5][CLI_NOTE_MAX];
    if (model_path) {
        if (c.learn)
            return cli_usage_error("monitor", "--model MODEL continues a saved monitor: no --learn");
        if (vigil_monitor_load_file(model_path, &c.m) != VIGIL_OK)
            return cli_error("%s", vigil_last_error());
        /* any host's model: its specification says how the rows are made */
        if (cli_src_from_model(c.m, &o.src, store) != CLI_OK) {
            vigil_monitor_destroy(c.m);
            return cli_error("%s: %s", model_path, vigil_last_error());
        }
        o.src.missing = 1;
        if (snap.feature && !vigil_monitor_prognoser(c.m)) {
            vigil_prognoser *p = cli_snap_prognoser("monitor", &snap);
            int rc = p ? vigil_monitor_set_prognoser(c.m, p) : VIGIL_EINVAL;
            vigil_prognoser_destroy(p);
            if (rc != VIGIL_OK) {
                vigil_monitor_destroy(c.m);
                return p ? cli_error("--failure: %s", vigil_last_error()) : CLI_FAIL;
            }
        }
    } else if (c.learn < 10)
        return cli_usage_error("monitor", "--learn K (K >= 10) is required");
    if (cli_snap_active(&snap) && !o.src.rows &&
        cli_snap_open("monitor", &snap, o.src.f.column, argv[optind], &o.src.f.frame) != CLI_OK) {
        vigil_monitor_destroy(c.m);
        return CLI_FAIL;
    }
    if (o.src.f.frame == 0)
        o.src.f.frame = 4096;
    c.rul = snap.feature || (c.m && vigil_monitor_prognoser(c.m));
    /* a continued history on the --interval clock starts one interval after the saved one */
    const double last = c.m ? vigil_prognoser_last_time(vigil_monitor_prognoser(c.m)) : NAN;
    if (snap.interval > 0.0 && !isnan(last))
        snap.t_base = last + snap.interval;
    if (o.src.common_groups && !o.src.rows)
        return cli_usage_error("monitor", "--common-mode needs --rows (channel blocks of feature columns)");
    if (!o.src.rows && o.src.f.rate == 0.0)
        return cli_usage_error("monitor", "--rate is required (or --rows for feature rows)");
    if (cli_model_check("monitor", &o) != CLI_OK)
        return CLI_USAGE;
    vigil_extractor *ex = NULL;
    if (!o.src.rows && c.m) {
        if (cli_model_extractor("monitor", c.m, &ex) != CLI_OK) /* the model's groups too */
            return CLI_FAIL;
    } else if (!o.src.rows && !(ex = cli_make_extractor("monitor", &o.src.f))) {
        return CLI_USAGE;
    }
    int status = cli_src_names(&o.src, argv[optind], ex, &c.names, &c.ncols);
    c.many = argc - optind > 1;
    if (status == CLI_OK) {
        c.buf = malloc(c.learn * c.ncols * sizeof *c.buf);
        c.cond = malloc(c.learn * sizeof *c.cond);
        if (!c.buf || !c.cond)
            status = cli_error("out of memory");
    }
    if (status == CLI_OK) {
        if (c.summary)
            printf("source,frames,score_median,score_max,alarm_frames,state,"
                   "segments,gaps,steps_back,repeats,duplicates,rejected%s\n",
                   c.rul ? ",rul,rul_lo,rul_hi" : "");
        else
            printf("%sframe,t_start,score,threshold,health,state,top_feature%s\n",
                   c.many ? "source," : "", c.rul ? ",rul,rul_lo,rul_hi" : "");
    }
    double t_off = 0.0;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        c.source = argv[i];
        c.nscores = c.alarms = c.learn_rejected = 0;
        for (int q = 0; q < VIGIL_COUNTER_COUNT; q++)
            c.at_start[q] = c.m ? vigil_monitor_counter(c.m, q) : 0;
        if (cli_snap_active(&snap) && (status = cli_snap_time(&snap, argv[i], &t_off)) != CLI_OK)
            break;
        status = cli_src_feed(&o.src, ex, argv[i], &t_off, c.ncols, on_row, &c);
        if (status == CLI_OK)
            report_quirks(&c);
        if (status == CLI_OK && c.summary)
            print_summary(&c);
    }
    if (status == CLI_OK && c.seen < c.learn)
        status = cli_error("only %zu frames in all files; --learn needs %zu", c.seen, c.learn);
    /* with a prognoser, or continuing a saved monitor, the model is saved again at the end:
     * the next run continues where this one stopped (docs/PROGNOSIS.md) */
    if (status == CLI_OK && c.output && c.m && (model_path || vigil_monitor_prognoser(c.m)) &&
        vigil_monitor_save_file(c.m, c.output) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    free(c.buf);
    free(c.cond);
    free(c.scores);
    cli_src_free_names(c.names, c.ncols);
    vigil_monitor_destroy(c.m);
    vigil_extractor_destroy(ex);
    cli_snap_close(&snap);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
