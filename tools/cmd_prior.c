/* vigil prior: a fleet prior for remaining-life estimates from complete run-to-failure
 * histories (each DIR one history: its snapshot files in name order). */
#include "cli.h"
#include "cli_snapshot.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char prior_help[] =
    "usage: vigil prior --rate HZ [--frame N] [--column C] [framing and group options]\n"
    "                   (--interval S | --index NAME) --failure FEATURE:LEVEL -o PRIOR DIR...\n"
    "\n"
    "Learn a fleet prior for 'vigil monitor --failure FEATURE:LEVEL --prior PRIOR' from\n"
    "complete run-to-failure histories. Each DIR is one history: its .csv and .csv.gz files,\n"
    "in name order, are its snapshots (other files are ignored); the last snapshot is the\n"
    "failure. Per history the onset of degradation is found, the exponential and linear\n"
    "models are fitted from the onset to the end, and the indicator's level at the end is\n"
    "kept (docs/PROGNOSIS.md). The rows are made as by 'vigil features' and 'vigil monitor'\n"
    "with the same options, so FEATURE may be any of their columns (an --orders, --severity\n"
    "or --bearing column too); give monitor the same options. Prints one CSV row per history:\n"
    "  history,snapshots,life_s,used,onset_s,end,growth_per_hour,why\n"
    "\n"
    CLI_SPEC_HELP
    "                    (--frame: default the whole first snapshot)\n"
    "  --interval S      snapshots are S seconds apart\n"
    "  --index NAME      snapshot times from the table NAME inside each DIR (e.g. index.tsv)\n"
    "  --failure FEATURE:LEVEL  the indicator (a feature column) and its failure level\n"
    "  --onset B[,RISE,H]  onset test (default 30, ln 2, 5); give monitor the same\n"
    "  -o, --output PRIOR  the prior file to write (required)\n"
    "  -h, --help        show this help\n";

typedef struct history {
    double *t, *h;
    size_t n, cap;
    double t0;  /* this snapshot's start time */
    int col;    /* the indicator's column */
} history;

static int on_row(void *ctx, const double *row, size_t ncols)
{
    history *hs = ctx;
    (void)ncols;
    if (hs->n == hs->cap) {
        const size_t cap = hs->cap ? 2 * hs->cap : 4096;
        double *t = realloc(hs->t, cap * sizeof *t);
        if (t)
            hs->t = t;
        double *h = realloc(hs->h, cap * sizeof *h);
        if (h)
            hs->h = h;
        if (!t || !h)
            return cli_error("out of memory");
        hs->cap = cap;
    }
    hs->t[hs->n] = hs->t0 + row[1];
    hs->h[hs->n++] = row[hs->col];
    return CLI_OK;
}

static int is_snapshot(const struct dirent *e)
{
    const size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && ((n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0) ||
                                   (n > 7 && strcmp(e->d_name + n - 7, ".csv.gz") == 0));
}

/* One history: every snapshot of dir through ex, the indicator at each row's time. */
static int read_history(const char *dir, cli_snap *snap, const char *index_name,
                        vigil_extractor *ex, const char *column, history *hs)
{
    struct dirent **list = NULL;
    const int n = scandir(dir, &list, is_snapshot, alphasort);
    if (n < 0)
        return cli_error("%s: cannot list the folder", dir);
    int status = n ? CLI_OK : cli_error("%s: no .csv or .csv.gz snapshots", dir);
    char path[4096], ipath[4096];
    snap->files = 0;
    if (status == CLI_OK && index_name) {
        snprintf(ipath, sizeof ipath, "%s/%s", dir, index_name);
        snap->index_path = ipath;
        cli_snap_close(snap);
        if (vigil_snapshot_index_load(ipath, &snap->idx) != VIGIL_OK)
            status = cli_error("%s", vigil_last_error());
    }
    for (int i = 0; i < n; i++) {
        if (status == CLI_OK) {
            snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
            status = cli_snap_time(snap, path, &hs->t0);
        }
        if (status == CLI_OK)
            status = cli_stream_file(path, column, ex, on_row, hs);
        free(list[i]);
    }
    free(list);
    snap->index_path = index_name;
    return status;
}

int cmd_prior(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_SPEC_LONGOPTS, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, CLI_SNAP_LONGOPTS, {NULL, 0, NULL, 0},
    };
    cli_spec_opts spec = {0};
    cli_snap snap = {0};
    const char *output = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        int r = 1;
        switch (ch) {
        case 'o': output = optarg; break;
        case 'h': fputs(prior_help, stdout); return CLI_OK;
        case '?': return cli_bad_option("prior", argv);
        default:
            r = cli_spec_opt("prior", ch, optarg, &spec);
            if (r == 0)
                r = cli_snap_opt("prior", ch, optarg, &snap);
        }
        if (r < 0)
            return CLI_USAGE;
        if (r == 0)
            return cli_bad_option("prior", argv);
    }
    if (!snap.feature)
        return cli_usage_error("prior", "--failure FEATURE:LEVEL is required");
    if (!cli_snap_active(&snap))
        return cli_usage_error("prior", "--interval S or --index NAME is required");
    if (snap.prior_path)
        return cli_usage_error("prior", "--prior is for 'vigil monitor'");
    if (!output)
        return cli_usage_error("prior", "-o PRIOR is required");
    if (optind >= argc)
        return cli_usage_error("prior", "no history DIR");
    vigil_pipeline *pipe = cli_spec_build("prior", &spec);
    if (!pipe)
        return CLI_USAGE;
    if (!(vigil_pipeline_rate(pipe) > 0.0)) {
        vigil_pipeline_destroy(pipe);
        return cli_usage_error("prior", "--rate HZ (> 0) is required");
    }
    const char *column = vigil_pipeline_string(pipe, "column");
    /* the default frame: the whole first snapshot of the first history */
    int frame_given = !vigil_pipeline_is_default(pipe, "frame"); /* a --spec file's key */
    for (size_t i = 0; i < spec.n; i++)
        frame_given |= strcmp(spec.key[i], "frame") == 0;
    const char *index_name = snap.index_path;
    if (!frame_given) {
        struct dirent **list = NULL;
        const int n = scandir(argv[optind], &list, is_snapshot, alphasort);
        char first[4096] = "";
        if (n > 0)
            snprintf(first, sizeof first, "%s/%s", argv[optind], list[0]->d_name);
        for (int i = 0; i < n; i++)
            free(list[i]);
        free(list);
        if (n <= 0) {
            vigil_pipeline_destroy(pipe);
            return cli_error("%s: no .csv or .csv.gz snapshots", argv[optind]);
        }
        const double interval = snap.interval;
        snap.index_path = NULL;
        snap.interval = 1.0; /* only the frame is wanted here */
        size_t frame = 0;
        int rc = cli_snap_open("prior", &snap, column, first, &frame);
        snap.interval = interval;
        snap.index_path = index_name;
        char v[32];
        snprintf(v, sizeof v, "%zu", frame);
        if (rc == CLI_OK && (vigil_pipeline_set(pipe, "frame", v) != VIGIL_OK ||
                             vigil_pipeline_check(pipe) != VIGIL_OK))
            rc = cli_spec_error("prior");
        if (rc != CLI_OK) {
            vigil_pipeline_destroy(pipe);
            return rc;
        }
    }
    vigil_extractor *ex = NULL;
    if (vigil_pipeline_create_extractor(pipe, &ex) != VIGIL_OK) {
        cli_spec_error("prior");
        vigil_pipeline_destroy(pipe);
        return CLI_USAGE;
    }
    const int col = vigil_extractor_feature_index(ex, snap.feature);
    vigil_prognosis_prior *prior = NULL;
    int status = CLI_OK;
    if (col < 0)
        status = cli_usage_error("prior", "--failure: '%s' is not a feature column",
                                 snap.feature);
    else if (vigil_prognosis_prior_create(snap.feature, snap.level, &prior) != VIGIL_OK ||
             (snap.onset_baseline &&
              vigil_prognosis_prior_set_onset(prior, snap.onset_baseline, snap.onset_rise,
                                              snap.onset_h) != VIGIL_OK))
        status = cli_error("%s", vigil_last_error());
    if (status == CLI_OK)
        printf("history,snapshots,life_s,used,onset_s,end,growth_per_hour,why\n");
    for (int i = optind; i < argc && status == CLI_OK; i++) {
        history hs = {NULL, NULL, 0, 0, 0.0, col};
        status = read_history(argv[i], &snap, index_name, ex, column, &hs);
        if (status == CLI_OK) {
            const size_t before = vigil_prognosis_prior_count(prior);
            const size_t before_lives = vigil_prognosis_prior_life_count(prior);
            const int rc = vigil_prognosis_prior_add_history(prior, hs.t, hs.h, hs.n);
            if (rc == VIGIL_ENOMEM || rc == VIGIL_EINVAL || rc == VIGIL_ENONFINITE)
                status = cli_error("%s: %s", argv[i], vigil_last_error());
            else if (rc == VIGIL_OK) {
                double onset, end, rate;
                vigil_prognosis_prior_history(prior, before, &onset, &end, &rate);
                printf("%s,%zu,", argv[i], hs.n);
                cli_print_double(stdout, hs.t[hs.n - 1] - hs.t[0]);
                printf(",yes,");
                cli_print_double(stdout, onset - hs.t[0]);
                putchar(',');
                cli_print_double(stdout, end);
                putchar(',');
                cli_print_double(stdout, rate * 3600.0);
                printf(",\n");
            } else {
                /* not used for the degradation models; its life still counts (survival) */
                printf("%s,%zu,", argv[i], hs.n);
                if (vigil_prognosis_prior_life_count(prior) > before_lives)
                    cli_print_double(stdout, hs.t[hs.n - 1] - hs.t[0]);
                printf(",no,,,,%s\n", vigil_last_error());
            }
        }
        free(hs.t);
        free(hs.h);
    }
    /* two lives make the survival model, two used histories the degradation models' prior */
    if (status == CLI_OK && vigil_prognosis_prior_count(prior) < 2 &&
        vigil_prognosis_prior_life_count(prior) < 2)
        status = cli_error("only %zu usable histories: a prior needs 2 or more",
                           vigil_prognosis_prior_life_count(prior));
    if (status == CLI_OK && vigil_prognosis_prior_save_file(prior, output) != VIGIL_OK)
        status = cli_error("%s", vigil_last_error());
    vigil_prognosis_prior_destroy(prior);
    vigil_extractor_destroy(ex);
    vigil_pipeline_destroy(pipe);
    cli_snap_close(&snap);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
