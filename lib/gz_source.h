/* Internal: the bytes of a plain or gzip file (any number of members), for the CSV reader.
 * Compression is detected from the first two bytes (1f 8b), not the name. Every byte after a
 * gzip member must start another member: anything else, a damaged member and a member cut
 * short are errors, never a silently shorter file. */
#ifndef VIGIL_LIB_GZ_SOURCE_H
#define VIGIL_LIB_GZ_SOURCE_H

#include <stddef.h>

typedef struct vigil__source vigil__source;

/* Open path ("-" for a duplicate of standard input, which stays open). VIGIL_OK, VIGIL_EIO or
 * VIGIL_ENOMEM (message names the path). */
int vigil__source_open(const char *path, vigil__source **out);
/* Up to cap (<= 2^31) decompressed bytes into buf: the count, 0 at the end, or a negative
 * status: VIGIL_EIO (errno set), VIGIL_EFORMAT (*why says what is wrong) or VIGIL_ENOMEM. No
 * message is recorded: the caller knows the line. */
long vigil__source_read(vigil__source *s, void *buf, size_t cap, const char **why);
void vigil__source_close(vigil__source *s);
/* 1 if the source is a regular file of at least min_bytes holding gzip data (worth inflating on
 * a thread of its own; a pipe could block it), else 0. Reads the first bytes; call before the
 * first read. */
int vigil__source_gzip_file(vigil__source *s, long long min_bytes);

#endif
