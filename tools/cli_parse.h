/* cli_parse.h - a command's options, parsed in one loop: -h/--help, the
 * data options, the helpers' options (where, which images, PNG) and then
 * the command's own, as curl's tool_getparam.c serves every option. */
#ifndef FMNIST_CLI_PARSE_H
#define FMNIST_CLI_PARSE_H

#include "cli.h"
#include "cli_data.h"
#include "cli_output.h"
#include "cli_select.h"

/* What a command takes. Each helper pointer may be NULL: the command does
 * not take that helper's options (they are then unknown to it). */
typedef struct cli_parser {
    const char *cmd;                /* "grid" */
    const char *help;               /* printed for -h/--help */
    const char *shortopts;          /* getopt's, ":h" and the command's */
    const struct option *longopts;  /* every long option it takes */
    fmn_options *opt;               /* --max-bytes, --classes, ... */
    cli_source *src;                /* --split, --images, --labels */
    cli_select *sel;                /* --index, --class, ... */
    cli_png *png;                   /* --scale, --invert, ... */
    /* The command's own options: 1 when applied, 0 after a usage message;
     * NULL when it has none but the helpers'. */
    int (*own)(void *ctx, int c, const char *arg);
    /* The options together, once all are read: EXIT_OK, or the exit
     * status after a message; NULL when nothing needs checking. */
    int (*check)(void *ctx);
    void *ctx;
    /* With src: CLI_PATH_OPERAND, at most one PATH (cli_source_finish),
     * CLI_OWN_OPERANDS, the command reads its operands itself. */
    int operands;
    int need_both; /* --images and --labels only together */
    int upright;   /* the command makes pictures: EMNIST upright unless
                      --as-stored (CLI_UPRIGHT_LONGOPT) */
} cli_parser;

enum { CLI_PATH_OPERAND = 0, CLI_OWN_OPERANDS = 1 };

/* A command that reads splits, as two steps: start parses the options into
 * *request and loads the splits into *d (cli_data_start: CLI_CONTINUE, or
 * the exit status), work does the rest and returns the exit status. */
typedef int (*cli_start_fn)(int argc, char **argv, void *request,
                            cli_data *d);
typedef int (*cli_work_fn)(void *request, cli_data *d);

/* start, then work, then the splits freed: the whole of such a command. */
int cli_run_command(int argc, char **argv, void *request, cli_start_fn start,
                    cli_work_fn work);

/* The end of the long options of a command that reads splits: --help,
 * the data options, --images, --labels. */
#define CLI_SPLIT_LONGOPTS_END                                              \
    CLI_HELP_LONGOPT, CLI_DATA_LONGOPTS, CLI_FILES_LONGOPTS, {NULL, 0, NULL, 0}
/* The end of those of a command that reads files and folders as they are:
 * --help and the data options. */
#define CLI_FILE_LONGOPTS_END                                               \
    CLI_HELP_LONGOPT, CLI_DATA_LONGOPTS, {NULL, 0, NULL, 0}

/* Sets *p->opt to the defaults (fmn_options_init) and parses every option
 * of argv into it and the rest (from optind = 1), checks them together,
 * then takes the PATH operand. Returns CLI_CONTINUE (optind at the first
 * operand), or the exit status to return: EXIT_OK after the help,
 * EXIT_USAGE after a usage message, EXIT_BAD after another. */
int cli_parse_options(const cli_parser *p, int argc, char **argv);

/* cli_parser.own for a command whose one option of its own is --json:
 * sets the int that ctx points to. */
int cli_json_flag(void *ctx, int c, const char *arg);

/* The start of a command that reads splits and takes --json, --split,
 * --stream (when `stream` is not NULL), --images, --labels and the data
 * options, then at most one PATH: parses them into *json, *stream, *src
 * and *opt. Returns CLI_CONTINUE or the exit status to return. */
int cli_dataset_options(int argc, char **argv, const char *cmd,
                        const char *help, int *json, int *stream,
                        cli_source *src, fmn_options *opt);

/* The start of a command that judges files and folders as they are
 * (info, verify): --json into *json, --prove into *prove (NULL for a
 * command that always proves, which has no such option) and the data
 * options into *opt, then any number of PATHs from optind; *fallback is
 * the default folder when none is given, else NULL. Sets opt->hash_gz
 * when the command proves: then what it calls identical rests on the
 * publisher's MD5, repacked on the content's SHA-256. Returns CLI_CONTINUE
 * or the exit status to return. */
#define CLI_FILES_OPTIONS_HELP                                              \
    "Options:\n" CLI_JSON_HELP CLI_DATA_HELP CLI_HELP_HELP
#define CLI_PROVE_HELP                                                      \
    "      --prove           hash what the CRC-32 found, as verify does: the\n" \
    "                        .gz's MD5 (identical), else the content's\n"     \
    "                        SHA-256 (repacked, or modified)\n"
int cli_files_options(int argc, char **argv, const char *cmd,
                      const char *help, int *json, int *prove,
                      fmn_options *opt, const char **fallback);

#endif
