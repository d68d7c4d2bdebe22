/* Snapshot histories and remaining-life options (see cli_snapshot.h). */
#include "cli_snapshot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_snap_opt(const char *cmd, int c, const char *arg, cli_snap *s)
{
    switch (c) {
    case CLI_OPT_INTERVAL:
        if (!cli_parse_double(cmd, "--interval", arg, &s->interval))
            return -1;
        if (!(s->interval > 0.0) || !isfinite(s->interval))
            return cli_usage_error(cmd, "--interval needs seconds > 0, got '%s'", arg), -1;
        return 1;
    case CLI_OPT_INDEX: s->index_path = arg; return 1;
    case CLI_OPT_PRIOR: s->prior_path = arg; return 1;
    case CLI_OPT_RUL_POINT:
        if (!cli_parse_double(cmd, "--rul-point", arg, &s->rul_point))
            return -1;
        if (!(s->rul_point >= 0.01 && s->rul_point <= 0.99))
            return cli_usage_error(cmd, "--rul-point needs a quantile in 0.01..0.99, got '%s'",
                                   arg), -1;
        return 1;
    case CLI_OPT_ONSET: {
        double b = 0.0;
        s->onset_rise = 0.6931471805599453; /* the library's defaults (docs/PROGNOSIS.md) */
        s->onset_h = 5.0;
        const int n = sscanf(arg, "%lf,%lf,%lf", &b, &s->onset_rise, &s->onset_h);
        if ((n != 1 && n != 3) || !(b >= 5.0 && b <= 100000.0) || b != (double)(size_t)b)
            return cli_usage_error(cmd, "--onset needs B[,RISE,H] with B 5..100000, got '%s'",
                                   arg), -1;
        s->onset_baseline = (size_t)b;
        return 1;
    }
    case CLI_OPT_FAILURE: {
        const char *colon = strrchr(arg, ':');
        if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof s->feature_buf)
            return cli_usage_error(cmd, "--failure needs FEATURE:LEVEL, got '%s'", arg), -1;
        memcpy(s->feature_buf, arg, (size_t)(colon - arg));
        s->feature_buf[colon - arg] = '\0';
        if (!cli_parse_double(cmd, "--failure LEVEL", colon + 1, &s->level))
            return -1;
        s->feature = s->feature_buf;
        return 1;
    }
    default: return 0;
    }
}

int cli_snap_active(const cli_snap *s)
{
    return s->interval > 0.0 || s->index_path;
}

/* Samples of one column of a file (the first snapshot's length is the default frame). */
static int count_samples(const char *path, const char *column, size_t *n)
{
    vigil_reader *r = NULL;
    int col;
    if (vigil_reader_open(path, &r) != VIGIL_OK ||
        (col = vigil_reader_find_column(r, column ? column : "0")) < 0) {
        vigil_reader_close(r);
        return cli_error("%s", vigil_last_error());
    }
    double buf[4096];
    size_t got = 0, total = 0;
    int rc;
    while ((rc = vigil_reader_read_column(r, (size_t)col, buf, 4096, &got)) == VIGIL_OK && got)
        total += got;
    vigil_reader_close(r);
    if (rc != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    *n = total;
    return CLI_OK;
}

int cli_snap_open(const char *cmd, cli_snap *s, const char *column, const char *first_file,
                  size_t *frame)
{
    if (s->interval > 0.0 && s->index_path)
        return cli_usage_error(cmd, "give --interval or --index, not both");
    if (s->index_path && vigil_snapshot_index_load(s->index_path, &s->idx) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    if (*frame == 0) {
        size_t n = 0;
        if (count_samples(first_file, column, &n) != CLI_OK)
            return CLI_FAIL;
        if (n < 4)
            return cli_error("%s: %zu samples: too short for a frame", first_file, n);
        *frame = n;
    }
    return CLI_OK;
}

int cli_snap_time(cli_snap *s, const char *path, double *t0)
{
    const size_t k = s->files++;
    if (!s->idx) {
        *t0 = s->t_base + (double)k * s->interval;
        return CLI_OK;
    }
    const int row = vigil_snapshot_index_find(s->idx, path);
    if (row < 0)
        return cli_error("%s: %s", s->index_path, vigil_last_error());
    *t0 = vigil_snapshot_index_time(s->idx, (size_t)row);
    return CLI_OK;
}

void cli_snap_close(cli_snap *s)
{
    vigil_snapshot_index_destroy(s->idx);
    s->idx = NULL;
}

vigil_prognoser *cli_snap_prognoser(const char *cmd, const cli_snap *s)
{
    vigil_prognoser *p = NULL;
    vigil_prognosis_prior *prior = NULL;
    if (vigil_prognoser_create(s->feature, s->level, &p) != VIGIL_OK ||
        (s->onset_baseline && vigil_prognoser_set_onset(p, s->onset_baseline, s->onset_rise,
                                                        s->onset_h) != VIGIL_OK) ||
        (s->rul_point > 0.0 && vigil_prognoser_set_point(p, s->rul_point) != VIGIL_OK) ||
        (s->prior_path && (vigil_prognosis_prior_load_file(s->prior_path, &prior) != VIGIL_OK ||
                           vigil_prognoser_set_prior(p, prior) != VIGIL_OK))) {
        cli_error("%s: %s", cmd, vigil_last_error());
        vigil_prognoser_destroy(p);
        p = NULL;
    }
    vigil_prognosis_prior_destroy(prior);
    return p;
}

void cli_print_rul(FILE *f, const vigil_prognoser *p)
{
    double v[3];
    if (!p || vigil_prognoser_rul(p, &v[0], &v[1], &v[2]) != VIGIL_OK) {
        fputs(",,,", f);
        return;
    }
    for (int i = 0; i < 3; i++) {
        fputc(',', f);
        if (isinf(v[i]))
            fputs("inf", f);
        else
            cli_print_double(f, v[i]);
    }
}
