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

/* Read a saved model's file: its header first (vigil__model_header_check), then exactly the
 * length the header gives, which must be the whole file. *out is malloc'ed. Returns VIGIL_OK,
 * VIGIL_EIO, VIGIL_EFORMAT (message names the file) or VIGIL_ENOMEM. */
int vigil__model_file_read(const char *path, unsigned char **out, size_t *out_len);

/* rc of a loader that refused the bytes read from path: for VIGIL_EFORMAT and VIGIL_ENOTFOUND
 * its message is prefixed with the file's name (the other statuses keep theirs). Returns rc. */
int vigil__model_file_blame(const char *path, int rc);

#endif
