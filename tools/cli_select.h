/* cli_select.h - choosing images on the command line: the options and the
 * index-list syntax; the rules are the library's (fmn_select_*). */
#ifndef FMNIST_CLI_SELECT_H
#define FMNIST_CLI_SELECT_H

#include "cli.h"

enum {
    OPT_INDEX = CLI_OPT_SELECT,
    OPT_CLASS,
    OPT_PER_CLASS,
    OPT_SAMPLE,
    OPT_SEED,
    OPT_ALL
};

enum { CLI_MAX_CLASS_ARGS = 64 };
typedef struct cli_select {
    const char *index_list;     /* --index "0-9,100" */
    const char *class_args[CLI_MAX_CLASS_ARGS]; /* --class, names/numbers */
    size_t nclass_args;
    size_t per_class;           /* --per-class N: first N of each class */
    size_t sample;              /* --sample N: seeded random sample */
    int sample_per_class;       /* with per_class: N at random of each */
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
    "      --per-class N     the first N images of each class (N at random\n" \
    "                        of each, with a --sample of the same N)\n"     \
    "      --sample N        N images at random ...\n"                      \
    "      --seed S          ... drawn reproducibly from seed S (default 0)\n" \
    "      --all             every image\n"

/* Applies a selection option. */
cli_opt_result cli_select_option(const char *cmd, int c, const char *arg,
                                 cli_select *s);

/* Checks the options together once parsed: EXIT_OK, or EXIT_USAGE after a
 * message (--all with another choice, ...). */
int cli_select_check(const char *cmd, cli_select *s);

/* Whether any selection option was given. */
int cli_select_given(const cli_select *s);

/* The chosen items of `sp`, ascending, in a malloc'd array, chosen by the
 * library (fmn_split_find_class, fmn_select_classes, fmn_select_first_per_
 * class or fmn_select_sample_per_class, fmn_select_sample, in that
 * order). A --sample larger than what the other choices left is a note on
 * stderr saying what was drawn. 0 after an error message naming `what` (a
 * split name or path). */
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

#endif
