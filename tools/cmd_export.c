/* cmd_export.c - `fmnist export [PATH] -o DIR ...`: chosen images as 8-bit
 * greyscale PNG files whose pixels are the IDX bytes. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "png_out.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fmnist export [options] [PATH] -o DIR\n"
    "\n"
    "Write chosen images of the dataset in directory PATH as 8-bit\n"
    "greyscale PNG files whose pixels equal the IDX bytes, named\n"
    "SPLIT-INDEX-LABEL-CLASS.png (train-00000-9-ankle-boot.png). Each file\n"
    "is written to a temporary name and renamed when complete; existing\n"
    "files are never overwritten without --force, and all names are checked\n"
    "before anything is written.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR      the directory to write to (must exist)\n"
    "      --split S         train, test or all (default train)\n"
    "      --scale K         enlarge K times, nearest neighbour (default 1)\n"
    "      --invert          dark on light: 255 - value\n"
    "      --compression N   zlib level 0-9 (default 1: fast, run-length)\n"
    "      --force           overwrite existing files\n" CLI_SELECT_HELP
    CLI_DATA_HELP
    "  -h, --help            show this help\n";

/* "Ankle boot" -> "ankle-boot", "T-shirt/top" -> "t-shirt-top". */
static void slug(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c))
            out[n++] = (char)tolower(c);
        else if (n > 0 && out[n - 1] != '-')
            out[n++] = '-';
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
}

static void image_name(char *buf, size_t cap, const char *dir, const char *split,
                    size_t index, const fmn_split *sp, unsigned label)
{
    const char *name = fmn_split_class_name(sp, label);
    char s[64] = "";
    if (name)
        slug(name, s, sizeof s);
    snprintf(buf, cap, "%s%s%s-%05zu-%u%s%s.png", dir,
             dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", split, index,
             label, s[0] ? "-" : "", s);
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"split", required_argument, NULL, OPT_SPLIT},
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
    const char *outdir = NULL;
    unsigned mask = CLI_TRAIN;
    int c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "export", HELP, ":ho:", longopts,
                                &opt, &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        int r = cli_select_option("export", c, optarg, &sel);
        if (r == 0)
            r = cli_parse_png_option("export", c, optarg, &png);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (c == 'o')
            outdir = optarg;
        else if (c == OPT_SPLIT && !cli_parse_split("export", optarg, &mask))
            return EXIT_USAGE;
    }
    if (!outdir)
        return cli_usage("export", "no output directory: add -o DIR");
    if (!cli_select_given(&sel))
        return cli_usage("export",
                         "which images? use --index, --class, --per-class, "
                         "--sample or --all");
    if (argc - optind > 1)
        return cli_usage("export", "one PATH at most, %d given",
                         argc - optind);
    if (!cli_check_output_dir(outdir))
        return EXIT_BAD;
    cli_data d;
    status = cli_data_load(&d, optind < argc ? argv[optind] : NULL, mask, &opt);
    if (status != EXIT_OK)
        return status;

    /* choose everything and check every name before writing anything */
    size_t *chosen[2] = {NULL, NULL}, nchosen[2] = {0, 0}, total = 0;
    status = EXIT_OK;
    for (size_t s = 0; s < d.n && status == EXIT_OK; s++) {
        if (!cli_select_resolve(&sel, d.splits[s], d.names[s], &chosen[s],
                                &nchosen[s]))
            status = EXIT_BAD;
        total += nchosen[s];
    }
    size_t clashes = 0;
    char path[4096], first_clash[4096] = "";
    for (size_t s = 0; s < d.n && status == EXIT_OK && !png.force; s++)
        for (size_t i = 0; i < nchosen[s]; i++) {
            size_t k = chosen[s][i];
            image_name(path, sizeof path, outdir, d.names[s], k,
                           d.splits[s], fmn_split_labels(d.splits[s])[k]);
            if (access(path, F_OK) == 0 && clashes++ == 0)
                snprintf(first_clash, sizeof first_clash, "%s", path);
        }
    if (clashes) {
        cli_error("%s: exists%s; nothing written (use --force to overwrite)",
                  first_clash,
                  clashes > 1 ? " (and other files to be written)" : "");
        status = EXIT_BAD;
    }
    if (status == EXIT_OK && total == 0) {
        cli_error("%s: no image matches the selection", d.path);
        status = EXIT_BAD;
    }
    int progress = isatty(STDERR_FILENO) && total > 300;
    size_t done = 0;
    uint8_t *buf = NULL;
    for (size_t s = 0; s < d.n && status == EXIT_OK; s++) {
        fmn_images im = fmn_split_images(d.splits[s]);
        const uint8_t *labels = fmn_split_labels(d.splits[s]);
        size_t w = im.width * png.scale, h = im.height * png.scale;
        free(buf);
        buf = malloc(w * h > 0 ? w * h : 1);
        if (!buf) {
            cli_error("out of memory");
            status = EXIT_BAD;
            break;
        }
        for (size_t i = 0; i < nchosen[s]; i++) {
            size_t k = chosen[s][i];
            cli_scale_image(im.data + k * im.height * im.width, im.width,
                            im.height, png.scale, png.invert, buf);
            image_name(path, sizeof path, outdir, d.names[s], k,
                           d.splits[s], labels[k]);
            char err[4200];
            if (!png_write_file(path, buf, w, h, png.level, png.force, err,
                                sizeof err)) {
                if (progress)
                    fputc('\n', stderr);
                cli_error("%s", err);
                status = EXIT_BAD;
                break;
            }
            done++;
            if (progress && (done % 100 == 0 || done == total))
                fprintf(stderr, "\rfmnist: exported %zu of %zu", done, total);
        }
    }
    if (progress && done == total)
        fputc('\n', stderr);
    free(buf);
    if (status == EXIT_OK)
        printf("exported %zu images to %s\n", done, outdir);
    else if (done)
        cli_error("%zu of %zu images were written before the failure", done,
                  total);
    free(chosen[0]);
    free(chosen[1]);
    cli_data_free(&d);
    return status;
}
