/* Helpers shared by the subcommands of the vigil command. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vigil: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vigil %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try 'vigil %s --help')\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

int cli_bad_option(const char *cmd, char **argv)
{
    /* getopt_long leaves optind just past the offending word (opterr is 0: it printed nothing) */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (optopt && strchr(word, optopt) && word[1] != '-')
        return cli_usage_error(cmd, "option '-%c' is unknown or needs a value", optopt);
    return cli_usage_error(cmd, "option '%s' is unknown or needs a value", word);
}

int cli_parse_double(const char *cmd, const char *opt, const char *s, double *v)
{
    if (vigil_parse_number(s, v) != VIGIL_OK) {
        cli_usage_error(cmd, "%s needs a number, got '%s'", opt, s);
        return 0;
    }
    return 1;
}

int cli_parse_size(const char *cmd, const char *opt, const char *s, size_t *v)
{
    double d;
    /* Range first: converting a double beyond SIZE_MAX to size_t is undefined behaviour. */
    if (vigil_parse_number(s, &d) != VIGIL_OK || d < 0 || d > 9007199254740992.0 ||
        d != (double)(size_t)d) {
        cli_usage_error(cmd, "%s needs a whole number >= 0, got '%s'", opt, s);
        return 0;
    }
    *v = (size_t)d;
    return 1;
}

void cli_print_double(FILE *f, double v)
{
    fprintf(f, "%.17g", v);
}

int cli_frame_spec(const cli_frame_opts *o, vigil_pipeline *p)
{
    char v[64];
    snprintf(v, sizeof v, "%.17g", o->rate);
    int rc = vigil_pipeline_set(p, "rate", v);
    snprintf(v, sizeof v, "%zu", o->frame);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "frame", v);
    snprintf(v, sizeof v, "%zu", o->hop);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "hop", o->hop_given ? v : "frame");
    if (rc == VIGIL_OK && o->column)
        rc = vigil_pipeline_set(p, "column", o->column);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_set(p, "bands", o->bands && o->bands[0] ? o->bands : "none");
    return rc == VIGIL_OK ? vigil_pipeline_check(p) : rc;
}

/* Each flag is one key of the specification; a fixed value for flags without an argument. The
 * model commands' flags (cli_model.h) are here too, so that every host flag maps through
 * vigil_pipeline_set() and nothing else. */
static const struct {
    int c;
    const char *flag, *key, *fixed;
} flag_keys[] = {
    {'r', "--rate", "rate", NULL},
    {'n', "--frame", "frame", NULL},
    {'H', "--hop", "hop", NULL},
    {'c', "--column", "column", NULL},
    {'b', "--bands", "bands", NULL},
    {'T', "--time-column", "time.column", NULL},
    {CLI_OPT_BEARING, "--bearing", "bearing", NULL},
    {CLI_OPT_SHAFT_HZ, "--shaft-hz", "shaft.hz", NULL},
    {CLI_OPT_SHAFT_RANGE, "--shaft-range", "shaft.range", NULL},
    {CLI_OPT_ENVELOPE_BAND, "--envelope-band", "envelope.band", NULL},
    {CLI_OPT_ORDERS, "--orders", "orders", "on"},
    {CLI_OPT_SEVERITY, "--severity", "severity", "on"},
    {CLI_OPT_UNITS, "--units", "severity.units", NULL},
    {CLI_OPT_CLASS, "--class", "severity.class", NULL},
    {'R', "--rows", "source", "rows"},
    {'C', "--condition-column", "condition.column", NULL},
    {'K', "--conditions", "monitor.conditions", NULL},
    {CLI_OPT_DETECTOR, "--detector", "monitor.detector", NULL},
    {'F', "--features", "monitor.features", NULL},
    {'q', "--quantile", "monitor.quantile", NULL},
    {'s', "--seed", "monitor.seed", NULL},
    {'g', "--gap", "monitor.gap", NULL},
    {'P', "--gap-policy", "monitor.gap_policy", NULL},
    {'L', "--relearn", "monitor.relearn", NULL},
    {'G', "--common-mode", "monitor.common_mode", NULL},
    {'A', "--alarm", "monitor.alarm", NULL},
    {'Y', "--confirm", "monitor.confirm", NULL},
    {'Z', "--confirm-time", "monitor.confirm_time", NULL},
};

int cli_spec_opt(const char *cmd, int c, const char *arg, cli_spec_opts *o)
{
    if (c == CLI_OPT_SPEC) {
        o->file = arg;
        return 1;
    }
    for (size_t i = 0; i < sizeof flag_keys / sizeof flag_keys[0]; i++) {
        if (flag_keys[i].c != c)
            continue;
        if (o->n == CLI_SPEC_MAX)
            return cli_usage_error(cmd, "too many options"), -1;
        o->flag[o->n] = flag_keys[i].flag;
        o->key[o->n] = flag_keys[i].key;
        o->value[o->n] = flag_keys[i].fixed ? flag_keys[i].fixed : arg;
        o->n++;
        return 1;
    }
    return 0;
}

int cli_spec_error(const char *cmd)
{
    return cli_usage_error(cmd, "%s", vigil_last_error());
}

vigil_pipeline *cli_spec_build(const char *cmd, const cli_spec_opts *o)
{
    vigil_pipeline *p = NULL;
    int rc = o->file ? vigil_pipeline_load_file(o->file, &p) : vigil_pipeline_create(&p);
    if (rc != VIGIL_OK) {
        cli_usage_error(cmd, "%s", vigil_last_error());
        return NULL;
    }
    for (size_t i = 0; i < o->n; i++)
        if (vigil_pipeline_set(p, o->key[i], o->value[i]) != VIGIL_OK) {
            cli_usage_error(cmd, "%s: %s", o->flag[i], vigil_last_error());
            vigil_pipeline_destroy(p);
            return NULL;
        }
    if (vigil_pipeline_check(p) != VIGIL_OK) {
        cli_spec_error(cmd);
        vigil_pipeline_destroy(p);
        return NULL;
    }
    return p;
}

void cli_print_spec(FILE *f, const vigil_pipeline *p, int flags)
{
    size_t n = 0;
    vigil_pipeline_print(p, flags, NULL, 0, &n);
    char *s = malloc(n + 1);
    if (s && vigil_pipeline_print(p, flags, s, n + 1, &n) == VIGIL_OK)
        fputs(s, f);
    free(s);
}

int cli_stream_file(const char *path, const char *column, vigil_extractor *ex, cli_row_fn on_row,
                    void *ctx)
{
    vigil_reader *r = NULL;
    int rc = vigil_reader_open(path, &r);
    if (rc != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    int col = vigil_reader_find_column(r, column ? column : "0");
    if (col < 0) {
        vigil_reader_close(r);
        return cli_error("%s", vigil_last_error());
    }
    vigil_extractor_reset(ex);
    const size_t ncols = vigil_extractor_feature_count(ex);
    double *row = malloc(ncols * sizeof *row);
    double *chunk = malloc(65536 * sizeof *chunk);
    int status = CLI_OK;
    if (!row || !chunk) {
        status = cli_error("out of memory");
        goto done;
    }
    for (;;) {
        size_t n = 0;
        rc = vigil_reader_read_column(r, (size_t)col, chunk, 65536, &n);
        /* Rows before a bad line are still processed, then the error is reported: nothing
         * already read is lost. */
        size_t off = 0;
        while (off < n) {
            size_t used = 0;
            int prc = vigil_extractor_push(ex, chunk + off, n - off, &used);
            if (prc != VIGIL_OK) {
                status = cli_error("%s: %s", path, vigil_last_error());
                goto done;
            }
            off += used;
            while (vigil_extractor_pop(ex, row, ncols, NULL) == 1)
                if (on_row(ctx, row, ncols) != CLI_OK) {
                    status = CLI_FAIL;
                    goto done;
                }
        }
        if (rc != VIGIL_OK) {
            status = cli_error("%s", vigil_last_error());
            goto done;
        }
        if (n == 0)
            break;
    }
done:
    free(row);
    free(chunk);
    vigil_reader_close(r);
    return status;
}
