/* cmd_show.c - `fmnist show [PATH] SPLIT:INDEX...`: images drawn in the
 * terminal with their index and class. Only the items asked for are
 * decoded (a range load), not the whole split. */
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

typedef struct want {
    fmn_split_id split;
    size_t index;
} want;

/* "train:0,5-7" -> items; 0 after a usage message. */
static int parse_selector(const char *arg, want *items, size_t *n)
{
    const char *colon = strchr(arg, ':');
    fmn_split_id split;
    if (colon && (size_t)(colon - arg) == 5 && !strncmp(arg, "train", 5))
        split = FMN_SPLIT_TRAIN;
    else if (colon && (size_t)(colon - arg) == 4 &&
             (!strncmp(arg, "test", 4) || !strncmp(arg, "t10k", 4)))
        split = FMN_SPLIT_TEST;
    else
        return 0;
    const char *p = colon + 1;
    do {
        char *end;
        if (!isdigit((unsigned char)*p))
            return 0;
        unsigned long long a = strtoull(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            if (!isdigit((unsigned char)p[1]))
                return 0;
            b = strtoull(p + 1, &end, 10);
            p = end;
        }
        if (b < a || b - a >= MAX_ITEMS)
            return 0;
        for (unsigned long long i = a; i <= b; i++) {
            if (*n == MAX_ITEMS)
                return 0;
            items[(*n)++] = (want){split, (size_t)i};
        }
    } while (*p == ',' && *++p);
    return *p == '\0';
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
    static want items[MAX_ITEMS];
    size_t n = 0;
    const char *path = NULL;
    for (int i = optind; i < argc; i++) {
        if (strchr(argv[i], ':') && !strchr(argv[i], '/')) {
            if (!parse_selector(argv[i], items, &n))
                return cli_usage("show",
                                 "'%s' is not SPLIT:INDEX (train:0, "
                                 "test:5-7,9; at most %d images)",
                                 argv[i], MAX_ITEMS);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage("show", "one PATH at most: '%s' and '%s'", path,
                             argv[i]);
        }
    }
    if (n == 0)
        return cli_usage("show", "which images? e.g. fmnist show train:0");
    if (!path && !(path = cli_default_path()))
        return EXIT_BAD;
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_error("%s", err.message);
        return EXIT_BAD;
    }
    int unicode = !ascii && isatty(STDOUT_FILENO) && getenv("TERM") &&
                  strcmp(getenv("TERM"), "dumb") != 0;
    status = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        const char *ip = fmn_dir_path(dir, items[i].split, FMN_FILE_IMAGES);
        const char *lp = fmn_dir_path(dir, items[i].split, FMN_FILE_LABELS);
        if (!ip || !lp) {
            cli_error("%s: no %s split here", path,
                      fmn_split_name(items[i].split));
            status = EXIT_BAD;
            break;
        }
        fmn_split *sp;
        if (fmn_split_load_range(ip, lp, items[i].index, 1, &opt, &sp, &err) !=
            FMN_OK) {
            cli_error("%s", err.message);
            status = EXIT_BAD;
            break;
        }
        fmn_images im = fmn_split_images(sp);
        unsigned label = fmn_split_labels(sp)[0];
        const char *name = fmn_split_class_name(sp, label);
        printf("%s%s:%zu  label %u%s%s\n", i ? "\n" : "",
               fmn_split_name(items[i].split), items[i].index, label,
               name ? "  " : "", name ? name : "");
        draw(im.data, im.width, im.height, unicode, invert);
        fmn_split_free(sp);
    }
    fmn_dir_free(dir);
    return status;
}
