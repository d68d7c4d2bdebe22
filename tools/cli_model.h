/* Options shared by the model commands (train, monitor) and building a monitor from them. Every
 * option is a key of the pipeline specification (cli.c's table). */
#ifndef VIGIL_TOOLS_CLI_MODEL_H
#define VIGIL_TOOLS_CLI_MODEL_H

#include "cli_source.h"

#define CLI_MODEL_LONGOPTS                                                                    \
    CLI_SPEC_LONGOPTS, {"rows", no_argument, NULL, 'R'},                                       \
    {"condition-column", required_argument, NULL, 'C'},                                       \
    {"conditions", required_argument, NULL, 'K'},                                             \
    {"detector", required_argument, NULL, CLI_OPT_DETECTOR},                                  \
    {"model", required_argument, NULL, 'm'},                                                  \
    {"features", required_argument, NULL, 'F'}, {"quantile", required_argument, NULL, 'q'},   \
    {"seed", required_argument, NULL, 's'}, {"gap", required_argument, NULL, 'g'},            \
    {"gap-policy", required_argument, NULL, 'P'}, {"relearn", required_argument, NULL, 'L'},   \
    {"common-mode", required_argument, NULL, 'G'}, {"alarm", required_argument, NULL, 'A'},     \
    {"confirm", required_argument, NULL, 'Y'}, {"confirm-time", required_argument, NULL, 'Z'}

/* The model options' help (printed after CLI_SPEC_HELP: one string literal each, so that no
 * literal exceeds the 4095 bytes C requires compilers to support). */
#define CLI_MODEL_HELP                                                                        \
    "  --rows            files hold feature rows (one per line), not samples: every column\n"\
    "                    but the time/condition columns is a feature; no framing options\n"   \
    "  --condition-column C  (--rows) operating-condition index 0..63 per row\n"           \
    "  --conditions K    number of operating conditions (default: 1 + largest seen)\n"       \
    "  --detector KIND   zscore | mahalanobis | pca | hst (default mahalanobis)\n"          \
    "  --features LIST   comma-separated feature names (default: see docs/MODELS.md)\n"      \
    "  --quantile Q      threshold quantile of out-of-fold training scores (default 0.995)\n"\
    "  --seed S          random seed for hst (default 1)\n"                                  \
    "  --gap SECONDS     interval that counts as a gap, or auto (10 x median interval,\n"   \
    "                    the default) or never\n"                                            \
    "  --gap-policy P    keep | reref: after a gap keep the baseline, or re-learn its\n"     \
    "                    medians from the next --relearn rows (default keep, 20)\n"         \
    "  --common-mode G   (--rows) the feature columns are G channel blocks (B1_..., B2_...);\n"\
    "                    refer each to the median of the other channels, so a step shared\n"\
    "                    by every channel (a restart, a load change) cancels\n"          \
    "  --alarm RULE      cusum | kofn: the onset test (default) or 3-of-5 persistence\n"    \
    "  --confirm N       onset test: frames an episode holds, beyond the burst decay,\n"    \
    "                    before it is an alarm (default 5); shorter ones are transients\n"  \
    "  --confirm-time S  onset test: and at least S seconds (default 0), e.g. 1800\n"

/* Build the specification of a model command and, for a sample source, its extractor.
 * Returns CLI_OK, or CLI_USAGE after printing the error. *ex is NULL for a rows source. */
int cli_model_setup(const char *cmd, const cli_spec_opts *o, vigil_pipeline **spec,
                    vigil_extractor **ex);
/* Create and configure the monitor of the specification for rows with these names; with
 * conditions > 0 and monitor.conditions at its default, that many conditions. NULL after
 * printing an error. */
vigil_monitor *cli_make_monitor(const char *cmd, vigil_pipeline *spec, char **names, size_t n,
                                size_t conditions);

#endif
