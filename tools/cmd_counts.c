/* cmd_counts.c - `fmnist counts [PATH]`: items per split and per class,
 * with their share and a bar. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fmnist counts [options] [PATH]\n"
    "\n"
    "Per split and per class of the dataset in directory PATH: the number\n"
    "of items, their share of the split, and a bar (Unicode blocks on a\n"
    "terminal, '#' otherwise).\n"
    "\n"
    "Options:\n"
    "      --split S         train, test or all (default all)\n"
    "      --json            print one JSON object (schema in README.md)\n"
    CLI_STREAM_HELP CLI_DATA_HELP
    "  -h, --help            show this help\n";

/* A bar of up to 30 cells for `share` of the largest class's share `top`,
 * in eighths of a cell on a terminal. */
static void bar(double share, double top, int unicode)
{
    static const char *const eighths[8] = {"", "\u258f", "\u258e", "\u258d",
                                           "\u258c", "\u258b", "\u258a",
                                           "\u2589"};
    int units = top > 0 ? (int)(share / top * 30.0 * 8.0 + 0.5) : 0;
    for (int i = 0; i < units / 8; i++)
        fputs(unicode ? "\u2588" : "#", stdout);
    if (unicode)
        fputs(eighths[units % 8], stdout);
}

int cmd_counts(int argc, char **argv)
{
    cli_summaries all;
    int json;
    int status = cli_summary_command(argc, argv, "counts", HELP, 0, &all,
                                     &json);
    if (status != CLI_CONTINUE)
        return status;
    int unicode = isatty(STDOUT_FILENO);
    if (json) {
        printf("{\n  \"path\": ");
        json_string(stdout, all.path);
        printf(",\n  \"splits\": [");
    }
    for (size_t i = 0; i < all.n; i++) {
        const cli_summary *sm = all.s[i];
        uint64_t n = sm->count;
        unsigned ncls = sm->num_classes < 256 ? sm->num_classes : 256;
        uint64_t most = 0;
        for (unsigned k = 0; k < ncls; k++)
            most = sm->images[k] > most ? sm->images[k] : most;
        double top = n ? (double)most / (double)n : 0.0;
        const char *ds = fmn_dataset_name(sm->dataset);
        if (json) {
            printf("%s\n    {\"name\": \"%s\", \"dataset\": ", i ? "," : "",
                   sm->name);
            json_string(stdout, ds);
            printf(", \"class_names\": ");
            json_string(stdout, fmn_dataset_name(sm->naming));
            printf(", \"count\": %llu, \"classes\": [",
                   (unsigned long long)n);
        } else {
            printf("%s%s: %llu items (%s", i ? "\n" : "", sm->name,
                   (unsigned long long)n, ds ? ds : "unidentified dataset");
            if (sm->naming != sm->dataset)
                printf("; class names of %s, by --dataset",
                       fmn_dataset_name(sm->naming));
            printf(")\n");
        }
        for (unsigned k = 0; k < ncls; k++) {
            double share = n ? (double)sm->images[k] / (double)n : 0.0;
            char buf[16];
            if (json) {
                printf("%s\n      {\"label\": %u, \"name\": ", k ? "," : "", k);
                json_string(stdout, fmn_class_name(sm->naming, k));
                printf(", \"count\": %llu, \"share\": ",
                       (unsigned long long)sm->images[k]);
                cli_json_double(stdout, share);
                printf("}");
            } else {
                printf("  %3u  %-12s %8llu  %5.1f%%  ", k,
                       cli_summary_class(sm, k, buf),
                       (unsigned long long)sm->images[k], 100.0 * share);
                bar(share, top, unicode);
                printf("\n");
            }
        }
        if (json)
            printf("\n    ]}");
    }
    return cli_summaries_end(&all, json);
}
