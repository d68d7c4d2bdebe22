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

vigil_extractor *cli_make_extractor(const char *cmd, const cli_frame_opts *o)
{
    vigil_extractor *ex = NULL;
    int rc = vigil_extractor_create(o->rate, o->frame, &ex);
    if (rc == VIGIL_OK && o->hop_given)
        rc = vigil_extractor_set_hop(ex, o->hop);
    if (rc == VIGIL_OK && o->bands) {
        double lo[VIGIL_BANDS_MAX], hi[VIGIL_BANDS_MAX];
        size_t n = 0;
        rc = vigil_parse_bands(o->bands, lo, hi, VIGIL_BANDS_MAX, &n);
        for (size_t i = 0; rc == VIGIL_OK && i < n; i++)
            rc = vigil_extractor_add_band(ex, lo[i], hi[i]);
    }
    if (rc != VIGIL_OK) {
        cli_usage_error(cmd, "%s", vigil_last_error());
        vigil_extractor_destroy(ex);
        return NULL;
    }
    return ex;
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
