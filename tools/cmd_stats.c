/* cmd_stats.c - `fmnist stats [PATH] [--split S]`: exact pixel statistics
 * per split and per class, a histogram, normalisation constants. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_data.h"
#include "cli_summary.h"

#include <string.h>

static const char HELP[] =
    "usage: fmnist stats [options] [PATH]\n"
    "       fmnist stats [options] --images FILE [--labels FILE]\n"
    "\n"
    "Pixel statistics of each split of the dataset in directory PATH, and of\n"
    "each class: pixel count, min, max, sum, mean and population standard\n"
    "deviation on the 0-255 and the [0,1] scales, a histogram of pixel\n"
    "values, and normalisation constants ready to paste (and a torchvision\n"
    "transforms.Normalize line). Sums are exact integers; mean and std are\n"
    "computed once from them. An images file alone gives the figures of all\n"
    "its pixels, without classes.\n"
    "\n"
    CLI_SUMMARY_OPTIONS_HELP;

static void text_figures(const char *indent, fmn_pixel_stats s)
{
    printf("%spixels   %llu\n", indent, (unsigned long long)s.count);
    printf("%smin      %u\n%smax      %u\n", indent, s.min, indent, s.max);
    printf("%ssum      %llu\n", indent, (unsigned long long)s.sum);
    printf("%smean     ", indent);
    cli_json_number(stdout, s.mean);
    printf(" (0-255)   %.7f ([0,1])\n", s.mean / 255.0);
    printf("%sstd      ", indent);
    cli_json_number(stdout, s.std);
    printf(" (0-255)   %.7f ([0,1])\n", s.std / 255.0);
}

static void text_histogram(const uint64_t all[256], uint64_t count)
{
    printf("  histogram (16 bins of 16 values):\n");
    for (unsigned b = 0; b < 16; b++) {
        uint64_t n = 0;
        for (unsigned v = b * 16; v < b * 16 + 16; v++)
            n += all[v];
        double share = count ? (double)n / (double)count : 0.0;
        int bar = (int)(share * 40.0 + 0.5);
        printf("    %3u-%3u %6.2f%% ", b * 16, b * 16 + 15, 100.0 * share);
        for (int i = 0; i < bar; i++)
            putchar('#');
        putchar('\n');
    }
}

static void text_classes(const cli_summary *sm)
{
    printf("  per class:\n    %5s  %-12s %8s %10s %18s %10s %10s\n", "label",
           "name", "images", "sum", "mean", "std", "mean[0,1]");
    for (unsigned c = sm->first_label; c < cli_summary_end_label(sm); c++) {
        fmn_pixel_stats cs = fmn_histogram_stats(sm->per_class[c]);
        char buf[16];
        printf("    %5u  %-12s %8llu %10llu %18.14f %10.6f %10.7f\n", c,
               cli_summary_class(sm, c, buf),
               (unsigned long long)sm->images[c], (unsigned long long)cs.sum,
               cs.mean, cs.std, cs.mean / 255.0);
    }
}

static void json_figures(cli_json *j, fmn_pixel_stats s)
{
    const char *const whole[] = {"count", "min", "max", "sum", "sum_squares"};
    const unsigned long long w[] = {s.count, s.min, s.max, s.sum,
                                    s.sum_squares};
    const char *const real[] = {"mean", "std", "mean01", "std01"};
    const double r[] = {s.mean, s.std, s.mean / 255.0, s.std / 255.0};
    cli_json_object(j, CLI_JSON_INLINE);
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        cli_json_kuint(j, whole[i], w[i]);
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        cli_json_kdouble(j, real[i], r[i]);
    cli_json_end(j);
}

static void json_split(cli_json *j, const cli_summary *sm)
{
    uint64_t all[256];
    cli_summary_pixels(sm, all);
    cli_json_object(j, CLI_JSON_BLOCK);
    cli_json_split_id(j, sm->name, sm->dataset, sm->naming, sm->count);
    cli_json_key(j, "pixels");
    json_figures(j, fmn_histogram_stats(all));
    cli_json_key(j, "histogram");
    cli_json_array(j, CLI_JSON_INLINE);
    for (unsigned v = 0; v < 256; v++)
        cli_json_uint(j, all[v]);
    cli_json_end(j);
    cli_json_key(j, "classes");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (unsigned c = sm->first_label;
         sm->has_labels && c < cli_summary_end_label(sm); c++) {
        cli_summary_json_class(j, sm, c);
        cli_json_key(j, "pixels");
        json_figures(j, fmn_histogram_stats(sm->per_class[c]));
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_end(j);
}

static void text_split(const cli_summary *sm, size_t i)
{
    if (i)
        printf("\n");
    uint64_t all[256];
    cli_summary_pixels(sm, all);
    fmn_pixel_stats s = fmn_histogram_stats(all);
    const char *ds = fmn_dataset_name(sm->dataset);
    cli_put_safe(stdout, sm->name);
    printf(": %llu %s of %zux%zu (%s", (unsigned long long)sm->count,
           cli_plural(sm->count, "image", "images"), sm->height, sm->width,
           ds ? ds : "unidentified dataset");
    if (sm->naming != sm->dataset)
        printf("; class names of %s, %s", fmn_dataset_name(sm->naming),
               cli_naming_reason(sm->naming_asked));
    printf(")\n");
    text_figures("  ", s);
    printf("  normalize: mean=%.7f std=%.7f\n", s.mean / 255.0, s.std / 255.0);
    printf("  torchvision: transforms.Normalize((%.7f,), (%.7f,))\n",
           s.mean / 255.0, s.std / 255.0);
    text_histogram(all, s.count);
    if (sm->has_labels)
        text_classes(sm);
}

int cmd_stats(int argc, char **argv)
{
    const cli_summary_cmd c = {"stats", HELP, 1, text_split, json_split};
    return cli_summary_main(argc, argv, &c);
}
