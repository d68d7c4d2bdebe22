/* Options shared by the model commands (train, monitor) and building a monitor from them. */
#ifndef VIGIL_TOOLS_CLI_MODEL_H
#define VIGIL_TOOLS_CLI_MODEL_H

#include "cli_source.h"

typedef struct cli_model_opts {
    cli_src src;            /* filled from pipe by cli_model_spec() */
    cli_spec_opts spec;     /* --spec FILE and the flags that set its keys (cli.h) */
    vigil_pipeline *pipe;   /* the specification they build (cli_model_spec); owned */
    char store[5][CLI_NOTE_MAX]; /* the strings src points to */
    int kind;
    const char *features;   /* comma-separated names, NULL: default selection */
    double quantile;        /* 0: default */
    double seed;            /* < 0: default */
    size_t conditions;      /* 0: default (1) */
    double gap;             /* < 0: default (automatic) */
    int gap_policy;
    size_t relearn;         /* 0: default */
    unsigned given;         /* CLI_GIVEN_* of the options on the command line */
    int alarm_rule;         /* -1: default (the onset test) */
    double confirm;         /* onset test: frames beyond the burst decay; < 0: default */
    double confirm_s;       /* onset test: seconds; < 0: default */
} cli_model_opts;

/* Options given on the command line are handed to the library as given, so that it rejects a
 * bad value (exit 2) instead of the default silently replacing it (issue 17). */
enum { CLI_GIVEN_QUANTILE = 1, CLI_GIVEN_SEED = 2, CLI_GIVEN_GAP = 4, CLI_GIVEN_RELEARN = 8,
       CLI_GIVEN_CONDITIONS = 16, CLI_GIVEN_POLICY = 32,
       CLI_GIVEN_DETECTOR = 64 };

/* getopt_long option table entries and their handler for the shared options; returns 1 if
 * handled, 0 if not ours, -1 on a bad value (usage already printed). */
#define CLI_MODEL_LONGOPTS                                                                    \
    CLI_SPEC_LONGOPTS, {"rows", no_argument, NULL, 'R'},                                      \
    {"condition-column", required_argument, NULL, 'C'},                                       \
    {"conditions", required_argument, NULL, 'K'}, {"model", required_argument, NULL, 'm'},    \
    {"detector", required_argument, NULL, CLI_OPT_DETECTOR},                                  \
    {"features", required_argument, NULL, 'F'}, {"quantile", required_argument, NULL, 'q'},   \
    {"seed", required_argument, NULL, 's'}, {"gap", required_argument, NULL, 'g'},            \
    {"gap-policy", required_argument, NULL, 'P'}, {"relearn", required_argument, NULL, 'L'},   \
    {"common-mode", required_argument, NULL, 'G'}, {"alarm", required_argument, NULL, 'A'},     \
    {"confirm", required_argument, NULL, 'Y'}, {"confirm-time", required_argument, NULL, 'Z'}

/* The framing and group options are CLI_SPEC_HELP (printed before these). */
#define CLI_MODEL_HELP                                                                        \
    "  --rows            files hold feature rows (one per line), not samples: every column\n"\
    "                    but the time/condition columns is a feature; no framing options\n"   \
    "  --condition-column C  (--rows) operating-condition index 0..63 per row\n"           \
    "  --conditions K    number of operating conditions (default: 1 + largest seen)\n"       \
    "  --detector KIND   zscore | mahalanobis | pca | hst (default mahalanobis)\n"         \
    "  --features LIST   comma-separated feature names (default: see docs/MODELS.md)\n"      \
    "  --quantile Q      threshold quantile of out-of-fold training scores (default 0.995)\n"\
    "  --seed S          random seed for hst, a whole number 0..2^53 (default 1)\n"       \
    "  --gap SECONDS     interval that counts as a gap (default: 10 x median interval)\n"    \
    "  --gap-policy P    keep | reref: after a gap keep the baseline, or re-learn its\n"     \
    "                    medians from the next --relearn rows (default keep, 20)\n"     \
    "  --alarm RULE      cusum | kofn: the onset test (default) or 3-of-5 persistence\n"    \
    "  --confirm N       onset test: frames an episode holds, beyond the burst decay,\n"    \
    "                    before it is an alarm (default 5); shorter ones are transients\n"  \
    "  --confirm-time S  onset test: and at least S seconds (default 0), e.g. 1800\n"

int cli_model_opt(const char *cmd, int c, const char *arg, cli_model_opts *o);
void cli_model_defaults(cli_model_opts *o);
/* After the options: build the specification of --spec and the framing and group flags
 * (cli_spec_build(): the library validates) into o->pipe and fill o->src from it. CLI_OK, or
 * CLI_USAGE after printing the error naming the flag and key. */
int cli_model_spec(const char *cmd, cli_model_opts *o);
/* Whether a flag set this key (e.g. "frame"). */
int cli_model_spec_given(const cli_model_opts *o, const char *key);
void cli_model_free(cli_model_opts *o);
/* The first option given that sets what a saved model already holds (detector, selection,
 * threshold, gap and alarm settings: "--alarm"), or NULL when none was given. A command that
 * continues a saved model refuses them instead of ignoring them. */
const char *cli_model_setting_given(const cli_model_opts *o);
/* Check the model options with the library's setters before any data is read; CLI_OK, or
 * CLI_USAGE after printing the library's message. */
int cli_model_check(const char *cmd, const cli_model_opts *o);
/* Create and configure a monitor for rows with these names. NULL after printing an error. */
vigil_monitor *cli_make_monitor(const char *cmd, const cli_model_opts *o, char **names,
                                size_t n, size_t conditions);

#endif
