/* cmd_stats.c - `fmnist stats [PATH] [--split S]`: exact pixel statistics
 * per split and per class, a histogram, normalisation constants. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <string.h>

static const char HELP[] =
    "usage: fmnist stats [options] [PATH]\n"
    "\n"
    "Pixel statistics of each split of the dataset in directory PATH, and of\n"
    "each class: pixel count, min, max, sum, mean and population standard\n"
    "deviation on the 0-255 and the [0,1] scales, a histogram of pixel\n"
    "values, and normalisation constants ready to paste. Sums are exact\n"
    "integers; mean and std are computed once from them.\n"
    "\n"
    "Options:\n"
    "      --split S         train, test or all (default all)\n"
    "      --json            print one JSON object (schema in README.md)\n"
    CLI_STREAM_HELP CLI_DATA_HELP
    "  -h, --help            show this help\n";

/* The histogram of every pixel of the split. */
static void all_pixels(const cli_summary *s, uint64_t all[256])
{
    memset(all, 0, 256 * sizeof *all);
    for (unsigned c = 0; c < 256; c++)
        for (unsigned v = 0; v < 256; v++)
            all[v] += s->per_class[c][v];
}

static void text_figures(const char *indent, fmn_pixel_stats s)
{
    printf("%spixels   %llu\n", indent, (unsigned long long)s.count);
    printf("%smin      %u\n%smax      %u\n", indent, s.min, indent, s.max);
    printf("%ssum      %llu\n", indent, (unsigned long long)s.sum);
    printf("%smean     ", indent);
    cli_json_double(stdout, s.mean);
    printf(" (0-255)   %.7f ([0,1])\n", s.mean / 255.0);
    printf("%sstd      ", indent);
    cli_json_double(stdout, s.std);
    printf(" (0-255)   %.7f ([0,1])\n", s.std / 255.0);
}

static void text_split(const cli_summary *sm)
{
    uint64_t all[256];
    all_pixels(sm, all);
    fmn_pixel_stats s = fmn_histogram_stats(all);
    const char *ds = fmn_dataset_name(sm->dataset);
    printf("%s: %llu images of %zux%zu (%s", sm->name,
           (unsigned long long)sm->count, sm->height, sm->width,
           ds ? ds : "unidentified dataset");
    if (sm->naming != sm->dataset)
        printf("; class names of %s, by --dataset",
               fmn_dataset_name(sm->naming));
    printf(")\n");
    text_figures("  ", s);
    printf("  normalize: mean=%.7f std=%.7f\n", s.mean / 255.0, s.std / 255.0);
    printf("  histogram (16 bins of 16 values):\n");
    for (unsigned b = 0; b < 16; b++) {
        uint64_t n = 0;
        for (unsigned v = b * 16; v < b * 16 + 16; v++)
            n += all[v];
        double share = s.count ? (double)n / (double)s.count : 0.0;
        int bar = (int)(share * 40.0 + 0.5);
        printf("    %3u-%3u %6.2f%% ", b * 16, b * 16 + 15, 100.0 * share);
        for (int i = 0; i < bar; i++)
            putchar('#');
        putchar('\n');
    }
    printf("  per class:\n    %5s  %-12s %8s %10s %18s %10s %10s\n", "label",
           "name", "images", "sum", "mean", "std", "mean[0,1]");
    for (unsigned c = 0; c < sm->num_classes && c < 256; c++) {
        fmn_pixel_stats cs = fmn_histogram_stats(sm->per_class[c]);
        char buf[16];
        printf("    %5u  %-12s %8llu %10llu %18.14f %10.6f %10.7f\n", c,
               cli_summary_class(sm, c, buf),
               (unsigned long long)sm->images[c], (unsigned long long)cs.sum,
               cs.mean, cs.std, cs.mean / 255.0);
    }
}

static void json_figures(fmn_pixel_stats s)
{
    printf("{\"count\": %llu, \"min\": %u, \"max\": %u, \"sum\": %llu, "
           "\"sum_squares\": %llu, \"mean\": ",
           (unsigned long long)s.count, s.min, s.max,
           (unsigned long long)s.sum, (unsigned long long)s.sum_squares);
    cli_json_double(stdout, s.mean);
    printf(", \"std\": ");
    cli_json_double(stdout, s.std);
    printf(", \"mean01\": ");
    cli_json_double(stdout, s.mean / 255.0);
    printf(", \"std01\": ");
    cli_json_double(stdout, s.std / 255.0);
    printf("}");
}

static void json_split(const cli_summary *sm)
{
    uint64_t all[256];
    all_pixels(sm, all);
    printf("    {\n      \"name\": \"%s\",\n      \"dataset\": ", sm->name);
    json_string(stdout, fmn_dataset_name(sm->dataset));
    printf(",\n      \"class_names\": ");
    json_string(stdout, fmn_dataset_name(sm->naming));
    printf(",\n      \"count\": %llu,\n      \"pixels\": ",
           (unsigned long long)sm->count);
    json_figures(fmn_histogram_stats(all));
    printf(",\n      \"histogram\": [");
    for (unsigned v = 0; v < 256; v++)
        printf(v ? ", %llu" : "%llu", (unsigned long long)all[v]);
    printf("],\n      \"classes\": [");
    for (unsigned c = 0; c < sm->num_classes && c < 256; c++) {
        printf(c ? ",\n        " : "\n        ");
        printf("{\"label\": %u, \"name\": ", c);
        json_string(stdout, fmn_class_name(sm->naming, c));
        printf(", \"count\": %llu, \"pixels\": ",
               (unsigned long long)sm->images[c]);
        json_figures(fmn_histogram_stats(sm->per_class[c]));
        printf("}");
    }
    printf("\n      ]\n    }");
}

int cmd_stats(int argc, char **argv)
{
    cli_summaries all;
    int json;
    int status = cli_summary_command(argc, argv, "stats", HELP, 1, &all,
                                     &json);
    if (status != CLI_CONTINUE)
        return status;
    if (json) {
        printf("{\n  \"path\": ");
        json_string(stdout, all.path);
        printf(",\n  \"splits\": [");
    }
    for (size_t i = 0; i < all.n; i++) {
        if (json) {
            printf(i ? ",\n" : "\n");
            json_split(all.s[i]);
        } else {
            if (i)
                printf("\n");
            text_split(all.s[i]);
        }
    }
    return cli_summaries_end(&all, json);
}
