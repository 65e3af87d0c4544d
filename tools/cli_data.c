/* cli_data.c - what the data commands share: loading the splits of a
 * dataset directory, naming classes, formatting numbers. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

int cli_data_load(cli_data *d, const char *path, unsigned mask,
                  const fmn_options *opt)
{
    memset(d, 0, sizeof *d);
    if (!path)
        path = cli_default_path();
    if (!path)
        return EXIT_BAD;
    d->path = path;
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_error("%s", err.message);
        return EXIT_BAD;
    }
    static const fmn_split_id ids[2] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    fmn_split *sp[2] = {NULL, NULL};
    fmn_error errs[2];
    errs[0].status = errs[1].status = FMN_OK;
    int status = EXIT_OK;
    if (mask == (CLI_TRAIN | CLI_TEST)) {
        /* the splits present, both at once on two cores */
        fmn_dir_load_both(dir, opt, &sp[0], &sp[1], &errs[0], &errs[1]);
    } else {
        /* a split asked for by name must be there */
        int i = mask == CLI_TEST;
        if (!fmn_dir_path(dir, ids[i], FMN_FILE_IMAGES) &&
            !fmn_dir_path(dir, ids[i], FMN_FILE_LABELS)) {
            cli_error("%s: no %s split here", path, fmn_split_name(ids[i]));
            status = EXIT_BAD;
        } else {
            fmn_dir_load_split(dir, ids[i], opt, &sp[i], &errs[i]);
        }
    }
    for (int i = 0; i < 2; i++) {
        if (errs[i].status != FMN_OK) {
            cli_error("%s", errs[i].message);
            status = EXIT_BAD;
        }
        if (sp[i]) {
            d->names[d->n] = fmn_split_name(ids[i]);
            d->ids[d->n] = ids[i];
            d->splits[d->n++] = sp[i];
        }
    }
    fmn_dir_free(dir);
    if (status != EXIT_OK) {
        cli_data_free(d);
        return status;
    }
    return EXIT_OK;
}

void cli_data_free(cli_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        fmn_split_free(d->splits[i]);
    d->n = 0;
}

int cli_dataset_options(int argc, char **argv, const char *cmd,
                        const char *help, int *json, int *stream,
                        unsigned *mask, fmn_options *opt, const char **path)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"stream", no_argument, NULL, OPT_STREAM},
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options_init(opt);
    *mask = CLI_TRAIN | CLI_TEST;
    *json = 0;
    if (stream)
        *stream = 0;
    int c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, cmd, help, ":h", longopts, opt,
                                &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        if (c == OPT_JSON)
            *json = 1;
        else if (c == OPT_STREAM && !stream)
            return cli_usage(cmd, "unknown option '--stream'");
        else if (c == OPT_STREAM)
            *stream = 1;
        else if (c == OPT_SPLIT && !cli_parse_split(cmd, optarg, mask))
            return EXIT_USAGE;
    }
    if (argc - optind > 1)
        return cli_usage(cmd, "one PATH at most, %d given", argc - optind);
    *path = optind < argc ? argv[optind] : NULL;
    return CLI_CONTINUE;
}

int cli_dataset_command(int argc, char **argv, const char *cmd,
                        const char *help, cli_data *d, int *json)
{
    fmn_options opt;
    unsigned mask;
    const char *path;
    int status = cli_dataset_options(argc, argv, cmd, help, json, NULL,
                                     &mask, &opt, &path);
    if (status != CLI_CONTINUE)
        return status;
    status = cli_data_load(d, path, mask, &opt);
    return status == EXIT_OK ? CLI_CONTINUE : status;
}

const char *cli_class_name(const fmn_split *sp, unsigned label, char buf[16])
{
    const char *name = fmn_split_class_name(sp, label);
    if (name)
        return name;
    snprintf(buf, 16, "%u", label);
    return buf;
}

void cli_json_double(FILE *f, double v)
{
    /* the shortest decimal that reads back as the same double */
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}
