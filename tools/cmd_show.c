/* cmd_show.c - `fmnist show [PATH] SPLIT:INDEX...`: images drawn in the
 * terminal with their index and class. The splits asked for are loaded
 * whole, so that every check (the pairing included) is made before
 * anything is drawn. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fmnist show [options] [PATH] SPLIT:INDEX...\n"
    "\n"
    "Draw images of the dataset in directory PATH in the terminal, each with\n"
    "its index, label and class name. SPLIT is train or test; INDEX a number\n"
    "or a list of numbers and ranges: train:0 test:5,7 train:10-12.\n"
    "On a terminal, Unicode half blocks in 24 grey levels (two pixels per\n"
    "character); otherwise, or with --ascii, an ASCII ramp.\n"
    "\n"
    "Options:\n"
    "      --ascii           the ASCII ramp, even on a terminal\n"
    "      --invert          dark on light\n" CLI_DATA_HELP
    "  -h, --help            show this help\n";

enum { MAX_ITEMS = 1000 };

/* "train:0,5-7": the split, and where its index list starts; 0 if the
 * argument is not SPLIT:LIST. */
static int parse_selector(const char *arg, fmn_split_id *split,
                          const char **list)
{
    const char *colon = strchr(arg, ':');
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

static int syntax_only(void *ctx, size_t first, size_t last)
{
    size_t *n = ctx;
    *n += last - first + 1;
    return *n <= MAX_ITEMS;
}

static int grey256(uint8_t v)
{
    if (v < 6)
        return 16; /* black */
    if (v > 249)
        return 231; /* white */
    return 232 + (v * 24) / 256;
}

static void draw(const uint8_t *px, size_t w, size_t h, int unicode,
                 int invert)
{
    static const char ramp[] = " .:-=+*#%@";
    if (unicode) {
        for (size_t y = 0; y < h; y += 2) {
            for (size_t x = 0; x < w; x++) {
                uint8_t top = px[y * w + x];
                uint8_t bottom = y + 1 < h ? px[(y + 1) * w + x] : 0;
                if (invert)
                    top = (uint8_t)(255 - top), bottom = (uint8_t)(255 - bottom);
                printf("\x1b[38;5;%dm\x1b[48;5;%dm\u2580", grey256(top),
                       grey256(bottom));
            }
            printf("\x1b[0m\n");
        }
        return;
    }
    for (size_t y = 0; y < h; y++) {
        for (size_t x = 0; x < w; x++) {
            uint8_t v = px[y * w + x];
            if (invert)
                v = (uint8_t)(255 - v);
            char ch = ramp[(v * (sizeof ramp - 1)) / 256];
            putchar(ch);
            putchar(ch);
        }
        putchar('\n');
    }
}

typedef struct drawing {
    const fmn_split *sp;
    const char *name;
    int unicode, invert;
    size_t drawn;
} drawing;

/* Draws items [first, last] of the split (checked to be in it). */
static int draw_range(void *ctx, size_t first, size_t last)
{
    drawing *dr = ctx;
    if (last - first + 1 > MAX_ITEMS - dr->drawn) {
        cli_error("%s: %zu images asked; show draws at most %d (use fmnist "
                  "grid for more)", dr->name, last - first + 1 + dr->drawn,
                  MAX_ITEMS);
        return 0;
    }
    fmn_images im = fmn_split_images(dr->sp);
    for (size_t k = first; k <= last; k++) {
        unsigned label = fmn_split_labels(dr->sp)[k];
        const char *cname = fmn_split_class_name(dr->sp, label);
        printf("%s%s:%zu  label %u%s%s\n", dr->drawn++ ? "\n" : "", dr->name,
               k, label, cname ? "  " : "", cname ? cname : "");
        draw(im.data + k * im.height * im.width, im.width, im.height,
             dr->unicode, dr->invert);
    }
    return 1;
}

int cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"invert", no_argument, NULL, OPT_INVERT},
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options opt;
    fmn_options_init(&opt);
    int ascii = 0, invert = 0, c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "show", HELP, ":h", longopts, &opt,
                                &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        if (c == OPT_ASCII)
            ascii = 1;
        else if (c == OPT_INVERT)
            invert = 1;
    }
    const char *lists[MAX_ITEMS];
    fmn_split_id splits[MAX_ITEMS];
    size_t nsel = 0, total = 0;
    unsigned mask = 0;
    const char *path = NULL;
    for (int i = optind; i < argc; i++) {
        if (strchr(argv[i], ':') && !strchr(argv[i], '/')) {
            if (nsel == MAX_ITEMS ||
                !parse_selector(argv[i], &splits[nsel], &lists[nsel]) ||
                cli_parse_list(lists[nsel], NULL, syntax_only, &total) != 1)
                return cli_usage("show",
                                 "'%s' is not SPLIT:INDEX (train:0, "
                                 "test:5-7,9; at most %d images)",
                                 argv[i], MAX_ITEMS);
            mask |= splits[nsel++] == FMN_SPLIT_TRAIN ? CLI_TRAIN : CLI_TEST;
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage("show", "one PATH at most: '%s' and '%s'", path,
                             argv[i]);
        }
    }
    if (nsel == 0)
        return cli_usage("show", "which images? e.g. fmnist show train:0");
    cli_data d;
    if (cli_data_load(&d, path, mask, &opt) != EXIT_OK) {
        cli_data_free(&d);
        return EXIT_BAD;
    }
    int unicode = !ascii && isatty(STDOUT_FILENO) && getenv("TERM") &&
                  strcmp(getenv("TERM"), "dumb") != 0;
    drawing dr = {NULL, NULL, unicode, invert, 0};
    status = EXIT_OK;
    for (size_t i = 0; i < nsel && status == EXIT_OK; i++) {
        for (size_t k = 0; k < d.n; k++)
            if (d.ids[k] == splits[i]) {
                dr.sp = d.splits[k];
                dr.name = d.names[k];
            }
        if (cli_parse_list(lists[i], dr.sp, draw_range, &dr) != 1)
            status = EXIT_BAD;
    }
    cli_data_free(&d);
    return status;
}
