/* cli.h - what the fmnist commands share. */
#ifndef FMNIST_CLI_H
#define FMNIST_CLI_H

#include "fmnist.h"

#include <stdio.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses of every command. */
enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_USAGE = 2 };

/* One command: `fmnist NAME ...` runs fn(argc, argv) with argv[0] = NAME. */
typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_info(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_counts(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_dupes(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_grid(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_convert(int argc, char **argv);

/* "fmnist: <message>\n" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* A usage error of command `cmd`: one line on stderr plus a hint to its
 * --help. Returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Flushes stdout and turns a write failure (full disk, closed pipe) into
 * an error message and EXIT_BAD; otherwise returns `status`. */
int cli_finish(int status);

/* Parses "1048576", "64K", "512M", "8G" (powers of 1024). 0 on error. */
int cli_parse_size(const char *s, uint64_t *out);

/* Parses a decimal number in [min, max]. 0 on error. */
int cli_parse_uint(const char *s, unsigned long long min,
                   unsigned long long max, unsigned long long *out);

/* Parses "fashion-mnist", "mnist", "kmnist". 0 on error. */
int cli_parse_dataset(const char *s, fmn_dataset *out);

/* Options every data command takes: --max-bytes, --classes, --dataset.
 * Returns 1 if `opt` (a getopt_long code) was one of them and was applied,
 * 0 if it is not one of them, -1 after reporting a bad value. */
enum { OPT_MAX_BYTES = 256, OPT_CLASSES, OPT_DATASET, OPT_JSON, OPT_SPLIT,
       OPT_FORCE, OPT_SEED, OPT_ASCII, OPT_INVERT, OPT_LABELS, OPT_MEAN,
       OPT_INDEX, OPT_CLASS, OPT_PER_CLASS, OPT_SAMPLE, OPT_ALL, OPT_SCALE,
       OPT_COLS, OPT_PADDING, OPT_PAD_VALUE, OPT_COMPRESSION, OPT_NAME,
       OPT_STREAM };
int cli_data_option(const char *cmd, int opt, const char *arg,
                    fmn_options *options);
#define CLI_DATA_LONGOPTS                                                   \
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},                  \
        {"classes", required_argument, NULL, OPT_CLASSES},                  \
        {"dataset", required_argument, NULL, OPT_DATASET}
#define CLI_DATA_HELP                                                       \
    "      --max-bytes SIZE  refuse files whose data exceeds SIZE (default "  \
    "1G;\n"                                                                 \
    "                        suffixes K, M, G, T)\n"                        \
    "      --classes N       labels must be below N (default: the "          \
    "dataset's,\n"                                                          \
    "                        else 10)\n"                                    \
    "      --dataset NAME    class names of fashion-mnist, mnist or kmnist,\n" \
    "                        whatever the content says\n"

/* Option parsing shared by every command. Returns the next option's code
 * for the command to handle, or -1 at the end of the options, or
 * CLI_OPT_DONE with *status set when the command must return now: --help
 * printed `help` (EXIT_OK), or a usage error was reported (EXIT_USAGE).
 * Handles -h/--help, the data options (into *opt, which may be NULL for a
 * command without them), missing values and unknown options. Call with
 * optind = 1 first; getopt_long's own messages are off. */
enum { CLI_OPT_DONE = -2 };
#define CLI_HELP_LONGOPT {"help", no_argument, NULL, 'h'}
struct option;
int cli_next_option(int argc, char **argv, const char *cmd, const char *help,
                    const char *shortopts, const struct option *longopts,
                    fmn_options *opt, int *status);

/* The dataset directory used when no PATH is given: $FMNIST_DATA, then
 * ./data/fashion, then /usr/share/datasets/fashion-mnist. NULL (after an
 * error message) when none exists. */
const char *cli_default_path(void);

/* ---- problems (cli.c) ---- */

/* Every problem a command met: each printed to stderr once, as
 * "fmnist: MESSAGE", and kept for --json's "errors". */
typedef struct cli_problems {
    char **msg;
    size_t n, cap;
} cli_problems;

/* Prints and keeps one problem. */
void cli_problem(cli_problems *p, const char *msg);
/* fmn_options.report for a cli_problems (report_ctx). */
void cli_report(void *ctx, const fmn_error *problem);
/* Sets opt->report so that the library's problems land in `p`. */
void cli_report_to(fmn_options *opt, cli_problems *p);
/* `"errors": [...]` (no trailing comma or newline). */
void cli_problems_json(FILE *f, const cli_problems *p, const char *indent);
void cli_problems_free(cli_problems *p);

/* JSON: writes `s` as a quoted, escaped JSON string (null for NULL). */
void json_string(FILE *f, const char *s);

/* Writes the shortest decimal that reads back as `v` (as Python's repr). */
void cli_json_double(FILE *f, double v);

/* ---- choosing images (select.c) ---- */

enum { CLI_MAX_CLASS_ARGS = 64 };
typedef struct cli_select {
    const char *index_list;     /* --index "0-9,100" */
    const char *class_args[CLI_MAX_CLASS_ARGS]; /* --class, names/numbers */
    size_t nclass_args;
    size_t per_class;           /* --per-class N: first N of each class */
    size_t sample;              /* --sample N: seeded random sample */
    uint64_t seed;              /* --seed S (default 0) */
    int all;                    /* --all */
} cli_select;

#define CLI_SELECT_LONGOPTS                                                 \
    {"index", required_argument, NULL, OPT_INDEX},                          \
        {"class", required_argument, NULL, OPT_CLASS},                      \
        {"per-class", required_argument, NULL, OPT_PER_CLASS},              \
        {"sample", required_argument, NULL, OPT_SAMPLE},                    \
        {"seed", required_argument, NULL, OPT_SEED},                        \
        {"all", no_argument, NULL, OPT_ALL}
#define CLI_SELECT_HELP                                                     \
    "Choosing images (combined: indices, then classes, then per class,\n"   \
    "then a sample):\n"                                                     \
    "      --index LIST      indices and ranges, e.g. 0-9,100,59990-\n"     \
    "      --class C         a class by number or name (\"Ankle boot\",\n"   \
    "                        \"ankle-boot\", \"7\"); repeat or use commas\n"  \
    "      --per-class N     the first N images of each class\n"           \
    "      --sample N        N images at random ...\n"                      \
    "      --seed S          ... drawn reproducibly from seed S (default 0)\n" \
    "      --all             every image\n"

/* Applies a selection option; 1 if handled, 0 if not one, -1 on a usage
 * error (reported). */
int cli_select_option(const char *cmd, int c, const char *arg, cli_select *s);

/* Whether any selection option was given. */
int cli_select_given(const cli_select *s);

/* The chosen items of `sp`, ascending, in a malloc'd array, chosen by the
 * library (fmn_split_find_class, fmn_select_classes, fmn_select_first_per_
 * class, fmn_select_sample, in that order). 0 after an error message
 * naming `what` (a split name or path). */
int cli_select_resolve(const cli_select *s, const fmn_split *sp,
                       const char *what, uint32_t **out, size_t *nout);

/* Parses an index list "0-9,100,59990-" of items of `sp`, calling
 * range(ctx, first, last) for each part ("N-" runs to the last item),
 * once the library has checked the part is in the split (sp NULL: syntax
 * only, "N-" is N). Returns 1, 0 for bad syntax, -1 after a message (a
 * part outside the split) or when range() returned 0. */
int cli_parse_list(const char *list, const fmn_split *sp,
                   int (*range)(void *ctx, size_t first, size_t last),
                   void *ctx);


/* ---- writing images (cli_output.c) ---- */

typedef struct cli_png {
    size_t scale; /* --scale K, nearest neighbour */
    int invert;   /* --invert */
    int force;    /* --force: replace existing files */
    int level;    /* --compression N */
} cli_png;

#define CLI_PNG_DEFAULTS {1, 0, 0, PNG_DEFAULT_LEVEL} /* png_out.h */
#define CLI_PNG_LONGOPTS                                                    \
    {"scale", required_argument, NULL, OPT_SCALE},                          \
        {"invert", no_argument, NULL, OPT_INVERT},                          \
        {"force", no_argument, NULL, OPT_FORCE},                            \
        {"compression", required_argument, NULL, OPT_COMPRESSION}

/* Applies --scale, --invert, --force or --compression; 1 if handled, 0 if
 * not one, -1 on a usage error (reported). */
int cli_parse_png_option(const char *cmd, int c, const char *arg,
                         cli_png *png);

/* Whether anything is at `path`, a link to nothing included: what the
 * library's save (fmn_file_save) will not replace without being told. */
int cli_path_taken(const char *path);

/* Whether `dir` exists, is a directory and is writable; 0 after an error
 * message. */
int cli_check_output_dir(const char *dir);

/* Writes `src` (w x h) enlarged k times, inverted if asked, into dst
 * ((w*k) x (h*k)). */
void cli_scale_image(const uint8_t *src, size_t w, size_t h, size_t k,
                     int invert, uint8_t *dst);

/* ---- datasets (cli_data.c) ---- */

enum { CLI_TRAIN = 1, CLI_TEST = 2 };

/* Parses --split: "train", "test" (or "t10k"), "all". 0 after a usage
 * message. */
int cli_parse_split(const char *cmd, const char *arg, unsigned *mask);

/* The splits of one dataset directory. */
typedef struct cli_data {
    const char *path;          /* the folder the files are in */
    char location[4096];
    size_t n;
    const char *names[2];
    fmn_split_id ids[2];
    fmn_split *splits[2];
    cli_problems problems;     /* every problem met, each printed once */
} cli_data;

/* Loads the splits in `mask` from directory `path` (NULL: the default
 * path). With both bits set, the splits present are loaded; a split named
 * alone must exist. Returns EXIT_OK, or EXIT_BAD after every problem was
 * printed (and kept in d->problems); the splits that did load are in *d
 * either way: free it with cli_data_free. */
int cli_data_load(cli_data *d, const char *path, unsigned mask,
                  const fmn_options *opt);
void cli_data_free(cli_data *d);

/* The start of a command that reads one dataset directory and takes
 * --json, --split and the data options, then at most one PATH: parses
 * them, loads the splits into *d and sets *json. Returns CLI_CONTINUE when
 * the command goes on (free d with cli_data_free), else the exit status to
 * return (after --help, a usage error or a load failure). */
enum { CLI_CONTINUE = -1 };
int cli_dataset_command(int argc, char **argv, const char *cmd,
                        const char *help, cli_data *d, int *json);

/* The parsing part of cli_dataset_command: fills *json, *stream (--stream
 * is refused when `stream` is NULL), *mask, *opt and *path (NULL: the
 * default path). Returns CLI_CONTINUE or the exit status to return. */
int cli_dataset_options(int argc, char **argv, const char *cmd,
                        const char *help, int *json, int *stream,
                        unsigned *mask, fmn_options *opt, const char **path);

/* The class name of `label`, or its number for an unidentified dataset. */
const char *cli_class_name(const fmn_split *sp, unsigned label, char buf[16]);

/* ---- what stats and counts print (cli_summary.c) ---- */

/* One split, gathered from a loaded split or streamed from its files. */
typedef struct cli_summary {
    const char *name;             /* "train" or "test" */
    uint64_t count;
    size_t height, width;
    fmn_dataset dataset;          /* as identified */
    fmn_dataset naming;           /* whose class names */
    unsigned num_classes;
    uint64_t images[256];         /* items per class */
    uint64_t per_class[256][256]; /* pixel histogram per class (pixels) */
} cli_summary;

typedef struct cli_summaries {
    const char *path;             /* the folder the files are in */
    char location[4096];
    size_t n;
    cli_summary *s[2];            /* the splits that were read whole */
    cli_problems problems;        /* every problem, printed already */
    int status;                   /* EXIT_OK, or EXIT_BAD with problems */
} cli_summaries;

#define CLI_STREAM_HELP                                                     \
    "      --stream          read the files item by item in constant "      \
    "memory\n"                                                              \
    "                        (for files larger than memory; no byte "       \
    "limit)\n"

/* The start of `stats` (pixels 1) and `counts` (pixels 0): parses --json,
 * --split, --stream and the data options and at most one PATH, then
 * summarises each split present into *out: from the loaded splits, or
 * with --stream from the library's split reader (counts has the pixels
 * read and checked, not kept). Returns CLI_CONTINUE (free *out with
 * cli_summaries_free; out->status is the exit status, and the splits that
 * failed are not in out->s, their problems in out->problems), or the exit
 * status to return at once (help, usage). */
int cli_summary_command(int argc, char **argv, const char *cmd,
                        const char *help, int pixels, cli_summaries *out,
                        int *json);
void cli_summaries_free(cli_summaries *out);
/* Ends `stats` and `counts`: the JSON object's errors and validity (with
 * json), frees `all`, and returns the exit status. */
int cli_summaries_end(cli_summaries *all, int json);

/* The class name of `label`, or its number for an unidentified dataset. */
const char *cli_summary_class(const cli_summary *s, unsigned label,
                              char buf[16]);

#endif
