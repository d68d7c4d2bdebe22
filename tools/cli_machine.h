/* vigil monitor --channels: a machine's channels monitored together (cli_machine.c). */
#ifndef VIGIL_TOOLS_CLI_MACHINE_H
#define VIGIL_TOOLS_CLI_MACHINE_H

#include "cli_model.h"

typedef struct cli_machine_args {
    const char *channels;   /* --channels LIST (NULL with a loaded machine) */
    vigil_machine *loaded;  /* --model: the machine to continue (taken over), or NULL */
    size_t learn;           /* --learn K */
    int summary;            /* --summary */
    int events;             /* --events: one line per event, with its explanation */
    const char *output;     /* -o MODEL */
    int common;             /* --common-mode on|off for the channels; -1: the library's rule */
    int first;              /* argv index of the first FILE */
} cli_machine_args;

/* One event line of --events (cmd_score.c): [source,]channel,t,from,to,kind,onset,features. */
int cli_print_event(FILE *f, const char *source, const char *channel, const vigil_monitor *m,
                    const vigil_event_explanation *e);
#define CLI_EVENTS_HEADER "channel,t,from,to,kind,onset,features\n"

/* Run vigil monitor over the FILEs argv[first..argc) as one machine: CLI_OK, CLI_FAIL or
 * CLI_USAGE after printing the error. */
int cli_monitor_machine(cli_model_opts *o, const cli_machine_args *a, int argc, char **argv);

#endif
