/* Feeding feature rows (framed samples or precomputed rows) to the model commands. */
#ifndef VIGIL_TOOLS_CLI_SOURCE_H
#define VIGIL_TOOLS_CLI_SOURCE_H

#include "cli.h"

typedef struct cli_src {
    cli_frame_opts f;
    int rows;                  /* --rows: files hold feature rows, not samples */
    const char *time_column;   /* --time-column */
    const char *cond_column;   /* --condition-column (rows mode) */
    size_t common_groups;      /* --common-mode G (rows mode): 0 = off, else G channel blocks */
    int missing;               /* rows mode: empty/NaN fields read as NaN; a row with a missing
                                * time or condition is passed with time NaN (the monitor
                                * rejects and counts it) */
} cli_src;

/* Called per row: all columns of the row, its time in seconds, its condition, its index in
 * the file. Return CLI_OK to go on. */
typedef int (*cli_feat_fn)(void *ctx, const double *row, size_t n, double t, size_t cond,
                           size_t index);

/* Column names of the rows (malloc'ed; free with cli_src_free_names). */
int cli_src_names(const cli_src *s, const char *first_file, vigil_extractor *ex, char ***names,
                  size_t *n);
void cli_src_free_names(char **names, size_t n);
/* Feed one file. *t_offset carries time across files when the file has no time column. */
int cli_src_feed(const cli_src *s, vigil_extractor *ex, const char *path, double *t_offset,
                 size_t ncols, cli_feat_fn fn, void *ctx);
/* Samples of several columns (a machine's channels, 1..64), one extractor each, all with the
 * same framing: fn gets their rows one after the other (nch x feature count values). */
int cli_src_feed_columns(const cli_src *s, vigil_extractor *const *ex,
                         const char *const *columns, size_t nch, const char *path,
                         double *t_offset, cli_feat_fn fn, void *ctx);
/* Source options <-> the pipeline specification (vigil/pipeline.h). store holds the strings
 * s points to. */
#define CLI_NOTE_MAX 4097
int cli_src_spec(const cli_src *s, vigil_pipeline *p);
/* The keys cli_src_spec() sets beyond the specification's own (--common-mode G). */
int cli_src_spec_extra(const cli_src *s, vigil_pipeline *p);
void cli_src_from_pipeline(const vigil_pipeline *p, cli_src *s, char store[5][CLI_NOTE_MAX]);
int cli_src_from_model(const vigil_monitor *m, cli_src *s, char store[5][CLI_NOTE_MAX]);
/* The extractor of a saved model's specification (its groups too). CLI_OK or CLI_FAIL. */
int cli_model_extractor(const char *cmd, const vigil_monitor *m, vigil_extractor **ex);

int cli_parse_kind(const char *cmd, const char *s, int *kind);
const char *cli_state_name(int state);

#endif
