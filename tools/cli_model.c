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

int cli_model_opt(const char *cmd, int c, const char *arg, cli_model_opts *o)
{
    switch (c) {
    case 'r': return cli_parse_double(cmd, "--rate", arg, &o->src.f.rate) ? 1 : -1;
    case 'n': return cli_parse_size(cmd, "--frame", arg, &o->src.f.frame) ? 1 : -1;
    case 'H':
        o->src.f.hop_given = 1;
        return cli_parse_size(cmd, "--hop", arg, &o->src.f.hop) ? 1 : -1;
    case 'c': o->src.f.column = arg; return 1;
    case 'b': o->src.f.bands = arg; return 1;
    case 'R': o->src.rows = 1; return 1;
    case 'T': o->src.time_column = arg; return 1;
    case 'C': o->src.cond_column = arg; return 1;
    case 'K': return cli_parse_size(cmd, "--conditions", arg, &o->conditions) ? 1 : -1;
    case 'm': return cli_parse_kind(cmd, arg, &o->kind) ? 1 : -1;
    case 'F': o->features = arg; return 1;
    case 'q': return cli_parse_double(cmd, "--quantile", arg, &o->quantile) ? 1 : -1;
    case 's': return cli_parse_double(cmd, "--seed", arg, &o->seed) ? 1 : -1;
    case 'g': return cli_parse_double(cmd, "--gap", arg, &o->gap) ? 1 : -1;
    case 'P':
        if (strcmp(arg, "keep") == 0)
            o->gap_policy = VIGIL_GAP_KEEP;
        else if (strcmp(arg, "reref") == 0)
            o->gap_policy = VIGIL_GAP_REREF;
        else
            return cli_usage_error(cmd, "--gap-policy must be keep or reref"), -1;
        return 1;
    case 'L': return cli_parse_size(cmd, "--relearn", arg, &o->relearn) ? 1 : -1;
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

vigil_monitor *cli_make_monitor(const char *cmd, const cli_model_opts *o, char **names,
                                size_t n, size_t conditions)
{
    vigil_monitor *m = NULL;
    int rc = vigil_monitor_create((const char *const *)names, n, o->kind, &m);
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
    if (rc == VIGIL_OK && conditions > 1)
        rc = vigil_monitor_set_conditions(m, conditions);
    if (rc == VIGIL_OK && o->quantile > 0.0)
        rc = vigil_monitor_set_quantile(m, o->quantile);
    if (rc == VIGIL_OK && o->seed >= 0.0)
        rc = vigil_monitor_set_seed(m, (uint64_t)o->seed);
    if (rc == VIGIL_OK && (o->gap >= 0.0 || o->gap_policy != VIGIL_GAP_KEEP || o->relearn))
        rc = vigil_monitor_set_gap(m, o->gap >= 0.0 ? o->gap : 0.0, o->gap_policy,
                                   o->relearn ? o->relearn : 20);
    if (rc == VIGIL_OK && o->alarm_rule >= 0)
        rc = vigil_monitor_set_alarm_rule(m, o->alarm_rule);
    if (rc == VIGIL_OK && (o->confirm >= 0.0 || o->confirm_s >= 0.0))
        rc = vigil_monitor_set_confirm(m, o->confirm >= 0.0 ? (size_t)o->confirm : 5,
                                       o->confirm_s >= 0.0 ? o->confirm_s : 0.0);
    char note[2048];
    if (rc == VIGIL_OK && cli_src_note(&o->src, note, sizeof note) == CLI_OK)
        rc = vigil_monitor_set_note(m, note);
    if (rc != VIGIL_OK) {
        cli_usage_error(cmd, "%s", vigil_last_error());
        vigil_monitor_destroy(m);
        return NULL;
    }
    return m;
}
