/* Feeding feature rows (framed samples or precomputed rows) to the model commands. How rows are
 * made is the pipeline specification's (vigil/pipeline.h): source, column, time and condition
 * columns, common mode. */
#ifndef VIGIL_TOOLS_CLI_SOURCE_H
#define VIGIL_TOOLS_CLI_SOURCE_H

#include "cli.h"

/* Called per row: all columns of the row, its time in seconds, its condition, its index in
 * the file. Return CLI_OK to go on. */
typedef int (*cli_feat_fn)(void *ctx, const double *row, size_t n, double t, size_t cond,
                           size_t index);

/* Column names of the rows (malloc'ed; free with cli_src_free_names). */
int cli_src_names(const vigil_pipeline *spec, const char *first_file, vigil_extractor *ex,
                  char ***names, size_t *n);
void cli_src_free_names(char **names, size_t n);
/* Rows mode: read empty/NaN fields as NaN, and pass a row whose time or condition is missing
 * with time NaN (the monitor rejects and counts it) instead of failing. */
void cli_src_set_missing(int on);
/* Feed one file. *t_offset carries time across files when the file has no time column. */
int cli_src_feed(const vigil_pipeline *spec, vigil_extractor *ex, const char *path,
                 double *t_offset, size_t ncols, cli_feat_fn fn, void *ctx);

#endif
