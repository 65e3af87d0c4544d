/* cmd_grid.c - `fmnist grid [PATH] -o FILE.png`: a contact sheet of
 * images with torchvision make_grid's geometry, one row per class, or the
 * per-class mean images, optionally labelled. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "font.h"
#include "png_out.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist grid [options] [PATH] -o FILE.png\n"
    "\n"
    "Write one PNG contact sheet of images of the dataset in directory PATH.\n"
    "The geometry is torchvision's make_grid: n images in c columns make\n"
    "ceil(n/c) rows, and the sheet is c*(W+p)+p wide and rows*(H+p)+p high\n"
    "for padding p, filled with the pad value around and between images.\n"
    "Without a choice of images, the first 64 of the split.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     the PNG file to write\n"
    "      --split S         train or test (default train)\n"
    "      --cols C          images per row (default 8, as make_grid's nrow)\n"
    "      --padding P       pixels around and between images (default 2)\n"
    "      --pad-value V     grey value of the padding, 0-255 (default 0)\n"
    "      --per-class K     one row per class, its first K images (with\n"
    "                        --sample, K of them at random)\n"
    "      --mean            the mean image of each class instead\n"
    "      --labels          class names left of each row (with --per-class\n"
    "                        or --mean); the sheet grows by the margin\n"
    "      --scale K         enlarge the sheet K times (default 1)\n"
    "      --invert          dark on light: 255 - value, padding included\n"
    "      --compression N   zlib level 0-9 (default 1: fast, run-length)\n"
    "      --force           overwrite FILE if it exists\n" CLI_SELECT_HELP
    CLI_DATA_HELP
    "  -h, --help            show this help\n";

typedef struct sheet {
    size_t n;               /* cells */
    const uint8_t **cells;  /* an image per cell, NULL for an empty one */
    size_t cols, rows;
    const char **row_names; /* NULL: no labels */
} sheet;

/* Mean image of each class among `idx`, rounded to nearest; classes in
 * ascending order into means (ncls x px), present[k] says which occur. */
static void class_means(const fmn_split *sp, const uint32_t *idx, size_t n,
                        uint8_t *means, uint64_t *acc, uint8_t *present)
{
    fmn_images im = fmn_split_images(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    size_t px = im.height * im.width;
    unsigned ncls = fmn_split_num_classes(sp);
    uint64_t counts[256] = {0};
    memset(acc, 0, ncls * px * sizeof *acc);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = im.data + idx[i] * px;
        uint64_t *a = acc + (size_t)labels[idx[i]] * px;
        for (size_t j = 0; j < px; j++)
            a[j] += p[j];
        counts[labels[idx[i]]]++;
    }
    for (unsigned k = 0; k < ncls; k++) {
        present[k] = counts[k] > 0;
        for (size_t j = 0; counts[k] && j < px; j++)
            means[k * px + j] =
                (uint8_t)((acc[k * px + j] + counts[k] / 2) / counts[k]);
    }
}

int cmd_grid(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"cols", required_argument, NULL, OPT_COLS},
        {"padding", required_argument, NULL, OPT_PADDING},
        {"pad-value", required_argument, NULL, OPT_PAD_VALUE},
        {"labels", no_argument, NULL, OPT_LABELS},
        {"mean", no_argument, NULL, OPT_MEAN},
        CLI_PNG_LONGOPTS,
        CLI_SELECT_LONGOPTS,
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options opt;
    fmn_options_init(&opt);
    cli_select sel;
    memset(&sel, 0, sizeof sel);
    cli_png png = CLI_PNG_DEFAULTS;
    const char *out = NULL;
    unsigned mask = CLI_TRAIN;
    unsigned long long cols = 0, padding = 2, pad_value = 0;
    int labels = 0, mean = 0, c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "grid", HELP, ":ho:", longopts,
                                &opt, &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        int r = cli_select_option("grid", c, optarg, &sel);
        if (r == 0)
            r = cli_parse_png_option("grid", c, optarg, &png);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_LABELS: labels = 1; break;
        case OPT_MEAN: mean = 1; break;
        case OPT_SPLIT:
            if (!cli_parse_split("grid", optarg, &mask))
                return EXIT_USAGE;
            if (mask == (CLI_TRAIN | CLI_TEST))
                return cli_usage("grid", "--split: one split, train or test");
            break;
        case OPT_COLS:
            if (!cli_parse_uint(optarg, 1, 100000, &cols))
                return cli_usage("grid", "--cols: '%s' is not a number from 1",
                                 optarg);
            break;
        case OPT_PADDING:
            if (!cli_parse_uint(optarg, 0, 1000, &padding))
                return cli_usage("grid",
                                 "--padding: '%s' is not a number from 0 to "
                                 "1000",
                                 optarg);
            break;
        case OPT_PAD_VALUE:
            if (!cli_parse_uint(optarg, 0, 255, &pad_value))
                return cli_usage("grid",
                                 "--pad-value: '%s' is not a value from 0 to "
                                 "255",
                                 optarg);
            break;
        default: break;
        }
    }
    if (!out)
        return cli_usage("grid", "no output file: add -o FILE.png");
    if (labels && !mean && !sel.per_class)
        return cli_usage("grid", "--labels names rows: use it with --per-class "
                                 "or --mean");
    if (mean && sel.per_class)
        return cli_usage("grid", "--mean and --per-class exclude each other");
    if (sel.per_class && cols)
        return cli_usage("grid", "--per-class K sets K columns: drop --cols");
    if (argc - optind > 1)
        return cli_usage("grid", "one PATH at most, %d given", argc - optind);
    if (!sel.index_list && !sel.all && !mean && !sel.nclass_args &&
        !sel.per_class && !sel.sample)
        sel.index_list = "0-63"; /* the first 64, as far as there are */

    cli_data d;
    status = cli_data_load(&d, optind < argc ? argv[optind] : NULL, mask, &opt);
    if (status != EXIT_OK) {
        cli_data_free(&d);
        return status;
    }
    const fmn_split *sp = d.splits[0];
    fmn_images im = fmn_split_images(sp);
    const uint8_t *lab = fmn_split_labels(sp);
    size_t px = im.height * im.width;
    unsigned ncls = fmn_split_num_classes(sp);
    char first64[32];
    if (sel.index_list && !strcmp(sel.index_list, "0-63") && im.count < 64) {
        snprintf(first64, sizeof first64, "0-%zu", im.count ? im.count - 1 : 0);
        sel.index_list = im.count ? first64 : NULL;
    }
    uint32_t *idx = NULL;
    size_t n = 0;
    sheet sh = {0, NULL, 0, 0, NULL};
    uint8_t *means = NULL, *canvas = NULL, *scaled = NULL;
    uint64_t *acc = NULL;
    char (*numbers)[16] = NULL;
    status = EXIT_BAD;
    if (!cli_select_resolve(&sel, sp, d.names[0], &idx, &n))
        goto done;
    if (n == 0) {
        cli_error("%s: no image matches the selection", d.path);
        goto done;
    }
    sh.cells = calloc(ncls * (sel.per_class ? sel.per_class : 1) + n,
                      sizeof *sh.cells);
    sh.row_names = calloc(ncls, sizeof *sh.row_names);
    numbers = calloc(ncls, sizeof *numbers);
    if (!sh.cells || !sh.row_names || !numbers)
        goto nomem;
    const char *names[256];
    for (unsigned k = 0; k < ncls; k++)
        names[k] = cli_class_name(sp, k, numbers[k]);
    if (mean) {
        means = malloc(ncls * px);
        acc = malloc(ncls * px * sizeof *acc);
        uint8_t present[256];
        if (!means || !acc)
            goto nomem;
        class_means(sp, idx, n, means, acc, present);
        size_t rows = 0;
        for (unsigned k = 0; k < ncls; k++)
            if (present[k]) {
                sh.cells[sh.n++] = means + k * px;
                sh.row_names[rows++] = names[k];
            }
        sh.cols = cols ? (size_t)cols : sh.n;
        if (labels && sh.cols != sh.n && sh.cols != 1) {
            cli_usage("grid", "--mean --labels: one row (no --cols) or one "
                              "column (--cols 1)");
            status = EXIT_USAGE;
            goto done;
        }
    } else if (sel.per_class) {
        /* row r: the chosen images of the r-th class present, in order */
        size_t rows = 0;
        for (unsigned k = 0; k < ncls; k++) {
            size_t in_row = 0;
            for (size_t i = 0; i < n; i++)
                if (lab[idx[i]] == k)
                    sh.cells[rows * sel.per_class + in_row++] =
                        im.data + idx[i] * px;
            if (in_row)
                sh.row_names[rows++] = names[k];
        }
        sh.cols = sel.per_class;
        sh.n = rows * sel.per_class;
    } else {
        for (size_t i = 0; i < n; i++)
            sh.cells[sh.n++] = im.data + idx[i] * px;
        sh.cols = cols ? (size_t)cols : 8;
    }
    if (sh.cols > sh.n)
        sh.cols = sh.n; /* as make_grid: xmaps = min(nrow, n) */
    sh.rows = (sh.n + sh.cols - 1) / sh.cols;
    /* geometry, with a label margin on the left when asked */
    size_t p = (size_t)padding;
    size_t margin = 0;
    /* rows of classes are named on the left; one row of means, above */
    int names_left = labels && !(mean && sh.rows == 1 && sh.n > 1);
    int names_above = labels && !names_left;
    if (names_left)
        for (size_t r = 0; r < sh.rows; r++) {
            size_t w = font_width(sh.row_names[r]);
            margin = w + 4 > margin ? w + 4 : margin;
        }
    size_t top = names_above ? FONT_H + 4 : 0;
    size_t cell_w = im.width + p, cell_h = im.height + p;
    if (names_above) {
        size_t widest = 0;
        for (size_t i = 0; i < sh.n; i++) {
            size_t w = font_width(sh.row_names[i]);
            widest = w > widest ? w : widest;
        }
        if (widest > im.width)
            cell_w = widest + p; /* room for each name over its image */
    }
    size_t gw = margin + sh.cols * cell_w + p;
    size_t gh = top + sh.rows * cell_h + p;
    if (gw * png.scale > 0x7fffffff / 2 || gh * png.scale > 0x7fffffff / 2 ||
        (gw * png.scale) > SIZE_MAX / (gh * png.scale)) {
        cli_error("%s: a %zux%zu sheet is too large", out, gw * png.scale,
                  gh * png.scale);
        goto done;
    }
    canvas = malloc(gw * gh);
    scaled = malloc(gw * gh * png.scale * png.scale);
    if (!canvas || !scaled)
        goto nomem;
    memset(canvas, (int)pad_value, gw * gh);
    uint8_t ink = pad_value < 128 ? 255 : 0;
    for (size_t i = 0; i < sh.n; i++) {
        size_t r = i / sh.cols, col = i % sh.cols;
        size_t x0 = margin + col * cell_w + p + (cell_w - p - im.width) / 2;
        size_t y0 = top + r * cell_h + p;
        if (sh.cells[i])
            for (size_t y = 0; y < im.height; y++)
                memcpy(canvas + (y0 + y) * gw + x0,
                       sh.cells[i] + y * im.width, im.width);
        if (names_above)
            font_draw(canvas, gw, gh,
                      margin + col * cell_w + p +
                          (cell_w - p - font_width(sh.row_names[i])) / 2,
                      2, sh.row_names[i], ink);
    }
    if (names_left)
        for (size_t r = 0; r < sh.rows; r++)
            font_draw(canvas, gw, gh, 2,
                      top + r * cell_h + p +
                          (im.height > FONT_H ? (im.height - FONT_H) / 2 : 0),
                      sh.row_names[r], ink);
    cli_scale_image(canvas, gw, gh, png.scale, png.invert, scaled);
    char err[4200];
    if (!png_write_file(out, scaled, gw * png.scale, gh * png.scale, png.level,
                        png.force, err, sizeof err)) {
        cli_error("%s", err);
        goto done;
    }
    printf("wrote %s: %zux%zu pixels, %zu images in %zu rows of %zu\n", out,
           gw * png.scale, gh * png.scale, sh.n, sh.rows, sh.cols);
    status = EXIT_OK;
    goto done;
nomem:
    cli_error("out of memory");
done:
    free(idx);
    free(sh.cells);
    free(sh.row_names);
    free(numbers);
    free(means);
    free(acc);
    free(canvas);
    free(scaled);
    cli_data_free(&d);
    return status;
}
