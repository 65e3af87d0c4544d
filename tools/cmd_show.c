/* cmd_show.c - `fmnist show [PATH] SPLIT:INDEX...`: images drawn in the
 * terminal with their index and class, side by side to the terminal's
 * width. The splits asked for are loaded whole, so that every check (the
 * pairing included) is made before anything is drawn. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_parse.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist show [options] [PATH] SPLIT:INDEX...\n"
    "       fmnist show [options] --images FILE --labels FILE INDEX...\n"
    "\n"
    "Draw images of the dataset in directory PATH in the terminal, each with\n"
    "its index, label and class name, side by side as the terminal's width\n"
    "allows. SPLIT is train or test; INDEX a number or a list of numbers and\n"
    "ranges: train:0 test:5,7 train:10-12. With --images and --labels, the\n"
    "INDEX lists alone. On a terminal with a UTF-8 locale (and NO_COLOR\n"
    "unset), Unicode half blocks in 24 grey levels (two pixels per\n"
    "character); otherwise, or with --ascii, an ASCII ramp.\n"
    "\n"
    "Options:\n"
    "      --ascii           the ASCII ramp, even on a terminal\n"
    "      --invert          dark on light\n"
    CLI_FILES_HELP CLI_DATA_HELP CLI_UPRIGHT_HELP
    CLI_HELP_HELP;

enum { OPT_ASCII = CLI_OPT_COMMAND, MAX_ITEMS = 1000, GAP = 2 };

/* One image to draw. */
typedef struct shot {
    const fmn_split *sp;
    const char *split;
    size_t index;
} shot;

typedef struct request {
    const char *lists[MAX_ITEMS];   /* index lists, one an argument */
    fmn_split_id splits[MAX_ITEMS]; /* their split (FMN_SPLIT_UNKNOWN: the
                                       only one, files named alone) */
    size_t n;
    cli_source src;
    int ascii, invert;
} request;

static int grey256(uint8_t v)
{
    if (v < 6)
        return 16; /* black */
    if (v > 249)
        return 231; /* white */
    return 232 + (v * 24) / 256;
}

/* Line `row` of an image of w x h pixels: w characters with Unicode (two
 * pixel rows a character), 2w in ASCII. */
static void draw_line(const uint8_t *px, size_t w, size_t h, size_t row,
                      int unicode, int invert)
{
    static const char ramp[] = " .:-=+*#%@";
    for (size_t x = 0; x < w; x++) {
        if (unicode) {
            uint8_t top = px[2 * row * w + x];
            uint8_t bottom = 2 * row + 1 < h ? px[(2 * row + 1) * w + x] : 0;
            if (invert)
                top = (uint8_t)(255 - top), bottom = (uint8_t)(255 - bottom);
            printf("\x1b[38;5;%dm\x1b[48;5;%dm\u2580", grey256(top),
                   grey256(bottom));
        } else {
            uint8_t v = px[row * w + x];
            if (invert)
                v = (uint8_t)(255 - v);
            char ch = ramp[(v * (sizeof ramp - 1)) / 256];
            putchar(ch);
            putchar(ch);
        }
    }
    if (unicode)
        printf("\x1b[0m");
}

static void title(const shot *s, char *buf, size_t cap)
{
    unsigned label = fmn_split_labels(s->sp)[s->index];
    const char *name = fmn_split_class_name(s->sp, label);
    snprintf(buf, cap, "%s:%zu  label %u%s%s", s->split, s->index, label,
             name ? "  " : "", name ? name : "");
}

/* Draws shots[0 .. n) in rows of tiles `colw` characters wide. */
static void draw_tiles(const shot *shots, size_t n, size_t per_row,
                       size_t colw, int unicode, int invert)
{
    for (size_t first = 0; first < n; first += per_row) {
        size_t last = first + per_row < n ? first + per_row : n;
        fmn_images im = fmn_split_images(shots[first].sp);
        size_t lines = unicode ? (im.height + 1) / 2 : im.height;
        size_t drawn = unicode ? im.width : 2 * im.width;
        if (first)
            printf("\n");
        for (size_t i = first; i < last; i++) {
            char t[128];
            title(&shots[i], t, sizeof t);
            printf("%s%-*s", i > first ? "  " : "",
                   i + 1 < last ? (int)colw : 0, t);
        }
        printf("\n");
        for (size_t row = 0; row < lines; row++) {
            for (size_t i = first; i < last; i++) {
                fmn_images si = fmn_split_images(shots[i].sp);
                if (i > first)
                    printf("%*s", GAP, "");
                draw_line(si.data + shots[i].index * si.height * si.width,
                          si.width, si.height, row, unicode, invert);
                if (i + 1 < last && colw > drawn)
                    printf("%*s", (int)(colw - drawn), "");
            }
            printf("\n");
        }
    }
}

/* Collects shots for items [first, last] (checked to be in the split). */
typedef struct collect {
    shot *shots;
    size_t n;
    const fmn_split *sp;
    const char *split;
} collect;

static int add_range(void *ctx, size_t first, size_t last)
{
    collect *c = ctx;
    if (last - first + 1 > MAX_ITEMS - c->n) {
        cli_error("%s: more than %d images asked; show draws at most %d "
                  "(use fmnist grid for more)", c->split, MAX_ITEMS,
                  MAX_ITEMS);
        return 0;
    }
    for (size_t k = first; k <= last; k++)
        c->shots[c->n++] = (shot){c->sp, c->split, k};
    return 1;
}

static int syntax_only(void *ctx, size_t first, size_t last)
{
    size_t *n = ctx;
    *n += last - first + 1;
    return *n <= MAX_ITEMS;
}

/* "train:0,5-7", or with files named alone a bare list: the split and
 * where its index list starts; 0 if the argument is neither. */
static int parse_selector(const char *arg, int files, fmn_split_id *split,
                          const char **list)
{
    const char *colon = strchr(arg, ':');
    if (files && !colon) {
        *split = FMN_SPLIT_UNKNOWN;
        *list = arg;
        return 1;
    }
    if (colon && (size_t)(colon - arg) == 5 && !strncmp(arg, "train", 5))
        *split = FMN_SPLIT_TRAIN;
    else if (colon && (size_t)(colon - arg) == 4 &&
             (!strncmp(arg, "test", 4) || !strncmp(arg, "t10k", 4)))
        *split = FMN_SPLIT_TEST;
    else
        return 0;
    *list = colon + 1;
    return 1;
}

/* The operands: PATH and the selectors. CLI_CONTINUE, or a usage error. */
static int parse_operands(int argc, char **argv, request *rq)
{
    size_t total = 0;
    int files = rq->src.images || rq->src.labels;
    for (int i = optind; i < argc; i++) {
        int selector = files || (strchr(argv[i], ':') && !strchr(argv[i], '/'));
        if (selector) {
            if (rq->n == MAX_ITEMS ||
                !parse_selector(argv[i], files, &rq->splits[rq->n],
                                &rq->lists[rq->n]) ||
                cli_parse_list(rq->lists[rq->n], NULL, syntax_only, &total) !=
                    1)
                return cli_usage("show",
                                 "'%s' is not %s (at most %d images)",
                                 argv[i],
                                 files ? "INDEX (0, 5-7,9)"
                                       : "SPLIT:INDEX (train:0, test:5-7,9)",
                                 MAX_ITEMS);
            rq->src.mask |= rq->splits[rq->n] == FMN_SPLIT_TEST ? CLI_TEST
                                                                : CLI_TRAIN;
            rq->n++;
        } else if (!rq->src.path) {
            rq->src.path = argv[i];
        } else {
            return cli_usage("show", "one PATH at most: '%s' and '%s'",
                             rq->src.path, argv[i]);
        }
    }
    if (rq->n == 0)
        return cli_usage("show", "which images? e.g. fmnist show train:0");
    if (files && !(rq->src.images && rq->src.labels))
        return cli_usage("show", "name both --images and --labels");
    if (files)
        rq->src.mask = CLI_TRAIN | CLI_TEST;
    return CLI_CONTINUE;
}

/* The command's own options. */
static int own_option(void *ctx, int c, const char *arg)
{
    request *rq = ctx;
    (void)arg;
    if (c == OPT_ASCII)
        rq->ascii = 1;
    else if (c == OPT_INVERT)
        rq->invert = 1;
    return 1;
}

/* Parses the options and operands and loads the splits: CLI_CONTINUE
 * with them in *d, or the exit status (help, usage, a load that
 * failed). */
static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    request *rq = ctx;
    static const struct option longopts[] = {
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"invert", no_argument, NULL, OPT_INVERT},
        CLI_UPRIGHT_LONGOPT, CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    *rq = (request){.invert = 0};
    const cli_parser p = {
        .cmd = "show", .help = HELP, .shortopts = ":h", .longopts = longopts,
        .opt = &opt, .src = &rq->src, .own = own_option, .ctx = rq,
        .operands = CLI_OWN_OPERANDS, .need_both = 1, .upright = 1};
    int status = cli_parse_options(&p, argc, argv);
    if (status == CLI_CONTINUE)
        status = parse_operands(argc, argv, rq);
    return cli_data_start(d, status, &rq->src, &opt);
}

/* The shots the selectors ask for, in their order; 0 after a message. */
static int plan(const request *rq, const cli_data *d, shot *shots, size_t *n)
{
    collect c = {shots, 0, NULL, NULL};
    for (size_t i = 0; i < rq->n; i++) {
        for (size_t k = 0; k < d->n; k++)
            if (d->ids[k] == rq->splits[i] ||
                rq->splits[i] == FMN_SPLIT_UNKNOWN) {
                c.sp = d->splits[k];
                c.split = d->names[k];
            }
        if (cli_parse_list(rq->lists[i], c.sp, add_range, &c) != 1)
            return 0;
    }
    *n = c.n;
    return 1;
}

/* The images drawn, side by side as the terminal allows. */
static int show_images(void *ctx, cli_data *d)
{
    request *rq = ctx;
    shot *shots = malloc(MAX_ITEMS * sizeof *shots);
    size_t n = 0;
    if (!shots || !plan(rq, d, shots, &n)) {
        if (!shots)
            cli_error("out of memory");
        free(shots);
        return EXIT_BAD;
    }
    int unicode = !rq->ascii && cli_colour_out();
    size_t colw = 0;
    for (size_t i = 0; i < n; i++) {
        char t[128];
        title(&shots[i], t, sizeof t);
        fmn_images im = fmn_split_images(shots[i].sp);
        size_t w = unicode ? im.width : 2 * im.width;
        colw = strlen(t) > colw ? strlen(t) : colw;
        colw = w > colw ? w : colw;
    }
    size_t per_row = colw ? (cli_columns() + GAP) / (colw + GAP) : 1;
    draw_tiles(shots, n, per_row ? per_row : 1, colw, unicode, rq->invert);
    free(shots);
    return EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
    request rq;
    return cli_run_command(argc, argv, &rq, start, show_images);
}
