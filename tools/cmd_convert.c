/* cmd_convert.c - `fmnist convert [PATH] --to FORMAT`: a split's items as
 * IDX, gzipped IDX, NumPy .npy or .npz, Kaggle CSV or PGM files, through
 * the library's writers into one set of files (fmn_save_set): all of
 * them, or none. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_parse.h"
#include "cli_os.h"
#include "cli_save.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist convert [options] [PATH] --to FORMAT\n"
    "       fmnist convert [options] --images FILE --labels FILE --to FORMAT\n"
    "\n"
    "Write the splits of the dataset in directory PATH (or chosen images\n"
    "of them) in another format. For each split:\n"
    "  idx     train-images-idx3-ubyte and train-labels-idx1-ubyte: raw IDX,\n"
    "          as the originals (the test split is named t10k-...); a label\n"
    "          matrix (QMNIST's) whole, as train-labels-idx2-int\n"
    "  idx.gz  the same, gzipped; any MNIST loader (and fmnist) reads them\n"
    "  npy     train-images.npy (uint8, N x 28 x 28) and train-labels.npy\n"
    "          (uint8, N), for numpy.load\n"
    "  csv     fashion-mnist_train.csv in Kaggle's layout: a header\n"
    "          label,pixel1,...,pixel784, then one row per image\n"
    "  pgm     train-images.pgm: binary PGM images one after another\n"
    "          (netpbm's pamsplit separates them), each with a comment\n"
    "          \"# item I label L (class)\"\n"
    "and for both splits in one file:\n"
    "  npz     fashion-mnist.npz in Keras' mnist.npz layout: x_train,\n"
    "          y_train, x_test, y_test, for numpy.load\n"
    "Files are written to temporary names; they take their names together\n"
    "once every one is complete, so a failure or an interruption (Ctrl-C,\n"
    "SIGTERM, SIGHUP) leaves none of them. Existing files are never\n"
    "replaced without --force, and every name is checked before anything\n"
    "is written.\n"
    "\n"
    "Options:\n"
    "  -t, --to FORMAT       idx, idx.gz, npy, npz, csv or pgm\n"
    "  -o, --output DIR      the directory to write to (default: the\n"
    "                        current one; it must exist)\n"
    "      --name STEM       name the files STEM-images.npy, STEM.csv,\n"
    "                        STEM.npz, ... instead of after the split or the\n"
    "                        dataset (one split only, but for npz)\n"
    "      --split S         train, test or all (default all)\n"
    "      --force           replace existing files\n"
    "Without a choice, every image of each split is written, in order.\n"
    CLI_SELECT_HELP CLI_FILES_HELP CLI_DATA_HELP
    CLI_HELP_HELP;

enum { OPT_NAME = CLI_OPT_COMMAND, FMT_NPZ = -1 };

typedef struct format_info {
    const char *name;
    int format;     /* an fmn_format, or FMT_NPZ */
    int has_labels; /* a second file for the labels */
} format_info;

static const format_info FORMATS[] = {
    {"idx", FMN_FORMAT_IDX, 1}, {"idx.gz", FMN_FORMAT_IDX_GZ, 1},
    {"npy", FMN_FORMAT_NPY, 1}, {"npz", FMT_NPZ, 0},
    {"csv", FMN_FORMAT_CSV, 0}, {"pgm", FMN_FORMAT_PGM, 0},
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

typedef struct request {
    cli_source src;
    cli_select sel;
    const format_info *fmt;
    const char *outdir, *stem;
    int force;
} request;

/* One file to write. */
typedef struct job {
    char path[4096];
    size_t split;
    fmn_file_kind kind;
} job;

typedef struct plan {
    uint32_t *chosen[2];
    fmn_items items[2];
    job jobs[4];
    size_t njobs;
} plan;

/* The file name for (split, kind) in DIR: official names for IDX, the
 * Kaggle name for CSV, the dataset's for npz, SPLIT-images.EXT otherwise;
 * STEM replaces the split's part when given. */
static void file_name(char *buf, size_t cap, const request *rq,
                      const cli_data *d, size_t s, fmn_file_kind kind)
{
    const char *dir = rq->outdir, *stem = rq->stem;
    const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
    const char *what = kind == FMN_FILE_IMAGES ? "images" : "labels";
    const char *split = fmn_split_id_name(d->ids[s]);
    const char *ds = fmn_dataset_name(fmn_split_dataset(d->splits[s]));
    char name[256];
    switch (rq->fmt->format) {
    case FMN_FORMAT_IDX:
    case FMN_FORMAT_IDX_GZ:
        fmn_split_file_name(d->splits[s],
                            d->ids[s] ? d->ids[s] : FMN_SPLIT_TRAIN, kind,
                            stem ? stem : split ? NULL : "items", name,
                            sizeof name);
        snprintf(buf, cap, "%s%s%s%s", dir, sep, name,
                 rq->fmt->format == FMN_FORMAT_IDX_GZ ? ".gz" : "");
        return;
    case FMT_NPZ:
        snprintf(buf, cap, "%s%s%s.npz", dir, sep,
                 stem ? stem : ds ? ds : "dataset");
        return;
    case FMN_FORMAT_CSV:
        if (stem)
            snprintf(buf, cap, "%s%s%s.csv", dir, sep, stem);
        else
            snprintf(buf, cap, "%s%s%s%s%s.csv", dir, sep, ds ? ds : "",
                     ds ? "_" : "", split ? split : "items");
        return;
    default:
        snprintf(buf, cap, "%s%s%s-%s.%s", dir, sep,
                 stem ? stem : split ? split : "items", what,
                 rq->fmt->format == FMN_FORMAT_NPY ? "npy" : "pgm");
        return;
    }
}

/* The command's own options; 0 after a usage message. */
static int own_option(void *ctx, int c, const char *arg)
{
    request *rq = ctx;
    switch (c) {
    case 't':
        if ((rq->fmt = find_format(arg)))
            return 1;
        cli_usage("convert", "--to: '%s' is not idx, idx.gz, npy, npz, csv "
                             "or pgm", arg);
        return 0;
    case 'o': rq->outdir = arg; return 1;
    case OPT_FORCE: rq->force = 1; return 1;
    case OPT_NAME:
        rq->stem = arg;
        if (*arg && !strchr(arg, '/'))
            return 1;
        cli_usage("convert", "--name: '%s' is not a file name (use -o for "
                             "the directory)", arg);
        return 0;
    default: return 1;
    }
}

/* The options together. */
static int check_request(void *ctx)
{
    request *rq = ctx;
    if (!rq->fmt)
        return cli_usage("convert", "no format: add --to idx, idx.gz, npy, "
                                    "npz, csv or pgm");
    if (rq->stem && rq->fmt->format != FMT_NPZ && !rq->src.images &&
        (!rq->src.split_given || rq->src.mask == (CLI_TRAIN | CLI_TEST)))
        return cli_usage("convert", "--name names one split's files: add "
                                    "--split train or --split test");
    if (!*rq->outdir)
        return cli_usage("convert", "-o: an empty directory name");
    if (cli_select_check("convert", &rq->sel) != EXIT_OK)
        return EXIT_USAGE;
    return cli_check_output_dir(rq->outdir) ? EXIT_OK : EXIT_BAD;
}

/* Parses the options and operands and loads the splits: CLI_CONTINUE
 * with them in *d, or the exit status (help, usage, a load that
 * failed). */
static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    request *rq = ctx;
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, OPT_NAME},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"force", no_argument, NULL, OPT_FORCE},
        CLI_SELECT_LONGOPTS,
        CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    *rq = (request){.src.mask = CLI_TRAIN | CLI_TEST, .outdir = "."};
    const cli_parser p = {
        .cmd = "convert", .help = HELP, .shortopts = ":ht:o:",
        .longopts = longopts, .opt = &opt, .src = &rq->src, .sel = &rq->sel,
        .own = own_option, .check = check_request, .ctx = rq, .need_both = 1};
    return cli_data_start(d, cli_parse_options(&p, argc, argv), &rq->src,
                          &opt);
}

/* What each split writes: its items (chosen or all) and its files. */
static int make_plan(const request *rq, const cli_data *d, plan *p)
{
    for (size_t s = 0; s < d->n; s++) {
        p->items[s] = fmn_items_range(0, fmn_split_count(d->splits[s]));
        if (cli_select_given(&rq->sel)) {
            size_t n;
            if (!cli_select_resolve(&rq->sel, d->splits[s], d->names[s],
                                    &p->chosen[s], &n))
                return 0;
            p->items[s] = fmn_items_list(p->chosen[s], n);
            if (n == 0) {
                cli_error("%s: no image of the %s split matches the "
                          "selection", d->path, d->names[s]);
                return 0;
            }
        }
        int files = rq->fmt->format == FMT_NPZ ? (s == 0)
                                               : rq->fmt->has_labels ? 2 : 1;
        for (int k = 0; k < files; k++) {
            job *j = &p->jobs[p->njobs++];
            j->split = s;
            j->kind = k ? FMN_FILE_LABELS : FMN_FILE_IMAGES;
            file_name(j->path, sizeof j->path, rq, d, s, j->kind);
        }
    }
    for (size_t i = 0; i < p->njobs && !rq->force; i++)
        if (cli_path_taken(p->jobs[i].path)) {
            cli_error("%s: exists; nothing written (use --force to "
                      "overwrite)", p->jobs[i].path);
            return 0;
        }
    return 1;
}

/* The npz file: both splits, train's as x_train/y_train. */
static fmn_status save_npz(fmn_save_set *set, const plan *p,
                           const cli_data *d, fmn_error *err)
{
    const fmn_split *sp[2] = {NULL, NULL};
    fmn_items it[2] = {fmn_items_range(0, 0), fmn_items_range(0, 0)};
    for (size_t s = 0; s < d->n; s++) {
        int t = d->ids[s] == FMN_SPLIT_TEST;
        sp[t] = d->splits[s];
        it[t] = p->items[s];
    }
    return fmn_save_set_npz(set, sp[0], it[0], sp[1], it[1], p->jobs[0].path,
                            err);
}

/* Every file into one set, then named together. */
static int save_all(const request *rq, const cli_data *d, const plan *p)
{
    fmn_save_set *set = cli_save_begin(rq->force);
    if (!set)
        return 0;
    fmn_status st = FMN_OK;
    fmn_error err;
    for (size_t i = 0; i < p->njobs && st == FMN_OK; i++) {
        const job *j = &p->jobs[i];
        st = rq->fmt->format == FMT_NPZ
                 ? save_npz(set, p, d, &err)
                 : fmn_save_set_split(set, d->splits[j->split],
                                      p->items[j->split],
                                      (fmn_format)rq->fmt->format, j->kind,
                                      j->path, &err);
    }
    if (st != FMN_OK)
        cli_error("%s", err.message);
    return cli_save_end(set, st == FMN_OK);
}

static int run(const request *rq, const cli_data *d, const plan *p)
{
    if (!save_all(rq, d, p))
        return EXIT_BAD;
    for (size_t i = 0; i < p->njobs; i++) {
        const job *j = &p->jobs[i];
        cli_os_entry sb;
        size_t n = rq->fmt->format == FMT_NPZ ? p->items[0].count +
                                                    (d->n > 1 ? p->items[1].count : 0)
                                              : p->items[j->split].count;
        printf("wrote %s: %zu %s, %lld bytes\n", j->path, n,
               j->kind == FMN_FILE_IMAGES ? cli_plural(n, "image", "images")
                                          : cli_plural(n, "label", "labels"),
               cli_os_stat(j->path, 1, &sb) == 0 ? (long long)sb.size : -1LL);
    }
    return EXIT_OK;
}

/* The files written, as the plan says. */
static int write_files(void *ctx, cli_data *d)
{
    request *rq = ctx;
    plan p;
    memset(&p, 0, sizeof p);
    int status = make_plan(rq, d, &p) ? run(rq, d, &p) : EXIT_BAD;
    free(p.chosen[0]);
    free(p.chosen[1]);
    return status;
}

int cmd_convert(int argc, char **argv)
{
    request rq;
    return cli_run_command(argc, argv, &rq, start, write_files);
}
