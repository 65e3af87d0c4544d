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
                  const fmn_options *opt_in)
{
    memset(d, 0, sizeof *d);
    if (!path)
        path = cli_default_path();
    if (!path)
        return EXIT_BAD;
    d->path = path;
    fmn_options opt = *opt_in;
    cli_report_to(&opt, &d->problems);
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
        fmn_dir_load_both(dir, &opt, &sp[0], &sp[1], NULL, NULL);
    } else {
        /* a split asked for by name must be there */
        int i = mask == CLI_TEST;
        if (!fmn_dir_has_split(dir, ids[i])) {
            char msg[4200];
            snprintf(msg, sizeof msg, "%s: no %s split here", d->path,
                     fmn_split_name(ids[i]));
            cli_problem(&d->problems, msg);
        } else {
            fmn_dir_load_split(dir, ids[i], &opt, &sp[i], NULL);
        }
    }
    for (int i = 0; i < 2; i++)
        if (sp[i]) {
            d->names[d->n] = fmn_split_name(ids[i]);
            d->ids[d->n] = ids[i];
            d->splits[d->n++] = sp[i];
        }
    fmn_dir_free(dir);
    return d->problems.n ? EXIT_BAD : EXIT_OK;
}

void cli_data_free(cli_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        fmn_split_free(d->splits[i]);
    d->n = 0;
    cli_problems_free(&d->problems);
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
    if (status != EXIT_OK)
        cli_data_free(d);
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
