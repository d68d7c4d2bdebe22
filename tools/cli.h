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

/* The framing of a row source (cli_source.h: train, score, monitor), filled from the
 * specification: each is a key of it (cli_frame_spec). */
typedef struct cli_frame_opts {
    double rate;         /* 0: not given */
    size_t frame, hop;
    int hop_given;       /* 0: hop = frame */
    const char *column;  /* NULL: column 0 */
    const char *bands;   /* NULL: none */
} cli_frame_opts;

/* The specification of these options (rate, frame, hop, column, bands set on p). VIGIL_OK or
 * the library's error naming the key. */
int cli_frame_spec(const cli_frame_opts *o, vigil_pipeline *p);

/* Options that set keys of the pipeline specification (vigil/pipeline.h). Each flag is one
 * key (the table in cli.c); the command holds no setting of its own. --spec FILE takes a
 * whole specification first, the other flags then override its keys in the order given. */
enum {
    CLI_OPT_SPEC = 1000, CLI_OPT_DETECTOR, CLI_OPT_BEARING, CLI_OPT_SHAFT_HZ, CLI_OPT_SHAFT_RANGE,
    CLI_OPT_ENVELOPE_BAND, CLI_OPT_ORDERS, CLI_OPT_SEVERITY, CLI_OPT_UNITS, CLI_OPT_CLASS,
    CLI_OPT_CHANNELS, /* vigil monitor --channels (issue 16) */
    CLI_OPT_EVENTS    /* vigil monitor --events (issue 16) */
};
#define CLI_SPEC_MAX 128
typedef struct cli_spec_opts {
    const char *file;                  /* --spec FILE, NULL: the library's defaults */
    size_t n;
    const char *key[CLI_SPEC_MAX], *value[CLI_SPEC_MAX], *flag[CLI_SPEC_MAX];
} cli_spec_opts;

/* Framing and feature groups: features, train, monitor. */
#define CLI_SPEC_LONGOPTS                                                                     \
    {"spec", required_argument, NULL, CLI_OPT_SPEC},                                          \
    {"rate", required_argument, NULL, 'r'}, {"frame", required_argument, NULL, 'n'},          \
    {"hop", required_argument, NULL, 'H'}, {"column", required_argument, NULL, 'c'},          \
    {"bands", required_argument, NULL, 'b'}, {"time-column", required_argument, NULL, 'T'},   \
    {"bearing", required_argument, NULL, CLI_OPT_BEARING},                                    \
    {"shaft-hz", required_argument, NULL, CLI_OPT_SHAFT_HZ},                                  \
    {"shaft-range", required_argument, NULL, CLI_OPT_SHAFT_RANGE},                            \
    {"envelope-band", required_argument, NULL, CLI_OPT_ENVELOPE_BAND},                        \
    {"orders", no_argument, NULL, CLI_OPT_ORDERS},                                            \
    {"severity", no_argument, NULL, CLI_OPT_SEVERITY},                                        \
    {"units", required_argument, NULL, CLI_OPT_UNITS},                                        \
    {"class", required_argument, NULL, CLI_OPT_CLASS}

#define CLI_SPEC_HELP                                                                         \
    "  --spec FILE       a pipeline specification (docs/ARCHITECTURE.md); the options below\n"\
    "                    override its keys\n"                                                \
    "  --rate HZ         sample rate in Hz (required for sample files)\n"                    \
    "  --frame N         frame length in samples, 4..1048576 (default 4096)\n"               \
    "  --hop H           samples between frame starts, 1..N (default N)\n"                   \
    "  --column C        sample column name or 0-based index (default 0)\n"                  \
    "  --bands LIST      frequency bands in Hz, e.g. 0-500,500-2000, or 'octaves'\n"         \
    "  --time-column C   timestamps ('2013-12-02 21:15:00' or seconds) in column C; with\n"  \
    "                    samples, a step over 2 sample periods is a gap and framing restarts\n"\
    "  --bearing n=..,d=..,D=..,angle=..  bearing geometry: adds the env_* columns\n"       \
    "  --shaft-hz F      shaft rate in Hz (default: estimated per frame)\n"                  \
    "  --shaft-range LO-HI  where the shaft-rate estimate looks (default 5-100 Hz)\n"        \
    "  --envelope-band B demodulation band: LO-HI in Hz, auto or full (default full)\n"      \
    "  --orders          add order_1x, order_2x, order_3x, shaft_hz\n"                        \
    "  --severity        add velocity_rms_mm_s and iso_zone (ISO 10816-3)\n"                  \
    "  --units U         units of the samples for --severity: g or m/s2 (default g)\n"       \
    "  --class C         ISO 10816-3 class for --severity: 1r, 1f, 2r, 2f (default 2r)\n"

/* Record a flag that sets a key (1), not one of them (0), or a usage error (-1, printed). */
int cli_spec_opt(const char *cmd, int c, const char *arg, cli_spec_opts *o);
/* Build the specification: --spec file, then each flag's key in order, then the check.
 * NULL after printing the error (a usage error names the flag and the key). */
vigil_pipeline *cli_spec_build(const char *cmd, const cli_spec_opts *o);
/* Print a specification's error as a usage error of cmd; returns CLI_USAGE. */
int cli_spec_error(const char *cmd);

/* Stream one file's column through ex (which is reset first), calling on_row for each row.
 * Returns CLI_OK or CLI_FAIL (after printing the error). */
typedef int (*cli_row_fn)(void *ctx, const double *row, size_t ncols);
int cli_stream_file(const char *path, const char *column, vigil_extractor *ex, cli_row_fn on_row,
                    void *ctx);

/* Print the lines of a specification text with a prefix (vigil inspect, --help). */
void cli_print_spec(FILE *f, const vigil_pipeline *p, int flags);

/* Subcommands. */
int cmd_features(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_prior(int argc, char **argv); /* issue 15 */

#endif
