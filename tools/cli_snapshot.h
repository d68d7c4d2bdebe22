/* Snapshot histories (--interval, --index) and remaining life (--failure, --prior) for the
 * commands that follow one machine's history (monitor, prior). Option parsing and file
 * iteration only: the index format and the prognosis are the library's. */
#ifndef VIGIL_TOOLS_CLI_SNAPSHOT_H
#define VIGIL_TOOLS_CLI_SNAPSHOT_H

#include "cli.h"

enum { CLI_OPT_INTERVAL = 1101, CLI_OPT_INDEX, CLI_OPT_FAILURE, CLI_OPT_PRIOR, CLI_OPT_ONSET,
       CLI_OPT_RUL_POINT };

#define CLI_SNAP_LONGOPTS                                                                     \
    {"interval", required_argument, NULL, CLI_OPT_INTERVAL},                                  \
    {"index", required_argument, NULL, CLI_OPT_INDEX},                                        \
    {"failure", required_argument, NULL, CLI_OPT_FAILURE},                                    \
    {"prior", required_argument, NULL, CLI_OPT_PRIOR},                                        \
    {"onset", required_argument, NULL, CLI_OPT_ONSET},                                        \
    {"rul-point", required_argument, NULL, CLI_OPT_RUL_POINT}

#define CLI_SNAP_HELP                                                                         \
    "  --interval S      each FILE is one snapshot, S seconds after the previous one; the\n"  \
    "                    default frame is then the whole snapshot (one row per snapshot)\n"  \
    "  --index TABLE     snapshot times from TABLE (columns snapshot, time; clock times\n"    \
    "                    roll over at midnight), e.g. femto/Bearing1_1/index.tsv; default\n"  \
    "                    frame as with --interval\n"                                           \
    "  --failure FEATURE:LEVEL  remaining life of the indicator FEATURE (a feature column,\n"  \
    "                    or score) to failure at LEVEL: adds rul,rul_lo,rul_hi (seconds,\n"  \
    "                    95 % interval; empty while there is no estimate)\n"                  \
    "  --prior PRIOR     fleet prior made by 'vigil prior' for the same FEATURE:LEVEL\n"  \
    "  --onset B[,RISE,H]  onset test: B baseline points (default 30), the rise it looks\n" \
    "                    for (default ln 2 = a doubling), CUSUM interval H (default 5);\n"   \
    "                    'vigil prior' and 'vigil monitor' must use the same\n"               \
    "  --rul-point Q     rul is the Q quantile of the remaining life (default 0.5, the\n"   \
    "                    median; 0.2 when a late repair costs 4 times an early one, as\n"   \
    "                    in the PHM 2012 score: docs/PROGNOSIS.md)\n"

typedef struct cli_snap {
    double interval;            /* --interval S; 0: not given */
    const char *index_path;     /* --index TABLE */
    vigil_snapshot_index *idx;
    size_t files;               /* snapshot files seen */
    double t_base;              /* --interval: time of the first file (a continued history) */
    const char *feature;        /* --failure FEATURE:LEVEL; NULL: no prognosis */
    char feature_buf[64];
    double level;
    const char *prior_path;     /* --prior */
    size_t onset_baseline;      /* --onset; 0: the library's defaults */
    double onset_rise, onset_h;
    double rul_point;           /* --rul-point Q; 0: the library's default (the median) */
} cli_snap;

/* Handle one of CLI_SNAP_LONGOPTS: 1 handled, 0 not ours, -1 bad value (usage printed). */
int cli_snap_opt(const char *cmd, int c, const char *arg, cli_snap *s);
/* 1 if the files are snapshots (--interval or --index). */
int cli_snap_active(const cli_snap *s);
/* Load the index; without --frame (*frame == 0) the frame is the first snapshot's length.
 * Returns CLI_OK, CLI_FAIL or CLI_USAGE (after printing). */
int cli_snap_open(const char *cmd, cli_snap *s, const char *column, const char *first_file,
                  size_t *frame);
/* Start time of the next snapshot file (call once per file, in order). */
int cli_snap_time(cli_snap *s, const char *path, double *t0);
void cli_snap_close(cli_snap *s);

/* The prognoser of --failure/--prior (NULL after printing the error). */
vigil_prognoser *cli_snap_prognoser(const char *cmd, const cli_snap *s);
/* Print ",rul,rul_lo,rul_hi" (empty fields while there is no estimate; inf for an open end). */
void cli_print_rul(FILE *f, const vigil_prognoser *p);

#endif
