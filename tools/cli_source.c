/* Feeding feature rows to the model commands: either raw samples framed by an extractor, or
 * precomputed rows (--rows) such as a historian's table, optionally with a time column. */
#include "cli_source.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cli_src_free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Indices of the time and condition columns of a rows-mode file (-1: none). */
static int special_columns(const char *path, vigil_reader *r, const cli_src *s, int *tcol,
                           int *ccol)
{
    *tcol = *ccol = -1;
    if (s->time_column && (*tcol = vigil_reader_find_column(r, s->time_column)) < 0)
        return cli_error("%s", vigil_last_error());
    if (s->cond_column && (*ccol = vigil_reader_find_column(r, s->cond_column)) < 0)
        return cli_error("%s", vigil_last_error());
    if (*tcol >= 0 && vigil_reader_set_time_column(r, (size_t)*tcol) != VIGIL_OK)
        return cli_error("%s: %s", path, vigil_last_error());
    (void)path;
    return CLI_OK;
}

int cli_src_names(const cli_src *s, const char *first_file, vigil_extractor *ex, char ***names,
                  size_t *n)
{
    *names = NULL;
    *n = 0;
    if (!s->rows) {
        size_t c = vigil_extractor_feature_count(ex);
        char **v = calloc(c, sizeof *v);
        for (size_t i = 0; v && i < c; i++)
            if (!(v[i] = dup_str(vigil_extractor_feature_name(ex, i)))) {
                cli_src_free_names(v, c);
                v = NULL;
            }
        if (!v)
            return cli_error("out of memory");
        *names = v;
        *n = c;
        return CLI_OK;
    }
    vigil_reader *r = NULL;
    if (vigil_reader_open(first_file, &r) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    int tcol, ccol;
    if (special_columns(first_file, r, s, &tcol, &ccol) != CLI_OK) {
        vigil_reader_close(r);
        return CLI_FAIL;
    }
    size_t c = vigil_reader_column_count(r), k = 0;
    char **v = calloc(c, sizeof *v);
    for (size_t i = 0; v && i < c; i++) {
        if ((int)i == tcol || (int)i == ccol)
            continue;
        if (!(v[k++] = dup_str(vigil_reader_column_name(r, i)))) {
            cli_src_free_names(v, c);
            v = NULL;
        }
    }
    vigil_reader_close(r);
    if (!v)
        return cli_error("out of memory");
    if (k == 0) {
        free(v);
        return cli_error("%s: no feature columns", first_file);
    }
    *names = v;
    *n = k;
    return CLI_OK;
}

static int feed_rows(const cli_src *s, const char *path, double *t_offset, size_t ncols,
                     cli_feat_fn fn, void *ctx)
{
    vigil_reader *r = NULL;
    if (vigil_reader_open(path, &r) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    int tcol, ccol, status = CLI_OK;
    if (special_columns(path, r, s, &tcol, &ccol) != CLI_OK) {
        vigil_reader_close(r);
        return CLI_FAIL;
    }
    const size_t fc = vigil_reader_column_count(r);
    if (s->missing)
        vigil_reader_set_missing(r, 1);
    const size_t expect = ncols + (tcol >= 0) + (ccol >= 0);
    if (fc != expect) {
        vigil_reader_close(r);
        return cli_error("%s: %zu columns, the model's rows need %zu", path, fc, expect);
    }
    double *in = malloc(1024 * fc * sizeof *in), *row = malloc(ncols * sizeof *row);
    int *modes = malloc(ncols * sizeof *modes);
    if (!in || !row || !modes) {
        status = cli_error("out of memory");
        goto done;
    }
    /* --common-mode G: the feature columns are G equal blocks, one per channel (B1_..., B2_...);
     * each value is referred to the median of the same feature on the other channels. */
    if (s->common_groups) {
        if (ncols % s->common_groups) {
            status = cli_error("%s: %zu feature columns do not split into %zu equal channel "
                               "groups", path, ncols, s->common_groups);
            goto done;
        }
        for (size_t i = 0, k = 0; i < fc; i++)
            if ((int)i != tcol && (int)i != ccol)
                modes[k++] = vigil_common_mode_kind_of(vigil_reader_column_name(r, i));
    }
    size_t index = 0;
    for (;;) {
        size_t got = 0;
        int rc = vigil_reader_read_rows(r, in, 1024, &got);
        for (size_t q = 0; q < got && status == CLI_OK; q++, index++) {
            const double *x = in + q * fc;
            size_t k = 0, cond = 0;
            int missing = 0; /* a missing time, condition or common-mode input: t = NaN */
            for (size_t i = 0; i < fc; i++)
                if ((int)i != tcol && (int)i != ccol)
                    row[k++] = x[i];
            if (s->common_groups) {
                const size_t width = ncols / s->common_groups;
                if (vigil_common_mode(row, s->common_groups, width, modes, row) != VIGIL_OK &&
                    !(missing = s->missing)) {
                    status = cli_error("%s: row %zu: %s", path, index + 1, vigil_last_error());
                    break;
                }
            }
            if (ccol >= 0) {
                double c = x[ccol];
                if (isnan(c) && s->missing)
                    missing = 1, c = 0.0;
                if (!(c >= 0.0) || c != floor(c) || c >= VIGIL_CONDITIONS_MAX) {
                    status = cli_error("%s: row %zu: condition %g is not 0..%d", path,
                                       index + 1, c, VIGIL_CONDITIONS_MAX - 1);
                    break;
                }
                cond = (size_t)c;
            }
            /* Without a time column rows are taken as one second apart. */
            double t = tcol >= 0 ? x[tcol] : *t_offset + (double)index;
            if (missing)
                t = NAN;
            status = fn(ctx, row, ncols, t, cond, index);
        }
        if (status != CLI_OK)
            break;
        if (rc != VIGIL_OK) {
            status = cli_error("%s", vigil_last_error());
            break;
        }
        if (got == 0)
            break;
    }
    if (tcol < 0)
        *t_offset += (double)index;
done:
    free(in);
    free(row);
    free(modes);
    vigil_reader_close(r);
    return status;
}

/* Raw samples: frames' times are the file offset plus t_start, or with a time column the
 * timestamp of the frame's first sample. A step between consecutive timestamps of more than
 * twice the sample period is a gap: the partial frame is dropped and framing restarts at the
 * sample after the gap (frame numbers continue). Several columns (a machine's channels, issue
 * 16): one extractor per column, all with the same framing, so their frames come out together;
 * the row passed on is their rows one after the other. */
int cli_src_feed_columns(const cli_src *s, vigil_extractor *const *ex,
                         const char *const *columns, size_t nch, const char *path,
                         double *t_offset, cli_feat_fn fn, void *ctx)
{
    vigil_reader *r = NULL;
    if (vigil_reader_open(path, &r) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    int col[64], tcol = -1;
    for (size_t g = 0; g < nch; g++) {
        if ((col[g] = vigil_reader_find_column(r, columns[g] ? columns[g] : "0")) < 0) {
            vigil_reader_close(r);
            return cli_error("%s", vigil_last_error());
        }
    }
    if (s->time_column) {
        if ((tcol = vigil_reader_find_column(r, s->time_column)) < 0 ||
            vigil_reader_set_time_column(r, (size_t)tcol) != VIGIL_OK) {
            vigil_reader_close(r);
            return cli_error("%s", vigil_last_error());
        }
    }
    for (size_t g = 0; g < nch; g++)
        vigil_extractor_reset(ex[g]);
    const size_t fc = vigil_reader_column_count(r), ncols = vigil_extractor_feature_count(ex[0]);
    const double rate = vigil_extractor_rate(ex[0]), hop = (double)vigil_extractor_hop(ex[0]);
    double *in = malloc(4096 * fc * sizeof *in), *row = malloc(nch * ncols * sizeof *row);
    int status = CLI_OK;
    size_t index = 0, samples = 0;
    double seg_t0 = *t_offset, prev_t = NAN;
    size_t seg_frame0 = 0;
    if (!in || !row) {
        status = cli_error("out of memory");
        goto done;
    }
    for (;;) {
        size_t got = 0;
        int rc = vigil_reader_read_rows(r, in, 4096, &got);
        for (size_t q = 0; q < got && status == CLI_OK; q++) {
            if (tcol >= 0) {
                double t = in[q * fc + (size_t)tcol];
                /* a gap, or time stepping back or repeating: a new segment */
                if (isnan(prev_t) || !(t - prev_t > 0.0) || t - prev_t > 2.0 / rate) {
                    for (size_t g = 0; g < nch; g++)
                        vigil_extractor_reset(ex[g]);
                    seg_t0 = t;
                    seg_frame0 = index;
                }
                prev_t = t;
            }
            for (size_t g = 0; g < nch && status == CLI_OK; g++) {
                double v = in[q * fc + (size_t)col[g]];
                if (vigil_extractor_push(ex[g], &v, 1, NULL) != VIGIL_OK)
                    status = cli_error("%s: %s", path, vigil_last_error());
            }
            samples++;
            /* same framing, same samples: every extractor has a frame when the first has */
            while (status == CLI_OK && vigil_extractor_pop(ex[0], row, ncols, NULL) == 1) {
                for (size_t g = 1; g < nch; g++)
                    if (vigil_extractor_pop(ex[g], row + g * ncols, ncols, NULL) != 1)
                        status = cli_error("%s: channel %s has no frame", path, columns[g]);
                double t = tcol >= 0 ? seg_t0 + (double)(index - seg_frame0) * hop / rate
                                     : *t_offset + row[1];
                for (size_t g = 0; g < nch; g++)
                    row[g * ncols] = (double)index;
                if (status == CLI_OK)
                    status = fn(ctx, row, nch * ncols, t, 0, index);
                index++;
            }
        }
        if (status != CLI_OK)
            break;
        if (rc != VIGIL_OK) {
            status = cli_error("%s", vigil_last_error());
            break;
        }
        if (got == 0)
            break;
    }
    if (tcol < 0)
        *t_offset += (double)samples / rate;
done:
    free(in);
    free(row);
    vigil_reader_close(r);
    return status;
}

int cli_src_feed(const cli_src *s, vigil_extractor *ex, const char *path, double *t_offset,
                 size_t ncols, cli_feat_fn fn, void *ctx)
{
    return s->rows ? feed_rows(s, path, t_offset, ncols, fn, ctx)
                   : cli_src_feed_columns(s, &ex, &s->f.column, 1, path, t_offset, fn, ctx);
}

int cli_parse_kind(const char *cmd, const char *s, int *kind)
{
    int k = vigil_detector_parse(s); /* the library's names */
    if (k < 0) {
        cli_usage_error(cmd, "--detector: %s", vigil_last_error());
        return 0;
    }
    *kind = k;
    return 1;
}

const char *cli_state_name(int state)
{
    const char *name = vigil_state_name(state);
    return name ? name : "ok";
}

/* The specification of the source options (issue 14): saved with the model, so that every
 * host (score, the gateway, Python) makes the same rows. */
int cli_src_spec(const cli_src *s, vigil_pipeline *p)
{
    char v[64];
    int rc = vigil_pipeline_set(p, "source", s->rows ? "rows" : "samples");
    if (rc == VIGIL_OK && !s->rows)
        rc = cli_frame_spec(&s->f, p);
    if (rc == VIGIL_OK && s->time_column)
        rc = vigil_pipeline_set(p, "time.column", s->time_column);
    if (rc == VIGIL_OK && s->cond_column)
        rc = vigil_pipeline_set(p, "condition.column", s->cond_column);
    snprintf(v, sizeof v, "%zu", s->common_groups);
    if (rc == VIGIL_OK && s->common_groups)
        rc = vigil_pipeline_set(p, "monitor.common_mode", v);
    return rc == VIGIL_OK ? vigil_pipeline_check(p) : rc;
}

/* Source options from a saved model's specification (any host's model; format-1 files are
 * converted by the library). store holds the strings s points to. */
int cli_src_spec_extra(const cli_src *s, vigil_pipeline *p)
{
    char v[64];
    snprintf(v, sizeof v, "%zu", s->common_groups);
    int rc = s->common_groups ? vigil_pipeline_set(p, "monitor.common_mode", v) : VIGIL_OK;
    return rc == VIGIL_OK ? vigil_pipeline_check(p) : rc;
}

int cli_src_from_model(const vigil_monitor *m, cli_src *s, char store[5][CLI_NOTE_MAX])
{
    vigil_pipeline *p = NULL;
    if (vigil_monitor_get_pipeline(m, &p) != VIGIL_OK)
        return CLI_FAIL;
    cli_src_from_pipeline(p, s, store);
    vigil_pipeline_destroy(p);
    return CLI_OK;
}

/* Source options of a specification (the command's flags, or a saved model's). */
void cli_src_from_pipeline(const vigil_pipeline *p, cli_src *s, char store[5][CLI_NOTE_MAX])
{
    memset(s, 0, sizeof *s);
    double v = 0.0;
    s->rows = vigil_pipeline_rows(p);
    s->f.rate = vigil_pipeline_rate(p);
    s->f.frame = vigil_pipeline_frame(p);
    s->f.hop = vigil_pipeline_hop(p);
    s->f.hop_given = 1;
    vigil_pipeline_number(p, "monitor.common_mode", &v);
    s->common_groups = (size_t)v;
    const char *keys[4] = {"column", "bands", "time.column", "condition.column"};
    const char **dst[4] = {&s->f.column, &s->f.bands, &s->time_column, &s->cond_column};
    for (int i = 0; i < 4; i++) {
        const char *val = vigil_pipeline_string(p, keys[i]);
        snprintf(store[i], CLI_NOTE_MAX, "%s", val ? val : "");
        if (store[i][0] && strcmp(store[i], "none"))
            *dst[i] = store[i];
    }
}

int cli_model_extractor(const char *cmd, const vigil_monitor *m, vigil_extractor **ex)
{
    vigil_pipeline *p = NULL;
    *ex = NULL;
    int rc = vigil_monitor_get_pipeline(m, &p);
    if (rc == VIGIL_OK)
        rc = vigil_pipeline_create_extractor(p, ex);
    vigil_pipeline_destroy(p);
    return rc == VIGIL_OK ? CLI_OK : cli_error("%s: %s", cmd, vigil_last_error());
}
