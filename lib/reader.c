/* CSV / gzip-CSV reader for recorded data. gz_source.c reads plain files and gzip files of any
 * number of members alike (a damaged member is an error, never a silently shorter file), so one
 * code path serves both; compression is detected from the bytes, not the file name.
 *
 * A gzip file on disk (32 KiB or more) is inflated by a thread of its own, a few blocks ahead of the parser, through
 * a bounded ring (inflater below): on the CWRU files inflating was 45 % of `vigil features` and
 * parsing the rest, so on two cores the two overlap. Plain files and standard input are read on
 * the caller's thread (a pipe could block the thread and with it vigil_reader_close()). */
#include "vigil/reader.h"

#include "vigil/parse.h"
#include "gz_source.h"
#include "parse.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <unistd.h>

#define LINE_MAX_BYTES (16u << 20) /* a longer line is a corrupt file, not data */
#define BLOCK_BYTES 65536
#define RING_BLOCKS 4 /* the inflater's lead over the parser: 256 KiB */
/* Smaller gzip files are inflated on the caller's thread: they take well under a millisecond,
 * less than a thread and its ring cost to set up (230 us per open of a 2 KB file with them). The
 * threads test's file (36 KB) is above it, so the race checkers see the inflater. */
#define THREAD_MIN_BYTES (32 << 10)

/* One read of the source into data, and its account when it returned no data: made on whichever
 * thread inflates, turned into a status on the reader's (block_status()). */
typedef struct block {
    long got;         /* vigil__source_read's result: bytes, 0 at the end, < 0 a status */
    int err_no;       /* errno, when got is VIGIL_EIO */
    const char *why;  /* what is wrong, when got is VIGIL_EFORMAT (a static string) */
    unsigned char data[BLOCK_BYTES + 1]; /* + a NUL after the bytes read: fast_row()'s stop */
} block;

/* The inflating thread and its ring: ring[head .. head + count) are inflated blocks in file
 * order; the reader parses ring[head] while it holds it, the thread fills ring[head + count]. The
 * thread stops after a block with got <= 0, or when told to. */
typedef struct inflater {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    vigil__source *src;
    block *ring;
    size_t head, count;
    int holding, stop;
} inflater;

struct vigil_reader {
    vigil__source *src;
    char *path;          /* for messages */
    char *line;
    size_t linecap;
    size_t lineno;       /* 1-based number of the last line read */
    size_t ncols;
    char **names;
    double *row;         /* the last parsed row */
    long time_col;       /* -1: none */
    int missing_nan;     /* empty, NaN, NA and null fields read as NaN (set_missing) */
    size_t rows_read;
    int status;          /* sticky failure: once a file is bad, it stays bad */
    int eof;
    inflater *inf;       /* NULL: read on this thread, into own */
    const unsigned char *in; /* the current block's bytes */
    size_t ipos, ilen;   /* unread part of in */
    block *own;
};

static void inflate_block(vigil__source *src, block *b)
{
    errno = 0;
    b->got = vigil__source_read(src, b->data, BLOCK_BYTES, &b->why);
    b->err_no = errno;
    b->data[b->got > 0 ? b->got : 0] = '\0';
}

/* 1 with data, 0 at the end, or a negative status (with the message) for block b. */
static int block_status(const vigil_reader *r, const block *b)
{
    if (b->got == VIGIL_EIO)
        return vigil__fail(VIGIL_EIO, "%s:%zu: %s", r->path, r->lineno + 1,
                           strerror(b->err_no));
    if (b->got == VIGIL_EFORMAT)
        return vigil__fail(VIGIL_EFORMAT, "%s:%zu: %s", r->path, r->lineno + 1,
                           b->why ? b->why : "corrupt gzip data");
    if (b->got < 0)
        return vigil__status((int)b->got);
    return b->got > 0;
}

static void *inflate_ahead(void *arg)
{
    inflater *f = arg;
    pthread_mutex_lock(&f->lock);
    for (;;) {
        while (!f->stop && f->count == RING_BLOCKS)
            pthread_cond_wait(&f->cond, &f->lock);
        if (f->stop)
            break;
        block *b = &f->ring[(f->head + f->count) % RING_BLOCKS]; /* never the held block */
        pthread_mutex_unlock(&f->lock);
        inflate_block(f->src, b);
        pthread_mutex_lock(&f->lock);
        f->count++;
        pthread_cond_broadcast(&f->cond);
        if (b->got <= 0)
            break; /* the end or an error: nothing follows */
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* The next block from the inflater: hand back the one parsed, wait for the next. The last block
 * (got <= 0) is kept, so that asking again gives the same answer. */
static const block *inflater_next(inflater *f)
{
    pthread_mutex_lock(&f->lock);
    if (f->holding && f->ring[f->head].got > 0) {
        f->head = (f->head + 1) % RING_BLOCKS;
        f->count--;
        f->holding = 0;
        pthread_cond_broadcast(&f->cond);
    }
    while (f->count == 0)
        pthread_cond_wait(&f->cond, &f->lock);
    f->holding = 1;
    const block *b = &f->ring[f->head];
    pthread_mutex_unlock(&f->lock);
    return b;
}

/* Start reading src on a thread of its own. NULL (and the caller reads on its own thread) if
 * memory or a thread is not to be had. */
static inflater *inflater_start(vigil__source *src)
{
    inflater *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->src = src;
    f->ring = malloc(RING_BLOCKS * sizeof *f->ring);
    int locks = 0;
    if (f->ring && pthread_mutex_init(&f->lock, NULL) == 0) {
        locks = 1;
        if (pthread_cond_init(&f->cond, NULL) == 0) {
            locks = 2;
            if (pthread_create(&f->thread, NULL, inflate_ahead, f) == 0)
                return f;
        }
    }
    if (locks == 2)
        pthread_cond_destroy(&f->cond);
    if (locks >= 1)
        pthread_mutex_destroy(&f->lock);
    free(f->ring);
    free(f);
    return NULL;
}

static void inflater_stop(inflater *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = 1;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL); /* a regular file: its read ends */
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    free(f->ring);
    free(f);
}

/* Refill the input block. Returns 1 with data, 0 at the end, or a negative status. */
static int refill(vigil_reader *r)
{
    const block *b;
    if (r->inf) {
        b = inflater_next(r->inf);
    } else {
        inflate_block(r->src, r->own);
        b = r->own;
    }
    const int rc = block_status(r, b);
    if (rc < 0)
        return rc;
    r->in = b->data;
    r->ipos = 0;
    r->ilen = rc ? (size_t)b->got : 0;
    return rc;
}

/* Read one line into r->line without its line ending. Returns 1 on a line, 0 at the end, or a
 * negative status. Reads blocks itself (rather than gzgets) so that a NUL byte, a sign of a
 * binary or corrupt file, is seen and reported instead of silently cutting the line. */
static int read_line(vigil_reader *r)
{
    size_t len = 0;
    int any = 0;
    for (;;) {
        if (r->ipos == r->ilen) {
            int rc = refill(r);
            if (rc < 0)
                return rc;
            if (rc == 0)
                break;
        }
        const unsigned char *start = r->in + r->ipos;
        const unsigned char *nl = memchr(start, '\n', r->ilen - r->ipos);
        size_t chunk = nl ? (size_t)(nl - start) : r->ilen - r->ipos;
        if (memchr(start, '\0', chunk))
            return vigil__fail(VIGIL_EFORMAT, "%s:%zu: NUL byte: not a text file", r->path,
                               r->lineno + 1);
        if (len + chunk + 1 > r->linecap) {
            if (len + chunk + 1 > LINE_MAX_BYTES)
                return vigil__fail(VIGIL_EFORMAT, "%s:%zu: line longer than %u bytes", r->path,
                                   r->lineno + 1, LINE_MAX_BYTES);
            size_t cap = r->linecap ? r->linecap : 4096;
            while (cap < len + chunk + 1)
                cap *= 2;
            char *p = realloc(r->line, cap);
            if (!p)
                return vigil__status(VIGIL_ENOMEM);
            r->line = p;
            r->linecap = cap;
        }
        memcpy(r->line + len, start, chunk);
        len += chunk;
        any = 1;
        r->ipos += chunk + (nl != NULL);
        if (nl)
            break;
    }
    if (!any)
        return 0;
    r->lineno++;
    while (len > 0 && r->line[len - 1] == '\r')
        len--;
    r->line[len] = '\0';
    return 1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

static int read_header(vigil_reader *r)
{
    int rc = read_line(r);
    if (rc < 0)
        return rc;
    /* A UTF-8 byte order mark (spreadsheets write one) is not part of the first name. */
    char *line = r->line;
    if (rc > 0 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
        (unsigned char)line[2] == 0xBF)
        line += 3;
    if (rc == 0 || line[0] == '\0')
        return vigil__fail(VIGIL_EFORMAT, "%s: empty file (expected a header row of column names)",
                           r->path);
    size_t n = 1;
    for (const char *p = line; *p; p++)
        n += *p == ',';
    r->names = calloc(n, sizeof *r->names);
    r->row = malloc(n * sizeof *r->row);
    if (!r->names || !r->row)
        return vigil__status(VIGIL_ENOMEM);
    r->ncols = n;
    char *p = line;
    for (size_t i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        const char *name = trim(p);
        if (*name == '\0')
            return vigil__fail(VIGIL_EFORMAT, "%s:1: column %zu has an empty name", r->path, i);
        r->names[i] = malloc(strlen(name) + 1);
        if (!r->names[i])
            return vigil__status(VIGIL_ENOMEM);
        strcpy(r->names[i], name);
        p = comma ? comma + 1 : p;
    }
    return VIGIL_OK;
}

int vigil_reader_open(const char *path, vigil_reader **out)
{
    if (!path || !out)
        return vigil__status(VIGIL_EINVAL);
    *out = NULL;
    vigil_reader *r = calloc(1, sizeof *r);
    if (!r)
        return vigil__status(VIGIL_ENOMEM);
    r->time_col = -1;
    r->path = malloc(strlen(path) + 1);
    if (!r->path) {
        free(r);
        return vigil__status(VIGIL_ENOMEM);
    }
    strcpy(r->path, path);
    int rc = vigil__source_open(path, &r->src);
    if (rc == VIGIL_OK) {
        /* a gzip file on disk is worth a thread; a pipe could block it (see the top) */
        if (vigil__source_gzip_file(r->src, THREAD_MIN_BYTES))
            r->inf = inflater_start(r->src);
        if (!r->inf)
            r->own = malloc(sizeof *r->own);
        rc = r->inf || r->own ? read_header(r) : vigil__status(VIGIL_ENOMEM);
    }
    if (rc != VIGIL_OK) {
        vigil_reader_close(r);
        return rc;
    }
    *out = r;
    return VIGIL_OK;
}

void vigil_reader_close(vigil_reader *r)
{
    if (!r)
        return;
    inflater_stop(r->inf); /* before closing the source: the thread reads from it */
    vigil__source_close(r->src);
    free(r->own);
    if (r->names)
        for (size_t i = 0; i < r->ncols; i++)
            free(r->names[i]);
    free(r->names);
    free(r->row);
    free(r->line);
    free(r->path);
    free(r);
}

size_t vigil_reader_column_count(const vigil_reader *r)
{
    return r ? r->ncols : 0;
}

const char *vigil_reader_column_name(const vigil_reader *r, size_t i)
{
    return r && i < r->ncols ? r->names[i] : NULL;
}

int vigil_reader_find_column(const vigil_reader *r, const char *spec)
{
    if (!r || !spec)
        return vigil__status(VIGIL_EINVAL);
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->names[i], spec) == 0)
            return (int)i;
    if (*spec && strspn(spec, "0123456789") == strlen(spec) && strlen(spec) < 10) {
        size_t i = (size_t)strtoul(spec, NULL, 10);
        if (i < r->ncols)
            return (int)i;
    }
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < r->ncols && used < sizeof list - 8; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", r->names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return vigil__fail(VIGIL_ENOTFOUND, "%s: no column '%s' (columns: %s)", r->path, spec, list);
}

int vigil_reader_set_time_column(vigil_reader *r, size_t col)
{
    if (!r || col >= r->ncols)
        return vigil__status(VIGIL_EINVAL);
    if (r->rows_read > 0)
        return vigil__fail(VIGIL_ESTATE, "%s: set the time column before reading", r->path);
    r->time_col = (long)col;
    return VIGIL_OK;
}

/* An empty field, or NaN / NA / null in any case, surrounded by blanks or quotes: what
 * historians and spreadsheets write for a value they do not have. */
static int is_missing(const char *p)
{
    static const char *const words[] = {"", "nan", "na", "null"};
    p += strspn(p, " \t\"");
    size_t n = strcspn(p, " \t\"\r");
    if (p[n + strspn(p + n, " \t\"\r")] != '\0')
        return 0;
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        if (strlen(words[w]) == n && strncasecmp(p, words[w], n) == 0)
            return 1;
    return 0;
}

int vigil_reader_set_missing(vigil_reader *r, int as_nan)
{
    if (!r || (as_nan != 0 && as_nan != 1))
        return vigil__status(VIGIL_EINVAL);
    r->missing_nan = as_nan;
    return VIGIL_OK;
}

/* Spaces and tabs only (inline: a libc call per line was 3 % of reading the CWRU files). */
static int is_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

/* The common line, parsed where it lies in the input block: plain numbers (vigil__parse_plain)
 * separated by single commas, the last one followed by \n or \r\n, all before the block's
 * end. Returns 1 with the row in r->row and the line consumed, or 0 having consumed nothing:
 * then read_line() and the field loop of next_row() take the line, with every rule and message
 * (blanks, quotes, strtod's numbers, a line across two blocks, a NUL, a wrong field count). The
 * copy, the line-end and NUL searches and the comma search were a third of reading the CWRU
 * files. The block's NUL after its bytes stops a number and a line that runs to its end. */
static int fast_row(vigil_reader *r)
{
    if (!r->in || r->time_col >= 0 || r->missing_nan)
        return 0;
    const char *p = (const char *)r->in + r->ipos;
    for (size_t i = 0; i < r->ncols; i++) {
        const char *end;
        if (!vigil__parse_plain(p, &r->row[i], &end))
            return 0;
        if (i + 1 < r->ncols) {
            if (*end != ',')
                return 0;
        } else {
            end += *end == '\r';
            if (*end != '\n')
                return 0;
        }
        p = end + 1;
    }
    r->ipos = (size_t)((const unsigned char *)p - r->in);
    r->lineno++;
    r->rows_read++;
    return 1;
}

/* Read and parse the next data row into r->row. Returns 1, 0 at the end, or a status. */
static int next_row(vigil_reader *r)
{
    if (r->status)
        return r->status;
    if (r->eof)
        return 0;
    if (fast_row(r))
        return 1;
    int rc;
    do {
        rc = read_line(r);
    } while (rc == 1 && is_blank(r->line)); /* blank lines carry nothing */
    if (rc == 0) {
        r->eof = 1;
        if (r->rows_read == 0)
            return r->status = vigil__fail(VIGIL_ENODATA, "%s: no data rows after the header",
                                           r->path);
        return 0;
    }
    if (rc < 0)
        return r->status = rc;
    char *p = r->line;
    for (size_t i = 0; i < r->ncols; i++) {
        char *comma = strchr(p, ',');
        if (!comma && i + 1 < r->ncols)
            return r->status = vigil__fail(VIGIL_EFORMAT,
                                           "%s:%zu: %zu fields, the header has %zu", r->path,
                                           r->lineno, i + 1, r->ncols);
        if (comma && i + 1 == r->ncols) {
            size_t n = r->ncols + 1;
            for (const char *q = comma + 1; *q; q++)
                n += *q == ',';
            return r->status = vigil__fail(VIGIL_EFORMAT,
                                           "%s:%zu: %zu fields, the header has %zu", r->path,
                                           r->lineno, n, r->ncols);
        }
        if (comma)
            *comma = '\0';
        const int is_time = (long)i == r->time_col;
        if (r->missing_nan && is_missing(p)) {
            r->row[i] = NAN;
            p = comma ? comma + 1 : p;
            continue;
        }
        int prc = is_time ? vigil_parse_time(p, &r->row[i]) : vigil_parse_number(p, &r->row[i]);
        if (prc != VIGIL_OK)
            return r->status = vigil__fail(VIGIL_EFORMAT, "%s:%zu: bad %s '%.40s' in column %zu ('%s')",
                                           r->path, r->lineno, is_time ? "timestamp" : "number",
                                           p, i, r->names[i]);
        p = comma ? comma + 1 : p;
    }
    r->rows_read++;
    return 1;
}

int vigil_reader_read_column(vigil_reader *r, size_t col, double *out, size_t cap, size_t *n)
{
    if (n)
        *n = 0;
    if (!r || !out || !n || col >= (r ? r->ncols : 0))
        return vigil__status(VIGIL_EINVAL);
    size_t count = 0;
    while (count < cap) {
        int rc = next_row(r);
        if (rc < 0) {
            *n = count;
            return rc;
        }
        if (rc == 0)
            break;
        out[count++] = r->row[col];
    }
    *n = count;
    return VIGIL_OK;
}

int vigil_reader_read_rows(vigil_reader *r, double *out, size_t cap_rows, size_t *rows)
{
    if (rows)
        *rows = 0;
    if (!r || !out || !rows)
        return vigil__status(VIGIL_EINVAL);
    size_t count = 0;
    while (count < cap_rows) {
        int rc = next_row(r);
        if (rc < 0) {
            *rows = count;
            return rc;
        }
        if (rc == 0)
            break;
        memcpy(out + count * r->ncols, r->row, r->ncols * sizeof *out);
        count++;
    }
    *rows = count;
    return VIGIL_OK;
}

size_t vigil_reader_line(const vigil_reader *r)
{
    return r ? r->lineno : 0;
}
