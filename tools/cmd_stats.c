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
    "      --json            print one JSON object (schema in README.md)\n" CLI_DATA_HELP
    "  -h, --help            show this help\n";

typedef struct split_stats {
    uint64_t all[256];
    uint64_t per_class[256][256];
} split_stats;

static void compute(const fmn_split *sp, split_stats *st)
{
    memset(st, 0, sizeof *st);
    fmn_images im = fmn_split_images(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    size_t px = im.height * im.width;
    for (size_t i = 0; i < im.count; i++)
        fmn_histogram_add(st->per_class[labels[i]], im.data + i * px, px);
    for (unsigned c = 0; c < 256; c++)
        for (unsigned v = 0; v < 256; v++)
            st->all[v] += st->per_class[c][v];
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

static void text_split(const char *name, const fmn_split *sp,
                       const split_stats *st)
{
    fmn_images im = fmn_split_images(sp);
    fmn_pixel_stats s = fmn_histogram_stats(st->all);
    const char *ds = fmn_dataset_name(fmn_split_dataset(sp));
    printf("%s: %zu images of %zux%zu (%s)\n", name, im.count, im.height,
           im.width, ds ? ds : "unidentified dataset");
    text_figures("  ", s);
    printf("  normalize: mean=%.7f std=%.7f\n", s.mean / 255.0, s.std / 255.0);
    printf("  histogram (16 bins of 16 values):\n");
    for (unsigned b = 0; b < 16; b++) {
        uint64_t n = 0;
        for (unsigned v = b * 16; v < b * 16 + 16; v++)
            n += st->all[v];
        double share = s.count ? (double)n / (double)s.count : 0.0;
        int bar = (int)(share * 40.0 + 0.5);
        printf("    %3u-%3u %6.2f%% ", b * 16, b * 16 + 15, 100.0 * share);
        for (int i = 0; i < bar; i++)
            putchar('#');
        putchar('\n');
    }
    printf("  per class:\n    %5s  %-12s %8s %10s %18s %10s %10s\n", "label",
           "name", "images", "sum", "mean", "std", "mean[0,1]");
    const uint8_t *labels = fmn_split_labels(sp);
    uint64_t images[256] = {0};
    for (size_t i = 0; i < im.count; i++)
        images[labels[i]]++;
    for (unsigned c = 0; c < fmn_split_num_classes(sp); c++) {
        fmn_pixel_stats cs = fmn_histogram_stats(st->per_class[c]);
        char buf[16];
        printf("    %5u  %-12s %8llu %10llu %18.14f %10.6f %10.7f\n", c,
               cli_class_name(sp, c, buf), (unsigned long long)images[c],
               (unsigned long long)cs.sum, cs.mean, cs.std, cs.mean / 255.0);
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

static void json_split(const char *name, const fmn_split *sp,
                       const split_stats *st)
{
    fmn_images im = fmn_split_images(sp);
    printf("    {\n      \"name\": \"%s\",\n      \"dataset\": ", name);
    json_string(stdout, fmn_dataset_name(fmn_split_dataset(sp)));
    printf(",\n      \"count\": %zu,\n      \"pixels\": ", im.count);
    json_figures(fmn_histogram_stats(st->all));
    printf(",\n      \"histogram\": [");
    for (unsigned v = 0; v < 256; v++)
        printf(v ? ", %llu" : "%llu", (unsigned long long)st->all[v]);
    printf("],\n      \"classes\": [");
    const uint8_t *labels = fmn_split_labels(sp);
    uint64_t images[256] = {0};
    for (size_t i = 0; i < im.count; i++)
        images[labels[i]]++;
    for (unsigned c = 0; c < fmn_split_num_classes(sp); c++) {
        printf(c ? ",\n        " : "\n        ");
        printf("{\"label\": %u, \"name\": ", c);
        json_string(stdout, fmn_split_class_name(sp, c));
        printf(", \"count\": %llu, \"pixels\": ", (unsigned long long)images[c]);
        json_figures(fmn_histogram_stats(st->per_class[c]));
        printf("}");
    }
    printf("\n      ]\n    }");
}

int cmd_stats(int argc, char **argv)
{
    cli_data d;
    int json;
    int status = cli_dataset_command(argc, argv, "stats", HELP, &d, &json);
    if (status != CLI_CONTINUE)
        return status;
    static split_stats st; /* 512 KiB: not on the stack */
    if (json) {
        printf("{\n  \"path\": ");
        json_string(stdout, d.path);
        printf(",\n  \"splits\": [\n");
    }
    for (size_t i = 0; i < d.n; i++) {
        compute(d.splits[i], &st);
        if (json) {
            if (i)
                printf(",\n");
            json_split(d.names[i], d.splits[i], &st);
        } else {
            if (i)
                printf("\n");
            text_split(d.names[i], d.splits[i], &st);
        }
    }
    if (json)
        printf("\n  ]\n}\n");
    cli_data_free(&d);
    return EXIT_OK;
}
