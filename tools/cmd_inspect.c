/* vigil inspect: what a saved model is (its specification) and what it learnt. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const char inspect_help[] =
    "usage: vigil inspect MODEL...\n"
    "\n"
    "Print what a saved monitor is, whichever host saved it: the model id, the detector, the\n"
    "rows per condition it learnt and their thresholds, the selected features with their\n"
    "fault directions, whether it carries a stream state, then its pipeline specification with\n"
    "every key (defaults included; docs/ARCHITECTURE.md), which 'vigil train --spec' accepts.\n"
    "\n"
    "  -h, --help        show this help\n";

static int inspect(const char *path)
{
    vigil_monitor *m = NULL;
    if (vigil_monitor_load_file(path, &m) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    vigil_pipeline *p = NULL;
    char id[17];
    int status = CLI_OK;
    if (vigil_monitor_get_pipeline(m, &p) != VIGIL_OK ||
        vigil_monitor_model_id(m, id, sizeof id) != VIGIL_OK)
        status = cli_error("%s: %s", path, vigil_last_error());
    if (status == CLI_OK) {
        printf("# model %s\n", path);
        printf("# model id: %s\n", id);
        printf("# detector: %s\n", vigil_detector_name(vigil_monitor_kind(m)));
        printf("# columns: %zu\n", vigil_monitor_column_count(m));
        for (size_t c = 0; c < vigil_monitor_conditions(m); c++) {
            printf("# condition %zu: %zu rows learnt, threshold ", c, vigil_monitor_learned(m, c));
            cli_print_double(stdout, vigil_monitor_threshold(m, c));
            putchar('\n');
        }
        printf("# calibration: %s, stated exceedance rate %.6g of healthy frames\n",
               vigil_threshold_mode_name(vigil_monitor_threshold_mode(m)),
               vigil_monitor_stated_rate(m));
        printf("# selected features (%zu):", vigil_monitor_feature_count(m));
        for (size_t i = 0; i < vigil_monitor_feature_count(m); i++)
            printf(" %s:%s", vigil_monitor_feature_name(m, i),
                   vigil_direction_name(vigil_monitor_direction(m, i)));
        putchar('\n');
        printf("# state: %s, %zu pending events\n", vigil_state_name(vigil_monitor_state(m)),
               vigil_monitor_event_count(m));
        if (vigil_monitor_note(m)[0])
            printf("# note: %s\n", vigil_monitor_note(m));
        cli_print_spec(stdout, p, VIGIL_PIPELINE_PRINT_ALL);
    }
    vigil_pipeline_destroy(p);
    vigil_monitor_destroy(m);
    return ferror(stdout) ? cli_error("write error on standard output") : status;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(inspect_help, stdout);
            return CLI_OK;
        }
        return cli_bad_option("inspect", argv);
    }
    if (optind >= argc)
        return cli_usage_error("inspect", "no MODEL");
    int status = CLI_OK;
    for (int i = optind; i < argc && status == CLI_OK; i++)
        status = inspect(argv[i]);
    return status;
}
