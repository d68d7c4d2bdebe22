/* Shared options of the model commands and building a monitor from them. */
#include "cli_model.h"

#include <stdlib.h>
#include <string.h>

void cli_model_defaults(cli_model_opts *o)
{
    memset(o, 0, sizeof *o);
    o->src.f.frame = 4096;
    o->kind = VIGIL_DETECTOR_MAHALANOBIS;
    o->seed = -1.0;
    o->gap = -1.0;
    o->alarm_rule = -1;
    o->confirm = -1.0;
    o->confirm_s = -1.0;
}

const char *cli_model_setting_given(const cli_model_opts *o)
{
    static const struct {
        unsigned bit;
        const char *flag;
    } given[] = {
        {CLI_GIVEN_DETECTOR, "--detector"}, {CLI_GIVEN_QUANTILE, "--quantile"},
        {CLI_GIVEN_SEED, "--seed"}, {CLI_GIVEN_CONDITIONS, "--conditions"},
        {CLI_GIVEN_GAP, "--gap"}, {CLI_GIVEN_POLICY, "--gap-policy"},
        {CLI_GIVEN_RELEARN, "--relearn"},
    };
    for (size_t i = 0; i < sizeof given / sizeof *given; i++)
        if (o->given & given[i].bit)
            return given[i].flag;
    return o->features          ? "--features"
           : o->alarm_rule >= 0 ? "--alarm"
           : o->confirm >= 0.0  ? "--confirm"
           : o->confirm_s >= 0.0 ? "--confirm-time"
           : o->src.common_groups ? "--common-mode"
                                  : NULL;
}

int cli_model_opt(const char *cmd, int c, const char *arg, cli_model_opts *o)
{
    switch (c) {
    /* the source, framing and groups: keys of the specification, as in vigil features */
    case CLI_OPT_SPEC: case 'r': case 'n': case 'H': case 'c': case 'b': case 'R': case 'T':
    case 'C': case CLI_OPT_BEARING: case CLI_OPT_SHAFT_HZ: case CLI_OPT_SHAFT_RANGE:
    case CLI_OPT_ENVELOPE_BAND: case CLI_OPT_ORDERS: case CLI_OPT_SEVERITY: case CLI_OPT_UNITS:
    case CLI_OPT_CLASS:
        return cli_spec_opt(cmd, c, arg, &o->spec);
    case 'K':
        o->given |= CLI_GIVEN_CONDITIONS;
        return cli_parse_size(cmd, "--conditions", arg, &o->conditions) ? 1 : -1;
    case 'm': /* train: the documented alias of --detector */
    case CLI_OPT_DETECTOR:
        o->given |= CLI_GIVEN_DETECTOR;
        return cli_parse_kind(cmd, arg, &o->kind) ? 1 : -1;
    case 'F': o->features = arg; return 1;
    case 'q':
        o->given |= CLI_GIVEN_QUANTILE;
        return cli_parse_double(cmd, "--quantile", arg, &o->quantile) ? 1 : -1;
    case 's': {
        /* a whole number 0..2^53: the range is checked before the conversion to an integer
         * (--seed 1e30 was a float-to-integer overflow) */
        size_t seed;
        if (!cli_parse_size(cmd, "--seed", arg, &seed))
            return -1;
        o->seed = (double)seed;
        o->given |= CLI_GIVEN_SEED;
        return 1;
    }
    case 'g':
        o->given |= CLI_GIVEN_GAP;
        return cli_parse_double(cmd, "--gap", arg, &o->gap) ? 1 : -1;
    case 'P':
        o->given |= CLI_GIVEN_POLICY;
        if (strcmp(arg, "keep") == 0)
            o->gap_policy = VIGIL_GAP_KEEP;
        else if (strcmp(arg, "reref") == 0)
            o->gap_policy = VIGIL_GAP_REREF;
        else
            return cli_usage_error(cmd, "--gap-policy must be keep or reref"), -1;
        return 1;
    case 'L':
        o->given |= CLI_GIVEN_RELEARN;
        return cli_parse_size(cmd, "--relearn", arg, &o->relearn) ? 1 : -1;
    case 'G':
        if (!cli_parse_size(cmd, "--common-mode", arg, &o->src.common_groups))
            return -1;
        if (o->src.common_groups < 2 || o->src.common_groups > VIGIL_COMMON_GROUPS_MAX)
            return cli_usage_error(cmd, "--common-mode needs 2..%d channel groups",
                                   VIGIL_COMMON_GROUPS_MAX), -1;
        return 1;
    case 'A':
        if (strcmp(arg, "cusum") == 0)
            o->alarm_rule = VIGIL_ALARM_CUSUM;
        else if (strcmp(arg, "kofn") == 0)
            o->alarm_rule = VIGIL_ALARM_KOFN;
        else
            return cli_usage_error(cmd, "--alarm must be cusum or kofn"), -1;
        return 1;
    case 'Y': {
        size_t v;
        if (!cli_parse_size(cmd, "--confirm", arg, &v))
            return -1;
        o->confirm = (double)v;
        return 1;
    }
    case 'Z': return cli_parse_double(cmd, "--confirm-time", arg, &o->confirm_s) ? 1 : -1;
    default: return 0;
    }
}

int cli_model_spec_given(const cli_model_opts *o, const char *key)
{
    for (size_t i = 0; i < o->spec.n; i++)
        if (strcmp(o->spec.key[i], key) == 0)
            return 1;
    return 0;
}

int cli_model_spec(const char *cmd, cli_model_opts *o)
{
    vigil_pipeline_destroy(o->pipe);
    if (!(o->pipe = cli_spec_build(cmd, &o->spec)))
        return CLI_USAGE;
    /* the options that are no key of the source (--common-mode G, the missing-value policy) */
    const size_t groups = o->src.common_groups;
    const int missing = o->src.missing;
    cli_src_from_pipeline(o->pipe, &o->src, o->store);
    o->src.common_groups = groups;
    o->src.missing = missing;
    return CLI_OK;
}

void cli_model_free(cli_model_opts *o)
{
    vigil_pipeline_destroy(o->pipe);
    o->pipe = NULL;
}

/* The settings given on the command line, each to its library setter. */
static int apply_settings(vigil_monitor *m, const cli_model_opts *o, size_t conditions)
{
    int rc = VIGIL_OK;
    if (rc == VIGIL_OK && (conditions != 1 || (o->given & CLI_GIVEN_CONDITIONS)))
        rc = vigil_monitor_set_conditions(m, conditions);
    if (rc == VIGIL_OK && (o->given & CLI_GIVEN_QUANTILE))
        rc = vigil_monitor_set_quantile(m, o->quantile);
    if (rc == VIGIL_OK && (o->given & CLI_GIVEN_SEED))
        rc = vigil_monitor_set_seed(m, (uint64_t)o->seed);
    if (rc == VIGIL_OK && (o->given & (CLI_GIVEN_GAP | CLI_GIVEN_POLICY | CLI_GIVEN_RELEARN)))
        rc = vigil_monitor_set_gap(m, (o->given & CLI_GIVEN_GAP) ? o->gap : 0.0, o->gap_policy,
                                   (o->given & CLI_GIVEN_RELEARN) ? o->relearn : 20);
    if (rc == VIGIL_OK && o->alarm_rule >= 0)
        rc = vigil_monitor_set_alarm_rule(m, o->alarm_rule);
    if (rc == VIGIL_OK && (o->confirm >= 0.0 || o->confirm_s >= 0.0))
        rc = vigil_monitor_set_confirm(m, o->confirm >= 0.0 ? (size_t)o->confirm : 5,
                                       o->confirm_s >= 0.0 ? o->confirm_s : 0.0);
    return rc;
}

int cli_model_check(const char *cmd, const cli_model_opts *o)
{
    const char *name = "x";
    vigil_monitor *m = NULL;
    int rc = vigil_monitor_create(&name, 1, o->kind, &m);
    if (rc == VIGIL_OK)
        rc = apply_settings(m, o, (o->given & CLI_GIVEN_CONDITIONS) ? o->conditions : 1);
    vigil_monitor_destroy(m);
    return rc == VIGIL_OK ? CLI_OK : cli_usage_error(cmd, "%s", vigil_last_error());
}

vigil_monitor *cli_make_monitor(const char *cmd, const cli_model_opts *o, char **names,
                                size_t n, size_t conditions)
{
    vigil_monitor *m = NULL;
    int rc = VIGIL_OK;
    if (o->pipe && o->spec.file) {
        /* a --spec file may carry monitor.* keys too: the library builds the monitor from it,
         * the flags given override them */
        if (o->given & CLI_GIVEN_DETECTOR)
            rc = vigil_pipeline_set(o->pipe, "monitor.detector", vigil_detector_name(o->kind));
        if (rc == VIGIL_OK)
            rc = cli_src_spec_extra(&o->src, o->pipe);
        if (rc == VIGIL_OK)
            rc = vigil_pipeline_create_monitor(o->pipe, (const char *const *)names, n, &m);
    } else {
        rc = vigil_monitor_create((const char *const *)names, n, o->kind, &m);
        /* the specification is how every host makes the rows again (issue 14): saved with
         * it. Attached first: it sets the alarm keys' defaults, which the options below
         * override. */
        vigil_pipeline *spec = NULL;
        if (rc == VIGIL_OK && !o->pipe)
            rc = vigil_pipeline_create(&spec);
        if (rc == VIGIL_OK && !o->pipe)
            rc = cli_src_spec(&o->src, spec);
        if (rc == VIGIL_OK && o->pipe)
            rc = cli_src_spec_extra(&o->src, o->pipe); /* the flags' specification */
        if (rc == VIGIL_OK)
            rc = vigil_monitor_set_pipeline(m, o->pipe ? o->pipe : spec);
        vigil_pipeline_destroy(spec);
    }
    if (rc == VIGIL_OK && o->features) {
        char *copy = malloc(strlen(o->features) + 1);
        const char *list[4096];
        size_t k = 0;
        if (!copy) {
            rc = VIGIL_ENOMEM;
        } else {
            strcpy(copy, o->features);
            for (char *tok = strtok(copy, ","); tok && k < 4096; tok = strtok(NULL, ","))
                list[k++] = tok;
            rc = vigil_monitor_select(m, list, k);
            free(copy);
        }
    }
    if (rc == VIGIL_OK)
        rc = apply_settings(m, o, conditions);

    if (rc != VIGIL_OK) {
        cli_usage_error(cmd, "%s", vigil_last_error());
        vigil_monitor_destroy(m);
        return NULL;
    }
    return m;
}
