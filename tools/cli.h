/* cli.h - what every fmnist command uses: exit statuses, messages, the
 * problems a command met, option parsing, numbers, the default dataset
 * folder and what the terminal can show. Each other helper has a header
 * of its own (cli_data.h, cli_select.h, cli_output.h, cli_json.h, ...). */
#ifndef FMNIST_CLI_H
#define FMNIST_CLI_H

#include "fmnist.h"

#include <stdio.h>

#if defined(__MINGW32__) /* mingw-w64's printf, not msvcrt's */
#define CLI_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses of every command. */
enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_USAGE = 2 };

/* "fmnist: <message>\n" on stderr, control characters escaped (a file
 * name cannot send escape sequences to the terminal, nor break the one
 * line a problem gets). */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* A usage error of command `cmd`: one line on stderr plus a hint to its
 * --help. Returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Flushes stdout; a write failure (full disk, a file that cannot grow)
 * becomes an error message and EXIT_BAD; otherwise returns `status`. */
int cli_finish(int status);

/* Writes `s` to `f` with control characters escaped as \n, \t, \e, \xNN:
 * for names and text from the data printed to a terminal. */
void cli_put_safe(FILE *f, const char *s);

/* Parses "1048576", "64K", "512M", "8G" (powers of 1024). 0 on error. */
int cli_parse_size(const char *s, uint64_t *out);

/* Parses a decimal number in [min, max]. 0 on error. */
int cli_parse_uint(const char *s, unsigned long long min,
                   unsigned long long max, unsigned long long *out);

/* ---- options ---- */

/* Option codes: each helper's and each command's in its own header or
 * file, in ranges of their own, above every single-character option. */
enum {
    CLI_OPT_DATA = 256,    /* cli_data.h */
    CLI_OPT_SELECT = 270,  /* cli_select.h */
    CLI_OPT_OUTPUT = 280,  /* cli_output.h */
    CLI_OPT_COMMAND = 300  /* the command's own */
};

/* What a helper's option handler did with an option. */
typedef enum cli_opt_result {
    CLI_OPT_OTHER = 0, /* not one of its options */
    CLI_OPT_TAKEN = 1, /* applied */
    CLI_OPT_BAD = 2    /* a bad value, reported: exit EXIT_USAGE */
} cli_opt_result;

/* cli_next_option's answers besides an option's code: the end of the
 * options (getopt's -1), or the command must return at once with *status
 * (help printed, or a usage error reported). CLI_CONTINUE: what the
 * start of a command returns when the command goes on (any other value
 * is the exit status to return). */
enum { CLI_OPT_END = -1, CLI_OPT_DONE = -2, CLI_CONTINUE = -3 };

#define CLI_HELP_LONGOPT {"help", no_argument, NULL, 'h'}
/* The help lines of --json and of -h itself. */
#define CLI_JSON_HELP                                                       \
    "      --json            print one JSON object (schema in README.md)\n"
#define CLI_HELP_HELP "  -h, --help            show this help\n"
struct option;

/* The next option for the command to handle. Handles -h/--help (prints
 * `help`), the data options (into *opt; NULL for a command without them),
 * missing values and unknown options. Call with optind = 1 first;
 * getopt_long's own messages are off. */
int cli_next_option(int argc, char **argv, const char *cmd, const char *help,
                    const char *shortopts, const struct option *longopts,
                    fmn_options *opt, int *status);

/* ---- the dataset folder ---- */

/* The dataset directory used when no PATH is given: $FMNIST_DATA, then
 * ./data/fashion, then where fmnist download puts Fashion-MNIST
 * ($XDG_DATA_HOME/fmnist/fashion-mnist), then
 * /usr/share/datasets/fashion-mnist. NULL (after an error message) when
 * none exists. */
const char *cli_default_path(void);

/* Where fmnist download puts `dataset` by default, into buf:
 * $XDG_DATA_HOME/fmnist/DATASET, else ~/.local/share/fmnist/DATASET (on
 * Windows %LOCALAPPDATA%/fmnist/DATASET first). */
void cli_data_home(fmn_dataset dataset, char *buf, size_t cap);

/* ---- problems ---- */

/* Every problem a command met: each printed to stderr once, as
 * "fmnist: MESSAGE", and kept for --json's "errors". */
typedef struct cli_problems {
    char **msg;
    size_t n, cap;
} cli_problems;

/* Prints and keeps one problem. */
void cli_problem(cli_problems *p, const char *msg);
/* Keeps one problem, printed already. */
void cli_problems_keep(cli_problems *p, const char *msg);
/* fmn_options.report for a cli_problems (report_ctx). */
void cli_report(void *ctx, const fmn_error *problem);
/* Sets opt->report so that the library's problems land in `p`. */
void cli_report_to(fmn_options *opt, cli_problems *p);
/* Appends the problems of `from` (printed already) to `to`, and empties
 * `from`. */
void cli_problems_move(cli_problems *to, cli_problems *from);
void cli_problems_free(cli_problems *p);

/* ---- the terminal ---- */

/* Whether standard output shows Unicode and colour: a terminal (not a
 * pipe or file), TERM set and not "dumb", and a UTF-8 character set in
 * the first of LC_ALL, LC_CTYPE, LANG that is set. */
int cli_unicode_out(void);
/* cli_unicode_out() and NO_COLOR unset (no-color.org): what show's
 * coloured blocks and counts' block bars need. */
int cli_colour_out(void);
/* The terminal's width in columns (COLUMNS, else the terminal's, else 80). */
size_t cli_columns(void);

/* "1 image", "2 images": `one` for n == 1, `many` otherwise. */
const char *cli_plural(unsigned long long n, const char *one,
                       const char *many);

#endif
