/* cli_parse.c - one option loop for every command. */
#include "cli_parse.h"

#include <getopt.h>
#include <string.h>

/* Offers option `c` to each helper the command has, in turn. */
static cli_opt_result helpers_option(const cli_parser *p, int c,
                                     const char *arg)
{
    cli_opt_result r = CLI_OPT_OTHER;
    if (p->src)
        r = cli_source_option(p->cmd, c, arg, p->src);
    if (r == CLI_OPT_OTHER && p->sel)
        r = cli_select_option(p->cmd, c, arg, p->sel);
    if (r == CLI_OPT_OTHER && p->png)
        r = cli_png_option(p->cmd, c, arg, p->png);
    return r;
}

int cli_parse_options(const cli_parser *p, int argc, char **argv)
{
    int c, status;
    if (p->opt) {
        fmn_options_init(p->opt);
        p->opt->upright = p->upright;
    }
    optind = 1;
    while ((c = cli_next_option(argc, argv, p->cmd, p->help, p->shortopts,
                                p->longopts, p->opt, &status)) !=
           CLI_OPT_END) {
        if (c == CLI_OPT_DONE)
            return status;
        cli_opt_result r = helpers_option(p, c, optarg);
        if (r == CLI_OPT_BAD)
            return EXIT_USAGE;
        if (r == CLI_OPT_OTHER && (!p->own || !p->own(p->ctx, c, optarg)))
            return EXIT_USAGE;
    }
    if (p->check && (status = p->check(p->ctx)) != EXIT_OK)
        return status;
    return p->src && p->operands == CLI_PATH_OPERAND
               ? cli_source_finish(p->cmd, argc, argv, p->need_both, p->src)
               : CLI_CONTINUE;
}

int cli_json_flag(void *ctx, int c, const char *arg)
{
    (void)arg;
    if (c == OPT_JSON)
        *(int *)ctx = 1;
    return 1;
}

/* --json and --stream, for cli_dataset_options. */
typedef struct dataset_flags {
    const char *cmd;
    int *json, *stream;
} dataset_flags;

static int dataset_flag(void *ctx, int c, const char *arg)
{
    dataset_flags *f = ctx;
    (void)arg;
    if (c == OPT_JSON)
        *f->json = 1;
    else if (c == OPT_STREAM && !f->stream) {
        cli_usage(f->cmd, "unknown option '--stream'");
        return 0;
    } else if (c == OPT_STREAM)
        *f->stream = 1;
    return 1;
}

int cli_dataset_options(int argc, char **argv, const char *cmd,
                        const char *help, int *json, int *stream,
                        cli_source *src, fmn_options *opt)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"stream", no_argument, NULL, OPT_STREAM},
        CLI_SPLIT_LONGOPTS_END};
    fmn_options_init(opt);
    memset(src, 0, sizeof *src);
    src->mask = CLI_TRAIN | CLI_TEST;
    *json = 0;
    if (stream)
        *stream = 0;
    dataset_flags f = {cmd, json, stream};
    const cli_parser p = {
        .cmd = cmd, .help = help, .shortopts = ":h", .longopts = longopts,
        .opt = opt, .src = src, .own = dataset_flag, .ctx = &f};
    return cli_parse_options(&p, argc, argv);
}

/* --json and (where the command has it) --prove, for cli_files_options. */
typedef struct files_flags {
    const char *cmd;
    int *json, *prove;
} files_flags;

static int files_flag(void *ctx, int c, const char *arg)
{
    files_flags *f = ctx;
    (void)arg;
    if (c == OPT_JSON) {
        *f->json = 1;
    } else if (c == OPT_PROVE && f->prove) {
        *f->prove = 1;
    } else {
        cli_usage(f->cmd, "unknown option '--prove'");
        return 0;
    }
    return 1;
}

int cli_files_options(int argc, char **argv, const char *cmd,
                      const char *help, int *json, int *prove,
                      fmn_options *opt, const char **fallback)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"prove", no_argument, NULL, OPT_PROVE}, CLI_FILE_LONGOPTS_END};
    *json = 0;
    *fallback = NULL;
    if (prove)
        *prove = 0;
    files_flags f = {cmd, json, prove};
    const cli_parser p = {.cmd = cmd, .help = help, .shortopts = ":h",
                          .longopts = longopts, .opt = opt,
                          .own = files_flag, .ctx = &f};
    int status = cli_parse_options(&p, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    opt->hash_gz = prove ? *prove : 1;
    if (optind == argc && !(*fallback = cli_default_path()))
        return EXIT_BAD;
    return CLI_CONTINUE;
}

int cli_run_command(int argc, char **argv, void *request, cli_start_fn start,
                    cli_work_fn work)
{
    cli_data d;
    int status = start(argc, argv, request, &d);
    if (status != CLI_CONTINUE)
        return status;
    status = work(request, &d);
    cli_data_free(&d);
    return status;
}
