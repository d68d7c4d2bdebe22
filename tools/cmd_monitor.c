/* vigil monitor: one machine's history, learn the first K frames, then score online. */
#include "cli_machine.h"
#include "cli_model.h"
#include "cli_snapshot.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state);

static const char monitor_usage[] =
    "usage: vigil monitor --rate HZ [--frame N] [--hop H] [--column C] [--bands LIST]\n"
    "                     [--bearing n=..,d=..,D=..,angle=..] [--shaft-hz F | --shaft-range LO-HI]\n"
    "                     [--envelope-band B] [--orders] [--severity [--units U] [--class C]]\n"
    "                     [--spec FILE] [--detector KIND] --learn K [--summary|--events]\n"
    "                     FILE...\n"
    "       vigil monitor --rows [--time-column C] --learn K [--summary|--events] FILE...\n"
    "       vigil monitor --model MODEL [--interval S | --index TABLE] [--summary|--events]\n"
    "                     FILE...\n"
    "       vigil monitor --channels B1,B2,.. (--rows | --rate HZ ...) --learn K FILE...\n"
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
    "or with --events one row per alarm event (a change of state, or a transient: a burst\n"
    "that cleared by itself):\n"
    "  [source,]channel,t,from,to,kind,onset,features\n"
    "(t: when it was raised; onset: when its episode began; features: the features of\n"
    "largest |z| in the episode, in baseline scales, quoted: \"h_kurtosis +6.2, x_crest +4.1\";\n"
    "channel: empty for one monitor; docs/MODELS.md, \"Explanations\").\n"
    "With --failure, each row (and the summary) ends with rul,rul_lo,rul_hi: the remaining\n"
    "life in seconds with its 95 % interval (empty while there is no estimate; see\n"
    "docs/PROGNOSIS.md). --model MODEL continues from a monitor saved with -o (its framing,\n"
    "baseline, settings and prognoser) instead of learning; a framing, group, detector, gap or\n"
    "alarm flag would change what the model fixes, and is refused. The rows are those of\n"
    "'vigil features' with the same options (with --model, the model's own specification);\n"
    "--spec FILE may carry monitor.* keys too ('vigil inspect' prints them), flags override\n"
    "them.\n"
    "\n";

static const char monitor_help[] =
    CLI_MODEL_HELP
    "  --learn K         frames (rows) to learn from (required, >= 10)\n"
    "  --summary         one summary row per file instead of one row per frame\n"
    "  --events          one row per alarm event with what drove it, instead of per frame\n"
    "  --common-mode G   (--rows) the feature columns are G channel blocks (B1_..., B2_...);\n"
    "                    refer each to the median of the other channels, so a step shared\n"
    "                    by every channel (a restart, a load change) cancels\n"
    "  --channels LIST   a machine: one monitor per channel, same options. With --rows a\n"
    "                    channel's columns are those named CHANNEL_... (B1_x_rms -> B1),\n"
    "                    else a channel is a sample column (--channels de,fe). Rows gain a\n"
    "                    channel column; --summary a row per channel and file; -o saves\n"
    "                    one machine model, --model continues it\n"
    "  --common-mode on|off  (--channels) refer each channel to the median of the others\n"
    "                    (default: on from 3 channels, off for 2; docs/MODELS.md)\n"
    "  -o, --output MODEL  also save the monitor trained on the first K frames; with\n"
    "                    --failure or --model, saved again at the end with its state\n"
    "  -h, --help        show this help\n";

typedef struct mon_ctx {
    const cli_model_opts *o;
    vigil_monitor *m;
    char **names;
    size_t ncols, learn, seen;
    double t_learn0;      /* time of the first learning row: the unit's start (prognosis) */
    double *buf;          /* learning rows */
    size_t *cond;
    int summary, many;
    int events;           /* --events */
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
        /* the fleet's survival model counts the age from the first row, not the first scored */
        int rc = !p ? VIGIL_EINVAL
                 : c->learn && isfinite(c->t_learn0) ? vigil_prognoser_set_start(p, c->t_learn0)
                                                     : VIGIL_OK;
        if (rc == VIGIL_OK)
            rc = vigil_monitor_set_prognoser(c->m, p);
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
        if (!c->seen)
            c->t_learn0 = t;
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
    if (c->events) {
        vigil_event_explanation e;
        while (vigil_monitor_next_event_explained(c->m, &e) == 1)
            if (cli_print_event(stdout, c->many ? c->source : NULL, NULL, c->m, &e) != CLI_OK)
                return CLI_FAIL;
        return CLI_OK;
    }
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

static int cmd_monitor_run(cli_model_opts *op, mon_ctx *cp, cli_snap *sp, const char *model_path,
                           int argc, char **argv);

#define CLI_NOT_MACHINE 100

/* --channels, or --model with a machine's model: the machine flow (cli_machine.c);
 * CLI_NOT_MACHINE for one monitor. */
static int monitor_machine(cli_model_opts *o, const mon_ctx *c, const cli_snap *snap,
                           cli_machine_args *a, const char *model_path, int argc, char **argv)
{
    if (model_path) {
        const int rc = vigil_machine_load_file(model_path, &a->loaded);
        if (rc != VIGIL_OK && !a->channels && a->common < 0)
            return CLI_NOT_MACHINE; /* one monitor's model (or the single flow's errors) */
        if (rc == VIGIL_ENOTFOUND)
            return cli_usage_error("monitor", "%s is one monitor's model: no --channels or "
                                   "--common-mode on|off", model_path);
        if (rc != VIGIL_OK)
            return cli_error("%s", vigil_last_error());
        if (a->channels || a->common >= 0 || c->learn || o->spec.file || o->spec.n) {
            vigil_machine_destroy(a->loaded);
            return cli_usage_error("monitor", "--model MODEL continues a saved machine with its "
                                   "own channels and specification: no --channels, "
                                   "--common-mode, --learn, --spec or framing flag");
        }
        const char *setting = cli_model_setting_given(o);
        if (setting) {
            vigil_machine_destroy(a->loaded);
            return cli_usage_error("monitor", "--model MODEL continues a saved machine with its "
                                   "own settings: no %s (train again to change it)", setting);
        }
        static char store[5][CLI_NOTE_MAX];
        if (cli_src_from_model(vigil_machine_monitor(a->loaded, 0), &o->src, store) != CLI_OK) {
            vigil_machine_destroy(a->loaded);
            return cli_error("%s: %s", model_path, vigil_last_error());
        }
        o->src.missing = 1;
    } else if (!a->channels) {
        if (a->common >= 0)
            return cli_usage_error("monitor", "--common-mode on|off needs --channels");
        return CLI_NOT_MACHINE;
    } else if (c->learn < 10) {
        return cli_usage_error("monitor", "--learn K (K >= 10) is required");
    } else if (o->src.common_groups) {
        return cli_usage_error("monitor", "--channels refers the channels itself: "
                               "--common-mode on|off, not a group count");
    } else if (!o->src.rows && o->src.f.rate == 0.0) {
        return cli_usage_error("monitor", "--rate is required (or --rows for feature rows)");
    } else if (cli_model_check("monitor", o) != CLI_OK) {
        return CLI_USAGE;
    }
    if (snap->feature || snap->interval > 0.0 || cli_snap_active(snap)) {
        vigil_machine_destroy(a->loaded);
        return cli_usage_error("monitor", "--channels: no --failure, --prior, --interval or "
                               "--index (prognosis is per monitor)");
    }
    if (!o->src.rows && o->src.f.frame == 0)
        o->src.f.frame = 4096;
    a->learn = c->learn;
    a->summary = c->summary;
    a->events = c->events;
    a->output = c->output;
    a->first = optind;
    return cli_monitor_machine(o, a, argc, argv);
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_MODEL_LONGOPTS, CLI_SNAP_LONGOPTS, {"learn", required_argument, NULL, 'l'},
        {"summary", no_argument, NULL, 'S'}, {"events", no_argument, NULL, CLI_OPT_EVENTS},
        {"output", required_argument, NULL, 'o'},
        {"channels", required_argument, NULL, CLI_OPT_CHANNELS},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_machine_args mach = {NULL, NULL, 0, 0, 0, NULL, -1, 0};
    cli_model_opts o;
    cli_model_defaults(&o);
    o.src.missing = 1; /* historian exports have empty cells: skip and count, never stop */
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
        if (ch == CLI_OPT_CHANNELS) {
            mach.channels = optarg;
            continue;
        }
        if (ch == 'G' && (!strcmp(optarg, "on") || !strcmp(optarg, "off"))) {
            mach.common = !strcmp(optarg, "on"); /* --channels: the machine's setting */
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
        if (ch == CLI_OPT_EVENTS) {
            c.events = 1;
            continue;
        }
        if (ch == 'o') {
            c.output = optarg;
            continue;
        }
        if (ch == 'h') {
            fputs(monitor_usage, stdout);
            fputs(CLI_SPEC_HELP, stdout);
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
    if (c.summary && c.events)
        return cli_usage_error("monitor", "--summary or --events, not both");
    if (cli_model_spec("monitor", &o) != CLI_OK)
        return CLI_USAGE;
    int status = monitor_machine(&o, &c, &snap, &mach, model_path, argc, argv);
    if (status == CLI_NOT_MACHINE)
        status = cmd_monitor_run(&o, &c, &snap, model_path, argc, argv);
    cli_model_free(&o);
    return status;
}

static int cmd_monitor_run(cli_model_opts *op, mon_ctx *cp, cli_snap *sp, const char *model_path,
                           int argc, char **argv)
{
    /* given or not: snapshots default to their own length */
    const int frame_given = op->spec.file || cli_model_spec_given(op, "frame");
    if (!frame_given)
        op->src.f.frame = 0;
    static char store[5][CLI_NOTE_MAX];
    if (model_path) {
        if (cp->learn)
            return cli_usage_error("monitor", "--model MODEL continues a saved monitor: no --learn");
        /* the settings are the model's: a flag would silently do nothing */
        const char *setting = cli_model_setting_given(op);
        if (setting)
            return cli_usage_error("monitor", "--model MODEL continues a saved monitor with its "
                                   "own settings: no %s (train again to change it)", setting);
        /* its rows are made by its own specification: a framing or group flag would be lost */
        if (op->spec.file || op->spec.n)
            return cli_usage_error("monitor", "--model MODEL makes its rows with its own "
                                   "specification: no %s", op->spec.file ? "--spec" :
                                   op->spec.flag[0]);
        if (vigil_monitor_load_file(model_path, &cp->m) != VIGIL_OK)
            return cli_error("%s", vigil_last_error());
        /* any host's model: its specification says how the rows are made */
        if (cli_src_from_model(cp->m, &op->src, store) != CLI_OK) {
            vigil_monitor_destroy(cp->m);
            return cli_error("%s: %s", model_path, vigil_last_error());
        }
        op->src.missing = 1;
        if (sp->feature && !vigil_monitor_prognoser(cp->m)) {
            vigil_prognoser *p = cli_snap_prognoser("monitor", sp);
            int rc = p ? vigil_monitor_set_prognoser(cp->m, p) : VIGIL_EINVAL;
            vigil_prognoser_destroy(p);
            if (rc != VIGIL_OK) {
                vigil_monitor_destroy(cp->m);
                return p ? cli_error("--failure: %s", vigil_last_error()) : CLI_FAIL;
            }
        }
    } else if (cp->learn < 10)
        return cli_usage_error("monitor", "--learn K (K >= 10) is required");
    if (cli_snap_active(sp) && !op->src.rows &&
        cli_snap_open("monitor", sp, op->src.f.column, argv[optind], &op->src.f.frame) != CLI_OK) {
        vigil_monitor_destroy(cp->m);
        return CLI_FAIL;
    }
    if (op->src.f.frame == 0)
        op->src.f.frame = 4096;
    if (!frame_given && !cp->m && !op->src.rows) { /* the snapshots' length into the specification */
        char v[32];
        snprintf(v, sizeof v, "%zu", op->src.f.frame);
        if (vigil_pipeline_set(op->pipe, "frame", v) != VIGIL_OK ||
            vigil_pipeline_check(op->pipe) != VIGIL_OK)
            return cli_spec_error("monitor");
    }
    cp->rul = sp->feature || (cp->m && vigil_monitor_prognoser(cp->m));
    /* a continued history on the --interval clock starts one interval after the saved one */
    const double last = cp->m ? vigil_prognoser_last_time(vigil_monitor_prognoser(cp->m)) : NAN;
    if (sp->interval > 0.0 && !isnan(last))
        sp->t_base = last + sp->interval;
    if (op->src.common_groups && !op->src.rows)
        return cli_usage_error("monitor", "--common-mode needs --rows (channel blocks of feature columns)");
    if (!op->src.rows && op->src.f.rate == 0.0)
        return cli_usage_error("monitor", "--rate is required (or --rows for feature rows)");
    if (cli_model_check("monitor", op) != CLI_OK)
        return CLI_USAGE;
    vigil_extractor *ex = NULL;
    if (!op->src.rows && cp->m) {
        if (cli_model_extractor("monitor", cp->m, &ex) != CLI_OK) /* the model's groups too */
            return CLI_FAIL;
    } else if (!op->src.rows && vigil_pipeline_create_extractor(op->pipe, &ex) != VIGIL_OK) {
        return cli_spec_error("monitor");
    }
    int status = cli_src_names(&op->src, argv[optind], ex, &cp->names, &cp->ncols);
    cp->many = argc - optind > 1;
    if (status == CLI_OK) {
        cp->buf = malloc(cp->learn * cp->ncols * sizeof *cp->buf);
        cp->cond = malloc(cp->learn * sizeof *cp->cond);
        if (!cp->buf || !cp->cond)
            status = cli_error("out of memory");
    }
    if (status == CLI_OK) {
        if (cp->events)
            printf("%s" CLI_EVENTS_HEADER, cp->many ? "source," : "");
        else if (cp->summary)
            printf("source,frames,score_median,score_max,alarm_frames,state,"
                   "segments,gaps,steps_back,repeats,duplicates,rejected%s\n",
                   cp->rul ? ",rul,rul_lo,rul_hi" : "");
        else
            printf("%sframe,t_start,score,threshold,health,state,top_feature%s\n",
                   cp->many ? "source," : "", cp->rul ? ",rul,rul_lo,rul_hi" : "");
    }
    double t_off = 0.0;
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        cp->source = argv[i];
        cp->nscores = cp->alarms = cp->learn_rejected = 0;
        for (int q = 0; q < VIGIL_COUNTER_COUNT; q++)
            cp->at_start[q] = cp->m ? vigil_monitor_counter(cp->m, q) : 0;
        if (cli_snap_active(sp) && (status = cli_snap_time(sp, argv[i], &t_off)) != CLI_OK)
            break;
        status = cli_src_feed(&op->src, ex, argv[i], &t_off, cp->ncols, on_row, cp);
        if (status == CLI_OK)
            report_quirks(cp);
        if (status == CLI_OK && cp->summary)
            print_summary(cp);
    }
    if (status == CLI_OK && cp->seen < cp->learn)
        status = cli_error("only %zu frames in all files; --learn needs %zu", cp->seen, cp->learn);
    /* with a prognoser, or continuing a saved monitor, the model is saved again at the end:
     * the next run continues where this one stopped (docs/PROGNOSIS.md) */
    if (status == CLI_OK && cp->output && cp->m && (model_path || vigil_monitor_prognoser(cp->m)) &&
        vigil_monitor_save_file(cp->m, cp->output) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    free(cp->buf);
    free(cp->cond);
    free(cp->scores);
    cli_src_free_names(cp->names, cp->ncols);
    vigil_monitor_destroy(cp->m);
    vigil_extractor_destroy(ex);
    cli_snap_close(sp);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
