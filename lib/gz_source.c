/* A byte source that is a plain file or a gzip file of one or more members (see gz_source.h).
 * zlib's gzread was used before: after a member it takes anything that is not another gzip
 * header for trailing garbage and ignores it silently, so a second member whose first byte was
 * damaged dropped half a recording without an error (issue 17). Here every byte after a member
 * must start another member. */
#include "gz_source.h"

#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { MODE_UNKNOWN, MODE_PLAIN, MODE_GZIP };

struct vigil__source {
    int fd;
    int mode;
    int eof;       /* the descriptor reported its end */
    int in_member; /* inside a gzip member (inflate started) */
    int zinit;
    size_t members;
    z_stream z;
    size_t pos, len; /* unread bytes in[pos..len) */
    unsigned char in[65536];
};

int vigil__source_open(const char *path, vigil__source **out)
{
    *out = NULL;
    vigil__source *s = calloc(1, sizeof *s);
    if (!s)
        return vigil__status(VIGIL_ENOMEM);
    s->fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        int rc = vigil__fail(errno == ENOMEM ? VIGIL_ENOMEM : VIGIL_EIO, "%s: cannot open: %s",
                             path, strerror(errno));
        free(s);
        return rc;
    }
    *out = s;
    return VIGIL_OK;
}

void vigil__source_close(vigil__source *s)
{
    if (!s)
        return;
    if (s->zinit)
        inflateEnd(&s->z);
    close(s->fd);
    free(s);
}

/* Read more raw bytes after the unread ones (moved to the front). 1 if some came, 0 at the
 * end, -1 on an error (errno set). */
static int fill(vigil__source *s)
{
    if (s->eof)
        return 0;
    if (s->pos > 0) {
        memmove(s->in, s->in + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->pos = 0;
    }
    for (;;) {
        ssize_t got = read(s->fd, s->in + s->len, sizeof s->in - s->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0) {
            s->eof = 1;
            return 0;
        }
        s->len += (size_t)got;
        return 1;
    }
}

/* At least n unread bytes, unless the input ends first. -1 on a read error. */
static int want(vigil__source *s, size_t n)
{
    while (s->len - s->pos < n) {
        int f = fill(s);
        if (f <= 0)
            return f;
    }
    return 1;
}

static int is_gzip_magic(const vigil__source *s)
{
    return s->len - s->pos >= 2 && s->in[s->pos] == 0x1f && s->in[s->pos + 1] == 0x8b;
}

long vigil__source_read(vigil__source *s, void *buf, size_t cap, const char **why)
{
    *why = NULL;
    if (s->mode == MODE_UNKNOWN) {
        if (want(s, 2) < 0)
            return VIGIL_EIO;
        s->mode = is_gzip_magic(s) ? MODE_GZIP : MODE_PLAIN;
    }
    if (s->mode == MODE_PLAIN) {
        if (s->pos == s->len) {
            s->pos = s->len = 0;
            int f = fill(s);
            if (f < 0)
                return VIGIL_EIO;
            if (f == 0)
                return 0;
        }
        size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
        memcpy(buf, s->in + s->pos, n);
        s->pos += n;
        return (long)n;
    }
    size_t produced = 0;
    while (produced == 0) {
        if (!s->in_member) {
            /* between members: the end of the input, or the start of another member */
            int w = want(s, 2);
            if (w < 0)
                return VIGIL_EIO;
            if (s->pos == s->len)
                return 0;
            if (!is_gzip_magic(s)) {
                *why = s->members ? "corrupt gzip data: bytes after a member that are not a "
                                    "gzip member (damaged member header or trailing garbage)"
                                  : "corrupt gzip data";
                return VIGIL_EFORMAT;
            }
            int zrc = s->zinit ? inflateReset2(&s->z, 15 + 16) : inflateInit2(&s->z, 15 + 16);
            if (zrc != Z_OK)
                return zrc == Z_MEM_ERROR ? VIGIL_ENOMEM : VIGIL_EFORMAT;
            s->zinit = 1;
            s->in_member = 1;
        }
        if (s->pos == s->len) {
            int f = fill(s);
            if (f < 0)
                return VIGIL_EIO;
            if (f == 0) {
                *why = "truncated gzip data (the input ends inside a member)";
                return VIGIL_EFORMAT;
            }
        }
        s->z.next_in = s->in + s->pos;
        s->z.avail_in = (uInt)(s->len - s->pos);
        s->z.next_out = (unsigned char *)buf + produced;
        s->z.avail_out = (uInt)(cap - produced);
        int zrc = inflate(&s->z, Z_NO_FLUSH);
        s->pos = s->len - s->z.avail_in;
        produced = cap - s->z.avail_out;
        if (zrc == Z_STREAM_END) {
            s->in_member = 0;
            s->members++;
        } else if (zrc == Z_MEM_ERROR) {
            return VIGIL_ENOMEM;
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            *why = "corrupt gzip data (a damaged member)";
            return VIGIL_EFORMAT;
        }
    }
    return (long)produced;
}

int vigil__source_gzip_file(vigil__source *s, long long min_bytes)
{
    struct stat st;
    if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode) || (long long)st.st_size < min_bytes)
        return 0;
    if (s->mode == MODE_UNKNOWN) {
        if (want(s, 2) < 0)
            return 0; /* the error comes again at the first read */
        s->mode = is_gzip_magic(s) ? MODE_GZIP : MODE_PLAIN;
    }
    return s->mode == MODE_GZIP;
}
