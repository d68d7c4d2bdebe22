/* vigil monitor --channels: a machine's channels monitored together, one monitor per channel
 * with the same options (vigil/machine.h). Feature tables: a channel's columns are those named
 * CHANNEL_...; sample files: a channel is a sample column, framed by its own extractor. */
#include "cli_machine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_print_scored(FILE *f, const char *source, vigil_monitor *m, size_t index, double t,
                     int state);

typedef struct mach_ctx {
    const cli_model_opts *o;
    vigil_machine *mc;
    size_t nch, width;
    char **chan;              /* channel names */
    char **names;             /* one channel's column names (width) */
    size_t *map;              /* rows: machine value k <- file feature column map[k] */
    double *row;              /* the machine's row (nch x width) */
    size_t learn, seen, learn_rejected;
    double *buf;              /* learning rows */
    size_t *cond;
    int summary, many;
    int events;               /* --events */
    int common;               /* -1: the library's default, else 0/1 */
    const char *source, *output;
    double *scores;           /* summary: this file's scores, channel-major (nch x cap) */
    size_t nscores, cap;
    size_t *alarms;           /* per channel */
    size_t *at_start;         /* per channel x VIGIL_COUNTER_COUNT */
    int *states;
} mach_ctx;

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    if (d)
        strcpy(d, s);
    return d;
}

/* Split a comma-separated list (1..64 non-empty names). */
static int split_channels(const char *list, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char **v = calloc(VIGIL_MACHINE_CHANNELS_MAX, sizeof *v);
    if (!v)
        return cli_error("out of memory");
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || *n == VIGIL_MACHINE_CHANNELS_MAX) {
            cli_src_free_names(v, *n);
            return cli_usage_error("monitor", "--channels takes 1..%d comma-separated names",
                                   VIGIL_MACHINE_CHANNELS_MAX);
        }
        if (!(v[*n] = malloc(len + 1))) {
            cli_src_free_names(v, *n);
            return cli_error("out of memory");
        }
        memcpy(v[*n], p, len);
        v[(*n)++][len] = '\0';
        if (!e)
            break;
        p = e + 1;
    }
    *out = v;
    return CLI_OK;
}

/* Feature tables: the columns of channel c are c_NAME, in file order; every channel must have
 * the same NAMEs in the same order. Columns of no listed channel are not used. */
static int map_columns(mach_ctx *c, char **fnames, size_t fn)
{
    /* channel 0 sets the names */
    const size_t pl0 = strlen(c->chan[0]);
    c->names = calloc(fn ? fn : 1, sizeof *c->names);
    c->map = calloc(c->nch * (fn ? fn : 1), sizeof *c->map);
    if (!c->names || !c->map)
        return cli_error("out of memory");
    for (size_t i = 0; i < fn; i++)
        if (strncmp(fnames[i], c->chan[0], pl0) == 0 && fnames[i][pl0] == '_' &&
            fnames[i][pl0 + 1]) {
            if (!(c->names[c->width] = dup_str(fnames[i] + pl0 + 1)))
                return cli_error("out of memory");
            c->map[c->width++] = i;
        }
    for (size_t g = 0; g < c->nch; g++) {
        const size_t pl = strlen(c->chan[g]);
        size_t k = 0;
        for (size_t i = 0; i < fn; i++) {
            if (strncmp(fnames[i], c->chan[g], pl) != 0 || fnames[i][pl] != '_' ||
                !fnames[i][pl + 1])
                continue;
            if (k >= c->width || strcmp(c->names[k], fnames[i] + pl + 1) != 0)
                return cli_error("channel %s: column %s is not channel %s's column %zu (%s_%s):"
                                 " every channel needs the same columns in the same order",
                                 c->chan[g], fnames[i], c->chan[0], k + 1, c->chan[0],
                                 k < c->width ? c->names[k] : "(none)");
            c->map[g * c->width + k++] = i;
        }
        if (k == 0)
            return cli_error("channel %s: no column named %s_...", c->chan[g], c->chan[g]);
        if (k != c->width)
            return cli_error("channel %s has %zu columns, %s has %zu", c->chan[g], k,
                             c->chan[0], c->width);
    }
    return CLI_OK;
}

static int fit_now(mach_ctx *c)
{
    size_t maxc = 0;
    for (size_t r = 0; r < c->learn; r++)
        maxc = c->cond[r] > maxc ? c->cond[r] : maxc;
    vigil_monitor *mon[VIGIL_MACHINE_CHANNELS_MAX] = {0};
    int status = CLI_OK;
    for (size_t g = 0; g < c->nch && status == CLI_OK; g++) {
        /* each channel's specification names it (and a sample channel its column) */
        if (vigil_pipeline_set(c->o->pipe, "channel", c->chan[g]) != VIGIL_OK ||
            (!c->o->src.rows && vigil_pipeline_set(c->o->pipe, "column", c->chan[g]) != VIGIL_OK))
            status = cli_spec_error("monitor");
        else if (!(mon[g] = cli_make_monitor("monitor", c->o, c->names, c->width,
                                             c->o->conditions ? c->o->conditions : maxc + 1)))
            status = CLI_FAIL;
    }
    if (status == CLI_OK &&
        vigil_machine_adopt((const char *const *)c->chan, c->nch, mon, &c->mc) != VIGIL_OK)
        status = cli_error("--channels: %s", vigil_last_error());
    if (status != CLI_OK) {
        for (size_t g = 0; g < c->nch; g++)
            vigil_monitor_destroy(mon[g]);
        return status;
    }
    if (c->common >= 0 && vigil_machine_set_common_mode(c->mc, c->common) != VIGIL_OK)
        return cli_usage_error("monitor", "%s", vigil_last_error());
    for (size_t r = 0; r < c->learn; r++)
        if (vigil_machine_learn(c->mc, c->buf + r * c->nch * c->width, c->nch * c->width,
                                c->cond[r]) != VIGIL_OK)
            return cli_error("learning row %zu: %s", r + 1, vigil_last_error());
    if (vigil_machine_fit(c->mc) != VIGIL_OK)
        return cli_error("fit: %s", vigil_last_error());
    if (c->output && vigil_machine_save_file(c->mc, c->output, 0) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    return CLI_OK;
}

static size_t *starts(const mach_ctx *c, size_t g)
{
    return c->at_start + g * VIGIL_COUNTER_COUNT;
}

static int grow_scores(mach_ctx *c)
{
    size_t cap = c->cap ? 2 * c->cap : 1024;
    double *p = malloc(c->nch * cap * sizeof *p);
    if (!p)
        return cli_error("out of memory");
    for (size_t g = 0; g < c->nch; g++)
        if (c->nscores)
            memcpy(p + g * cap, c->scores + g * c->cap, c->nscores * sizeof *p);
    free(c->scores);
    c->scores = p;
    c->cap = cap;
    return CLI_OK;
}

static int on_row(void *ctx, const double *in, size_t n, double t, size_t cond, size_t index)
{
    mach_ctx *c = ctx;
    const size_t w = c->nch * c->width;
    if (c->map)
        for (size_t k = 0; k < w; k++)
            c->row[k] = in[c->map[k]];
    else
        memcpy(c->row, in, n * sizeof *in);
    if (c->seen < c->learn) {
        int missing = isnan(t);
        for (size_t k = 0; k < w && !missing; k++)
            missing = !isfinite(c->row[k]);
        if (missing) {
            c->learn_rejected++;
            return CLI_OK;
        }
        memcpy(c->buf + c->seen * w, c->row, w * sizeof *c->row);
        c->cond[c->seen++] = cond;
        return c->seen == c->learn ? fit_now(c) : CLI_OK;
    }
    c->seen++;
    size_t scored[VIGIL_MACHINE_CHANNELS_MAX];
    for (size_t g = 0; g < c->nch; g++)
        scored[g] = vigil_monitor_counter(vigil_machine_monitor(c->mc, g), VIGIL_COUNTER_SCORED);
    int st = vigil_machine_score(c->mc, c->row, w, t, cond, c->states);
    if (st < 0 && st != VIGIL_ENONFINITE && st != VIGIL_EFORMAT)
        return cli_error("%s: row %zu: %s", c->source, index + 1, vigil_last_error());
    if (c->summary && c->nscores == c->cap && grow_scores(c) != CLI_OK)
        return CLI_FAIL;
    if (c->events) {
        vigil_event_explanation e;
        while (vigil_machine_next_event(c->mc, &e) == 1)
            if (cli_print_event(stdout, c->many ? c->source : NULL, c->chan[e.channel],
                                vigil_machine_monitor(c->mc, e.channel), &e) != CLI_OK)
                return CLI_FAIL;
        return CLI_OK;
    }
    int any = 0;
    for (size_t g = 0; g < c->nch; g++) {
        vigil_monitor *m = vigil_machine_monitor(c->mc, g);
        if (vigil_monitor_counter(m, VIGIL_COUNTER_SCORED) == scored[g])
            continue; /* rejected (missing value) or an exact duplicate: counted, not printed */
        any = 1;
        if (c->summary) {
            c->scores[g * c->cap + c->nscores] = vigil_monitor_last_score(m);
            c->alarms[g] += c->states[g] == VIGIL_STATE_ALARM;
            continue;
        }
        if (c->many)
            printf("%s,", c->source);
        printf("%s,", c->chan[g]);
        if (cli_print_scored(stdout, NULL, m, index, t, c->states[g]) != CLI_OK)
            return CLI_FAIL;
    }
    /* the summary's score columns stay aligned: a channel that skipped a row keeps NaN */
    if (c->summary && any) {
        for (size_t g = 0; g < c->nch; g++)
            if (vigil_monitor_counter(vigil_machine_monitor(c->mc, g), VIGIL_COUNTER_SCORED) ==
                scored[g])
                c->scores[g * c->cap + c->nscores] = NAN;
        c->nscores++;
    }
    return CLI_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void channel_counts(const mach_ctx *c, size_t g, size_t k[VIGIL_COUNTER_COUNT])
{
    const vigil_monitor *m = c->mc ? vigil_machine_monitor(c->mc, g) : NULL;
    for (int i = 0; i < VIGIL_COUNTER_COUNT; i++)
        k[i] = m ? vigil_monitor_counter(m, i) - starts(c, g)[i] : 0;
    k[VIGIL_COUNTER_REJECTED] += c->learn_rejected;
}

static void report_quirks(const mach_ctx *c)
{
    for (size_t g = 0; g < c->nch; g++) {
        size_t k[VIGIL_COUNTER_COUNT];
        channel_counts(c, g, k);
        if (k[VIGIL_COUNTER_STEPS_BACK] || k[VIGIL_COUNTER_REPEATS] ||
            k[VIGIL_COUNTER_DUPLICATES] || k[VIGIL_COUNTER_REJECTED])
            fprintf(stderr, "vigil monitor: %s: channel %s: %zu rows with time stepping back and "
                    "%zu with a repeated time (each starts a new segment), %zu exact duplicates "
                    "dropped, %zu rows with a missing or non-finite value skipped\n", c->source,
                    c->chan[g], k[VIGIL_COUNTER_STEPS_BACK], k[VIGIL_COUNTER_REPEATS],
                    k[VIGIL_COUNTER_DUPLICATES], k[VIGIL_COUNTER_REJECTED]);
    }
}

static void print_summary(mach_ctx *c)
{
    for (size_t g = 0; g < c->nch; g++) {
        size_t k[VIGIL_COUNTER_COUNT];
        channel_counts(c, g, k);
        double *s = c->scores ? c->scores + g * c->cap : NULL;
        size_t n = 0;
        for (size_t i = 0; i < c->nscores; i++)
            if (!isnan(s[i]))
                s[n++] = s[i];
        const vigil_monitor *m = c->mc ? vigil_machine_monitor(c->mc, g) : NULL;
        printf("%s,%s,%zu,", c->source, c->chan[g], n);
        if (n) {
            qsort(s, n, sizeof *s, cmp_double);
            cli_print_double(stdout, n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]));
            putchar(',');
            cli_print_double(stdout, s[n - 1]);
            printf(",%zu,%s,", c->alarms[g], cli_state_name(vigil_monitor_state(m)));
        } else {
            printf(",,0,%s,", m ? cli_state_name(vigil_monitor_state(m)) : "learning");
        }
        printf("%zu,%zu,%zu,%zu,%zu,%zu\n", k[VIGIL_COUNTER_SEGMENTS], k[VIGIL_COUNTER_GAPS],
               k[VIGIL_COUNTER_STEPS_BACK], k[VIGIL_COUNTER_REPEATS],
               k[VIGIL_COUNTER_DUPLICATES], k[VIGIL_COUNTER_REJECTED]);
    }
}

/* The extractors of a sample-file machine: from the flags, or each channel's saved monitor
 * (its specification and column). */
static int make_extractors(mach_ctx *c, vigil_extractor **ex)
{
    for (size_t g = 0; g < c->nch; g++) {
        if (c->mc) {
            if (cli_model_extractor("monitor", vigil_machine_monitor(c->mc, g), &ex[g]) != CLI_OK)
                return CLI_FAIL;
        } else if (vigil_pipeline_create_extractor(c->o->pipe, &ex[g]) != VIGIL_OK) {
            return cli_spec_error("monitor");
        }
    }
    return CLI_OK;
}

/* A loaded machine's channel columns (samples: each monitor's own column key). */
static int model_columns(mach_ctx *c, char **cols)
{
    for (size_t g = 0; g < c->nch; g++) {
        vigil_pipeline *p = NULL;
        char v[VIGIL_PIPELINE_VALUE_MAX + 1];
        if (vigil_monitor_get_pipeline(vigil_machine_monitor(c->mc, g), &p) != VIGIL_OK ||
            vigil_pipeline_get(p, "column", v, sizeof v, NULL) != VIGIL_OK) {
            vigil_pipeline_destroy(p);
            return cli_error("channel %s: %s", c->chan[g], vigil_last_error());
        }
        vigil_pipeline_destroy(p);
        if (!(cols[g] = dup_str(v)))
            return cli_error("out of memory");
    }
    return CLI_OK;
}

int cli_monitor_machine(cli_model_opts *o, const cli_machine_args *a, int argc, char **argv)
{
    mach_ctx c = {0};
    c.o = o;
    c.learn = a->learn;
    c.summary = a->summary;
    c.events = a->events;
    c.output = a->output;
    c.mc = a->loaded;
    c.common = a->common;
    c.many = argc - a->first > 1;
    vigil_extractor *ex[VIGIL_MACHINE_CHANNELS_MAX] = {0};
    char *cols[VIGIL_MACHINE_CHANNELS_MAX] = {0};
    char **fnames = NULL;
    size_t fn = 0;
    int status = CLI_OK;
    if (c.mc) { /* the machine's channels and columns */
        c.nch = vigil_machine_channel_count(c.mc);
        c.chan = calloc(c.nch, sizeof *c.chan);
        for (size_t g = 0; c.chan && g < c.nch && status == CLI_OK; g++)
            if (!(c.chan[g] = dup_str(vigil_machine_channel_name(c.mc, g))))
                status = cli_error("out of memory");
        if (!c.chan)
            status = cli_error("out of memory");
    } else {
        status = split_channels(a->channels, &c.chan, &c.nch);
    }
    if (status == CLI_OK && o->src.rows) {
        status = cli_src_names(&o->src, argv[a->first], NULL, &fnames, &fn);
        if (status == CLI_OK && c.mc) {
            /* the loaded machine's columns must be the file's channel columns */
            status = map_columns(&c, fnames, fn);
            const vigil_monitor *m0 = vigil_machine_monitor(c.mc, 0);
            if (status == CLI_OK && c.width != vigil_monitor_column_count(m0))
                status = cli_error("%s: %zu columns per channel, the model has %zu",
                                   argv[a->first], c.width, vigil_monitor_column_count(m0));
            for (size_t j = 0; status == CLI_OK && j < c.width; j++)
                if (strcmp(c.names[j], vigil_monitor_column_name(m0, j)) != 0)
                    status = cli_error("%s: channel column %zu is %s, the model's is %s",
                                       argv[a->first], j + 1, c.names[j],
                                       vigil_monitor_column_name(m0, j));
        } else if (status == CLI_OK) {
            status = map_columns(&c, fnames, fn);
        }
    } else if (status == CLI_OK) {
        if (c.mc)
            status = model_columns(&c, cols);
        else
            for (size_t g = 0; g < c.nch && status == CLI_OK; g++)
                if (!(cols[g] = dup_str(c.chan[g])))
                    status = cli_error("out of memory");
        if (status == CLI_OK)
            status = make_extractors(&c, ex);
        if (status == CLI_OK)
            status = cli_src_names(&o->src, argv[a->first], ex[0], &c.names, &c.width);
    }
    const size_t w = c.nch * c.width;
    if (status == CLI_OK) {
        c.row = malloc((w ? w : 1) * sizeof *c.row);
        c.buf = malloc((c.learn * w + 1) * sizeof *c.buf);
        c.cond = malloc((c.learn + 1) * sizeof *c.cond);
        c.alarms = calloc(c.nch, sizeof *c.alarms);
        c.at_start = calloc(c.nch * VIGIL_COUNTER_COUNT, sizeof *c.at_start);
        c.states = calloc(c.nch, sizeof *c.states);
        if (!c.row || !c.buf || !c.cond || !c.alarms || !c.at_start || !c.states)
            status = cli_error("out of memory");
    }
    if (status == CLI_OK) {
        if (c.events)
            printf("%s" CLI_EVENTS_HEADER, c.many ? "source," : "");
        else if (c.summary)
            printf("source,channel,frames,score_median,score_max,alarm_frames,state,"
                   "segments,gaps,steps_back,repeats,duplicates,rejected\n");
        else
            printf("%schannel,frame,t_start,score,threshold,health,state,top_feature\n",
                   c.many ? "source," : "");
    }
    double t_off = 0.0;
    for (int i = a->first; i < argc && status == CLI_OK; i++) {
        c.source = argv[i];
        c.nscores = c.learn_rejected = 0;
        for (size_t g = 0; g < c.nch; g++) {
            c.alarms[g] = 0;
            for (int q = 0; q < VIGIL_COUNTER_COUNT; q++)
                starts(&c, g)[q] = c.mc ? vigil_monitor_counter(vigil_machine_monitor(c.mc, g),
                                                                q) : 0;
        }
        if (o->src.rows)
            status = cli_src_feed(&o->src, NULL, argv[i], &t_off, fn, on_row, &c);
        else
            status = cli_src_feed_columns(&o->src, ex, (const char *const *)cols, c.nch,
                                          argv[i], &t_off, on_row, &c);
        if (status == CLI_OK)
            report_quirks(&c);
        if (status == CLI_OK && c.summary)
            print_summary(&c);
    }
    if (status == CLI_OK && !c.mc)
        status = cli_error("only %zu frames in all files; --learn needs %zu", c.seen, c.learn);
    /* continuing a saved machine: saved again at the end with its stream state, so the next
     * run continues where this one stopped */
    if (status == CLI_OK && c.output && a->loaded &&
        vigil_machine_save_file(c.mc, c.output, VIGIL_SAVE_STREAM) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    for (size_t g = 0; g < c.nch; g++) {
        vigil_extractor_destroy(ex[g]);
        free(cols[g]);
    }
    vigil_machine_destroy(c.mc);
    cli_src_free_names(c.chan, c.nch);
    cli_src_free_names(c.names, c.width);
    cli_src_free_names(fnames, fn);
    free(c.map);
    free(c.row);
    free(c.buf);
    free(c.cond);
    free(c.scores);
    free(c.alarms);
    free(c.at_start);
    free(c.states);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
