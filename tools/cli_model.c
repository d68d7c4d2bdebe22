/* Shared set-up of the model commands: the specification, its extractor, its monitor. */
#include "cli_model.h"

#include <stdio.h>

int cli_model_setup(const char *cmd, const cli_spec_opts *o, vigil_pipeline **spec,
                    vigil_extractor **ex)
{
    *ex = NULL;
    if (!(*spec = cli_spec_build(cmd, o)))
        return CLI_USAGE;
    if (!vigil_pipeline_rows(*spec) && vigil_pipeline_rate(*spec) <= 0.0)
        return cli_usage_error(cmd, "--rate is required (or --rows for feature rows)");
    if (!vigil_pipeline_rows(*spec) && vigil_pipeline_create_extractor(*spec, ex) != VIGIL_OK)
        return cli_spec_error(cmd);
    return CLI_OK;
}

vigil_monitor *cli_make_monitor(const char *cmd, vigil_pipeline *spec, char **names, size_t n,
                                size_t conditions)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", conditions);
    vigil_monitor *m = NULL;
    if (conditions && vigil_pipeline_is_default(spec, "monitor.conditions") == 1 &&
        vigil_pipeline_set(spec, "monitor.conditions", buf) != VIGIL_OK) {
        cli_error("%s", vigil_last_error());
        return NULL;
    }
    if (vigil_pipeline_create_monitor(spec, (const char *const *)names, n, &m) != VIGIL_OK) {
        cli_usage_error(cmd, "%s", vigil_last_error());
        return NULL;
    }
    return m;
}
