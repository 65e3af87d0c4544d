/* cmd_grid.c - `fmnist grid [PATH] -o FILE.png`: a contact sheet of
 * images with torchvision make_grid's geometry, one row per class, or the
 * per-class mean images, optionally labelled. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_parse.h"
#include "cli_png.h"
#include "cli_select.h"
#include "font.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist grid [options] [PATH] -o FILE.png\n"
    "       fmnist grid [options] --images FILE --labels FILE -o FILE.png\n"
    "\n"
    "Write one PNG contact sheet of images of the dataset in directory PATH\n"
    "(-o - writes it to standard output). The geometry is torchvision's\n"
    "make_grid: n images in c columns make ceil(n/c) rows, and the sheet is\n"
    "c*(W+p)+p wide and rows*(H+p)+p high for padding p, filled with the pad\n"
    "value around and between images. Without a choice of images, the first\n"
    "64 of the split. Sheets over 256 megapixels are refused before\n"
    "anything is drawn.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     the PNG file to write, or - for standard output\n"
    "      --split S         train or test (default train)\n"
    "      --cols C          images per row (default 8, as make_grid's nrow)\n"
    "      --padding P       pixels around and between images (default 2)\n"
    "      --pad-value V     grey value of the padding, 0-255 (default 0)\n"
    "      --mean            the mean image of each class instead\n"
    "      --names           class names left of each row (with --per-class\n"
    "                        or --mean); the sheet grows by the margin\n"
    "      --scale K         enlarge the sheet K times (default 1)\n"
    "      --invert          dark on light: 255 - value, padding included\n"
    "      --compression N   zlib level 0-9 (default 1: fast, run-length)\n"
    "      --force           overwrite FILE if it exists\n"
    "With --per-class K the sheet has one row per class, its first K images\n"
    "(or, with --sample K too, K of them at random).\n"
    CLI_SELECT_HELP CLI_FILES_HELP CLI_DATA_HELP CLI_UPRIGHT_HELP
    CLI_HELP_HELP;

enum {
    OPT_COLS = CLI_OPT_COMMAND,
    OPT_PADDING,
    OPT_PAD_VALUE,
    OPT_NAMES,
    OPT_MEAN
};

/* The largest sheet drawn, in pixels (after --scale): 256 megapixels. */
#define MAX_SHEET_PIXELS ((unsigned long long)1 << 28)

typedef struct request {
    cli_source src;
    cli_select sel;
    cli_png png;
    const char *out;
    unsigned long long cols, padding, pad_value;
    int names, mean; /* --names, --mean */
} request;

/* What is drawn where. */
typedef struct sheet {
    size_t n;               /* cells */
    const uint8_t **cells;  /* an image per cell, NULL for an empty one */
    const char **names;     /* a name per row (or per cell, one row of
                               means); NULL: no labels */
    size_t cols, rows;
    size_t width, height;   /* of one image */
    size_t margin, top;     /* room for names left and above */
    size_t cell_w, cell_h;
    size_t gw, gh;          /* the sheet, before --scale */
    int names_left, names_above;
    uint8_t *means;         /* class means, when drawn */
    char (*numbers)[16];    /* class numbers, for classes without names */
} sheet;

static int parse_number(const char *opt, const char *arg,
                        unsigned long long min, unsigned long long max,
                        unsigned long long *out)
{
    if (cli_parse_uint(arg, min, max, out))
        return 1;
    unsigned long long v;
    if (cli_parse_uint(arg, 0, UINT64_MAX, &v) && v < min)
        cli_usage("grid", "%s: must be at least %llu", opt, min);
    else
        cli_usage("grid", "%s: '%s' is not a number from %llu to %llu", opt,
                  arg, min, max);
    return 0;
}

/* The command's own options; 0 after a usage message. */
static int own_option(void *ctx, int c, const char *arg)
{
    request *rq = ctx;
    switch (c) {
    case 'o': rq->out = arg; return 1;
    case OPT_NAMES: rq->names = 1; return 1;
    case OPT_MEAN: rq->mean = 1; return 1;
    case OPT_COLS: return parse_number("--cols", arg, 1, 100000, &rq->cols);
    case OPT_PADDING:
        return parse_number("--padding", arg, 0, 1000, &rq->padding);
    case OPT_PAD_VALUE:
        return parse_number("--pad-value", arg, 0, 255, &rq->pad_value);
    default: return 1;
    }
}

/* The options together. */
static int check_request(void *ctx)
{
    request *rq = ctx;
    if (!rq->out || !*rq->out)
        return cli_usage("grid", "no output file: add -o FILE.png (or -o - "
                                 "for standard output)");
    if (rq->src.mask == (CLI_TRAIN | CLI_TEST) && !rq->src.images)
        return cli_usage("grid", "--split: one split, train or test");
    if (rq->names && !rq->mean && !rq->sel.per_class)
        return cli_usage("grid", "--names names rows: use it with --per-class "
                                 "or --mean");
    if (rq->mean && rq->sel.per_class)
        return cli_usage("grid", "--mean and --per-class exclude each other");
    if (rq->sel.per_class && rq->cols)
        return cli_usage("grid", "--per-class K sets K columns: drop --cols");
    return cli_select_check("grid", &rq->sel);
}

/* Parses the options and operands and loads the splits: CLI_CONTINUE
 * with them in *d, or the exit status (help, usage, a load that
 * failed). */
static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    request *rq = ctx;
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"cols", required_argument, NULL, OPT_COLS},
        {"padding", required_argument, NULL, OPT_PADDING},
        {"pad-value", required_argument, NULL, OPT_PAD_VALUE},
        {"names", no_argument, NULL, OPT_NAMES},
        {"mean", no_argument, NULL, OPT_MEAN},
        CLI_PNG_LONGOPTS,
        CLI_SELECT_LONGOPTS,
        CLI_UPRIGHT_LONGOPT, CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    *rq = (request){.src.mask = CLI_TRAIN, .png = CLI_PNG_DEFAULTS,
                    .padding = 2};
    const cli_parser p = {
        .cmd = "grid", .help = HELP, .shortopts = ":ho:", .longopts = longopts,
        .opt = &opt, .src = &rq->src, .sel = &rq->sel, .png = &rq->png,
        .own = own_option, .check = check_request, .ctx = rq, .need_both = 1,
        .upright = 1};
    return cli_data_start(d, cli_parse_options(&p, argc, argv), &rq->src,
                          &opt);
}

static void sheet_free(sheet *sh)
{
    free(sh->cells);
    free(sh->names);
    free(sh->means);
    free(sh->numbers);
}

/* Mean image of each class among `idx`, rounded to nearest, into
 * sh->means (ncls x px); present[k] says which classes occur. 0 when
 * memory ran out. */
static int class_means(const fmn_split *sp, const uint32_t *idx, size_t n,
                       sheet *sh, uint8_t *present)
{
    fmn_images im = fmn_split_images(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    size_t px = im.height * im.width;
    unsigned ncls = cli_label_end(sp); /* classes below it */
    uint64_t counts[256] = {0};
    size_t cells = ncls * px > 0 ? ncls * px : 1;
    uint64_t *acc = calloc(cells, sizeof *acc);
    sh->means = malloc(cells);
    if (!acc || !sh->means) {
        free(acc);
        return 0;
    }
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
            sh->means[k * px + j] =
                (uint8_t)((acc[k * px + j] + counts[k] / 2) / counts[k]);
    }
    free(acc);
    return 1;
}

/* The cells: means, rows per class, or the images in order. */
static int place_cells(const request *rq, const fmn_split *sp,
                       const uint32_t *idx, size_t n, sheet *sh)
{
    fmn_images im = fmn_split_images(sp);
    const uint8_t *lab = fmn_split_labels(sp);
    size_t px = im.height * im.width, k_per = rq->sel.per_class;
    unsigned ncls = cli_label_end(sp); /* classes below it */
    const char *names[256];
    for (unsigned k = 0; k < ncls; k++)
        names[k] = cli_class_name(sp, k, sh->numbers[k]);
    if (rq->mean) {
        uint8_t present[256];
        if (!class_means(sp, idx, n, sh, present))
            return 0;
        for (unsigned k = 0, rows = 0; k < ncls; k++)
            if (present[k]) {
                sh->cells[sh->n++] = sh->means + k * px;
                sh->names[rows++] = names[k];
            }
        sh->cols = rq->cols ? (size_t)rq->cols : sh->n;
    } else if (k_per) {
        /* row r: the chosen images of the r-th class present, in order */
        size_t rows = 0;
        for (unsigned k = 0; k < ncls; k++) {
            size_t in_row = 0;
            for (size_t i = 0; i < n && in_row < k_per; i++)
                if (lab[idx[i]] == k)
                    sh->cells[rows * k_per + in_row++] = im.data + idx[i] * px;
            if (in_row)
                sh->names[rows++] = names[k];
        }
        sh->cols = k_per;
        sh->n = rows * k_per;
    } else {
        for (size_t i = 0; i < n; i++)
            sh->cells[sh->n++] = im.data + idx[i] * px;
        sh->cols = rq->cols ? (size_t)rq->cols : 8;
    }
    if (sh->cols > sh->n)
        sh->cols = sh->n; /* as make_grid: xmaps = min(nrow, n) */
    sh->rows = sh->cols ? (sh->n + sh->cols - 1) / sh->cols : 0;
    return 1;
}

/* The sheet's size, with a label margin on the left (rows of classes) or
 * above (one row of means). */
static void geometry(const request *rq, sheet *sh)
{
    size_t p = (size_t)rq->padding;
    sh->names_left = rq->names && !(rq->mean && sh->rows == 1 && sh->n > 1);
    sh->names_above = rq->names && !sh->names_left;
    for (size_t r = 0; sh->names_left && r < sh->rows; r++) {
        size_t w = font_width(sh->names[r]) + 4;
        sh->margin = w > sh->margin ? w : sh->margin;
    }
    sh->top = sh->names_above ? FONT_H + 4 : 0;
    sh->cell_w = sh->width + p;
    sh->cell_h = sh->height + p;
    for (size_t i = 0; sh->names_above && i < sh->n; i++)
        if (font_width(sh->names[i]) + p > sh->cell_w)
            sh->cell_w = font_width(sh->names[i]) + p; /* room for a name */
    sh->gw = sh->margin + sh->cols * sh->cell_w + p;
    sh->gh = sh->top + sh->rows * sh->cell_h + p;
}

/* A sheet past the limit is refused before anything is allocated. */
static int check_size(const request *rq, const sheet *sh)
{
    unsigned long long w = sh->gw, h = sh->gh, k = rq->png.scale;
    unsigned long long pixels = w * k * h * k; /* each < 2^32: no wrap */
    if (w * k <= 0x7fffffff && h * k <= 0x7fffffff && pixels <= MAX_SHEET_PIXELS)
        return 1;
    cli_error("%s: a sheet of %llux%llu pixels (%llu megapixels) is past the "
              "limit of %llu megapixels: choose fewer images (--index, "
              "--per-class, --sample), fewer columns, or a smaller --scale",
              rq->out, w * k, h * k, pixels >> 20, MAX_SHEET_PIXELS >> 20);
    return 0;
}

/* Draws the cells and names on a canvas of gw x gh. */
static void draw(const request *rq, const sheet *sh, uint8_t *canvas)
{
    size_t p = (size_t)rq->padding;
    memset(canvas, (int)rq->pad_value, sh->gw * sh->gh);
    uint8_t ink = rq->pad_value < 128 ? 255 : 0;
    for (size_t i = 0; i < sh->n; i++) {
        size_t r = i / sh->cols, col = i % sh->cols;
        size_t x0 = sh->margin + col * sh->cell_w + p +
                    (sh->cell_w - p - sh->width) / 2;
        size_t y0 = sh->top + r * sh->cell_h + p;
        for (size_t y = 0; sh->cells[i] && y < sh->height; y++)
            memcpy(canvas + (y0 + y) * sh->gw + x0,
                   sh->cells[i] + y * sh->width, sh->width);
        if (sh->names_above)
            font_draw(canvas, sh->gw, sh->gh,
                      sh->margin + col * sh->cell_w + p +
                          (sh->cell_w - p - font_width(sh->names[i])) / 2,
                      2, sh->names[i], ink);
    }
    for (size_t r = 0; sh->names_left && r < sh->rows; r++)
        font_draw(canvas, sh->gw, sh->gh, 2,
                  sh->top + r * sh->cell_h + p +
                      (sh->height > FONT_H ? (sh->height - FONT_H) / 2 : 0),
                  sh->names[r], ink);
}

/* Draws, scales and writes the sheet. */
static int run(const request *rq, const sheet *sh)
{
    size_t k = rq->png.scale;
    uint8_t *canvas = malloc(sh->gw * sh->gh);
    int ok = canvas != NULL;
    if (!ok) {
        cli_error("%s: out of memory for a %zux%zu sheet", rq->out,
                  sh->gw * k, sh->gh * k);
    } else {
        draw(rq, sh, canvas);
        ok = cli_png_sheet(rq->out, canvas, sh->gw, sh->gh, &rq->png);
    }
    if (ok && !cli_is_stdout(rq->out))
        printf("wrote %s: %zux%zu pixels, %zu %s in %zu %s of %zu\n", rq->out,
               sh->gw * k, sh->gh * k, sh->n, cli_plural(sh->n, "image",
                                                         "images"),
               sh->rows, cli_plural(sh->rows, "row", "rows"), sh->cols);
    free(canvas);
    return ok ? EXIT_OK : EXIT_BAD;
}

/* The chosen images and the sheet they make, its size checked: the plan. */
static int plan(request *rq, const cli_data *d, sheet *sh)
{
    const fmn_split *sp = d->splits[0];
    fmn_images im = fmn_split_images(sp);
    unsigned ncls = cli_label_end(sp); /* classes below it */
    if (!cli_check_picture_size(d->path, im.height, im.width))
        return 0;
    char first64[32];
    if (!cli_select_given(&rq->sel) && !rq->mean) {
        /* the first 64, as far as there are */
        snprintf(first64, sizeof first64, "0-%zu",
                 (im.count < 64 ? im.count : 64) - (im.count ? 1 : 0));
        rq->sel.index_list = im.count ? first64 : NULL;
    }
    uint32_t *idx = NULL;
    size_t n = 0;
    if (!cli_select_resolve(&rq->sel, sp, d->names[0], &idx, &n))
        return 0;
    int ok = n > 0;
    if (!ok)
        cli_error("%s: no image matches the selection", d->path);
    sh->width = im.width;
    sh->height = im.height;
    sh->cells = calloc(ncls * (rq->sel.per_class ? rq->sel.per_class : 1) + n,
                       sizeof *sh->cells);
    sh->names = calloc(ncls + n, sizeof *sh->names);
    sh->numbers = calloc(ncls ? ncls : 1, sizeof *sh->numbers);
    if (ok && (!sh->cells || !sh->names || !sh->numbers)) {
        cli_error("out of memory");
        ok = 0;
    }
    ok = ok && place_cells(rq, sp, idx, n, sh);
    free(idx);
    if (ok && rq->mean && rq->names && sh->cols != sh->n && sh->cols != 1) {
        cli_usage("grid", "--mean --names: one row (no --cols) or one column "
                          "(--cols 1)");
        return -1;
    }
    if (ok)
        geometry(rq, sh);
    return ok && check_size(rq, sh);
}

/* The sheet planned, drawn and written. */
static int draw_sheet(void *ctx, cli_data *d)
{
    request *rq = ctx;
    sheet sh;
    memset(&sh, 0, sizeof sh);
    int planned = plan(rq, d, &sh);
    int status = planned > 0 ? run(rq, &sh)
                             : planned < 0 ? EXIT_USAGE : EXIT_BAD;
    sheet_free(&sh);
    return status;
}

int cmd_grid(int argc, char **argv)
{
    request rq;
    return cli_run_command(argc, argv, &rq, start, draw_sheet);
}
