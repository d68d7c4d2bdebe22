/* vigil inspect: what a saved model is (its specification) and what it learnt. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>

static const char inspect_help[] =
    "usage: vigil inspect MODEL...\n"
    "\n"
    "A machine's model (vigil monitor --channels -o) prints its channels and common-mode\n"
    "setting, then each channel's monitor as below.\n"
    "Print what a saved monitor is, whichever host saved it: the model id, the detector, the\n"
    "rows per condition it learnt and their thresholds, the selected features with their\n"
    "fault directions, whether it carries a stream state, then its pipeline specification with\n"
    "every key (defaults included; docs/ARCHITECTURE.md), which 'vigil train --spec' accepts.\n"
    "\n"
    "  -h, --help        show this help\n";

/* One monitor (a machine's channel, or the model): printed, then destroyed. */
static int inspect_monitor(const char *path, vigil_monitor *m)
{
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

/* A machine's model (issue 16): its channels, then each channel's monitor as above. */
static int inspect(const char *path)
{
    vigil_machine *mc = NULL;
    int rc = vigil_machine_load_file(path, &mc);
    if (rc != VIGIL_OK) {
        vigil_monitor *m = NULL;
        if (rc != VIGIL_ENOTFOUND || vigil_monitor_load_file(path, &m) != VIGIL_OK)
            return cli_error("%s", vigil_last_error());
        return inspect_monitor(path, m);
    }
    const size_t n = vigil_machine_channel_count(mc);
    printf("# machine %s: %zu channels,", path, n);
    for (size_t g = 0; g < n; g++)
        printf(" %s", vigil_machine_channel_name(mc, g));
    printf("; common mode %s\n", vigil_machine_common_mode(mc) ? "on" : "off");
    int status = CLI_OK;
    for (size_t g = 0; g < n && status == CLI_OK; g++) {
        vigil_monitor *m = NULL;
        /* each channel as a model of its own: a copy through its saved form */
        size_t len = 0, w = 0;
        unsigned char *b = NULL;
        vigil_monitor *c = vigil_machine_monitor(mc, g);
        if (vigil_monitor_save_size_ex(c, VIGIL_SAVE_STREAM, &len) != VIGIL_OK ||
            !(b = malloc(len)) || vigil_monitor_save_ex(c, VIGIL_SAVE_STREAM, b, len, &w) ||
            vigil_monitor_load(b, w, &m) != VIGIL_OK)
            status = cli_error("%s: channel %s: %s", path, vigil_machine_channel_name(mc, g),
                               b ? vigil_last_error() : "out of memory");
        free(b);
        if (status == CLI_OK) {
            printf("# channel %s\n", vigil_machine_channel_name(mc, g));
            status = inspect_monitor(path, m);
        }
    }
    vigil_machine_destroy(mc);
    return status;
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
