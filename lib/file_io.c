/* Whole-file writes that replace a file atomically and durably (see file_io.h). */
#include "file_io.h"

#include "model_io.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#  define O_CLOEXEC 0
#endif
#ifndef O_NOFOLLOW
#  define O_NOFOLLOW 0
#endif

/* 64 unpredictable bits for a temporary name: the kernel's random source, or (if it cannot be
 * read) a mix of the clock, the process id, a counter and an address. The name only needs to be
 * hard to guess: O_EXCL is what makes the file ours. */
static uint64_t name_bits(void)
{
    uint64_t v = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t got = read(fd, &v, sizeof v);
        close(fd);
        if (got == (ssize_t)sizeof v)
            return v;
    }
    static _Atomic unsigned counter;
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 17) ^
        (uint64_t)(uintptr_t)&v ^ ((uint64_t)++counter << 48);
    v ^= v >> 31; /* splitmix64's finaliser */
    v *= 0xbf58476d1ce4e5b9u;
    v ^= v >> 27;
    v *= 0x94d049bb133111ebu;
    return v ^ (v >> 31);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync the folder holding path, so that the rename itself survives a power cut. */
static int sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (!slash) {
        dir = malloc(2);
        if (dir)
            memcpy(dir, ".", 2);
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        dir = malloc(len + 1);
        if (dir) {
            memcpy(dir, path, len);
            dir[len] = 0;
        }
    }
    if (!dir)
        return vigil__status(VIGIL_ENOMEM);
    int rc = VIGIL_OK;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = vigil__fail(VIGIL_EIO, "%s: saved, but cannot open its folder %s to sync it: %s",
                         path, dir, strerror(errno));
    } else {
        /* Some file systems cannot sync a folder (EINVAL): the rename is all they offer. */
        if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
            rc = vigil__fail(VIGIL_EIO, "%s: saved, but syncing folder %s failed: %s", path,
                             dir, strerror(errno));
        close(fd);
    }
    free(dir);
    return rc;
}

int vigil__file_replace(const char *path, const void *data, size_t n)
{
    const size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return vigil__status(VIGIL_ENOMEM);
    int fd = -1;
    for (int attempt = 0; attempt < 64 && fd < 0; attempt++) {
        snprintf(tmp, plen + 32, "%s.tmp-%016llx", path, (unsigned long long)name_bits());
        /* O_EXCL: never an existing file, never through a planted symlink (O_EXCL fails on
         * one, dangling or not); the mode honours the umask like fopen's would. */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int rc = vigil__fail(VIGIL_EIO, "%s: cannot create a temporary file beside it: %s", path,
                             strerror(errno));
        free(tmp);
        return rc;
    }
    int ok = write_all(fd, data, n) == 0 && fsync(fd) == 0;
    int err = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(tmp);
        int rc = vigil__fail(VIGIL_EIO, "%s: write failed: %s", tmp, strerror(err ? err : EIO));
        free(tmp);
        return rc;
    }
    /* rename() replaces PATH atomically: readers see the old file or the new, never half. */
    if (rename(tmp, path) != 0) {
        int rc = vigil__fail(VIGIL_EIO, "%s: cannot rename to %s: %s", tmp, path,
                             strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return sync_folder(path);
}

/* read() until n bytes or end of file; returns the count, or -1 on an error. */
static ssize_t read_full(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int vigil__model_file_read(const char *path, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vigil__fail(VIGIL_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char head[VIGIL__MODEL_HEADER];
    unsigned char *b = NULL;
    uint64_t total = 0;
    int rc = VIGIL_OK;
    ssize_t got = read_full(fd, head, sizeof head);
    if (got < 0) {
        rc = vigil__fail(VIGIL_EIO, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    /* The header first: its checks (magic, CRC, lengths, expansion ratio) decide how much to
     * read, so /dev/zero or a huge foreign file is rejected after 44 bytes. */
    if (vigil__model_header_check(head, (size_t)got, &total) != VIGIL_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        rc = vigil__fail(VIGIL_EFORMAT, "%s: %s", path, msg);
        goto done;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size != total) {
        rc = vigil__fail(VIGIL_EFORMAT, "%s: vigil model is truncated or has trailing bytes "
                         "(%lld bytes, header says %llu)", path, (long long)st.st_size,
                         (unsigned long long)total);
        goto done;
    }
    b = malloc((size_t)total + 1);
    if (!b) {
        rc = vigil__status(VIGIL_ENOMEM);
        goto done;
    }
    memcpy(b, head, sizeof head);
    /* one byte more than the header says: a longer stream (a pipe, a growing file) is caught */
    got = read_full(fd, b + sizeof head, (size_t)total + 1 - sizeof head);
    if (got < 0) {
        rc = vigil__fail(VIGIL_EIO, "%s: read error: %s", path, strerror(errno));
    } else if ((uint64_t)got != total - sizeof head) {
        rc = vigil__fail(VIGIL_EFORMAT, "%s: vigil model is truncated or has trailing bytes "
                         "(header says %llu bytes)", path, (unsigned long long)total);
    }
done:
    close(fd);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    *out_len = (size_t)total;
    return VIGIL_OK;
}

int vigil__model_file_blame(const char *path, int rc)
{
    if (rc == VIGIL_EFORMAT || rc == VIGIL_ENOTFOUND) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s", vigil_last_error());
        vigil__fail(rc, "%s: %s", path, msg);
    }
    return rc;
}
