/* Snapshot index tables: names and times of a logger's snapshot files (see vigil/snapshot.h). */
#include "vigil/snapshot.h"

#include "status.h"
#include "vigil/parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_MAX 10000000u
#define LINE_MAX_ 8192
#define DAY 86400.0

struct vigil_snapshot_index {
    size_t n, cap;
    char **name;
    double *t;
};

void vigil_snapshot_index_destroy(vigil_snapshot_index *idx)
{
    if (!idx)
        return;
    for (size_t i = 0; i < idx->n; i++)
        free(idx->name[i]);
    free(idx->name);
    free(idx->t);
    free(idx);
}

/* Split a line at tabs or commas (whichever the header used) into at most cap fields. */
static size_t split(char *line, char sep, char **field, size_t cap)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (n < cap) {
        field[n++] = p;
        char *e = strchr(p, sep);
        if (!e)
            break;
        *e = '\0';
        p = e + 1;
    }
    for (size_t i = 0; i < n; i++) {
        while (*field[i] == ' ')
            field[i]++;
        size_t l = strlen(field[i]);
        while (l && field[i][l - 1] == ' ')
            field[i][--l] = '\0';
    }
    return n;
}

/* HH:MM:SS[.frac] (hours 0..23) -> seconds since midnight; -1 if not a clock time. */
static double clock_time(const char *s)
{
    int v[3] = {0, 0, 0};
    const char *p = s;
    for (int k = 0; k < 3; k++) {
        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
            return -1.0;
        v[k] = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (k < 2 && *p++ != ':')
            return -1.0;
    }
    double frac = 0.0, scale = 0.1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1.0;
        while (isdigit((unsigned char)*p)) {
            frac += (*p++ - '0') * scale;
            scale *= 0.1;
        }
    }
    if (*p || v[0] > 23 || v[1] > 59 || v[2] > 60)
        return -1.0;
    return v[0] * 3600.0 + v[1] * 60.0 + v[2] + frac;
}

static int add_row(vigil_snapshot_index *idx, const char *name, double t)
{
    if (idx->n == idx->cap) {
        const size_t cap = idx->cap ? 2 * idx->cap : 1024;
        char **nn = realloc(idx->name, cap * sizeof *nn);
        if (nn)
            idx->name = nn;
        double *nt = realloc(idx->t, cap * sizeof *nt);
        if (nt)
            idx->t = nt;
        if (!nn || !nt)
            return vigil__status(VIGIL_ENOMEM);
        idx->cap = cap;
    }
    char *copy = malloc(strlen(name) + 1);
    if (!copy)
        return vigil__status(VIGIL_ENOMEM);
    strcpy(copy, name);
    idx->name[idx->n] = copy;
    idx->t[idx->n] = t;
    idx->n++;
    return VIGIL_OK;
}

static int parse_table(FILE *f, const char *path, vigil_snapshot_index *idx)
{
    static const size_t FIELDS = 64;
    char *line = malloc(LINE_MAX_), *field[64];
    if (!line)
        return vigil__status(VIGIL_ENOMEM);
    int rc = VIGIL_OK;
    size_t lineno = 0, col_name = FIELDS, col_time = FIELDS;
    char sep = '\t';
    int clock = -1; /* unknown until the first row: 1 clock times, 0 timestamps */
    double day = 0.0, prev = 0.0;
    while (rc == VIGIL_OK && fgets(line, LINE_MAX_, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = vigil__fail(VIGIL_EFORMAT, "%s:%zu: line too long", path, lineno);
            break;
        }
        if (lineno == 1) {
            sep = strchr(line, '\t') ? '\t' : ',';
            const size_t n = split(line, sep, field, FIELDS);
            for (size_t i = 0; i < n; i++) {
                if (strcmp(field[i], "snapshot") == 0)
                    col_name = i;
                else if (strcmp(field[i], "time") == 0)
                    col_time = i;
            }
            if (col_name == FIELDS || col_time == FIELDS)
                rc = vigil__fail(VIGIL_EFORMAT,
                                 "%s:1: an index needs the columns 'snapshot' and 'time'", path);
            continue;
        }
        const size_t n = split(line, sep, field, FIELDS);
        if (n == 1 && field[0][0] == '\0')
            continue; /* blank line */
        if (n <= col_name || n <= col_time || !field[col_name][0]) {
            rc = vigil__fail(VIGIL_EFORMAT, "%s:%zu: missing snapshot name or time", path,
                             lineno);
            break;
        }
        if (idx->n >= ROWS_MAX) {
            rc = vigil__fail(VIGIL_EFORMAT, "%s:%zu: more than %u rows", path, lineno, ROWS_MAX);
            break;
        }
        double t = clock_time(field[col_time]);
        const int is_clock = t >= 0.0;
        if (clock < 0)
            clock = is_clock;
        if (clock != is_clock) {
            rc = vigil__fail(VIGIL_EFORMAT, "%s:%zu: time '%.40s' %s", path, lineno,
                             field[col_time],
                             clock ? "is not a clock time HH:MM:SS like the first row's"
                                   : "is a clock time, the first row's is a timestamp");
            break;
        }
        if (clock) {
            /* a step back of more than 12 h is midnight passing; a smaller one is kept */
            if (idx->n && t + day < prev - 0.5 * DAY)
                day += DAY;
            t += day;
        } else if (vigil_parse_time(field[col_time], &t) != VIGIL_OK) {
            rc = vigil__fail(VIGIL_EFORMAT, "%s:%zu: bad time '%.40s'", path, lineno,
                             field[col_time]);
            break;
        }
        prev = t;
        rc = add_row(idx, field[col_name], t);
    }
    if (rc == VIGIL_OK && ferror(f))
        rc = vigil__fail(VIGIL_EIO, "%s: read error", path);
    if (rc == VIGIL_OK && lineno == 0)
        rc = vigil__fail(VIGIL_EFORMAT, "%s: empty file", path);
    else if (rc == VIGIL_OK && col_name != FIELDS && idx->n == 0)
        rc = vigil__fail(VIGIL_EFORMAT, "%s: no snapshots listed", path);
    free(line);
    return rc;
}

int vigil_snapshot_index_load(const char *path, vigil_snapshot_index **out)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    if (!path)
        return vigil__status(VIGIL_EINVAL);
    FILE *f = fopen(path, "r");
    if (!f)
        return vigil__fail(VIGIL_EIO, "%s: cannot open: %s", path, strerror(errno));
    vigil_snapshot_index *idx = calloc(1, sizeof *idx);
    int rc = idx ? parse_table(f, path, idx) : vigil__status(VIGIL_ENOMEM);
    fclose(f);
    if (rc) {
        vigil_snapshot_index_destroy(idx);
        return rc;
    }
    *out = idx;
    return VIGIL_OK;
}

size_t vigil_snapshot_index_count(const vigil_snapshot_index *idx)
{
    return idx ? idx->n : 0;
}

const char *vigil_snapshot_index_name(const vigil_snapshot_index *idx, size_t i)
{
    return idx && i < idx->n ? idx->name[i] : NULL;
}

double vigil_snapshot_index_time(const vigil_snapshot_index *idx, size_t i)
{
    return idx && i < idx->n ? idx->t[i] : NAN;
}

int vigil_snapshot_index_find(const vigil_snapshot_index *idx, const char *name)
{
    if (!idx || !name)
        return vigil__status(VIGIL_EINVAL);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (size_t i = 0; i < idx->n; i++)
        if (strcmp(idx->name[i], name) == 0 || strcmp(idx->name[i], base) == 0)
            return (int)i;
    return vigil__fail(VIGIL_ENOTFOUND, "snapshot '%.200s' is not in the index", name);
}
