/* Shared pieces of the vigil command: each subcommand lives in its own cmd_*.c file and is one
 * entry in the table in vigil.c. No numerical or model logic lives here: only option parsing,
 * file iteration and printing around library calls. */
#ifndef VIGIL_TOOLS_CLI_H
#define VIGIL_TOOLS_CLI_H

#include <vigil.h>

#include <stdio.h>

/* Exit statuses of the command. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Print "vigil: " + message to stderr; returns CLI_FAIL. */
int cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Print "vigil CMD: " + message and the hint to run --help to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Report the option getopt_long just rejected (unknown, or missing its value); CLI_USAGE. */
int cli_bad_option(const char *cmd, char **argv);

/* Parse option values; on failure print a usage error and return 0. */
int cli_parse_double(const char *cmd, const char *opt, const char *s, double *v);
int cli_parse_size(const char *cmd, const char *opt, const char *s, size_t *v);

/* Print a double with full precision (%.17g), the format of every number vigil prints. */
void cli_print_double(FILE *f, double v);

/* Options shared by every command that frames a signal. */
typedef struct cli_frame_opts {
    double rate;         /* 0: not given */
    size_t frame, hop;
    int hop_given;       /* 0: hop = frame */
    const char *column;  /* NULL: column 0 */
    const char *bands;   /* NULL: none */
} cli_frame_opts;

/* Create and configure an extractor from the options; prints the error and returns NULL. */
vigil_extractor *cli_make_extractor(const char *cmd, const cli_frame_opts *o);

/* Stream one file's column through ex (which is reset first), calling on_row for each row.
 * Returns CLI_OK or CLI_FAIL (after printing the error). */
typedef int (*cli_row_fn)(void *ctx, const double *row, size_t ncols);
int cli_stream_file(const char *path, const char *column, vigil_extractor *ex, cli_row_fn on_row,
                    void *ctx);

/* Subcommands. */
int cmd_features(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_prior(int argc, char **argv); /* issue 15 */

#endif
