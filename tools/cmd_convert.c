/* cmd_convert.c - `fmnist convert [PATH] --to FORMAT`: a split's items as
 * IDX, gzipped IDX, NumPy .npy, Kaggle CSV or PGM files, through the
 * library's writers (fmn_split_save). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fmnist convert [options] [PATH] --to FORMAT\n"
    "\n"
    "Write the splits of the dataset in directory PATH (or chosen images\n"
    "of them) in another format. For each split:\n"
    "  idx     train-images-idx3-ubyte and train-labels-idx1-ubyte: raw IDX,\n"
    "          as the originals (the test split is named t10k-...)\n"
    "  idx.gz  the same, gzipped; any MNIST loader (and fmnist) reads them\n"
    "  npy     train-images.npy (uint8, N x 28 x 28) and train-labels.npy\n"
    "          (uint8, N), for numpy.load\n"
    "  csv     fashion-mnist_train.csv in Kaggle's layout: a header\n"
    "          label,pixel1,...,pixel784, then one row per image\n"
    "  pgm     train-images.pgm: binary PGM images one after another\n"
    "          (netpbm's pamsplit separates them), each with a comment\n"
    "          \"# item I label L (class)\"\n"
    "Files are written to temporary names and renamed when complete;\n"
    "existing files are never replaced without --force, and every name is\n"
    "checked before anything is written.\n"
    "\n"
    "Options:\n"
    "  -t, --to FORMAT       idx, idx.gz, npy, csv or pgm\n"
    "  -o, --output DIR      the directory to write to (default: the\n"
    "                        current one; it must exist)\n"
    "      --name STEM       name the files STEM-images.npy, STEM.csv, ...\n"
    "                        instead of after the split (one split only)\n"
    "      --split S         train, test or all (default all)\n"
    "      --force           replace existing files\n"
    "Without a choice, every image of each split is written, in order.\n"
    CLI_SELECT_HELP CLI_DATA_HELP
    "  -h, --help            show this help\n";

typedef struct format_info {
    const char *name;
    fmn_format format;
    int has_labels; /* a second file for the labels */
} format_info;

static const format_info FORMATS[] = {
    {"idx", FMN_FORMAT_IDX, 1},  {"idx.gz", FMN_FORMAT_IDX_GZ, 1},
    {"npy", FMN_FORMAT_NPY, 1},  {"csv", FMN_FORMAT_CSV, 0},
    {"pgm", FMN_FORMAT_PGM, 0},
};

static const format_info *find_format(const char *name)
{
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (!strcmp(name, FORMATS[i].name))
            return &FORMATS[i];
    if (!strcmp(name, "idx-gz") || !strcmp(name, "gz"))
        return &FORMATS[1];
    return NULL;
}

/* The file name for (split, kind) in DIR: official names for IDX, the
 * Kaggle name for CSV, SPLIT-images.EXT otherwise; STEM replaces the
 * split's part when given. */
static void file_name(char *buf, size_t cap, const char *dir,
                      const char *stem, const cli_data *d, size_t s,
                      const format_info *f, fmn_file_kind kind)
{
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    const char *what = kind == FMN_FILE_IMAGES ? "images" : "labels";
    const char *split = d->names[s];
    switch (f->format) {
    case FMN_FORMAT_IDX:
    case FMN_FORMAT_IDX_GZ: {
        char name[256];
        fmn_release_file_name(d->ids[s], kind, stem, name, sizeof name);
        snprintf(buf, cap, "%s%s%s%s", dir, sep, name,
                 f->format == FMN_FORMAT_IDX_GZ ? ".gz" : "");
        return;
    }
    case FMN_FORMAT_CSV: {
        const char *ds = fmn_dataset_name(fmn_split_dataset(d->splits[s]));
        if (stem)
            snprintf(buf, cap, "%s%s%s.csv", dir, sep, stem);
        else
            snprintf(buf, cap, "%s%s%s%s%s.csv", dir, sep, ds ? ds : "",
                     ds ? "_" : "", split);
        return;
    }
    case FMN_FORMAT_NPY:
    case FMN_FORMAT_PGM:
        snprintf(buf, cap, "%s%s%s-%s.%s", dir, sep, stem ? stem : split,
                 what, f->format == FMN_FORMAT_NPY ? "npy" : "pgm");
        return;
    }
}

/* One file to write. */
typedef struct job {
    char path[4096];
    size_t split;
    fmn_file_kind kind;
} job;

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, OPT_NAME},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"force", no_argument, NULL, OPT_FORCE},
        CLI_SELECT_LONGOPTS,
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options opt;
    fmn_options_init(&opt);
    cli_select sel;
    memset(&sel, 0, sizeof sel);
    const format_info *fmt = NULL;
    const char *outdir = ".", *stem = NULL;
    unsigned mask = CLI_TRAIN | CLI_TEST;
    int force = 0, split_given = 0, c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "convert", HELP, ":ht:o:",
                                longopts, &opt, &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        int r = cli_select_option("convert", c, optarg, &sel);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (c == 't' && !(fmt = find_format(optarg)))
            return cli_usage("convert",
                             "--to: '%s' is not idx, idx.gz, npy, csv or pgm",
                             optarg);
        if (c == 'o')
            outdir = optarg;
        else if (c == OPT_NAME) {
            stem = optarg;
            if (!*stem || strchr(stem, '/'))
                return cli_usage("convert", "--name: '%s' is not a file "
                                 "name (use -o for the directory)", stem);
        } else if (c == OPT_FORCE)
            force = 1;
        else if (c == OPT_SPLIT) {
            if (!cli_parse_split("convert", optarg, &mask))
                return EXIT_USAGE;
            split_given = 1;
        }
    }
    if (!fmt)
        return cli_usage("convert", "no format: add --to idx, idx.gz, npy, "
                                    "csv or pgm");
    if (stem && (!split_given || mask == (CLI_TRAIN | CLI_TEST)))
        return cli_usage("convert", "--name names one split's files: add "
                                    "--split train or --split test");
    if (argc - optind > 1)
        return cli_usage("convert", "one PATH at most, %d given",
                         argc - optind);
    if (!*outdir)
        return cli_usage("convert", "-o: an empty directory name");
    if (!cli_check_output_dir(outdir))
        return EXIT_BAD;
    cli_data d;
    status = cli_data_load(&d, optind < argc ? argv[optind] : NULL, mask,
                           &opt);
    if (status != EXIT_OK) {
        cli_data_free(&d);
        return status;
    }

    /* choose, name every file and check each is free before writing */
    uint32_t *chosen[2] = {NULL, NULL};
    fmn_items items[2];
    job jobs[4];
    size_t njobs = 0;
    for (size_t s = 0; s < d.n && status == EXIT_OK; s++) {
        items[s] = fmn_items_range(0, fmn_split_count(d.splits[s]));
        if (cli_select_given(&sel)) {
            size_t n;
            if (!cli_select_resolve(&sel, d.splits[s], d.names[s], &chosen[s],
                                    &n)) {
                status = EXIT_BAD;
                break;
            }
            items[s] = fmn_items_list(chosen[s], n);
            if (n == 0) {
                cli_error("%s: no image of the %s split matches the "
                          "selection", d.path, d.names[s]);
                status = EXIT_BAD;
            }
        }
        for (int k = 0; k < (fmt->has_labels ? 2 : 1); k++) {
            job *j = &jobs[njobs++];
            j->split = s;
            j->kind = k ? FMN_FILE_LABELS : FMN_FILE_IMAGES;
            file_name(j->path, sizeof j->path, outdir, stem, &d, s, fmt,
                      j->kind);
        }
    }
    for (size_t i = 0; i < njobs && status == EXIT_OK && !force; i++)
        if (cli_path_taken(jobs[i].path)) {
            cli_error("%s: exists; nothing written (use --force to "
                      "overwrite)", jobs[i].path);
            status = EXIT_BAD;
        }
    size_t written = 0;
    for (size_t i = 0; i < njobs && status == EXIT_OK; i++) {
        job *j = &jobs[i];
        fmn_error err;
        if (fmn_split_save(d.splits[j->split], items[j->split], fmt->format,
                           j->kind, j->path, force ? FMN_SAVE_OVERWRITE : 0,
                           &err) != FMN_OK) {
            cli_error("%s", err.message);
            if (written)
                cli_error("%zu of %zu files were written before the failure",
                          written, njobs);
            status = EXIT_BAD;
            break;
        }
        struct stat st;
        printf("wrote %s: %zu %s, %lld bytes\n", j->path,
               items[j->split].count,
               j->kind == FMN_FILE_IMAGES ? "images" : "labels",
               stat(j->path, &st) == 0 ? (long long)st.st_size : -1LL);
        written++;
    }
    free(chosen[0]);
    free(chosen[1]);
    cli_data_free(&d);
    return status;
}
