/* vigil: the command-line program. Dispatches to one subcommand per cmd_*.c file. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"features", cmd_features, "print per-frame features of recordings as CSV"},
    {"diagnose", cmd_diagnose, "name the likely bearing/shaft fault and severity of recordings"},
    {"train", cmd_train, "learn a healthy baseline from recordings and save the model"},
    {"score", cmd_score, "score recordings against a saved model (CSV)"},
    {"monitor", cmd_monitor, "learn from the start of a history, then score the rest online"},
    {"inspect", cmd_inspect, "print a saved model's specification, id and what it learnt"},
    {"prior", cmd_prior, "learn a remaining-life prior from run-to-failure histories"},
};

static void print_help(FILE *f)
{
    fprintf(f, "usage: vigil COMMAND [OPTIONS] FILE...\n"
               "       vigil --help | --version\n\n"
               "vigil turns vibration recordings into frame features and early warnings.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'vigil COMMAND --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    opterr = 0; /* subcommands report bad options themselves, in one line */
    if (argc < 2)
        return cli_usage_error("", "missing COMMAND"), CLI_USAGE;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("vigil %s\n", vigil_version_string());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vigil: unknown command '%s' (try 'vigil --help')\n", argv[1]);
    return CLI_USAGE;
}
