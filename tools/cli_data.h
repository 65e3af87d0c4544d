/* cli_data.h - where a command's data comes from: a dataset folder, or an
 * images and a labels file named on the command line; the options that
 * say so; and the splits, loaded by the library. */
#ifndef FMNIST_CLI_DATA_H
#define FMNIST_CLI_DATA_H

#include "cli.h"

enum {
    OPT_MAX_BYTES = CLI_OPT_DATA,
    OPT_CLASSES,
    OPT_DATASET,
    OPT_JSON,
    OPT_SPLIT,
    OPT_STREAM,
    OPT_IMAGES,
    OPT_LABELS_FILE,
    OPT_THREADS,
    OPT_AS_STORED,
    OPT_PROVE
};

/* --max-bytes, --classes, --dataset, --threads (and, for the commands
 * that make pictures, --as-stored), into *options. */
cli_opt_result cli_data_option(const char *cmd, int opt, const char *arg,
                               fmn_options *options);
#define CLI_DATA_LONGOPTS                                                   \
    {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},                  \
        {"classes", required_argument, NULL, OPT_CLASSES},                  \
        {"dataset", required_argument, NULL, OPT_DATASET},                  \
        {"threads", required_argument, NULL, OPT_THREADS}
#define CLI_DATA_HELP                                                       \
    "      --max-bytes SIZE  refuse files whose data exceeds SIZE (default "  \
    "1G;\n"                                                                 \
    "                        suffixes K, M, G, T)\n"                        \
    "      --classes N       labels must be below N (default: the "          \
    "dataset's,\n"                                                          \
    "                        else 10)\n"                                    \
    "      --dataset NAME    class names (and, for emnist-*, orientation)\n" \
    "                        of fashion-mnist, mnist, kmnist, qmnist,\n"    \
    "                        emnist-letters, ... whatever the content says\n"\
    "      --threads N       decode a large gzip file on up to N threads\n"  \
    "                        (default: every core; the result is the same)\n"

/* --as-stored, for the commands that make pictures (cli_parser.upright),
 * which show EMNIST's transposed images upright unless it is given. */
#define CLI_UPRIGHT_LONGOPT {"as-stored", no_argument, NULL, OPT_AS_STORED}
#define CLI_UPRIGHT_HELP                                                    \
    "      --as-stored       EMNIST's images as stored (transposed), not\n"  \
    "                        turned upright as they are by default\n"

/* Parses a dataset's name (fmn_dataset_name). 0 on error. */
int cli_parse_dataset(const char *s, fmn_dataset *out);

/* ---- where the data is ---- */

enum { CLI_TRAIN = 1, CLI_TEST = 2 };

/* A dataset folder, or files named alone (--images, --labels). */
typedef struct cli_source {
    const char *path;      /* the folder (NULL: the default one) */
    const char *images;    /* --images FILE */
    const char *labels;    /* --labels FILE */
    unsigned mask;         /* --split: CLI_TRAIN, CLI_TEST or both */
    int split_given;       /* --split was given */
} cli_source;

/* --images and --labels, for commands that read a split. */
#define CLI_FILES_LONGOPTS                                                  \
    {"images", required_argument, NULL, OPT_IMAGES},                        \
        {"labels", required_argument, NULL, OPT_LABELS_FILE}
#define CLI_FILES_HELP                                                      \
    "      --images FILE     an images file instead of a folder (with\n"   \
    "      --labels FILE     --labels, the labels of its images)\n"

/* --split, --images, --labels into *src. */
cli_opt_result cli_source_option(const char *cmd, int opt, const char *arg,
                                 cli_source *src);

/* Parses --split: "train", "test" (or "t10k"), "all". 0 after a usage
 * message. */
int cli_parse_split(const char *cmd, const char *arg, unsigned *mask);

/* Takes the PATH operand (at most one), or refuses one (or --split)
 * beside --images or --labels: CLI_CONTINUE, or EXIT_USAGE after a
 * message. `need_both`: the command needs --images and --labels together
 * when either is given. Files named alone make src->mask both splits. */
int cli_source_finish(const char *cmd, int argc, char **argv, int need_both,
                      cli_source *src);

/* ---- the splits, loaded ---- */

typedef struct cli_data {
    const char *path;          /* the folder the files are in, or the
                                  images file given */
    char location[4096];
    size_t n;
    const char *names[2];      /* "train", "test", or a file's name */
    fmn_split_id ids[2];
    fmn_split *splits[2];
    cli_problems problems;     /* every problem met, each printed once */
} cli_data;

/* Loads the splits of `src` (from a folder: those in src->mask, both:
 * those present; one named alone must exist). Returns EXIT_OK, or
 * EXIT_BAD after every problem was printed (and kept in d->problems); the
 * splits that did load are in *d either way: free it with
 * cli_data_free. */
int cli_data_load(cli_data *d, const cli_source *src, const fmn_options *opt);
void cli_data_free(cli_data *d);

/* The start of a command that stops at any problem: `parsed` is what its
 * option parsing returned, given back as it is unless CLI_CONTINUE; then
 * cli_data_load: CLI_CONTINUE with the splits in *d (free it with
 * cli_data_free), or EXIT_BAD with *d freed. */
int cli_data_start(cli_data *d, int parsed, const cli_source *src,
                   const fmn_options *opt);


/* The class name of `label`, or its number for an unidentified dataset. */
const char *cli_class_name(const fmn_split *sp, unsigned label, char buf[16]);

/* Why a split uses another dataset's class names than its own: "by
 * --dataset" (`asked`), or "by its files' names" (EMNIST's, when the
 * files are not the published ones). */
const char *cli_naming_reason(int asked);

/* One past the label of the split's last class (at most 256): its classes
 * are fmn_split_first_label() up to it. */
unsigned cli_label_end(const fmn_split *sp);
/* The same for classes first .. first + count - 1. */
unsigned cli_class_end(unsigned first, unsigned count);

/* Prints on stderr, for each split of d that was turned upright
 * (fmn_split_upright), a note that it is shown so. */
void cli_note_upright(const cli_data *d);

#endif
