/* Internal: whole files replaced atomically and durably. */
#ifndef VIGIL_LIB_FILE_IO_H
#define VIGIL_LIB_FILE_IO_H

#include <stddef.h>

/* Replace `path` with the n bytes of data: write them to a new temporary file beside it
 * (PATH.tmp-<16 random hex digits>, created with O_CREAT | O_EXCL, so never an existing file or
 * a planted symlink, and never shared by two concurrent saves), fsync it, rename it over `path`
 * and fsync the folder. On failure the temporary file is removed and `path` is untouched.
 * Returns VIGIL_OK, VIGIL_EIO or VIGIL_ENOMEM, with a message naming the file. */
int vigil__file_replace(const char *path, const void *data, size_t n);

#endif
