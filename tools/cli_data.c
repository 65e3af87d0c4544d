/* cli_data.c - where a command's data comes from (a folder, or files
 * named alone) and its splits, loaded by the library with every problem
 * reported once. */
#define _POSIX_C_SOURCE 200809L
#include "cli_data.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_dataset(const char *s, fmn_dataset *out)
{
    fmn_dataset d = fmn_dataset_from_name(s);
    if (d)
        *out = d;
    return d != FMN_DATASET_UNKNOWN;
}

cli_opt_result cli_data_option(const char *cmd, int opt, const char *arg,
                               fmn_options *options)
{
    unsigned long long n;
    switch (opt) {
    case OPT_MAX_BYTES:
        if (!cli_parse_size(arg, &options->max_bytes)) {
            cli_usage(cmd, "--max-bytes: '%s' is not a size such as 512M or 8G",
                      arg);
            return CLI_OPT_BAD;
        }
        return CLI_OPT_TAKEN;
    case OPT_CLASSES:
        if (!cli_parse_uint(arg, 1, 256, &n)) {
            cli_usage(cmd, "--classes: '%s' is not a number from 1 to 256", arg);
            return CLI_OPT_BAD;
        }
        options->num_classes = (unsigned)n;
        return CLI_OPT_TAKEN;
    case OPT_DATASET:
        if (!cli_parse_dataset(arg, &options->dataset)) {
            cli_usage(cmd,
                      "--dataset: '%s' is not one of fashion-mnist, mnist, "
                      "kmnist, qmnist, emnist-byclass, emnist-bymerge, "
                      "emnist-balanced, emnist-letters, emnist-digits, "
                      "emnist-mnist",
                      arg);
            return CLI_OPT_BAD;
        }
        return CLI_OPT_TAKEN;
    case OPT_THREADS:
        if (!cli_parse_uint(arg, 1, 64, &n)) {
            cli_usage(cmd, "--threads: '%s' is not a number from 1 to 64", arg);
            return CLI_OPT_BAD;
        }
        options->threads = (unsigned)n;
        return CLI_OPT_TAKEN;
    case OPT_AS_STORED:
        options->upright = 0;
        return CLI_OPT_TAKEN;
    default:
        return CLI_OPT_OTHER;
    }
}

int cli_parse_split(const char *cmd, const char *arg, unsigned *mask)
{
    if (!strcmp(arg, "train"))
        *mask = CLI_TRAIN;
    else if (!strcmp(arg, "test") || !strcmp(arg, "t10k"))
        *mask = CLI_TEST;
    else if (!strcmp(arg, "all"))
        *mask = CLI_TRAIN | CLI_TEST;
    else {
        cli_usage(cmd, "--split: '%s' is not train, test or all", arg);
        return 0;
    }
    return 1;
}

cli_opt_result cli_source_option(const char *cmd, int opt, const char *arg,
                                 cli_source *src)
{
    switch (opt) {
    case OPT_SPLIT:
        src->split_given = 1;
        return cli_parse_split(cmd, arg, &src->mask) ? CLI_OPT_TAKEN
                                                     : CLI_OPT_BAD;
    case OPT_IMAGES:
        src->images = arg;
        return CLI_OPT_TAKEN;
    case OPT_LABELS_FILE:
        src->labels = arg;
        return CLI_OPT_TAKEN;
    default:
        return CLI_OPT_OTHER;
    }
}

int cli_source_finish(const char *cmd, int argc, char **argv, int need_both,
                      cli_source *src)
{
    int files = src->images || src->labels;
    if (argc - optind > 1)
        return cli_usage(cmd, "one PATH at most, %d given", argc - optind);
    if (optind < argc && files)
        return cli_usage(cmd, "'%s': a PATH, or --images and --labels, not "
                              "both", argv[optind]);
    if (files && need_both && !(src->images && src->labels))
        return cli_usage(cmd, "%s: add %s", src->images ? "--images" : "--labels",
                         src->images ? "--labels FILE, the labels of those "
                                       "images"
                                     : "--images FILE, the images of those "
                                       "labels");
    if (files && src->split_given)
        return cli_usage(cmd, "--split chooses among a folder's splits; "
                              "--images and --labels name one");
    if (files)
        src->mask = CLI_TRAIN | CLI_TEST;
    src->path = optind < argc ? argv[optind] : NULL;
    return CLI_CONTINUE;
}

/* The name of a split named by its files: what its content says it is,
 * else the images file's name. */
static const char *files_name(const fmn_split *sp, const cli_source *src)
{
    const char *id = fmn_split_id_name(fmn_split_id_of(sp));
    return id ? id : src->images;
}

static int load_files(cli_data *d, const cli_source *src,
                      const fmn_options *opt)
{
    snprintf(d->location, sizeof d->location, "%s", src->images);
    d->path = d->location;
    fmn_split *sp;
    if (fmn_split_load(src->images, src->labels, opt, &sp, NULL) != FMN_OK)
        return EXIT_BAD; /* the library reported why */
    d->names[0] = files_name(sp, src);
    d->ids[0] = fmn_split_id_of(sp);
    d->splits[0] = sp;
    d->n = 1;
    return EXIT_OK;
}

static int load_folder(cli_data *d, const char *path, unsigned mask,
                       const fmn_options *opt)
{
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_problem(&d->problems, err.message);
        return EXIT_BAD;
    }
    snprintf(d->location, sizeof d->location, "%s", fmn_dir_location(dir));
    d->path = d->location;
    static const fmn_split_id ids[2] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    fmn_split *sp[2] = {NULL, NULL};
    if (mask == (CLI_TRAIN | CLI_TEST)) {
        /* the splits present, both at once on two cores */
        fmn_dir_load_both(dir, opt, &sp[0], &sp[1], NULL, NULL);
    } else {
        /* a split asked for by name must be there */
        int i = mask == CLI_TEST;
        if (!fmn_dir_has_split(dir, ids[i])) {
            char msg[4200];
            snprintf(msg, sizeof msg, "%s: no %s split here", d->path,
                     fmn_split_id_name(ids[i]));
            cli_problem(&d->problems, msg);
        } else {
            fmn_dir_load_split(dir, ids[i], opt, &sp[i], NULL);
        }
    }
    for (int i = 0; i < 2; i++)
        if (sp[i]) {
            d->names[d->n] = fmn_split_id_name(ids[i]);
            d->ids[d->n] = ids[i];
            d->splits[d->n++] = sp[i];
        }
    fmn_dir_free(dir);
    return d->problems.n ? EXIT_BAD : EXIT_OK;
}

int cli_data_load(cli_data *d, const cli_source *src, const fmn_options *opt_in)
{
    memset(d, 0, sizeof *d);
    fmn_options opt = *opt_in;
    cli_report_to(&opt, &d->problems);
    if (src->images || src->labels)
        return load_files(d, src, &opt);
    const char *path = src->path ? src->path : cli_default_path();
    if (!path)
        return EXIT_BAD;
    d->path = path;
    return load_folder(d, path, src->mask, &opt);
}

int cli_data_start(cli_data *d, int parsed, const cli_source *src,
                   const fmn_options *opt)
{
    if (parsed != CLI_CONTINUE)
        return parsed;
    if (cli_data_load(d, src, opt) == EXIT_OK) {
        cli_note_upright(d);
        return CLI_CONTINUE;
    }
    cli_data_free(d);
    return EXIT_BAD;
}

void cli_data_free(cli_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        fmn_split_free(d->splits[i]);
    d->n = 0;
    cli_problems_free(&d->problems);
}

void cli_note_upright(const cli_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->splits[i] && fmn_split_upright(d->splits[i])) {
            fmn_dataset ds = fmn_split_dataset(d->splits[i]);
            cli_error("%s: %s stores its images transposed: shown upright "
                     "(--as-stored for the bytes as stored)",
                     d->names[i],
                     fmn_dataset_title(ds ? ds
                                          : fmn_split_naming(d->splits[i])));
        }
}

const char *cli_naming_reason(int asked)
{
    return asked ? "by --dataset" : "by its files' names";
}

unsigned cli_class_end(unsigned first, unsigned count)
{
    return count > 256 - first ? 256 : first + count;
}

unsigned cli_label_end(const fmn_split *sp)
{
    return cli_class_end(fmn_split_first_label(sp), fmn_split_num_classes(sp));
}

const char *cli_class_name(const fmn_split *sp, unsigned label, char buf[16])
{
    const char *name = fmn_split_class_name(sp, label);
    if (name)
        return name;
    snprintf(buf, 16, "%u", label);
    return buf;
}
