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
    "      --json            print one JSON object (schema in README.md)\n" CLI_DATA_HELP
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
    cli_data d;
    int json;
    int status = cli_dataset_command(argc, argv, "counts", HELP, &d, &json);
    if (status != CLI_CONTINUE)
        return status;
    int unicode = isatty(STDOUT_FILENO);
    if (json) {
        printf("{\n  \"path\": ");
        json_string(stdout, d.path);
        printf(",\n  \"splits\": [");
    }
    for (size_t i = 0; i < d.n; i++) {
        const fmn_split *sp = d.splits[i];
        size_t n = fmn_split_count(sp);
        const uint8_t *labels = fmn_split_labels(sp);
        uint64_t counts[256] = {0};
        for (size_t k = 0; k < n; k++)
            counts[labels[k]]++;
        unsigned ncls = fmn_split_num_classes(sp);
        uint64_t most = 0;
        for (unsigned k = 0; k < ncls; k++)
            most = counts[k] > most ? counts[k] : most;
        double top = n ? (double)most / (double)n : 0.0;
        const char *ds = fmn_dataset_name(fmn_split_dataset(sp));
        if (json) {
            printf("%s\n    {\"name\": \"%s\", \"dataset\": ", i ? "," : "",
                   d.names[i]);
            json_string(stdout, ds);
            printf(", \"count\": %zu, \"classes\": [", n);
        } else {
            printf("%s%s: %zu items (%s)\n", i ? "\n" : "", d.names[i], n,
                   ds ? ds : "unidentified dataset");
        }
        for (unsigned k = 0; k < ncls; k++) {
            double share = n ? (double)counts[k] / (double)n : 0.0;
            char buf[16];
            if (json) {
                printf("%s\n      {\"label\": %u, \"name\": ", k ? "," : "", k);
                json_string(stdout, fmn_split_class_name(sp, k));
                printf(", \"count\": %llu, \"share\": ",
                       (unsigned long long)counts[k]);
                cli_json_double(stdout, share);
                printf("}");
            } else {
                printf("  %3u  %-12s %8llu  %5.1f%%  ", k,
                       cli_class_name(sp, k, buf), (unsigned long long)counts[k],
                       100.0 * share);
                bar(share, top, unicode);
                printf("\n");
            }
        }
        if (json)
            printf("\n    ]}");
    }
    if (json)
        printf("\n  ]\n}\n");
    cli_data_free(&d);
    return EXIT_OK;
}
