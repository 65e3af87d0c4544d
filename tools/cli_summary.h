/* cli_summary.h - what `stats` and `counts` print: each split's counts and
 * pixel histograms, gathered from loaded splits or, with --stream, from
 * the library's split reader. */
#ifndef FMNIST_CLI_SUMMARY_H
#define FMNIST_CLI_SUMMARY_H

#include "cli.h"
#include "cli_json.h"

/* One split, gathered from a loaded split or streamed from its files. */
typedef struct cli_summary {
    char name[256];               /* "train", "test", or a file's name */
    uint64_t count;
    size_t height, width;         /* 0 without an images file */
    int has_labels;               /* 0: an images file alone */
    int has_pixels;               /* 0: a labels file alone, or counts */
    fmn_dataset dataset;          /* as identified */
    fmn_dataset naming;           /* whose class names */
    unsigned num_classes;         /* labels first_label .. + num_classes */
    unsigned first_label;
    int naming_asked;             /* the class names are --dataset's (else,
                                     when not the dataset's, its files'
                                     names') */
    uint64_t images[256];         /* items per class */
    uint64_t per_class[256][256]; /* pixel histogram per class (without
                                     labels: all in class 0) */
} cli_summary;

typedef struct cli_summaries {
    const char *path;             /* the folder the files are in */
    char location[4096];
    size_t n;
    cli_summary *s[2];            /* the splits that were read whole */
    cli_problems problems;        /* every problem, printed already */
    int status;                   /* EXIT_OK, or EXIT_BAD with problems */
    int json;                     /* --json */
    cli_json out;                 /* the JSON document, with --json */
    int naming_asked;             /* --dataset was given */
} cli_summaries;

#define CLI_STREAM_HELP                                                     \
    "      --stream          read the files item by item in constant "      \
    "memory\n"                                                              \
    "                        (for files larger than memory; no byte "       \
    "limit)\n"
/* The options of `stats` and `counts`, as their help lists them. */
#define CLI_SUMMARY_OPTIONS_HELP                                            \
    "Options:\n"                                                            \
    "      --split S         train, test or all (default all)\n"            \
    CLI_JSON_HELP CLI_STREAM_HELP CLI_FILES_HELP CLI_DATA_HELP CLI_HELP_HELP

/* The start of `stats` (pixels 1) and `counts` (pixels 0): parses --json,
 * --split, --stream, --images, --labels and the data options and at most
 * one PATH, then summarises each split into *out: from the loaded splits,
 * or with --stream from the library's split reader (counts has the pixels
 * read and checked, not kept). With --json it opens the JSON object and
 * writes "path" and the start of "splits". Returns CLI_CONTINUE (then
 * out->status is the exit status: the splits that failed are not in
 * out->s, their problems are in out->problems; end with
 * cli_summaries_end), or the exit status to return at once (help, usage). */
int cli_summary_command(int argc, char **argv, const char *cmd,
                        const char *help, int pixels, cli_summaries *out);

/* Ends `stats` and `counts`: the JSON object's splits array, errors and
 * validity (with --json), frees `all`, and returns the exit status. */
int cli_summaries_end(cli_summaries *all);

/* What `stats` and `counts` print for each split. */
typedef struct cli_summary_cmd {
    const char *name, *help;
    int pixels; /* 1: the per-class histograms are needed */
    /* The text for split `i` (0 is the first printed). */
    void (*text)(const cli_summary *s, size_t i);
    /* Its JSON object, a member of "splits". */
    void (*json)(cli_json *j, const cli_summary *s);
} cli_summary_cmd;

/* The whole of `stats` or `counts`: cli_summary_command, then each split
 * as c->text or c->json says, then cli_summaries_end. Returns the exit
 * status. */
int cli_summary_main(int argc, char **argv, const cli_summary_cmd *c);

/* Opens the JSON object of class k of the split (its label, name and
 * image count written); the caller adds members and ends it. */
void cli_summary_json_class(cli_json *j, const cli_summary *s, unsigned k);

/* The class name of `label`, or its number for an unidentified dataset. */
/* One past the last class's label (at most 256: labels are bytes). */
unsigned cli_summary_end_label(const cli_summary *s);

const char *cli_summary_class(const cli_summary *s, unsigned label,
                              char buf[16]);

/* The histogram of every pixel of the split. */
void cli_summary_pixels(const cli_summary *s, uint64_t all[256]);

#endif
